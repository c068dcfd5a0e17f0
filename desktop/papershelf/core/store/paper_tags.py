"""Tagging papers (the tags of chosen papers; ``tags`` changes a tag for all)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from papershelf.core.store.paper_reads import PaperReads
from papershelf.core.store.people import People
from papershelf.core.store.search_index import SearchIndex
from papershelf.core.store.statements import chunks, marks
from papershelf.core.text import fold


class PaperTagging(People, SearchIndex, PaperReads):
    """Adding and removing tags, with tags_text and the FTS rows in step."""

    def add_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        """Tag papers; names are trimmed and matched case-insensitively."""
        clean = [n.strip() for n in names if n.strip()]
        ids = list(ids)
        with self.write() as conn:
            tag_ids = [self._name_id("tags", n) for n in clean]
            for paper_id in ids:
                for tag_id in tag_ids:
                    conn.execute(
                        "INSERT OR IGNORE INTO paper_tags(paper_id, tag_id) VALUES (?, ?)",
                        (paper_id, tag_id),
                    )
            self.refresh_tags(ids)

    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        """Untag papers; a tag no paper uses any more is forgotten."""
        norms = [fold(n) for n in names if n.strip()]
        ids = list(ids)
        with self.write() as conn:
            for norm in norms:
                for chunk in chunks(ids):
                    conn.execute(
                        f"DELETE FROM paper_tags WHERE tag_id = "
                        f"(SELECT id FROM tags WHERE name_norm = ?) "
                        f"AND paper_id IN ({marks(len(chunk))})",
                        [norm, *chunk],
                    )
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
            self.refresh_tags(ids)

    def refresh_tags(self, ids: Sequence[int]) -> None:
        """Bring tags_text and the FTS rows of ``ids`` in step with their tags."""
        tags = self._names("paper_tags", "tags", "tag_id", ids)
        for paper_id, held in tags.items():
            self.conn.execute(
                "UPDATE papers SET tags_text = ? WHERE id = ?", (", ".join(held), paper_id)
            )
        self._reindex(ids)
