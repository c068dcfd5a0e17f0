"""The selected paper stays selected: after a sort, after a status change that keeps it
in the filter, across restarts (per library); when a status change moves it out of
the filter, the next paper is selected, so triage goes down the list."""

from __future__ import annotations

import shutil
from pathlib import Path

from picking import pick_row
from PySide6.QtCore import Qt

from papershelf.ui import open_main_window
from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def ids_shown(win: MainWindow) -> list[int]:
    return [win.model.paper_id(r) for r in range(win.model.rowCount())]


def test_sort_keeps_the_selected_paper(qtbot, window: MainWindow) -> None:
    pick_row(window, 9)
    paper = window.current_paper_id()
    rows = {9}
    for column in ("title", "authors", "status", "published"):
        window.table.sortByColumn(COLUMN_INDEX[column], Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: not window.model.busy)
        assert window.current_paper_id() == paper, column
        assert window.selected_paper_ids() == [paper], column
        rows.add(ids_shown(window).index(paper))
    assert len(rows) > 2  # the paper moved, and the selection moved with it


def test_status_change_that_keeps_the_paper_in_the_filter_keeps_it(
    qtbot, window: MainWindow
) -> None:
    window.filter_edit.setText("learning")
    window.table.setFocus()
    pick_row(window, 3)
    paper = window.current_paper_id()
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(window.table, key, CTRL)
        assert window.current_paper_id() == paper
        assert window.selected_paper_ids() == [paper]
        assert window.details.toPlainText().startswith(window.library.paper(paper).title[:20])


def test_status_change_that_moves_the_paper_out_selects_the_next(qtbot, window: MainWindow) -> None:
    """Triage: filter the new papers, mark each one; the cursor walks down the list."""
    window.filter_edit.setText("status:new")
    window.table.setFocus()
    pick_row(window, 2)
    order = ids_shown(window)
    for step, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_4, Qt.Key.Key_3)):
        paper = window.current_paper_id()
        assert paper == order[2 + step]
        qtbot.keyClick(window.table, key, CTRL)
        qtbot.waitUntil(lambda p=paper: p not in ids_shown(window))
        # The next paper of the list, not the first or none.
        assert window.current_paper_id() == order[3 + step]
        assert window.selected_paper_ids() == [order[3 + step]]
        assert window.notes.paper_id == order[3 + step]  # the panes follow
    # At the end of the list, the one before takes its place.
    pick_row(window, window.model.rowCount() - 1)
    last_two = ids_shown(window)[-2:]
    qtbot.keyClick(window.table, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(lambda: last_two[1] not in ids_shown(window))
    assert window.current_paper_id() == last_two[0]


def test_the_selected_paper_comes_back_after_a_restart_per_library(
    qtbot, window: MainWindow, library_path: Path
) -> None:
    other_path = library_path.with_name("other.sqlite")
    shutil.copyfile(library_path, other_path)
    pick_row(window, 11)
    first = window.current_paper_id()
    window.close()
    other = open_main_window(other_path)
    qtbot.addWidget(other)
    pick_row(other, 20)
    second = other.current_paper_id()
    assert second != first
    other.close()
    # Each library opens on its own paper, whichever window closed last.
    again = open_main_window(library_path)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.current_paper_id() == first)
    assert again.selected_paper_ids() == [first]
    again.close()
    other_again = open_main_window(other_path)
    qtbot.addWidget(other_again)
    qtbot.waitUntil(lambda: other_again.current_paper_id() == second)
    other_again.close()
