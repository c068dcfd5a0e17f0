"""SQLite connections to a library file: for writing, and for reading where nothing can be written.

A WAL library needs its ``-shm`` index to be read; SQLite creates it beside the file,
so on a full disk or in a read-only folder (a mounted backup drive, a DVD) even a
plain read fails with "disk I/O error" or "unable to open database file". Reading
must still work there: ``connect_reader`` falls back to SQLite's ``immutable`` mode,
which needs no ``-shm``, but only when no ``-wal`` holds changes it would not see.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from papershelf.core.errors import SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, primary_code

# "Cannot create or write what reading needs."
_UNWRITABLE = (SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN)


def cannot_write_beside(exc: BaseException) -> bool:
    """True when the error says SQLite could not create or extend a file it needs."""
    return isinstance(exc, sqlite3.Error) and primary_code(exc) in _UNWRITABLE


def _uri(path: Path, options: str) -> str:
    return f"{path.resolve().as_uri()}?{options}"


def _probe(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Read the schema now, so a connection that cannot read fails here, not later."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def wal_has_changes(path: Path) -> bool:
    """True when the library's ``-wal`` holds frames not yet in the main file."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def connect_reader(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection that never creates or changes ``path`` (nor, when avoidable, its folder).

    Read-only mode first; where SQLite cannot even create the ``-shm`` index (full
    disk, read-only folder), immutable mode, which reads the main file as it is.
    Raises sqlite3.Error when neither can read the file.
    """
    try:
        return _probe(sqlite3.connect(_uri(path, "mode=ro"), uri=True, timeout=timeout))
    except sqlite3.Error as exc:
        if not cannot_write_beside(exc) or wal_has_changes(path):
            raise
    return _probe(sqlite3.connect(_uri(path, "immutable=1"), uri=True, timeout=timeout))


def connect_writer(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-write connection in autocommit mode (transactions are explicit).

    An import's search index is written from a thread of its own while the import's
    thread waits for it (``index_alongside``); SQLite's own lock serialises the two.
    """
    conn = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn
