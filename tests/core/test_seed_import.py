"""Seeding a library from the bundled documents, importing them again, and damaged copies."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from papershelf.core import paths
from papershelf.core.io import seed_import
from papershelf.core.store import sources
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.text import fold

SEEDS = Path(__file__).parents[2] / "seeds"
LISTING = SEEDS / "000_028a7e986f3da8b4.txt"
PAIRS = SEEDS / "001_c327793b78459269.txt"
DOREMI = "DoReMi: Optimizing Data Mixtures Speeds Up Language Model Pretraining"
MARKER = re.compile(
    r"^(?:\d+(?:\.\d+)?)?[A-Z]{2,4}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(\d{1,2})(?:, (\d{4}))?(Code)?$"
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class RawEntry:
    """An entry as a reader of the listing sees it, read without the app's parser."""

    line: int
    month: int
    day: int
    year: int | None
    code: bool
    title: str
    names: list[str]
    et_al: bool


def raw_entries(text: str) -> list[RawEntry]:
    lines = text.splitlines()
    out = []
    for number, line in enumerate(lines):
        found = MARKER.match(line.strip())
        if not found:
            continue
        body = [t.strip() for t in lines[number + 1 : number + 8] if t.strip()]
        names = body[1].split(" · ")[0]
        et_al = names.endswith(" et al.")
        names = names.removesuffix(" et al.")
        out.append(
            RawEntry(
                line=number + 1,
                month=MONTHS.index(found[1]) + 1,
                day=int(found[2]),
                year=int(found[3]) if found[3] else None,
                code=found[4] is not None,
                title=body[0],
                names=[n.strip() for n in names.split(",")],
                et_al=et_al,
            )
        )
    return out


ENTRIES = raw_entries(LISTING.read_text(encoding="utf-8"))
FULL_LISTS = [
    [n.strip() for n in line.split(",")]
    for line in [t for t in PAIRS.read_text(encoding="utf-8").splitlines() if t.strip()][::2]
]


def all_records(lib: Library) -> list[dict[str, Any]]:
    return lib.records(lib.search("", sort="key"))


def by_title(lib: Library, title: str) -> dict[str, Any]:
    found = [r for r in all_records(lib) if r["title"] == title]
    assert len(found) == 1, title
    return found[0]


def dump(lib: Library) -> list[str]:
    return list(lib.conn.iterdump())


def table_counts(lib: Library) -> dict[str, int]:
    names = [
        r[0]
        for r in lib.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'papers_fts%' "
            "AND name NOT LIKE 'attachments_text%'"  # the indexes' own bookkeeping rows
        )
    ]
    return {n: lib.conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}


@pytest.fixture
def empty(tmp_path: Path) -> Any:
    lib = open_library(tmp_path / "empty.sqlite", seed=False)
    yield lib
    lib.close()


def test_the_raw_reading_of_the_seeds_is_sane() -> None:
    assert len(ENTRIES) == 50
    assert len(FULL_LISTS) == 10


def test_bundled_seeds_are_the_repository_seeds() -> None:
    assert [p.name for p in paths.seed_documents()] == [LISTING.name, PAIRS.name]


# --- the seeded library -----------------------------------------------------------------


def test_fifty_papers_in_four_categories(library: Library) -> None:
    records = all_records(library)
    assert len(records) == library.count() == 50
    assert {r["category"] for r in records} == {"LG", "CL", "CV", "LO"}
    assert sorted(r["title"] for r in records) == sorted(e.title for e in ENTRIES)


def test_doremi_has_its_full_author_list(library: Library) -> None:
    record = by_title(library, DOREMI)
    assert len(record["authors"]) == 10
    assert record["authors"][0] == "Sang Michael Xie"
    assert record["authors"][-1] == "Adams Wei Yu"
    assert record["authors_truncated"] is False
    assert record["key"] == "xie2023doremi"


def folded(names: list[str]) -> list[str]:
    return [fold(n) for n in names]


