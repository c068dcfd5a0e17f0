"""The undo journal: every row an operation writes, recorded by SQLite as it writes it.

After SQLite's own "Automatic Undo/Redo Using SQLite" (https://sqlite.org/undoredo.html):
while an operation runs, temporary triggers on the connection copy each row it inserts,
updates or deletes into a temporary log, inside the operation's own transaction.
Replaying a log backwards reverts exactly what that operation wrote, row by row and
column by column, and nothing that another change wrote meanwhile; the replay is itself
recorded, and its log is the redo. Exactness comes from the rows, not from each
operation knowing what it touches: a tag row an untag deleted comes back with its id,
a status change takes its history rows and ``modified`` with it, and a table a later
migration adds is journalled without anyone remembering to.

The triggers exist only while an operation records, created and dropped inside its
transaction: a table with a trigger makes
SQLite keep a statement journal for every row written to it, which would slow a bulk
import by half (imports record differently, see ``snapshots``). The full-text index is
a virtual table (no triggers): a replay rebuilds the index rows of the papers it
touched. The log lives in the connection's temporary database, a file SQLite deletes
on close, so undoing the deletion of a whole library keeps no copy of it in memory.
"""

from __future__ import annotations

import itertools
import sqlite3
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from papershelf.core.errors import BugError, LibraryError, from_sqlite
from papershelf.core.store import queue, whole_counts
from papershelf.core.store.library import Library, chunks, marks
from papershelf.core.store.library_file import IMPORT_MARK_KEY, SHOWN_WRITES_KEY

T = TypeVar("T")

_LOG = "papershelf_undo_log"
_BATCH = 5000  # log rows replayed per read: bounded memory for any size of change
_OLD = 7  # the first value column of a log row: o0, n0, o1, n1...
_NEWEST = 2**63 - 1
# What the full-text index is made of (Library._reindex): a replay that wrote these
# rebuilds the index rows of their papers, and only of those.
_INDEXED = {"papers": ("title", "authors_text", "abstract", "tags_text"), "notes": None}
# The library's bookkeeping, not the reader's data: which files Papershelf copied into
# its files folder stays true whatever is undone (``store.attachments``); the whole
# library's counts follow the rows a replay writes (``store.whole_counts``).
_BOOKKEEPING = frozenset({"stored_files", whole_counts.TABLE})
# Meta rows an undo never sets back: counts of changes only ever move forward, or a
# reader that keyed what it worked out on one (the window's places in the queue, a
# backup's "changed since") would take the state an undo brought back for the state it
# had seen; the mark of the last import says that it was saved, not what it did.
NEVER_UNDONE = frozenset({"last_write", queue.VERSION_KEY, SHOWN_WRITES_KEY, IMPORT_MARK_KEY})


@dataclass(frozen=True)
class Table:
    """A table of the library that holds the reader's data."""

    name: str
    columns: tuple[str, ...]
    rowid_alias: bool  # its INTEGER PRIMARY KEY is the rowid: insert without a rowid
    paper: str | None  # the column that names the paper a row belongs to


def quote(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def data_tables(conn: sqlite3.Connection) -> list[Table]:
    """Every table of the library that holds the reader's data (not the index's)."""
    rows = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if str(sql).upper().startswith("CREATE VIRTUAL")]
    out = []
    for name, sql in rows:
        if name.startswith("sqlite_") or any(
            name == v or name.startswith(v + "_") for v in virtual
        ):
            continue  # SQLite's own, or a full-text index and its shadow tables
        if name in _BOOKKEEPING:
            continue
        if "WITHOUT ROWID" in str(sql).upper():
            raise BugError(f"the undo journal needs rowids; table {name} has none")
        info = conn.execute(f"PRAGMA main.table_info({quote(name)})").fetchall()
        columns = tuple(str(r[1]) for r in info)
        keys = [r for r in info if r[5]]
        alias = len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER"
        paper = "id" if name == "papers" else ("paper_id" if "paper_id" in columns else None)
        out.append(Table(name, columns, alias, paper))
    return out


