"""Shared fixtures: every test gets its own real library file, never a mock."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from capture_fixtures import services  # noqa: F401  (a fixture: arXiv and Crossref)
from net_server import FixtureServer
from papershelf.core.store.opening import open_library

REPO = Path(__file__).resolve().parents[1]

# Before any Qt import: tests never need a display. The offscreen screen is a desktop's
# (1920x1200; Qt's own is 800x800): the window fits itself to the screen it opens on.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    screen = REPO / "tests" / "desktop_screen.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
SEEDS = REPO / "seeds"
# What the app caches (the search terms) never goes to the developer's cache folder, also
# from fixtures made once per module; each test then gets a folder of its own.
os.environ["PAPERSHELF_CACHE"] = tempfile.mkdtemp(prefix="papershelf-test-cache-")


@pytest.fixture(autouse=True)
def _no_library_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's PAPERSHELF_LIBRARY must never be what a test reads or writes."""
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)


@pytest.fixture(autouse=True)
def _own_cache_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the app caches (the search terms) goes to a folder of the test's own, apart
    from ``tmp_path`` (whose contents tests check)."""
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _no_network_services_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's mirrors or pace settings must not reach a test; tests set their own."""
    for name in (
        "PAPERSHELF_ARXIV_API",
        "PAPERSHELF_CROSSREF_API",
        "PAPERSHELF_ARXIV_PDF",
        "PAPERSHELF_NET_TIME_SCALE",
        "PAPERSHELF_MAILTO",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fixture_server() -> Iterator[FixtureServer]:
    """A real HTTP server on 127.0.0.1 serving what the test routes (tests/net_server.py)."""
    with FixtureServer() as server:
        yield server


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
