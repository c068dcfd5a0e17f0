"""Another program's SQLite file is never taken for a library: refused before a byte changes.

Issue 13, item 5: a file with its own tables and a ``user_version`` of 2 was backed up,
switched to WAL and then failed with "no such table"; at ``user_version`` 5 it gave an
internal error. A library is recognised by its application id (or, made before the id,
by every table a library has), looked at through a read-only connection.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from cli_runner import run

from papershelf.core.errors import LibraryError
from papershelf.core.safety.backup import default_backup_folder
from papershelf.core.safety.recovery import open_or_recover
from papershelf.core.store import migrations, schema
from papershelf.core.store.opening import open_library


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_db(path: Path, *, version: int, application_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE settings(k, v)")
    conn.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


def everything_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.rglob("*"))


@pytest.mark.parametrize("version", [0, 1, 2, schema.SCHEMA_VERSION - 1, schema.SCHEMA_VERSION])
def test_another_programs_database_is_left_byte_for_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, version: int
) -> None:
    path = foreign_db(tmp_path / "app.db", version=version)
    before, files = sha(path), everything_beside(path)
    code, out, err = run(capsys, "--library", str(path), "list")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"papershelf: {path}: this SQLite file is another program's database, not a "
        "Papershelf library; it was left unchanged"
    ]
    assert sha(path) == before
    assert everything_beside(path) == files  # no backup, no -wal, no -shm
    assert not default_backup_folder(path).exists()


def test_a_database_marked_by_another_program_is_refused(tmp_path: Path) -> None:
    # Every table of a library, but the header names another application.
    path = tmp_path / "library.sqlite"
    open_library(path, seed=False).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    before = sha(path)
    with pytest.raises(LibraryError, match="another program's database"):
        open_library(path)
    assert sha(path) == before


def test_a_library_carries_the_application_id(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    open_library(path, seed=False).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    conn.close()


def test_a_library_from_before_the_application_id_still_opens(tmp_path: Path) -> None:
    # The near miss: no id in the header, but every table a library has.
    path = tmp_path / "library.sqlite"
    before = migrations.MIGRATIONS.index(migrations._application_id)
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for migration in migrations.MIGRATIONS[:before]:
        migration(db)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO papers(id, key, title, status, added, modified) "
                 "VALUES (1, 'k', 'Kept', 'new', 'a', 'a')")  # fmt: skip
    conn.close()
    with open_library(path) as lib:
        assert [p.title for p in lib.papers([1])] == ["Kept"]
        assert lib.conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID


def test_a_library_that_lost_its_tables_is_restored_from_a_backup(tmp_path: Path) -> None:
    from papershelf.core.safety.backup import backup_now

    path = tmp_path / "library.sqlite"
    with open_library(path) as lib:
        lib.set_note(1, "kept in the backup")
    backup_now(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE notes")
    conn.close()
    lib, message = open_or_recover(path)
    with lib:
        assert message is not None and "restored from the backup" in message
        assert lib.note(1) == "kept in the backup"
    assert list(tmp_path.glob("library.sqlite.damaged-*"))