class _Journal:
    """The shape of one connection's tables, and the logs nobody can undo any more."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.tables = {t.name: t for t in data_tables(conn)}
        self.width = max(len(t.columns) for t in self.tables.values())
        # Logs of changes whose undo was dropped: a finaliser may run on any thread, so
        # it only notes the id, and a later recording deletes the rows.
        self.dropped: list[int] = []
        # Log ids are never used twice: a finaliser that runs late must not name a log
        # that a newer change took over.
        self._ids = itertools.count(1)

    def purge(self, conn: sqlite3.Connection) -> None:
        """Delete the logs of dropped changes, outside any transaction: Library.write
        counts the rows written inside it, and this is not a change of the library."""
        if not self.dropped or conn.in_transaction:
            return
        gone, self.dropped[:] = list(self.dropped), []
        try:
            for chunk in chunks(gone):
                conn.execute(f"DELETE FROM {_LOG} WHERE log IN ({marks(len(chunk))})", list(chunk))
        except sqlite3.Error:
            self.dropped.extend(gone)  # a read-only connection: nothing to free anyway

    def start(self, conn: sqlite3.Connection) -> int:
        """A new log, and the triggers that fill it (inside the operation's transaction:
        if that rolls back, so do they)."""
        values = ", ".join(f"o{i}, n{i}" for i in range(self.width))
        # Temporary: it writes nothing to the library and goes when the connection closes.
        conn.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_LOG}(seq INTEGER PRIMARY KEY, log INTEGER, "
            f"tbl TEXT, op TEXT, rid INTEGER, pid INTEGER, changed TEXT, {values})"
        )
        conn.execute(f"CREATE INDEX IF NOT EXISTS temp.{_LOG}_by_log ON {_LOG}(log, seq)")
        log = next(self._ids)
        for table in self.tables.values():
            for sql in _triggers(table, log):
                conn.execute(sql)
        return log

    def stop(self, conn: sqlite3.Connection) -> None:
        """Drop the triggers: writes after this are not recorded."""
        for name in self.tables:
            for kind in "idu":
                conn.execute(f"DROP TRIGGER IF EXISTS temp.{quote(f'{_LOG}_{name}_{kind}')}")


def _triggers(table: Table, log: int) -> list[str]:
    """The three triggers that copy ``table``'s written rows into log ``log``."""
    target = f"main.{quote(table.name)}"
    cols = [quote(c) for c in table.columns]

    def create(kind: str) -> str:
        return f"CREATE TEMP TRIGGER {quote(f'{_LOG}_{table.name}_{kind}')}"

    def pid(row: str) -> str:
        return f"{row}.{quote(table.paper)}" if table.paper else "NULL"

    head = f"INSERT INTO {_LOG}(log, tbl, op, rid, pid"
    label = "'" + table.name.replace("'", "''") + "'"
    olds = ", ".join(f"o{i}" for i in range(len(cols)))
    news = ", ".join(f"n{i}" for i in range(len(cols)))
    differs = [f"old.{c} IS NOT new.{c}" for c in cols]
    mask = " || ".join(f"({d})" for d in differs)  # "0100...": which columns changed
    pairs = list(zip(differs, cols, strict=True))
    # Of an update, only the values of the columns that changed are kept.
    kept_old = ", ".join(f"CASE WHEN {d} THEN old.{c} END" for d, c in pairs)
    kept_new = ", ".join(f"CASE WHEN {d} THEN new.{c} END" for d, c in pairs)
    # A meta row in NEVER_UNDONE is left out: an undo must not set it back.
    never = ", ".join("'" + key.replace("'", "''") + "'" for key in sorted(NEVER_UNDONE))
    kept = {
        row: f"{row}.key NOT IN ({never})" if table.name == "meta" else "1"
        for row in ("new", "old")
    }
    return [
        f"{create('i')} AFTER INSERT ON {target} WHEN {kept['new']} BEGIN "
        f"{head}) VALUES ({log}, {label}, 'I', new.rowid, {pid('new')}); END",
        f"{create('d')} AFTER DELETE ON {target} WHEN {kept['old']} BEGIN {head}, {olds}) "
        f"VALUES ({log}, {label}, 'D', old.rowid, {pid('old')}, "
        f"{', '.join(f'old.{c}' for c in cols)}); END",
        # An update that changed nothing (a refresh writing the same value) is not kept.
        f"{create('u')} AFTER UPDATE ON {target} WHEN {kept['new']} AND "
        f"({' OR '.join(differs)}) BEGIN "
        f"{head}, changed, {olds}, {news}) VALUES ({log}, {label}, 'U', new.rowid, "
        f"{pid('new')}, {mask}, {kept_old}, {kept_new}); END",
    ]


