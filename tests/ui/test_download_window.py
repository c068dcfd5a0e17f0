"""Paper > Download PDF in the window: the network lane, one undo step, Cancel keeps what
finished and leaves nothing of the PDF on its way."""

from __future__ import annotations

import itertools
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from pdfs import make_pdf

from capture_fixtures import Services
from net_server import Reply, Request
from papershelf.core.files.folder import files_folder
from papershelf.core.ops import papers as paper_ops
from papershelf.ui.window.main_window import MainWindow

IDS = ("2301.00001", "2301.00002", "2301.00003")


@pytest.fixture
def summaries(monkeypatch) -> list[str]:
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append(box.objectName() + ": " + box.text() + "\n" + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    return shown


@pytest.fixture
def three(qtbot, window: MainWindow, services: Services, monkeypatch, tmp_path: Path) -> list[str]:
    """Papers 1-3 with arXiv ids, selected; their PDFs on the local server. Their keys."""
    monkeypatch.setenv("PAPERSHELF_ARXIV_PDF", services.server.url + "/pdf")
    keys = []
    for paper_id, arxiv_id in zip((1, 2, 3), IDS, strict=True):
        fields = window.library.paper(paper_id).describing()
        fields.arxiv_id = arxiv_id
        paper_ops.edit_paper(window.library, paper_id, fields)
        made = make_pdf(tmp_path / f"{arxiv_id}.pdf", [[f"arXiv:{arxiv_id}", f"word{paper_id}x"]])
        services.server.route(f"/pdf/{arxiv_id}", Reply(200, made.read_bytes(), "application/pdf"))
        keys.append(window.library.paper(paper_id).key)
    window.library_changed()
    window.filter_edit.setText("has:arxiv")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    window.table.selectAll()
    return keys


def finish(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.downloads.running(), timeout=30_000)


def stored(window: MainWindow) -> list[str]:
    folder = files_folder(window.library.path)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_download_pdf_attaches_each_in_one_undo_step(
    qtbot, window: MainWindow, services: Services, three: list[str], summaries: list[str]
) -> None:
    services.server.route(f"/pdf/{IDS[1]}", Reply(404, "Not Found"))
    window.named_actions["actionDownloadPdf"].trigger()
    finish(qtbot, window)
    (summary,) = summaries
    assert summary.startswith("downloadResult: fetched 2, error 1\n")
    assert f"error {three[1]}: 127.0.0.1:" in summary and "not found (HTTP 404)" in summary
    assert stored(window) == sorted(f"{k}.pdf" for k in (three[0], three[2]))  # no temp file
    assert [len(window.library.paper(i).attachments) for i in (1, 2, 3)] == [1, 0, 1]
    qtbot.waitUntil(lambda: window.library.search("text:word3x") == [3], timeout=10_000)
    times = sorted(r.at for r in services.server.requests if r.path.startswith("/pdf/"))
    assert all(b - a >= 3.0 * 0.01 * 0.9 for a, b in itertools.pairwise(times))
    undo = window.named_actions["actionUndo"]
    assert undo.text().startswith("&Undo Download the PDF of 2 papers")
    undo.trigger()
    assert [len(window.library.paper(i).attachments) for i in (1, 2, 3)] == [0, 0, 0]


def test_cancel_mid_batch_keeps_what_finished_and_nothing_of_the_rest(
    qtbot, window: MainWindow, services: Services, three: list[str], summaries: list[str]
) -> None:
    reached, release = threading.Event(), threading.Event()

    def gated(_request: Request) -> Reply:
        reached.set()
        release.wait(20)
        return Reply(200, b"%PDF-1.7\n" + b"x" * 1000, "application/pdf")

    services.server.route(f"/pdf/{IDS[1]}", gated)  # type: ignore[arg-type]
    window.named_actions["actionDownloadPdf"].trigger()
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    progress = window.downloads.progress
    assert progress is not None
    progress.cancel_button.click()
    release.set()
    finish(qtbot, window)
    (summary,) = summaries
    assert summary.startswith("downloadResult: fetched 1, error 0; cancelled")
    assert stored(window) == [f"{three[0]}.pdf"]
    assert [len(window.library.paper(i).attachments) for i in (1, 2, 3)] == [1, 0, 0]
    assert services.server.requests_to(f"/pdf/{IDS[2]}") == []  # it stopped


def test_nothing_to_download_says_so(
    qtbot, window: MainWindow, services: Services, summaries: list[str]
) -> None:
    window.table.selectRow(0)
    window.named_actions["actionDownloadPdf"].trigger()
    assert summaries == ["None of the selected papers has an arXiv id and no PDF yet."]
    assert not window.downloads.running() and not services.server.requests
