"""Paper > New To-read Join by Priority: the window's control of where new to-read papers
join Up next, kept in the library (the same setting as ``papershelf queue join``)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from cli_runner import run

from papershelf.core.ops import papers as paper_ops
from papershelf.core.ops import reading
from papershelf.ui import open_main_window
from papershelf.ui.window.main_window import MainWindow


def _stored(path: Path) -> str | None:
    """The setting as another process reads it."""
    with sqlite3.connect(path) as raw:
        row = raw.execute("SELECT value FROM meta WHERE key = 'queue_join'").fetchone()
    return None if row is None else str(row[0])


def _queue(path: Path) -> list[int]:
    with sqlite3.connect(path) as raw:
        rows = raw.execute(
            "SELECT id FROM papers WHERE queue_position IS NOT NULL ORDER BY queue_position"
        )
        return [r[0] for r in rows]


def test_the_paper_menu_sets_where_new_to_read_papers_join(
    qtbot, window: MainWindow, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    action = window.named_actions["actionQueueByPriority"]
    paper_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Paper"
    )
    assert isinstance(paper_menu, QMenu) and action in paper_menu.actions()
    assert action.isCheckable() and not action.isChecked()
    assert _stored(library_path) is None  # showing the setting wrote nothing

    a, b, c, d = window.library.search("", sort="key")[:4]
    window.apply(lambda: reading.set_priority(window.library, [c, d], "high"))
    window.apply(lambda: paper_ops.set_status(window.library, [b], "to-read"))
    window.apply(lambda: paper_ops.set_status(window.library, [a], "to-read"))
    assert _queue(library_path) == [b, a]  # at the end: the default

    action.trigger()
    assert action.isChecked() and _stored(library_path) == "priority"
    assert run(capsys, "--library", library_path, "queue", "join")[1] == "priority\n"
    assert _queue(library_path) == [b, a]  # the papers queued already stay put
    window.apply(lambda: paper_ops.set_status(window.library, [c], "to-read"))
    assert _queue(library_path) == [c, b, a]  # high: ahead of the papers without one

    undo_text = window.named_actions["actionUndo"].text()
    action.trigger()
    assert not action.isChecked() and _stored(library_path) == "end"
    assert undo_text == window.named_actions["actionUndo"].text()  # a setting, not a step
    window.apply(lambda: paper_ops.set_status(window.library, [d], "to-read"))
    assert _queue(library_path) == [c, b, a, d]
    window.undo()  # d's to-read is undone, the setting stays
    assert _stored(library_path) == "end" and not action.isChecked()
    assert _queue(library_path) == [c, b, a]


def test_the_setting_is_the_librarys_not_the_windows(
    qtbot, window: MainWindow, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--library", library_path, "queue", "join", "priority")[0] == 0
    window.library_changed()  # what the file watcher calls after another process wrote
    assert window.named_actions["actionQueueByPriority"].isChecked()
    other = open_main_window(library_path)
    qtbot.addWidget(other)
    assert other.named_actions["actionQueueByPriority"].isChecked()
    other.named_actions["actionQueueByPriority"].trigger()
    assert _stored(library_path) == "end"
    other.close()


def test_a_read_only_library_says_why_and_keeps_the_check(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, library_path: Path
) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    from papershelf.core.errors import LibraryError

    def refuse(*_args: object) -> None:
        raise LibraryError("the library is read-only")

    monkeypatch.setattr(window.library, "set_meta", refuse)
    action = window.named_actions["actionQueueByPriority"]
    action.trigger()
    assert said == ["the library is read-only"]
    assert not action.isChecked() and _stored(library_path) is None
