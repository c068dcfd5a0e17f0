"""Every earlier schema version migrates to the current one with the reader's data intact.

The versions come from ``migrations.MIGRATIONS`` itself: a library is built by applying
the first ``k`` migrations, filled with rows valid at that version, then opened the
way the app opens it. A new migration is covered without touching this file; one
that adds a NOT NULL column without a default, or transforms data, adds the column
to ``ROWS`` or its expectation to ``check_rows``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from papershelf.core.errors import LibraryError
from papershelf.core.safety.backup import default_backup_folder, list_backups
from papershelf.core.safety.recovery import open_or_recover
from papershelf.core.store import migrations, schema
from papershelf.core.store.opening import open_library

EARLIER_VERSIONS = range(1, schema.SCHEMA_VERSION)
T = "2025-06-01T10:00:00+00:00"

# Rows a reader could have had at any version: papers, people, tags, a note, history.
ROWS: dict[str, list[dict[str, Any]]] = {
    "papers": [
        {
            "id": 1, "key": "smith2020alpha", "title": "Alpha: a paper", "abstract": "About $L_2$.",
            "published": "2020-05-01", "year": 2020, "category": "LG", "has_code": 1,
            "code_urls": '["https://example.org/alpha"]', "score": 99.5, "status": "read",
            "status_changed": T, "read_at": T, "added": T, "modified": T,
            "authors_text": "Ann Smith, Bo Li", "first_author": "Ann Smith", "tags_text": "theory",
        },
        {
            "id": 2, "key": "li2021beta", "title": "Beta", "published": "2021-01-01",
            "year": 2021, "date_inferred": 1, "status": "to-read", "added": T, "modified": T,
            "authors_text": "Bo Li", "first_author": "Bo Li",
        },
    ],
    "authors": [
        {"id": 1, "name": "Ann Smith", "name_norm": "ann smith"},
        {"id": 2, "name": "Bo Li", "name_norm": "bo li"},
    ],
    "paper_authors": [
        {"paper_id": 1, "position": 0, "author_id": 1},
        {"paper_id": 1, "position": 1, "author_id": 2},
        {"paper_id": 2, "position": 0, "author_id": 2},
    ],
    "tags": [{"id": 1, "name": "theory", "name_norm": "theory"}],
    "paper_tags": [{"paper_id": 1, "tag_id": 1}],
    "notes": [{"paper_id": 1, "body": "# Read it\n\n**twice**", "created": T, "updated": T}],
    "status_history": [
        {"id": 1, "paper_id": 1, "status": "reading", "changed_at": T},
        {"id": 2, "paper_id": 1, "status": "read", "changed_at": T},
    ],
    "meta": [{"key": "capture_year", "value": "2025"}],
}  # fmt: skip


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def build_library_at(path: Path, version: int) -> None:
    """A library as Papershelf at schema ``version`` left it, with ``ROWS`` in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        for migration in migrations.MIGRATIONS[:version]:
            migration(db)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("PRAGMA journal_mode = WAL")  # as Library.open leaves every library
        for table, rows in ROWS.items():
            present = columns(conn, table)
            for row in rows:
                known = {k: v for k, v in row.items() if k in present}
                if known:
                    names = ", ".join(known)
                    marks = ", ".join("?" * len(known))
                    conn.execute(
                        f"INSERT INTO {table}({names}) VALUES ({marks})", list(known.values())
                    )
        if "title" in columns(conn, "papers_fts"):
            conn.execute(
                "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
                "SELECT p.id, p.title, p.authors_text, p.abstract, p.tags_text, "
                "coalesce(n.body, '') FROM papers p LEFT JOIN notes n ON n.paper_id = p.id"
            )
    finally:
        conn.close()


def check_rows(conn: sqlite3.Connection, version: int) -> None:
    """Every row written at ``version`` is still there, every column as it was."""
    for table, rows in ROWS.items():
        present = columns(conn, table)
        for row in rows:
            known = {k: v for k, v in row.items() if k in present}
            where = " AND ".join(f"{k} IS ?" for k in known)
            found = conn.execute(
                f"SELECT count(*) FROM {table} WHERE {where}", list(known.values())
            )
            assert found.fetchone()[0] == 1, (version, table, row)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_versions_under_test_are_every_earlier_one() -> None:
    assert list(EARLIER_VERSIONS) == list(range(1, len(migrations.MIGRATIONS)))
    assert len(migrations.MIGRATIONS) == schema.SCHEMA_VERSION


