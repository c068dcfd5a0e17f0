"""Keeping the full-text index (``papers_fts``) in step with the papers it indexes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from papershelf.core.store.index_alongside import IndexAlongside
from papershelf.core.store.library_file import LibraryFile
from papershelf.core.store.statements import chunks, marks
from papershelf.core.text import latex_to_text

LARGE_IMPORT = 1000  # papers added at once after which the search index is merged


class SearchIndex(LibraryFile):
    """The FTS rows of papers, rewritten after a change and merged after an import."""

    @contextmanager
    def deferred_search_index(self) -> Iterator[None]:
        """Write the search-index rows of the papers added or changed in the block once,
        in id order, when it ends (inside the caller's transaction).

        An import adds a batch of papers, then tags and notes to some of them: each
        row rewritten below the last one written makes FTS5 write out all it holds in
        memory as a segment of its own, which it then keeps merging.
        """
        if self._index_later is not None:
            yield
            return
        later: dict[int, tuple[Any, ...] | None] = {}
        alongside = IndexAlongside(self.conn)
        self._index_later, self._alongside = later, alongside
        try:
            yield
            alongside.wait()
            self._write_index_rows(self._due_index_rows(later))
        finally:
            self._index_later, self._alongside = None, None
            alongside.close()

    def index_alongside(self) -> None:
        """Inside :meth:`deferred_search_index`: start writing the rows deferred so far
        on a thread of their own, and return at once (see ``index_alongside``).

        For an import about to spend a while in Python before it next writes; its next
        statement waits for that writing to end. Outside a deferred block, nothing.
        """
        if self._index_later is not None and self._alongside is not None:
            self._alongside.wait()  # its rows may be among those to delete
            self._alongside.start(self._due_index_rows(self._index_later))

    def _due_index_rows(self, later: dict[int, tuple[Any, ...] | None]) -> list[tuple[Any, ...]]:
        """The rows deferred in ``later``, in id order, which is emptied: those only
        marked stale are read from their papers, and their old rows deleted."""
        stale = sorted(i for i, row in later.items() if row is None)
        for chunk in chunks(stale):
            qmarks = marks(len(chunk))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({qmarks})", list(chunk))
        read = {row[0]: row for row in self._index_rows(stale)}
        due = [row for i in sorted(later) if (row := later[i] or read.get(i)) is not None]
        later.clear()
        return due

    def _index_added(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """The rows of papers just added: kept for the end of a deferred block (or a
        thread's copy), else written at once."""
        if self._index_later is not None:
            self._index_later.update((row[0], row) for row in rows)
        else:
            self._write_index_rows(rows)

    def _write_index_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.conn.executemany(
            "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _reindex(self, ids: Sequence[int]) -> None:
        """Rewrite the FTS rows of ``ids`` from the papers they index."""
        if self._index_later is not None:
            self._index_later.update((i, None) for i in ids)
            return
        for chunk in chunks(ids):
            qmarks = marks(len(chunk))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({qmarks})", list(chunk))
            self._write_index_rows(self._index_rows(chunk))

    def _index_rows(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The FTS rows of ``ids``, read from the papers they index."""
        out: list[tuple[Any, ...]] = []
        for chunk in chunks(ids):
            rows = self.conn.execute(
                f"SELECT p.id, p.title, p.authors_text, p.abstract, p.tags_text, "
                f"coalesce(n.body, '') FROM papers p LEFT JOIN notes n ON n.paper_id = p.id "
                f"WHERE p.id IN ({marks(len(chunk))})",
                list(chunk),
            ).fetchall()
            # Index what the reader sees: "L∞", not "L_\\infty".
            out += [
                (i, latex_to_text(t), a, latex_to_text(ab or ""), tg, n)
                for i, t, a, ab, tg, n in rows
            ]
        return out

    def merge_search_index(self) -> None:
        """Merge the full-text index into one segment (after a large import).

        FTS5 keeps each batch of writes as a segment of its own and looks a term up in
        every segment, so a library imported in many batches answers each per-paper
        test of a filter several times slower. 26 s at a million papers.
        """
        with self.write() as conn:
            conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')")
