"""The one task service (ui/tasks.py): lanes, supersede and cancel by kind, results and
errors on the main thread, nothing after stop(). Real library files, real threads."""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

import papershelf
from papershelf.core.errors import BugError, LibraryError
from papershelf.ui.tasks import BACKGROUND, COUNTS, QUERY, TaskContext, TaskManager

WAIT_MS = 30_000  # generous: how long a worker may take to get going on a loaded machine
# Runs until interrupted: ~10^12 rows of a recursive CTE.
ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000000) "
    "SELECT count(*) FROM n"
)


@pytest.fixture
def tasks(qtbot, library_path: Path) -> Iterator[TaskManager]:
    manager = TaskManager(library_path)
    yield manager
    manager.stop()


class Gate:
    """Holds a worker until the test opens it (never a sleep)."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def __call__(self, _context: TaskContext) -> str:
        self.reached.set()
        assert self.opened.wait(WAIT_MS / 1000)
        return "gate"


def test_work_runs_on_a_lane_and_results_arrive_on_the_main_thread(qtbot, tasks) -> None:
    seen: dict[str, threading.Thread] = {}

    def work(context: TaskContext) -> int:
        seen["work"] = threading.current_thread()
        return context.library.count()

    results: list[int] = []

    def done(count: int) -> None:
        seen["done"] = threading.current_thread()
        results.append(count)

    tasks.run("count", work, lane=QUERY, on_done=done)
    qtbot.waitUntil(lambda: results == [50], timeout=WAIT_MS)
    assert seen["work"] is not threading.main_thread()
    assert seen["done"] is threading.main_thread()
    assert not tasks.pending("count")


def test_a_newer_task_replaces_a_queued_one_of_its_kind(qtbot, tasks) -> None:
    gate = Gate()
    tasks.run("block", gate, lane=BACKGROUND)
    assert gate.reached.wait(WAIT_MS / 1000)
    ran: list[str] = []
    delivered: list[str] = []

    def job(name: str):
        def work(_context: TaskContext) -> str:
            ran.append(name)
            return name

        return work

    first = tasks.run("terms", job("first"), on_done=delivered.append)
    tasks.run("other", job("other"), on_done=delivered.append)  # another kind stays
    tasks.run("terms", job("second"), on_done=delivered.append)
    assert first.ended  # it will never run: whoever waits for it is not left hanging
    gate.opened.set()
    qtbot.waitUntil(lambda: len(delivered) == 2, timeout=WAIT_MS)
    assert sorted(ran) == ["other", "second"]  # the replaced one never ran
    assert sorted(delivered) == ["other", "second"]


def test_a_newer_query_interrupts_a_running_one_and_only_the_newer_delivers(qtbot, tasks) -> None:
    started = threading.Event()
    outcomes: list[object] = []

    def endless(context: TaskContext) -> object:
        conn = context.library.conn
        started.set()
        return conn.execute(ENDLESS).fetchone()

    first = tasks.run(
        "ids", endless, lane=QUERY, interrupt=True,
        on_done=outcomes.append, on_error=outcomes.append,
        on_cancelled=lambda: outcomes.append("cancelled"),
    )  # fmt: skip
    assert started.wait(WAIT_MS / 1000)
    tasks.run("ids", lambda context: context.library.count(), lane=QUERY, on_done=outcomes.append)
    assert first.wait(WAIT_MS / 1000)  # it would run for hours unless interrupted
    qtbot.waitUntil(lambda: outcomes == [50], timeout=WAIT_MS)


def test_a_cancelled_query_is_told_apart_by_its_sqlite_code(qtbot, tasks) -> None:
    started = threading.Event()
    outcomes: list[object] = []

    def endless(context: TaskContext) -> object:
        conn = context.library.conn
        started.set()
        return conn.execute(ENDLESS).fetchone()

    task = tasks.run(
        "facets", endless, lane=COUNTS, interrupt=True,
        on_done=outcomes.append, on_error=outcomes.append,
        on_cancelled=lambda: outcomes.append("cancelled"),
    )  # fmt: skip
    assert started.wait(WAIT_MS / 1000)
    task.cancel()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=WAIT_MS)
    assert outcomes == ["cancelled"]


def test_an_interrupted_query_the_store_reworded_is_still_a_cancellation(qtbot, tasks) -> None:
    """The store translates SQLite's errors; one it did not know was an interrupt (FTS5
    says "vtable constructor failed") still counts as cancelled for the task we stopped."""
    started = threading.Event()
    outcomes: list[object] = []

    def endless(context: TaskContext) -> object:
        conn = context.library.conn
        started.set()
        try:
            return conn.execute(ENDLESS).fetchone()
        except sqlite3.Error as exc:
            raise BugError("counting failed: vtable constructor failed") from exc

    task = tasks.run(
        "facets", endless, lane=COUNTS, interrupt=True,
        on_done=outcomes.append, on_error=outcomes.append,
        on_cancelled=lambda: outcomes.append("cancelled"),
    )  # fmt: skip
    assert started.wait(WAIT_MS / 1000)
    task.cancel()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=WAIT_MS)
    assert outcomes == ["cancelled"]


def test_the_word_interrupt_in_a_message_is_not_a_cancellation(qtbot, tasks) -> None:
    """Near miss: only SQLite's result code says a statement was interrupted."""
    errors: list[BaseException] = []
    cancelled: list[str] = []

    def fails(_context: TaskContext) -> None:
        raise sqlite3.OperationalError("interrupted sequence of tokens near 'x'")

    tasks.run(
        "facets", fails, lane=COUNTS, on_error=errors.append,
        on_cancelled=lambda: cancelled.append("cancelled"),
    )  # fmt: skip
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert cancelled == []
    assert isinstance(errors[0], BugError)  # a generic SQLite error: our mistake
    assert isinstance(errors[0].__cause__, sqlite3.OperationalError)


