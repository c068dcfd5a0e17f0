"""The window without a mouse: Tab between panes, the sidebar by Enter and Space, the
note preview, menus with unique mnemonics, sorting and context menus by key."""

from __future__ import annotations

import pytest
from picking import pick_row
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import MainWindow
from papershelf.ui.window.menus import TABLE_MENU

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed wherever the focus is, as a reader's keyboard does."""
    qtbot.keyClick(focused(), key, modifiers)


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def test_tab_goes_from_pane_to_pane_and_never_walks_table_cells(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    pick_row(window, 4)
    paper = window.current_paper_id()
    window.focus_filter()
    order: list[str] = []
    for _ in range(40):
        press(qtbot, Qt.Key.Key_Tab)
        name = focused().objectName()
        if not order or order[-1] != name:  # the details' links are stops inside it
            order.append(name)
        if name == "filterEdit":
            break
    assert order == [
        "paperTable", "facetTree", "detailsPane", "tagEdit", "noteEditor", "filterEdit",
    ]  # fmt: skip
    assert window.current_paper_id() == paper  # Tab through the table moved no paper
    # And back: Shift+Tab from the tags box reaches the table again, same paper.
    window.focus_tag_edit()
    for _ in range(20):
        press(qtbot, Qt.Key.Key_Backtab)
        if focused() is window.table:
            break
    assert focused() is window.table
    assert window.current_paper_id() == paper


def test_down_from_the_filter_goes_to_what_it_found(qtbot, window: MainWindow) -> None:
    """Down in the filter box moves to the table on the first paper found; a paper
    already current stays current; Shift+Down still selects text in the box."""
    window.activateWindow()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.filter_edit
    qtbot.keyClicks(window.filter_edit, "learning")
    qtbot.waitUntil(lambda: not window.model.busy)
    first = window.model.paper_id(0)
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.filter_edit and window.filter_edit.selectedText() == ""
    assert window.current_paper_id() is None
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is window.table
    assert window.current_paper_id() == first
    assert window.selected_paper_ids() == [first]  # selected: the paper actions act on it
    assert action(window, "actionMarkRead").isEnabled()
    press(qtbot, Qt.Key.Key_Down)  # now the table's own Down: the next paper
    second = window.current_paper_id()
    assert second == window.model.paper_id(1)
    press(qtbot, Qt.Key.Key_F, CTRL)
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is window.table and window.current_paper_id() == second
    assert window.filter_edit.text() == "learning"


def test_hidden_sidebar_is_skipped_by_tab(qtbot, window: MainWindow) -> None:
    action(window, "actionShowSidebar").trigger()  # hides it
    assert window.facets.isHidden()
    window.table.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.details


def test_sidebar_values_answer_enter_space_and_ctrl_enter(qtbot, window: MainWindow) -> None:
    window.refresh_facets()
    window.facets.setFocus()
    window.facets.setCurrentItem(window.facets.item_for("cat:CV"))
    press(qtbot, Qt.Key.Key_Return)
    assert window.filter_edit.text() == "cat:CV"
    assert window.count_label.text().endswith("of 50 papers")
    shown = window.model.rowCount()
    assert 0 < shown < 50
    window.refresh_facets()
    window.facets.setCurrentItem(window.facets.item_for("cat:CV"))
    press(qtbot, Qt.Key.Key_Space)  # again: out of the filter
    assert window.filter_edit.text() == ""
    window.refresh_facets()
    window.facets.setCurrentItem(window.facets.item_for("cat:CV"))
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert window.filter_edit.text() == "-cat:CV"
    assert window.model.rowCount() == 50 - shown
    # On a group, Enter folds it; it does not touch the filter.
    window.refresh_facets()
    group = window.facets.findItems("Category", Qt.MatchFlag.MatchExactly)[0]
    window.facets.setCurrentItem(group)
    assert group.isExpanded()
    press(qtbot, Qt.Key.Key_Return)
    assert not group.isExpanded() and window.filter_edit.text() == "-cat:CV"


def test_preview_toggles_every_time_and_typing_goes_back_to_the_editor(
    qtbot, window: MainWindow
) -> None:
    window.activateWindow()
    pick_row(window, 0)
    notes = window.notes
    notes.editor.setFocus()
    qtbot.keyClicks(notes.editor, "abc")
    preview = action(window, "actionToggleNotePreview")
    for round_ in range(3):  # on, off, on, off... each press flips it
        press(qtbot, Qt.Key.Key_P, CTRL_SHIFT)
        assert notes.stack.currentWidget() is notes.preview, round_
        assert preview.isChecked() and notes.preview_button.isChecked()
        assert focused() is notes.preview  # the focus came along
        assert "abc" in notes.preview.toPlainText()
        press(qtbot, Qt.Key.Key_P, CTRL_SHIFT)
        assert notes.stack.currentWidget() is notes.editor, round_
        assert not preview.isChecked() and focused() is notes.editor
    press(qtbot, Qt.Key.Key_P, CTRL_SHIFT)
    assert notes.stack.currentWidget() is notes.preview
    press(qtbot, Qt.Key.Key_Down)  # moving in the preview stays in the preview
    assert notes.stack.currentWidget() is notes.preview
    press(qtbot, Qt.Key.Key_X)  # typing: back to the editor, the keystroke kept
    assert notes.stack.currentWidget() is notes.editor and focused() is notes.editor
    assert not preview.isChecked()
    assert notes.editor.toPlainText() == "abcx"
    qtbot.waitUntil(lambda: window.library.note(window.current_paper_id() or 0) == "abcx")
    # The button and the menu entry are one switch.
    notes.preview_button.click()
    assert preview.isChecked()
    preview.trigger()
    assert not notes.preview_button.isChecked()


def mnemonic(text: str) -> str | None:
    at = text.replace("&&", "").find("&")
    return text.replace("&&", "")[at + 1].casefold() if at >= 0 else None


def assert_unique_mnemonics(menu: QMenu, where: str) -> int:
    menu.aboutToShow.emit()  # the submenus made when they open
    letters: dict[str, str] = {}
    checked = 1
    for entry in menu.actions():
        if entry.isSeparator() or not entry.isVisible():
            continue
        letter = mnemonic(entry.text())
        if letter is None and "&&" in entry.text():
            continue  # a tag's own "&" (R&D), shown as itself
        assert letter is not None, f"{where} > {entry.text()!r} has no mnemonic"
        assert letter not in letters, f"{where}: {entry.text()!r} and {letters[letter]!r}"
        letters[letter] = entry.text()
        if entry.menu() is not None:
            checked += assert_unique_mnemonics(entry.menu(), f"{where} > {entry.text()}")
    return checked


def test_every_menu_has_unique_mnemonics(qtbot, window: MainWindow) -> None:
    pick_row(window, 0)  # the Remove Tag submenu and the like are enabled
    window.paper_actions.add_tags(["theory", "icl", "R&D", "reading-group"])
    bar = window.menuBar()
    titles = [mnemonic(a.text()) for a in bar.actions()]
    assert None not in titles and len(set(titles)) == len(titles)
    checked = sum(assert_unique_mnemonics(a.menu(), a.text()) for a in bar.actions())
    assert checked >= 9  # File, Edit, Paper, View, Help and their submenus
    context = QMenu(window)
    window.menus.fill(context, TABLE_MENU)
    assert_unique_mnemonics(context, "table context menu")


def test_sort_by_from_the_view_menu_keeps_the_paper(qtbot, window: MainWindow) -> None:
    pick_row(window, 7)
    paper = window.current_paper_id()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    sort = next(
        a.menu() for a in view.actions() if a.menu() and a.menu().objectName() == "menuSortBy"
    )
    sort.aboutToShow.emit()
    by_title = sort.findChild(QAction, "sortBy_title")
    by_title.trigger()
    header = window.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMN_INDEX["title"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # the order kept
    sort.aboutToShow.emit()
    sort.findChild(QAction, "sortAscending").trigger()
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    titles = [window.model.index(r, 0).data() for r in range(window.model.rowCount())]
    assert titles == sorted(titles, key=str.casefold) or titles[0] <= titles[-1]
    assert window.current_paper_id() == paper
    sort.aboutToShow.emit()
    assert sort.findChild(QAction, "sortBy_title").isChecked()


# The offscreen platform cannot grab the keyboard for a popup menu; a desktop can.
@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")
def test_context_menus_open_from_the_keyboard(qtbot, window: MainWindow) -> None:
    pick_row(window, 2)
    window.paper_actions.add_tags(["theory"])
    window.refresh_facets()
    shown: list[list[str]] = []

    def close_menu() -> None:
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            shown.append([a.text() for a in popup.actions()])
            popup.close()
        else:
            QTimer.singleShot(10, close_menu)

    window.facets.setCurrentItem(window.facets.item_for("tag:theory"))
    window.facets.scrollToItem(window.facets.currentItem())
    for widget in (window.facets, window.table):
        widget.setFocus()
        # What the Menu key (or Shift+F10) sends: a keyboard context menu event, here at
        # a place with no row under it (the current row may be scrolled away).
        away = QPoint(2, widget.height() - 2)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, away, widget.mapToGlobal(away))
        QTimer.singleShot(0, close_menu)
        QApplication.sendEvent(widget, event)
    assert shown[0] == ["Rename or Merge…", "Delete Tag…"]
    assert "Mark as R&ead" in shown[1]


def test_home_and_end_go_to_the_first_and_last_paper(qtbot, window: MainWindow) -> None:
    """As in a reference manager, not to the first or last column of the same row
    (which whole-row selection hides); Shift selects up to there; Alt+End is still
    Read Later, not a move."""
    window.activateWindow()
    pick_row(window, 3)
    last = window.model.rowCount() - 1
    assert last > 10
    window.table.setFocus()
    column = window.table.currentIndex().column()
    press(qtbot, Qt.Key.Key_End)
    assert window.current_paper_id() == window.model.paper_id(last)
    assert window.selected_paper_ids() == [window.model.paper_id(last)]
    # In the same column: the last column would scroll a wide table away from titles.
    assert window.table.currentIndex().column() == column
    press(qtbot, Qt.Key.Key_Home)
    assert window.current_paper_id() == window.model.paper_id(0)
    pick_row(window, 3)
    press(qtbot, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(window.selected_paper_ids()) == sorted(window.model.paper_id(r) for r in range(4))
    pick_row(window, 3)
    press(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    assert len(window.selected_paper_ids()) == last - 2
    pick_row(window, 3)
    paper = window.current_paper_id()
    press(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.AltModifier)  # Read Later
    assert window.current_paper_id() == paper
