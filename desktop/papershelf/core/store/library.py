"""The reader's library: one SQLite file, opened, read and written through this class.

Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) and keeps the
denormalised display columns and the FTS index in step, so readers of the file (the
window, the command line, a second process) never see half a change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

from papershelf.core import keys, names
from papershelf.core.errors import LibraryError, primary_code
from papershelf.core.fields import DESCRIBING, STORED, Paper, PaperFields, from_column, to_column
from papershelf.core.search.query import CompiledQuery, compile_query
from papershelf.core.store.schema import SORT_COLUMNS, STATUSES
from papershelf.core.text import caseless_glob, fold, latex_to_text, title_key

_T = TypeVar("_T")
_CHUNK = 500  # SQLite's parameter limit is far above this; it keeps IN lists short.
LARGE_IMPORT = 1000  # papers added at once after which the search index is merged

# The narrow row the paper table reads per visible paper.
SUMMARY_FIELDS: tuple[str, ...] = (
    "id", "title", "authors_text", "authors_truncated", "published", "date_inferred",
    "category", "status", "tags_text", "has_code", "score", "key", "added", "read_at",
    "venue", "entry_type",
)  # fmt: skip


def now() -> str:
    """The current time as ISO 8601 UTC with seconds, the form every stored time has."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def chunks(ids: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """``ids`` in slices short enough for one IN (...) list."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def marks(n: int) -> str:
    """``n`` comma-separated SQL parameter marks."""
    return ",".join("?" * n)


def _write_problem(exc: sqlite3.Error) -> str:
    code = primary_code(exc)
    if code == 13:  # SQLITE_FULL
        return "the disk is full"
    if code == 8:  # SQLITE_READONLY
        return "the library file or its folder is read-only"
    return str(exc)


