"""Small shared helpers without Qt: percentiles, peak memory, the machine, JSON files."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FILTER_KINDS = frozenset({"key", "backspace", "escape", "facet", "set_text"})


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def distribution(values: list[float]) -> dict[str, float | int]:
    """p50, p95, max and count of milliseconds (zeros when there are none)."""
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0, "count": 0}
    return {
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "max_ms": round(max(values), 2),
        "count": len(values),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def filter_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Latency of the timed filter steps: overall, by band, the slowest, and anomalies."""
    timed = [r for r in records if r.get("kind") in FILTER_KINDS and not r.get("skipped")]
    by_band: dict[str, list[float]] = {}
    for record in timed:
        by_band.setdefault(str(record.get("band", record["kind"])), []).append(record["ms"])
    slowest = sorted(timed, key=lambda r: -r["ms"])[:8]
    first_paints = [r["first_paint_ms"] for r in timed if r.get("first_paint_ms") is not None]
    table = [r for r in timed if r.get("table_updated", True)]
    return {
        **distribution([r["ms"] for r in timed]),
        # Where the time went: the key event itself (the main thread is blocked), waiting
        # for a result from elsewhere (a query thread), and the repaint after it is applied.
        "phases": {
            "event": distribution([r["event_ms"] for r in table]),
            "wait": distribution([r["applied_ms"] - r["event_ms"] for r in table]),
            "paint": distribution([r["ms"] - r["applied_ms"] for r in table]),
        },
        "keystrokes": sum(1 for r in timed if r["kind"] in ("key", "backspace", "escape")),
        "facet_clicks": sum(1 for r in timed if r["kind"] in ("facet", "set_text")),
        "first_paint": distribution(first_paints),
        # The complete result (exact count, whole scroll range), after the first page.
        "complete": distribution([r.get("complete_ms", r["ms"]) for r in timed]),
        "by_band": {band: distribution(values) for band, values in sorted(by_band.items())},
        "slowest": [
            {
                k: r.get(k)
                for k in ("index", "kind", "key", "text", "ms", "first_paint_ms", "rows", "tasks")
            }
            for r in slowest
        ],
        "async_steps": sum(1 for r in timed if r.get("async")),
        "stale_steps": sum(1 for r in timed if r.get("stale")),
        "timeouts": sum(1 for r in timed if r.get("timed_out")),
        "no_table_change": sum(1 for r in timed if not r.get("table_updated", True)),
        "unexpected_text": sum(1 for r in timed if "unexpected_text" in r),
    }


def _read(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _git() -> dict[str, Any]:
    """The commit measured and whether the tree had local changes (read-only git)."""

    def run(*args: str) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        except OSError:
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    return {"commit": run("rev-parse", "--short", "HEAD"), "dirty": bool(run("status", "-s"))}


def machine() -> dict[str, Any]:
    """CPU, cores, RAM, versions and load: what a reader needs to compare two runs."""
    mem_kib = _read("/proc/meminfo", "MemTotal").split()[0]
    return {
        "cpu": _read("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gb": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "git": _git(),
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def worker_main_guard() -> None:
    """Workers run offscreen and find the sibling modules; call before importing Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
