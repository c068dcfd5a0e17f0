"""Handlers of the reader's plan: priority, the Up next queue, saved searches.

Each applies one operation from ``core.ops.reading`` through ``ctx.apply``, so every
one of them is one undo step, for one paper or a whole selection.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from papershelf.core.ops import reading
from papershelf.core.store import saved
from papershelf.ui.actions.context import PaperContext

# objectName, menu text, shortcut (Ctrl+digits are the statuses), level
PRIORITY_ACTIONS = (
    ("actionPriorityHigh", "&High", "Alt+3", "high"),
    ("actionPriorityMedium", "&Medium", "Alt+2", "medium"),
    ("actionPriorityLow", "&Low", "Alt+1", "low"),
    ("actionPriorityNone", "&None", "Alt+0", "none"),
)


def set_priority(ctx: PaperContext, level: str) -> None:
    """Give every selected paper a priority."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: reading.set_priority(ctx.library, ids, level))


def read_next(ctx: PaperContext) -> None:
    """The selection to the top of the queue (papers not to-read become to-read)."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: reading.read_next(ctx.library, ids))


def read_later(ctx: PaperContext) -> None:
    """The selection to the bottom of the queue."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: reading.read_later(ctx.library, ids))


def step(ctx: PaperContext, up: bool) -> None:
    """Alt+Up / Alt+Down: the selection one place up or down the queue."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: reading.step(ctx.library, ids, up))


def save_search(ctx: PaperContext, query: str) -> None:
    """Ask for a name and save ``query`` (the filter) under it."""
    if not query.strip():
        QMessageBox.information(
            ctx.dialog_parent(), "Save Search", "Type a filter first: the search saves it."
        )
        return
    name, ok = QInputDialog.getText(
        ctx.dialog_parent(), "Save Search", f"Save “{query.strip()}” as:"
    )
    if not ok or not name.strip():
        return
    existing = saved.find(ctx.library, name)
    if existing is not None:
        question = f"Replace the query of “{existing.name}” ({existing.query})?"
        answer = QMessageBox.question(ctx.dialog_parent(), "Save Search", question)
        if answer != QMessageBox.StandardButton.Yes:
            return
    ctx.apply(lambda: reading.save_search(ctx.library, name, query))


def rename_search(ctx: PaperContext, name: str) -> None:
    """Ask for a new name for a saved search."""
    new, ok = QInputDialog.getText(
        ctx.dialog_parent(), "Rename Search", f"New name for “{name}”:", text=name
    )
    if ok and new.strip() and new.strip() != name:
        ctx.apply(lambda: reading.rename_search(ctx.library, name, new))


def move_search(ctx: PaperContext, name: str, offset: int) -> None:
    """Move a saved search up (-1) or down (+1) the sidebar's list."""
    names = [s.name for s in saved.all_searches(ctx.library)]
    if name in names:
        place = max(1, names.index(name) + 1 + offset)
        ctx.apply(lambda: reading.move_search(ctx.library, name, place))


def remove_search(ctx: PaperContext, name: str) -> None:
    """Delete a saved search (Edit > Undo brings it back)."""
    ctx.apply(lambda: reading.remove_search(ctx.library, name))
