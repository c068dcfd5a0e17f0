"""The cycle collector is paused while an import builds its objects, and only then (a
feed's reading: test_feed_collector.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf.core import collector
from papershelf.core.errors import ImportCancelled
from papershelf.core.io.bibtex import import_bibtex
from papershelf.core.io.importer import import_files
from papershelf.core.store.opening import open_library

BIB = "".join(f"@article{{k{i}, title = {{Paper {i}}}, year = 2020}}\n" for i in range(5))


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_an_import_runs_with_the_collector_paused_and_restores_it(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    seen: list[bool] = []

    def progress(done: int, total: int) -> bool:
        seen.append(gc.isenabled())
        return True

    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        for run in (import_files, import_bibtex):
            seen.clear()
            run(lib, [bib], progress=progress)
            assert len(seen) > 2 and not any(seen[1:])  # paused from the first entry to the last
            assert gc.isenabled()
        assert lib.count() == 5


def test_a_cancelled_import_turns_the_collector_back_on(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        with pytest.raises(ImportCancelled):
            import_files(lib, [bib], progress=lambda done, total: done < 2)
        assert lib.count() == 0
    assert gc.isenabled()


def test_pauses_that_overlap_end_with_the_last_and_leave_a_disabled_collector_off() -> None:
    inside = threading.Event()
    release = threading.Event()

    def other_import() -> None:
        with collector.paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_import)
    with collector.paused():
        thread.start()
        assert inside.wait(10)
        with collector.paused():  # nested
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()

    gc.disable()  # someone else's choice: kept
    with collector.paused():
        pass
    assert not gc.isenabled()
