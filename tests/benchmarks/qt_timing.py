"""Timing an action to the paint that shows its result, shared by the window and naive runs.

Waiting is always a real ``QEventLoop.exec()``: ``QTest.qWait`` and ``processEvents``
loops keep the GIL, which starves a model's Python query thread and would measure a
window that never gets its result.

A step is timed from just before its event (key press, header click, scroll) to the
end of the next paint of the table's viewport after the new result's rows are shown:
when the model says it is ``stale`` after the event (still showing the previous
result), the clock waits for ``resultApplied`` with ``stale`` false, then for the
paint. While the model is ``busy`` after that (the complete list, and so the exact
count, is still coming from its query thread) the step waits for it too, untimed for
the paint but recorded as ``complete_ms``. A step that leaves the table unchanged (a
filter still being typed that gives an error message) is timed to the filter box's paint.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QTableView, QWidget

STEP_TIMEOUT_S = 60.0
Action = Callable[[], object]
Prepare = Callable[[dict[str, Any]], Action | None]  # readies a step; None skips it


class Waiter(QObject):
    """Runs an event loop until ``wake()`` or a timeout; ``wait`` says which happened."""

    def __init__(self) -> None:
        super().__init__()
        self._loop: QEventLoop | None = None
        self._woken = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._quit)

    def reset(self) -> None:
        self._woken = False

    def wake(self) -> None:
        self._woken = True
        self._quit()

    def _quit(self) -> None:
        if self._loop is not None:
            self._loop.quit()

    def wait(self, timeout_s: float) -> bool:
        """True when woken (now or before), False after ``timeout_s`` without a wake."""
        if self._woken:
            return True
        self._loop = QEventLoop()
        self._timer.start(max(1, int(timeout_s * 1000)))
        self._loop.exec()
        self._timer.stop()
        self._loop = None
        return self._woken


def idle(ms: int) -> None:
    """Let the event loop (and the model's threads) run for ``ms`` milliseconds."""
    Waiter().wait(ms / 1000)


class PaintClock(QObject):
    """Records when watched widgets' paints start and end; ``paint_after`` waits for the
    end of a widget's first paint that started after a given time."""

    def __init__(self, widgets: list[QWidget]) -> None:
        super().__init__()
        self._widgets = widgets
        self.starts: list[list[float]] = [[] for _ in widgets]
        self.ends: list[list[float]] = [[] for _ in widgets]
        self._waiter = Waiter()
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            for i, widget in enumerate(self._widgets):
                if watched is widget:
                    self.starts[i].append(time.perf_counter())
                    # Runs once this paint (and the flush it belongs to) is over.
                    QTimer.singleShot(0, lambda i=i: self._painted(i))
        return False

    def _painted(self, widget: int) -> None:
        self.ends[widget].append(time.perf_counter())
        self._waiter.wake()

    def paint_after(self, widget: int, after: float, timeout_s: float) -> float | None:
        """End time of ``widgets[widget]``'s first paint that started at ``after`` or
        later (it may be over already: a result applied while its step waited for it is
        painted in that wait), or None on timeout."""
        deadline = time.perf_counter() + timeout_s
        while True:
            self._waiter.reset()
            starts, ends = self.starts[widget], self.ends[widget]
            first = bisect.bisect_left(starts, after)
            if first < len(ends):
                return ends[first]
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not self._waiter.wait(remaining):
                return None


class StallMeter(QObject):
    """A 5 ms timer; the largest gap between its timeouts is the main thread's worst stall."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.label = ""
        self.gaps: list[tuple[float, str]] = []
        self.largest = 0.0
        self._last = 0.0
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.largest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._tick()
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self._last = now
        self.largest = max(self.largest, gap)
        if gap > 0.02:  # stalls worth naming
            self.gaps.append((gap, self.label))

    def worst(self, count: int = 5) -> list[dict[str, Any]]:
        """The ``count`` longest gaps, with the step that was running when each ended."""
        top = sorted(self.gaps, key=lambda g: -g[0])[:count]
        return [{"ms": round(g * 1000, 2), "step": label} for g, label in top]

    def max_ms(self) -> float:
        return round(self.largest * 1000, 2)


@dataclass
class Subject:
    """What a session drives: a filter box and a table over a model."""

    edit: QLineEdit
    table: QTableView
    busy: Callable[[], bool] = lambda: False
    stale: Callable[[], bool] = lambda: False
    applied: Any = None  # the model's resultApplied signal, when it has one
    actions: dict[str, Prepare] = field(default_factory=dict)

    @property
    def model(self) -> QAbstractItemModel:
        return self.table.model()


class StepTimer:
    """Times actions on a Subject to the paint that shows their result."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.clock = PaintClock([subject.table.viewport(), subject.edit])
        self._changed = False
        self._applied = Waiter()
        self.applied_at: float | None = None
        model = subject.model
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.dataChanged,
        ):
            signal.connect(self._mark_changed)
        if subject.applied is not None:
            subject.applied.connect(self._on_applied)

    def _mark_changed(self, *_: Any) -> None:
        self._changed = True

    def _on_applied(self) -> None:
        self._changed = True
        self.applied_at = time.perf_counter()
        self._applied.wake()

    def _wait_applied(self, done: Callable[[], bool], deadline: float) -> float | None:
        """When ``resultApplied`` last fired once ``done()`` holds; None on timeout."""
        while not done():
            self._applied.reset()
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not self._applied.wait(remaining):
                return None
        return self.applied_at

    def time(self, action: Action, table_paint: bool | None = None) -> dict[str, Any]:
        """Run ``action``; milliseconds to the paint after its result, and what happened.

        ``table_paint`` None: wait for the table when the model changed, else for the
        filter box; True: always the table (scrolling changes no model).
        """
        busy, stale = self.subject.busy, self.subject.stale
        self._changed = False
        self.applied_at = None
        first_index = len(self.clock.starts[0])
        t0 = time.perf_counter()
        deadline = t0 + STEP_TIMEOUT_S
        action()
        returned = time.perf_counter()
        was_busy, was_stale = busy(), stale()
        shown = self._wait_applied(lambda: not stale(), deadline) if was_stale else returned
        timed_out = shown is None
        on_table = self._changed if table_paint is None else table_paint
        widget = 0 if on_table else 1
        end = None if timed_out else self.clock.paint_after(widget, shown, STEP_TIMEOUT_S)
        timed_out = timed_out or end is None
        complete = end
        if not timed_out and busy():
            complete = self._wait_applied(lambda: not busy(), deadline)
            timed_out = complete is None
        paints = self.clock.starts[0][first_index:]
        return {
            "ms": round(((end or time.perf_counter()) - t0) * 1000, 3),
            "complete_ms": round(((complete or time.perf_counter()) - t0) * 1000, 3),
            "event_ms": round((returned - t0) * 1000, 3),
            "applied_ms": round(((shown or returned) - t0) * 1000, 3),
            "first_paint_ms": round((paints[0] - t0) * 1000, 3) if paints else None,
            "async": was_busy,
            "stale": was_stale,
            "table_updated": on_table,
            "timed_out": timed_out,
            "rows": self.subject.model.rowCount(),
        }


