"""A second launch on an open library brings the first window forward instead."""

from __future__ import annotations

from pathlib import Path

from papershelf.ui.single_instance import ask_running_window, server_name
from papershelf.ui.window.main_window import MainWindow


def test_second_launch_reaches_the_running_window(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    window.showMinimized()
    with qtbot.waitSignal(window.instance_server.raiseRequested, timeout=2000):
        assert ask_running_window(window.library.path)
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=1000)
    assert not ask_running_window(tmp_path / "other.sqlite")


def test_names_differ_per_library(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a.sqlite") != server_name(tmp_path / "b.sqlite")
    assert server_name(tmp_path / "a.sqlite") == server_name(tmp_path / "." / "a.sqlite")
