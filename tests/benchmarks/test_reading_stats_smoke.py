"""The reading statistics benchmark end to end on a small history, so it never rots:
the library is built, both ways are timed, and they agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_statistics_benchmark_agrees_with_the_naive_count(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    command = [
        sys.executable, str(HERE / "reading_stats.py"), "--library", str(tmp_path / "s.sqlite"),
        "--papers", "3000", "--changes", "800", "--runs", "2", "--out", str(out),
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["same_figures"] is True
    assert (result["papers"], result["status_changes"]) == (3000, 800)
    assert result["weeks"] > 100 and result["stats_first_s"] > 0 and result["naive_python_s"] > 0
