"""The reading workflow in the window: status, tags, notes, edits and undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QInputDialog, QLineEdit, QMessageBox, QPlainTextEdit

from papershelf.cli import main as cli
from papershelf.ui import open_main_window
from papershelf.ui.dialogs.paper_dialog import PaperDialog
from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import MainWindow


def select_rows(win: MainWindow, rows: list[int]) -> None:
    model = win.table.selectionModel()
    model.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        model.select(win.model.index(row, 0), flags)
    model.setCurrentIndex(win.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)


def status_cells(win: MainWindow) -> list[str]:
    column = COLUMN_INDEX["status"]
    return [win.model.index(r, column).data() for r in range(win.model.rowCount())]


def facet_count(win: MainWindow, token: str) -> int:
    win.refresh_facets()
    item = win.facets.item_for(token)
    return int(item.text(1).replace(",", "")) if item is not None else 0


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def cli_json(capsys, library_path: Path, *args: str) -> list[dict]:
    capsys.readouterr()
    assert cli(["--library", str(library_path), "list", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_mark_three_read_with_keyboard_then_undo_redo(
    qtbot, window: MainWindow, library_path: Path, capsys
) -> None:
    window.table.setFocus()
    select_rows(window, [0, 2, 4])
    chosen = [window.model.index(r, 0).data() for r in (0, 2, 4)]
    qtbot.keyClick(window.table, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)

    assert [status_cells(window)[r] for r in (0, 2, 4)] == ["read"] * 3
    assert status_cells(window).count("read") == 3
    assert facet_count(window, "status:read") == 3
    assert window.selected_paper_ids() == [window.model.paper_id(r) for r in (0, 2, 4)]
    listed = cli_json(capsys, library_path, "status:read")
    assert sorted(p["title"] for p in listed) == sorted(chosen)
    assert all(p["read_at"] for p in listed)

    undo = action(window, "actionUndo")
    assert undo.text() == "&Undo Mark 3 papers as read"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert status_cells(window).count("read") == 0
    assert cli_json(capsys, library_path, "status:read") == []
    assert all(p["read_at"] is None for p in cli_json(capsys, library_path))

    action(window, "actionRedo").trigger()
    assert status_cells(window).count("read") == 3
    assert len(cli_json(capsys, library_path, "status:read")) == 3


def test_status_actions_have_shortcuts_in_menus(window: MainWindow) -> None:
    for name in ("actionMarkToRead", "actionMarkReading", "actionMarkRead", "actionMarkNew",
                 "actionMarkSkipped", "actionUndo", "actionRedo"):  # fmt: skip
        assert not action(window, name).shortcut().isEmpty(), name
    paper_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Paper")
    assert action(window, "actionMarkRead") in paper_menu.actions()


def test_details_pane_status_link_sets_status(window: MainWindow) -> None:
    window.table.selectRow(1)
    window.details.statusClicked.emit("reading")
    assert status_cells(window)[1] == "reading"
    assert "reading" in window.details.toPlainText()


def test_tag_selection_rename_merge_and_undo(qtbot, window: MainWindow, monkeypatch) -> None:
    select_rows(window, [0, 1])
    tag_edit = window.findChild(QLineEdit, "tagEdit")
    qtbot.keyClicks(tag_edit, " Theory , optimisation ")
    qtbot.keyClick(tag_edit, Qt.Key.Key_Return)
    assert tag_edit.text() == ""
    assert facet_count(window, "tag:Theory") == 2
    assert facet_count(window, "tag:optimisation") == 2
    tags_column = COLUMN_INDEX["tags"]
    assert window.model.index(0, tags_column).data() == "optimisation, Theory"

    select_rows(window, [1, 2])
    window.paper_actions.add_tags(["theory"])  # same tag, other case: not a second tag
    assert window.library.all_tags() == ["optimisation", "Theory"]
    assert facet_count(window, "tag:Theory") == 3

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("learning-theory", True))
    window.paper_actions.rename_tag("Theory")
    window.filter_edit.setText("tag:learning-theory")
    assert window.model.rowCount() == 3
    window.filter_edit.setText("")

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("optimisation", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.paper_actions.rename_tag("learning-theory")  # merge into the existing tag
    assert window.library.all_tags() == ["optimisation"]
    assert facet_count(window, "tag:optimisation") == 3

    window.paper_actions.undo_stack.undo()  # unmerge
    assert facet_count(window, "tag:optimisation") == 2
    assert facet_count(window, "tag:learning-theory") == 3
    window.paper_actions.undo_stack.undo()  # unrename
    assert facet_count(window, "tag:Theory") == 3
    window.paper_actions.undo_stack.undo()  # untag rows 1, 2 (row 1 keeps its first tag)
    assert facet_count(window, "tag:Theory") == 2


def test_note_autosaves_and_survives_reopening(
    qtbot, window: MainWindow, library_path: Path
) -> None:
    editor = window.findChild(QPlainTextEdit, "noteEditor")
    window.table.selectRow(0)
    first = window.current_paper_id()
    editor.setFocus()
    qtbot.keyClicks(editor, "# Thoughts")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "linear *regression* in context")

    def saved() -> None:
        with sqlite3.connect(library_path) as conn:
            row = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (first,)).fetchone()
        assert row is not None and row[0].endswith("in context")

    qtbot.waitUntil(saved, timeout=500)
    assert window.notes.state.text() == "Saved"
    qtbot.keyClicks(editor, " more")
    window.table.selectRow(1)  # switching saves at once, no wait
    with sqlite3.connect(library_path) as conn:
        body = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (first,)).fetchone()[0]
    assert body.endswith("in context more")
    assert editor.toPlainText() == ""

    window.filter_edit.setText("regression has:note")
    assert window.model.rowCount() == 1
    window.close()

    again = open_main_window(library_path)
    qtbot.addWidget(again)
    again.filter_edit.setText("has:note")
    again.table.selectRow(0)
    assert again.current_paper_id() == first
    assert again.findChild(QPlainTextEdit, "noteEditor").toPlainText().startswith("# Thoughts")
    again.notes.preview_button.setChecked(True)
    assert "Thoughts" in again.notes.preview.toPlainText()
    assert "#" not in again.notes.preview.toPlainText()
    again.close()


def test_note_preview_shows_html_as_text(qtbot, window: MainWindow) -> None:
    window.table.selectRow(0)
    window.notes.editor.setPlainText("<b>bold</b> ![x](file:///etc/passwd)")
    window.notes.preview_button.setChecked(True)
    assert "<b>bold</b>" in window.notes.preview.toPlainText()


def test_delete_with_confirmation_and_undo(qtbot, window: MainWindow, monkeypatch) -> None:
    window.table.selectRow(0)
    paper_id = window.current_paper_id()
    assert paper_id is not None
    window.library.set_note(paper_id, "keep me")
    window.paper_actions.add_tags(["keeper"])
    record = window.library.record(paper_id)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.paper_actions.delete_papers()
    assert window.count_label.text() == "50 of 50 papers"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    select_rows(window, [0, 1])
    window.paper_actions.delete_papers()
    assert window.count_label.text() == "48 of 48 papers"
    assert window.library.search(f"key:{record['key']}") == []

    window.paper_actions.undo_stack.undo()
    assert window.count_label.text() == "50 of 50 papers"
    restored = window.library.record(paper_id)
    assert restored == record
    assert window.library.search('"keep me"') == [paper_id]


def test_edit_paper_completes_authors_and_undoes(qtbot, window: MainWindow, monkeypatch) -> None:
    window.filter_edit.setText("key:akyurek2022learning")
    window.table.selectRow(0)
    paper_id = window.current_paper_id()
    assert paper_id is not None

    def fill(dialog: PaperDialog) -> int:
        title, authors = dialog.inputs["title"], dialog.inputs["authors"]
        assert isinstance(title, QLineEdit) and isinstance(authors, QPlainTextEdit)
        assert title.text().startswith("What learning algorithm")
        authors.setPlainText(authors.toPlainText() + "\nTengyu Ma\nZora Quixote")
        cut_short = dialog.inputs["authors_truncated"]
        assert isinstance(cut_short, QCheckBox) and cut_short.isChecked()
        cut_short.setChecked(False)
        published = dialog.inputs["published"]
        assert isinstance(published, QLineEdit)
        published.setText("2022-13-40")
        dialog.accept()
        assert not dialog.error.isHidden() and "date" in dialog.error.text()
        published.setText("2022-11-28")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PaperDialog, "exec", fill)
    action(window, "actionEditPaper").trigger()
    record = window.library.record(paper_id)
    assert record["authors"][-2:] == ["Tengyu Ma", "Zora Quixote"]
    assert not record["authors_truncated"]
    window.filter_edit.setText('author:"Zora Quixote"')
    assert window.model.rowCount() == 1

    window.paper_actions.undo_stack.undo()
    assert window.model.rowCount() == 0
    assert window.library.record(paper_id)["authors"][-1] == "Jacob Andreas"


def test_add_paper_by_hand(qtbot, window: MainWindow, monkeypatch) -> None:
    def fill(dialog: PaperDialog) -> int:
        dialog.inputs["title"].setText("Attention Is All You Need")
        dialog.inputs["authors"].setPlainText("Ashish Vaswani\nNoam Shazeer")
        dialog.inputs["published"].setText("2017-06")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PaperDialog, "exec", fill)
    action(window, "actionAddPaper").trigger()
    assert window.count_label.text() == "51 of 51 papers"
    record = window.library.record(window.current_paper_id() or 0)
    assert record["key"] == "vaswani2017attention"
    assert record["published"] == "2017-06"  # the precision typed
    window.paper_actions.undo_stack.undo()
    assert window.count_label.text() == "50 of 50 papers"
    window.paper_actions.undo_stack.redo()
    assert window.library.resolve("vaswani2017attention") == record["id"]


@pytest.mark.parametrize("key", ["Ctrl+1", "Ctrl+2", "Ctrl+4", "Ctrl+0"])
def test_each_status_shortcut(qtbot, window: MainWindow, key: str) -> None:
    expected = {"Ctrl+1": "to-read", "Ctrl+2": "reading", "Ctrl+4": "skipped", "Ctrl+0": "new"}
    window.table.setFocus()
    select_rows(window, [3])
    window.paper_actions.set_status("read")
    digit = getattr(Qt.Key, f"Key_{key[-1]}")
    qtbot.keyClick(window.table, digit, Qt.KeyboardModifier.ControlModifier)
    assert status_cells(window)[3] == expected[key]


def test_window_picks_up_command_line_writes(qtbot, window: MainWindow, library_path: Path) -> None:
    window.table.selectRow(0)
    paper_id = window.current_paper_id()
    key = window.library.record(paper_id or 0)["key"]
    assert cli(["--library", str(library_path), "status", key, "reading"]) == 0
    assert cli(["--library", str(library_path), "note", key, "--set", "from the shell"]) == 0
    qtbot.waitUntil(lambda: status_cells(window)[0] == "reading", timeout=1500)
    assert window.current_paper_id() == paper_id  # the reader's place is kept
    qtbot.waitUntil(lambda: window.notes.editor.toPlainText() == "from the shell", timeout=1500)