def test_full_author_lists_complete_the_et_al_papers(library: Library) -> None:
    records = all_records(library)
    for full in FULL_LISTS:
        # "Kefan Dong, Tengyu Ma" wrote four of the papers: the abstract picked one.
        having = [r for r in records if folded(r["authors"]) == folded(full)]
        assert having, full
        assert all(r["authors_truncated"] is False for r in having)
    completed = 0
    for entry in ENTRIES:
        record = by_title(library, entry.title)
        if folded(record["authors"]) == folded(entry.names):
            continue
        completed += 1
        assert entry.et_al, entry.title
        assert folded(record["authors"]) in [folded(f) for f in FULL_LISTS]
        assert folded(record["authors"][: len(entry.names)]) == folded(entry.names)
        assert record["authors_truncated"] is False
    assert completed == 7  # the other three full lists equal the listed names


def test_other_papers_keep_their_listed_names_and_truncation_flag(library: Library) -> None:
    truncated = 0
    for entry in ENTRIES:
        record = by_title(library, entry.title)
        if folded(record["authors"]) != folded(entry.names):
            continue  # completed from the second document
        # Names are kept as listed (one spelling per person: "HaoChen" shows as "Haochen").
        assert record["authors_truncated"] is entry.et_al, entry.title
        truncated += entry.et_al
    assert truncated == 26
    akyurek = by_title(library, ENTRIES[0].title)
    assert akyurek["authors"] == ["Ekin Akyürek", "Dale Schuurmans", "Jacob Andreas"]
    assert akyurek["authors_truncated"] is True


def test_affiliations_are_split_from_authors(library: Library) -> None:
    first = library.record(library.search("", sort="added")[0])
    assert first["title"] == ENTRIES[0].title
    assert first["affiliations"] == ["microsoft-research", "mit"]
    assert all("·" not in a for r in all_records(library) for a in r["authors"])


def test_dates_without_a_year_take_the_capture_year(library: Library) -> None:
    capture = library.meta("capture_year")
    assert capture is not None and capture.isdigit()
    undated = {e.title: e for e in ENTRIES if e.year is None}
    assert len(undated) == 5
    records = all_records(library)
    inferred = [r for r in records if r["date_inferred"]]
    assert {r["title"] for r in inferred} == set(undated)
    for r in inferred:
        e = undated[r["title"]]
        assert r["year"] == int(capture)
        assert r["published"] == f"{capture}-{e.month:02d}-{e.day:02d}"
    for r in records:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["published"])
        if not r["date_inferred"]:
            e = next(e for e in ENTRIES if e.title == r["title"])
            assert r["published"] == f"{e.year}-{e.month:02d}-{e.day:02d}"
    years = {r[0] for r in library.conn.execute("SELECT captured_year FROM sources")}
    assert years == {int(capture)}


def test_a_stored_capture_year_is_kept(empty: Library) -> None:
    empty.set_meta("capture_year", "2019")
    seed_import.import_documents(empty, [LISTING, PAIRS])
    inferred = [r for r in all_records(empty) if r["date_inferred"]]
    assert len(inferred) == 5
    assert {r["year"] for r in inferred} == {2019}
    assert empty.meta("capture_year") == "2019"


def test_code_marker_and_code_urls(library: Library) -> None:
    records = all_records(library)
    assert sum(r["has_code"] for r in records) == 10
    assert {r["title"] for r in records if r["has_code"]} == {e.title for e in ENTRIES if e.code}
    akyurek = library.record(library.resolve("akyurek2022learning"))
    assert (
        "https://github.com/ekinakyurek/google-research/blob/master/incontext"
        in (akyurek["code_urls"])
    )
    for r in records:
        for url in r["code_urls"]:
            assert url.startswith("https://")
            assert url in r["abstract"]
            assert not url.endswith((".", ",", ")"))


def test_listing_header_is_the_sources_record(library: Library) -> None:
    header = sources.listing_header(library)
    assert header is not None
    assert header["name"] == "Tengyu Ma"
    assert header["h_index"] == 36
    assert header["papers"] == 118
    assert header["citations"] == 30775
    assert header["field"] == "LG"
    assert header["novelty"] == "62%"
    assert header["ai_score"] == 64


