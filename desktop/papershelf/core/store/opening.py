"""Opening a library file: create, check, back up before a migration, migrate, seed.

Kept apart from ``Library`` so that the modules opening needs (backups, seeding) may
use ``Library`` without ``Library`` needing them back. Another program's database is
looked at only through a read-only connection and refused before a byte is written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from papershelf.core.errors import LibraryError, is_damage
from papershelf.core.io.seed_import import import_bundled_seeds
from papershelf.core.safety.backup import backup_before_migration
from papershelf.core.store import schema
from papershelf.core.store.connection import (
    cannot_write_beside,
    connect_reader,
    connect_writer,
    wal_has_changes,
)
from papershelf.core.store.library import Library


def open_library(path: Path | str, *, seed: bool = True, backups: Path | None = None) -> Library:
    """Open ``path``, creating and (when ``seed``) seeding it when it does not exist.

    A library at an older schema is backed up (to ``backups``, default
    ``backup.default_backup_folder``) before it is migrated; no backup, no upgrade.
    Another program's database is refused before anything touches it. A library
    that can be read but not written (full disk, read-only folder) opens read-only:
    its writes fail with a message that says why.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise LibraryError(f"{path} is a folder, not a library file")
    created = not path.exists() or path.stat().st_size == 0
    found = 0 if created else _check_file(path)
    conn: sqlite3.Connection | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect_writer(path)
        schema.check(conn)  # again: the file may have changed since it was looked at
        if 0 < found < schema.SCHEMA_VERSION:
            backup_before_migration(path, found, backups)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL survives a killed process (not a power cut) without an fsync per note.
        conn.execute("PRAGMA synchronous = NORMAL")
        schema.migrate(conn)
    except (OSError, sqlite3.Error, schema.SchemaError) as exc:
        if conn is not None:
            conn.close()
        if not created and found == schema.SCHEMA_VERSION and cannot_write_beside(exc):
            return _open_read_only(path, exc)
        raise _open_error(path, exc) from exc
    except LibraryError:  # the backup before a migration failed: nothing was changed
        if conn is not None:
            conn.close()
        raise
    library = Library(conn, path)
    if created and seed:
        import_bundled_seeds(library)
    return library


def _open_read_only(path: Path, cause: BaseException) -> Library:
    try:
        conn = connect_reader(path)
    except sqlite3.Error as exc:
        if wal_has_changes(path):
            raise LibraryError(
                f"cannot read the library {path}: its latest changes are in "
                f"{path.name}-wal, which cannot be read without writing beside it "
                f"({_why_unwritable(path, cause)})"
            ) from exc
        raise _open_error(path, exc) from exc
    library = Library(conn, path)
    library.read_only = _why_unwritable(path, cause)
    return library


def _check_file(path: Path) -> int:
    """The schema version of an existing file, looked at without writing a byte to it."""
    try:
        conn = connect_reader(path)
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    try:
        return schema.check(conn)
    except (sqlite3.Error, schema.SchemaError) as exc:
        raise _open_error(path, exc) from exc
    finally:
        conn.close()


def _open_error(path: Path, exc: BaseException) -> LibraryError:
    """The one line a reader gets when a library cannot be opened."""
    if isinstance(exc, schema.SchemaError):
        return LibraryError(f"{path}: {exc}")
    if is_damage(exc):
        return LibraryError(f"{path} is not a readable Papershelf library ({exc})")
    if cannot_write_beside(exc):
        return LibraryError(f"cannot open the library {path}: {exc} ({_why_unwritable(path, exc)})")
    return LibraryError(f"cannot open the library {path}: {exc}")


def _why_unwritable(path: Path, exc: BaseException) -> str:
    """Full disk or read-only place, in the reader's words."""
    try:
        if shutil.disk_usage(path.parent).free < 64 * 1024:
            return "the disk is full"
    except OSError:
        pass
    if not os.access(path.parent, os.W_OK):
        return f"the folder {path.parent} cannot be written"
    return str(exc)
