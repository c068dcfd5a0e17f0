"""The papers' table view."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

_HOME = QAbstractItemView.CursorAction.MoveHome
_END = QAbstractItemView.CursorAction.MoveEnd


class PaperTableView(QTableView):
    """A table of whole rows: Home and End go to the first and last paper (Shift+Home
    and Shift+End select up to it), as in Zotero or Calibre, in the column the reader
    is in. A plain table view goes to the first or last column of the same row, which
    whole-row selection hides (the keys seemed to do nothing); its Ctrl+End goes to the
    last column too, which scrolls a wide table away from the titles."""

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model, rows = self.model(), self.model().rowCount()
        if cursorAction not in (_HOME, _END) or rows == 0:
            return super().moveCursor(cursorAction, modifiers)
        column = self.currentIndex().column()
        if column < 0:
            column = self.horizontalHeader().logicalIndex(0)
        return model.index(0 if cursorAction == _HOME else rows - 1, column)
