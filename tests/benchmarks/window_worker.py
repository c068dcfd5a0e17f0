"""The Papershelf window, measured in a process of its own (so its peak RSS is its own).

    python tests/benchmarks/window_worker.py LIBRARY PLAN.json OUT.json SETTINGS_DIR PAUSE_MS [ROW]

Plays the plan's typing session into ``filterEdit`` while a 5 ms timer watches for
stalls, then sorts by every visible column, jumps to the last row and reports the
peak RSS. Writes the filter text after every step, which the naive and SQL runs
replay. Then quits as a reader does who types a common word and closes the window at
once, its result and counts still being found, with the backup at quit started as the
app's window starts it: the JSON says when the window was closed, and the process ends
as the app's does (no shortcut), so ``run.py`` times the quit to the process gone.
With ROW (not -1), the paper in that row is current while it types, as a reader's
chosen paper is: each result looks for its row, and the panes follow it.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from stats import filter_summary, peak_rss_mb, worker_main_guard, write_json

worker_main_guard()

import PySide6  # noqa: E402
from PySide6.QtCore import QSettings, qVersion  # noqa: E402
from qt_timing import (  # noqa: E402
    Action,
    StallMeter,
    StepTimer,
    Subject,
    Waiter,
    idle,
    run_session,
    time_selecting,
    time_sorts,
)

from papershelf.core.search.filter_text import has_term  # noqa: E402
from papershelf.ui import open_main_window  # noqa: E402
from papershelf.ui.panes.facet_tree import MORE_AUTHORS, TOKEN_ROLE  # noqa: E402
from papershelf.ui.table.columns import COLUMNS  # noqa: E402

SETTLE_TIMEOUT_S = 180.0


class Sidebar:
    """Knows whether the facet tree has been counted since the table's result last changed."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.fresh = False
        self.first_ms: float | None = None  # estimated counts shown (a large result at 1M)
        self.changed_at = time.perf_counter()
        self.counted: list[dict[str, Any]] = []  # each count's delay and filter, in order
        self._waiter = Waiter()
        model = window.model
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(self._result_changed)
        window.facets.model().rowsInserted.connect(self._counted)

    def _result_changed(self, *_: Any) -> None:
        self.fresh = False
        self.first_ms = None
        self.changed_at = time.perf_counter()
        self._waiter.reset()

    def _counted(self, *_: Any) -> None:
        """The exact counts' delay, and the estimates' when those came first."""
        if self.fresh:
            return
        ms = round((time.perf_counter() - self.changed_at) * 1000, 2)
        if self.window.facets.estimated:
            self.first_ms = self.first_ms or ms
            return
        self.fresh = True
        text = self.window.filter_edit.text()
        estimated = self.first_ms is not None
        first = self.first_ms or ms
        self.counted.append({"ms": ms, "first_ms": first, "estimated": estimated, "text": text})
        self._waiter.wake()

    def wait(self) -> bool:
        """Wait (untimed) until the sidebar shows counts for the current result."""
        return self.fresh or self._waiter.wait(SETTLE_TIMEOUT_S)

    def token(self, group: str, index: int) -> str | None:
        """The ``index``-th token of ``group`` that is not already in the filter."""
        tree, text = self.window.facets, self.window.filter_edit.text()
        for g in range(tree.topLevelItemCount()):
            top = tree.topLevelItem(g)
            if top.text(0) != group:
                continue
            tokens = [top.child(c).data(0, TOKEN_ROLE) for c in range(top.childCount())]
            usable = [
                t for t in tokens if isinstance(t, str) and t and t != MORE_AUTHORS
                and not has_term(text, t)
            ]  # fmt: skip
            return usable[min(index, len(usable) - 1)] if usable else None
        return None


class TaskLog:
    """When each of the window's lane tasks was queued, started and ended: what the
    lanes did during each step (the first page, the page, the complete list, counts)."""

    def __init__(self, tasks: Any, timer: StepTimer) -> None:
        self.entries: list[tuple[str, str, float, float, float]] = []
        self.steps: list[tuple[dict[str, Any], float]] = []  # each step and its start
        run, time_step = tasks.run, timer.time

        def timed_step(action: Any, table_paint: bool | None = None) -> dict[str, Any]:
            started = time.perf_counter()
            record = time_step(action, table_paint)
            self.steps.append((record, started))
            return record

        def logged(kind: str, work: Any, **options: Any) -> Any:
            queued = time.perf_counter()

            def timed(context: Any) -> Any:
                started = time.perf_counter()
                try:
                    return work(context)
                finally:
                    lane = str(options.get("lane", "background"))
                    self.entries.append((kind, lane, queued, started, time.perf_counter()))

            return run(kind, timed, **options)

        tasks.run, timer.time = logged, timed_step

    def attach(self) -> None:
        """Give each timed step the tasks queued from its start to the next step's, as
        [kind, lane, queued, started, ended] in ms from the step's start."""
        ends = [started for _, started in self.steps[1:]] + [float("inf")]
        for (record, t0), end in zip(self.steps, ends, strict=True):
            record["tasks"] = [
                [kind, lane, *(round((t - t0) * 1000, 1) for t in (queued, started, ended))]
                for kind, lane, queued, started, ended in list(self.entries)
                if t0 <= queued < end
            ]


