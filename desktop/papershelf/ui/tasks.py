"""TaskManager: all work off the main thread, in one place (after Anki's ``qt/aqt/taskman.py``).

Table queries, sidebar counts, the full-text vocabulary, backups, imports and exports
run here, and so will network and PDF work. A task runs in a *lane*: one thread with
its own connection to the library, opened by the first task that asks for it (WAL
lets a lane read while the window writes, and an import write while the window
reads). Lanes keep what the reader waits for apart from what can wait: the table's
queries ("query") never queue behind the sidebar's counts ("counts"), nor either of
them behind the terms, an import or an export ("background"), nor that behind a
backup ("backup": minutes at a million papers).

Every task has a *kind*. A new task replaces a queued one of its kind and stops a
running one, and only the newest task of a kind delivers: a superseded result never
shows. Stopping a query interrupts its SQL (``sqlite3.Connection.interrupt``), which
is recognised by SQLite's result code (``errors.from_sqlite``), never by the words of
its message. Progress, results and errors reach the main thread through a queued
signal, and nothing is delivered after ``stop()`` (the window and its library are
gone). An error goes to the task's ``on_error`` or is shown as every error is: a
LibraryError as a message, anything else as the crash dialog (``ui/crash.py``).
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.errors import LibraryError, QueryCancelled, from_sqlite
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

FIRST = "first"  # a keystroke's first page, which the main thread waits for briefly
QUERY = "query"  # what the table shows: first pages and complete results
COUNTS = "counts"  # the sidebar's facet counts
BACKGROUND = "background"  # vocabulary, imports, exports: seconds, and nobody typing waits
NETWORK = "network"  # arXiv, Crossref, feeds: a slow service never holds up an import
BACKUP = "backup"  # minutes at a million papers: an import must not queue behind one

# Progress reaches the main thread at most this often: an import of 100,000 entries
# reports each one, and a queued signal per entry would flood the event loop.
PROGRESS_INTERVAL_S = 0.05
PROGRESS_SHOW_AFTER_MS = 400  # quick jobs never flash a dialog
# SQLite asks the lane's connection whether to go on every this many VM steps, so a
# cancel that lands between statements (where ``interrupt`` does nothing) still stops
# the next one.
_CHECK_EVERY = 100_000  # a few milliseconds of SQL; each check takes the GIL
# The window's own writes give up after this long instead of SQLite's 5 s: a lane may
# hold the write lock for a minute (an import), and the main thread must not freeze
# waiting for it. A note that cannot be written is kept and retried (NotePanel).
MAIN_THREAD_BUSY_TIMEOUT_MS = 100

Callback = Callable[..., None]


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    """Show ``error`` the one way every error is shown: a message, or the crash dialog."""
    if isinstance(error, LibraryError):
        QMessageBox.warning(parent, title, str(error))
    else:  # a bug: the excepthook logs it and opens the crash dialog (ui/crash.py)
        sys.excepthook(type(error), error, error.__traceback__)


def wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Run an event loop until ``done()`` holds (checked every few ms) or ``timeout_s``
    passes; whether it holds. For tools that drive the window from a script (selftest,
    screenshot): a real event loop, never a loop that pumps events by hand, which keeps the
    GIL from the lanes' threads."""
    if done():
        return True
    loop = QEventLoop()
    poll = QTimer(interval=5)
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    give_up = QTimer(singleShot=True, interval=max(1, int(timeout_s * 1000)))
    give_up.timeout.connect(loop.quit)
    poll.start()
    give_up.start()
    loop.exec()
    poll.stop()
    give_up.stop()
    return done()


def fail_fast_writes(library: Library) -> None:
    """Make the main thread's writes to ``library`` say "busy" at once, not after 5 s."""
    library.set_busy_timeout(MAIN_THREAD_BUSY_TIMEOUT_MS)


class Task:
    """One piece of work; ``cancel()`` stops it when it still can."""

    _order = itertools.count()

    def __init__(
        self,
        kind: str,
        lane: _Lane,
        work: Callable[[TaskContext], Any],
        *,
        title: str,
        on_done: Callback | None,
        on_error: Callback | None,
        on_progress: Callback | None,
        on_cancelled: Callback | None,
        interrupt: bool,
        priority: int,
        cancelled_by: tuple[type[BaseException], ...],
    ) -> None:
        self.kind = kind
        self.title = title
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.on_cancelled = on_cancelled
        self.interrupt = interrupt
        self.priority = priority
        self.cancelled_by = cancelled_by
        self.seq = next(Task._order)
        self.cancel_requested = False
        self._lane = lane
        self._ended = threading.Event()

    def cancel(self) -> None:
        """Stop the work: a queued task never runs, a running query is interrupted, and a
        task that reports progress is told to stop at its next report (an import then
        rolls back). A task that finishes anyway still delivers its result."""
        self._lane.cancel(self)

    @property
    def ended(self) -> bool:
        """True once the work has returned or raised (or will never run)."""
        return self._ended.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (the window is closing); False on timeout."""
        return self._ended.wait(timeout)


class TaskContext:
    """What a task's work gets: the lane's library, a progress reporter, cancellation."""

    def __init__(self, lane: _Lane, task: Task) -> None:
        self._lane = lane
        self._task = task
        self._last_report = 0.0

    @property
    def library(self) -> Library:
        """The lane's own connection to the library (opened on first use, in this thread)."""
        return self._lane.library()

    @property
    def cancelled(self) -> bool:
        return self._task.cancel_requested

    @property
    def closing(self) -> bool:
        """The window is closing (not a reader's Cancel): the work must end now."""
        return self._lane.stopped

    def progress(self, done: int, total: int) -> bool:
        """Report progress; False when the task was cancelled and should stop."""
        task = self._task
        if task.on_progress is not None:
            now = time.monotonic()
            if now - self._last_report >= PROGRESS_INTERVAL_S or (total and done >= total):
                self._last_report = now
                self._lane.progressed(task, done, total)
        return not task.cancel_requested