_journals: weakref.WeakKeyDictionary[Library, _Journal] = weakref.WeakKeyDictionary()


def _journal(library: Library) -> _Journal:
    journal = _journals.get(library)
    if journal is None:
        journal = _journals[library] = _Journal(library.conn)
    return journal


@dataclass(frozen=True)
class Summary:
    """What a recorded change touched, for the window to refresh only that."""

    papers: frozenset[int]  # papers added or changed, that exist now
    deleted: frozenset[int]
    tables: frozenset[str]  # tables it wrote rows of (of papers: only rows added or deleted)
    paper_columns: frozenset[str]  # columns of papers it changed in rows that stayed
    indexed: frozenset[int] = frozenset()  # papers whose indexed text it wrote

    @property
    def empty(self) -> bool:
        """True when the change wrote nothing."""
        return not (self.papers or self.deleted or self.tables or self.paper_columns)


class Entry:
    """One recorded change, revertible once; reverting it records its redo."""

    def __init__(self, library: Library, log: int, summary: Summary) -> None:
        self.library = library
        self.log = log
        self.summary = summary
        # When the undo command holding this entry is gone, its log is dead weight.
        self._forget = weakref.finalize(self, _journal(library).dropped.append, log)

    def revert(self, doing: str) -> Entry:
        """Undo this change in one transaction; returns the entry of the revert (the redo).

        ``doing`` names the change in an error ("undoing “Mark 3 papers as read”").
        Raises LibraryError when the library cannot be written, or when a later change
        stands in the way (a tag of that name was made again); nothing changes then.
        """
        if self.log < 0:
            raise BugError(f"{doing}: this change was reverted already")
        library = self.library
        conn = library.conn

        def replay() -> None:
            conn.execute("PRAGMA defer_foreign_keys = ON")  # rows come back in any order
            for batch in self._batches():
                _replay(library, batch)
            conn.execute(f"DELETE FROM {_LOG} WHERE log = ?", (self.log,))

        _, revert = record(library, replay, doing=doing, replaying=True)
        self._forget.detach()
        self.log = -1
        return revert

    def _batches(self) -> Iterator[list[tuple[Any, ...]]]:
        """The log, newest row first, a batch at a time."""
        last = _NEWEST
        while True:
            batch = self.library.conn.execute(
                f"SELECT * FROM {_LOG} WHERE log = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                (self.log, last, _BATCH),
            ).fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]


def _replay(library: Library, batch: list[tuple[Any, ...]]) -> None:
    """Revert the log rows of ``batch`` (newest first), each run of alike rows at once.

    Rows of one table are reverted in their order; the tables one after another (with
    foreign keys deferred, the order between tables does not matter), so that a status
    change of 30,000 papers is two long runs, not 60,000 short ones.
    """
    tables = _journal(library).tables
    conn = library.conn
    ordered = sorted(batch, key=lambda r: str(r[2]))  # stable: each table's order stays
    for (name, op, changed), run in itertools.groupby(ordered, key=lambda r: (r[2], r[3], r[6])):
        table = tables[name]
        rows = list(run)
        n = len(table.columns)
        target = quote(name)
        if op == "I":
            conn.executemany(f"DELETE FROM {target} WHERE rowid = ?", [(r[4],) for r in rows])
        elif op == "D":
            names = ", ".join(quote(c) for c in table.columns)
            olds = [[r[_OLD + 2 * i] for i in range(n)] for r in rows]
            if table.rowid_alias:
                sql = f"INSERT INTO {target}({names}) VALUES ({marks(n)})"
                conn.executemany(sql, olds)
            else:  # other tables keep their rowid too
                sql = f"INSERT INTO {target}(rowid, {names}) VALUES ({marks(n + 1)})"
                conn.executemany(sql, [[r[4], *old] for r, old in zip(rows, olds, strict=True)])
        else:
            which = [i for i, flag in enumerate(str(changed)) if flag == "1"]
            sets = ", ".join(f"{quote(table.columns[i])} = ?" for i in which)
            conn.executemany(
                f"UPDATE {target} SET {sets} WHERE rowid = ?",
                [[*(r[_OLD + 2 * i] for i in which), r[4]] for r in rows],
            )


