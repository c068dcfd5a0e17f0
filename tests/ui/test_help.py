"""Help > Query Language (examples that apply when chosen) and Help > Keyboard
Shortcuts (made from the action registry); counted messages in the right number."""

from __future__ import annotations

from picking import pick_row
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from papershelf.core.search.query import compile_query
from papershelf.ui.actions import paper_actions
from papershelf.ui.actions.registry import ACTIONS, OTHER_KEYS
from papershelf.ui.dialogs.help import QUERY_SYNTAX, QueryHelpDialog, ShortcutsDialog
from papershelf.ui.window.main_window import MainWindow


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def test_every_query_example_is_a_valid_query() -> None:
    examples = [e for _, _, group in QUERY_SYNTAX for e in group]
    assert len(examples) >= 15
    for example in examples:
        assert compile_query(example).error is None, example


def test_query_help_examples_apply_to_the_filter_by_keyboard(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_F1)  # HelpContents
    dialog = window.findChild(QueryHelpDialog, "queryHelpDialog")
    assert dialog is not None and dialog.isVisible()
    browser = dialog.browser
    browser.setFocus()
    qtbot.keyClick(browser, Qt.Key.Key_Tab)  # the first example's link
    qtbot.keyClick(browser, Qt.Key.Key_Return)
    assert window.filter_edit.text() == "learning"
    qtbot.waitUntil(lambda: not window.model.busy)
    assert window.count_label.text() == f"{window.model.rowCount()} of 50 papers"
    assert 0 < window.model.rowCount() < 50
    for _ in range(3):  # the third example: a phrase, quotes and all
        qtbot.keyClick(browser, Qt.Key.Key_Tab)
    qtbot.keyClick(browser, Qt.Key.Key_Return)
    assert window.filter_edit.text() == '"in-context learning"'
    # Opening it again shows the same dialog, not a second one.
    action(window, "actionHelpQuery").trigger()
    assert len(window.findChildren(QueryHelpDialog)) == 1
    dialog.close()


def test_shortcuts_list_every_registry_shortcut(qtbot, window: MainWindow) -> None:
    action(window, "actionHelpShortcuts").trigger()
    dialog = window.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    native = QKeySequence.SequenceFormat.NativeText
    listed = 0
    for spec in ACTIONS:
        shown = action(window, spec.id).shortcut().toString(native)  # what the window has
        if spec.shortcut is None or not shown:  # none, or one this platform does not bind
            continue
        listed += 1
        name = spec.text.replace("&", "").rstrip("…")
        assert name in rows, name
        assert shown in rows[name].split(", "), (name, shown, rows[name])
    assert rows["Mark as Read"] == "Ctrl+3"
    assert rows["Note Preview"] == "Ctrl+Shift+P"
    assert rows["Keyboard Shortcuts"] == "Ctrl+/"
    assert rows["Open Library"] == "Ctrl+O"
    assert table.rowCount() == listed + len(OTHER_KEYS)
    assert any(rows.get(what) == keys for keys, what, _ in OTHER_KEYS)
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_counted_questions_use_the_right_number(qtbot, window: MainWindow, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(paper_actions, "_ask", lambda ctx, title, text: asked.append(text))
    pick_row(window, 0)
    window.paper_actions.add_tags(["solo"])
    window.paper_actions.delete_papers()
    window.paper_actions.delete_tag("solo")
    window.table.selectAll()
    window.paper_actions.delete_papers()
    assert asked == [
        "Delete this paper with its note and tags? You can undo this with Edit > Undo.",
        "Remove the tag “solo” from 1 paper?",
        "Delete these 50 papers with their notes and tags? You can undo this with Edit > Undo.",
    ]
    assert QApplication.instance() is not None
