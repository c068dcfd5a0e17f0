"""An export stopped half way (Ctrl-C, a killed process) leaves a folder the next export
recognises: every file it wrote is Papershelf's, none becomes foreign, no ``-2.md``.

Interruptions are real: a KeyboardInterrupt raised where the writer writes, and a real
process killed with SIGKILL, after which no handler runs at all.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papershelf.core.io import export_notes as export_module
from papershelf.core.io.export_notes import (
    MANIFEST_NAME,
    PENDING_NAME,
    ExportInterrupted,
    export_notes,
)
from papershelf.core.store.library import Library


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "vault"


def manifest(folder: Path) -> dict[str, dict[str, str]]:
    files: dict[str, dict[str, str]] = json.loads(
        (folder / MANIFEST_NAME).read_text(encoding="utf-8")
    )["files"]
    return files


def notes(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.md")}


def interrupt_after(
    monkeypatch: pytest.MonkeyPatch, count: int, *, before_the_write: bool = False
) -> Callable[[], int]:
    """Ctrl-C on the ``count``-th file write: once it is on disk, or just before."""
    real = export_module.atomic_write
    calls = 0

    def writing(path: Path, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == count and before_the_write:
            raise KeyboardInterrupt
        real(path, data)
        if calls == count:
            raise KeyboardInterrupt  # the file is whole, the writer has not noted it yet

    monkeypatch.setattr(export_module, "atomic_write", writing)
    return lambda: calls


def stopped(*args: Any, **kwargs: Any) -> ExportInterrupted:
    """The ExportInterrupted ``export_notes(*args)`` ends with.

    Caught as the KeyboardInterrupt it is: a plain one escaping would stop pytest itself.
    """
    with pytest.raises(KeyboardInterrupt) as caught:
        export_notes(*args, **kwargs)
    assert isinstance(caught.value, ExportInterrupted), repr(caught.value)
    return caught.value


def change_every_note(library: Library, ids: list[int]) -> None:
    for paper in ids:
        library.set_note(paper, f"changed after the interruption ({paper})")


def test_interrupted_export_records_what_it_wrote_and_the_next_one_finishes(
    library: Library, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")
    interrupt_after(monkeypatch, 12)
    caught = stopped(library, ids, out, layout="per-paper")
    assert str(caught) == (
        f"interrupted: wrote 12 of 50 notes to {out}; run the export again to finish"
    )
    assert len(caught.report.written) == 12
    assert set(manifest(out)) == notes(out) and len(notes(out)) == 12
    assert not (out / PENDING_NAME).exists()
    monkeypatch.undo()
    change_every_note(library, ids)  # now every file differs from what the library says
    report = export_notes(library, ids, out, layout="per-paper")
    assert len(report.written) == 50 and not report.foreign and not report.skipped_edited
    assert not any(name.endswith("-2.md") for name in notes(out))
    assert set(manifest(out)) == notes(out) and len(notes(out)) == 50


def test_interrupted_before_a_file_is_written_records_only_whole_files(
    library: Library, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")
    interrupt_after(monkeypatch, 5, before_the_write=True)
    assert "wrote 4 of 50 notes" in str(stopped(library, ids, out, layout="per-paper"))
    assert len(notes(out)) == 4 and set(manifest(out)) == notes(out)
    assert [p.name for p in out.iterdir() if "tmp" in p.name] == []  # no temp file left


def test_interrupted_rewrite_is_not_taken_for_a_reader_edit(
    library: Library, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")[:6]
    export_notes(library, ids, out, layout="per-paper")
    change_every_note(library, ids)
    interrupt_after(monkeypatch, 3)
    assert "wrote 3 of 6 notes" in str(stopped(library, ids, out, layout="per-paper"))
    monkeypatch.undo()
    library.set_note(ids[0], "and changed once more")
    report = export_notes(library, ids, out, layout="per-paper")
    assert not report.skipped_edited  # the rewritten files are still Papershelf's own
    assert len(report.written) == 4 and len(report.unchanged) == 2


def test_a_foreign_file_is_left_alone_by_an_interrupted_export_and_the_next(
    library: Library, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")
    key = library.record(ids[0])["key"]
    out.mkdir()
    foreign = out / f"{key}.md"
    foreign.write_bytes(b"the reader's own note\n")
    interrupt_after(monkeypatch, 3)
    stopped(library, ids, out, layout="per-paper")
    monkeypatch.undo()
    assert foreign.name not in manifest(out) and f"{key}-2.md" in manifest(out)
    change_every_note(library, ids)
    report = export_notes(library, ids, out, layout="per-paper")
    assert foreign.read_bytes() == b"the reader's own note\n"
    assert out / f"{key}-2.md" in report.written  # the paper keeps its file, not a -3
    assert foreign.name not in manifest(out)
    assert not (out / f"{key}-3.md").exists()


_KILLER = """
import os, signal, sys
from papershelf.core.io import export_notes as module
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
real, calls = module.atomic_write, 0
def writing(path, data):
    global calls
    real(path, data)
    calls += 1
    if calls == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)  # no handler, no finally: a crash
