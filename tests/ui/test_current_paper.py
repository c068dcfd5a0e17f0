"""The note editor, tag box and details pane always belong to the current paper (issue 13, item 1).

Writing a note, then typing a filter that hid its paper, left the hidden paper's note
in the editor, and what was typed next went into that hidden paper.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from papershelf.ui.theme import search_mark
from papershelf.ui.window.main_window import MainWindow


def editor(win: MainWindow) -> QPlainTextEdit:
    found = win.findChild(QPlainTextEdit, "noteEditor")
    assert found is not None
    return found


def notes_in_library(win: MainWindow) -> dict[int, str]:
    rows = win.library.conn.execute("SELECT paper_id, body FROM notes ORDER BY paper_id")
    return {int(paper_id): str(body) for paper_id, body in rows}


def test_a_filter_that_hides_the_paper_empties_the_reading_panes(qtbot, window: MainWindow) -> None:
    hidden = window.current_paper_id()
    assert hidden is not None
    title = window.library.record(hidden)["title"]
    note = editor(window)
    note.setFocus()
    qtbot.keyClicks(note, "my note")
    window.notes.save()
    assert notes_in_library(window) == {hidden: "my note"}

    filter_edit = window.findChild(QLineEdit, "filterEdit")
    filter_edit.setText("zzzznothingmatches")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.busy)
    assert window.current_paper_id() is None
    assert note.toPlainText() == "" and note.isReadOnly()
    assert not window.tag_edit.isEnabled()
    assert "Select a paper" in window.details.toPlainText()
    assert title not in window.details.toPlainText()

    # What is typed now reaches no paper: the editor takes no text.
    note.setFocus()
    qtbot.keyClicks(note, " lost?")
    window.notes.save()
    assert notes_in_library(window) == {hidden: "my note"}

    # The paper comes back with its note when the filter shows it again.
    filter_edit.clear()
    qtbot.waitUntil(lambda: window.current_paper_id() == hidden)
    assert note.toPlainText() == "my note" and not note.isReadOnly()
    assert window.tag_edit.isEnabled()
    assert title in window.details.toPlainText()


def test_a_filter_that_keeps_other_papers_does_not_write_to_the_hidden_one(
    qtbot, window: MainWindow
) -> None:
    hidden = window.current_paper_id()
    assert hidden is not None
    record = window.library.record(hidden)
    word = next(w for w in record["title"].split() if len(w) > 4)
    filter_edit = window.findChild(QLineEdit, "filterEdit")
    filter_edit.setText(f"-{word}")  # everything but papers with that word
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and not window.model.busy)
    assert window.model.row_of(hidden) < 0
    note = editor(window)
    current = window.current_paper_id()
    if current is None:  # nothing current: the panes are empty and read-only
        assert note.isReadOnly() and note.toPlainText() == ""
    else:  # or another paper is, and the panes are that paper's
        assert current != hidden
        assert window.notes.paper_id == current
        assert window.library.record(current)["title"] in window.details.toPlainText()
    note.setFocus()
    qtbot.keyClicks(note, "typed after filtering")
    window.notes.save()
    assert hidden not in notes_in_library(window)


def test_selection_after_sorting_keeps_the_panes_in_step(qtbot, window: MainWindow) -> None:
    window.table.selectRow(3)
    chosen = window.current_paper_id()
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not window.model.busy)
    current = window.current_paper_id()
    assert window.notes.paper_id == current
    if current is not None:
        assert window.library.record(current)["title"] in window.details.toPlainText()
    else:
        assert editor(window).isReadOnly()
    assert chosen is not None


def test_a_refresh_that_keeps_the_paper_keeps_the_note_editor(qtbot, window: MainWindow) -> None:
    note = editor(window)
    note.setFocus()
    qtbot.keyClicks(note, "first line")
    cursor = note.textCursor()
    cursor.setPosition(5)
    note.setTextCursor(cursor)
    window.library_changed()  # what every edit and outside write ends in
    assert note.toPlainText() == "first line"
    assert note.textCursor().position() == 5
    assert note.document().isUndoAvailable()


def _marked(win: MainWindow) -> list[str]:
    """The words the details pane marks (the filter's words, in the paper's text)."""
    mark, _ = search_mark(win.details.palette())
    html = win.details.toHtml()
    return re.findall(rf"background-color:{mark.name()};[^>]*>([^<]*)<", html)


def test_a_filter_that_keeps_the_paper_marks_its_own_words(qtbot, window: MainWindow) -> None:
    current = window.current_paper_id()
    assert current is not None
    words = re.findall(r"[a-z]{5,}", window.library.record(current)["title"].lower())
    first, second = words[0], next(w for w in words if w != words[0])
    filter_edit = window.findChild(QLineEdit, "filterEdit")
    for typed, gone in ((first, second), (second, first)):
        filter_edit.setText(typed)
        # Once typing pauses (the sidebar's delay), not at every key.
        qtbot.waitUntil(lambda: typed in [m.lower() for m in _marked(window)])  # noqa: B023
        assert window.current_paper_id() == current
        assert gone not in [m.lower() for m in _marked(window)]  # not the last filter's
    filter_edit.clear()
    qtbot.waitUntil(lambda: _marked(window) == [])
    assert window.current_paper_id() == current


def test_marking_new_words_keeps_the_reader_where_they_are_in_the_paper(
    qtbot, window: MainWindow
) -> None:
    current = window.current_paper_id()
    assert current is not None
    word = re.findall(r"[a-z]{5,}", window.library.record(current)["title"].lower())[0]
    window.details.setFixedHeight(80)  # the paper runs past the pane: it scrolls
    bar = window.details.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    at = bar.value()
    window.findChild(QLineEdit, "filterEdit").setText(word)
    qtbot.waitUntil(lambda: word in [m.lower() for m in _marked(window)])
    assert bar.value() == at