def test_every_paper_remembers_its_source_entry(library: Library) -> None:
    rows = library.conn.execute(
        "SELECT s.document, ps.line, p.title FROM paper_sources ps "
        "JOIN sources s ON s.id = ps.source_id JOIN papers p ON p.id = ps.paper_id"
    ).fetchall()
    assert len(rows) == 50
    lines = {e.title: e.line for e in ENTRIES}
    for document, line, title in rows:
        assert document == LISTING.name
        assert line == lines[title]


def test_citation_keys(library: Library) -> None:
    keys = [r["key"] for r in all_records(library)]
    assert len(set(keys)) == 50
    assert all(re.fullmatch(r"[a-z]+\d{4}[a-z0-9]+", k) for k in keys), keys
    assert "akyurek2022learning" in keys
    assert "haochen2022separability" in keys


# --- importing again ----------------------------------------------------------------------


def test_importing_the_same_documents_again_changes_nothing(library: Library) -> None:
    doremi = library.resolve("xie2023doremi")
    akyurek = library.resolve("akyurek2022learning")
    library.set_status([doremi], "read")
    library.set_status([akyurek], "reading")
    library.add_tags([doremi, akyurek], ["data"])
    library.set_note(doremi, "Mixture weights via *group DRO*.")
    before = all_records(library)
    counts = table_counts(library)

    report = seed_import.import_documents(library, paths.seed_documents())

    assert (report.added, report.merged, report.unchanged, report.skipped) == (0, 0, 50, 0)
    assert report.problems == []
    assert all_records(library) == before
    assert table_counts(library) == counts


def test_importing_the_full_author_lists_again_alone_changes_nothing(library: Library) -> None:
    before = all_records(library)
    report = seed_import.import_documents(library, [PAIRS])
    assert report.problems == []
    assert (report.added, report.merged, report.unchanged) == (0, 0, 10)
    assert all_records(library) == before


def test_a_windows_copy_of_the_listing_adds_nothing(library: Library, tmp_path: Path) -> None:
    copy = tmp_path / "listing-windows.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + LISTING.read_bytes().replace(b"\n", b"\r\n"))
    before = all_records(library)
    report = seed_import.import_documents(library, [copy])
    assert (report.added, report.merged, report.unchanged) == (0, 0, 50)
    assert all_records(library) == before


def test_second_document_alone_completes_truncated_lists(empty: Library, library: Library) -> None:
    first = seed_import.import_documents(empty, [LISTING])
    assert (first.added, first.problems) == (50, [])
    doremi = by_title(empty, DOREMI)
    assert doremi["authors"] == ["Sang Michael Xie", "Hieu Pham", "Xuanyi Dong"]
    assert doremi["authors_truncated"] is True
    empty.set_status([doremi["id"]], "to-read")
    empty.set_note(doremi["id"], "read the appendix")
    empty.add_tags([doremi["id"]], ["mixtures"])

    report = seed_import.import_documents(empty, [PAIRS])

    assert report.problems == []
    assert report.added == 0
    assert report.merged + report.unchanged == 10
    assert report.merged == 7  # three listed lists were already complete
    doremi = by_title(empty, DOREMI)
    assert len(doremi["authors"]) == 10
    assert doremi["authors_truncated"] is False
    assert (doremi["status"], doremi["note"], doremi["tags"]) == (
        "to-read",
        "read the appendix",
        ["mixtures"],
    )
    assert doremi["key"] == "xie2023doremi"  # the key does not move
    assert empty.search('author:"Adams Wei Yu"') == [doremi["id"]]  # FTS has the new names
    # The same result as importing both documents together.
    together = {r["key"]: (r["authors"], r["authors_truncated"]) for r in all_records(library)}
    apart = {r["key"]: (r["authors"], r["authors_truncated"]) for r in all_records(empty)}
    assert apart == together


# --- damaged and unreadable documents ----------------------------------------------------


