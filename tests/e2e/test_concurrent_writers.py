"""Several processes writing one library at once lose nothing (issue 13, item 3).

Three loops of ``papershelf note 3 --append`` at once kept 440 of 450 appends: the old
note was read outside the write transaction. Every read-modify-write now reads inside
``BEGIN IMMEDIATE``. Each writer here is a real process running the command line's
``main`` in a loop (a new process per append would take minutes).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from papershelf.core.store.opening import open_library

WRITERS = 3
EACH = 60

_WORKER = """
import sys
from papershelf.cli import main
library, writer, count, what = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for i in range(count):
    if what == "note":
        args = ["note", "3", "--append", f"{writer}-{i}"]
    else:
        args = ["tag", "3", f"{writer}-{i}"]
    code = main(["--library", library, *args])
    if code != 0:
        sys.exit(f"{what} {writer}-{i} failed with {code}")
"""


def run_writers(library: Path, what: str) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(library), f"W{w}", str(EACH), what],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert "Traceback" not in err


def expected() -> set[str]:
    return {f"W{w}-{i}" for w in range(WRITERS) for i in range(EACH)}


def test_parallel_note_appends_are_all_kept(library_path: Path) -> None:
    run_writers(library_path, "note")
    with open_library(library_path) as lib:
        paragraphs = lib.note(3).split("\n\n")
    assert len(paragraphs) == WRITERS * EACH
    assert set(paragraphs) == expected()
    for w in range(WRITERS):  # each writer's appends in its own order
        mine = [p for p in paragraphs if p.startswith(f"W{w}-")]
        assert mine == [f"W{w}-{i}" for i in range(EACH)]


def test_parallel_tagging_keeps_every_tag(library_path: Path) -> None:
    run_writers(library_path, "tag")
    with open_library(library_path) as lib:
        record = lib.record(3)
        assert set(record["tags"]) == expected()
        row = lib.conn.execute("SELECT tags_text FROM papers WHERE id = 3").fetchone()
        assert set(row[0].split(", ")) == expected()  # the table's column agrees
        assert lib.search('tag:"W1-59"') == [3]
