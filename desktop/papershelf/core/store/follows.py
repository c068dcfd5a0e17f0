"""Followed sources in the library: the follows, which papers each brought, and what the
reader dismissed (the SQL of ``core.ops.follow`` and ``core.net.refresh``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from papershelf.core.errors import LibraryError
from papershelf.core.store.library import Library, now


@dataclass(frozen=True)
class Follow:
    """One followed source, with how its refreshes went."""

    id: int
    name: str
    spec: str
    added: str
    etag: str | None = None
    last_modified: str | None = None
    last_refresh: str | None = None  # the last refresh that reached the source
    last_attempt: str | None = None
    last_error: str | None = None  # None once a refresh works again
    failures: int = 0  # refreshes that failed in a row

    @property
    def failing(self) -> bool:
        return self.last_error is not None


_COLUMNS = (
    "id, name, spec, added, etag, last_modified, last_refresh, last_attempt, last_error, failures"
)


def all_follows(library: Library) -> list[Follow]:
    """Every follow, by name."""
    rows = library.conn.execute(f"SELECT {_COLUMNS} FROM follows ORDER BY name COLLATE NOCASE")
    return [Follow(*row) for row in rows]


def find(library: Library, name: str) -> Follow | None:
    """The follow called ``name`` (in any case), or None."""
    row = library.conn.execute(
        f"SELECT {_COLUMNS} FROM follows WHERE name = ? COLLATE NOCASE", (name.strip(),)
    ).fetchone()
    return Follow(*row) if row else None


def get(library: Library, name: str) -> Follow:
    """The follow called ``name``; LibraryError naming the follows there are when none."""
    found = find(library, name)
    if found is None:
        known = ", ".join(f.name for f in all_follows(library)) or "none yet"
        raise LibraryError(f"no followed source named {name.strip()!r} (followed: {known})")
    return found


def insert(library: Library, name: str, spec: str) -> int:
    """Record a new follow; LibraryError when the name is taken."""
    with library.write() as conn:
        if find(library, name) is not None:
            raise LibraryError(f"a followed source is already named {name.strip()!r}")
        cursor = conn.execute(
            "INSERT INTO follows(name, spec, added) VALUES (?, ?, ?)", (name.strip(), spec, now())
        )
    return int(cursor.lastrowid or 0)


def delete(library: Library, follow_id: int) -> None:
    """Forget a follow and which papers it brought; the papers stay."""
    with library.write() as conn:
        conn.execute("DELETE FROM paper_follows WHERE follow_id = ?", (follow_id,))
        conn.execute("DELETE FROM follows WHERE id = ?", (follow_id,))


def rename(library: Library, follow_id: int, name: str) -> None:
    """Give a follow another name (``from:`` filters use the new one)."""
    with library.write() as conn:
        taken = find(library, name)
        if taken is not None and taken.id != follow_id:
            raise LibraryError(f"a followed source is already named {taken.name!r}")
        conn.execute("UPDATE follows SET name = ? WHERE id = ?", (name.strip(), follow_id))


def record_success(
    library: Library, follow_id: int, etag: str | None, last_modified: str | None
) -> None:
    """The source answered (new entries or "not modified"): no error, validators kept."""
    when = now()
    with library.write() as conn:
        conn.execute(
            "UPDATE follows SET etag = ?, last_modified = ?, last_refresh = ?, last_attempt = ?, "
            "last_error = NULL, failures = 0 WHERE id = ?",
            (etag, last_modified, when, when, follow_id),
        )


def record_failure(library: Library, follow_id: int, error: str) -> None:
    """The source could not be read: say why, count it (the sidebar marks it)."""
    with library.write() as conn:
        conn.execute(
            "UPDATE follows SET last_attempt = ?, last_error = ?, failures = failures + 1 "
            "WHERE id = ?",
            (now(), error, follow_id),
        )


def paper_with_entry(library: Library, entry: str) -> int | None:
    """The paper a feed entry with this mark brought before (any follow), or None."""
    row = library.conn.execute(
        "SELECT paper_id FROM paper_follows WHERE entry = ? ORDER BY paper_id LIMIT 1", (entry,)
    ).fetchone()
    return int(row[0]) if row else None


def link(library: Library, paper_id: int, follow_id: int, entry: str) -> bool:
    """Record that a follow brought a paper; True when it is new."""
    with library.write() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO paper_follows(paper_id, follow_id, entry, seen) "
            "VALUES (?, ?, ?, ?)",
            (paper_id, follow_id, entry, now()),
        )
    return bool(cursor.rowcount)


def is_followed_paper(library: Library, paper_id: int) -> bool:
    """Whether some follow brought this paper (the feed then owns its description)."""
    sql = "SELECT 1 FROM paper_follows WHERE paper_id = ? LIMIT 1"
    return library.conn.execute(sql, (paper_id,)).fetchone() is not None


def dismissed(library: Library, marks_: Iterable[str]) -> bool:
    """Whether the reader deleted a paper with any of these marks (``arxiv:`` marks
    match any version of the id)."""
    for mark in marks_:
        if mark.startswith("arxiv:"):
            sql = "SELECT 1 FROM dismissed WHERE mark = ? OR mark GLOB ? LIMIT 1"
            params: tuple[str, ...] = (mark, _glob_escape(mark) + "v[0-9]*")
        else:
            sql, params = "SELECT 1 FROM dismissed WHERE mark = ? LIMIT 1", (mark,)
        if library.conn.execute(sql, params).fetchone() is not None:
            return True
    return False


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def untriaged_counts(library: Library) -> dict[int, int]:
    """Follow id -> how many of the papers it brought are still ``new``."""
    rows = library.conn.execute(
        "SELECT pf.follow_id, count(*) FROM paper_follows pf JOIN papers p ON p.id = pf.paper_id "
        "WHERE p.status = 'new' GROUP BY pf.follow_id"
    )
    return {int(f): int(n) for f, n in rows}


def inbox_count(library: Library) -> int:
    """Papers with status ``new``: the inbox."""
    sql = "SELECT count(*) FROM papers WHERE status = 'new'"
    return int(library.conn.execute(sql).fetchone()[0])


def stale_skipped(library: Library, before: str) -> list[int]:
    """Skipped papers some follow brought, skipped before ``before`` (ISO time), that
    have neither a note nor a tag: what "clear skipped" deletes."""
    rows = library.conn.execute(
        "SELECT p.id FROM papers p WHERE p.status = 'skipped' "
        "AND coalesce(p.status_changed, p.added) < ? "
        "AND p.id IN (SELECT paper_id FROM paper_follows) "
        "AND p.id NOT IN (SELECT paper_id FROM paper_tags) "
        "AND p.id NOT IN (SELECT paper_id FROM notes WHERE trim(body) <> '') ORDER BY p.id",
        (before,),
    )
    return [int(r[0]) for r in rows]


def to_read_since(library: Library, since: str) -> int:
    """Papers marked to-read since ``since`` (ISO time) that are still to-read."""
    row = library.conn.execute(
        "SELECT count(DISTINCT h.paper_id) FROM status_history h JOIN papers p "
        "ON p.id = h.paper_id WHERE h.status = 'to-read' AND h.changed_at >= ? "
        "AND p.status = 'to-read'",
        (since,),
    ).fetchone()
    return int(row[0])


def inbox_ids(library: Library) -> list[int]:
    """The inbox, newest first (publication date, then the order they arrived)."""
    rows = library.conn.execute(
        "SELECT id FROM papers WHERE status = 'new' ORDER BY published DESC, id DESC"
    )
    return [int(r[0]) for r in rows]
