"""The whole library's counts, kept by the library's triggers (issue 20).

Every operation and its undo is checked in ``test_ops_undo`` (counts afresh after the
operation and after the undo, and the table as it was before); here: the migration
that fills them, writes by another program, bulk and row-by-row imports, values that
reach nothing, and the sidebar reading them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from kept_counts import afresh, assert_counts_kept, kept
from test_migrations import build_library_at

from papershelf.core.fields import PaperFields
from papershelf.core.io.bibtex import import_bibtex
from papershelf.core.search.facets import facet_counts
from papershelf.core.search.query import compile_query
from papershelf.core.store import bulk, schema
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


def sidebar(library: Library, group: str) -> dict[str, int]:
    groups = facet_counts(library, compile_query(""), author_limit=500)
    return {facet.label: facet.count for facet in groups[group]}


def test_the_migration_counts_what_the_library_holds(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    build_library_at(path, schema.SCHEMA_VERSION - 1)
    with open_library(path, backups=tmp_path / "backups") as library:
        assert_counts_kept(library)
        assert ("author", 2, 2) in kept(library.conn)  # Bo Li: on both papers
        assert sidebar(library, "Status") == {
            "new": 0, "to-read": 1, "reading": 0, "read": 1, "skipped": 0
        }  # fmt: skip


def test_the_seeded_library_and_its_writes_keep_them(library: Library) -> None:
    assert_counts_kept(library)
    ids = library.search("", sort="key")
    library.set_status(ids[:10], "read")
    library.add_tags(ids[:4], ["theory"])
    library.remove_tags(ids[:2], ["theory"])
    fields = PaperFields.from_record(library.record(ids[0]))
    fields.published, fields.category = "1987-05-01", "XX"
    fields.authors = ["Zora Quixote", *fields.authors[:1]]
    fields.affiliations = ["Nowhere University"]
    library.update_paper(ids[0], fields)
    library.add_papers([PaperFields(title="Without a year", authors=["Zora Quixote"])])
    library.delete_papers(ids[5:8])
    assert_counts_kept(library)
    assert sidebar(library, "Year")["1987"] == 1
    assert sidebar(library, "Authors")["Zora Quixote"] == 2
    assert sidebar(library, "Affiliations")["Nowhere University"] == 1


def test_a_value_nobody_has_any_more_leaves_no_row(library: Library) -> None:
    before = kept(library.conn)
    paper = library.search("", sort="key")[0]
    library.add_tags([paper], ["only here"])
    assert len(kept(library.conn)) == len(before) + 1
    library.remove_tags([paper], ["only here"])
    assert kept(library.conn) == before  # not a row counting 0
    assert "only here" not in sidebar(library, "Tags")


def test_another_program_s_writes_keep_them_too(library_path: Path) -> None:
    """The triggers are in the file: the sqlite3 shell or a script writing it counts."""
    conn = sqlite3.connect(library_path, isolation_level=None)
    try:
        conn.execute("UPDATE papers SET year = 1999, category = NULL WHERE id IN (1, 2)")
        conn.execute("UPDATE paper_authors SET author_id = 1 WHERE paper_id = 3")
        conn.execute("DELETE FROM papers WHERE id = 4")
        assert_counts_kept(conn)
    finally:
        conn.close()
    with open_library(library_path) as library:
        assert sidebar(library, "Year")["1999"] == 2


def test_papers_without_a_year_or_category_are_not_a_row_of_the_sidebar(
    library: Library,
) -> None:
    library.add_papers([PaperFields(title="Undated", category="")])
    assert_counts_kept(library)
    assert "" not in sidebar(library, "Year") and "" not in sidebar(library, "Category")
    assert ("year", "", 1) in kept(library.conn)  # counted under '', which is skipped


BIB = "".join(
    f"@article{{k{i}, title = {{Paper {i}}}, author = {{Author {i % 7} and Ada Lovelace}},"
    f" year = {2000 + i % 5}, keywords = {{k{i % 3}}}}}\n"
    for i in range(60)
)


@pytest.mark.parametrize("bulk_min", [1, 10**9], ids=["bulk", "row by row"])
def test_an_import_keeps_them_whether_in_bulk_or_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_min: int
) -> None:
    monkeypatch.setattr(bulk, "BULK_MIN", bulk_min)
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    with open_library(tmp_path / "lib.sqlite", seed=False) as library:
        import_bibtex(library, [path])
        assert_counts_kept(library)
        assert sidebar(library, "Authors")["Ada Lovelace"] == 60
        # The bulk import's triggers are back: later writes are counted.
        library.set_status(library.search("", sort="key")[:5], "read")
        assert sidebar(library, "Status")["read"] == 5
        assert_counts_kept(library)


def test_the_sidebar_reads_the_kept_counts(library: Library) -> None:
    """Not the papers: what the library keeps is what is shown (and fast)."""
    library.conn.execute("UPDATE whole_counts SET n = 12345 WHERE facet = 'status'")
    assert set(sidebar(library, "Status").values()) == {0, 12345}  # 0: statuses nobody has
    assert kept(library.conn) != afresh(library.conn)


def test_the_kept_number_of_papers_is_the_table_s(library_path: Path) -> None:
    """What the window shows as the library's size, through writes of its own, another
    program's, a bulk import's; a library without kept counts is counted."""
    with open_library(library_path) as library:
        before = library.count()
        assert library.kept_count() == before > 0
        library.add_papers([PaperFields(title=f"Added {i}") for i in range(3)])
        library.delete_papers(library.search("", sort="key")[:2])
        assert library.kept_count() == library.count() == before + 1
    conn = sqlite3.connect(library_path, isolation_level=None)
    try:
        conn.execute("DELETE FROM papers WHERE id IN (SELECT id FROM papers LIMIT 4)")
    finally:
        conn.close()
    with open_library(library_path) as library:
        assert library.kept_count() == library.count() == before - 3
        library.conn.execute("DROP TABLE whole_counts")
        assert library.kept_count() == before - 3


def test_the_kept_number_after_a_bulk_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BULK_MIN", 1)
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    with open_library(tmp_path / "lib.sqlite", seed=False) as library:
        assert library.kept_count() == 0
        import_bibtex(library, [path])
        assert library.kept_count() == library.count() == 60
