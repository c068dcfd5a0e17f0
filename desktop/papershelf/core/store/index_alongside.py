"""Writing search-index rows on a thread of their own while an import goes on.

Tokenising 100,000 papers into the full-text index takes 6 s, all inside SQLite; an
import meanwhile spends as long in Python making sense of its next entries. The rows
are put in a temporary table (a plain insert, fast), and one statement copies them
into ``papers_fts`` on another thread: a single statement gives up Python's
interpreter lock for the whole copy. Written row by row from that thread, each row
would wait for the lock instead (up to 5 ms while the import's Python holds it).

The copy runs inside the import's transaction, on its connection: the import waits
for it (:meth:`IndexAlongside.wait`) before it uses the connection again, and a
rollback takes the copied rows with it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

_TABLE = "search_rows_later"
_STAGED = f"temp.{_TABLE}"
_COPY = (
    "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
    f"SELECT id, title, authors, abstract, tags, note FROM {_STAGED} ORDER BY id"
)


class IndexAlongside:
    """One copy at a time from the staged rows into the search index, on a thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._staged = False

    def start(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Stage ``rows`` (id, title, authors, abstract, tags, note) and copy them into
        the search index on a thread; returns at once."""
        self.wait()
        if not rows:
            return
        if not self._staged:
            self._conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_TABLE}"
                "(id INTEGER PRIMARY KEY, title, authors, abstract, tags, note)"
            )
            self._staged = True
        self._conn.executemany(f"INSERT INTO {_STAGED} VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._thread = threading.Thread(target=self._copy, name="search index", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        try:
            self._conn.execute(_COPY)
            self._conn.execute(f"DELETE FROM {_STAGED}")
        except BaseException as exc:  # raised again on the import's thread by wait()
            self._failure = exc

    def wait(self) -> None:
        """Return when the last copy has ended; raise what stopped it, if anything did."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Let the last copy end and drop the staging table (nothing is left behind).

        What stopped a copy is not raised here: on the way out of a failed import
        the import's own error is the one to tell (:meth:`wait` raises it otherwise).
        """
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._staged:
            self._staged = False
            with suppress(sqlite3.Error):  # a temporary table: it goes with the connection
                self._conn.execute(f"DROP TABLE IF EXISTS {_STAGED}")
