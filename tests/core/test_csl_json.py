"""CSL-JSON out and in: round trips, what citeproc reads, Zotero's export, hostile files."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_corpus import add_corpus, same_as

from papershelf.core.dates import real_date
from papershelf.core.fields import DESCRIBING, Paper, PaperFields
from papershelf.core.io.csl import csl_item, csl_paper, export_csl_json, parse_csl_json
from papershelf.core.io.importer import detect_kind, import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

# What CSL has no variable for, or says differently, and so only custom.papershelf keeps.
CSL_CANNOT_SAY = {
    "arxiv_id",  # CSL has no variable for it: a preprint's number, else its URL, says it
    "title", "abstract",  # LaTeX math, shown as Unicode text in the standard variables
    "affiliations", "category", "date_inferred", "score", "aliases", "extra",
    "entry_type",  # inbook (a chapter like incollection), proceedings (a book)
    "tags",  # CSL's keyword is one comma-separated text: a tag with a comma
    "url",  # an arXiv preprint's URL is its arXiv page when it has none of its own
    "publisher", "institution",  # a thesis's or report's publisher is its institution
}  # fmt: skip


def papers_by_key(library: Library) -> dict[str, Paper]:
    return {p.key: p for p in library.papers(library.search(""))}


@pytest.fixture
def corpus(tmp_path: Path) -> Library:
    lib = open_library(tmp_path / "corpus.sqlite", seed=False)
    add_corpus(lib)
    yield lib
    lib.close()


def write(tmp_path: Path, text: str, name: str = "refs.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- round trips --------------------------------------------------------------------------


def test_our_export_imports_into_an_empty_library_as_the_same_records(
    corpus: Library, tmp_path: Path
) -> None:
    before = papers_by_key(corpus)
    path = write(tmp_path, export_csl_json(before.values()))
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        report = import_files(fresh, [path])
        assert report.problems == []
        assert (report.added, report.merged, report.skipped) == (len(before), 0, 0)
        after = papers_by_key(fresh)
    assert set(after) == set(before)
    for key, old in before.items():
        assert same_as(old, after[key]) == [], key  # nothing lost at all


def test_the_standard_variables_carry_all_that_csl_can_say(corpus: Library) -> None:
    """custom.papershelf holds only what CSL cannot say: the rest is in CSL's own variables."""
    items = json.loads(export_csl_json(papers_by_key(corpus).values()))
    own = {name for item in items for name in item.get("custom", {}).get("papershelf", {})}
    assert own <= CSL_CANNOT_SAY, own - CSL_CANNOT_SAY
    plain = {i["title"] for i in items if "custom" not in i}
    # Corporate names, "et al.", a venue, a DOI, tags, a note: all in CSL's own variables.
    assert "Inproceedings number 1: plain" in plain


def test_importing_the_same_file_twice_changes_nothing(corpus: Library, tmp_path: Path):
    path = write(tmp_path, export_csl_json(papers_by_key(corpus).values()))
    count = corpus.count()
    again = import_files(corpus, [path])
    assert (again.added, again.merged, again.unchanged) == (0, 0, count)
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        import_files(fresh, [path])
        first = papers_by_key(fresh)
        second = import_files(fresh, [path])
        assert (second.added, second.merged, second.unchanged) == (0, 0, count)
        assert papers_by_key(fresh) == first


def item_of(**fields: Any) -> dict[str, Any]:
    return csl_item(Paper(id=1, key="k1", **{"title": "A title", **fields}))


def test_types_follow_the_entry_type() -> None:
    expected = {
        "article": "article-journal", "inproceedings": "paper-conference", "book": "book",
        "incollection": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
        "techreport": "report", "misc": "document", "unpublished": "manuscript",
        "online": "webpage",
    }  # fmt: skip
    for entry_type, csl_type in expected.items():
        assert item_of(entry_type=entry_type)["type"] == csl_type, entry_type
    preprint = item_of(entry_type="misc", arxiv_id="2211.15661")
    assert preprint["type"] == "article"  # CSL's type for preprints
    assert preprint["number"] == "arXiv:2211.15661" and preprint["publisher"] == "arXiv"
    published = item_of(entry_type="misc", arxiv_id="2211.15661", venue="ICLR")
    assert published["type"] == "document"  # a venue: no longer only a preprint
    assert item_of(entry_type="mastersthesis")["genre"] == "Master's thesis"


