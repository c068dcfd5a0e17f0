"""Short version of the crash stress run (the full one: tests/e2e/stress_kill.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from stress_kill import stress


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_random_kills_lose_nothing_older_than_500_ms(library_path: Path) -> None:
    results = stress(library_path, rounds=4)
    assert sum(r["note"] for r in results) > 40
    assert sum(r["status"] for r in results) > 4
    assert sum(r["tag"] for r in results) > 2
