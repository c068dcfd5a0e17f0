"""Running a write as an operation: one transaction, its Changes, and their undo.

The journal (``core.store.journal``) records the rows the write changes; this module
turns that record into ``Changes`` (which papers, which aspects) whose ``undo`` reverts
it, and whose revert's ``undo`` redoes it, for as long as the caller keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from papershelf.core.ops.changes import (
    FIELDS,
    NOTE,
    PAPERS,
    PRIORITY,
    QUEUE,
    SEARCHES,
    STATUS,
    TAGS,
    Aspect,
    Changes,
)
from papershelf.core.plural import plural
from papershelf.core.store import journal
from papershelf.core.store.library import Library

T = TypeVar("T")

# What a change to a table means to the reader (the window re-runs its filter or
# redraws rows by these). A table not named here describes the paper: FIELDS.
_TABLE_ASPECTS: dict[str, Aspect | None] = {
    "papers": PAPERS,  # rows added or deleted
    "status_history": STATUS,
    "paper_tags": TAGS,
    "tags": TAGS,
    "notes": NOTE,
    "meta": None,
    "sources": None,
    "paper_sources": None,
    "saved_searches": SEARCHES,
}
_PAPER_COLUMN_ASPECTS: dict[str, Aspect | None] = {
    "status": STATUS,
    "status_changed": STATUS,
    "read_at": STATUS,
    "tags_text": TAGS,
    "modified": None,
    "priority": PRIORITY,
    "queue_position": QUEUE,
}


def papers_phrase(count: int) -> str:
    """ "1 paper", "3 papers", "12,000 papers": for labels."""
    return plural(count, "paper")


def run(
    library: Library, label: str, write: Callable[[], T], *, replaying: bool = False
) -> tuple[T, Changes]:
    """Run ``write`` in one transaction; return its result and what it changed.

    ``label`` names the operation ("Mark 3 papers as read"). Raises LibraryError (and
    changes nothing) when the library cannot be written or refuses the change.
    ``replaying``: ``write`` puts rows back (see ``journal.record``).
    """
    result, entry = journal.record(library, write, doing=_doing(label), replaying=replaying)
    return result, changes_of(label, entry)


def _doing(label: str) -> str:
    return label[:1].lower() + label[1:]


def changes_of(label: str, entry: journal.Entry) -> Changes:
    """The Changes of a recorded entry, whose undo reverts it (and so on, alternately)."""
    summary = entry.summary
    if summary.empty:
        return Changes(label)

    def undo() -> Changes:
        return changes_of(label, entry.revert(f"undoing “{label}”"))

    aspects = aspects_of(summary.tables, summary.paper_columns)
    return Changes(label, summary.papers, summary.deleted, aspects, undo)


def aspects_of(tables: Iterable[str], paper_columns: Iterable[str]) -> frozenset[Aspect]:
    """What changes to these tables (of papers: rows added or deleted) and these columns
    of papers mean to the reader."""
    found = {_TABLE_ASPECTS.get(t, FIELDS) for t in tables}
    found |= {_PAPER_COLUMN_ASPECTS.get(c, FIELDS) for c in paper_columns}
    return frozenset(a for a in found if a is not None)
