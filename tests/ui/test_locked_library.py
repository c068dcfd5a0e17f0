"""Another process holds the library's write lock: the reader is told, and nothing typed
is lost (the note is kept and saved once the lock is gone)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from papershelf.ui.window.main_window import MainWindow


def test_locked_library_keeps_the_note_and_says_so(
    qtbot, window: MainWindow, library_path: Path, monkeypatch
) -> None:
    window.library.conn.execute("PRAGMA busy_timeout = 200")  # fail fast for the test
    paper_id = window.current_paper_id()
    assert paper_id is not None
    other = sqlite3.connect(library_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        window.notes.editor.setFocus()
        qtbot.keyClicks(window.notes.editor, "written while locked")
        qtbot.waitUntil(lambda: window.notes.state.text() == "Not saved", timeout=3000)
        assert "could not be saved" in window.notes.state.toolTip()
        assert window.notes.editor.toPlainText() == "written while locked"

        warnings: list[str] = []
        monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
        window.paper_actions.set_status("read")
        assert warnings and "busy" in warnings[0]
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: window.notes.state.text() == "Saved", timeout=5000)
    assert window.library.note(paper_id) == "written while locked"
    assert window.library.record(paper_id)["status"] == "new"


def test_a_failed_action_is_not_left_on_the_undo_stack(
    window: MainWindow, library_path: Path, monkeypatch
) -> None:
    window.library.conn.execute("PRAGMA busy_timeout = 100")
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    other = sqlite3.connect(library_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        window.paper_actions.set_status("read")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert window.paper_actions.undo_stack.count() == 0
    window.paper_actions.set_status("read")
    assert window.paper_actions.undo_stack.count() == 1
    assert window.library.record(window.current_paper_id() or 0)["status"] == "read"


def test_closing_with_an_unsaved_note_asks_first(
    qtbot, window: MainWindow, library_path: Path, monkeypatch
) -> None:
    window.library.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(library_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    asked: list[str] = []

    def keep_open(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", keep_open)
    try:
        window.notes.editor.setPlainText("must not vanish")
        window.close()
        assert asked and "could not be saved" in asked[0]
        assert window.isVisible()
    finally:
        other.execute("ROLLBACK")
        other.close()
    window.close()
    assert not window.isVisible()
    assert len(asked) == 1  # saved on the second try, so no question


def test_read_only_library_keeps_the_note_and_says_so(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    # query_only makes SQLite refuse writes exactly as for a read-only file (which root,
    # who runs CI, cannot make: chmod does not stop root).
    window.library.conn.execute("PRAGMA query_only = ON")
    paper_id = window.current_paper_id() or 0
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window.notes.editor.setFocus()
    qtbot.keyClicks(window.notes.editor, "kept")
    qtbot.waitUntil(lambda: window.notes.state.text() == "Not saved", timeout=2000)
    assert "readonly" in window.notes.state.toolTip().replace("-", "").replace(" ", "")
    window.paper_actions.set_status("read")
    assert warnings and "readonly" in warnings[0].replace(" ", "")
    assert window.paper_actions.undo_stack.count() == 0
    window.library.conn.execute("PRAGMA query_only = OFF")
    qtbot.waitUntil(lambda: window.notes.state.text() == "Saved", timeout=5000)
    assert window.library.note(paper_id) == "kept"
