"""Changes: what an operation did to the library, and how to take it back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# What an operation may change. The window re-runs the filter only when a change can
# move papers in or out of the result or change its order; "papers" means papers were
# added or deleted.
Aspect = str
STATUS: Aspect = "status"
TAGS: Aspect = "tags"
NOTE: Aspect = "note"
FIELDS: Aspect = "fields"  # what describes the paper: title, authors, dates, venue...
PAPERS: Aspect = "papers"
QUEUE: Aspect = "queue"
PRIORITY: Aspect = "priority"
SEARCHES: Aspect = "searches"  # the saved searches (not any paper)


@dataclass(frozen=True)
class Changes:
    """What one operation changed, in one transaction.

    ``undo`` reverts the operation in one transaction and returns the Changes of that
    revert, whose own ``undo`` does the operation again: undo and redo are the same
    call, alternated. None when there was nothing to change (or nothing can be undone).
    """

    label: str  # "Mark 3 papers as read": the Edit menu's "Undo Mark 3 papers as read"
    papers: frozenset[int] = frozenset()  # papers added or changed (their rows now)
    deleted: frozenset[int] = frozenset()
    aspects: frozenset[Aspect] = frozenset()
    undo: Callable[[], Changes] | None = field(default=None, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """True when the operation found nothing to change."""
        return not (self.papers or self.deleted or self.aspects)
