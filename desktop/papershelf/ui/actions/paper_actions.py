"""PaperActions: every action on papers in one registry (after Picard's), with undo.

Status, tag, edit, add and delete actions act on the window's selection and go
through one QUndoStack per library, so each user action is one undo step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from papershelf.core.errors import LibraryError
from papershelf.core.paper_fields import PaperFields
from papershelf.core.store import tags
from papershelf.ui.actions import commands
from papershelf.ui.dialogs.paper_dialog import PaperDialog

if TYPE_CHECKING:
    from papershelf.ui.window.main_window import MainWindow

# objectName, menu text, shortcut, status
STATUS_ACTIONS = (
    ("actionMarkToRead", "Mark as &To Read", "Ctrl+1", "to-read"),
    ("actionMarkReading", "Mark as &Reading", "Ctrl+2", "reading"),
    ("actionMarkRead", "Mark as R&ead", "Ctrl+3", "read"),
    ("actionMarkSkipped", "Mark as &Skipped", "Ctrl+4", "skipped"),
    ("actionMarkNew", "Mark as &New", "Ctrl+0", "new"),
)


class PaperActions(QObject):
    """Builds the actions, runs them on the selection and keeps the undo stack."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.undo_stack = QUndoStack(self)
        self.undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo.setObjectName("actionUndo")
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo.setObjectName("actionRedo")
        self.redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.status: dict[str, QAction] = {}
        for name, text, shortcut, status in STATUS_ACTIONS:
            self.status[status] = self._action(
                name, text, lambda _=False, s=status: self.set_status(s), shortcut
            )
            self.status[status].setIconText(text.replace("Mark as ", "").replace("&", ""))
        self.edit = self._action("actionEditPaper", "&Edit Paper…", self.edit_paper, "Ctrl+E")
        self.add = self._action("actionAddPaper", "&Add Paper…", self.add_paper, "Ctrl+N")
        self.delete = self._action(
            "actionDeletePapers", "&Delete…", self.delete_papers, QKeySequence.StandardKey.Delete
        )
        # Delete in the filter or note box edits text; it deletes papers only from the table.
        self.delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.table.addAction(self.delete)
        self.add_tag = self._action("actionAddTag", "Add &Tag…", window.focus_tag_edit, "Ctrl+T")
        self.for_selection = [*self.status.values(), self.edit, self.delete, self.add_tag]
        for action in (self.undo, self.redo):
            window.addAction(action)

    def _action(
        self, name: str, text: str, slot: Callable[..., object], shortcut: object = None
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def update_enabled(self, selected: int) -> None:
        """Actions on papers are available when papers are selected."""
        for action in self.for_selection:
            action.setEnabled(selected > 0)
        self.edit.setEnabled(selected == 1)

    def push(self, make: Callable[[], commands.LibraryCommand]) -> None:
        """Create a command and run it; a problem is a message, never a traceback."""
        try:
            command = make()
            command.apply_first()
            self.undo_stack.push(command)
        except (LibraryError, sqlite3.Error) as exc:
            QMessageBox.warning(self.window, "Papershelf", f"That did not work: {exc}")
            self.window.library_changed()

    # ------------------------------------------------------------ status and tags

    def set_status(self, status: str) -> None:
        """Give every selected paper ``status``."""
        ids = self.window.selected_paper_ids()
        if ids:
            changed = self.window.library_changed
            self.push(lambda: commands.SetStatusCommand(self.library, changed, ids, status))

    def add_tags(self, names: list[str]) -> None:
        """Tag the selection (names trimmed; empty ones dropped)."""
        ids = self.window.selected_paper_ids()
        names = [n.strip() for n in names if n.strip()]
        if ids and names:
            changed = self.window.library_changed
            self.push(lambda: commands.AddTagsCommand(self.library, changed, ids, names))

    def remove_tag(self, name: str) -> None:
        """Take the tag ``name`` off the selection."""
        ids = self.window.selected_paper_ids()
        if ids:
            changed = self.window.library_changed
            self.push(lambda: commands.RemoveTagsCommand(self.library, changed, ids, [name]))

    def rename_tag(self, name: str) -> None:
        """Ask for a new name; an existing name merges the two tags."""
        new, ok = QInputDialog.getText(
            self.window, "Rename Tag", f"New name for “{name}” (an existing tag merges):", text=name
        )
        new = new.strip()
        if not ok or not new or new == name:
            return
        existing = tags.tag_name(self.library, new)
        if existing and existing.casefold() != name.casefold():
            answer = QMessageBox.question(
                self.window, "Merge Tags", f"“{existing}” exists. Merge “{name}” into it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        changed = self.window.library_changed
        self.push(lambda: commands.RenameTagCommand(self.library, changed, name, new))

    def delete_tag(self, name: str) -> None:
        """Remove a tag from every paper (undoable)."""
        count = len(tags.tagged_ids(self.library, name))
        answer = QMessageBox.question(
            self.window, "Delete Tag", f"Remove the tag “{name}” from {count:,} papers?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            changed = self.window.library_changed
            self.push(lambda: commands.DeleteTagCommand(self.library, changed, name))

    def tag_menu(self, menu: QMenu, name: str) -> None:
        """The sidebar's context menu for one tag."""
        menu.addAction("Rename or Merge…", lambda: self.rename_tag(name))
        menu.addAction("Delete Tag…", lambda: self.delete_tag(name))

    # ------------------------------------------------------------ papers

    def edit_paper(self) -> None:
        """Edit the current paper in a dialog; OK is one undo step."""
        paper_id = self.window.current_paper_id()
        if paper_id is None:
            return
        record = self.library.record(paper_id)
        dialog = PaperDialog(self.window, "Edit Paper", PaperFields.from_record(record))
        if dialog.exec() != PaperDialog.DialogCode.Accepted:
            return
        before, after = PaperFields.from_record(record), dialog.fields()
        if before != after:
            changed = self.window.library_changed
            self.push(
                lambda: commands.EditPaperCommand(self.library, changed, paper_id, before, after)
            )

    def add_paper(self) -> None:
        """Type a paper in by hand."""
        dialog = PaperDialog(self.window, "Add Paper", None)
        if dialog.exec() != PaperDialog.DialogCode.Accepted:
            return
        command = commands.AddPaperCommand(
            self.library, self.window.library_changed, dialog.fields()
        )
        self.push(lambda: command)
        if command.paper_id is not None:
            self.window.show_paper(command.paper_id)

    def delete_papers(self) -> None:
        """Delete the selection after asking; undo brings the papers back whole."""
        ids = self.window.selected_paper_ids()
        if not ids:
            return
        what = f"{len(ids):,} papers" if len(ids) > 1 else "this paper"
        answer = QMessageBox.question(
            self.window,
            "Delete Papers",
            f"Delete {what} with their notes and tags? You can undo this with Edit > Undo.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            changed = self.window.library_changed
            self.push(lambda: commands.DeletePapersCommand(self.library, changed, ids))
