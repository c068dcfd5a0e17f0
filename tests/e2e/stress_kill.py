"""Crash stress: SIGKILL the window at random moments while a reader types notes,
changes statuses and edits tags; after each kill the library must pass
``PRAGMA integrity_check`` and hold every change made more than 500 ms before it.

    uv run python tests/e2e/stress_kill.py --rounds 50 [--library PATH]

pytest runs a short version (tests/e2e/test_stress_kill.py).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPIST = Path(__file__).with_name("stress_typist.py")
TEXT = "".join(f"w{i:04d} " for i in range(5000))
PROMISE_S = 0.5


def run_and_kill(script: Path, args: list[str], run_for: float) -> tuple[list[list[str]], float]:
    """Run a typist script, SIGKILL it ``run_for`` seconds after it says "ready", and
    return the fields of each line it printed (its last field is a monotonic time)
    and the moment of the kill."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    lines: list[list[str]] = []
    started = None
    try:
        for line in child.stdout:
            fields = line.split()
            if fields[0] == "ready":
                started = float(fields[-1])
                continue
            lines.append(fields)
            if started is not None and float(fields[-1]) - started >= run_for:
                break
        child.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    if started is None:
        raise AssertionError(
            f"the window never started: {child.stderr.read() if child.stderr else ''}"
        )
    assert child.returncode == -signal.SIGKILL
    return lines, killed_at


def one_round(library: Path, settings: Path, round_: int, run_for: float) -> dict[str, int]:
    """Run the typist for ``run_for`` seconds, kill it, and check what survived."""
    lines, killed_at = run_and_kill(TYPIST, [str(library), str(settings), str(round_)], run_for)
    steps = [(kind, int(paper), value, float(stamp)) for kind, paper, value, stamp in lines]
    safe = [s for s in steps if s[3] <= killed_at - PROMISE_S]
    with sqlite3.connect(library) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        notes = [s for s in safe if s[0] == "note"]
        if notes:
            body = conn.execute(
                "SELECT body FROM notes WHERE paper_id = ?", (notes[-1][1],)
            ).fetchone()
            typed = int(notes[-1][2])
            assert body is not None and body[0].startswith(TEXT[:typed].rstrip()), (typed, body)
        for kind, paper, value, _ in safe:
            if kind == "status":
                latest = [s for s in steps if s[0] == "status" and s[1] == paper][-1]
                found = conn.execute("SELECT status FROM papers WHERE id = ?", (paper,)).fetchone()
                assert found[0] in (value, latest[2]), (paper, value, found)
            elif kind == "tag":
                found = conn.execute(
                    "SELECT 1 FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                    "WHERE pt.paper_id = ? AND t.name = ?",
                    (paper, value),
                ).fetchone()
                assert found is not None, (paper, value)
    return {kind: sum(1 for s in safe if s[0] == kind) for kind in ("note", "status", "tag")}


def stress(library: Path, rounds: int, seed: int = 1) -> list[dict[str, int]]:
    """Kill and restart ``rounds`` times at random moments; every round is checked."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as settings:
        return [one_round(library, Path(settings), n, rng.uniform(0.6, 2.0)) for n in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--library", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = args.library or Path(folder) / "library.sqlite"
        start = time.monotonic()
        results = stress(library, args.rounds)
        total = {k: sum(r[k] for r in results) for k in ("note", "status", "tag")}
        print(
            f"{args.rounds} kills in {time.monotonic() - start:.0f} s: integrity ok every time; "
            f"checked {total['note']} keystrokes, {total['status']} status changes, "
            f"{total['tag']} tag edits older than {PROMISE_S * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
