"""Capture in the window: Add by Identifier, pasting identifiers, Find Identifiers, Cancel."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from capture_fixtures import Services
from net_fixtures import ArxivEntry, crossref_envelope, crossref_work
from net_server import Reply, Request
from papershelf.ui.window.capture import AddByIdentifierDialog
from papershelf.ui.window.main_window import MainWindow


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def finish(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.capture.running(), timeout=30_000)


@pytest.fixture
def summaries(monkeypatch) -> list[str]:
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        assert box.objectName() == "captureResult"
        shown.append(box.text() + "\n" + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def press_ctrl_v(window: MainWindow) -> None:
    QTest.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    # Ctrl itself was never released: Qt would hold it down for the next test's clicks.
    QTest.keyRelease(window.table, Qt.Key.Key_Control)


def type_into_dialog(monkeypatch, text: str) -> None:
    def accept(dialog: AddByIdentifierDialog) -> int:
        dialog.edit.setPlainText(text)
        return AddByIdentifierDialog.DialogCode.Accepted

    monkeypatch.setattr(AddByIdentifierDialog, "exec", accept)


def test_add_by_identifier_adds_merges_reports_and_undoes_in_one_step(
    qtbot, window: MainWindow, services: Services, summaries: list[str], monkeypatch
) -> None:
    type_into_dialog(
        monkeypatch,
        "https://arxiv.org/abs/2303.16800v2\nhttps://doi.org/10.1038/nature14539 2211.15661\n"
        "2303.1680",
    )
    action(window, "actionAddByIdentifier").trigger()
    finish(qtbot, window)
    assert summaries == [
        "added 2, merged 1, error 1\n"
        "added lovelace2023scaling\nadded lecun2015deep\nmerged akyurek2022learning\n"
        "error 2303.1680: not an arXiv id, arXiv URL or DOI"
    ]
    qtbot.waitUntil(lambda: window.count_label.text() == "52 of 52 papers", timeout=10_000)
    assert window.library.paper(1).arxiv_id == "2211.15661"
    assert action(window, "actionUndo").text().startswith("&Undo Add 3 papers by identifier")
    action(window, "actionUndo").trigger()
    qtbot.waitUntil(lambda: window.count_label.text() == "50 of 50 papers", timeout=10_000)
    assert window.library.paper(1).arxiv_id is None


def test_pasting_text_with_identifiers_into_the_table_offers_to_add_them(
    qtbot, window: MainWindow, services: Services, summaries: list[str], monkeypatch
) -> None:
    asked: list[str] = []

    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    QGuiApplication.clipboard().setText(
        "Read (arXiv:2303.16800) and https://doi.org/10.1038/nature14539 today."
    )
    window.table.setFocus()
    press_ctrl_v(window)
    assert asked == [
        "Add 2 papers from the clipboard?\n\narXiv:2303.16800\ndoi:10.1038/nature14539"
    ]
    finish(qtbot, window)
    assert summaries[0].startswith("added 2, merged 0, error 0")
    qtbot.waitUntil(lambda: window.count_label.text() == "52 of 52 papers", timeout=10_000)


def test_pasting_text_without_identifiers_only_says_so(
    qtbot, window: MainWindow, services: Services, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    QGuiApplication.clipboard().setText("nothing to see 2303.1680")
    window.table.setFocus()
    press_ctrl_v(window)
    assert "no arXiv id" in window.statusBar().currentMessage()
    assert not services.server.requests


def test_cancel_mid_batch_adds_nothing(
    qtbot, window: MainWindow, services: Services, summaries: list[str], monkeypatch
) -> None:
    reached, release = threading.Event(), threading.Event()
    work = crossref_envelope(crossref_work("10.1000/slow", "A slow record", [("A", "B")]))

    def gated(_request: Request) -> Reply:
        reached.set()
        release.wait(20)
        return Reply(200, work, "application/json")

    services.crossref.route("10.1000/slow", gated)  # type: ignore[arg-type]
    type_into_dialog(monkeypatch, "2303.16800 10.1000/slow 10.1038/nature14539")
    action(window, "actionAddByIdentifier").trigger()
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    progress = window.capture.progress
    assert progress is not None
    progress.cancel_button.click()
    release.set()
    finish(qtbot, window)
    assert summaries == []
    assert window.statusBar().currentMessage() == (
        "Add by Identifier cancelled: nothing was changed."
    )
    assert window.library.count() == 50
    assert services.server.requests_to("/works/10.1038/nature14539") == []  # it stopped


def test_find_identifiers_for_the_selection(
    qtbot, window: MainWindow, services: Services, summaries: list[str]
) -> None:
    qtbot.waitUntil(lambda: window.model.rowCount() == 50, timeout=10_000)
    window.table.selectRow(0)
    (paper_id,) = window.selected_paper_ids()
    paper = window.library.paper(paper_id)
    services.arxiv.add(ArxivEntry("2401.00001", paper.title, paper.authors))
    action(window, "actionFindIdentifiers").trigger()
    finish(qtbot, window)
    assert summaries == [
        f"matched 1, ambiguous 0, not found 0, error 0\nmatched {paper.key}: arXiv:2401.00001"
    ]
    assert len(services.arxiv.requests()) == 1  # only the selection was searched
    assert window.library.paper(paper_id).arxiv_id == "2401.00001"
    action(window, "actionUndo").trigger()
    assert window.library.paper(paper_id).arxiv_id is None


def test_find_identifiers_when_the_selection_has_them_asks_nothing(
    qtbot, window: MainWindow, services: Services, monkeypatch
) -> None:
    qtbot.waitUntil(lambda: window.model.rowCount() == 50, timeout=10_000)
    window.table.selectRow(0)
    (paper_id,) = window.selected_paper_ids()
    window.library.conn.execute(
        "UPDATE papers SET arxiv_id = '2401.00009' WHERE id = ?", (paper_id,)
    )
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    action(window, "actionFindIdentifiers").trigger()
    finish(qtbot, window)
    assert told == ["Every paper has an arXiv id."]
    assert services.arxiv.requests() == []
    assert window.library.paper(paper_id).arxiv_id == "2401.00009"
