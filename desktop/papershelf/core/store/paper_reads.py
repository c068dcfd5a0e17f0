"""Reading papers: counting, searching, resolving a reference, and each paper's
record with its authors, tags, keys, sources, attachments and note."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from papershelf.core.errors import LibraryError
from papershelf.core.fields import STORED, Paper, from_column
from papershelf.core.search.dates import Clock
from papershelf.core.search.query import CompiledQuery, compile_query
from papershelf.core.store import queue, whole_counts
from papershelf.core.store.attachment_rows import attachment_records
from papershelf.core.store.library_file import LibraryFile
from papershelf.core.store.orders import SORT_COLUMNS
from papershelf.core.store.statements import chunks, marks
from papershelf.core.text import caseless_glob, fold

# The narrow row the paper table reads per visible paper.
SUMMARY_FIELDS: tuple[str, ...] = (
    "id", "title", "authors_text", "authors_truncated", "published", "date_inferred",
    "category", "status", "tags_text", "has_code", "score", "key", "added", "read_at",
    "venue", "entry_type", "priority", "queue_position",
)  # fmt: skip


class PaperReads(LibraryFile):
    """The reading half of Library."""

    def count(self) -> int:
        """Number of papers in the library."""
        return int(self.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    def kept_count(self) -> int:
        """``count`` as the library keeps it (``whole_counts.papers``): what the window
        shows after each write, its own or another process's, without a scan."""
        kept = whole_counts.papers(self.conn)
        return self.count() if kept is None else kept

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
        compiled = self.compile(query) if isinstance(query, str) else query
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

    def compile(self, text: str, clock: Clock | None = None) -> CompiledQuery:
        """``text`` compiled with this library's saved searches (``saved:``) and the
        local time now (``added:<7d``, ``read:this-month``)."""
        rows = self.conn.execute("SELECT name, query FROM saved_searches").fetchall()
        saved = tuple(sorted((fold(str(n)), str(q)) for n, q in rows))
        return compile_query(text, saved=saved, clock=clock or Clock.now())

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
        lists: dict[str, dict[int, Any]] = {
            "authors": self._names("paper_authors", "authors", "author_id", ids),
            "affiliations": self._names(
                "paper_affiliations", "affiliations", "affiliation_id", ids
            ),
            "tags": self._names("paper_tags", "tags", "tag_id", ids),
            "aliases": self._aliases(ids),
            "sources": self._followed(ids),
            "attachments": attachment_records(self.conn, ids),
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
        places = self._queue_places(ids)  # the stored key becomes the place in the queue
        for paper_id, paper in rows.items():
            paper.queue_position = places.get(paper_id)
        return [rows[i] for i in ids if i in rows]

    def _queue_places(self, ids: Sequence[int]) -> dict[int, int]:
        """The places in the queue of those of ``ids`` that are queued.

        The table asks for a page of rows on every keystroke: walking the queue for each
        page cost 13 ms at 100,000 papers, so every place is read once per change of the
        library and looked up. One paper (the details pane) is counted alone: the whole
        walk cost the window's start 8 ms. The walk is made again only when the queue
        changed (``queue.version``): at a million papers it takes 35 ms, and 150 ms
        while another process writes (a PDF's text, a feed), after each of its writes.
        """
        writes = (self.conn.total_changes, self.data_version())
        cached = self._queue_cache
        if cached is not None and cached[0] == writes:
            return cached[2]
        if len(ids) == 1:
            return queue.ranks(self.conn, ids)
        moved = queue.version(self.conn)  # a write elsewhere seldom moves the queue
        if cached is None or cached[1] != moved:
            cached = (writes, moved, queue.places(self.conn))
        self._queue_cache = (writes, moved, cached[2])
        return cached[2]

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

    def _followed(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """Names of the follows (feeds, arXiv queries) that brought each paper."""
        out: dict[int, list[str]] = {i: [] for i in ids}
        for chunk in chunks(ids):
            sql = (
                "SELECT pf.paper_id, f.name FROM paper_follows pf JOIN follows f "
                f"ON f.id = pf.follow_id WHERE pf.paper_id IN ({marks(len(chunk))}) "
                "ORDER BY pf.paper_id, f.name COLLATE NOCASE"
            )
            for paper_id, name in self.conn.execute(sql, list(chunk)):
                out[paper_id].append(name)
        return out

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
            places = self._queue_places(chunk)
            for row in self.conn.execute(sql, list(chunk)):
                out[row[0]] = (*row[:-1], places.get(row[0]))  # the place, not the key
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
