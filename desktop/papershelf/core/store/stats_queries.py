"""The SQL behind the reading statistics (``core.stats`` shapes what these return).

Everything is counted from ``status_history``: one row per change of a paper's status.
The schema keeps with each row its time as comparable UTC text (``at_utc``), the
status the paper left (``previous``) and, for a read, when the paper became to-read
(``queued_at``); see ``migrations._reading_record``. The caller turns local weeks and
months into UTC bounds, so any time zone, with its summer time, buckets exactly.

Each query is an aggregate over an index: per bucket, a range of ``(status, at_utc)``
or ``(previous, at_utc)``. Python sees one row per bucket, per day count or per
category, never one per change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from papershelf.core.store.library import Library

# Buckets [lo, hi) between consecutive sorted bounds, given as one JSON list (so no
# parameter limit, however many weeks).
_BUCKETS = (
    "b AS MATERIALIZED (SELECT key AS i, value AS lo, "
    "lead(value) OVER (ORDER BY key) AS hi FROM json_each(?))"
)


def _per_bucket(library: Library, bounds: Sequence[str], measure: str, rows_of: str) -> list[int]:
    """``measure`` per bucket over the history rows ``h`` that meet ``rows_of``."""
    if len(bounds) < 2:
        return []
    rows = library.conn.execute(
        f"WITH {_BUCKETS} SELECT b.i, {measure} FROM b JOIN status_history h ON {rows_of} "
        "AND h.at_utc >= b.lo AND h.at_utc < b.hi GROUP BY b.i",
        (json.dumps(list(bounds)),),
    ).fetchall()
    counts = [0] * (len(bounds) - 1)
    for index, count in rows:
        counts[int(index)] = int(count)
    return counts


def read_counts(library: Library, bounds: Sequence[str]) -> list[int]:
    """Papers read in each bucket between consecutive ``bounds`` (len(bounds) - 1 counts).

    A paper read twice in one bucket counts once; read again in a later bucket, it
    counts there too.
    """
    return _per_bucket(library, bounds, "count(DISTINCT h.paper_id)", "h.status = 'read'")


def backlog_changes(library: Library, bounds: Sequence[str]) -> list[int]:
    """Per bucket, papers that became to-read minus papers that left to-read."""
    joined = _per_bucket(library, bounds, "count(*)", "h.status = 'to-read'")
    left = _per_bucket(
        library, bounds, "count(*)", "h.previous = 'to-read' AND h.status <> 'to-read'"
    )
    return [j - n for j, n in zip(joined, left, strict=True)]


def first_change(library: Library) -> str | None:
    """The time of the earliest status change to to-read or read (two index seeks)."""
    row = library.conn.execute(
        "SELECT min(m) FROM ("
        "SELECT min(at_utc) AS m FROM status_history WHERE status = 'read' UNION ALL "
        "SELECT min(at_utc) FROM status_history WHERE status = 'to-read' UNION ALL "
        "SELECT min(at_utc) FROM status_history WHERE previous = 'to-read')"
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def papers_to_read(library: Library) -> int:
    """Papers in to-read now: the backlog's last point, from which the past is counted."""
    row = library.conn.execute("SELECT count(*) FROM papers WHERE status = 'to-read'").fetchone()
    return int(row[0])


def days_to_read(library: Library, start: str, end: str) -> dict[int, int]:
    """Whole days from to-read to read -> how many reads in [start, end) took that long.

    A read waited since its paper last became to-read after its previous read; a paper
    read without being to-read first has no waiting time and is not counted. A read
    dated before its to-read (an import's dates) is not counted either.
    """
    rows = library.conn.execute(
        "SELECT CAST(julianday(at_utc) - julianday(queued_at) AS INTEGER) AS days, count(*) "
        "FROM status_history WHERE status = 'read' AND at_utc >= ? AND at_utc < ? "
        "AND queued_at IS NOT NULL AND at_utc >= queued_at GROUP BY days",
        (start, end),
    ).fetchall()
    return {int(days): int(count) for days, count in rows}


# Breakdown name -> (paper id, group name) rows over the ids ``read`` of the papers
# read. Another grouping is one more entry here and one name in ``core.stats.BREAKDOWNS``.
# A source counts the papers it brought under its current name; a paper two sources
# brought counts under each, and a paper no source brought under none (as an untagged
# paper has no tag row).
_BREAKDOWNS: dict[str, str] = {
    "category": (
        "SELECT coalesce(nullif(category, ''), '(none)') AS name "
        "FROM papers INDEXED BY idx_papers_id_category WHERE id IN ({read})"
    ),
    "tag": (
        "SELECT t.name AS name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.paper_id IN ({read})"
    ),
    "source": (
        "SELECT f.name AS name FROM paper_follows pf JOIN follows f ON f.id = pf.follow_id "
        "WHERE pf.paper_id IN ({read})"
    ),
}


_READ = "SELECT paper_id FROM status_history WHERE status = 'read' AND at_utc >= ? AND at_utc < ?"


def papers_read(library: Library, start: str, end: str) -> int:
    """Papers read in [start, end); a paper read twice counts once."""
    row = library.conn.execute(f"SELECT count(DISTINCT paper_id) FROM ({_READ})", (start, end))
    return int(row.fetchone()[0])


def read_by(
    library: Library, breakdown: str, start: str, end: str, limit: int
) -> list[tuple[str, int]]:
    """The ``limit`` largest groups of the papers read in [start, end) by ``breakdown``
    (``category``, ``tag`` or ``source``), largest first: a paper with two tags counts
    under each."""
    rows = library.conn.execute(
        f"SELECT name, count(*) AS n FROM ({_BREAKDOWNS[breakdown].format(read=_READ)}) "
        "GROUP BY name ORDER BY n DESC, name COLLATE NOCASE LIMIT ?",
        (start, end, limit),
    ).fetchall()
    return [(str(name), int(n)) for name, n in rows]


def breakdown_names() -> tuple[str, ...]:
    """The groupings ``read_by`` knows."""
    return tuple(_BREAKDOWNS)
