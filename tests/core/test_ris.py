"""RIS out and in: round trips, the RIS of Zotero, Mendeley, JabRef and EndNote, hostile files."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_corpus import add_corpus, same_as

from papershelf.core.fields import Paper
from papershelf.core.io import bibtex_text
from papershelf.core.io.importer import detect_kind, import_files
from papershelf.core.io.ris import export_ris, parse_ris
from papershelf.core.io.seed_import import code_urls
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

# The extra fields RIS has a tag for; the others stay behind.
RIS_EXTRA = ("address", "edition", "series", "language", "shorttitle", "shortjournal",
             "volumes", "issn", "type")  # fmt: skip


def ris_loses(paper: Paper) -> dict[str, Any]:
    """What RIS cannot carry (see core/io/ris.py) and comes back as this instead."""
    found = code_urls(" ".join(filter(None, [paper.abstract, paper.url])))
    own_publisher = paper.entry_type in ("phdthesis", "mastersthesis", "techreport", "manual")
    if own_publisher and not paper.institution:  # RIS's publisher is the institution
        moved = {"institution": paper.publisher, "publisher": ""}
    else:
        moved = {}
    return {
        **moved,
        "authors_truncated": False,  # RIS has no "et al."
        "date_inferred": False,
        "category": "",
        "score": None,
        "aliases": [],
        "entry_type": "incollection" if paper.entry_type == "inbook" else paper.entry_type,
        "code_urls": found,  # found again in the abstract and URL
        "has_code": bool(found),
        "extra": {  # as text, written back the way BibTeX writes it
            k: bibtex_text.encode(bibtex_text.decode(v))
            for k, v in paper.extra.items()
            if k in RIS_EXTRA or k.startswith("ris-")
        },
    }


def papers_by_key(library: Library) -> dict[str, Paper]:
    return {p.key: p for p in library.papers(library.search(""))}


@pytest.fixture
def corpus(tmp_path: Path) -> Library:
    lib = open_library(tmp_path / "corpus.sqlite", seed=False)
    add_corpus(lib)
    yield lib
    lib.close()


def write(tmp_path: Path, text: str, name: str = "refs.ris", **kw: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(kw.get("encoding", "utf-8")))
    return path


# --- round trips --------------------------------------------------------------------------


def test_the_corpus_out_and_back_in_gives_the_same_records(corpus: Library, tmp_path: Path):
    before = papers_by_key(corpus)
    path = write(tmp_path, export_ris(before.values()))
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        report = import_files(fresh, [path])
        assert report.problems == []
        assert (report.added, report.merged, report.skipped) == (len(before), 0, 0)
        after = papers_by_key(fresh)
    assert set(after) == set(before)  # the same citation keys (RIS's ID)
    for key, old in before.items():
        assert same_as(old, after[key], ris_loses) == [], key


def test_importing_the_same_file_twice_changes_nothing(corpus: Library, tmp_path: Path):
    path = write(tmp_path, export_ris(papers_by_key(corpus).values()))
    count = corpus.count()
    again = import_files(corpus, [path])  # into the library it came from
    # Only what RIS says differently fills a field: the manual's publisher, read as
    # its institution (RIS has one publisher, a report's institution), fills that.
    assert (again.added, again.merged, again.unchanged) == (0, 1, count - 1)
    assert again.merges == ["refs.ris: reference 'mullerludenscheidtmanual' (line 193) "
                            "merged into mullerludenscheidtmanual"]  # fmt: skip
    with open_library(tmp_path / "new.sqlite", seed=False) as fresh:
        import_files(fresh, [path])
        first = papers_by_key(fresh)
        second = import_files(fresh, [path])
        assert (second.added, second.merged, second.unchanged) == (0, 0, count)
        assert papers_by_key(fresh) == first


def test_the_file_is_crlf_utf8_and_says_each_field_once(corpus: Library) -> None:
    text = export_ris(papers_by_key(corpus).values())
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF, as the RIS spec says
    records = text.split("ER  - \r\n")
    assert len(records) == corpus.count() + 1
    thesis = next(r for r in records if "TI  - Mastersthesis" in r)
    assert "TY  - THES" in thesis and "M3  - Master's thesis" in thesis
    assert "PB  - Université Paris-Saclay" in thesis  # the university is RIS's publisher
    beethoven = next(r for r in records if "TI  - Article number 0:" in r)
    assert "AU  - van Beethoven, Ludwig\r\n" in beethoven
    assert "AU  - King, Martin Luther, Jr.\r\n" in beethoven  # Family, Given, Suffix
    assert "PY  - 2017\r\n" in beethoven and "DA  -" not in beethoven  # a year stays a year
    corporate = next(r for r in records if "TY  - CPAPER" in r)
    assert "AU  - {Barnes and Noble, Inc.}\r\n" in corporate
    assert "AU  - Center for History and New Media\r\n" in corporate
    assert "PY  - 2017\r\nDA  - 2017/06\r\n" in corporate
    assert "\r\n ER  - not the end\r\n" in text  # a note's line that would end the record


def test_a_paper_shows_its_precision_and_identifiers(tmp_path: Path) -> None:
    text = (
        "TY  - JOUR\nID  - x1\nTI  - T\nPY  - 2017\nDA  - 2017/06/12\nAN  - arXiv:2101.00001v3\n"
        "DB  - arXiv\nSN  - 978-3-16-148410-0\nSN  - 1234-567X\nSP  - 5\nEP  - 9\nER  - \n"
    )
    paper = parse_ris(text).papers[0]
    assert paper.fields.published == "2017-06-12"
    assert paper.fields.arxiv_id == "2101.00001v3"
    assert paper.fields.isbn == "978-3-16-148410-0"
    assert paper.fields.extra == {"issn": "1234-567X"}  # DB went with the arXiv id
    assert paper.fields.pages == "5\u20139"  # SP and EP joined as BibTeX's 5--9 reads


# --- what other programs write ------------------------------------------------------------

# Zotero, EndNote and Mendeley end a reference with "ER  - " (a space after the hyphen),
# JabRef with "ER  -".
ZOTERO = """TY  - JOUR
TI  - Attention is all you need
AU  - Vaswani, Ashish
AU  - Shazeer, Noam
T2  - Advances in Neural Information Processing Systems
DA  - 2017///
PY  - 2017
VL  - 30
SP  - 5998
EP  - 6008
SN  - 1049-5258
DO  - 10.5555/3295222.3295349
UR  - https://example.org/attention
KW  - transformers
KW  - attention
N1  - <p>Read twice.</p>
ER  -