def test_truncated_last_entry_is_skipped_and_reported(empty: Library, tmp_path: Path) -> None:
    text = LISTING.read_text(encoding="utf-8")
    last = ENTRIES[-1]
    lines = text.splitlines(keepends=True)
    author_line = next(
        n for n in range(last.line, len(lines)) if lines[n].startswith(last.names[0])
    )
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("".join(lines[: author_line + 1]), encoding="utf-8")  # no abstract

    report = seed_import.import_documents(empty, [damaged])

    assert (report.added, report.skipped) == (49, 1)
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.startswith(f"damaged.txt:{last.line}: entry skipped")
    assert "no abstract" in problem
    assert MARKER.match(lines[last.line - 1].strip())  # the line number points at the entry
    assert last.title not in {r["title"] for r in all_records(empty)}

    # The whole document later fills the gap without doubling the rest.
    again = seed_import.import_documents(empty, [LISTING])
    assert (again.added, again.unchanged) == (1, 49)
    assert empty.count() == 50


def test_repeated_entry_is_imported_once(empty: Library, tmp_path: Path) -> None:
    text = LISTING.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start, end = ENTRIES[1].line - 1, ENTRIES[2].line - 1
    repeated = tmp_path / "repeated.txt"
    repeated.write_text("".join([*lines, "\n", *lines[start:end]]), encoding="utf-8")
    report = seed_import.import_documents(empty, [repeated])
    assert report.added == 50
    assert empty.count() == 50
    assert any("repeated entry skipped" in p for p in report.problems)


def _unreadable(tmp_path: Path, kind: str) -> Path:
    if kind == "folder":
        path = tmp_path / "a-folder"
        path.mkdir()
    elif kind == "missing":
        path = tmp_path / "missing.txt"
    elif kind == "binary":
        path = tmp_path / "junk.bin"
        path.write_bytes(bytes(range(256)) * 64)
    else:
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize("kind", ["folder", "missing", "binary", "empty"])
def test_unreadable_document_changes_nothing(library: Library, tmp_path: Path, kind: str) -> None:
    path = _unreadable(tmp_path, kind)
    before = dump(library)
    report = seed_import.import_documents(library, [path])
    assert (report.added, report.merged, report.unchanged) == (0, 0, 0)
    assert report.problems
    for problem in report.problems:
        assert problem.startswith(f"{path}: ")
        assert "\n" not in problem
    assert dump(library) == before


@pytest.mark.parametrize("kind", ["folder", "missing", "binary", "empty"])
def test_unreadable_document_fixes_no_capture_year(
    empty: Library, tmp_path: Path, kind: str
) -> None:
    report = seed_import.import_documents(empty, [_unreadable(tmp_path, kind)])
    assert report.problems
    assert empty.meta("capture_year") is None
    assert empty.count() == 0


def test_a_readable_document_beside_an_unreadable_one_still_imports(
    empty: Library, tmp_path: Path
) -> None:
    report = seed_import.import_documents(empty, [tmp_path / "missing.txt", LISTING, PAIRS])
    assert report.added == 50
    assert len(report.problems) == 1
    assert "missing.txt" in report.problems[0]
    assert len(by_title(empty, DOREMI)["authors"]) == 10


def test_a_failure_midway_leaves_nothing_half_imported(empty: Library) -> None:
    # A real SQLite failure on the 38th paper (DoReMi), raised inside the import.
    empty.conn.execute(
        "CREATE TEMP TRIGGER fail_doremi BEFORE INSERT ON main.papers "
        "WHEN new.title LIKE 'DoReMi%' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    with pytest.raises(sqlite3.Error, match="disk on fire"):
        seed_import.import_documents(empty, [LISTING, PAIRS])
    counts = table_counts(empty)
    assert all(n == 0 for n in counts.values()), counts
    assert empty.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == 0
    assert empty.meta("capture_year") is None

    empty.conn.execute("DROP TRIGGER fail_doremi")
    report = seed_import.import_documents(empty, [LISTING, PAIRS])
    assert report.added == 50