def test_variables_names_and_dates() -> None:
    item = item_of(
        entry_type="inproceedings", venue="NeurIPS", volume="30", number="2", pages="1–9",
        publisher="Curran", doi="10.1/x", url="https://x.org", isbn="978-0",
        authors=["van Beethoven, Ludwig", "King, Jr., Martin Luther", "{Barnes and Noble, Inc.}",
                 "Plato"],
        editors=["Knuth, Donald E."], published="2017-06", authors_truncated=True,
    )  # fmt: skip
    assert item["container-title"] == "NeurIPS" and item["page"] == "1–9"
    assert (item["volume"], item["collection-number"], item["publisher"]) == ("30", "2", "Curran")
    assert (item["DOI"], item["URL"], item["ISBN"]) == ("10.1/x", "https://x.org", "978-0")
    assert item["author"] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "Barnes and Noble, Inc."},
        {"family": "Plato"},
        {"literal": "others"},  # pandoc's citeproc prints "et al."
    ]
    assert item["editor"] == [{"family": "Knuth", "given": "Donald E."}]
    assert item["issued"] == {"date-parts": [[2017, 6]]}  # no invented day
    assert item_of(published="2017")["issued"] == {"date-parts": [[2017]]}
    assert "issued" not in item_of(published=None)
    assert item_of(entry_type="article", number="4")["issue"] == "4"
    assert "custom" not in item  # all of it said in CSL's own variables


# --- pandoc's citeproc ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_prints_et_al_for_a_cut_author_list_only(tmp_path: Path) -> None:
    """The default style (Chicago author-date) lists up to ten authors: "et al." after two
    comes from the mark alone."""
    papers = [
        Paper(id=1, key="cut", title="Cut short", authors=["Doe, Jane", "Roe, Ann"],
              authors_truncated=True, published="2017"),
        Paper(id=2, key="whole", title="All there", authors=["Poe, Edgar", "Moe, Tim"],
              published="2018"),
    ]  # fmt: skip
    (tmp_path / "refs.json").write_text(export_csl_json(papers), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("See [@cut] and [@whole].\n", encoding="utf-8")
    result = subprocess.run(
        ["pandoc", doc, "--citeproc", "--bibliography", tmp_path / "refs.json", "-t", "plain"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    out = " ".join(result.stdout.split())
    assert "Doe, Jane, Ann Roe, et al. 2017." in out
    assert "Poe, Edgar, and Tim Moe. 2018." in out  # not cut: no "et al."
    assert "(Doe, Roe, et al. 2017)" in out


# --- what other programs write ------------------------------------------------------------

ZOTERO = [
    {
        "id": "http://zotero.org/users/local/AbCd/items/QWER1234",
        "type": "article-journal",
        "title": "Attention is all you need",
        "container-title": "Advances in Neural Information Processing Systems",
        "volume": "30",
        "page": "5998-6008",
        "ISSN": "1049-5258",
        "DOI": "10.5555/3295222.3295349",
        "URL": "https://example.org/attention",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "Shazeer", "given": "Noam"},
        ],
        "issued": {"date-parts": [["2017"]]},
        "accessed": {"date-parts": [[2023, 1, 5]]},
        "language": "en",
        "source": "Google Scholar",
    },
    {
        "id": "akyurek2022learning",
        "citation-key": "akyurek2022learning",
        "type": "article",
        "title": "What learning algorithm is in-context learning?",
        "publisher": "arXiv",
        "number": "arXiv:2211.15661",
        "DOI": "10.48550/arXiv.2211.15661",
        "URL": "http://arxiv.org/abs/2211.15661",
        "author": [{"family": "Akyürek", "given": "Ekin"}, {"literal": "Google Research"}],
        "issued": {"date-parts": [["2022", 11, 28]]},
        "keyword": "Computer Science - Machine Learning, In-context learning",
        "note": "arXiv:2211.15661 [cs]",
    },
    {
        "id": "book1",
        "type": "book",
        "title": "The TeXbook",
        "author": [{"family": "Knuth", "given": "Donald E."}],
        "editor": [{"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"}],
        "publisher": "Addison-Wesley",
        "publisher-place": "Reading, MA",
        "edition": "2",
        "ISBN": "0-201-13447-0",
        "issued": {"raw": "1984-02"},
    },
    {
        "id": 7,
        "type": "thesis",
        "genre": "Master's thesis",
        "title": "Deep things",
        "publisher": "MIT",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2015, 2, 30]]},
    },
]


