"""Window fixtures: the real MainWindow on a real seeded library, with its own settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from papershelf.ui import open_main_window
from papershelf.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Window geometry and columns go to a temp folder, not the developer's home."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def window(qtbot, library_path: Path) -> Iterator[MainWindow]:
    """The main window on a fresh seeded library, shown offscreen."""
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()
