"""Time ``first_page`` alone over the harness's typing session, key by key.

The window's keystroke time is mostly painting and waiting on threads; this isolates
the part the first-page planner decides (which plan, when to give way), so a change
to it can be compared on the same keys in a few seconds, without Qt:

    uv run python tests/benchmarks/first_pages.py --library /tmp/other100k.sqlite

Each round types the session's texts in order (the first round is partly cold), with
the window's arguments: 121 rows, a screenful of 50 early, a 60 ms deadline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan import build_plan

from papershelf.core.search.first_page import first_page
from papershelf.core.search.query import compile_query
from papershelf.core.search.vocabulary import Vocabulary
from papershelf.core.store.opening import open_library

PAGE, SCREENFUL, DEADLINE_S = 121, 50, 0.06


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def time_rounds(library_path: Path, rounds: int, quick: bool = False) -> dict[str, Any]:
    """Milliseconds per key for each round, with each round's summary."""
    texts = [step.get("expect") or "" for step in build_plan(library_path, quick)["steps"]]
    queries = [(t, compile_query(t)) for t in texts if t and t.strip()]
    queries = [(t, q) for t, q in queries if q.error is None]
    per_key: dict[str, list[float]] = {}
    summaries = []
    with open_library(library_path, seed=False) as library:
        vocabulary = Vocabulary.load(library)
        for _ in range(rounds):
            times = []
            for text, query in queries:
                start = time.perf_counter()
                first_page(library, query, "published", True, PAGE, vocabulary, DEADLINE_S,
                           SCREENFUL)  # fmt: skip
                ms = (time.perf_counter() - start) * 1000
                times.append(ms)
                per_key.setdefault(text, []).append(round(ms, 2))
            summaries.append({
                "keys": len(times), "sum_ms": round(sum(times), 1),
                "p50_ms": round(_percentile(times, 0.5), 2),
                "p95_ms": round(_percentile(times, 0.95), 2), "max_ms": round(max(times), 2),
            })  # fmt: skip
    slowest = sorted(per_key.items(), key=lambda item: -min(item[1]))[:12]
    return {"rounds": summaries, "slowest": dict(slowest)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = time_rounds(args.library, args.rounds)
    for index, summary in enumerate(result["rounds"]):
        print(f"round {index}: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    print("slowest keys (ms each time typed, every round):")
    for text, times in result["slowest"].items():
        print(f"  {text!r:36} " + " ".join(f"{ms:.1f}" for ms in times))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