def record(
    library: Library,
    write: Callable[[], T],
    *,
    doing: str,
    replaying: bool = False,
) -> tuple[T, Entry]:
    """Run ``write`` in one transaction; return its result and the journal of what it wrote.

    ``doing`` names the change in errors ("marking 3 papers as read"). ``replaying``:
    it writes rows behind the full-text index's back (a revert, an import's undo), so
    the index rows of the papers it touched are rebuilt; and a later change may stand
    in its way (a tag made again under the same name), which is the reader's to know.
    """
    journal = _journal(library)
    conn = library.conn
    journal.purge(conn)
    try:
        with library.write():
            log = journal.start(conn)
            # A REPLACE's deletion fires delete triggers only with recursive triggers on.
            recursive = int(conn.execute("PRAGMA recursive_triggers").fetchone()[0])
            conn.execute("PRAGMA recursive_triggers = ON")
            try:
                result = write()
            finally:
                conn.execute(f"PRAGMA recursive_triggers = {recursive}")
                journal.stop(conn)  # before Library.write stamps its change token
            summary = _summarise(library, log)
            if replaying and summary.indexed:
                # Writes back the tags_text the replay restored (no change) and the
                # index rows from the papers as they are now.
                library.refresh_tags(sorted(summary.indexed))
    except sqlite3.IntegrityError as exc:
        if replaying:
            raise LibraryError(
                f"{doing} is not possible: a later change stands in its way ({exc})"
            ) from exc
        raise from_sqlite(exc, doing) from exc
    except sqlite3.Error as exc:
        raise from_sqlite(exc, doing) from exc
    return result, Entry(library, log, summary)


def _summarise(library: Library, log: int) -> Summary:
    conn = library.conn
    touched = {
        int(r[0])
        for r in conn.execute(
            f"SELECT DISTINCT pid FROM {_LOG} WHERE log = ? AND pid IS NOT NULL", (log,)
        )
    }
    tables: set[str] = set()
    columns: set[str] = set()
    paper_columns = _journal(library).tables["papers"].columns
    for name, op, changed in conn.execute(
        f"SELECT DISTINCT tbl, op, changed FROM {_LOG} WHERE log = ?", (log,)
    ):
        if name == "papers" and op == "U":
            columns.update(paper_columns[i] for i, f in enumerate(str(changed)) if f == "1")
        else:
            tables.add(str(name))
    existing = set(existing_papers(library, sorted(touched)))
    indexed = existing & _indexed(library, log)
    return Summary(
        frozenset(existing),
        frozenset(touched - existing),
        frozenset(tables),
        frozenset(columns),
        frozenset(indexed),
    )


def _indexed(library: Library, log: int) -> set[int]:
    """The papers whose indexed text (see _INDEXED) the log wrote."""
    tables = _journal(library).tables
    found: list[str] = []
    for name, columns in _INDEXED.items():
        if columns is None:
            found.append(f"tbl = '{name}'")
        else:
            changed = " OR ".join(
                f"substr(changed, {tables[name].columns.index(c) + 1}, 1) = '1'" for c in columns
            )
            found.append(f"(tbl = '{name}' AND (op != 'U' OR {changed}))")
    sql = f"SELECT DISTINCT pid FROM {_LOG} WHERE log = ? AND ({' OR '.join(found)})"
    return {int(r[0]) for r in library.conn.execute(sql, (log,)) if r[0] is not None}


def existing_papers(library: Library, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` that name a paper."""
    out: list[int] = []
    for chunk in chunks(ids):
        out.extend(
            int(r[0])
            for r in library.conn.execute(
                f"SELECT id FROM papers WHERE id IN ({marks(len(chunk))})", list(chunk)
            )
        )
    return out