def _busy(model: Any) -> bool:
    return bool(getattr(model, "busy", False))


def settle(window: Any, sidebar: Sidebar) -> None:
    """Wait (untimed) until the result is complete and the sidebar counted, then idle."""
    deadline = time.perf_counter() + SETTLE_TIMEOUT_S
    while _busy(window.model) and time.perf_counter() < deadline:
        idle(20)
    sidebar.wait()
    idle(50)


def main() -> None:
    library, plan_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    settings_dir, pause_ms = sys.argv[4], int(sys.argv[5])
    current_row = int(sys.argv[6]) if len(sys.argv) > 6 else -1
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    started = time.perf_counter()
    window = open_main_window(library)
    sidebar = Sidebar(window)
    model = window.model
    subject = Subject(
        edit=window.filter_edit,
        table=window.table,
        busy=lambda: _busy(model),
        stale=lambda: bool(getattr(model, "stale", False)),
        applied=getattr(model, "resultApplied", None),
    )

    def facet(step: dict[str, Any]) -> Action | None:
        sidebar.wait()
        token = sidebar.token(step["group"], step.get("index", 0))
        step["token"] = token
        return None if token is None else lambda: window.toggle_filter_term(token, False)

    subject.actions["facet"] = facet
    timer = StepTimer(subject)
    settle(window, sidebar)
    ready_s = time.perf_counter() - started
    chosen = None
    if current_row >= 0:
        window.table.selectRow(current_row)
        settle(window, sidebar)
        chosen = window.model.paper_id(current_row)
    stall = StallMeter()
    lanes = TaskLog(window.tasks, timer)
    records = run_session(timer, plan["steps"], stall, pause_ms)
    lanes.attach()
    for record in records:  # what the sidebar click added, for the replays
        record["token"] = plan["steps"][record["index"]].get("token")
    session_stall = {"max_ms": stall.max_ms(), "worst": stall.worst()}
    if window.filter_edit.text():
        timer.time(window.filter_edit.clear)
    settle(window, sidebar)
    # Every paper is shown again: the one chosen before typing must be current again.
    kept = chosen is not None and window.current_paper_id() == chosen
    current = {"row": current_row, "kept": kept}
    sorts = time_sorts(timer, stall, before=lambda: settle(window, sidebar))
    for entry in sorts["columns"].values():  # the ORDER BY each column maps to, for bare SQL
        col = entry["column"]
        entry["sort_key"] = COLUMNS[col].sort if col < len(COLUMNS) else None
    settle(window, sidebar)
    selecting = time_selecting(timer, stall)
    settle(window, sidebar)
    jump = timer.time(window.table.scrollToBottom, table_paint=True)
    result = {
        "papers": model.rowCount(),
        "ready_s": round(ready_s, 3),
        "steps": records,
        "filter": filter_summary(records),
        "stall": session_stall,
        "current_paper": current,
        "sidebar_ms": sorted(c["ms"] for c in sidebar.counted),
        "sidebar_first_ms": sorted(c["first_ms"] for c in sidebar.counted),
        "sidebar_counted": sidebar.counted,
        "sidebar_slowest": sorted(sidebar.counted, key=lambda c: -c["ms"])[:3],
        "sort": sorts,
        "selecting": selecting,
        "jump_to_last": jump,
        "peak_rss_mb": peak_rss_mb(),
        "versions": {
            "pyside6": PySide6.__version__,
            "qt": qVersion(),
            "sqlite": sqlite3.sqlite_version,
        },
        "model_has_busy": hasattr(model, "busy"),
    }
    result["quit"] = quit_busy(window, plan["words"]["common"][0])
    write_json(out, result)


def quit_busy(window: Any, word: str) -> dict[str, Any]:
    """Type ``word`` and close the window before its result and counts are in."""
    window.backups.running = True  # as in the app, whose window schedules backups
    window.filter_edit.setText(word)
    closing_at = time.time()
    window.close()
    return {
        "closing_at": closing_at,
        "window_closed_ms": round((time.time() - closing_at) * 1000, 2),
        "backup_started": window.backups.process is not None,
        "text": word,
    }


if __name__ == "__main__":
    main()