TY  - GEN
TI  - What learning algorithm is in-context learning? Investigations with linear models
AU  - Akyürek, Ekin
AU  - Center for History and New Media
DA  - 2022/11/28/
PY  - 2022
DO  - 10.48550/arXiv.2211.15661
DP  - arXiv.org
UR  - http://arxiv.org/abs/2211.15661
Y2  - 2023/01/05/12:00:00
ER  -

""".replace("ER  -\n", "ER  - \n")

ENDNOTE = """TY  - JOUR
A1  - Baldwin, S. A.
A1  - Fugaccia, I.
T1  - Blood-brain barrier breach following
cortical contusion in the rat
JO  - J. Neurosurg.
Y1  - 1996/06/12/
VL  - 85
SP  - 476
EP  - 481
N2  - Adult rats were subjected to an impact.
M3  - 10.3171/jns.1996.85.3.0476
ID  - 12
ER  -

TY  - CHAP
A1  - Knuth, Donald E.
T1  - Chapter one
T2  - The Book
A2  - van der Waals, Johannes
Y1  - 1984
CY  - Reading, MA
ER  -
""".replace("ER  -\n", "ER  - \n")

MENDELEY = """TY  - CONF
AU  - Devlin, Jacob
AU  - Chang, Ming-Wei
PY  - 2019
DA  - 2019/06
TI  - BERT: Pre-training of deep bidirectional transformers
T2  - Proceedings of NAACL-HLT
SP  - 4171-4186
PB  - Association for Computational Linguistics
SN  - 978-1-950737-13-0
UR  - https://aclanthology.org/N19-1423
ER  -

