"""Shared fixtures: every test gets its own real library file, never a mock."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from papershelf.core.store.opening import open_library

REPO = Path(__file__).resolve().parents[1]

# Before any Qt import: tests never need a display. The offscreen screen is a desktop's
# (1920x1200; Qt's own is 800x800): the window fits itself to the screen it opens on.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    screen = REPO / "tests" / "desktop_screen.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _no_library_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's PAPERSHELF_LIBRARY must never be what a test reads or writes."""
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded library per test session; tests get copies of it."""

    path = tmp_path_factory.mktemp("template") / "library.sqlite"
    open_library(path).close()
    return path


@pytest.fixture
def library_path(tmp_path: Path, seeded_template: Path) -> Path:
    """A fresh seeded library file in this test's temp dir."""
    path = tmp_path / "library.sqlite"
    shutil.copyfile(seeded_template, path)
    return path


@pytest.fixture
def library(library_path: Path):
    """The seeded library, opened; closed after the test."""

    lib = open_library(library_path)
    yield lib
    lib.close()
