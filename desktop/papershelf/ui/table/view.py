"""The papers' table view."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

_TO_AN_END = (
    QAbstractItemView.CursorAction.MoveHome,
    QAbstractItemView.CursorAction.MoveEnd,
)


class PaperTableView(QTableView):
    """A table of whole rows: Home and End go to the first and last paper (Shift+Home
    and Shift+End select up to it), as in Zotero or Calibre. A plain table view goes
    to the first or last column of the same row, which whole-row selection hides: the
    keys seemed to do nothing."""

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if cursorAction in _TO_AN_END:
            modifiers |= Qt.KeyboardModifier.ControlModifier  # the table's own way there
        return super().moveCursor(cursorAction, modifiers)
