"""A paper's priority: none, low, medium or high, stored as its rank 0..3 (sorts in order)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PRIORITIES


def level(name: str) -> int:
    """The rank of a priority's name (any case); LibraryError for another word."""
    clean = name.strip().lower()
    if clean not in PRIORITIES:
        raise LibraryError(f"unknown priority {name!r}; use one of {', '.join(PRIORITIES)}")
    return PRIORITIES.index(clean)


def set_priority(conn: sqlite3.Connection, ids: Sequence[int], rank: int) -> None:
    """Give papers a priority (inside a write already begun); a missing paper is refused."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        found = {r[0] for r in conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk)}
        missing = [i for i in chunk if i not in found]
        if missing:
            raise LibraryError(f"no paper with id {missing[0]}")
        conn.execute(
            f"UPDATE papers SET priority = ? WHERE id IN ({marks}) AND priority != ?",
            [rank, *chunk, rank],
        )
