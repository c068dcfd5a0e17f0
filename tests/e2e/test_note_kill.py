"""Notes are never lost: SIGKILL the app mid-typing, everything older than 500 ms is there."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from papershelf.core.store.opening import open_library

sys.path.insert(0, str(Path(__file__).parent))
from stress_kill import run_and_kill

TYPIST = Path(__file__).with_name("note_typist.py")
TEXT = "".join(f"word{i:04d} " for i in range(2000))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("typing_seconds", [0.8, 1.3, 2.2])
def test_note_survives_sigkill(library_path: Path, tmp_path: Path, typing_seconds: float) -> None:
    lines, killed_at = run_and_kill(
        TYPIST, [str(library_path), "xie2023doremi", str(tmp_path)], typing_seconds
    )
    typed = [(int(count), float(stamp)) for count, stamp in lines]
    assert len(typed) > 20
    safe = max((n for n, t in typed if t <= killed_at - 0.5), default=0)
    assert safe > 10  # the test really typed for longer than the promise

    with sqlite3.connect(library_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_library(library_path) as library:
        note = library.note(library.resolve("xie2023doremi"))
    assert note.startswith(TEXT[:safe].rstrip()), (safe, len(note))
    assert TEXT.startswith(note)