TY  - THES
AU  - Doe, Jane
PY  - 2015
TI  - Deep things
PB  - MIT
M3  - MSc thesis
ER  -
""".replace("ER  -\n", "ER  - \n")

JABREF = """TY  - BOOK
AU  - Knuth, Donald E.
ED  - Smith, John
TI  - The TeXbook
PY  - 1984
PB  - Addison-Wesley
CY  - Reading, MA
ET  - 2nd
ID  - knuth1984texbook
ER  -
"""


def test_zotero_ris(tmp_path: Path) -> None:
    path = write(tmp_path, ZOTERO)
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert (report.added, report.problems) == (2, [])
        attention, icl = lib.papers(lib.search("", sort="year"))
        assert attention.entry_type == "article" and attention.published == "2017"
        assert attention.venue == "Advances in Neural Information Processing Systems"
        assert (attention.volume, attention.pages) == ("30", "5998\u20136008")
        assert attention.extra["issn"] == "1049-5258"
        assert attention.doi == "10.5555/3295222.3295349"
        assert sorted(attention.tags) == ["attention", "transformers"]
        assert attention.note == "<p>Read twice.</p>"
        assert icl.published == "2022-11-28" and icl.arxiv_id == "2211.15661"
        assert icl.authors == ["Akyürek, Ekin", "{Center for History and New Media}"]
        assert icl.extra["ris-y2"] == "2023/01/05/12:00:00"  # kept, and written back
        assert "Y2  - 2023/01/05/12:00:00" in export_ris([icl])


def test_endnote_ris_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "endnote.txt"  # no .ris: known by its first line
    path.write_bytes(b"\xef\xbb\xbf" + ENDNOTE.replace("\n", "\r\n").encode("utf-8"))
    assert detect_kind(path) == "ris"
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert report.added == 2
        assert any("'12'" in p and "digits alone" in p for p in report.problems)
        chapter, rats = lib.papers(lib.search("", sort="year"))
        assert rats.title == "Blood-brain barrier breach following cortical contusion in the rat"
        assert rats.authors == ["Baldwin, S. A.", "Fugaccia, I."]
        assert rats.published == "1996-06-12" and rats.venue == "J. Neurosurg."
        assert rats.abstract == "Adult rats were subjected to an impact."
        assert rats.doi == "10.3171/jns.1996.85.3.0476"  # EndNote's DOI in M3
        assert chapter.entry_type == "incollection" and chapter.venue == "The Book"
        assert chapter.editors == ["van der Waals, Johannes"]
        assert chapter.extra == {"address": "Reading, MA"}


def test_mendeley_ris(tmp_path: Path) -> None:
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [write(tmp_path, MENDELEY)])
        assert (report.added, report.problems) == (2, [])
        thesis, bert = lib.papers(lib.search("", sort="year"))
        assert bert.entry_type == "inproceedings" and bert.published == "2019-06"
        assert bert.pages == "4171-4186" and bert.isbn == "978-1-950737-13-0"
        assert bert.publisher == "Association for Computational Linguistics"
        assert thesis.entry_type == "mastersthesis" and thesis.institution == "MIT"
        assert thesis.publisher == "" and thesis.extra == {"type": "MSc thesis"}


def test_jabref_ris(tmp_path: Path) -> None:
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        assert import_files(lib, [write(tmp_path, JABREF)]).added == 1
        book = lib.papers(lib.search("key:knuth1984texbook"))[0]
        assert book.editors == ["Smith, John"] and book.publisher == "Addison-Wesley"
        assert book.extra == {"address": "Reading, MA", "edition": "2nd"}


def test_an_id_the_library_cannot_keep_is_reported(tmp_path: Path) -> None:
    text = "".join(
        f"TY  - JOUR\nID  - {key}\nTI  - Paper {i}\nAU  - Doe, Jane\nER  - \n"
        for i, key in enumerate(["taken", "has space", "42", "fine:key"])
    )
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        from papershelf.core.fields import PaperFields

        lib.add_papers([PaperFields(title="Other")], cite_keys=["taken"])
        report = import_files(lib, [write(tmp_path, text)])
        assert report.added == 4
        problems = "\n".join(report.problems)
        assert "'taken' (line 1): another paper already has this key" in problems
        assert "'has space' (line 6): not a usable citation key" in problems
        assert "'42' (line 11): a key of digits alone" in problems
        assert "fine:key" not in problems and lib.search("key:fine:key")


def test_a_paper_twice_in_one_file_is_added_once_and_an_unusable_id_is_no_alias(
    tmp_path: Path,
) -> None:
    text = (
        "TY  - JOUR\nID  - a1\nTI  - Deep Nets\nAU  - Doe, Jane\nDO  - 10.1/abc\nER  - \n"
        "TY  - JOUR\nID  - 42\nTI  - Deep nets, revised\nAU  - Doe, Jane\nDO  - 10.1/ABC\n"
        "KW  - x\nER  - \n"
    )
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [write(tmp_path, text)])
        assert (report.added, report.merged) == (1, 1)
        assert lib.count() == 1 and lib.search("tag:x") == lib.search("key:a1")
        assert report.merges == ["refs.ris: reference '42' (line 7) merged into a1"]
        assert report.problems == [
            "refs.ris: reference '42' (line 7): a key of digits alone would read as a paper "
            "id; not kept"
        ]
        assert lib.papers(lib.search("key:a1"))[0].aliases == []  # "42" would read as an id


# --- hostile files ------------------------------------------------------------------------


def test_a_truncated_file_imports_what_it_has_and_says_so(tmp_path: Path) -> None:
    text = ZOTERO + "TY  - JOUR\nTI  - Cut short\nAU  - Roe, A"
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [write(tmp_path, text)])
        assert report.added == 3
        assert any("line 31: the file ends inside this reference" in p for p in report.problems)
    missing_er = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n"
    file = parse_ris(missing_er)
    assert [p.fields.title for p in file.papers] == ["One", "Two"]
    assert file.problems == ["line 1: reference has no ER line; it ends at line 3, where the "
                             "next starts"]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.ris", os.urandom(4096) + b"\x00" * 1024, "is a binary file, not RIS"),
        ("empty.ris", b"", "no RIS references found"),
        ("prose.ris", b"Dear reader,\nTY is not a tag here.\n", "no RIS references found"),
        ("untitled.ris", b"TY  - JOUR\nAU  - Doe, J\nER  - \n", "line 1: no title; skipped"),
    ],
)
def test_files_that_are_not_ris_say_so_in_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert lib.count() == 0
        assert any(message in p for p in report.problems), report.problems


def test_a_50_mb_file_ends_with_a_report_well_within_30_s(tmp_path: Path) -> None:
    path = tmp_path / "big.ris"
    line = b"AB  - " + b"x" * 1000 + b"\n"
    with path.open("wb") as handle:
        handle.write(b"TY  - JOUR\nTI  - Big\n")
        for _ in range(50 * 1024):  # 50 MB of abstract lines, and no ER
            handle.write(line)
        handle.write(b"TY  - JOUR\n" * 100_000)
    start = time.monotonic()
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert lib.count() == 1 and report.skipped == 100_000
    assert time.monotonic() - start < 30
    assert "more problems not shown" in report.problems[-1]
    assert len(report.problems) <= 102


@pytest.mark.parametrize("tag", ["KW", "AU", "N1", "SN"])
def test_a_reference_with_100_000_of_one_tag_ends_well_within_30_s(tag: str) -> None:
    text = "TY  - JOUR\nTI  - Many\n" + "".join(f"{tag}  - v{i}, x\n" for i in range(100_000))
    start = time.monotonic()
    file = parse_ris(text + "ER  - \n")
    assert time.monotonic() - start < 30
    assert len(file.papers) == 1


ris_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
            max_size=60),
    st.lists(st.sampled_from(["ER  - ", "TY  - JOUR", "  AU  - x", "KW - y", "\n", " ", "é",
                              "{", "%", "$x_1$", "N1  -"]), max_size=12).map("".join),
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=ris_text.filter(lambda t: t.strip()),
    note=ris_text,
    abstract=ris_text,
    tags=st.lists(ris_text.filter(lambda t: t.strip() and "\n" not in t), max_size=3),
)
def test_any_text_comes_back(title: str, note: str, abstract: str, tags: list[str]) -> None:
    """Values with tag-like lines, indentation and odd characters survive a round trip."""
    paper = Paper(id=1, key="k1", title=title, abstract=abstract.strip(), note=note, tags=tags)
    back = parse_ris(export_ris([paper])).papers[0]
    assert back.fields.title == " ".join(title.split())
    assert back.fields.abstract == abstract.strip()
    assert back.note == (note.strip("\n").rstrip() if note.strip() else "")  # indents kept
    shown = [" ".join(t.split()) for t in tags if t.split()]
    # Tags that differ only by case or spacing are one tag.
    assert shown == back.tags or len({t.casefold() for t in shown}) < len(shown)


def test_a_page_range_goes_out_as_start_and_end_page() -> None:
    from papershelf.core.fields import Paper

    def pages_of(pages: str) -> list[str]:
        paper = Paper(id=1, key="k", title="T", pages=pages)
        return [line for line in export_ris([paper]).splitlines() if line[:2] in ("SP", "EP")]

    assert pages_of("5998\u20136008") == ["SP  - 5998", "EP  - 6008"]
    assert pages_of("12--19") == ["SP  - 12", "EP  - 19"]
    assert pages_of("e1234") == ["SP  - e1234"]  # not a range: whole
    assert pages_of("58:1\u201358:20") == ["SP  - 58:1\u201358:20"]  # an article-number range
