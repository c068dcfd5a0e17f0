"""Handlers of the actions on papers: status, tags, edit, add, delete, copy keys.

Each receives a ``PaperContext`` (the library, the selection, a way to apply an
operation), asks the reader what it must (a confirmation, a name, a dialog), and
applies one operation from ``core.ops``, which the undo history keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from papershelf.core.fields import PaperFields
from papershelf.core.ops import papers, tags
from papershelf.core.plural import choose, plural
from papershelf.core.store import tags as stored_tags
from papershelf.core.text import fold
from papershelf.ui.actions.context import PaperContext
from papershelf.ui.dialogs.paper_dialog import PaperDialog
from papershelf.ui.undo import UndoStack


def _ask(ctx: PaperContext, title: str, question: str) -> bool:
    answer = QMessageBox.question(ctx.dialog_parent(), title, question)
    return answer == QMessageBox.StandardButton.Yes


def set_status(ctx: PaperContext, status: str) -> None:
    """Give every selected paper ``status``."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: papers.set_status(ctx.library, ids, status))


def add_tags(ctx: PaperContext, names: Sequence[str]) -> None:
    """Tag the selection (names trimmed; empty ones dropped)."""
    ids = ctx.selected_paper_ids()
    names = [n.strip() for n in names if n.strip()]
    if ids and names:
        ctx.apply(lambda: papers.tag(ctx.library, ids, names))


def remove_tag(ctx: PaperContext, name: str) -> None:
    """Take the tag ``name`` off the selection."""
    ids = ctx.selected_paper_ids()
    if ids:
        ctx.apply(lambda: papers.untag(ctx.library, ids, [name]))


def rename_tag(ctx: PaperContext, name: str) -> None:
    """Ask for a new name; an existing name merges the two tags (after asking)."""
    new, ok = QInputDialog.getText(
        ctx.dialog_parent(),
        "Rename Tag",
        f"New name for “{name}” (an existing tag merges):",
        text=name,
    )
    new = new.strip()
    if not ok or not new or new == name:
        return
    existing = stored_tags.tag_name(ctx.library, new)
    merging = existing is not None and fold(existing) != fold(name)
    if merging and not _ask(ctx, "Merge Tags", f"“{existing}” exists. Merge “{name}” into it?"):
        return
    ctx.apply(lambda: tags.rename_tag(ctx.library, name, new))


def delete_tag(ctx: PaperContext, name: str) -> None:
    """Take a tag off every paper, after asking (undoable)."""
    count = len(stored_tags.tagged_ids(ctx.library, name))
    if _ask(ctx, "Delete Tag", f"Remove the tag “{name}” from {plural(count, 'paper')}?"):
        ctx.apply(lambda: tags.delete_tag(ctx.library, name))


def edit_paper(ctx: PaperContext) -> None:
    """Edit the current paper in a dialog; OK is one undo step."""
    paper_id = ctx.current_paper_id()
    if paper_id is None:
        return
    dialog = PaperDialog(ctx.dialog_parent(), "Edit Paper", ctx.library.paper(paper_id))
    if dialog.exec() == PaperDialog.DialogCode.Accepted:
        fields = dialog.fields()
        ctx.apply(lambda: papers.edit_paper(ctx.library, paper_id, fields))


def add_paper(ctx: PaperContext) -> None:
    """Type a paper in by hand, then show it."""
    dialog = PaperDialog(ctx.dialog_parent(), "Add Paper", None)
    if dialog.exec() != PaperDialog.DialogCode.Accepted:
        return
    fields: PaperFields = dialog.fields()
    changes = ctx.apply(lambda: papers.add_paper(ctx.library, fields))
    if changes is not None and changes.papers:
        ctx.show_paper(min(changes.papers))


def delete_papers(ctx: PaperContext) -> None:
    """Delete the selection after asking; undo brings the papers back whole."""
    ids = ctx.selected_paper_ids()
    if not ids:
        return
    what = choose(
        len(ids),
        "this paper with its note and tags",
        f"these {plural(len(ids), 'paper')} with their notes and tags",
    )
    question = f"Delete {what}? You can undo this with Edit > Undo."
    if _ask(ctx, "Delete Papers", question):
        ctx.apply(lambda: papers.delete_papers(ctx.library, ids))


def copy_keys(ctx: PaperContext) -> None:
    """Put the selection's citation keys on the clipboard, comma-separated."""
    records = ctx.library.records(ctx.selected_paper_ids())
    QApplication.clipboard().setText(", ".join(r["key"] for r in records))


class PaperActions:
    """The handlers bound to one window's context, for what is not a menu action: the
    details pane's status links, the tag box, the sidebar's tag menu (and tests)."""

    def __init__(self, ctx: PaperContext, undo_stack: UndoStack) -> None:
        self.ctx = ctx
        self.undo_stack = undo_stack  # where ctx.apply keeps the operations

    def set_status(self, status: str) -> None:
        set_status(self.ctx, status)

    def add_tags(self, names: Sequence[str]) -> None:
        add_tags(self.ctx, names)

    def remove_tag(self, name: str) -> None:
        remove_tag(self.ctx, name)

    def rename_tag(self, name: str) -> None:
        rename_tag(self.ctx, name)

    def delete_tag(self, name: str) -> None:
        delete_tag(self.ctx, name)

    def edit_paper(self) -> None:
        edit_paper(self.ctx)

    def add_paper(self) -> None:
        add_paper(self.ctx)

    def delete_papers(self) -> None:
        delete_papers(self.ctx)