class _Lane:
    """One worker thread with its own library connection, running one task at a time."""

    def __init__(
        self,
        name: str,
        path: Path,
        finished: Callable[[Task, object, BaseException | None], None],
        progressed: Callable[[Task, int, int], None],
    ) -> None:
        self.name = name
        self.path = path
        self.finished = finished
        self.progressed = progressed
        self._cond = threading.Condition()
        self._pending: dict[str, Task] = {}
        self._running: Task | None = None
        self._library: Library | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def stopped(self) -> bool:
        """``stop`` was called: the window is closing."""
        return self._stopped

    def submit(self, task: Task) -> None:
        with self._cond:
            if self._stopped:
                task._ended.set()
                return
            replaced = self._pending.pop(task.kind, None)
            if replaced is not None:
                replaced._ended.set()  # it never runs
            self._pending[task.kind] = task
            if self._running is not None and self._running.kind == task.kind:
                self._stop_running()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name=f"papershelf-{self.name}", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def cancel(self, task: Task) -> None:
        with self._cond:
            task.cancel_requested = True
            if self._pending.get(task.kind) is task:
                del self._pending[task.kind]
                task._ended.set()
                # Queued: the owner still hears that it ended (a progress dialog closes).
                self.finished(task, None, QueryCancelled(task.title))
            elif self._running is task:
                self._stop_running()

    def _stop_running(self) -> None:
        """Called with the lock held, so the running task cannot change meanwhile."""
        task = self._running
        assert task is not None
        task.cancel_requested = True
        # SQLite clears an interrupt when the next statement starts with none active, so
        # one that lands after the task's last statement cannot hit the next task.
        if task.interrupt and self._library is not None:
            self._library.interrupt()

    def stop(self) -> None:
        """Run nothing more; stop the running task as ``cancel`` would."""
        with self._cond:
            self._stopped = True
            for task in self._pending.values():
                task.cancel_requested = True
                task._ended.set()
            self._pending.clear()
            if self._running is not None:
                self._stop_running()
            self._cond.notify()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def library(self) -> Library:
        if self._library is None:
            library = open_library(self.path, seed=False)
            library.stop_when(self._cancelled, _CHECK_EVERY)
            with self._cond:
                self._library = library
        return self._library

    def _cancelled(self) -> bool:
        """SQLite's progress handler: True stops the statement (SQLITE_INTERRUPT)."""
        task = self._running
        return task is not None and task.interrupt and task.cancel_requested

    def _next(self) -> Task | None:
        with self._cond:
            while not self._pending and not self._stopped:
                self._cond.wait()
            if self._stopped:
                return None
            task = min(self._pending.values(), key=lambda t: (t.priority, t.seq))
            del self._pending[task.kind]
            self._running = task
            return task

    def _loop(self) -> None:
        try:
            while (task := self._next()) is not None:
                self._run(task)
        finally:
            with self._cond:
                library, self._library = self._library, None
            if library is not None:
                library.close()

    def _run(self, task: Task) -> None:
        result: object = None
        error: BaseException | None = None
        if self._library is not None:  # a task may have set a check of its own
            self._library.stop_when(self._cancelled, _CHECK_EVERY)
        try:
            result = task.work(TaskContext(self, task))
        except Exception as exc:
            error = _translated(exc, task)
        finally:
            with self._cond:
                self._running = None
        self.finished(task, result, error)
        task._ended.set()


def _translated(exc: Exception, task: Task) -> BaseException:
    """What a task's exception means: raw SQLite errors as ``from_sqlite`` says, and any
    SQLite error of a query we interrupted as cancelled."""
    interrupted = task.interrupt and task.cancel_requested
    if isinstance(exc, sqlite3.Error):
        # FTS5 reports an interrupt that lands while it opens its table with the generic
        # SQLITE_ERROR code; we know whether we interrupted.
        error = from_sqlite(exc, task.title, interrupted=interrupted)
        error.__cause__ = exc
        error.__traceback__ = exc.__traceback__
        return error
    if interrupted and isinstance(exc.__cause__, sqlite3.Error):
        return QueryCancelled(task.title)  # the store translated it, not knowing why
    return exc


