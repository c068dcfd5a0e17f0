"""Notes are never lost: SIGKILL the app mid-typing, everything older than 500 ms is there."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from papershelf.core.library import Library

TYPIST = Path(__file__).with_name("note_typist.py")
TEXT = "".join(f"word{i:04d} " for i in range(2000))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("typing_seconds", [0.8, 1.3, 2.2])
def test_note_survives_sigkill(library_path: Path, tmp_path: Path, typing_seconds: float) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, str(TYPIST), str(library_path), "xie2023doremi", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    typed: list[tuple[int, float]] = []
    started = None
    try:
        for line in child.stdout:
            word, stamp = line.split()
            if word == "ready":
                started = float(stamp)
                continue
            typed.append((int(word), float(stamp)))
            if started is not None and float(stamp) - started >= typing_seconds:
                break
        child.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert len(typed) > 20, child.stderr.read() if child.stderr else ""
    safe = max((n for n, t in typed if t <= killed_at - 0.5), default=0)
    assert safe > 10  # the test really typed for longer than the promise

    with sqlite3.connect(library_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Library.open(library_path) as library:
        note = library.note(library.resolve("xie2023doremi"))
    assert note.startswith(TEXT[:safe].rstrip()), (safe, len(note))
    assert TEXT.startswith(note)
