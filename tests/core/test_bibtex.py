"""BibTeX in and out: round trips, merging, foreign files, malformed and hostile input."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.core import names
from papershelf.core.errors import ImportCancelled
from papershelf.core.fields import Paper, PaperFields
from papershelf.core.io import bibtex_fields, bibtex_text
from papershelf.core.io.bibtex import import_bibtex, parse_bibtex
from papershelf.core.io.bibtex_fields import parse_names
from papershelf.core.io.importer import detect_kind, import_files
from papershelf.core.io.interchange import (
    CSV_FIELDS,
    export_bibtex,
    export_csl_json,
    export_csv,
)
from papershelf.core.names import display
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

SEEDS = Path(__file__).parents[2] / "seeds"
COMPARED = (
    "title", "authors", "authors_truncated", "year", "published", "abstract", "tags", "note",
    "doi", "arxiv_id", "url", "code_urls",
)  # fmt: skip
HOSTILE_TITLE = r"A {braced} 100% \LaTeX-ish $L_\infty$ -- title: ``quoted'' & #1 @home ~x^2_i"
HOSTILE_NOTE = (
    "# Heading\n\n- list item with `code` and a \\backslash\n"
    "@article{notanentry,\n  title = {x}\n}\n```python\nprint('}')\n```\n50% done -- ok?`"
)


def records(lib: Library) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in lib.records(lib.search(""))}


def write(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rich(library: Library) -> Library:
    """The seeded library with what BibTeX must carry: tags, notes, ids and odd text."""
    ids = library.search("", sort="key")
    library.add_tags(ids[:3], ["to cite", "a,b; c", "theory"])
    library.set_note(ids[0], HOSTILE_NOTE)
    library.set_note(ids[1], "Short note.")
    first = library.record(ids[2])
    fields = PaperFields.from_record(first)
    fields.doi, fields.url, fields.arxiv_id = (
        "10.1000/XYZ_1(2)",
        "https://example.org/a?b=1&c=%20",
        "2211.15661v2",
    )
    library.update_paper(ids[2], fields)
    paper = library.add_paper(
        PaperFields(
            title=HOSTILE_TITLE,
            authors=["Jeff Z. HaoChen", "Anna and Bob", "Martin Luther King Jr.", "Plato"],
            abstract="Para one with $x_1$ and 5%.\n\nPara two: {a} \\b.",
            published="2021-07-09",
        )
    )
    library.set_note(paper, "note")
    return library


# --- round trips --------------------------------------------------------------------------


def test_export_then_import_into_an_empty_library_gives_the_same_papers(
    rich: Library, tmp_path: Path
) -> None:
    before = records(rich)
    path = write(tmp_path, export_bibtex(map(Paper.from_json, before.values())))
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        report = import_bibtex(fresh, [path])
        assert report.problems == []
        assert (report.added, report.merged, report.skipped) == (len(before), 0, 0)
        after = records(fresh)
    assert set(after) == set(before)  # the same citation keys
    for key, old in before.items():
        for name in COMPARED:
            assert after[key][name] == old[name], (key, name)


def test_importing_an_export_again_merges_and_adds_nothing(rich: Library, tmp_path: Path) -> None:
    path = write(tmp_path, export_bibtex(map(Paper.from_json, records(rich).values())))
    count = rich.count()
    report = import_bibtex(rich, [path])
    assert (report.added, report.merged, report.unchanged) == (0, 0, count)
    assert rich.count() == count
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        import_bibtex(fresh, [path])
        again = import_bibtex(fresh, [path])
        assert (again.added, again.merged, again.unchanged) == (0, 0, count)


def test_titles_protect_acronyms_for_bibliography_styles(library: Library) -> None:
    text = export_bibtex(map(Paper.from_json, records(library).values()))
    assert "title = {{SAM} 3: Segment Anything with Concepts}" in text


alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")
printable = st.characters(blacklist_categories=("Cs", "Cc"))
latex_bits = st.sampled_from(
    [*"\\{}%&#_$~^-`'?!@ \n\t\u00a0\",=", "$x$", "$\\frac{a}{b}$", "--", "``", "\n@", "GPT-3"]
)
field_text = st.lists(st.one_of(latex_bits, alphabet), max_size=50).map("".join)


@settings(max_examples=400, deadline=None)
@given(field_text)
def test_any_text_survives_bibtex_encoding_and_parsing(text: str) -> None:
    text = unicodedata.normalize("NFC", bibtex_text.clean_text(text))
    encoded = bibtex_text.encode(text, protect_case=True)
    parsed = parse_bibtex("@misc{k,\n  note = {" + encoded + "}\n}\n")
    assert parsed.problems == []
    assert bibtex_text.decode(parsed.entries[0].fields["note"]) == text


common_latex = st.sampled_from(
    [r"\'e", r"\'{e}", r"\'{\i}", r"\"u", r"\"{U}", r"\v{s}", r"\c{c}", r"\ss{}", r"{\ss}",
     r"{\o}", r"\AA{}", r"\&", r"\%", r"\{", r"\}", r"\textbackslash{}", r"\_", r"\#", r"\$",
     r"\textasciitilde{}", r"\textasciicircum{}", r"\~n", r"\^{o}", r"\=a", r"\H{o}", r"\k{a}",
     "{", "}", "-", "--", "`", "'", "~", "?", "!", " ", "a", "E", "\n", "é", r"\emph{x}"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(common_latex, max_size=20).map("".join))
def test_the_fast_latex_path_reads_like_pylatexenc(text: str) -> None:
    fast = bibtex_text._fast(text)
    if fast is not None:  # the common accents and escapes, without pylatexenc's cost
        slow = bibtex_text._latex(text)
        assert unicodedata.normalize("NFC", fast) == unicodedata.normalize("NFC", slow)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(printable, min_size=1, max_size=12), min_size=1, max_size=4))
def test_any_author_list_survives(names: list[str]) -> None:
    names = [unicodedata.normalize("NFC", " ".join(n.split())) for n in names]
    names = [n for n in names if n and n.lower() != "others"]
    paper = Paper(id=1, key="k", title="T", authors=names, authors_truncated=True)
    entry = parse_bibtex(export_bibtex([paper])).entries[0]
    forms, truncated = parse_names(entry.fields.get("author", ""))
    # What a reader sees of each name survives; its parts are BibTeX's reading of it.
    assert ([display(f) for f in forms], truncated) == ([display(n) for n in names], bool(names))


# --- reading foreign BibTeX --------------------------------------------------------------

FOREIGN = r"""
@string{icml = "Proc. of ICML"}
% a comment line
@InProceedings{Mueller2020:deep,
  author    = {M{\"u}ller, Hans and von Neumann, Jr., John and Ng, Andrew and others},
  title     = {{Deep} Learning for {\"U}ber-Fast \& Cheap {NLP} -- with $O(n^2)$ cost},
  booktitle = icml # " 2020",
  year      = 2020,
  month     = may,
  keywords  = {deep learning; NLP, {a, b}},
  abstract  = {First line
               continues here with 50% accuracy.},
  note      = {Accepted at ICML},
  annote    = {My own remark.},
  eprint    = {2001.00001v3},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG},
  doi       = {https://doi.org/10.5555/ABC.123},
}

@article{scholar,
  title={Another paper},
  author={Smith, J.},
  journal={arXiv preprint arXiv:2105.01234},
  year={2021}
}

@online{dated, title = "Quoted {Title}", date = {2019-03-04}, url = {https://x.org/a\_b}}
"""


def test_foreign_bibtex_is_read_the_way_latex_would_print_it(tmp_path: Path) -> None:
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_bibtex(lib, [write(tmp_path, FOREIGN)])
        assert report.problems == []
        assert report.added == 3
        got = records(lib)
    deep = got["Mueller2020:deep"]  # the file's own citation key is kept
    assert deep["title"] == "Deep Learning for Über-Fast & Cheap NLP \u2013 with $O(n^2)$ cost"
    assert deep["authors"] == ["Hans Müller", "John von Neumann Jr.", "Andrew Ng"]
    assert deep["authors_truncated"] is True
    assert deep["published"] == "2020-05"  # the month given, no day invented
    assert deep["tags"] == ["a, b", "deep learning", "NLP"]
    assert deep["abstract"] == "First line continues here with 50% accuracy."
    assert deep["note"] == "Accepted at ICML\n\nMy own remark."
    assert (deep["arxiv_id"], deep["doi"], deep["category"]) == (
        "2001.00001v3",
        "10.5555/ABC.123",
        "LG",
    )
    assert got["scholar"]["arxiv_id"] == "2105.01234"
    assert got["scholar"]["authors"] == ["J. Smith"]
    assert got["dated"]["published"] == "2019-03-04"
    assert got["dated"]["title"] == "Quoted Title"
    assert got["dated"]["url"] == "https://x.org/a_b"


def test_duplicates_merge_on_doi_arxiv_or_title_and_first_author(
    library: Library, tmp_path: Path
) -> None:
    target = records(library)["akyurek2022learning"]
    count = library.count()
    text = (
        "@article{x1, title = {What Learning Algorithm is In-Context Learning? "
        'Investigations with Linear Models.}, author = {Aky{\\"u}rek, E. and Schuurmans, Dale},'
        " year = 2022, doi = {10.1/abc}, keywords = {icl}, note = {From Scholar.}}\n"
        "@article{x2, title = {Totally different title}, doi = {10.1/ABC}, keywords = {again}}\n"
        "@article{x3, title = {Unrelated}, eprint = {2211.15661v1}}\n"
        "@article{x4, title = {Different}, url = {https://arxiv.org/abs/2211.15661v4}}\n"
    )
    library.set_note(target["id"], "Mine.")
    report = import_bibtex(library, [write(tmp_path, text)])
    assert (report.added, report.merged) == (1, 3), report.problems  # x3 + x4 are one paper
    assert library.count() == count + 1
    merged = library.record(target["id"])
    assert merged["doi"] == "10.1/abc"
    assert merged["tags"] == ["again", "icl"]
    assert merged["note"] == "Mine.\n\nFrom Scholar."
    assert merged["title"] == target["title"]  # the library's own fields win
    assert merged["authors"] == target["authors"]
    again = import_bibtex(library, [write(tmp_path, text)])
    assert (again.added, again.merged, again.unchanged) == (0, 0, 4)


def test_malformed_entries_are_skipped_with_their_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    text = (
        "@article{good1, title = {One}}\n"  # line 1
        "\n"
        "@article{broken, title = {never closed\n"  # line 3
        "@article{good2, title = {Two}}\n"  # line 4
        "@article{notitle, author = {A. B.}}\n"  # line 5
        "@article{twice, title = {Three}, title = {Again}}\n"  # line 6
        "@article{nocomma title = {x}}\n"  # line 7
    )
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_bibtex(lib, [write(tmp_path, text)])
        assert sorted(r["title"] for r in records(lib).values()) == ["One", "Three", "Two"]
    assert (report.added, report.skipped) == (3, 3)
    lines = {p.split(":")[1] for p in report.problems}
    assert {"3", "5", "6", "7"} <= lines, report.problems
    assert any("refs.bib:3: malformed entry" in p for p in report.problems)
    assert any("refs.bib:5:" in p and "no title" in p for p in report.problems)


def test_a_file_that_cannot_be_read_changes_nothing(library: Library, tmp_path: Path) -> None:
    version = library.conn.execute("SELECT count(*), max(modified) FROM papers").fetchone()
    folder = tmp_path / "folder.bib"
    folder.mkdir()
    report = import_bibtex(library, [tmp_path / "missing.bib", folder])
    assert report.added == report.merged == 0
    assert any("missing.bib: cannot be read" in p for p in report.problems)
    assert any("is a folder" in p for p in report.problems)
    assert library.conn.execute("SELECT count(*), max(modified) FROM papers").fetchone() == version


def test_cancelling_rolls_the_whole_import_back(library: Library, tmp_path: Path) -> None:
    text = "".join(f"@misc{{k{i}, title = {{Paper {i}}}}}\n" for i in range(20))
    count = library.count()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 10

    with pytest.raises(ImportCancelled):
        import_bibtex(library, [write(tmp_path, text)], progress=progress)
    assert library.count() == count
    assert seen[0] == (0, 0) and seen[-1] == (10, 20)


# --- hostile input ----------------------------------------------------------------------


def _hostile(name: str) -> bytes:
    rng = random.Random(5)
    return {
        "nested braces": b"@article{k, title = {" + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}}",
        "unclosed braces": b"@article{k, title = {" + b"{" * 100_000,
        "deep but parseable": b"@article{k, title = {" + b"{" * 500 + b"x" + b"}" * 500 + b"}}",
        "newlines": b"\n" * 1_000_000 + b"@article{k, title = {After newlines}}",
        "newlines inside": b"@article{k, title = {A" + b"\n" * 1_000_000 + b"B}}",
        "binary junk": bytes(rng.getrandbits(8) for _ in range(300_000)),
        "invalid utf-8": b"@article{k, title = {Caf\xe9 \xff\xfe na\xefve}}",
        "nul bytes": b"@article{k,\x00 title = {A\x00B}}\x00\n" + b"@misc{m, title = {M}}\n" * 9,
        "mostly nul": b"\x00" * 100_000 + b"@article{k, title = {A}}",
        "empty": b"",
        "block starts": b"@a{" * 50_000,
        "macro bomb": b"".join(
            b"@string{s%d = s%d # s%d}\n" % (i, i - 1, i - 1) for i in range(1, 60)
        )
        + b'@string{s0 = "xx"}\n@article{k, title = s59}',
    }[name]


@pytest.mark.parametrize(
    ("name", "added"),
    [
        ("nested braces", 1), ("unclosed braces", 0), ("deep but parseable", 1),
        ("newlines", 1), ("newlines inside", 1), ("binary junk", None), ("invalid utf-8", 1),
        ("nul bytes", 2), ("mostly nul", 0), ("empty", 0), ("block starts", 0),
        ("macro bomb", 0),  # skipped and reported: past the @string budget
    ],
)  # fmt: skip
def test_hostile_files_end_quickly_with_a_report(
    tmp_path: Path, name: str, added: int | None
) -> None:
    path = tmp_path / "hostile.bib"
    path.write_bytes(_hostile(name))
    library = tmp_path / "l.sqlite"
    with open_library(library, seed=False) as lib:
        start = time.monotonic()
        report = import_bibtex(lib, [path])
        elapsed = time.monotonic() - start
        assert elapsed < 30, f"{name} took {elapsed:.1f}s"  # a hang guard, not a benchmark
        if added is not None:
            assert report.added == added, report.problems
        if not report.added:
            assert report.problems  # nothing imported, and the report says why
        assert len(report.problems) <= 110
        for record in records(lib).values():
            assert "\x00" not in record["title"]
            assert len(record["title"]) <= 2000
    assert sum(p.stat().st_size for p in tmp_path.glob("l.sqlite*")) < 20_000_000


def test_a_title_too_deep_for_latex_decoding_is_still_imported(tmp_path: Path) -> None:
    path = tmp_path / "deep.bib"
    path.write_bytes(_hostile("deep but parseable"))
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        assert import_bibtex(lib, [path]).added == 1
        assert [r["title"] for r in records(lib).values()] == ["x"]


def test_invalid_utf8_is_read_as_windows_1252_and_said(tmp_path: Path) -> None:
    path = tmp_path / "latin.bib"
    path.write_bytes("@article{k, title = {Café naïve}}".encode("cp1252"))
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_bibtex(lib, [path])
        assert [r["title"] for r in records(lib).values()] == ["Café naïve"]
    assert any("not UTF-8" in p for p in report.problems)


# --- the dispatcher ----------------------------------------------------------------------


def test_import_files_takes_bibtex_and_seed_documents_together(tmp_path: Path) -> None:
    bib = write(tmp_path, "@misc{extra, title = {An extra paper}}", "refs.txt")
    junk = write(tmp_path, "just some text\n", "notes.txt")
    assert detect_kind(bib) == "bibtex"
    assert detect_kind(junk) == "unknown"
    assert detect_kind(sorted(SEEDS.glob("*.txt"))[0]) == "seed"
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [*sorted(SEEDS.glob("*.txt")), bib, junk])
        assert report.added == 51
        assert lib.count() == 51
        message = "notes.txt: not BibTeX, RIS, CSL-JSON or a seed document"
        assert any(message in p for p in report.problems)


# --- CSV and CSL-JSON --------------------------------------------------------------------


def test_csv_has_one_row_per_paper_with_the_json_fields(rich: Library) -> None:
    recs = list(records(rich).values())
    rows = list(csv.DictReader(io.StringIO(export_csv(map(Paper.from_json, recs)))))
    assert len(rows) == len(recs)
    assert tuple(rows[0]) == CSV_FIELDS
    by_key = {r["key"]: r for r in rows}
    for record in recs:
        row = by_key[record["key"]]
        assert row["title"] == record["title"]
        assert row["note"] == record["note"]
        assert row["authors"] == "; ".join(record["authors"])
        assert row["tags"] == "; ".join(record["tags"])
        assert row["has_code"] in ("true", "false")


def test_csl_json_items_have_what_citeproc_needs(rich: Library) -> None:
    items = json.loads(export_csl_json(map(Paper.from_json, records(rich).values())))
    assert len(items) == rich.count()
    for item in items:
        assert {"id", "type", "title", "issued"} <= set(item)
        # The seeds are @misc; the one given an arXiv id (and no venue) is a preprint.
        assert item["type"] == ("article" if "arXiv" in item.get("number", "") else "document")
        for person in item.get("author", []):
            assert set(person) == {"literal"} or {"family"} <= set(person) <= {
                "family",
                "given",
                "suffix",
                "non-dropping-particle",
            }
        assert all(isinstance(p, int) for p in item["issued"]["date-parts"][0])
    odd = next(i for i in items if i["title"].startswith("A {braced}"))
    assert "L∞" in odd["title"]  # LaTeX math shown as text
    assert odd["author"][2] == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    assert odd["author"][3] == {"family": "Plato"}  # a person known by one name, not a body


def test_names_keep_their_parts() -> None:
    assert names.parts("Ekin Akyürek") == names.NameParts(given="Ekin", family="Akyürek")
    assert names.parts("King, Jr., Martin Luther") == names.NameParts(
        given="Martin Luther", family="King", suffix="Jr."
    )
    assert names.parts("Martin Luther King Jr.") == names.parts("King, Jr., Martin Luther")
    assert names.parts("van Beethoven, Ludwig").particle == "van"
    assert names.parts("{Barnes and Noble, Inc.}").literal == "Barnes and Noble, Inc."


def test_a_paper_twice_in_one_file_is_added_once(tmp_path) -> None:
    from papershelf.core.io.importer import import_files

    bib = tmp_path / "twice.bib"
    bib.write_text(
        "@article{a1, title={Deep Nets}, author={Doe, Jane}, year={2020}}\n"
        "@article{a2, title={Deep nets.}, author={Jane Doe}, year={2020}, keywords={x}}\n"
        "@article{b1, title={One}, author={Roe, Ann}, doi={10.1/abc}}\n"
        "@article{b2, title={One, revised}, author={Roe, Ann}, doi={10.1/ABC}}\n",
        encoding="utf-8",
    )
    with open_library(tmp_path / "lib.sqlite", seed=False) as library:
        report = import_files(library, [bib])
        assert (report.added, report.merged + report.unchanged) == (2, 2)
        assert library.count() == 2
        assert library.search("tag:x") == library.search('title:"deep nets"')


name_bits = st.sampled_from(
    [" and ", " AND ", "  and\n", ",", ", ", " ", "-", "'", "others", "Ann", "van", "Jr", "é", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(name_bits, max_size=25).map("".join))
def test_plain_author_lists_read_the_same_by_the_quick_split(value: str) -> None:
    quick = parse_names(value)
    plain = bibtex_fields._NO_GROUPS
    bibtex_fields._NO_GROUPS = re.compile(r"(?!)")  # every value through the brace-aware scan
    try:
        assert parse_names(value) == quick
    finally:
        bibtex_fields._NO_GROUPS = plain


def test_an_entry_keeps_its_own_key_unless_another_paper_has_it(tmp_path: Path) -> None:
    bib = write(
        tmp_path,
        "@article{Doe2020deep, title={Deep Nets}, author={Doe, Jane}, year={2020}}\n"
        "@article{taken, title={Other}, author={Roe, Ann}, year={2021}}\n"
        "@article{doe2020deep, title={Deeper Nets}, author={Doe, Jane}, year={2020}}\n",
    )
    with open_library(tmp_path / "lib.sqlite", seed=False) as library:
        library.add_papers([PaperFields(title="First")], cite_keys=["taken"])
        report = import_bibtex(library, [bib])
        assert report.added == 3
        keys = {row[1]: row[0] for row in library.conn.execute("SELECT key, title FROM papers")}
    assert keys["First"] == "taken"  # the paper that had it keeps it
    assert keys["Deep Nets"] == "Doe2020deep"
    assert keys["Other"] not in ("taken", "") and keys["Other"].startswith("roe2021")
    # Keys are unique whatever their case: the second spelling gets a generated one.
    assert keys["Deeper Nets"].lower() != "doe2020deep"