def test_zotero_csl_json(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(ZOTERO), "My Library.txt")
    assert detect_kind(path) == "csl-json"  # known by its content too
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert report.added == 4
        assert report.problems == [
            "My Library.txt: item '7' (item 4): a key of digits alone would read as a paper "
            "id; its key is 'doe2015deep'"
        ]
        book, thesis, attention, icl = lib.papers(lib.search("", sort="year"))
        assert attention.entry_type == "article" and attention.published == "2017"
        assert attention.key == "vaswani2017attention"  # Zotero's item URI is no key
        assert attention.venue == "Advances in Neural Information Processing Systems"
        assert attention.extra == {"issn": "1049-5258", "language": "en",
                                   "csl-source": "Google Scholar"}  # fmt: skip
        assert icl.key == "akyurek2022learning" and icl.arxiv_id == "2211.15661"
        assert icl.entry_type == "misc" and icl.publisher == ""  # arXiv is no publisher
        assert icl.url == "http://arxiv.org/abs/2211.15661"
        assert icl.authors == ["Akyürek, Ekin", "{Google Research}"]
        assert icl.published == "2022-11-28" and icl.note == "arXiv:2211.15661 [cs]"
        assert sorted(icl.tags) == ["Computer Science - Machine Learning", "In-context learning"]
        assert book.published == "1984-02" and book.editors == ["de la Fontaine, Jean"]
        assert book.extra == {"address": "Reading, MA", "edition": "2"}
        assert book.isbn == "0-201-13447-0" and book.publisher == "Addison-Wesley"
        assert thesis.entry_type == "mastersthesis" and thesis.institution == "MIT"
        assert thesis.published == "2015-02"  # no 30 February: the month is still known


# --- hostile files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "book", "title": "x"}', "is an object, not a CSL-JSON list of items"),
        ('"text"', "is text, not a CSL-JSON list of items"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply to be CSL-JSON"),
        ('[{"type": "book", "title": "x"},', "line 1: not valid JSON"),
        ("\x00\x01\x02" * 5000, "is a binary file, not CSL-JSON"),
        ("", "line 1: not valid JSON"),
        ("[]", "no CSL-JSON references found; nothing imported"),
        (
            '[{"key": "a1", "entry_type": "misc", "title": "x", "authors": ["A B"]}]',
            "is the output of `list --format json`, not CSL-JSON",
        ),
    ],
)
def test_files_that_are_not_csl_json_say_so_in_one_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = write(tmp_path, content)
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert lib.count() == 0
        assert any(message in p for p in report.problems), report.problems
        assert len(report.problems) == 1  # one line, not a second saying the same


