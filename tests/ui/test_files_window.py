"""Files in the window: drop on a row attaches, drop below the rows adds, Enter opens.

A fake opener records what would have been opened; no browser or viewer ever starts.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from pdfs import make_pdf

from capture_fixtures import SCALING, Services
from papershelf.core.files.folder import files_folder
from papershelf.core.io import pdf
from papershelf.core.ops import files as file_ops
from papershelf.core.ops import papers as paper_ops
from papershelf.core.store import attachments, saved
from papershelf.core.store.opening import open_library
from papershelf.ui import own_process
from papershelf.ui.table.model import PAPER_ID_ROLE
from papershelf.ui.window.main_window import MainWindow


class Recorder:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)


@pytest.fixture
def opened(window: MainWindow) -> Recorder:
    recorder = Recorder()
    window.files.opener = recorder
    return recorder


def drop(window: MainWindow, files: list[Path], point: QPoint) -> None:
    """What the table's viewport receives when files are dropped at ``point`` (Qt sends a
    drop only to the target a real drag entered, so the event goes to the filter)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in files])
    viewport = window.table.viewport()
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert window.files.eventFilter(viewport, enter) and enter.isAccepted()
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert window.files.eventFilter(viewport, event)


def row_point(window: MainWindow, row: int) -> QPoint:
    return window.table.visualRect(window.model.index(row, 1)).center()


def test_dropping_a_pdf_on_a_row_attaches_it_and_its_text_becomes_searchable(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    made = make_pdf(tmp_path / "x.pdf", [["Quokkas in the margin"]])
    paper_id = window.model.index(2, 0).data(PAPER_ID_ROLE)
    key = window.library.paper(paper_id).key
    drop(window, [made], row_point(window, 2))
    assert window.library.paper(paper_id).attachments[0]["path"] == f"{key}.pdf"
    assert window.current_paper_id() == paper_id
    assert (files_folder(window.library.path) / f"{key}.pdf").exists()
    html = window.details.toHtml()
    assert f"{key}.pdf" in html and "[Open]" in html
    qtbot.waitUntil(lambda: window.library.search("text:quokkas") == [paper_id], timeout=10000)
    window.filter_edit.setText("text:quokkas")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    # One undo step takes it away.
    window.named_actions["actionUndo"].trigger()
    assert window.library.paper(paper_id).attachments == []
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=5000)


def test_a_pdfs_text_is_read_in_a_process_of_its_own(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    """pypdf is Python: read on one of the window's threads, it held the main thread for
    seconds while typing (``ui/own_process``). Here it cannot even run in this process."""

    def not_here(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("a PDF's text was read in the window's process")

    monkeypatch.setattr(pdf, "full_text", not_here)
    made = make_pdf(tmp_path / "x.pdf", [["Quokkas in the margin"]])
    attached = file_ops.attach(window.library, 1, made)
    window.files.read_text(attached.attachment_id)
    qtbot.waitUntil(lambda: window.library.search("text:quokkas") == [1], timeout=30_000)


def test_pdf_text_written_elsewhere_runs_the_filter_again_only_when_it_reads_text(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path
) -> None:
    """Another process's writes of PDFs' text alone (the window's read-text) change
    nothing the table shows unless the filter has ``text:``: the window takes them in
    without running its filter again (72 ms of main thread a PDF at a million papers)."""
    number = file_ops.attach(window.library, 1, make_pdf(tmp_path / "x.pdf", [["x"]]))
    window._check_outside_changes()  # a look while nobody else wrote: its own write counted
    took_in: list[int] = []
    taking_in = window.library_changed
    window.library_changed = lambda: (took_in.append(1), taking_in())  # type: ignore[method-assign]
    other = open_library(library_path, seed=False)  # as ``papershelf read-text`` writes
    try:
        attachments.set_text(other, number.attachment_id, "quokkas here", "indexed")
        window._check_outside_changes()
        window._check_outside_changes()
        assert took_in == []
        window.filter_edit.setText("text:quokkas")
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=30_000)
        attachments.set_text(other, number.attachment_id, "wombats now", "indexed")
        window._check_outside_changes()
        assert took_in == [1]  # the filter reads the text: run again
        qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=30_000)
        window.filter_edit.setText("")
        qtbot.waitUntil(lambda: window.model.rowCount() == 50, timeout=30_000)
        other.set_status([2], "read")  # any other write is taken in
        window._check_outside_changes()
        assert took_in == [1, 1]
        # A saved search that reads the text is counted in the sidebar: run again too.
        saved.save(window.library, "pdfs", "text:wombats")
        window._check_outside_changes()
        attachments.set_text(other, number.attachment_id, "numbats", "indexed")
        window._check_outside_changes()
        assert took_in == [1, 1, 1]
    finally:
        other.close()


