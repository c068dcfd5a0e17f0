"""The people of a paper (its ordered authors and affiliations), and the one way a
name finds its row in a table of names (authors, affiliations, tags)."""

from __future__ import annotations

from papershelf.core import names
from papershelf.core.fields import PaperFields
from papershelf.core.store.library_file import LibraryFile
from papershelf.core.text import fold


class People(LibraryFile):
    """Names matched case- and accent-insensitively, and a paper's people."""

    def _name_id(self, table: str, name: str) -> int:
        """Id of the row in ``table`` for ``name``, matched case- and accent-insensitively.

        A person (``authors``) is matched by the name as shown, and keeps the spelling
        with the more informative capitals of those seen ("HaoChen", not "Haochen").
        """
        shown = names.display(name) if table == "authors" else name.strip()
        norm = fold(shown)
        row = self.conn.execute(
            f"SELECT id, name FROM {table} WHERE name_norm = ?", (norm,)
        ).fetchone()
        if row:
            if table == "authors" and names.better_spelling(row[1], shown) != row[1]:
                self.conn.execute("UPDATE authors SET name = ? WHERE id = ?", (shown, row[0]))
            return int(row[0])
        cursor = self.conn.execute(
            f"INSERT INTO {table}(name, name_norm) VALUES (?, ?)", (shown, norm)
        )
        return int(cursor.lastrowid or 0)

    def set_people(self, paper_id: int, fields: PaperFields) -> None:
        """Replace the ordered authors and affiliations of a paper."""
        self.conn.execute("DELETE FROM paper_authors WHERE paper_id = ?", (paper_id,))
        self.conn.execute("DELETE FROM paper_affiliations WHERE paper_id = ?", (paper_id,))
        for position, name in enumerate(n.strip() for n in fields.authors if n.strip()):
            self.conn.execute(
                "INSERT INTO paper_authors(paper_id, position, author_id, name) VALUES (?,?,?,?)",
                (paper_id, position, self._name_id("authors", name), name),
            )
        for position, name in enumerate(n for n in fields.affiliations if n.strip()):
            self.conn.execute(
                "INSERT INTO paper_affiliations(paper_id, position, affiliation_id) VALUES (?,?,?)",
                (paper_id, position, self._name_id("affiliations", name)),
            )
