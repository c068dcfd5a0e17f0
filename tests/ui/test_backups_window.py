"""Backups from the window: scheduled, at quit, restored from File > Restore from Backup,
and a damaged library replaced by its newest good backup at start."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from papershelf.cli import main as cli
from papershelf.core.safety import backup
from papershelf.core.store.opening import open_library
from papershelf.ui import open_main_window
from papershelf.ui.window import backups as backups_module
from papershelf.ui.window.main_window import MainWindow


def status_of(path: Path, paper_id: int) -> str:
    with open_library(path) as lib:
        return str(lib.record(paper_id)["status"])


def test_backup_at_start_and_at_quit(qtbot, library_path: Path) -> None:
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.backups.finished, timeout=10_000) as made:
        win.backups.start()
    assert made.args[0].startswith("Backed up to ")
    win.paper_actions.set_status("read")  # the first paper is selected on open
    paper_id = win.current_paper_id() or 0
    win.close()
    at_quit = win.backups.process  # a process of its own, left to finish
    assert at_quit is not None
    assert at_quit.wait(timeout=120) == 0
    backups = backup.list_backups(backup.default_backup_folder(library_path), library_path)
    newest = backups[0].path
    assert backup.backup_problem(newest) is None
    assert made.args[0] != f"Backed up to {newest.name}"  # a second one, made at quit
    assert status_of(newest, paper_id) == "read"  # with the change made since the first


def test_quit_leaves_a_running_backup_to_finish_alone(
    qtbot, library_path: Path, monkeypatch
) -> None:
    """A backup takes minutes at a million papers: closing the window stops watching it
    and does not wait (nor start a second one); it goes on in its own process."""
    slow = [sys.executable, "-c", "import sys, time; time.sleep(60); print(sys.argv[1])", "x"]
    monkeypatch.setattr(backups_module, "backup_command", lambda _path: slow)
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    win.backups.start()
    qtbot.waitUntil(lambda: win.backups.process is not None)
    running = win.backups.process
    win.paper_actions.set_status("read")  # a change since the backup began
    win.close()
    try:
        assert running.poll() is None  # closing did not wait for it
        assert win.backups.process is running  # and started no second one
        assert not win.isVisible()
    finally:
        running.kill()
        running.wait()


def test_a_failed_backup_says_why_in_one_line(qtbot, library_path: Path, monkeypatch) -> None:
    failing = [sys.executable, "-c", "import sys; sys.exit('papershelf: the disk is full')"]
    monkeypatch.setattr(backups_module, "backup_command", lambda _path: failing)
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.backups.finished, timeout=60_000) as told:
        win.backups.start()
    assert told.args[0] == "Backup failed: the disk is full"
    win.close()


def test_restore_from_backup_reopens_the_library(qtbot, library_path: Path, monkeypatch) -> None:
    assert cli(["--library", str(library_path), "backup"]) == 0
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    paper_id = win.current_paper_id() or 0
    win.paper_actions.set_status("skipped")
    win.notes.editor.setPlainText("typed after the backup")
    assert status_of(library_path, paper_id) == "skipped"

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    win.named_actions["actionRestoreBackup"].trigger()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    new = next(w for w in windows if w is not win and w.isVisible())
    assert status_of(library_path, paper_id) == "new"
    assert "Restored the backup" in new.statusBar().currentMessage()
    kept = list(library_path.parent.glob("library.sqlite.replaced-*"))
    assert len(kept) == 1  # what the reader had is kept, not deleted
    with open_library(kept[0], seed=False) as old:
        assert old.note(paper_id) == "typed after the backup"
    new.close()


def test_damaged_library_is_restored_at_start(qtbot, library_path: Path, monkeypatch) -> None:
    assert cli(["--library", str(library_path), "status", "1", "read"]) == 0
    assert cli(["--library", str(library_path), "backup"]) == 0
    data = bytearray(library_path.read_bytes())
    data[4096 : 4096 + 8192] = b"\xff" * 8192  # wreck pages behind the header
    library_path.write_bytes(bytes(data))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    assert win.recovered is not None and "restored from the backup of" in win.recovered
    assert shown == [win.recovered]
    assert win.count_label.text() == "50 of 50 papers"
    assert status_of(library_path, 1) == "read"
    assert list(library_path.parent.glob("library.sqlite.damaged-*"))
    win.close()