module.atomic_write = writing
library = open_library(sys.argv[1])
module.export_notes(library, library.search("", sort="key"), sys.argv[2], "per-paper")
"""


def test_a_killed_export_leaves_its_files_recognisable(library: Library, out: Path) -> None:
    ids = library.search("", sort="key")
    result = subprocess.run(
        [sys.executable, "-c", _KILLER, str(library.path), str(out), "7"],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert len(notes(out)) == 7
    assert not (out / MANIFEST_NAME).exists()  # nothing ran after the kill...
    assert (out / PENDING_NAME).exists()  # ...but every file was announced first
    change_every_note(library, ids)
    report = export_notes(library, ids, out, layout="per-paper")
    assert not report.foreign and not report.skipped_edited
    assert not any(name.endswith("-2.md") for name in notes(out))
    assert set(manifest(out)) == notes(out) and len(notes(out)) == 50
    assert not (out / PENDING_NAME).exists()


def test_an_announced_file_that_does_not_match_stays_foreign(library: Library, out: Path) -> None:
    """The pending file vouches only for bytes it names: a reader's file is never adopted."""
    ids = library.search("", sort="key")[:2]
    key = library.record(ids[0])["key"]
    out.mkdir()
    mine = out / f"{key}.md"
    mine.write_bytes(b"the reader wrote this after the crash\n")
    line = {"name": mine.name, "sha256": "0" * 64, "key": key}
    (out / PENDING_NAME).write_text(
        "cut sh\n" + json.dumps(line) + "\n" + '{"name": "../escape.md"', encoding="utf-8"
    )
    report = export_notes(library, ids, out, layout="per-paper")
    assert report.foreign == [mine]
    assert mine.read_bytes() == b"the reader wrote this after the crash\n"
    assert mine.name not in manifest(out) and not (out / PENDING_NAME).exists()


def test_an_interrupted_single_journal_says_nothing_was_exported(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "journal.md"
    export_notes(library, library.search(""), journal)
    before = journal.read_bytes()
    library.set_note(library.search("")[0], "new")
    interrupt_after(monkeypatch, 1, before_the_write=True)
    assert "nothing was exported" in str(stopped(library, library.search(""), journal))
    assert journal.read_bytes() == before
    interrupt_after(monkeypatch, 1)
    caught = stopped(library, library.search(""), journal)
    assert str(caught) == (
        f"interrupted at the end; {journal}: written 1, unchanged 0, skipped as edited 0"
    )
    monkeypatch.undo()
    assert export_notes(library, library.search(""), journal).unchanged == [journal]


@pytest.mark.skipif(os.name != "posix", reason="links and FIFOs are POSIX")
def test_the_single_journal_follows_links_and_streams_into_a_fifo(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "synced").mkdir()
    real = tmp_path / "synced" / "journal.md"
    link = tmp_path / "journal.md"
    link.symlink_to(real)
    ids = library.search("")
    report = export_notes(library, ids, link)
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# Reading")
    assert report.written == [real]
    assert export_notes(library, ids, link).unchanged == [real]  # recognised next time
    odd = tmp_path / "odd.md"
    odd.symlink_to(tmp_path / "synced" / "notes.txt")
    with pytest.raises(Exception, match="not a Markdown file name"):
        export_notes(library, ids, odd)
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        export_notes(library, ids, fifo)
        received, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert received == real.read_bytes()
    assert os.path.exists(fifo) and not (tmp_path / MANIFEST_NAME).exists()
