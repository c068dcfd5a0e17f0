"""Keeping the full-text index (``papers_fts``) in step with the papers it indexes."""

from __future__ import annotations

from collections.abc import Sequence

from papershelf.core.store.library_file import LibraryFile
from papershelf.core.store.statements import chunks, marks
from papershelf.core.text import latex_to_text

LARGE_IMPORT = 1000  # papers added at once after which the search index is merged


class SearchIndex(LibraryFile):
    """The FTS rows of papers, rewritten after a change and merged after an import."""

    def _reindex(self, ids: Sequence[int]) -> None:
        """Rewrite the FTS rows of ``ids`` from the papers they index."""
        for chunk in chunks(ids):
            qmarks = marks(len(chunk))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({qmarks})", list(chunk))
            rows = self.conn.execute(
                f"SELECT p.id, p.title, p.authors_text, p.abstract, p.tags_text, "
                f"coalesce(n.body, '') FROM papers p LEFT JOIN notes n ON n.paper_id = p.id "
                f"WHERE p.id IN ({qmarks})",
                list(chunk),
            ).fetchall()
            self.conn.executemany(
                "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                # Index what the reader sees: "L∞", not "L_\\infty".
                [
                    (i, latex_to_text(t), a, latex_to_text(ab or ""), tg, n)
                    for i, t, a, ab, tg, n in rows
                ],
            )

    def merge_search_index(self) -> None:
        """Merge the full-text index into one segment (after a large import).

        FTS5 keeps each batch of writes as a segment of its own and looks a term up in
        every segment, so a library imported in many batches answers each per-paper
        test of a filter several times slower. 26 s at a million papers.
        """
        with self.write() as conn:
            conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')")
