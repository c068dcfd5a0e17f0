"""Paper > Download PDF: the arXiv PDF of the selected papers that have none.

The downloads run on the task service's "network" lane (``core.ops.downloads``: arXiv's
pace, a size limit, the ``%PDF-`` check, a temporary file in the files folder), with
progress and Cancel. What arrived is then attached on the main thread in one operation,
one undo step, and each PDF's text is read on the background lane. Cancel stops the
download on its way (its temporary file is deleted) and keeps the PDFs that finished;
a failed download leaves nothing, and the summary says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtWidgets import QMessageBox

from papershelf.core.errors import LibraryError, NetCancelled
from papershelf.core.files.folder import files_folder
from papershelf.core.ops import downloads
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.files import Attached
from papershelf.core.plural import plural
from papershelf.ui.tasks import NETWORK, TaskContext
from papershelf.ui.window.progress_job import PapersJobHost, ProgressJob

_STEPS = 1000  # progress units per paper: the bar moves while one PDF arrives
_SHOW_LINES = 30


class DownloadHost(PapersJobHost, Protocol):
    def read_pdf_text(self, attachment_id: int) -> None: ...


@dataclass
class Batch:
    """What the network lane brings back: PDFs on disk, errors, and whether it was cut."""

    downloaded: list[downloads.Downloaded] = field(default_factory=list)
    errors: list[downloads.Fetched] = field(default_factory=list)
    cancelled: bool = False


class PdfDownloads(ProgressJob):
    """Download PDF, off the main thread."""

    def __init__(self, window: DownloadHost) -> None:
        super().__init__(window)
        self.window = window

    def download_selected(self) -> None:
        """The arXiv PDF of each selected paper that has an arXiv id and no PDF."""
        window = self.window
        if self.running():
            QMessageBox.information(
                window.dialog_parent(), "Download PDF", "A download is still running."
            )
            return
        selected = set(window.selected_paper_ids())
        wanted = [w for w in downloads.papers_to_fetch(window.library) if w.paper_id in selected]
        if not wanted:
            QMessageBox.information(
                window.dialog_parent(),
                "Download PDF",
                "None of the selected papers has an arXiv id and no PDF yet.",
            )
            return
        self.start(wanted)

    def start(self, wanted: Sequence[downloads.Wanted]) -> None:
        window = self.window
        folder = files_folder(window.library.path)
        wanted = list(wanted)
        total = len(wanted) * _STEPS

        def work(context: TaskContext) -> Batch:
            # The network stack loads here, on the lane's thread (about 0.3 s the first time).
            from papershelf.core.net.http import PoliteClient

            batch = Batch()
            with PoliteClient(cancelled=lambda: context.cancelled) as client:
                for number, paper in enumerate(wanted):
                    base = number * _STEPS

                    def moved(received: int, size: int | None, base: int = base) -> None:
                        part = min(_STEPS - 1, received * _STEPS // size) if size else 0
                        context.progress(base + part, total)

                    try:
                        done = downloads.download(folder, paper, client, progress=moved)
                    except NetCancelled:
                        batch.cancelled = True
                        break
                    except LibraryError as exc:
                        batch.errors.append(downloads.Fetched(paper.key, "error", reason=str(exc)))
                    else:
                        batch.downloaded.append(done)
                    if not context.progress(base + _STEPS, total):
                        batch.cancelled = number + 1 < len(wanted)
                        break
            return batch

        self._start_job(
            "download-pdf", f"Downloading {_pdfs(len(wanted))}…", "Download PDF", work,
            self._attach, lane=NETWORK, cancelled_by=(NetCancelled,),
        )  # fmt: skip

    def _attach(self, batch: Batch) -> None:
        """Attach what arrived (one undo step), read its text, and sum it up."""
        window = self.window
        attached: list[Attached] = []
        if batch.downloaded:

            def write() -> Changes:
                done, changes = downloads.attach_downloads(window.library, batch.downloaded)
                attached.extend(done)
                return changes

            try:
                window.apply(write)
            finally:
                downloads.discard(batch.downloaded)  # a refused write leaves nothing either
        for one in attached:
            window.read_pdf_text(one.attachment_id)
        fetched = [
            downloads.Fetched(d.wanted.key, "fetched", d.size)
            for d, _ in zip(batch.downloaded, attached, strict=False)
        ]
        lines = [o.line() for o in fetched + batch.errors]
        summary = f"fetched {len(fetched)}, error {len(batch.errors)}"
        if batch.cancelled:
            summary += "; cancelled (the PDFs that finished were kept)"
        shown = lines[:_SHOW_LINES] + (
            [f"… and {len(lines) - _SHOW_LINES} more"] if len(lines) > _SHOW_LINES else []
        )
        box = QMessageBox(
            QMessageBox.Icon.Information, "Download PDF", summary, parent=window.dialog_parent()
        )
        box.setObjectName("downloadResult")
        box.setInformativeText("\n".join(shown))
        box.exec()


def _pdfs(count: int) -> str:
    return plural(count, "PDF")
