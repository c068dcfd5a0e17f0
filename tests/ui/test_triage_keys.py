"""Triage's priority keys and opening: ``1``-``3`` (``0`` none) give the shown paper a
priority as one undo step and keep it in view; ``o`` opens it through the registry's
``actionOpenPaper`` (a fake opener records the URL: no browser starts). While triage
shows, the paper actions are on its paper, not on the hidden table's selection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from papershelf.core.errors import LibraryError
from papershelf.core.files.opener import paper_target
from papershelf.ui.panes.triage import TriageView
from papershelf.ui.table.model import PAPER_ID_ROLE
from papershelf.ui.window.main_window import MainWindow


class Recorder:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)


def _state(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Every paper row and every history row, as another process reads them."""
    with sqlite3.connect(path) as raw:
        papers = raw.execute("SELECT * FROM papers ORDER BY id").fetchall()
        history = raw.execute("SELECT * FROM status_history ORDER BY id").fetchall()
    return papers, history


def _priorities(path: Path) -> dict[int, int]:
    with sqlite3.connect(path) as raw:
        return dict(raw.execute("SELECT id, priority FROM papers").fetchall())


@pytest.fixture
def triage(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> TriageView:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a dialog opened: {args[1:3]}")

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    window.table.selectRow(7)  # the hidden table's paper is another one than triage's
    window.named_actions["actionTriage"].trigger()
    view = window.findChild(QWidget, "triageView")
    assert isinstance(view, TriageView) and view.isVisible()
    assert window.model.index(7, 0).data(PAPER_ID_ROLE) != view.current_paper_id()
    return view


def test_number_keys_set_priority_one_undo_step_each(
    qtbot, window: MainWindow, triage: TriageView, library_path: Path
) -> None:
    paper_id = triage.current_paper_id()
    assert paper_id is not None
    start = _state(library_path)
    assert "priority" not in triage.page.toPlainText()  # none is not shown
    assert "1-3 priority (0 none)" in triage.keys.text() and "o open" in triage.keys.text()

    qtbot.keyClick(triage, "3")
    assert window.library.paper(paper_id).priority == "high"
    assert triage.current_paper_id() == paper_id  # a priority is not a decision: it stays
    assert "priority high" in triage.page.toPlainText()
    after_high = _state(library_path)
    qtbot.keyClick(triage, "1")
    assert window.library.paper(paper_id).priority == "low"
    assert "priority low" in triage.page.toPlainText()
    qtbot.keyClick(triage, "2")
    assert window.library.paper(paper_id).priority == "medium"
    qtbot.keyClick(triage, "0")
    assert window.library.paper(paper_id).priority == "none"
    assert "priority" not in triage.page.toPlainText()
    changed = {i for i, rank in _priorities(library_path).items() if rank}
    assert changed == set()  # only ever the shown paper, never the table's selection
    assert window.library.paper(paper_id).status == "new"

    qtbot.keyClick(triage, "u")
    assert window.library.paper(paper_id).priority == "medium"
    qtbot.keyClick(triage, "u")
    qtbot.keyClick(triage, "u")
    assert _state(library_path) == after_high
    assert "priority high" in triage.page.toPlainText()
    qtbot.keyClick(triage, "u")
    assert _state(library_path) == start  # four keys, four steps, the whole state back
    assert triage.current_paper_id() == paper_id

    # Undo goes back to the paper whose priority it puts back.
    qtbot.keyClick(triage, "2")
    qtbot.keyClick(triage, "j")
    qtbot.keyClick(triage, "u")
    assert triage.current_paper_id() == paper_id
    assert _state(library_path) == start

    # A decision after a priority still moves on, and its undo comes back here.
    qtbot.keyClick(triage, "3")
    qtbot.keyClick(triage, "t")
    assert triage.current_paper_id() != paper_id
    qtbot.keyClick(triage, "u")
    qtbot.keyClick(triage, "u")
    assert triage.current_paper_id() == paper_id
    assert _state(library_path) == start


def test_priority_menu_in_triage_acts_on_its_paper(
    window: MainWindow, triage: TriageView, library_path: Path
) -> None:
    table_paper = window.model.index(7, 0).data(PAPER_ID_ROLE)
    shown = triage.current_paper_id()
    action = window.named_actions["actionPriorityHigh"]
    assert action.isEnabled()
    action.trigger()  # Alt+3 or Paper > Priority while triage shows
    assert window.library.paper(shown).priority == "high"
    assert window.library.paper(table_paper).priority == "none"
    assert "priority high" in triage.page.toPlainText()


def test_o_opens_the_shown_paper_through_the_open_action(
    qtbot, window: MainWindow, triage: TriageView, library_path: Path
) -> None:
    opened = Recorder()
    window.files.opener = opened
    table_paper = window.model.index(7, 0).data(PAPER_ID_ROLE)
    for _ in range(10):  # the first paper there is something to open for
        paper = window.library.paper(triage.current_paper_id())
        try:
            target = paper_target(window.library, paper)
            break
        except LibraryError:
            qtbot.keyClick(triage, "j")
    else:
        pytest.fail("no seeded paper among the first ten has anything to open")
    assert paper.id != table_paper
    before = _state(library_path)

    qtbot.keyClick(triage, "o")
    assert opened.urls == [target.url]
    # Opening a new paper marks it reading (the window's setting): shown, and one step.
    assert window.library.paper(paper.id).status == "reading"
    assert "reading" in triage.page.toPlainText()
    assert triage.current_paper_id() == paper.id
    assert window.library.paper(table_paper).status == "new"
    qtbot.keyClick(triage, "u")
    assert _state(library_path) == before
    assert triage.current_paper_id() == paper.id

    # Back in the library, the action opens the table's current paper again.
    window.named_actions["actionMarkReadingOnOpen"].setChecked(False)
    qtbot.keyClick(triage, Qt.Key.Key_Escape)
    window.table.selectRow(7)
    window.named_actions["actionOpenPaper"].trigger()
    assert len(opened.urls) == 2
    assert opened.urls[-1] == paper_target(window.library, window.library.paper(table_paper)).url


def test_empty_inbox_disables_the_paper_actions(
    qtbot, window: MainWindow, triage: TriageView
) -> None:
    opened = Recorder()
    window.files.opener = opened
    for _ in range(len(triage.queue)):
        qtbot.keyClick(triage, "s")
    window.library.set_status(triage.queue, "read")  # nothing left at all
    triage.start()
    assert triage.current_paper_id() is None
    assert not window.named_actions["actionOpenPaper"].isEnabled()
    qtbot.keyClick(triage, "o")
    qtbot.keyClick(triage, "3")
    assert opened.urls == []