def _key_action(edit: QLineEdit, step: dict[str, Any]) -> Action | None:
    kind = step["kind"]
    if kind == "key":
        return lambda: QTest.keyClick(edit, step["key"])
    if kind == "backspace":
        return lambda: QTest.keyClick(edit, Qt.Key.Key_Backspace)
    if kind == "escape":
        return lambda: QTest.keyClick(edit, Qt.Key.Key_Escape)
    return None


def run_session(
    timer: StepTimer, steps: list[dict[str, Any]], stall: StallMeter, pause_ms: int
) -> list[dict[str, Any]]:
    """Play ``steps`` into the timer's subject; one record per step that is not a pause.

    ``subject.actions`` maps other step kinds (a facet click) to a function that gets
    the step ready (waiting, untimed, for what it needs) and returns the action to time,
    or None to skip it.
    """
    subject = timer.subject
    edit = subject.edit
    edit.setFocus()
    records: list[dict[str, Any]] = []
    stall.start()
    for index, step in enumerate(steps):
        kind = step["kind"]
        if kind == "pause":
            stall.label = f"pause after #{index - 1} {edit.text()!r}"
            idle(pause_ms)
            continue
        prepare = subject.actions.get(kind)
        action = prepare(step) if prepare is not None else _key_action(edit, step)
        before = edit.text()
        if action is None:
            records.append({"index": index, "kind": kind, "skipped": True, "text": before})
            continue
        stall.label = f"#{index} {kind} {step.get('key', '')!r} on {before!r}"
        record = timer.time(action)
        text = edit.text()
        record.update(index=index, kind=kind, band=step.get("band", kind), text=text)
        if "key" in step:
            record["key"] = step["key"]
        if step.get("expect") is not None and step["expect"] != text:
            record["unexpected_text"] = step["expect"]
        records.append(record)
    stall.stop()
    return records