@pytest.mark.parametrize("version", EARLIER_VERSIONS)
def test_library_from_an_earlier_version_migrates_with_its_data(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "library.sqlite"
    build_library_at(path, version)

    with open_library(path) as lib:  # exactly as the app and the command line open it
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert lib.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        check_rows(lib.conn, version)
        assert lib.count() == 2  # an existing library is never seeded
        alpha = lib.record(lib.resolve("smith2020alpha"))
        assert alpha["authors"] == ["Ann Smith", "Bo Li"]
        assert alpha["tags"] == ["theory"]
        assert alpha["note"] == "# Read it\n\n**twice**"
        assert alpha["status"] == "read"
        assert lib.search("twice") == [1]  # the note is still searchable
        lib.set_note(2, "written after the upgrade")  # and the library still writable
        lib.delete_papers([1])  # through everything the current schema adds
        assert lib.conn.execute("SELECT count(*) FROM notes WHERE paper_id = 1").fetchone()[0] == 0

    [pre] = list_backups(default_backup_folder(path), path)
    assert pre.before_version == version
    assert pre.path.name.endswith(f"-before-v{version}.sqlite")
    copy = sqlite3.connect(f"{pre.path.as_uri()}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == version
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check_rows(copy, version)
    finally:
        copy.close()


@pytest.mark.parametrize("version", EARLIER_VERSIONS)
def test_pre_upgrade_backup_goes_to_the_chosen_folder(tmp_path: Path, version: int) -> None:
    path = tmp_path / "library.sqlite"
    build_library_at(path, version)
    chosen = tmp_path / "elsewhere"
    open_library(path, backups=chosen).close()
    assert [b.before_version for b in list_backups(chosen, path)] == [version]
    assert not default_backup_folder(path).exists()


@pytest.mark.parametrize("version", EARLIER_VERSIONS)
def test_no_backup_no_upgrade(tmp_path: Path, version: int) -> None:
    path = tmp_path / "library.sqlite"
    build_library_at(path, version)
    before = sha(path)
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    with pytest.raises(LibraryError, match="backup"):
        open_library(path, backups=blocked)
    assert sha(path) == before
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        conn.close()


@pytest.mark.parametrize("version", EARLIER_VERSIONS)
def test_a_failed_upgrade_backup_is_not_mistaken_for_damage(tmp_path: Path, version: int) -> None:
    path = tmp_path / "library.sqlite"
    build_library_at(path, version)
    before = sha(path)
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    with pytest.raises(LibraryError) as raised:
        open_or_recover(path, blocked)
    assert "backup" in str(raised.value)
    assert "damaged" not in str(raised.value)
    assert sha(path) == before
    assert not list(tmp_path.glob("*.damaged-*"))


def test_current_and_new_libraries_make_no_backup(library_path: Path, tmp_path: Path) -> None:
    open_library(library_path).close()
    open_library(tmp_path / "fresh.sqlite", seed=False).close()
    assert not default_backup_folder(library_path).exists()


def test_newer_library_is_refused_without_a_backup(library_path: Path) -> None:
    conn = sqlite3.connect(library_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = sha(library_path)
    with pytest.raises(LibraryError, match="update Papershelf"):
        open_library(library_path)
    assert sha(library_path) == before
    assert not default_backup_folder(library_path).exists()


def test_a_failing_migration_leaves_the_last_whole_version(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(db: sqlite_utils.Database) -> None:
        db.table("half_done").create({"id": int}, pk="id")
        db.execute("INSERT INTO half_done(id) VALUES (1)")
        db.execute("UPDATE papers SET title = 'changed by a broken migration'")
        db.execute("THIS IS NOT SQL")

    old = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, half_done))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old + 1)
    with pytest.raises(LibraryError):
        open_library(library_path)
    monkeypatch.undo()

    with open_library(library_path) as lib:
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == old
        tables = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables
        changed = "SELECT count(*) FROM papers WHERE title LIKE 'changed by%'"
        assert lib.conn.execute(changed).fetchone()[0] == 0
    [pre] = list_backups(default_backup_folder(library_path), library_path)
    assert pre.before_version == old