def test_errors_are_shown_one_way_a_message_or_the_crash_dialog(qtbot, tasks, monkeypatch) -> None:
    messages: list[tuple[str, str]] = []
    crashes: list[BaseException] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: messages.append((title, text))
    )
    monkeypatch.setattr(sys, "excepthook", lambda _kind, value, _tb: crashes.append(value))

    def reader_error(_context: TaskContext) -> None:
        raise LibraryError("the library is busy; try again")

    def bug(_context: TaskContext) -> None:
        raise ValueError("a mistake in our code")

    def bad_sql(_context: TaskContext) -> None:
        sqlite3.connect(":memory:").execute("SELECT * FROM nowhere")

    tasks.run("one", reader_error, title="Import")
    tasks.run("two", bug, title="Export")
    qtbot.waitUntil(lambda: bool(messages) and bool(crashes), timeout=WAIT_MS)
    assert messages == [("Import", "the library is busy; try again")]
    assert isinstance(crashes[0], ValueError) and crashes[0].__traceback__ is not None
    tasks.run("three", bad_sql, title="Counting")  # raw SQLite errors are translated first
    qtbot.waitUntil(lambda: len(crashes) == 2, timeout=WAIT_MS)
    assert isinstance(crashes[1], BugError) and "no such table" in str(crashes[1])
    assert len(messages) == 1


def test_a_query_never_waits_behind_counts_or_an_import(qtbot, tasks) -> None:
    counts, background = Gate(), Gate()
    tasks.run("facets", counts, lane=COUNTS)
    tasks.run("import", background, lane=BACKGROUND)
    assert counts.reached.wait(WAIT_MS / 1000) and background.reached.wait(WAIT_MS / 1000)
    got: list[int] = []
    tasks.run("ids", lambda context: context.library.count(), lane=QUERY, on_done=got.append)
    qtbot.waitUntil(lambda: got == [50], timeout=WAIT_MS)
    assert not counts.opened.is_set() and not background.opened.is_set()  # both still held
    counts.opened.set()
    background.opened.set()


def test_progress_reaches_the_main_thread_and_cancel_stops_the_work(qtbot, tasks) -> None:
    steps: list[tuple[int, int, bool]] = []

    def record(done: int, total: int) -> None:
        steps.append((done, total, threading.current_thread() is threading.main_thread()))

    gate = threading.Event()
    stopped_at: list[int] = []

    def work(context: TaskContext) -> str:
        for done in range(1, 1_000_000):
            if not context.progress(done, 1_000_000):
                stopped_at.append(done)
                raise LibraryError("stopped")  # as an import's ImportCancelled would be
            if done == 1:
                assert gate.wait(WAIT_MS / 1000)
        return "finished"

    cancelled: list[str] = []
    task = tasks.run(
        "import", work, cancelled_by=(LibraryError,),
        on_progress=record,
        on_cancelled=lambda: cancelled.append("cancelled"),
    )  # fmt: skip
    qtbot.waitUntil(lambda: bool(steps), timeout=WAIT_MS)
    assert steps[0] == (1, 1_000_000, True)
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: cancelled == ["cancelled"], timeout=WAIT_MS)
    assert stopped_at == [2]


def test_results_queued_before_stop_never_arrive(qtbot, library_path: Path) -> None:
    delivered: list[object] = []
    for stop in (False, True):
        manager = TaskManager(library_path)
        task = manager.run("ids", lambda c: c.library.count(), lane=QUERY, on_done=delivered.append)
        assert task.wait(WAIT_MS / 1000)  # its result is queued, not yet delivered
        if stop:
            manager.stop()
        QCoreApplication.sendPostedEvents()  # deliver what is queued, nothing else
        QCoreApplication.sendPostedEvents()
        manager.stop()
    assert delivered == [50]  # the near miss (no stop) delivered; the stopped one did not


def test_stop_interrupts_a_running_query_and_closes_the_lanes(qtbot, library_path: Path) -> None:
    manager = TaskManager(library_path)
    started = threading.Event()

    def endless(context: TaskContext) -> object:
        started.set()
        return context.library.conn.execute(ENDLESS).fetchone()

    task = manager.run("ids", endless, lane=QUERY, interrupt=True)
    assert started.wait(WAIT_MS / 1000)
    manager.stop(timeout=WAIT_MS / 1000)
    assert task.ended
    later = manager.run("ids", lambda c: c.library.count(), lane=QUERY)
    assert later.ended  # nothing runs after stop


def test_no_event_loop_spinning_left_in_the_package() -> None:
    package = Path(papershelf.__file__).parent
    spinning = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bprocessEvents\b", line)
    ]
    assert spinning == []
