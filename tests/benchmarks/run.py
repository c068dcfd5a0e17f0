"""Benchmark the window on one library, next to the naive Qt approach and bare SQL.

    uv run python tests/benchmarks/run.py --library /tmp/b100k.sqlite --out bench-100k.json

Every measurement runs in a fresh process (so each peak RSS is that approach's own):
three cold starts of the window, then the window's typing session, sorts and jump to
the last row, then the naive QStandardItemModel + QSortFilterProxyModel replaying the
same filter texts, then the bare SQL of each. Prints a Markdown table and writes the
whole run (every step's timing included) as JSON. Build libraries with synthetic.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from plan import build_plan  # noqa: E402
from report import budgets, markdown, ratios  # noqa: E402
from stats import REPO, machine, write_json  # noqa: E402

from papershelf.core.safety import backup  # noqa: E402
from papershelf.core.store.opening import open_library  # noqa: E402

WORKER_TIMEOUT_S = 3 * 3600
BACKUP_TIMEOUT_S = 1800


def _spawn(script: str, *args: object, timeout: float = WORKER_TIMEOUT_S) -> str:
    """Run a worker with the parent's spawn time as its first argument; its stdout."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # As on a reader's machine, Python keeps the compiled modules: a machine that sets
    # PYTHONDONTWRITEBYTECODE would otherwise time compiling every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.time()  # just before the interpreter starts: cold starts include Python's own
    argv = [sys.executable, str(HERE / script), *(str(a).replace("{t0}", repr(t0)) for a in args)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SystemExit(f"{script} did not finish within {timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-25:])
        raise SystemExit(f"{script} failed with status {proc.returncode}:\n{tail}")
    return proc.stdout


def prepare(library: Path) -> dict[str, Any]:
    """Bring an older library to the current schema, untimed, as the app's first open would.

    Otherwise the first cold start would time a backup and a migration (minutes at 1M).
    """
    from papershelf.core.store import schema

    conn = sqlite3.connect(library)
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    conn.close()
    if found >= schema.SCHEMA_VERSION:
        return {"schema": found}
    print(
        f"migrating schema {found} -> {schema.SCHEMA_VERSION} first (untimed; the app backs "
        "the library up before it migrates) ...",
        file=sys.stderr,
        flush=True,
    )
    start = time.perf_counter()
    open_library(library, seed=False).close()
    return {
        "schema": schema.SCHEMA_VERSION,
        "migrated_from": found,
        "migration_s": round(time.perf_counter() - start, 1),
    }


def cold_starts(library: Path, runs: int, tmp: Path) -> dict[str, Any]:
    """Median of ``runs`` fresh processes from spawn to the first painted rows.

    One start first, untimed: it compiles the modules to bytecode, which only the first
    start after an install does (about 0.3 s on the benchmark machine).
    """
    _spawn("cold_start.py", "{t0}", library, tmp / "cold-settings-first", timeout=300)
    phases = []
    for i in range(runs):
        out = _spawn("cold_start.py", "{t0}", library, tmp / f"cold-settings-{i}", timeout=300)
        phases.append(json.loads(out.strip().splitlines()[-1]))
    firsts = [p["first_rows_s"] for p in phases]
    return {
        "cold_start_s": round(statistics.median(firsts), 3),
        "cold_start_runs": firsts,
        "cold_start_phases": phases,
    }


def _backups(library: Path) -> set[Path]:
    return {b.path for b in backup.list_backups(backup.default_backup_folder(library), library)}


def backup_after_quit(library: Path, kept: set[Path], quit: dict[str, Any]) -> dict[str, Any]:
    """How long after the window closed the backup it started at quit was made.

    Waited for, so that it does not run under the next measurements, then deleted
    (it is the benchmark's, and a million papers' backup is 6 GB): the next run
    measures the same quit.
    """
    if not quit["backup_started"]:
        return {"backup_s": None}
    print("waiting for the backup started at quit ...", file=sys.stderr, flush=True)
    deadline = time.monotonic() + BACKUP_TIMEOUT_S
    while time.monotonic() < deadline:
        made = _backups(library) - kept
        if made:
            done_s = time.time() - quit["closing_at"]  # a backup's name appears when verified
            for path in made:
                path.unlink()
            return {"backup_s": round(done_s, 1)}
        time.sleep(0.2)
    raise SystemExit(f"the backup started at quit was not made within {BACKUP_TIMEOUT_S} s")


def replay(plan: dict[str, Any], window: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan for the naive run: each facet click becomes the text it produced."""
    done = {r["index"]: r for r in window["steps"]}
    steps = []
    for index, step in enumerate(plan["steps"]):
        if step["kind"] != "facet":
            steps.append(step)
        elif index in done and not done[index].get("skipped"):
            steps.append({"kind": "set_text", "text": done[index]["text"], "band": "facet"})
    return steps


def command_line(argv: list[str]) -> str:
    """How to run this again from the repository root."""
    script = Path(argv[0]).resolve()
    try:
        shown = str(script.relative_to(REPO))
    except ValueError:
        shown = str(script)
    return "uv run python " + shlex.join([shown, *argv[1:]])


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one library; the result dictionary written as JSON."""
    library = args.library.resolve()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    schema = prepare(library)
    info = machine()
    plan = build_plan(library, quick=args.quick)
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        write_json(tmp / "plan.json", plan)
        print(f"cold start x{args.cold_runs} ...", file=sys.stderr, flush=True)
        cold = cold_starts(library, args.cold_runs, tmp)
        print(f"window: {plan['keystrokes']} keystrokes ...", file=sys.stderr, flush=True)
        kept = _backups(library)
        _spawn(
            "window_worker.py", library, tmp / "plan.json", tmp / "window.json",
            tmp / "window-settings", args.pause_ms, args.current_row,
        )  # fmt: skip
        gone_at = time.time()
        window = json.loads((tmp / "window.json").read_text(encoding="utf-8"))
        window["quit"].update(
            gone_s=round(gone_at - window["quit"]["closing_at"], 3),
            **backup_after_quit(library, kept, window["quit"]),
        )
        write_json(tmp / "replay.json", replay(plan, window))
        naive: dict[str, Any] = {"skipped": "--no-naive"}
        if args.naive:
            print("naive Qt ...", file=sys.stderr, flush=True)
            _spawn(
                "naive_worker.py", library, tmp / "replay.json", tmp / "naive.json", "{t0}",
                args.naive_limit or 0, args.pause_ms,
            )  # fmt: skip
            naive = json.loads((tmp / "naive.json").read_text(encoding="utf-8"))
        print("bare SQL ...", file=sys.stderr, flush=True)
        sorts = {name: e.get("sort_key") for name, e in window["sort"]["columns"].items()}
        write_json(tmp / "sql-replay.json", {"steps": window["steps"], "sorts": sorts})
        _spawn("sql_worker.py", library, tmp / "sql-replay.json", tmp / "sql.json", "{t0}")
        sql = json.loads((tmp / "sql.json").read_text(encoding="utf-8"))
    versions = window.pop("versions")
    info.update(qt=versions["qt"], pyside6=versions["pyside6"])
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result: dict[str, Any] = {
        "command": command_line(sys.argv),
        "argv": sys.orig_argv,
        "started": started,
        "machine": info,
        "library": {
            "path": str(library),
            "papers": window["papers"],
            "size_mb": round(library.stat().st_size / 2**20, 1),
            **schema,
        },
        "options": {
            "quick": args.quick,
            "pause_ms": args.pause_ms,
            "cold_runs": args.cold_runs,
            "naive": args.naive,
            "naive_limit": args.naive_limit,
            "current_row": args.current_row,
        },
        "session": {"words": plan["words"], "keystrokes": plan["keystrokes"]},
        "papershelf": {**cold, **window},
        "naive": naive,
        "sql": sql,
    }
    result["ratios"] = ratios(result)
    result["budgets"] = budgets(result)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True, help="library file to measure")
    parser.add_argument(
        "--naive", action=argparse.BooleanOptionalAction, default=True,
        help="also time QStandardItemModel + QSortFilterProxyModel (minutes and GBs at 1M)",
    )  # fmt: skip
    parser.add_argument("--naive-limit", type=int, default=None, help="naive loads N papers")
    parser.add_argument("--out", type=Path, default=Path("benchmark.json"), help="JSON result")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts (median)")
    parser.add_argument(
        "--pause-ms", type=int, default=250,
        help="idle time at each typing pause (the sidebar recounts in it)",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="one word per band (the smoke test); same code"
    )
    parser.add_argument(
        "--current-row", type=int, default=-1,
        help="type with the paper in this row current, as a reader who chose one (-1: none)",
    )  # fmt: skip
    return parser.parse_args(argv)


def main() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # every worker inherits it
    args = parse_args()
    if not args.library.is_file():
        raise SystemExit(f"no library at {args.library}; build one with synthetic.py")
    result = run(args)
    write_json(args.out, result)
    table = markdown(result)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
