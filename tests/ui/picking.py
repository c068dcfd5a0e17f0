"""Choosing a paper in a test as a click would, whatever modifier keys Qt believes held.

``QTableView.selectRow`` extends the selection while Ctrl or Shift seems pressed, and
after key events with modifiers the offscreen platform can keep reporting them.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from papershelf.ui.window.main_window import MainWindow


def pick_row(win: MainWindow, row: int) -> None:
    """Make ``row`` the current and only selected paper."""
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    win.table.selectionModel().setCurrentIndex(win.model.index(row, 0), flags)
