"""Operations on the reader's plan: priority, the to-read queue ("Up next"), saved searches.

Each runs in one transaction through ``undoable.run``, so undo puts back exactly the
rows it wrote: a queue move is one row, and its undo is that row again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PRIORITIES
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import papers_phrase, run
from papershelf.core.store import priority, queue, saved
from papershelf.core.store.library import Library


def set_priority(library: Library, ids: Sequence[int], level: str) -> Changes:
    """Give papers a priority: none, low, medium or high."""
    ids, rank = list(ids), priority.level(level)

    def write() -> None:
        with library.write() as conn:
            priority.set_priority(conn, ids, rank)

    label = f"Set priority of {papers_phrase(len(ids))} to {PRIORITIES[rank]}"
    return run(library, label, write)[1]


def queue_join(library: Library) -> str:
    """Where new to-read papers join the queue: ``end`` (the default) or ``priority``."""
    where = library.meta(queue.JOIN_SETTING)
    return where if where in queue.JOIN_CHOICES else "end"


def set_queue_join(library: Library, where: str) -> None:
    """Keep where new to-read papers join in the library (a setting: not an undo step,
    and the papers already queued stay where they are)."""
    if where not in queue.JOIN_CHOICES:
        raise LibraryError(f"new papers join at {' or '.join(queue.JOIN_CHOICES)}, not {where!r}")
    if where != queue_join(library):
        library.set_meta(queue.JOIN_SETTING, where)


def _enqueue(library: Library, conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Papers not to-read yet become to-read (and so join the queue)."""
    waiting = [i for i in ids if queue.position(conn, i) is None]
    if waiting:
        library.set_status(waiting, "to-read")


def read_next(library: Library, ids: Sequence[int]) -> Changes:
    """Put papers at the top of the queue, in this order (marking them to-read first)."""
    ids = list(ids)

    def write() -> None:
        with library.write() as conn:
            _enqueue(library, conn, ids)
            order = queue.queue_ids(conn)
            first = next((i for i in order if i not in set(ids)), None)
            queue.place_before(conn, ids, first)

    return run(library, f"Read {papers_phrase(len(ids))} next", write)[1]


def read_later(library: Library, ids: Sequence[int]) -> Changes:
    """Put papers at the bottom of the queue, in this order (marking them to-read first)."""
    ids = list(ids)

    def write() -> None:
        with library.write() as conn:
            _enqueue(library, conn, ids)
            queue.place_before(conn, ids, None)

    return run(library, f"Read {papers_phrase(len(ids))} later", write)[1]


def move_to(library: Library, paper_id: int, place: int) -> Changes:
    """Move a paper to ``place`` in the queue (1 = next), marking it to-read first."""

    def write() -> None:
        with library.write() as conn:
            _enqueue(library, conn, [paper_id])
            queue.place_at(conn, paper_id, place)

    return run(library, f"Move to place {place} in the queue", write)[1]


def move_before(library: Library, ids: Sequence[int], target: int | None) -> Changes:
    """Move queued papers just before ``target`` (None: to the end): a drag and drop."""
    ids = list(ids)

    def write() -> None:
        with library.write() as conn:
            queue.place_before(conn, ids, target)

    return run(library, f"Reorder {papers_phrase(len(ids))} in the queue", write)[1]


def step(library: Library, ids: Sequence[int], up: bool) -> Changes:
    """Move queued papers one place up or down together; the others are left alone."""
    ids = list(ids)

    def write() -> None:
        with library.write() as conn:
            places = queue.ranks(conn, ids)
            if not places:
                raise LibraryError("none of these papers is in the queue (only to-read papers are)")
            # The one nearest the end they move towards goes first, so they never swap.
            for paper_id in sorted(places, key=places.__getitem__, reverse=not up):
                if not queue.step(conn, paper_id, up):
                    return

    return run(
        library, f"Move {papers_phrase(len(ids))} {'up' if up else 'down'} the queue", write
    )[1]


def save_search(library: Library, name: str, query: str) -> Changes:
    """Save a query under a name (an existing name takes the new query)."""
    return run(library, f"Save search {name.strip()}", lambda: saved.save(library, name, query))[1]


def rename_search(library: Library, old: str, new: str) -> Changes:
    """Rename a saved search; searches that use it follow."""
    return run(library, f"Rename search {old}", lambda: saved.rename(library, old, new))[1]


def remove_search(library: Library, name: str) -> Changes:
    """Forget a saved search (undo brings it back in its place)."""
    return run(library, f"Delete search {name}", lambda: saved.remove(library, name))[1]


def move_search(library: Library, name: str, place: int) -> Changes:
    """Put a saved search at ``place`` in the sidebar's list."""
    return run(library, f"Move search {name}", lambda: saved.move(library, name, place))[1]
