"""One background job at a time with a progress dialog: the base of the window's
imports and exports, captures and downloads, which differ only in what they run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QStatusBar, QWidget

from papershelf.core.errors import LibraryError
from papershelf.core.ops.changes import Changes
from papershelf.core.store.library import Library
from papershelf.ui.tasks import ProgressDialog, Task, TaskContext, TaskManager


class JobHost(Protocol):
    @property
    def tasks(self) -> TaskManager: ...
    def dialog_parent(self) -> QWidget: ...


class PapersJobHost(JobHost, Protocol):
    """A window whose jobs act on the selected papers and change the library."""

    @property
    def library(self) -> Library: ...
    def selected_paper_ids(self) -> list[int]: ...
    def apply(self, operation: Callable[[], Changes]) -> Changes | None: ...
    def statusBar(self) -> QStatusBar: ...


class ProgressJob:
    """Runs ``work`` on a lane of the task service while a progress dialog follows it."""

    def __init__(self, host: JobHost) -> None:
        self._host = host
        self.task: Task | None = None  # the job running, if any
        self.progress: ProgressDialog | None = None

    def running(self) -> bool:
        """True while a job started here has not ended."""
        return self.task is not None

    def _start_job(
        self,
        kind: str,
        text: str,
        title: str,
        work: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None],
        *,
        lane: str,
        failed: str | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancelled_by: tuple[type[BaseException], ...] = (),
    ) -> None:
        """Start ``work``; an error a reader can act on is reported as a message that
        begins with ``failed`` ("Nothing was imported: ...")."""
        host = self._host
        progress = ProgressDialog(host.dialog_parent(), text)

        def ended() -> None:
            progress.finish()
            self.task = self.progress = None

        def done(result: Any) -> None:
            ended()
            on_done(result)

        def error(exc: BaseException) -> None:
            ended()
            if failed is not None and isinstance(exc, LibraryError):
                exc = LibraryError(f"{failed}: {exc}")
            host.tasks.report(exc, title)

        def cancelled() -> None:
            ended()
            if on_cancelled is not None:
                on_cancelled()

        self.progress = progress
        self.task = host.tasks.run(
            kind, work, lane=lane, title=title, on_done=done, on_error=error,
            on_progress=progress.step, on_cancelled=cancelled, cancelled_by=cancelled_by,
        )  # fmt: skip
        progress.follow(self.task)
