"""The library file: opening, refusing what it must not touch, and every kind of write."""

from __future__ import annotations

import re
import sqlite3
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.store import schema
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.store.orders import SORT_COLUMNS
from papershelf.core.store.schema import STATUSES

T1 = "2024-01-01T10:00:00+00:00"
T2 = "2024-01-02T10:00:00+00:00"
T3 = "2024-01-03T10:00:00+00:00"
T4 = "2024-01-04T10:00:00+00:00"

# Child tables that point at a paper; deleting the paper must empty them of it.
CHILD_TABLES = (
    "paper_authors",
    "paper_affiliations",
    "paper_tags",
    "notes",
    "status_history",
    "paper_sources",
)


def scalar(lib: Library, sql: str, *params: object) -> Any:
    return lib.conn.execute(sql, params).fetchone()[0]


def fts_ids(lib: Library) -> list[int]:
    return [r[0] for r in lib.conn.execute("SELECT rowid FROM papers_fts ORDER BY rowid")]


# --- opening --------------------------------------------------------------------------


def test_new_library_has_schema_version_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with open_library(path, seed=False) as lib:
        assert scalar(lib, "PRAGMA user_version") == schema.SCHEMA_VERSION
        assert scalar(lib, "PRAGMA journal_mode") == "wal"
        assert scalar(lib, "PRAGMA foreign_keys") == 1
        assert lib.count() == 0
        with pytest.raises(sqlite3.IntegrityError):
            lib.conn.execute(
                "INSERT INTO notes(paper_id, body, created, updated) VALUES (999, 'x', '', '')"
            )
    # Version and WAL live in the file itself, not only in that connection.
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_missing_library_is_created_in_new_folders_and_seeded(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "library.sqlite"
    with open_library(path) as lib:
        assert lib.count() == 50
    assert path.is_file()


def test_reopening_keeps_everything(library_path: Path) -> None:
    with open_library(library_path) as lib:
        paper = lib.resolve("akyurek2022learning")
        lib.set_note(paper, "kept")
    with open_library(library_path) as lib:
        assert lib.count() == 50  # not seeded a second time
        assert lib.note(paper) == "kept"


def test_junk_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    junk = b"PK\x03\x04 a zip file, not a database " + bytes(range(256)) * 16
    path.write_bytes(junk)
    with pytest.raises(LibraryError) as info:
        open_library(path)
    message = str(info.value)
    assert str(path) in message
    assert "not a readable Papershelf library" in message
    assert "\n" not in message
    assert path.read_bytes() == junk
    assert [p.name for p in tmp_path.iterdir()] == ["library.sqlite"]  # no -wal, no -shm


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is a folder, not a library file"):
        open_library(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_newer_schema_is_refused_and_left_alone(library_path: Path) -> None:
    newer = schema.SCHEMA_VERSION + 1
    raw = sqlite3.connect(library_path)
    raw.execute(f"PRAGMA user_version = {newer}")
    raw.close()
    before = library_path.read_bytes()
    with pytest.raises(LibraryError) as info:
        open_library(library_path)
    message = str(info.value)
    assert f"schema version {newer}" in message
    assert f"only knows up to {schema.SCHEMA_VERSION}" in message
    assert "update Papershelf" in message
    assert library_path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE bookmarks(url TEXT)")
    raw.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="not a Papershelf library"):
        open_library(path)
    assert path.read_bytes() == before
    raw = sqlite3.connect(path)
    tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    raw.close()
    assert tables == ["bookmarks"]


# --- authors ------------------------------------------------------------------------


def test_author_names_match_case_insensitively(library: Library) -> None:
    # The listing spells him "Jeff Z. Haochen" and "Jeff Z. HaoChen": one person.
    rows = library.conn.execute(
        "SELECT id FROM authors WHERE name LIKE 'Jeff Z. Hao%' COLLATE NOCASE"
    ).fetchall()
    assert len(rows) == 1
    author_id = rows[0][0]
    firsts = {
        library.record(library.resolve(key))["authors"][0]: key
        for key in ("haochen2022separability", "haochen2022theoretical")
    }
    assert len(firsts) == 1  # both papers show the same spelling
    for key in ("haochen2022separability", "haochen2022theoretical"):
        paper = library.resolve(key)
        first = scalar(
            library,
            "SELECT author_id FROM paper_authors WHERE paper_id = ? AND position = 0",
            paper,
        )
        assert first == author_id

    before = scalar(library, "SELECT count(*) FROM authors")
    new = library.add_paper(
        PaperFields(title="Another Study", authors=["JEFF Z. HAOCHEN", "Tengyu  Ma"])
    )
    assert scalar(library, "SELECT count(*) FROM authors") == before
    assert new in library.search('author:"Jeff Z. HaoChen"')
    assert len(library.search('author:"jeff z. haochen"')) == len(
        library.search('author:"Jeff Z. Haochen"')
    )


# --- status -------------------------------------------------------------------------


def test_set_status_records_history_and_read_at(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    library.set_status([paper], "to-read", at=T1)
    assert library.record(paper)["status"] == "to-read"
    assert library.record(paper)["read_at"] is None
    library.set_status([paper], "reading", at=T2)
    assert library.record(paper)["read_at"] is None
    library.set_status([paper], "read", at=T3)
    record = library.record(paper)
    assert record["status"] == "read"
    assert record["read_at"] == T3
    assert scalar(library, "SELECT status_changed FROM papers WHERE id = ?", paper) == T3

    library.set_status([paper], "read", at=T4)  # no change: no history, same read_at
    assert library.record(paper)["read_at"] == T3
    history = library.conn.execute(
        "SELECT status, changed_at FROM status_history WHERE paper_id = ? ORDER BY id", (paper,)
    ).fetchall()
    assert history == [("to-read", T1), ("reading", T2), ("read", T3)]
    assert library.search("status:read") == [paper]


def test_set_status_without_time_stamps_now(library: Library) -> None:
    paper = library.resolve("xie2023doremi")
    library.set_status([paper], "read")
    read_at = library.record(paper)["read_at"]
    assert read_at is not None
    assert read_at[:4].isdigit() and "T" in read_at  # ISO 8601


def test_unknown_status_is_an_error_and_changes_nothing(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    with pytest.raises(LibraryError, match="unknown status 'done'; use one of new, to-read"):
        library.set_status([paper], "done")
    assert library.record(paper)["status"] == "new"
    assert scalar(library, "SELECT count(*) FROM status_history") == 0


def test_status_of_several_papers_is_all_or_nothing(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    with pytest.raises(LibraryError, match="no paper with id 99999"):
        library.set_status([paper, 99999], "read", at=T1)
    assert library.record(paper)["status"] == "new"
    assert library.record(paper)["read_at"] is None
    assert scalar(library, "SELECT count(*) FROM status_history") == 0


# --- tags ---------------------------------------------------------------------------


def test_tags_are_trimmed_and_case_insensitively_unique(library: Library) -> None:
    a = library.resolve("akyurek2022learning")
    b = library.resolve("xie2023doremi")
    library.add_tags([a], ["  Theory  ", "theory", "THEORY", "", "   "])
    library.add_tags([b], ["theory", "to read"])
    assert library.all_tags() == ["Theory", "to read"]
    assert library.record(a)["tags"] == ["Theory"]
    assert library.record(b)["tags"] == ["Theory", "to read"]
    assert scalar(library, "SELECT tags_text FROM papers WHERE id = ?", b) == "Theory, to read"

    library.remove_tags([a], [" THEORY "])
    assert library.record(a)["tags"] == []
    assert library.all_tags() == ["Theory", "to read"]  # b still uses it
    library.remove_tags([b], ["theory", "TO READ"])
    assert library.record(b)["tags"] == []
    assert library.all_tags() == []  # unused tags are forgotten
    assert scalar(library, "SELECT count(*) FROM tags") == 0


def test_search_follows_tags_at_once(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    library.add_tags([paper], ["zebrafish", "to read"])
    assert library.search("tag:zebrafish") == [paper]
    assert library.search("tag:ZEBRAFISH") == [paper]
    assert library.search("zebrafish") == [paper]
    assert library.search("zebra") == [paper]  # words match by prefix
    assert library.search('tag:"to read"') == [paper]
    assert library.search("has:tags") == [paper]
    library.remove_tags([paper], ["Zebrafish"])
    assert library.search("tag:zebrafish") == []
    assert library.search("zebrafish") == []
    assert library.search('tag:"to read"') == [paper]


def test_search_follows_notes_at_once_and_empty_note_removes(library: Library) -> None:
    paper = library.resolve("xie2023doremi")
    library.set_note(paper, "Compare with the **quokka** ablation.")
    assert library.note(paper) == "Compare with the **quokka** ablation."
    assert library.search("quokka") == [paper]
    assert library.search("has:note") == [paper]
    library.set_note(paper, "Now about wombats.")
    assert library.search("quokka") == []
    assert library.search("wombats") == [paper]
    for empty in ("", "  \n\t"):
        library.set_note(paper, "platypus again")
        library.set_note(paper, empty)
        assert library.note(paper) == ""
        assert library.record(paper)["note"] == ""
        assert scalar(library, "SELECT count(*) FROM notes") == 0
        assert library.search("has:note") == []
        assert library.search("platypus") == []


def test_note_on_missing_paper_is_an_error(library: Library) -> None:
    with pytest.raises(LibraryError, match="no paper with id 99999"):
        library.set_note(99999, "text")
    assert scalar(library, "SELECT count(*) FROM notes") == 0


# --- deleting and transactions ---------------------------------------------------------


def test_delete_papers_leaves_no_orphans(library: Library) -> None:
    paper = library.resolve("xie2023doremi")
    other = library.resolve("akyurek2022learning")
    library.add_tags([paper], ["only-here", "shared"])
    library.add_tags([other], ["shared"])
    library.set_note(paper, "a note about the quokka")
    library.set_status([paper], "read", at=T1)

    library.delete_papers([paper])

    assert library.count() == 49
    with pytest.raises(LibraryError):
        library.resolve("xie2023doremi")
    for table in CHILD_TABLES:
        assert scalar(library, f"SELECT count(*) FROM {table} WHERE paper_id = ?", paper) == 0
        orphans = f"SELECT count(*) FROM {table} WHERE paper_id NOT IN (SELECT id FROM papers)"
        assert scalar(library, orphans) == 0, table
    assert fts_ids(library) == sorted(library.search(""))
    assert library.search("DoReMi") == []
    assert library.search("quokka") == []
    fts_hits = "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'quokka OR doremi'"
    assert scalar(library, fts_hits) == 0
    assert library.all_tags() == ["shared"]
    assert library.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert library.record(other)["tags"] == ["shared"]


def test_delete_many_papers(library: Library) -> None:
    ids = library.search("cat:LG")
    library.delete_papers(ids)
    assert library.count() == 13
    assert library.search("cat:LG") == []
    assert fts_ids(library) == sorted(library.search(""))
    left = library.conn.execute(
        f"SELECT count(*) FROM paper_authors WHERE paper_id IN ({','.join('?' * len(ids))})", ids
    ).fetchone()[0]
    assert left == 0


def test_failed_write_rolls_back_completely(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    authors_before = scalar(library, "SELECT count(*) FROM authors")
    with pytest.raises(RuntimeError, match="boom"), library.write():
        library.add_paper(PaperFields(title="Quixotic Zeppelin", authors=["Ada Lovelace"]))
        library.set_note(paper, "lost note")
        library.add_tags([paper], ["lost-tag"])
        library.set_status([paper], "read")
        raise RuntimeError("boom")
    assert library.count() == 50
    assert library.search("zeppelin") == []
    assert library.search("Lovelace") == []
    assert scalar(library, "SELECT count(*) FROM authors") == authors_before
    assert library.note(paper) == ""
    assert library.all_tags() == []
    assert library.record(paper)["status"] == "new"
    assert len(fts_ids(library)) == 50
    # A second connection sees the same: nothing was committed.
    raw = sqlite3.connect(library.path)
    try:
        assert raw.execute("SELECT count(*) FROM papers").fetchone()[0] == 50
    finally:
        raw.close()
    # And the library still takes writes.
    new = library.add_paper(PaperFields(title="Written After", authors=["Ada Lovelace"]))
    assert library.search("Lovelace") == [new]


def test_title_is_required(library: Library) -> None:
    with pytest.raises(LibraryError, match="needs a title"):
        library.add_paper(PaperFields(title="   "))
    assert library.count() == 50


# --- resolving, sorting, keys -------------------------------------------------------------


def test_resolve_by_id_and_key(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    assert library.record(paper)["key"] == "akyurek2022learning"
    assert library.resolve(paper) == paper
    assert library.resolve(str(paper)) == paper
    assert library.resolve(f"  {paper} ") == paper
    assert library.resolve(" AKYUREK2022LEARNING ") == paper
    for missing in ("nope", "99999", ""):
        with pytest.raises(LibraryError, match="no paper with id or key"):
            library.resolve(missing)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _nocase(value: str) -> str:
    """SQLite's NOCASE: ASCII letters folded, then compared by code point (as UTF-8 is)."""
    return value.translate(_ASCII_LOWER)


def _plain(value: object) -> object:
    return value


# Sort key -> (what the reader sees for it, how SQLite compares it).
SORT_VALUES: dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[[Any], Any]]] = {
    "title": (lambda r: r["title"], _nocase),
    "authors": (lambda r: r["authors"][0] if r["authors"] else "", _nocase),
    "published": (lambda r: r["published"], _plain),
    "category": (lambda r: r["category"], _nocase),
    "status": (lambda r: STATUSES.index(r["status"]), _plain),  # the reading lifecycle
    "tags": (lambda r: ", ".join(r["tags"]), _nocase),
    "code": (lambda r: r["has_code"], _plain),
    "score": (lambda r: r["score"], _plain),
    "key": (lambda r: r["key"], _nocase),
    "added": (lambda r: r["added"], _plain),
    "read_at": (lambda r: r["read_at"], _plain),
    "year": (lambda r: r["year"], _plain),
    "type": (lambda r: r["entry_type"], _plain),
    "venue": (lambda r: r["venue"], _nocase),
    "priority": (lambda r: ("none", "low", "medium", "high").index(r["priority"]), _plain),
    # The queue first, in its order; the papers not in it after them.
    "queue": (lambda r: r["queue_position"] or float("inf"), _plain),
}


def test_every_sort_column_is_checked() -> None:
    assert set(SORT_VALUES) == set(SORT_COLUMNS)


@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
def test_search_sorts_by_every_column(library: Library, sort: str) -> None:
    # Give status, tags and read_at some spread first.
    ids = library.search("")
    library.set_status(ids[:5], "read", at=T1)
    library.set_status(ids[5:8], "read", at=T2)
    library.set_status(ids[8:12], "to-read")
    library.add_tags(ids[::3], ["beta"])
    library.add_tags(ids[::4], ["Alpha"])

    ascending = library.search("", sort=sort)
    descending = library.search("", sort=sort, descending=True)
    assert sorted(ascending) == sorted(ids)
    assert descending == ascending[::-1]

    value, compare = SORT_VALUES[sort]
    seen = [value(r) for r in library.records(ascending)]
    nulls = [v for v in seen if v is None]
    assert seen[: len(nulls)] == nulls  # NULLs (no score, never read) come first
    rest = [compare(v) for v in seen[len(nulls) :]]
    assert rest == sorted(rest), sort

    assert library.search("", sort=sort, limit=3) == ascending[:3]
    cv = set(library.search("cat:CV"))
    assert library.search("cat:CV", sort=sort) == [i for i in ascending if i in cv]


def test_unknown_sort_is_an_error(library: Library) -> None:
    with pytest.raises(LibraryError, match="cannot sort by 'colour'"):
        library.search("", sort="colour")


def test_bad_query_is_an_error(library: Library) -> None:
    with pytest.raises(LibraryError, match="bad query: year:"):
        library.search("year:abc")


def test_keys_are_unique_with_suffixes(library: Library) -> None:
    fields = PaperFields(
        title="Deep Learning of Cats", authors=["Ada Lovelace"], published="2020-05-01"
    )
    ids = [library.add_paper(fields) for _ in range(3)]
    keys = [library.record(i)["key"] for i in ids]
    assert keys == ["lovelace2020deep", "lovelace2020deepa", "lovelace2020deepb"]
    # A different title word with the same author and year gets its own base key.
    other = library.add_paper(
        PaperFields(title="The Deepest Cats", authors=["Ada Lovelace"], published="2020-01-01")
    )
    assert library.record(other)["key"] == "lovelace2020deepest"
    all_keys = [r[0] for r in library.conn.execute("SELECT key FROM papers")]
    assert len(set(all_keys)) == len(all_keys) == 54
    for i, key in zip(ids, keys, strict=True):
        assert library.resolve(key) == i


def test_key_stays_when_the_paper_changes(library: Library) -> None:
    paper = library.resolve("akyurek2022learning")
    library.update_paper(
        paper,
        PaperFields(
            title="A Completely Different Title",
            authors=["Somebody Else"],
            published="2019-01-01",
        ),
    )
    record = library.record(paper)
    assert record["key"] == "akyurek2022learning"
    assert record["title"] == "A Completely Different Title"
    assert record["authors"] == ["Somebody Else"]
    assert library.search("Completely") == [paper]
    assert paper not in library.search("Akyürek")
    assert library.search('author:"Somebody Else"') == [paper]


# --- stable identity (issue 14) ------------------------------------------------------


def test_every_paper_has_its_own_uuid_that_outlives_its_id(library: Library) -> None:
    uuids = [p.uuid for p in library.papers(library.search(""))]
    assert len(uuids) == 50 and len(set(uuids)) == 50
    version_4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert all(version_4.fullmatch(u) for u in uuids)
    last = max(library.search(""))
    gone = library.paper(last).uuid
    library.delete_papers([last])
    again = library.add_paper(PaperFields(title="Reuses the id"))
    assert again == last  # ids are reused ...
    assert library.paper(again).uuid != gone  # ... UUIDs never are


def test_a_deletion_is_recorded_in_its_own_transaction(library: Library) -> None:
    paper = library.paper(1)
    with pytest.raises(RuntimeError, match="boom"), library.write():
        library.delete_papers([1])
        assert scalar(library, "SELECT count(*) FROM deletions WHERE uuid = ?", paper.uuid) == 1
        raise RuntimeError("boom")
    assert scalar(library, "SELECT count(*) FROM deletions") == 0  # rolled back together
    library.delete_papers([1])
    assert scalar(library, "SELECT uuid FROM deletions") == paper.uuid


def test_a_paper_inserted_without_a_uuid_gets_one(library: Library) -> None:
    library.conn.execute(
        "INSERT INTO papers(id, key, title, status, added, modified) "
        "VALUES (999, 'k999', 't', 'new', 'a', 'a')"
    )
    assert len(library.paper(999).uuid) == 36