class Library:
    """An open library file. Not thread-safe: one Library per thread."""

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

    def close(self) -> None:
        """Close the connection; the WAL is checkpointed by SQLite on the last close."""
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction around a write; nested calls join the outer transaction."""
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

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        """Number of papers in the library."""
        return int(self.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    def search(
        self,
        query: str | CompiledQuery = "",
        *,
        sort: str = "added",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the papers matching ``query`` in display order.

        Raises LibraryError when the query is malformed (its message says why).
        """
        compiled = compile_query(query) if isinstance(query, str) else query
        if compiled.error:
            raise LibraryError(f"bad query: {compiled.error}")
        order = SORT_COLUMNS.get(sort)
        if order is None:
            raise LibraryError(f"cannot sort by {sort!r}; use one of {', '.join(SORT_COLUMNS)}")
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT p.id FROM papers p WHERE {compiled.where} "
            f"ORDER BY {order} {direction}, p.id {direction}"
        )
        params: list[object] = list(compiled.params)
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [row[0] for row in self.conn.execute(sql, params)]

    def resolve(self, ref: str | int) -> int:
        """The id of the paper named by its numeric id or its citation key.

        Only ASCII digits are an id, and leading zeros do not matter ("007" is paper 7).
        ``int()`` would also read "²" or Arabic-Indic digits as numbers: those are looked
        up as keys, like any other text. Digits name a key only when no paper has that id
        (keys made before keys stopped being digits alone). Keys match in any case and script.
        """
        text = str(ref).strip()
        row = None
        if text.isascii() and text.isdigit():
            digits = text.lstrip("0") or "0"  # int() refuses over 4300 digits
            number = int(digits) if len(digits) <= 19 else 2**63
            if number < 2**63:  # SQLite's integers are 64-bit: larger is no id, not an error
                row = self.conn.execute("SELECT id FROM papers WHERE id = ?", (number,)).fetchone()
        if row is None:
            sql = "SELECT id FROM papers WHERE key = ? COLLATE NOCASE"  # ASCII case, indexed
            row = self.conn.execute(sql, (text,)).fetchone()
        if row is None:  # a key the paper had in another bibliography
            sql = "SELECT paper_id FROM aliases WHERE key = ? COLLATE NOCASE"
            row = self.conn.execute(sql, (text,)).fetchone()
        if row is None and not text.isascii():
            sql = "SELECT id, key FROM papers WHERE key GLOB ? ORDER BY id LIMIT 3"  # a scan: rare
            rows = self.conn.execute(sql, (caseless_glob(text),)).fetchall()
            if len(rows) > 1:
                found = ", ".join(str(key) for _, key in rows)
                raise LibraryError(f"key {text!r} names more than one paper ({found}): give its id")
            row = rows[0] if rows else None
        if row is None:
            raise LibraryError(f"no paper with id or key {text!r}")
        return int(row[0])

    def _names(
        self, link: str, table: str, column: str, ids: Sequence[int]
    ) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {i: [] for i in ids}
        order = "l.position" if link != "paper_tags" else "t.name COLLATE NOCASE"
        # A paper's own spelling of an author, else the person's name.
        spelling = "coalesce(l.name, t.name)" if link == "paper_authors" else "t.name"
        for chunk in chunks(ids):
            sql = (
                f"SELECT l.paper_id, {spelling} FROM {link} l JOIN {table} t ON t.id = l.{column} "
                f"WHERE l.paper_id IN ({marks(len(chunk))}) ORDER BY l.paper_id, {order}"
            )
            for paper_id, name in self.conn.execute(sql, list(chunk)):
                out[paper_id].append(name)
        return out

    def papers(self, ids: Sequence[int]) -> list[Paper]:
        """The papers ``ids``, in that order (ids no paper has are left out)."""
        ids = list(ids)
        lists = {
            "authors": self._names("paper_authors", "authors", "author_id", ids),
            "affiliations": self._names(
                "paper_affiliations", "affiliations", "affiliation_id", ids
            ),
            "tags": self._names("paper_tags", "tags", "tag_id", ids),
            "aliases": self._aliases(ids),
        }
        columns = ", ".join(f"p.{f.column}" for f in STORED)
        rows: dict[int, Paper] = {}
        for chunk in chunks(ids):
            cursor = self.conn.execute(
                f"SELECT {columns}, coalesce(n.body, '') FROM papers p "
                f"LEFT JOIN notes n ON n.paper_id = p.id WHERE p.id IN ({marks(len(chunk))})",
                list(chunk),
            )
            for values in cursor:
                found: dict[str, Any] = {
                    f.name: from_column(f, v) for f, v in zip(STORED, values, strict=False)
                }
                found.pop("year")  # Paper derives it from published, as it was stored
                paper_id = found["id"]
                found["note"] = values[-1]
                found.update({name: by_id[paper_id] for name, by_id in lists.items()})
                rows[paper_id] = Paper(**found)
        return [rows[i] for i in ids if i in rows]

    def _aliases(self, ids: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {i: [] for i in ids}
        for chunk in chunks(ids):
            sql = (
                f"SELECT paper_id, key FROM aliases WHERE paper_id IN ({marks(len(chunk))}) "
                "ORDER BY paper_id, key COLLATE NOCASE"
            )
            for paper_id, key in self.conn.execute(sql, list(chunk)):
                out[paper_id].append(key)
        return out

    def add_aliases(self, paper_id: int, keys: Iterable[str]) -> list[str]:
        """Let ``key:`` and ``resolve`` find a paper by keys it had elsewhere; return those
        added (a key another paper has, as its key or another's alias, is not)."""
        added = []
        with self.write() as conn:
            for key in keys:
                key = key.strip()
                if not key or self._key_taken(key):
                    continue
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO aliases(key, paper_id) VALUES (?, ?)", (key, paper_id)
                )
                if cursor.rowcount:
                    added.append(key)
        return added

    def paper(self, paper_id: int) -> Paper:
        """One paper; LibraryError when there is none with that id."""
        found = self.papers([paper_id])
        if not found:
            raise LibraryError(f"no paper with id {paper_id}")
        return found[0]

    def records(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The command line's JSON records of ``ids``, in that order."""
        return [paper.to_json() for paper in self.papers(ids)]

    def summary_rows(self, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """What the table shows of ``ids``: one narrow row each, in SUMMARY_FIELDS order."""
        out: dict[int, tuple[Any, ...]] = {}
        for chunk in chunks(ids):
            sql = (
                f"SELECT {', '.join(SUMMARY_FIELDS)} FROM papers WHERE id IN ({marks(len(chunk))})"
            )
            for row in self.conn.execute(sql, list(chunk)):
                out[row[0]] = row
        return out

    def record(self, paper_id: int) -> dict[str, Any]:
        """The JSON record of one paper."""
        return self.paper(paper_id).to_json()

    def note(self, paper_id: int) -> str:
        """The paper's Markdown note, "" when it has none."""
        row = self.conn.execute("SELECT body FROM notes WHERE paper_id = ?", (paper_id,)).fetchone()
        return str(row[0]) if row else ""

    def keys_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each of ``ids``."""
        out: dict[int, str] = {}
        for chunk in chunks(ids):
            sql = f"SELECT id, key FROM papers WHERE id IN ({marks(len(chunk))})"
            out.update((int(i), str(k)) for i, k in self.conn.execute(sql, list(chunk)))
        return out

    def all_tags(self) -> list[str]:
        """Every tag name, for completion."""
        return [
            r[0] for r in self.conn.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]

    def meta(self, key: str) -> str | None:
        """A value the library keeps about itself (seed year, settings)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a value the library keeps about itself."""
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # ---------------------------------------------------------------- writing

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

    def _key_taken(self, key: str) -> bool:
        """Whether a paper has ``key`` as its key or as another of its keys."""
        sql = (
            "SELECT 1 FROM papers WHERE key = ? COLLATE NOCASE "
            "UNION ALL SELECT 1 FROM aliases WHERE key = ? COLLATE NOCASE"
        )
        return self.conn.execute(sql, (key, key)).fetchone() is not None

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

    def _columns(self, fields: PaperFields) -> dict[str, object]:
        """The papers row of what describes a paper, with its derived columns."""
        authors = [names.display(n) for n in fields.authors if n.strip()]
        columns = {f.column: to_column(f, getattr(fields, f.name)) for f in DESCRIBING if f.column}
        columns.update(
            title=fields.title.strip(),
            title_norm=title_key(fields.title),
            year=fields.year,
            authors_text=", ".join(authors),
            first_author=authors[0] if authors else "",
        )
        return columns

    def add_paper(self, fields: PaperFields, *, added: str | None = None) -> int:
        """Add a paper and return its id; the citation key is made here."""
        return self.add_papers([fields], added=added)[0]

    def merge_search_index(self) -> None:
        """Merge the full-text index into one segment (after a large import).

        FTS5 keeps each batch of writes as a segment of its own and looks a term up in
        every segment, so a library imported in many batches answers each per-paper
        test of a filter several times slower. 26 s at a million papers.
        """
        with self.write() as conn:
            conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')")

    def add_papers(
        self,
        papers: Sequence[PaperFields],
        *,
        added: str | None = None,
        cite_keys: Sequence[str | None] = (),
    ) -> list[int]:
        """Add papers in one transaction with one statement per table, not per paper.

        Imports and the synthetic benchmark libraries go through here: a million
        papers one ``add_paper`` at a time would take an hour. ``cite_keys`` (one per
        paper, or none) are keys to keep when free, as a BibTeX entry's own; the
        others get a key made from author, year and title.
        """
        if not papers:
            return []
        if any(not f.title.strip() for f in papers):
            raise LibraryError("a paper needs a title")
        when = added or now()

        def name_id(table: str, name: str) -> int:
            cache = self._people[table]
            if name not in cache:
                cache[name] = self._name_id(table, name)
            return cache[name]

        batch_keys: set[str] = set()

        def taken(key: str) -> bool:
            return key.casefold() in batch_keys or self._key_taken(key)

        with self.write() as conn:
            first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0])
            ids = list(range(first, first + len(papers)))
            rows, authors, affiliations, fts = [], [], [], []
            wanted = cite_keys or [None] * len(papers)
            for table in ("authors", "affiliations"):
                lists = (getattr(f, table) for f in papers)
                self._find_names(table, (n.strip() for given in lists for n in given if n.strip()))
            for paper_id, fields, cite_key in zip(ids, papers, wanted, strict=True):
                columns = self._columns(fields)
                if cite_key is None or taken(cite_key):
                    key = keys.make_key(fields.authors, fields.year, fields.title, taken)
                else:
                    key = cite_key
                batch_keys.add(key.casefold())
                columns.update(
                    id=paper_id,
                    key=key,
                    uuid=str(uuid4()),
                    added=when,
                    modified=when,
                    status="new",
                )
                rows.append(columns)
                given = [n.strip() for n in fields.authors if n.strip()]
                authors += [(paper_id, i, name_id("authors", n), n) for i, n in enumerate(given)]
                affs = [n.strip() for n in fields.affiliations if n.strip()]
                affiliations += [
                    (paper_id, i, name_id("affiliations", n)) for i, n in enumerate(affs)
                ]
                fts.append(
                    (paper_id, latex_to_text(fields.title), columns["authors_text"],
                     latex_to_text(fields.abstract), "", "")
                )  # fmt: skip
            stored = list(rows[0]) if rows else []
            conn.executemany(
                f"INSERT INTO papers({', '.join(stored)}) VALUES ({marks(len(stored))})",
                [[row[n] for n in stored] for row in rows],
            )
            conn.executemany(
                "INSERT INTO paper_authors(paper_id, position, author_id, name) "
                "VALUES (?, ?, ?, ?)",
                authors,
            )
            conn.executemany(
                "INSERT INTO paper_affiliations(paper_id, position, affiliation_id) "
                "VALUES (?, ?, ?)",
                affiliations,
            )
            if self._index_later is not None:
                self._index_later.update((row[0], row) for row in fts)
            else:
                conn.executemany(
                    "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    fts,
                )
        return ids

    def update_paper(self, paper_id: int, fields: PaperFields) -> None:
        """Replace what is known about a paper; its key, status, tags and note stay."""
        if not fields.title.strip():
            raise LibraryError("a paper needs a title")
        with self.write() as conn:
            columns = self._columns(fields)
            columns["modified"] = now()
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(
                f"UPDATE papers SET {assignments} WHERE id = ?", [*columns.values(), paper_id]
            )
            self.set_people(paper_id, fields)
            self._reindex([paper_id])

    def delete_papers(self, ids: Iterable[int]) -> None:
        """Delete papers with everything attached to them (the trigger cascades).

        A tag no paper uses any more is forgotten, as when it is removed.
        """
        ids = list(ids)
        with self.write() as conn:
            for chunk in chunks(ids):
                # What a second copy of the library needs to delete them there too.
                conn.execute(
                    "INSERT OR REPLACE INTO deletions(uuid, deleted_at) SELECT uuid, ? "
                    f"FROM papers WHERE id IN ({marks(len(chunk))}) AND uuid IS NOT NULL",
                    [now(), *chunk],
                )
                conn.execute(f"DELETE FROM papers WHERE id IN ({marks(len(chunk))})", list(chunk))
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")

    def set_status(self, ids: Iterable[int], status: str, *, at: str | None = None) -> None:
        """Set the reading status of papers, recording the change and ``read_at``."""
        if status not in STATUSES:
            raise LibraryError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        when = at or now()
        with self.write() as conn:
            for paper_id in ids:
                row = conn.execute("SELECT status FROM papers WHERE id = ?", (paper_id,)).fetchone()
                if row is None:
                    raise LibraryError(f"no paper with id {paper_id}")
                if row[0] == status:
                    continue
                conn.execute(
                    "UPDATE papers SET status = ?, status_changed = ?, modified = ?, "
                    "read_at = CASE WHEN ? = 'read' THEN ? ELSE read_at END WHERE id = ?",
                    (status, when, when, status, when, paper_id),
                )
                conn.execute(
                    "INSERT INTO status_history(paper_id, status, changed_at) VALUES (?, ?, ?)",
                    (paper_id, status, when),
                )

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

    def before_merge(self, paper_id: int) -> None:
        """An import is about to complete this paper: whoever watches may copy it first."""
        if self.merge_watcher is not None:
            self.merge_watcher(paper_id)

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
        self._index_later = later
        try:
            yield
        finally:
            self._index_later = None
        stale = sorted(i for i, row in later.items() if row is None)
        for chunk in chunks(stale):
            qmarks = marks(len(chunk))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({qmarks})", list(chunk))
        read = {row[0]: row for row in self._index_rows(stale)}
        self.conn.executemany(
            "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [row for i in sorted(later) if (row := later[i] or read.get(i)) is not None],
        )

    def _reindex(self, ids: Sequence[int]) -> None:
        """Rewrite the FTS rows of ``ids`` from the papers they index."""
        if self._index_later is not None:
            self._index_later.update((i, None) for i in ids)
            return
        for chunk in chunks(ids):
            qmarks = marks(len(chunk))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({qmarks})", list(chunk))
            self.conn.executemany(
                "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                self._index_rows(chunk),
            )

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
