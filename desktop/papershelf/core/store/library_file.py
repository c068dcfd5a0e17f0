"""The open library file under every part of Library: its connection, the one
transaction around each write, stopping long statements, and the values the library
keeps about itself (``meta``).

Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), so readers of the
file (the window, the command line, a second process) never see half a change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from papershelf.core.errors import LibraryError, primary_code
from papershelf.core.store.index_alongside import IndexAlongside

# The meta key counting the writes that change what the window shows: every write but
# one of a PDF's text alone (``write(pdf_text_only=True)``). While another process
# indexes PDFs, the window sees the file change and this count stay, and need not run
# its filter again unless the filter reads that text (``text:``).
SHOWN_WRITES_KEY = "shown_writes"
# The meta key an import run for the window marks the library with, in its transaction
# (``ops.imports.import_files_recorded``): the window tells by it whether it was saved.
IMPORT_MARK_KEY = "last_import"
_COUNT_SHOWN_WRITE = (
    f"INSERT INTO meta(key, value) VALUES ('{SHOWN_WRITES_KEY}', 1) "
    "ON CONFLICT(key) DO UPDATE SET value = value + 1"
)


def _write_problem(exc: sqlite3.Error) -> str:
    code = primary_code(exc)
    if code == 13:  # SQLITE_FULL
        return "the disk is full"
    if code == 8:  # SQLITE_READONLY
        return "the library file or its folder is read-only"
    return str(exc)


class LibraryFile:
    """An open library file and its transactions. Not thread-safe: one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # Why nothing can be written (full disk, read-only folder), or None when it can.
        self.read_only: str | None = None
        self._stop_check: Callable[[], bool] | None = None
        self._stop_every = 0
        # Told of each paper an import is about to merge into (its undo copies it first).
        self.merge_watcher: Callable[[int], None] | None = None
        self._depth = 0
        # Author and affiliation ids looked up in this transaction (they are never
        # deleted): an import of 100,000 papers names the same people many times.
        self._people: dict[str, dict[str, int]] = {"authors": {}, "affiliations": {}}
        # Search-index rows to write when ``deferred_search_index`` ends, by paper: the
        # row itself, or None to read it from the paper then.
        self._index_later: dict[int, tuple[Any, ...] | None] | None = None
        self._alongside: IndexAlongside | None = None  # writes them on a thread, meanwhile
        # The queue's places, the (changes, data version) and queue version they were read at.
        self._queue_cache: tuple[tuple[int, int], str, dict[int, int]] | None = None

    def close(self) -> None:
        """Close the connection; the WAL is checkpointed by SQLite on the last close."""
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self, *, pdf_text_only: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction around a write; nested calls join the outer transaction.
        ``pdf_text_only``: it writes the text of PDFs and nothing else (see above)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        if self.read_only is not None:
            raise LibraryError(
                f"the library can only be read here ({self.read_only}); nothing was changed"
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LibraryError(f"the library is busy or read-only: {exc}") from exc
        self._depth = 1
        changes = self.conn.total_changes
        try:
            yield self.conn
            if self.conn.total_changes != changes:
                # A new token per change lets backup.needs_backup see it in one lookup.
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('last_write', "
                    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') || ' ' || lower(hex(randomblob(6))))"
                )
                if not pdf_text_only:
                    self.conn.execute(_COUNT_SHOWN_WRITE)
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            # A full disk or a read-only file: SQLite may have rolled back already.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise LibraryError(
                f"could not write the library ({_write_problem(exc)}); the change was not saved"
            ) from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
            for known in self._people.values():
                known.clear()

    # ------------------------------------------------------ long statements

    def interrupt(self) -> None:
        """Stop the statement running on this library's connection (from another thread)."""
        self.conn.interrupt()

    def stop_when(self, check: Callable[[], bool] | None, every: int = 100_000) -> None:
        """Ask ``check`` every ``every`` SQLite steps; True stops the running statement.

        The statement then fails as interrupted (``errors.is_cancelled``). A thread of
        the window checks for its task being cancelled this way.
        """
        self._stop_check, self._stop_every = check, every
        self.conn.set_progress_handler(check, every if check else 0)

    def should_stop(self) -> bool:
        """What the ``stop_when`` check says now (False when there is none)."""
        return self._stop_check is not None and self._stop_check()

    def watch_steps(self, check: Callable[[], bool], every: int) -> None:
        """Stop statements when ``check`` or the ``stop_when`` check says so, for a while
        (a deadline of the caller's); ``stop_when(...)`` again puts back the usual check."""
        self.conn.set_progress_handler(lambda: check() or self.should_stop(), every)

    def unwatch_steps(self) -> None:
        """Back to the ``stop_when`` check alone."""
        self.stop_when(self._stop_check, self._stop_every)

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another writer before it fails as busy."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    def data_version(self) -> int:
        """Changes when another connection commits: the window polls it to refresh."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def content_version(self) -> tuple[int, int]:
        """Moves with this connection's own writes and with another's commits: what is
        counted from the library may be kept until it does."""
        return (self.conn.total_changes, self.data_version())

    def shown_writes(self) -> str | None:
        """Moves with every write but those of PDFs' text alone (``SHOWN_WRITES_KEY``)."""
        return self.meta(SHOWN_WRITES_KEY)

    # ------------------------------------------------------------- its own values

    def meta(self, key: str) -> str | None:
        """A value the library keeps about itself (seed year, settings)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a value the library keeps about itself."""
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
