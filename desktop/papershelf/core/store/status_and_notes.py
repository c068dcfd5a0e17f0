"""What the reader records about a paper: its reading status (with its history and
its place in the queue) and its Markdown note."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from papershelf.core.errors import LibraryError
from papershelf.core.store import queue
from papershelf.core.store.paper_reads import PaperReads
from papershelf.core.store.schema import STATUSES
from papershelf.core.store.search_index import SearchIndex
from papershelf.core.store.statements import now


class StatusAndNotes(SearchIndex, PaperReads):
    """Setting the reading status, and writing the note."""

    def set_status(self, ids: Iterable[int], status: str, *, at: str | None = None) -> None:
        """Set the reading status of papers, recording the change and ``read_at``."""
        if status not in STATUSES:
            raise LibraryError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        when = at or now()
        given = json.dumps(list(dict.fromkeys(ids)))
        with self.write() as conn:
            missing = conn.execute(
                "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM papers)",
                (given,),
            ).fetchone()
            if missing is not None:
                raise LibraryError(f"no paper with id {missing[0]}")
            if status == "to-read":
                self._queue(conn, json.loads(given), when)
                return
            # All at once: a statement per paper took twice as long at 30,000 papers
            # (the counts' triggers and the history's run per row either way). A paper
            # is in the queue exactly while it is to-read.
            conn.execute(
                "INSERT INTO status_history(paper_id, status, changed_at) SELECT p.id, ?, ? "
                "FROM json_each(?) j JOIN papers p ON p.id = j.value WHERE p.status IS NOT ? "
                "ORDER BY j.key",
                (status, when, given, status),
            )
            conn.execute(
                "UPDATE papers SET status = ?, status_changed = ?, modified = ?, "
                "read_at = CASE WHEN ? = 'read' THEN ? ELSE read_at END, queue_position = NULL "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status IS NOT ?",
                (status, when, when, status, when, given, status),
            )

    def _queue(self, conn: sqlite3.Connection, ids: list[int], when: str) -> None:
        """Papers become to-read one by one: each joins the queue where it should."""
        for paper_id in ids:
            row = conn.execute(
                "SELECT status, priority FROM papers WHERE id = ?", (paper_id,)
            ).fetchone()
            if row[0] == "to-read":
                continue
            conn.execute(
                "UPDATE papers SET status = 'to-read', status_changed = ?, modified = ?, "
                "queue_position = ? WHERE id = ?",
                (when, when, queue.joining_position(conn, int(row[1])), paper_id),
            )
            conn.execute(
                "INSERT INTO status_history(paper_id, status, changed_at) VALUES (?, 'to-read', ?)",
                (paper_id, when),
            )

    def set_note(self, paper_id: int, body: str) -> None:
        """Replace the paper's Markdown note (an empty body removes it)."""
        when = now()
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise LibraryError(f"no paper with id {paper_id}")
            if body.strip():
                conn.execute(
                    "INSERT INTO notes(paper_id, body, created, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(paper_id) DO UPDATE SET body = excluded.body, "
                    "updated = excluded.updated",
                    (paper_id, body, when, when),
                )
            else:
                conn.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))
            self._reindex([paper_id])

    def append_note(self, paper_id: int, text: str) -> str:
        """Add ``text`` as a new paragraph of the paper's note; return the whole note.

        The old note is read inside the write transaction: read before it, a second
        writer's append that commits in between would be overwritten.
        """
        with self.write():
            old = self.note(paper_id).rstrip("\n")
            body = f"{old}\n\n{text}" if old else text
            self.set_note(paper_id, body)
        return body
