"""The people of a paper (its ordered authors and affiliations), and the one way a
name finds its row in a table of names (authors, affiliations, tags)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from papershelf.core import names
from papershelf.core.fields import PaperFields
from papershelf.core.store.library_file import LibraryFile
from papershelf.core.store.statements import chunks, marks
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

    def _find_names(self, table: str, wanted: Iterable[str]) -> None:
        """Look up (or add) many names at once into this transaction's cache, with the
        ids and spellings ``_name_id`` would give them one by one, in first-seen order:
        an import of 100,000 papers names 200,000 people, two statements each before."""
        cache = self._people[table]
        new = list(dict.fromkeys(n for n in wanted if n not in cache))
        if not new:
            return
        shown = {n: names.display(n) if table == "authors" else n.strip() for n in new}
        norms = {n: fold(shown[n]) for n in new}
        found: dict[str, list[Any]] = {}  # name_norm: [id, name]
        wanted_norms = sorted(set(norms.values()))
        for chunk in chunks(wanted_norms):
            sql = (
                f"SELECT id, name, name_norm FROM {table} WHERE name_norm IN ({marks(len(chunk))})"
            )
            for row_id, name, norm in self.conn.execute(sql, chunk):
                found[norm] = [int(row_id), name]
        # A new row's id is the largest plus one, as SQLite gives an INTEGER PRIMARY KEY.
        next_id = int(
            self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        )
        added: list[tuple[int, str, str]] = []
        renamed: dict[int, str] = {}
        for name in new:
            row = found.get(norms[name])
            if row is None:
                row = found[norms[name]] = [next_id, shown[name]]
                added.append((next_id, shown[name], norms[name]))
                next_id += 1
            elif table == "authors" and names.better_spelling(row[1], shown[name]) != row[1]:
                row[1] = renamed[row[0]] = shown[name]
            cache[name] = row[0]
        self.conn.executemany(f"INSERT INTO {table}(id, name, name_norm) VALUES (?, ?, ?)", added)
        self.conn.executemany(
            f"UPDATE {table} SET name = ? WHERE id = ?", [(n, i) for i, n in renamed.items()]
        )

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