def time_sorts(
    timer: StepTimer, stall: StallMeter, before: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """Sort by each visible column both ways (a header click), each timed to its paint.

    ``before`` runs untimed before each click (the window waits for its sidebar), so a
    sort is measured on a quiet window. The original sort is restored afterwards.
    """
    table = timer.subject.table
    header, model = table.horizontalHeader(), timer.subject.model
    up, down = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    original = (header.sortIndicatorSection(), header.sortIndicatorOrder())
    columns: dict[str, dict[str, Any]] = {}
    stall.start()
    for visual in range(header.count()):
        col = header.logicalIndex(visual)
        if header.isSectionHidden(col):
            continue
        name = str(model.headerData(col, Qt.Orientation.Horizontal))
        current = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        entry: dict[str, Any] = {"column": col}
        for order in (down, up) if current == (col, up) else (up, down):
            before()
            label = "asc" if order == up else "desc"
            stall.label = f"sort {name} {label}"
            entry[label] = timer.time(partial(header.setSortIndicator, col, order))
        columns[name] = entry
    stall.stop()
    before()
    timer.time(lambda: header.setSortIndicator(*original))
    times = [entry[o]["ms"] for entry in columns.values() for o in ("asc", "desc")]
    return {
        "columns": columns,
        "max_ms": max(times, default=0.0),
        "stall_max_ms": stall.max_ms(),
        "stalls": stall.worst(3),
    }


def time_selecting(timer: StepTimer, stall: StallMeter, rows: int = 40) -> dict[str, Any]:
    """Move the current paper as a reader does: down a row at a time, then a page at a
    time, to the end and back to the top; each key timed to the table's paint, with
    the stall meter watching (the details pane follows each move on the main thread).
    Records the current row after each kind of move, so a key that moved nothing shows.
    """
    table = timer.subject.table
    table.setFocus()
    table.selectRow(0)
    moves = [(Qt.Key.Key_Down, rows), (Qt.Key.Key_PageDown, 5), (Qt.Key.Key_End, 1)]
    times: list[float] = []
    reached: dict[str, int] = {}
    stall.start()
    for key, count in [*moves, (Qt.Key.Key_Home, 1)]:
        stall.label = f"select {key.name}"
        for _ in range(count):
            times.append(timer.time(partial(QTest.keyClick, table, key), table_paint=True)["ms"])
        reached[key.name.removeprefix("Key_")] = table.currentIndex().row()
    stall.stop()
    times.sort()
    return {
        "keys": len(times),
        "rows_reached": reached,
        "p50_ms": times[len(times) // 2],
        "max_ms": times[-1],
        "stall_max_ms": stall.max_ms(),
        "stalls": stall.worst(3),
    }
