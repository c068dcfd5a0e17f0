"""Window fixtures: the real MainWindow on a real seeded library, with its own settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from papershelf.ui import open_main_window
from papershelf.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Window geometry and columns go to a temp folder, not the developer's home."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_wall_clock_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first page's deadline (60 ms) and the main thread's wait for it (10 ms) are
    for the benchmarks, not the tests.

    Under load it passes for any query, and a test would see the thread's path instead
    of the one it checks; tests of the deadline path set it to 0 themselves.
    """
    from papershelf.ui.table import model as table_model

    monkeypatch.setattr(table_model, "FIRST_PAGE_DEADLINE_S", 30.0)
    monkeypatch.setattr(table_model, "FIRST_PAGE_WAIT_S", 30.0)  # and the wait for it


@pytest.fixture
def window(qtbot, library_path: Path) -> Iterator[MainWindow]:
    """The main window on a fresh seeded library, shown offscreen."""
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()
