"""A whole triage session without the mouse: filter, choose a paper, set its status,
tag it, write a note, export the notes; every step a key pressed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QMessageBox, QWidget

from papershelf.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_triage_session_with_the_keyboard_only(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)

    def key(k: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(focused(), k, modifiers)

    # Filter: Ctrl+F, then type.
    key(Qt.Key.Key_F, CTRL)
    assert focused() is window.filter_edit
    qtbot.keyClicks(focused(), "learning status:new")
    qtbot.waitUntil(lambda: not window.model.busy)
    listed = [window.model.paper_id(r) for r in range(window.model.rowCount())]
    assert 3 < len(listed) < 50

    # Into the table, to the third paper.
    key(Qt.Key.Key_Tab)
    assert focused() is window.table
    key(Qt.Key.Key_Home)
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Down)
    first = window.current_paper_id()
    assert first == listed[2]

    # Reading (Ctrl+2): it leaves the "status:new" filter, the next paper is selected.
    key(Qt.Key.Key_2, CTRL)
    qtbot.waitUntil(
        lambda: first not in [window.model.paper_id(r) for r in range(window.model.rowCount())]
    )
    assert window.library.paper(first).status == "reading"
    chosen = window.current_paper_id()
    assert chosen == listed[3]

    # Tag it: Ctrl+T, type, Enter.
    key(Qt.Key.Key_T, CTRL)
    assert focused() is window.tag_edit
    qtbot.keyClicks(focused(), "to-discuss")
    key(Qt.Key.Key_Return)
    assert window.library.paper(chosen).tags == ["to-discuss"]

    # A note: Tab from the tags box is the note editor.
    key(Qt.Key.Key_Tab)
    assert focused() is window.notes.editor
    qtbot.keyClicks(focused(), "Compare with the ridge regression result.")
    qtbot.waitUntil(lambda: window.library.note(chosen) != "")
    # Back to the table with Shift+Tab, and to-read for the next paper, which stays.
    for _ in range(60):  # the details pane's links are stops on the way
        key(Qt.Key.Key_Backtab)
        if focused() is window.table:
            break
    assert focused() is window.table
    key(Qt.Key.Key_Down)
    second = window.current_paper_id()
    key(Qt.Key.Key_1, CTRL)  # to-read leaves "status:new" too: the next one comes up
    qtbot.waitUntil(lambda: window.current_paper_id() not in (second, None))
    assert window.library.paper(second or 0).status == "to-read"

    # Export the notes of the whole library (Alt+W: "The whole library"), one file per
    # paper (Alt+L, Down), into a folder typed in (Alt+O), with Enter; the summary
    # closes with Enter.
    out = tmp_path / "notes"
    seen: dict[str, str] = {}

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or dialog.objectName() != "exportNotesDialog":
            QTimer.singleShot(20, fill_dialog)
            return
        try:
            # A desktop activates a new dialog; the offscreen platform is asked to.
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
            drive(dialog)
        except BaseException as exc:  # never leave the dialog waiting: fail the test
            seen["error"] = repr(exc)
            seen["summary"] = ""
            dialog.reject()

    def drive(dialog: QDialog) -> None:
        qtbot.keyClick(focused(), Qt.Key.Key_W, ALT)
        # A mnemonic clicks the radio button as a mouse would, a moment later.
        qtbot.waitUntil(lambda: dialog.scopes.scope() == "library", timeout=5000)
        qtbot.keyClick(focused(), Qt.Key.Key_L, ALT)
        assert isinstance(focused(), QComboBox)
        qtbot.keyClick(focused(), Qt.Key.Key_Down)
        qtbot.keyClick(focused(), Qt.Key.Key_O, ALT)
        assert isinstance(focused(), QLineEdit)
        qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(focused(), str(out))
        seen["scope"] = dialog.scopes.scope()
        seen["layout"] = dialog.layout_choice.currentData()
        QTimer.singleShot(20, close_summary)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    def close_summary() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_summary)
            return
        seen["summary"] = box.text()
        box.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=5000)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_dialog)
    key(Qt.Key.Key_E, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "summary" in seen, timeout=20_000)
    assert "error" not in seen, seen
    assert seen["scope"] == "library" and seen["layout"] == "per-paper"
    assert "Notes of 50 papers" in seen["summary"]
    record = window.library.record(chosen or 0)
    text = (out / f"{record['key']}.md").read_text(encoding="utf-8")
    assert "Compare with the ridge regression result." in text
    assert 'tags: ["to-discuss"]' in text and 'status: "new"' in text
    assert 'status: "reading"' in (out / f"{window.library.record(first)['key']}.md").read_text(
        encoding="utf-8"
    )
