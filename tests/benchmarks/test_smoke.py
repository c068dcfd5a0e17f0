"""The benchmark harness end to end on 1,000 synthetic papers, so it never rots.

Same code paths as a real run (cold starts, the window's session, sorts, jump, the
naive model and bare SQL), with one word per frequency band (``--quick``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("papershelf", "naive", "sql")


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def _synthetic(tmp_path: Path, papers: int) -> Path:
    library = tmp_path / "bench.sqlite"
    command = [sys.executable, str(HERE / "synthetic.py"), str(papers), str(library)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return library


def test_harness_measures_every_section(tmp_path: Path) -> None:
    library = _synthetic(tmp_path, 1000)
    out, table = tmp_path / "bench.json", tmp_path / "bench.md"
    command = [
        sys.executable, str(HERE / "run.py"), "--library", str(library), "--quick",
        "--pause-ms", "150", "--out", str(out), "--markdown", str(table), "--current-row", "2",
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["library"]["papers"] == 1000
    for key in ("cpu", "cores", "ram_gb", "python", "qt", "sqlite"):
        assert result["machine"][key], key
    ours = result["papershelf"]
    assert len(ours["cold_start_runs"]) == 3
    assert ours["filter"]["keystrokes"] >= 100
    assert ours["filter"]["facet_clicks"] >= 3
    assert ours["filter"]["timeouts"] == 0
    assert ours["filter"]["unexpected_text"] == 0
    assert ours["current_paper"] == {"row": 2, "kept": True}  # typed with a paper chosen
    for name in SECTIONS:
        section = result[name]
        assert _positive(section["cold_start_s"]), name
        for figure in ("p50_ms", "p95_ms", "max_ms"):
            assert _positive(section["filter"][figure]), (name, figure)
        assert _positive(section["sort"]["max_ms"]), name
        assert section["sort"]["columns"], name
        for entry in section["sort"]["columns"].values():
            assert _positive(entry["asc"]["ms"]) and _positive(entry["desc"]["ms"]), name
        assert _positive(section["jump_to_last"]["ms"]), name
        assert _positive(section["peak_rss_mb"]), name
    for name in ("papershelf", "naive"):
        assert _positive(result[name]["stall"]["max_ms"]), name
    # Moving between papers: every key moved the current paper where a reader expects.
    selecting = ours["selecting"]
    assert selecting["keys"] == 47 and _positive(selecting["max_ms"])
    assert _positive(selecting["stall_max_ms"]) and _positive(ours["sort"]["stall_max_ms"])
    reached = selecting["rows_reached"]
    assert reached["Down"] == 40 and 40 < reached["PageDown"] < 999
    assert reached["End"] == 999 and reached["Home"] == 0, reached
    assert ours["sidebar_ms"] and all(_positive(ms) for ms in ours["sidebar_ms"])
    assert ours["sidebar_slowest"][0]["ms"] == max(ours["sidebar_ms"])
    # A small library is never estimated: its first counts are its exact ones.
    assert not any(c["estimated"] for c in ours["sidebar_counted"])
    assert ours["sidebar_first_ms"] == ours["sidebar_ms"]
    # What the lanes did in each step: the first key's first page, then its complete list.
    first_key = next(r for r in ours["steps"] if r["kind"] == "key")
    kinds = [task[0] for task in first_key["tasks"]]
    assert kinds[0] == "first" and "ids" in kinds, kinds
    assert all(0 <= t[2] <= t[3] <= t[4] for t in first_key["tasks"])
    # Quit with a result being found: the backup it started was waited for and removed.
    quit = ours["quit"]
    assert quit["backup_started"] and _positive(quit["backup_s"])
    assert 0 < quit["window_closed_ms"] / 1000 < quit["gone_s"]
    assert not list((tmp_path / "backups").glob("bench-*.sqlite"))
    for ratios in result["ratios"].values():
        assert all(r is None or r > 0 for r in ratios.values())
    assert result["ratios"]["filter_p95_ms"]["naive"] is not None
    assert result["ratios"]["filter_p95_ms"]["sql"] is not None
    markdown = table.read_text(encoding="utf-8")
    assert "| peak RSS |" in markdown and markdown in proc.stdout
    assert "| quit, a result still being found" in markdown


def test_bibtex_import_benchmark_imports_every_paper(tmp_path: Path) -> None:
    library = _synthetic(tmp_path, 300)
    out = tmp_path / "bibtex.json"
    command = [sys.executable, str(HERE / "bibtex_import.py"), "--library", str(library)]
    proc = subprocess.run([*command, "--json", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["entries"] == figures["added"] == figures["papers_after"] == 300
    for phase in ("parse_s", "add_s", "indexes_s"):
        assert 0 <= figures[phase] <= figures["total_s"], phase
    assert "per 100k" in proc.stdout


def test_typing_while_the_window_works_in_the_background_is_measured(tmp_path: Path) -> None:
    library = _synthetic(tmp_path, 1000)
    out = tmp_path / "background.json"
    command = [
        sys.executable, str(HERE / "background.py"), "--library", str(library), "--steps", "8",
        "--pdfs", "2", "--entries", "50", "--pause-ms", "50", "--json", str(out),
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    phases = json.loads(out.read_text(encoding="utf-8"))["phases"]
    assert list(phases) == ["alone", "pdf", "backup", "feed", "import", "alone again"]
    for name, phase in phases.items():
        assert phase["keys"] >= 5 and _positive(phase["stall_ms"]), name
    assert "| import |" in proc.stdout


def test_first_pages_are_timed_key_by_key(tmp_path: Path) -> None:
    library = _synthetic(tmp_path, 300)
    out = tmp_path / "first-pages.json"
    command = [sys.executable, str(HERE / "first_pages.py"), "--library", str(library)]
    proc = subprocess.run([*command, "--rounds", "2", "--json", str(out)], capture_output=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert len(figures["rounds"]) == 2
    for summary in figures["rounds"]:
        assert summary["keys"] >= 100 and 0 < summary["p50_ms"] <= summary["max_ms"]
    assert figures["slowest"] and all(len(ms) >= 2 for ms in figures["slowest"].values())
