"""Typing while the window works in the background: issue 20's stall budget (50 ms)
while PDFs are read, a backup runs, a feed brings 10,000 papers and a .bib as many.

    uv run python tests/benchmarks/background.py --library /tmp/b100k.sqlite

The window opens on a copy of ``--library`` (the PDFs and the new papers are added to
it) and types the first ``--steps`` steps of the benchmark's session (``plan.py``) six
times (each again, up to four times, until a round after its work is done: its result
arriving is typed through), timing each keystroke to the table's repaint as ``run.py`` does while a
5 ms timer watches the main thread: alone; while it reads the text of ``--pdfs`` PDFs
of 40 pages each (attached just before, each read as the window reads one); while a
backup of the library runs (started as the window starts one); while a followed feed
of 10,000 new entries is refreshed (a real HTTP server on 127.0.0.1); while a .bib of
10,000 new entries is imported (File > Import); then alone again.
For each: keystroke p50/p95/max, the longest main-thread gap and what ran in it, and
how much of the work was done while typing. ``--json`` writes the whole record.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "core"))

from stats import machine, worker_main_guard  # noqa: E402

worker_main_guard()

from feeds import Papers  # noqa: E402
from pdfs import make_pdf  # noqa: E402
from plan import build_plan  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from qt_timing import StallMeter, StepTimer, Subject, idle, run_session  # noqa: E402
from window_worker import Sidebar, settle  # noqa: E402

from feed_fixtures import RSS, rss  # noqa: E402
from net_server import FixtureServer, Reply  # noqa: E402
from papershelf.core.ops import files as file_ops  # noqa: E402
from papershelf.core.ops import follow as follow_ops  # noqa: E402
from papershelf.core.store import attachments  # noqa: E402
from papershelf.ui import open_main_window  # noqa: E402
from papershelf.ui.window.backups import start_backup  # noqa: E402
from papershelf.ui.window.following import REFRESH_HOURS_KEY  # noqa: E402

STALL_BUDGET_MS = 50.0
ROUNDS = 4  # the steps typed at most this many times while the work goes on
PAGES = 40
_WORDS = ["learning", "neural", "network", "model", "data", "training", "results", "method"]


def _pdfs(folder: Path, count: int) -> list[Path]:
    """``count`` PDFs of ``PAGES`` pages of 45 lines each (about 0.3 s of pypdf each)."""
    made = []
    for i in range(count):
        lines = [
            " ".join(_WORDS[(i + j + k) % len(_WORDS)] for k in range(12)) + f" line {j}"
            for j in range(45)
        ]
        made.append(make_pdf(folder / f"paper{i}.pdf", [lines] * PAGES))
    return made


def _read(window: Any, ids: list[int]) -> int:
    """How many of the attachments ``ids`` have had their text read."""
    return sum(
        (found := attachments.get(window.library, i)) is not None and found.text_state is not None
        for i in ids
    )


def _bibliography(count: int) -> str:
    """``count`` BibTeX entries of new papers (the feed's generator's words and names)."""
    entries = [
        f"@article{{bg{n},\n  title = {{{item.title}}},\n"
        f"  author = {{{' and '.join(item.authors)}}},\n  year = {{2024}},\n"
        f"  journal = {{Background Letters}},\n  abstract = {{{item.abstract}}},\n}}\n"
        for n, item in enumerate(Papers(seed=20).items(count, "import"))
    ]
    return "\n".join(entries)


class Session:
    """The window typing the plan's first steps, timed, with the main thread watched."""

    def __init__(self, window: Any, steps: list[dict[str, Any]], pause_ms: int) -> None:
        self.window, self.steps, self.pause_ms = window, steps, pause_ms
        self.sidebar = Sidebar(window)
        model = window.model
        subject = Subject(
            edit=window.filter_edit,
            table=window.table,
            busy=lambda: bool(model.busy),
            stale=lambda: bool(model.stale),
            applied=model.resultApplied,
        )
        subject.actions["facet"] = self._facet
        self.timer = StepTimer(subject)
        self.outside_writes = 0  # writes by other processes the window took in
        took_in = window.library_changed

        def counted() -> None:
            self.outside_writes += 1
            took_in()

        window.library_changed = counted
        self.tasks: Counter[str] = Counter()  # the window's lane tasks, by kind
        run_task = window.tasks.run

        def logged(kind: str, *args: Any, **options: Any) -> Any:
            self.tasks[kind.split("-")[0]] += 1
            return run_task(kind, *args, **options)

        window.tasks.run = logged

    def _facet(self, step: dict[str, Any]) -> Any:
        self.sidebar.wait()
        token = self.sidebar.token(step["group"], step.get("index", 0))
        return None if token is None else lambda: self.window.toggle_filter_term(token, False)

    def type(
        self,
        start: Callable[[], object] = lambda: None,
        done: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        """Type the steps, the window settled first, ``start``ing the work just before;
        again until a round after the one that saw its work ``done`` (up to ``ROUNDS``
        rounds), so that its result arriving, and what the window does with it, is typed
        through too."""
        settle(self.window, self.sidebar)
        start()
        self.outside_writes = 0
        self.tasks.clear()
        stall = StallMeter()
        records: list[dict[str, Any]] = []
        gaps: list[tuple[float, str]] = []
        largest = 0.0
        started = time.perf_counter()
        rounds, after = 0, 0
        while rounds < ROUNDS and after < 2:
            records += run_session(self.timer, self.steps, stall, self.pause_ms)
            gaps += stall.gaps
            largest = max(largest, stall.max_ms())
            self.window.filter_edit.clear()
            rounds += 1
            after = 2 if done is None else after + done()
        typed_s = time.perf_counter() - started
        keys = sorted(r["ms"] for r in records if "ms" in r and r["kind"] in ("key", "backspace"))
        worst = sorted(gaps, key=lambda g: -g[0])[:3]
        return {
            "keys": len(keys),
            "p50_ms": round(statistics.median(keys), 1),
            "p95_ms": round(keys[int(len(keys) * 0.95)], 1),
            "max_ms": round(keys[-1], 1),
            "stall_ms": round(largest, 1),
            "worst": [{"ms": round(g * 1000, 2), "step": label} for g, label in worst],
            "rounds": rounds,
            "typed_s": round(typed_s, 1),
            "outside_writes": self.outside_writes,
            "lane_tasks": dict(self.tasks),
        }


def measure(library: Path, steps: int, pdfs: int, pause_ms: int, entries: int) -> dict[str, Any]:
    plan = build_plan(library)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / "library.sqlite"
        shutil.copyfile(library, copy)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        state = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Papershelf", "window"
        )
        state.setValue(REFRESH_HOURS_KEY, 0)  # the refresh measured, none at start
        state.sync()
        with FixtureServer() as server:
            server.route("/big.xml", Reply(200, rss(Papers().items(entries, "bg")), RSS))
            window = open_main_window(copy)
            follow_ops.add_follow(window.library, "Big", f"{server.url}/big.xml")
            session = Session(window, plan["steps"][:steps], pause_ms)
            phases: dict[str, Any] = {"alone": session.type()}

            files = _pdfs(work, pdfs)
            ids = [file_ops.attach(window.library, i + 1, f).attachment_id
                   for i, f in enumerate(files)]  # fmt: skip

            def read_pdfs() -> None:
                for attachment_id in ids:
                    window.files.read_text(attachment_id)

            phases["pdf"] = session.type(read_pdfs, lambda: _read(window, ids) == len(ids))
            read = _read(window, ids)
            phases["pdf"]["work_done"] = f"{read} of {len(ids)} PDFs read while typing"
            while _read(window, ids) < len(ids):  # the next phase's work alone
                idle(200)

            backups: list[Any] = []
            back_up = lambda: backups.append(start_backup(copy, watched=False))  # noqa: E731
            phases["backup"] = session.type(back_up, lambda: backups[0].poll() is not None)
            running = backups[0].poll() is None
            phases["backup"]["work_done"] = "still running" if running else "done"
            backups[0].wait()

            refreshed: list[float] = []
            following = window.following
            original = following._refreshed
            following._refreshed = lambda run: (original(run), refreshed.append(time.time()))
            phases["feed"] = session.type(following.refresh, lambda: bool(refreshed))
            phases["feed"]["work_done"] = "refreshed" if refreshed else "still refreshing"
            while not refreshed:
                idle(200)

            bib = work / "import.bib"
            bib.write_text(_bibliography(entries), encoding="utf-8")
            told: list[str] = []  # the import's summary, not a dialog waiting for a click
            window.exchange._tell = lambda _title, summary, _details: told.append(summary)
            phases["import"] = session.type(
                lambda: window.exchange.import_paths([bib]), lambda: bool(told)
            )
            phases["import"]["work_done"] = "imported" if told else "still importing"
            while not told:
                idle(200)
            phases["alone again"] = session.type()
            window.close()
    return {
        "library": str(library), "steps": steps, "pdfs": pdfs, "entries": entries,
        "phases": phases,
    }  # fmt: skip


def markdown(result: dict[str, Any]) -> str:
    rows = [
        "| typing | keys | p50 | p95 | max | longest stall | work done while typing |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, p in result["phases"].items():
        ok = "✅" if p["stall_ms"] <= STALL_BUDGET_MS else "❌"
        rows.append(
            f"| {name} | {p['keys']} | {p['p50_ms']} ms | {p['p95_ms']} ms | {p['max_ms']} ms "
            f"| {p['stall_ms']} ms {ok} | {p.get('work_done', '')} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=60, help="steps of the plan typed")
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--pause-ms", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10_000, help="the feed's and the .bib's")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.library, args.steps, args.pdfs, args.pause_ms, args.entries)
    result["machine"] = machine()
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
