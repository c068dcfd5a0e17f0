"""The window's Up next (sidebar entry, Alt+Up/Down, drag and drop), priority shortcuts and
saved searches (Ctrl+S, sidebar counts, undo)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog

from papershelf.core.ops import papers, reading
from papershelf.core.search.facets import UP_NEXT
from papershelf.core.store import queue, saved
from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import MainWindow


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def shown_ids(window: MainWindow) -> list[int]:
    return [window.model.paper_id(r) for r in range(window.model.rowCount())]


def select(window: MainWindow, paper_ids: list[int]) -> None:
    window.table.clearSelection()
    for paper_id in paper_ids:
        row = window.model.row_of(paper_id)
        window.table.selectionModel().select(
            window.model.index(row, 0),
            window.table.selectionModel().SelectionFlag.Select
            | window.table.selectionModel().SelectionFlag.Rows,
        )
    window.table.setCurrentIndex(window.model.index(window.model.row_of(paper_ids[0]), 0))


def queued(window: MainWindow, count: int) -> list[int]:
    ids = window.library.search("", sort="key")[:count]
    for paper_id in ids:
        window.library.set_status([paper_id], "to-read")
    window.library_changed()
    return ids


def open_up_next(qtbot, window: MainWindow) -> None:
    window.refresh_facets()
    item = window.facets.item_for(UP_NEXT)
    assert item is not None
    rect = window.facets.visualItemRect(item)
    QTest.mouseClick(window.facets.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.filter_edit.text() == "status:to-read")
    qtbot.waitUntil(lambda: not window.model.busy)


def test_up_next_shows_the_queue_in_its_order(qtbot, window: MainWindow) -> None:
    a, b, c = queued(window, 3)
    with window.library.write() as conn:
        queue.place_at(conn, c, 1)
    window.library_changed()
    window.refresh_facets()
    item = window.facets.item_for(UP_NEXT)
    assert item is not None and item.text(0) == "Up next" and item.text(1) == "3"
    open_up_next(qtbot, window)
    assert shown_ids(window) == [c, a, b]
    column = COLUMN_INDEX["queue"]
    assert not window.table.horizontalHeader().isSectionHidden(column)
    assert [window.model.index(r, column).data() for r in range(3)] == ["1", "2", "3"]
    assert window.model.in_queue_order()


def test_alt_up_and_down_move_the_selection_one_place(qtbot, window: MainWindow) -> None:
    a, b, c = queued(window, 3)
    open_up_next(qtbot, window)
    select(window, [c])
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shown_ids(window) == [a, c, b])
    QTest.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shown_ids(window) == [c, a, b])
    assert window.current_paper_id() == c  # the moved paper stays current
    QTest.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shown_ids(window) == [a, c, b])
    action(window, "actionUndo").trigger()  # one step each
    qtbot.waitUntil(lambda: shown_ids(window) == [c, a, b])
    assert queue.queue_ids(window.library.conn) == [c, a, b]


def test_drag_and_drop_reorders_in_queue_order_only(qtbot, window: MainWindow) -> None:
    a, b, c, d = queued(window, 4)
    open_up_next(qtbot, window)
    model = window.model
    dragged = model.mimeData([model.index(model.row_of(d), 0), model.index(model.row_of(c), 1)])
    # Dropped between the first and the second row: before b... here before row 1 (b).
    model.dropMimeData(dragged, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    qtbot.waitUntil(lambda: shown_ids(window) == [a, c, d, b])
    assert queue.queue_ids(window.library.conn) == [a, c, d, b]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    # Sorted by anything else, rows are not dragged and drops change nothing.
    window.table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not model.in_queue_order())
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    # The cells are then what any table model's cells are: selectable, enabled.
    plain = QAbstractTableModel.flags(model, model.index(0, 0))
    assert model.flags(model.index(0, 0)) == plain
    assert model.flags(QModelIndex()) == QAbstractTableModel.flags(model, QModelIndex())
    assert not model.dropMimeData(dragged, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert queue.queue_ids(window.library.conn) == [a, c, d, b]
    action(window, "actionUndo").trigger()
    assert queue.queue_ids(window.library.conn) == [a, b, c, d]


def test_read_next_later_and_priority_shortcuts(qtbot, window: MainWindow) -> None:
    a, b = queued(window, 2)
    new = window.library.search("status:new", sort="key")[0]
    window.filter_edit.setText("")
    qtbot.waitUntil(lambda: window.model.row_of(new) >= 0)
    select(window, [new])
    action(window, "actionReadNext").trigger()
    assert queue.queue_ids(window.library.conn) == [new, a, b]
    action(window, "actionReadLater").trigger()
    assert queue.queue_ids(window.library.conn) == [a, b, new]
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.library.paper(new).priority == "high"
    assert window.library.paper(new).status == "to-read"  # Ctrl+digits are statuses
    QTest.keyClick(window.table, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.library.paper(new).priority == "low"
    column = COLUMN_INDEX["priority"]
    qtbot.waitUntil(lambda: window.model.index(window.model.row_of(new), column).data() == "!")
    action(window, "actionUndo").trigger()
    assert window.library.paper(new).priority == "high"


def test_save_search_lists_it_with_a_live_count(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued(window, 2)
    window.filter_edit.setText("status:to-read")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Theory backlog", True))
    window.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.find(window.library, "theory backlog") == saved.SavedSearch(
        "Theory backlog", "status:to-read"
    )
    window.refresh_facets()
    item = window.facets.item_for('saved:"Theory backlog"')
    assert item is not None and item.text(1) == "2"
    queued(window, 3)  # one more to-read paper: the count follows
    window.refresh_facets()
    item = window.facets.item_for('saved:"Theory backlog"')
    assert item is not None and item.text(1) == "3"
    window.filter_edit.clear()
    rect = window.facets.visualItemRect(item)
    QTest.mouseClick(window.facets.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.filter_edit.text() == 'saved:"Theory backlog"'
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    action(window, "actionUndo").trigger()  # the saving was one step
    assert saved.find(window.library, "Theory backlog") is None


def test_places_shown_follow_a_move_in_every_row(qtbot, window: MainWindow) -> None:
    """Moving one paper shifts the places of those it passes: their rows show their new
    places too, sorted by anything, and after the filter changes and changes back."""
    queued(window, 4)
    window.table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not window.model.busy)
    column = COLUMN_INDEX["queue"]

    def shown_places() -> dict[int, str]:
        model = window.model
        return {
            model.paper_id(r): model.index(r, column).data() or "" for r in range(model.rowCount())
        }

    def stored_places() -> dict[int, str]:
        places = queue.places(window.library.conn)
        return {paper_id: str(places.get(paper_id, "")) for paper_id in shown_ids(window)}

    assert shown_places() == stored_places()
    last = queue.queue_ids(window.library.conn)[-1]
    window.apply(lambda: reading.move_to(window.library, last, 1))
    qtbot.waitUntil(lambda: not window.model.busy and not window.model.refreshing)
    assert queue.queue_ids(window.library.conn)[0] == last
    assert shown_places() == stored_places()
    window.filter_edit.setText("zzzznothing")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.busy)
    window.filter_edit.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() > 4 and not window.model.busy)
    assert shown_places() == stored_places()
    # Reading the first paper takes it out of the queue: everyone after it moves up.
    window.apply(lambda: papers.set_status(window.library, [last], "read"))
    qtbot.waitUntil(lambda: not window.model.busy and not window.model.refreshing)
    assert last not in queue.queue_ids(window.library.conn)
    assert shown_places() == stored_places()
