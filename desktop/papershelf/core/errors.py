"""The errors a reader can act on, told apart from bugs, after qutebrowser's ``misc/sql.py``.

A ``LibraryError`` says what went wrong and where, in words a reader can act on: the
command line prints it as one line, the window as a dialog. Anything else that
escapes is a bug: the command line says "internal error", the window opens its crash
dialog. SQLite's own errors are translated once, where the store runs SQL
(``from_sqlite``), so no raw ``sqlite3.Error`` text reaches a reader and nobody
recognises a cancelled query by the word "interrupt" in its message.
"""

from __future__ import annotations

import sqlite3

# SQLite's primary result codes (https://sqlite.org/rescode.html).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_INTERRUPT = 9
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class LibraryError(Exception):
    """A problem the reader can understand and act on; the message says what and where."""


class ImportCancelled(LibraryError):
    """The reader cancelled an import; its transaction was rolled back."""


class QueryCancelled(Exception):
    """A query stopped because a newer one replaced it (or the window is closing)."""


class NetCancelled(Exception):
    """The reader pressed Cancel on a network job; not an error to report. Here, not in
    core.net.http, so the window can name it without importing httpx."""


class BugError(Exception):
    """Papershelf did something SQLite refused: a mistake in our code, not the reader's."""


def primary_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an error (None for other errors)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_damage(exc: BaseException) -> bool:
    """True when an SQLite error says the file's bytes are wrong (not busy, locked, absent)."""
    return isinstance(exc, sqlite3.DatabaseError) and primary_code(exc) in (
        SQLITE_CORRUPT,
        SQLITE_NOTADB,
    )


def is_cancelled(exc: BaseException) -> bool:
    """True when SQLite stopped a statement because ``Connection.interrupt`` was called.

    An interrupt that lands while FTS5 opens its table surfaces as "vtable constructor
    failed" with the generic SQLITE_ERROR code; the caller that interrupted knows it
    did, so it passes ``interrupted=True`` to ``from_sqlite`` for that case.
    """
    return primary_code(exc) == SQLITE_INTERRUPT


def from_sqlite(
    exc: sqlite3.Error, doing: str, *, interrupted: bool = False
) -> LibraryError | QueryCancelled | BugError:
    """The error to raise instead of ``exc``, which happened while ``doing`` (a phrase).

    ``raise from_sqlite(exc, "saving the note") from exc``.
    """
    code = primary_code(exc)
    if code == SQLITE_INTERRUPT or interrupted:
        return QueryCancelled(doing)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return LibraryError(
            f"{doing} failed: the library is busy (another Papershelf or program is "
            f"writing it); try again"
        )
    if code == SQLITE_FULL:
        return LibraryError(f"{doing} failed: the disk is full; nothing was changed")
    if code == SQLITE_READONLY:
        return LibraryError(
            f"{doing} failed: the library file or its folder is read-only; nothing was changed"
        )
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return LibraryError(f"{doing} failed: the library file cannot be read or written ({exc})")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return LibraryError(
            f"{doing} failed: the library file is damaged ({exc}); restart Papershelf to "
            f"restore the newest good backup"
        )
    return BugError(f"{doing} failed: {exc}")