def test_pdfs_queued_while_one_process_reads_are_read_by_the_next_together(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    started: list[list[str]] = []
    start = own_process.start

    def recorded(command: list[str], **options: bool) -> object:
        started.append(command)
        return start(command, **options)

    monkeypatch.setattr(own_process, "start", recorded)
    words = ["quokkas", "numbats", "wombats", "bilbies"]
    numbers = [
        file_ops.attach(window.library, i + 1, make_pdf(tmp_path / f"{w}.pdf", [[w]])).attachment_id
        for i, w in enumerate(words)
    ]
    for number in numbers:
        window.files.read_text(number)

    def every_text_found() -> bool:
        return all(window.library.search(f"text:{w}") == [i] for i, w in enumerate(words, 1))

    qtbot.waitUntil(every_text_found, timeout=30_000)
    assert [c[c.index("read-text") + 1 :] for c in started] == [
        [f"--attachment={numbers[0]}"],
        [f"--attachment={n}" for n in numbers[1:]],
    ]


def test_dropping_a_pdf_below_the_rows_looks_it_up_and_adds_a_paper(
    qtbot, window: MainWindow, tmp_path: Path, services: Services
) -> None:
    window.filter_edit.setText("key:akyurek2022learning")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    count = window.library.count()
    made = make_pdf(
        tmp_path / "p.pdf", [["arXiv:2303.16800v2 [cs.LG] 29 Mar 2023"]], title="Sparks of Quokkas"
    )
    below = QPoint(40, window.table.viewport().height() - 5)
    assert window.table.indexAt(below).row() == -1
    drop(window, [made], below)
    qtbot.waitUntil(lambda: window.library.count() == count + 1, timeout=10_000)
    paper = window.library.paper(window.library.resolve("lovelace2023scaling"))
    assert paper.title == SCALING.title  # from the arXiv API, not the PDF's metadata
    assert (paper.arxiv_id, len(paper.attachments)) == ("2303.16800", 1)
    assert "incomplete" not in paper.tags
    qtbot.waitUntil(lambda: window.current_paper_id() == paper.id, timeout=5000)
    [asked] = [r for r in services.server.requests if r.param("id_list")]
    assert asked.param("id_list") == "2303.16800"
    window.named_actions["actionUndo"].trigger()  # one undo step: paper and attachment
    assert window.library.count() == count


def test_dropping_a_pdf_offline_adds_it_from_the_pdf_and_says_why(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:  # nothing listens there: offline
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    count = window.library.count()
    made = make_pdf(
        tmp_path / "p.pdf", [["arXiv:2303.16800v2 [cs.LG] 29 Mar 2023"]], title="Sparks of Quokkas"
    )
    window.files.dropped([made], -1)
    qtbot.waitUntil(lambda: window.library.count() == count + 1, timeout=10_000)
    [new] = window.library.search('title:"Sparks of Quokkas"')
    paper = window.library.paper(new)
    assert (paper.arxiv_id, len(paper.attachments)) == ("2303.16800", 1)
    assert "incomplete" in paper.tags
    message = window.statusBar().currentMessage()
    assert message.startswith("Could not look up p.pdf (") and "refused the connection" in message
    assert message.endswith("added from the PDF alone, tagged incomplete.")


def test_enter_and_double_click_open_the_paper_and_mark_it_reading(
    qtbot, window: MainWindow, opened: Recorder
) -> None:
    paper_id = window.model.index(0, 0).data(PAPER_ID_ROLE)
    fields = window.library.paper(paper_id).describing()
    fields.doi = "10.1000/xyz"
    window.apply(lambda: paper_ops.edit_paper(window.library, paper_id, fields))
    window.table.selectRow(0)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    assert opened.urls == ["https://doi.org/10.1000/xyz"]
    assert window.library.paper(paper_id).status == "reading"
    assert "DOI" in window.details.toPlainText() and "10.1000/xyz" in window.details.toHtml()
    window.named_actions["actionUndo"].trigger()  # the marking is one undo step
    assert window.library.paper(paper_id).status == "new"
    window.named_actions["actionMarkReadingOnOpen"].setChecked(False)
    window.table.doubleClicked.emit(window.model.index(0, 1))
    assert len(opened.urls) == 2
    assert window.library.paper(paper_id).status == "new"


def test_nothing_to_open_is_said_not_crashed(
    qtbot, window: MainWindow, opened: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(
        "papershelf.ui.window.main_window.QMessageBox.warning",
        lambda _parent, _title, text: said.append(text),
    )
    window.filter_edit.setText("-has:code")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    window.table.selectRow(0)
    window.named_actions["actionOpenPaper"].trigger()
    assert opened.urls == []
    assert said and "no PDF, DOI, arXiv id or link" in said[0]


def test_a_deleted_papers_file_lives_while_undo_can_bring_it_back(
    qtbot, library_path: Path, tmp_path: Path
) -> None:
    from papershelf.ui import open_main_window

    window = open_main_window(library_path)
    qtbot.addWidget(window)
    paper_id = window.model.index(0, 0).data(PAPER_ID_ROLE)
    window.files.attach(paper_id, make_pdf(tmp_path / "x.pdf"))
    stored = files_folder(library_path) / f"{window.library.paper(paper_id).key}.pdf"
    window.apply(lambda: paper_ops.delete_papers(window.library, [paper_id]))
    assert stored.exists()
    window.named_actions["actionUndo"].trigger()
    assert window.library.paper(paper_id).attachments
    window.named_actions["actionRedo"].trigger()
    assert stored.exists()
    window.close()  # the undo history is gone: so is the file
    assert not stored.exists()
