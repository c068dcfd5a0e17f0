"""The to-read queue's order ("Up next"), kept as fractional keys in ``papers.queue_position``.

A paper moved between two others takes a number between theirs, so a move writes one
row however long the queue is. Only when two neighbours' numbers have no double left
between them (after some fifty moves into the same gap) is the whole queue numbered
again, 1, 2, 3...: rare, and still one transaction. Ties never arise from these
functions, but the order is always ``queue_position, id`` so that they would not matter.

These functions take the connection of a write already begun (``Library.write``) and
never open one: ``Library.set_status`` uses them inside its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from papershelf.core.errors import LibraryError

# The meta key of the setting "where do new to-read papers join": "end" or "priority".
JOIN_SETTING = "queue_join"
JOIN_CHOICES = ("end", "priority")
_IN_QUEUE = "queue_position IS NOT NULL"
_ORDER = "ORDER BY queue_position, id"
# The meta key counting changes to the queue, kept by triggers in the file (every writer,
# another process too): the table's places are walked again only when it moved.
VERSION_KEY = "queue_version"
_BUMP = (
    f"INSERT INTO meta(key, value) VALUES ('{VERSION_KEY}', 1) "
    "ON CONFLICT(key) DO UPDATE SET value = value + 1"
)


def between(low: float | None, high: float | None) -> float | None:
    """A number strictly between ``low`` and ``high`` (either end open); None: no room."""
    if low is None and high is None:
        return 1.0
    if low is None:
        assert high is not None
        return high - 1.0
    if high is None:
        return low + 1.0
    middle = (low + high) / 2
    return middle if low < middle < high else None


def spread(low: float | None, high: float | None, count: int) -> list[float] | None:
    """``count`` increasing numbers strictly between ``low`` and ``high``; None: no room."""
    if low is None and high is None:
        return [float(i + 1) for i in range(count)]
    if low is None:
        assert high is not None
        return [high - count + i for i in range(count)]
    if high is None:
        return [low + 1.0 + i for i in range(count)]
    step = (high - low) / (count + 1)
    values = [low + step * (i + 1) for i in range(count)]
    ordered = all(a < b for a, b in zip([low, *values], [*values, high], strict=True))
    return values if ordered else None


def position(conn: sqlite3.Connection, paper_id: int) -> float | None:
    """The paper's key in the queue, None when it is not queued."""
    row = conn.execute("SELECT queue_position FROM papers WHERE id = ?", (paper_id,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _edge(conn: sqlite3.Connection, last: bool, excluding: Sequence[int] = ()) -> float | None:
    agg = "max" if last else "min"
    not_these = f" AND id NOT IN ({','.join('?' * len(excluding))})" if excluding else ""
    sql = f"SELECT {agg}(queue_position) FROM papers WHERE {_IN_QUEUE}{not_these}"
    row = conn.execute(sql, list(excluding)).fetchone()
    return None if row[0] is None else float(row[0])


def joining_position(conn: sqlite3.Connection, priority: int) -> float:
    """Where a paper that becomes to-read joins: at the end, or (the setting
    ``priority``) after the queued papers of its priority or higher."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (JOIN_SETTING,)).fetchone()
    if row is None or row[0] != "priority":
        return between(_edge(conn, last=True), None) or 1.0
    low_row = conn.execute(
        f"SELECT max(queue_position) FROM papers WHERE {_IN_QUEUE} AND priority >= ?",
        (priority,),
    ).fetchone()
    low = None if low_row[0] is None else float(low_row[0])
    high_row = conn.execute(
        f"SELECT min(queue_position) FROM papers WHERE {_IN_QUEUE} AND queue_position > ?",
        (low if low is not None else float("-inf"),),
    ).fetchone()
    high = None if high_row[0] is None else float(high_row[0])
    found = between(low, high)
    if found is None:
        renumber(conn)
        return joining_position(conn, priority)
    return found


def renumber(conn: sqlite3.Connection) -> None:
    """Number the whole queue 1, 2, 3... in its order (when a gap has run out)."""
    # The numbering is made once, then joined: as a subquery per row it was made again
    # for each queued paper (38,000 queued: 4.5 minutes).
    conn.execute(
        f"WITH q(id, n) AS MATERIALIZED (SELECT id, row_number() OVER ({_ORDER}) "
        f"FROM papers WHERE {_IN_QUEUE}) "
        "UPDATE papers SET queue_position = q.n FROM q WHERE papers.id = q.id"
    )


def queue_ids(conn: sqlite3.Connection) -> list[int]:
    """The queued papers in order."""
    return [int(r[0]) for r in conn.execute(f"SELECT id FROM papers WHERE {_IN_QUEUE} {_ORDER}")]


def length(conn: sqlite3.Connection) -> int:
    """How many papers are queued."""
    return int(conn.execute(f"SELECT count(*) FROM papers WHERE {_IN_QUEUE}").fetchone()[0])


def create_version_triggers(conn: sqlite3.Connection) -> None:
    """Triggers that count every change to the queue in ``meta`` (``version``)."""
    for name, when in (
        ("insert AFTER INSERT ON papers", "new.queue_position IS NOT NULL"),
        ("update AFTER UPDATE OF queue_position ON papers",
         "old.queue_position IS NOT new.queue_position"),
        ("delete AFTER DELETE ON papers", "old.queue_position IS NOT NULL"),
    ):  # fmt: skip
        conn.execute(f"CREATE TRIGGER queue_version_{name} WHEN {when} BEGIN {_BUMP}; END")


def version(conn: sqlite3.Connection) -> str:
    """Changes when the queue does (a paper joins, leaves or moves), not otherwise."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    return "0" if row is None else str(row[0])


def places(conn: sqlite3.Connection) -> dict[int, int]:
    """Every queued paper's 1-based place, in one walk of the queue's index."""
    order = conn.execute(f"SELECT id FROM papers WHERE {_IN_QUEUE} {_ORDER}")
    return {int(paper_id): place for place, (paper_id,) in enumerate(order, start=1)}


def ranks(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int]:
    """The 1-based places in the queue of those of ``ids`` that are queued.

    One count up to the first of them, then one walk from it to the last: the cost is
    the place of the first plus the span, not one count per paper.
    """
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    keyed = conn.execute(
        f"SELECT id, queue_position FROM papers WHERE id IN ({marks}) AND {_IN_QUEUE} "
        "ORDER BY queue_position, id",
        list(ids),
    ).fetchall()
    if not keyed:
        return {}
    first_id, first = keyed[0]
    last = keyed[-1][1]
    before = conn.execute(
        f"SELECT count(*) FROM papers WHERE {_IN_QUEUE} AND (queue_position < ? OR "
        "(queue_position = ? AND id < ?))",
        (first, first, first_id),
    ).fetchone()[0]
    wanted = {int(i) for i, _ in keyed}
    found: dict[int, int] = {}
    walk = conn.execute(
        f"SELECT id FROM papers WHERE queue_position BETWEEN ? AND ? {_ORDER}", (first, last)
    )
    for place, (paper_id,) in enumerate(walk, start=int(before) + 1):
        if paper_id in wanted:
            found[int(paper_id)] = place
            if len(found) == len(wanted):
                break
    return found


def _require_queued(conn: sqlite3.Connection, paper_id: int) -> float:
    found = position(conn, paper_id)
    if found is None:
        raise LibraryError(
            f"paper {paper_id} is not in the queue: only to-read papers are (mark it to-read)"
        )
    return found


def _set(conn: sqlite3.Connection, values: dict[int, float]) -> None:
    conn.executemany(
        "UPDATE papers SET queue_position = ? WHERE id = ?",
        [(v, paper_id) for paper_id, v in values.items()],
    )


def place_before(conn: sqlite3.Connection, ids: Sequence[int], target: int | None) -> None:
    """Move queued ``ids`` (in this order) just before ``target``, or to the end when
    ``target`` is None: writes only their rows (unless a gap ran out)."""
    ids = list(dict.fromkeys(ids))
    for paper_id in ids:
        _require_queued(conn, paper_id)
    if target in ids:
        raise LibraryError("a paper cannot be moved before itself")
    marks = ",".join("?" * len(ids))
    if target is None:
        low, high = _edge(conn, last=True, excluding=ids), None
    else:
        high = _require_queued(conn, target)
        row = conn.execute(
            f"SELECT queue_position FROM papers WHERE {_IN_QUEUE} AND id NOT IN ({marks}) "
            "AND (queue_position < ? OR (queue_position = ? AND id < ?)) "
            "ORDER BY queue_position DESC, id DESC LIMIT 1",
            [*ids, high, high, target],
        ).fetchone()
        low = None if row is None else float(row[0])
    values = spread(low, high, len(ids))
    if values is None:
        renumber(conn)
        place_before(conn, ids, target)
        return
    _set(conn, dict(zip(ids, values, strict=True)))


def place_at(conn: sqlite3.Connection, paper_id: int, place: int) -> None:
    """Move a queued paper to ``place`` (1 = first; past the end = last)."""
    _require_queued(conn, paper_id)
    if place < 1:
        raise LibraryError(f"a place in the queue starts at 1, not {place}")
    row = conn.execute(
        f"SELECT id FROM papers WHERE {_IN_QUEUE} AND id != ? {_ORDER} LIMIT 1 OFFSET ?",
        (paper_id, place - 1),
    ).fetchone()
    place_before(conn, [paper_id], None if row is None else int(row[0]))


def step(conn: sqlite3.Connection, paper_id: int, up: bool) -> bool:
    """Move a queued paper one place up or down; False when it is at that end already."""
    mine = _require_queued(conn, paper_id)
    if up:
        row = conn.execute(
            f"SELECT id FROM papers WHERE {_IN_QUEUE} AND (queue_position < ? OR "
            "(queue_position = ? AND id < ?)) ORDER BY queue_position DESC, id DESC LIMIT 1",
            (mine, mine, paper_id),
        ).fetchone()
        if row is None:
            return False
        place_before(conn, [paper_id], int(row[0]))
        return True
    rows = conn.execute(
        f"SELECT id FROM papers WHERE {_IN_QUEUE} AND (queue_position > ? OR "
        f"(queue_position = ? AND id > ?)) {_ORDER} LIMIT 2",
        (mine, mine, paper_id),
    ).fetchall()
    if not rows:
        return False
    place_before(conn, [paper_id], int(rows[1][0]) if len(rows) > 1 else None)
    return True