def test_odd_items_are_skipped_with_a_reason(tmp_path: Path) -> None:
    items = [
        [1, 2], None, "text", {"type": "book"}, {"title": ["not", "text"]},
        {"title": "Good", "author": "not a list", "issued": "2017", "volume": 3,
         "custom": {"papershelf": {"tags": "not a list", "score": "high", "nope": 1,
                                   "extra": {"note": "} breaks BibTeX {"}, "title": " ",
                                   "authors": [1, "x"], "published": "2017-02-30"}}},
        {"title": "Nested", "author": [[[[]]]], "editor": [{"family": {"x": 1}}],
         "issued": {"date-parts": [[99999, -1]]}, "custom": []},
    ]  # fmt: skip
    file = parse_csl_json(json.dumps(items), "odd.json")
    assert [p.fields.title for p in file.papers] == ["Good", "Nested"]
    assert file.skipped == 5
    assert file.problems[:3] == [
        "item 1: is a list, not a CSL item; skipped",
        "item 2: is null, not a CSL item; skipped",
        "item 3: is text, not a CSL item; skipped",
    ]
    assert "item 4: no title; skipped" in file.problems
    for name in ("tags", "score", "nope", "extra", "title", "authors", "published"):
        assert f"item 6: custom.papershelf.{name} is not what Papershelf writes; ignored" in (
            file.problems
        )
    good = file.papers[0]
    assert (good.fields.volume, good.fields.published, good.tags) == ("3", None, [])


def test_a_50_mb_file_ends_with_a_report_well_within_30_s(tmp_path: Path) -> None:
    items = [
        {"type": "book", "title": f"Book {i}", "author": [{"family": f"Writer{i}"}],
         "abstract": "x" * 5000}
        for i in range(10_000)
    ]  # fmt: skip
    path = write(tmp_path, json.dumps(items))
    assert path.stat().st_size > 50_000_000
    start = time.monotonic()
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert report.added == 10_000 and lib.count() == 10_000
    assert time.monotonic() - start < 30


csl_keys = st.sampled_from(
    ["title", "type", "author", "editor", "issued", "date-parts", "family", "given", "literal",
     "custom", "papershelf", "tags", "page", "id", "raw", "extra", "keyword", "published"]
)  # fmt: skip
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
shallow = leaves | st.lists(leaves, max_size=4) | st.dictionaries(csl_keys, leaves, max_size=6)
json_values = (
    shallow
    | st.lists(shallow, max_size=4)
    | st.dictionaries(csl_keys, shallow | st.lists(shallow, max_size=3), max_size=6)
)


own_values = st.dictionaries(
    st.sampled_from([f.name for f in DESCRIBING] + ["tags", "note", "aliases", "id", "key"]),
    json_values,
)
items = json_values | st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=10)},
    optional={
        k: json_values
        for k in ("type", "author", "editor", "issued", "keyword", "number", "URL", "DOI", "id")
    }
    | {"custom": st.fixed_dictionaries({"papershelf": own_values})},
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=items)
def test_no_item_raises_and_every_paper_is_well_formed(item: object) -> None:
    paper, problems = csl_paper(item, 1)
    assert all(isinstance(p, str) for p in problems)
    if isinstance(paper, str):
        return
    f = paper.fields
    assert isinstance(f.title, str) and f.title.strip()
    assert f.published is None or real_date([int(p) for p in f.published.split("-")]) == (
        f.published
    )
    for name in ("authors", "editors", "affiliations", "code_urls"):
        assert all(isinstance(v, str) for v in getattr(f, name)), name
    assert all(isinstance(t, str) for t in [*paper.tags, *paper.aliases])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in f.extra.items())
    for name in ("doi", "arxiv_id", "url"):
        assert getattr(f, name) is None or isinstance(getattr(f, name), str), name
    assert f.score is None or isinstance(f.score, int | float)
    assert isinstance(paper.note, str) and isinstance(paper.key, str)


def test_a_paper_with_every_field_empty_goes_out_and_back(tmp_path: Path) -> None:
    paper = Paper(id=1, key="only", title="Only a title")
    back, problems = csl_paper(json.loads(export_csl_json([paper]))[0], 1)
    assert problems == [] and not isinstance(back, str)
    assert back.fields == PaperFields(title="Only a title") and back.key == "only"