class TaskManager(QObject):
    """Runs tasks in lanes and hands their outcome to the main thread."""

    # From the lanes' threads; queued even when emitted on the main thread, so a
    # callback never runs inside the call that cancelled its task.
    _finished = Signal(object, object, object)
    _progressed = Signal(object, int, int)

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self._lanes: dict[str, _Lane] = {}
        self._latest: dict[str, Task] = {}  # the newest task of each kind, until delivered
        self._stopped = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._report_progress, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        kind: str,
        work: Callable[[TaskContext], Any],
        *,
        lane: str = BACKGROUND,
        title: str = "Papershelf",
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: Callback | None = None,
        on_cancelled: Callback | None = None,
        interrupt: bool = False,
        priority: int = 0,
        cancelled_by: tuple[type[BaseException], ...] = (),
    ) -> Task:
        """Run ``work(context)`` in ``lane``, superseding the last task of ``kind``.

        On the main thread afterwards: ``on_done(result)``; ``on_error(exception)`` (by
        default the error is shown); ``on_cancelled()`` when the task stopped because
        it was cancelled (an exception in ``cancelled_by``, or an interrupted query);
        ``on_progress(done, total)`` while it runs. ``interrupt``: cancelling
        interrupts the lane's SQL. Within a lane, lower ``priority`` runs first.
        """
        where = self._lane(lane)
        task = Task(
            kind,
            where,
            work,
            title=title,
            on_done=on_done,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
            interrupt=interrupt,
            priority=priority,
            cancelled_by=cancelled_by,
        )
        if self._stopped:
            task._ended.set()
            return task
        self._latest[kind] = task
        where.submit(task)
        return task

    def cancel(self, kind: str) -> None:
        """The last task of ``kind`` is no use now: stop it, and drop what it delivers."""
        task = self._latest.pop(kind, None)
        if task is not None:
            task.cancel()

    def pending(self, kind: str) -> bool:
        """True while a task of ``kind`` is queued or running and has not delivered."""
        return kind in self._latest

    def stop(self, timeout: float = 5.0) -> None:
        """The window is closing: run nothing more, deliver nothing more, close the lanes'
        connections. Waits up to ``timeout`` for running tasks to end."""
        self._stopped = True
        self._latest.clear()
        for lane in self._lanes.values():
            lane.stop()
        deadline = time.monotonic() + timeout
        for lane in self._lanes.values():
            lane.join(max(0.0, deadline - time.monotonic()))

    def report(self, error: BaseException, title: str = "Papershelf") -> None:
        """Show an error as every task's error is shown."""
        parent = self.parent()
        show_error(parent if isinstance(parent, QWidget) else None, title, error)

    # ------------------------------------------------------------ internals

    def _lane(self, name: str) -> _Lane:
        lane = self._lanes.get(name)
        if lane is None:
            lane = _Lane(name, self.library_path, self._finished.emit, self._progressed.emit)
            self._lanes[name] = lane
        return lane

    def _current(self, task: Task) -> bool:
        return not self._stopped and self._latest.get(task.kind) is task

    def _report_progress(self, task: Task, done: int, total: int) -> None:
        if self._current(task) and task.on_progress is not None:
            task.on_progress(done, total)

    def _deliver(self, task: Task, result: object, error: BaseException | None) -> None:
        if not self._current(task):
            return  # superseded, cancelled by its kind, or the window is closing
        del self._latest[task.kind]
        if error is None:
            if task.on_done is not None:
                task.on_done(result)
        elif isinstance(error, (QueryCancelled, *task.cancelled_by)):
            if task.on_cancelled is not None:
                task.on_cancelled()
        elif task.on_error is not None:
            task.on_error(error)
        else:
            self.report(error, task.title)


class ProgressDialog(QDialog):
    """A task's progress with Cancel, shown when the task takes a while.

    Not a QProgressDialog: a modal one runs the event loop inside ``setValue``, and the
    window's event loop must only ever run from the top.
    """

    def __init__(self, parent: QWidget, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self.setWindowTitle("Papershelf")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = QLabel(text)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the task says how much there is
        self.cancel_button = QPushButton("Cancel", objectName="cancelButton")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.setMinimumWidth(360)
        self.task: Task | None = None
        self._show_timer = QTimer(self, singleShot=True, interval=PROGRESS_SHOW_AFTER_MS)
        self._show_timer.timeout.connect(self.show)

    def follow(self, task: Task) -> None:
        """Show ``task``'s progress (after a moment) and cancel it on Cancel."""
        self.task = task
        self._show_timer.start()

    def step(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(min(done, total))

    def reject(self) -> None:
        """Cancel (also Esc and the close button): the dialog goes when the task ends."""
        if self.task is not None and not self.task.cancel_requested:
            self.label.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    def finish(self) -> None:
        """The task ended."""
        self._show_timer.stop()
        self.task = None
        self.hide()
        self.deleteLater()
