"""What an import found, so that its undo puts back exactly what it changed.

An import does not record through the journal (``journal``): a table with triggers
costs SQLite a statement journal per row written, half again the time of a large
import. Instead, inside the import's transaction, ``ImportSnapshots`` notes the
library's high-water marks before it writes (the highest paper id, the highest id of
each other table with ids, the rows of the small tables without) and takes every row
of each paper just before the import merges into it. At the end it compares each
paper with its snapshot and keeps only the differences: 100,000 new papers cost
nothing to undo (they are the papers above the old highest id), and memory holds the
papers it merged into, not the ones it added.

Undoing deletes the papers above the old highest id, puts back row by row and column
by column what the import changed in the papers it merged into, and deletes the rows
it made (authors, tags, sources) that nothing uses any more. It runs inside a journal
recording, so its own undo, the redo, is the journal's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from papershelf.core.store.journal import NEVER_UNDONE, Table, data_tables, quote
from papershelf.core.store.library import Library, chunks, marks

Row = tuple[Any, ...]  # (rowid, *columns)
Rows = frozenset[Row]


@dataclass(frozen=True)
class _Reference:
    table: str  # a table whose rows point at ``column``'s table (paper_tags -> tags)
    column: str


@dataclass(frozen=True)
class ImportUndo:
    """What an import changed, enough to take it back."""

    highest_paper: int
    added: frozenset[int]
    # paper id -> table -> (rows before, rows after), for the tables that differ
    merged: dict[int, dict[str, tuple[Rows, Rows]]]
    # the tables with ids (and no paper) it made rows in: their highest id before it,
    # and the tables that point at them
    highest: dict[str, int]
    references: dict[str, list[_Reference]]
    # the small tables (meta): their rows before and after, when they differ
    others: dict[str, tuple[Rows, Rows]]
    tables: dict[str, Table] = field(repr=False)

    @property
    def empty(self) -> bool:
        """True when the import changed nothing."""
        return not (self.added or self.merged or self.others or self.highest)

    @property
    def touched_tables(self) -> set[str]:
        """The tables it wrote rows of (of papers: only the papers it added)."""
        found = {name for tables in self.merged.values() for name in tables} - {"papers"}
        found |= set(self.others) | set(self.highest)
        if self.added:
            found.add("papers")
        return found

    @property
    def paper_columns(self) -> set[str]:
        """The columns of papers it changed in the papers it merged into."""
        columns = self.tables["papers"].columns
        out: set[str] = set()
        for tables in self.merged.values():
            if "papers" in tables:
                (old,), (new,) = tables["papers"]
                out.update(c for c, a, b in zip(columns, old[1:], new[1:], strict=True) if a != b)
        return out

    def apply(self, library: Library) -> None:
        """Undo the import (inside a transaction the caller records, see above)."""
        conn = library.conn
        conn.execute("PRAGMA defer_foreign_keys = ON")  # rows come back in any order
        conn.execute("DELETE FROM papers WHERE id > ?", (self.highest_paper,))  # cascades
        for tables in self.merged.values():
            for name, (before, after) in tables.items():
                _put_back(library, self.tables[name], before, after)
        for name, (before, after) in self.others.items():
            _put_back(library, self.tables[name], before, after)
        for name, top in self.highest.items():
            unused = "".join(
                f" AND id NOT IN (SELECT {quote(r.column)} FROM {quote(r.table)} "
                f"WHERE {quote(r.column)} IS NOT NULL)"
                for r in self.references[name]
            )
            conn.execute(f"DELETE FROM {quote(name)} WHERE id > ?{unused}", (top,))


def _put_back(library: Library, table: Table, before: Rows, after: Rows) -> None:
    """Turn ``after`` back into ``before``: a row that stayed gets its old values in the
    columns that changed; rows added go, rows removed come back with their rowids."""
    conn = library.conn
    target = quote(table.name)
    old = {r[0]: r for r in before}
    new = {r[0]: r for r in after}
    for rowid in old.keys() & new.keys():
        changed = [i for i in range(len(table.columns)) if old[rowid][i + 1] != new[rowid][i + 1]]
        if changed:
            sets = ", ".join(f"{quote(table.columns[i])} = ?" for i in changed)
            values = [old[rowid][i + 1] for i in changed]
            conn.execute(f"UPDATE {target} SET {sets} WHERE rowid = ?", [*values, rowid])
    for rowid in new.keys() - old.keys():
        conn.execute(f"DELETE FROM {target} WHERE rowid = ?", (rowid,))
    names = ", ".join(quote(c) for c in table.columns)
    for rowid in old.keys() - new.keys():
        n = len(table.columns)
        if table.rowid_alias:
            sql = f"INSERT INTO {target}({names}) VALUES ({marks(n)})"
            conn.execute(sql, list(old[rowid][1:]))
        else:
            conn.execute(
                f"INSERT INTO {target}(rowid, {names}) VALUES ({marks(n + 1)})", list(old[rowid])
            )


class ImportSnapshots:
    """The library as an import found it, taken inside the import's transaction."""

    def __init__(self, library: Library) -> None:
        self.library = library
        conn = library.conn
        self.tables = {t.name: t for t in data_tables(conn)}
        self._paper_tables = [t for t in self.tables.values() if t.paper]
        with_ids = [t for t in self.tables.values() if not t.paper and t.rowid_alias]
        self._others = [t for t in self.tables.values() if not t.paper and not t.rowid_alias]
        self.highest_paper = self._highest("papers")
        self.highest = {t.name: self._highest(t.name) for t in with_ids}
        self.references: dict[str, list[_Reference]] = {t.name: [] for t in with_ids}
        for table in self.tables.values():
            for ref in conn.execute(f"PRAGMA main.foreign_key_list({quote(table.name)})"):
                if ref[2] in self.references:
                    self.references[ref[2]].append(_Reference(table.name, str(ref[3])))
        self._other_rows = {t.name: self._all_rows(t) for t in self._others}
        # The rows of each paper the import may have merged into, as queried.
        self.before: dict[int, list[Row]] = {}
        self._last: int | None = None  # the paper noted last, and the change count then
        self._changes = 0
        self._sql: dict[int, str] = {}
        # Per table with papers: its name, its width with the rowid, where its paper is.
        self._shapes = [
            (t.name, len(t.columns) + 1, t.columns.index(t.paper or "") + 1)
            for t in self._paper_tables
        ]

    def _highest(self, name: str) -> int:
        sql = f"SELECT coalesce(max(rowid), 0) FROM {quote(name)}"
        return int(self.library.conn.execute(sql).fetchone()[0])

    def _all_rows(self, table: Table) -> Rows:
        rows = self.library.conn.execute(f"SELECT rowid, * FROM {quote(table.name)}")
        if table.name != "meta":
            return frozenset(rows)
        return frozenset(r for r in rows if r[1] not in NEVER_UNDONE)

    def _rows_sql(self, count: int) -> str:
        """One query for every row of ``count`` papers in every table that has papers:
        a merge takes a few milliseconds, seven queries for its snapshot would be felt."""
        sql = self._sql.get(count)
        if sql is None:
            width = max(len(t.columns) for t in self._paper_tables)
            sql = self._sql[count] = " UNION ALL ".join(
                f"SELECT {number}, rowid, *{', NULL' * (width - len(t.columns))} "
                f"FROM {quote(t.name)} WHERE {quote(t.paper or '')} IN ({marks(count)})"
                for number, t in enumerate(self._paper_tables)
            )
        return sql

    def _rows_of(self, ids: Sequence[int]) -> dict[int, dict[str, Rows]]:
        """Every row of each paper of ``ids``, per table."""
        rows = self.library.conn.execute(self._rows_sql(len(ids)), list(ids) * len(self._shapes))
        return self._grouped(ids, rows)

    def _grouped(self, ids: Iterable[int], rows: Iterable[Row]) -> dict[int, dict[str, Rows]]:
        found: dict[int, dict[str, list[Row]]] = {
            i: {name: [] for name, _, _ in self._shapes} for i in ids
        }
        for row in rows:
            name, end, paper = self._shapes[row[0]]
            found[row[paper + 1]][name].append(row[1 : end + 1])
        return {i: {n: frozenset(r) for n, r in tables.items()} for i, tables in found.items()}

    def take(self, paper_id: int) -> None:
        """Note a paper as it is, just before the import merges into it."""
        if paper_id > self.highest_paper or paper_id in self.before:
            return
        conn = self.library.conn
        if self._last is not None and conn.total_changes == self._changes:
            # Nothing was written since the last paper was noted: that merge changed
            # nothing, as most do when a file is imported again. Forget it as we go.
            del self.before[self._last]
        rows = conn.execute(self._rows_sql(1), [paper_id] * len(self._shapes)).fetchall()
        self.before[paper_id] = rows  # grouped only if the paper turns out changed
        self._last, self._changes = paper_id, conn.total_changes

    def finish(self) -> ImportUndo:
        """What the import changed, compared at its end (still inside its transaction)."""
        conn = self.library.conn
        merged: dict[int, dict[str, tuple[Rows, Rows]]] = {}
        for chunk in chunks(sorted(self.before)):
            for paper_id, after in self._rows_of(chunk).items():
                before = self._grouped([paper_id], self.before[paper_id])[paper_id]
                differ = {n: (before[n], after[n]) for n in before if before[n] != after[n]}
                if differ:
                    merged[paper_id] = differ
        others: dict[str, tuple[Rows, Rows]] = {}
        for table in self._others:
            old, new = self._other_rows[table.name], self._all_rows(table)
            if old != new:
                others[table.name] = (old, new)
        added = frozenset(
            int(r[0])
            for r in conn.execute("SELECT id FROM papers WHERE id > ?", (self.highest_paper,))
        )
        made = {n: top for n, top in self.highest.items() if self._highest(n) > top}
        return ImportUndo(
            self.highest_paper, added, merged, made, self.references, others, self.tables
        )
