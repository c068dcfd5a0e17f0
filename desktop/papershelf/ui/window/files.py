"""The window's files: attach (menu, dialog, drop on a row), add from a dropped PDF, open.

Dropping a file on a paper's row attaches it to that paper; dropping a PDF on the
table below the rows adds a paper from it (``ops.files.add_pdf``). Enter, a double
click and ``actionOpenPaper`` open the current paper (its PDF, else its DOI or arXiv
page, else its code); opening a new or to-read paper marks it reading unless the
reader turned that off (``actionMarkReadingOnOpen``, kept in the window's settings).

A PDF's text is read after it is attached, and at start for any PDF whose text was
never read, by ``papershelf read-text`` in a process of its own, watched from the task
service's background lane. The files nothing can bring back
any more (``folder.clean_up``) are deleted when the window starts and when it closes:
while it is open, its undo history may still restore a deleted paper's file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QSettings, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QTableView, QWidget

from papershelf.core.errors import LibraryError, NetCancelled
from papershelf.core.files.folder import clean_up
from papershelf.core.files.opener import OPENER_ENV, Opener, system_opener
from papershelf.core.ops import files as ops
from papershelf.core.ops.changes import Changes
from papershelf.core.store import attachments
from papershelf.core.store.library import Library
from papershelf.ui import own_process
from papershelf.ui.table.model import PAPER_ID_ROLE
from papershelf.ui.tasks import BACKGROUND, NETWORK, TaskContext, TaskManager

if TYPE_CHECKING:  # the network stack (httpx, feedparser) loads when first used
    from papershelf.core.ops import capture


MARK_READING_KEY = "open/markReading"


class FilesHost(Protocol):
    """What the window gives this part of it."""

    library: Library
    tasks: TaskManager

    def apply(self, operation: Callable[[], Changes]) -> Changes | None: ...
    def current_paper_id(self) -> int | None: ...
    def show_paper(self, paper_id: int) -> None: ...
    def dialog_parent(self) -> QWidget: ...
    def statusBar(self) -> QStatusBar: ...


def qt_opener(url: str) -> None:
    """The desktop's opener (or ``PAPERSHELF_OPENER``'s command, as on the command line)."""
    if os.environ.get(OPENER_ENV, "").strip():
        system_opener()(url)
    elif not QDesktopServices.openUrl(QUrl(url)):
        raise LibraryError(f"the system could not open {url}")


class PaperFiles(QObject):
    """Attaching and opening in one window; tests replace ``opener`` with a recorder."""

    def __init__(
        self, host: FilesHost, table: QTableView, settings: Callable[[], QSettings]
    ) -> None:
        super().__init__(table)
        self.host = host
        self.table = table
        self.settings = settings
        self.opener: Opener = qt_opener
        self._unread: list[int] = []  # attachments whose text is to be read next
        self._reading = False  # a process reading PDFs' text runs
        table.setAcceptDrops(True)
        table.viewport().setAcceptDrops(True)
        table.viewport().installEventFilter(self)
        table.doubleClicked.connect(lambda _index: self.open_current())

    # ------------------------------------------------------------ settings

    @property
    def mark_reading(self) -> bool:
        """Whether opening a new or to-read paper marks it reading (default: yes)."""
        return str(self.settings().value(MARK_READING_KEY, "true")).lower() == "true"

    @mark_reading.setter
    def mark_reading(self, on: bool) -> None:
        state = self.settings()
        state.setValue(MARK_READING_KEY, "true" if on else "false")
        state.sync()

    # ------------------------------------------------------------ start and close

    def at_start(self) -> None:
        """Delete what nothing can bring back; read the text no one has read yet."""
        self._clean()
        for found in attachments.unread_pdfs(self.host.library):
            self.read_text(found.id)

    def at_close(self) -> None:
        """The undo history goes with the window: what only it could restore goes too."""
        self._clean()

    def _clean(self) -> None:
        # Read-only, or let go of already (a restore): tried again next time.
        with contextlib.suppress(LibraryError, sqlite3.Error):
            clean_up(self.host.library)

    # ------------------------------------------------------------ opening

    def open_current(self) -> None:
        """Open the current paper; the reader is told when there is nothing to open."""
        paper_id = self.host.current_paper_id()
        if paper_id is None:
            return
        library = self.host.library
        opened: list[Changes | None] = []

        def operation() -> Changes:
            _, marked = ops.open_paper(
                library, paper_id, self.opener, mark_reading=self.mark_reading
            )
            opened.append(marked)
            return marked if marked is not None else Changes("Open paper")

        try:
            self.host.apply(operation)
        except LibraryError as exc:  # pragma: no cover - apply reports its own errors
            QMessageBox.warning(self.host.dialog_parent(), "Open Paper", str(exc))

    def open_attachment(self, index: int) -> None:
        """Open the current paper's ``index``-th attachment (a PDF; else its folder)."""
        paper_id = self.host.current_paper_id()
        if paper_id is None:
            return
        found = attachments.of_papers(self.host.library, [paper_id])[paper_id]
        if not 0 <= index < len(found):
            return
        try:
            ops.open_attachment(self.host.library, found[index].id, self.opener)
        except LibraryError as exc:
            QMessageBox.warning(self.host.dialog_parent(), "Open File", str(exc))

    # ------------------------------------------------------------ attaching

    def choose_and_attach(self, *, link: bool = False) -> None:
        """Ask for a file and attach it to the current paper (copied, or linked)."""
        paper_id = self.host.current_paper_id()
        if paper_id is None:
            return
        title = "Link File" if link else "Attach File"
        name, _ = QFileDialog.getOpenFileName(
            self.host.dialog_parent(), title, "", "PDF files (*.pdf);;All files (*)"
        )
        if name:
            self.attach(paper_id, Path(name), link=link)

    def attach(self, paper_id: int, path: Path, *, link: bool = False) -> None:
        """Attach ``path`` to a paper (one undo step), then read its text on a thread."""
        done: list[ops.Attached] = []

        def operation() -> Changes:
            done.append(ops.attach(self.host.library, paper_id, path, link=link))
            return done[-1].changes

        self.host.apply(operation)
        if done and done[-1].kind == attachments.PDF:
            self.read_text(done[-1].attachment_id)

    def add_pdf(self, path: Path) -> None:
        """Add (or complete) a paper from a PDF, show it, and read its text on a thread.

        The arXiv id or DOI the PDF names is looked up on the network lane first; the
        paper is then written on the main thread (one undo step). Offline, the paper is
        made from the PDF alone, tagged incomplete, and the status bar says why.
        """

        def work(context: TaskContext) -> capture.Answered:
            # The network stack and pypdf load here, on the lane's thread.
            from papershelf.core.net.http import PoliteClient
            from papershelf.core.ops import capture

            with PoliteClient(cancelled=lambda: context.cancelled) as client:
                return capture.look_up_pdf(path, client)

        self.host.tasks.run(
            f"add-pdf-{path}", work, lane=NETWORK, title=f"Add {path.name}",
            on_done=lambda answers: self._add_pdf(path, answers),
            cancelled_by=(NetCancelled,),
        )  # fmt: skip

    def _add_pdf(self, path: Path, lookup: ops.Lookup) -> None:
        done: list[ops.AddedFromPdf] = []

        def operation() -> Changes:
            done.append(ops.add_pdf(self.host.library, path, lookup))
            return done[-1].changes

        self.host.apply(operation)
        if not done:
            return
        added = done[-1]
        self.host.show_paper(added.paper_id)
        self.read_text(added.attachment_id)
        if added.lookup_error:
            self.host.statusBar().showMessage(
                f"Could not look up {path.name} ({added.lookup_error}): added from the PDF "
                f"alone, tagged {ops.INCOMPLETE_TAG}.",
                20_000,
            )
        elif added.incomplete:
            self.host.statusBar().showMessage(
                f"{path.name} names no identifier or title: the paper is named after the "
                f"file, tagged {ops.INCOMPLETE_TAG}.",
                20_000,
            )

    def read_text(self, attachment_id: int) -> None:
        """Index a PDF's text as ``papershelf read-text`` in a process of its own (pypdf
        on a thread here held the main thread for seconds: ``ui/own_process``), watched
        from the background lane; the window sees the text as an outside write. PDFs
        queued while one process reads are read by the next, together (a process
        costs a start of its own: 0.2-0.3 s)."""
        self._unread.append(attachment_id)
        if not self._reading:
            self._read_queued()

    def _read_queued(self) -> None:
        numbers, self._unread = self._unread, []
        self._reading = bool(numbers)
        if not numbers:
            return
        named = [f"--attachment={n}" for n in numbers]
        command = own_process.own_command(self.host.library.path, "--no-seed", "read-text", *named)

        def work(context: TaskContext) -> str | None:
            process = own_process.start(command, watched=True)
            cancelled = lambda: context.cancelled  # noqa: E731
            return own_process.wait(process, cancelled, kill=True, what="reading PDFs")

        self.host.tasks.run(
            f"pdf-text-{numbers[0]}",
            work,
            lane=BACKGROUND,
            title="Reading PDFs",
            on_done=lambda _out: self._read_queued(),
            # A PDF that cannot be read stays attached, its text not searchable.
            on_error=lambda _error: self._read_queued(),
        )

    # ------------------------------------------------------------ dropping

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            drag = event
            assert isinstance(drag, QDragEnterEvent | QDragMoveEvent)
            if self._dropped_files(drag):
                drag.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            drop = event
            assert isinstance(drop, QDropEvent)
            files = self._dropped_files(drop)
            if files:
                drop.acceptProposedAction()
                self.dropped(files, self.table.indexAt(drop.position().toPoint()).row())
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _dropped_files(event: QDropEvent) -> list[Path]:
        data = event.mimeData()
        if not data.hasUrls():
            return []
        urls = data.urls()
        return [Path(u.toLocalFile()) for u in urls] if all(u.isLocalFile() for u in urls) else []

    def dropped(self, files: list[Path], row: int) -> None:
        """Files dropped on the table: on a row, attached to it; below the rows, each PDF
        adds a paper and other files are imported as the window's drop does."""
        if row >= 0:
            paper_id = self.host.current_paper_id()
            model_id = self.table.model().index(row, 0).data(PAPER_ID_ROLE)
            target = int(model_id) if isinstance(model_id, int) else paper_id
            if target is None:
                return
            self.host.show_paper(target)
            for path in files:
                self.attach(target, path)
            return
        for path in files:
            if path.suffix.lower() == ".pdf":
                self.add_pdf(path)
        others = [p for p in files if p.suffix.lower() != ".pdf"]
        if others:
            window = self.table.window()
            exchange = getattr(window, "exchange", None)
            if exchange is not None:
                exchange.import_paths(others)
