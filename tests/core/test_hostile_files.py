"""Files and places a reader may point Papershelf at that it cannot use: each ends
quickly with a clear message and changes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from papershelf.cli import main as cli
from papershelf.core.errors import LibraryError
from papershelf.core.io import bibtex
from papershelf.core.io.importer import import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


@pytest.mark.parametrize(
    ("suffix", "size"), [(".bib", bibtex.MAX_BYTES + 1), (".txt", 100 * 1024 * 1024 + 1)]
)
def test_a_file_past_the_size_limit_is_refused_quickly(
    library: Library, tmp_path: Path, suffix: str, size: int
) -> None:
    big = tmp_path / f"huge{suffix}"
    with big.open("wb") as out:
        out.truncate(size)  # sparse: hundreds of MB without writing them
    before = library.count()
    started = time.monotonic()
    report = import_files(library, [big])
    assert time.monotonic() - started < 30
    assert report.added == 0 and library.count() == before
    assert len(report.problems) == 1 and "huge" in report.problems[0]
    assert "nothing imported" in report.problems[0] or "not imported" in report.problems[0]


def test_a_library_where_nothing_can_be_written(capsys) -> None:
    # /proc accepts no new files, for root too: the same as a read-only folder.
    assert cli(["--library", "/proc/papershelf/library.sqlite", "list"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot open the library" in err[0]
    with pytest.raises(LibraryError):
        open_library("/proc/papershelf/library.sqlite")


def test_a_full_disk_loses_nothing_already_saved(library: Library) -> None:
    paper_id = library.resolve("xie2023doremi")
    library.set_note(paper_id, "saved before the disk filled")
    pages = library.conn.execute("PRAGMA page_count").fetchone()[0]
    library.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's "disk is full"
    with pytest.raises(LibraryError, match="full"):
        library.set_note(paper_id, "x" * 200_000)
    assert library.note(paper_id) == "saved before the disk filled"
    assert library.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
