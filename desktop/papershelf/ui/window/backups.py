"""Backups while the window is open: at start and every 30 minutes when the library
changed, at quit, and File > Restore from Backup.

A backup copies and verifies the whole file (seconds at 100k papers, about two minutes
at a million), so each runs as ``papershelf backup`` in a process of its own, watched
from the task manager's backup lane. Quitting never waits for one: a backup still
running, or the one made at quit, finishes after the window has gone.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from papershelf.core.errors import LibraryError
from papershelf.core.safety import backup
from papershelf.ui import own_process
from papershelf.ui.tasks import BACKUP, Task, TaskContext, TaskManager

log = logging.getLogger(__name__)
INTERVAL_MS = 30 * 60 * 1000


def backup_command(library_path: Path) -> list[str]:
    """The command line that backs ``library_path`` up: this program's own ``backup``."""
    return own_process.own_command(library_path, "backup")


def start_backup(library_path: Path, *, watched: bool) -> subprocess.Popen[str]:
    """Start a backup in a process of its own that outlives this one; a ``watched`` one
    tells the window how it went."""
    return own_process.start(backup_command(library_path), watched=watched)


class BackupScheduler(QObject):
    """Runs verified backups of one library; ``finished(message)`` says how each went."""

    finished = Signal(str)

    def __init__(
        self, library_path: Path, tasks: TaskManager, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.folder = backup.default_backup_folder(library_path)
        self.tasks = tasks
        self._task: Task | None = None
        self.process: subprocess.Popen[str] | None = None  # the latest backup's
        self.running = False
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.start_if_changed)

    def start(self) -> None:
        """Back up now if the library changed since the last backup, then every 30 min."""
        self.running = True
        self.start_if_changed()
        self._timer.start()

    def start_if_changed(self) -> None:
        """One backup in the background, unless one is running or nothing changed."""
        if self._task is not None and not self._task.ended:
            return
        self._task = self.tasks.run(
            "backup", self._back_up, lane=BACKUP, title="Backup",
            on_done=self._made, on_error=self._failed,
        )  # fmt: skip

    def _back_up(self, context: TaskContext) -> Path | None:
        if not backup.needs_backup(self.library_path, self.folder):
            return None
        process = self.process = start_backup(self.library_path, watched=True)
        # The window closing stops the watching: the backup goes on alone.
        out = own_process.wait(
            process, lambda: context.cancelled, kill=False, what="the backup process"
        )
        return None if out is None else Path(out.strip().splitlines()[-1])

    def _made(self, made: Path | None) -> None:
        if made is not None:
            log.info("backed up %s to %s", self.library_path, made)
            self.finished.emit(f"Backed up to {made.name}")

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, LibraryError | OSError):
            self.tasks.report(error, "Backup")
            return
        log.warning("backup of %s failed: %s", self.library_path, error)
        self.finished.emit(f"Backup failed: {error}")

    def at_quit(self) -> None:
        """The last backup, when anything changed since the one before: started and left
        to finish after the window has gone (``process``), as one still running is."""
        self._timer.stop()
        if not self.running:
            return  # a window that never scheduled backups (tests, selftest) makes none
        self.running = False
        self._task = None  # the lane has stopped watching
        if self.process is not None and self.process.poll() is None:
            return  # its copy lacks the last changes: the next start's backup has them
        try:
            if backup.needs_backup(self.library_path, self.folder):
                self.process = start_backup(self.library_path, watched=False)
        except OSError as exc:
            log.warning("the backup of %s at quit did not start: %s", self.library_path, exc)

    def choices(self) -> list[backup.BackupInfo]:
        """The good-looking backups of this library, newest first."""
        return backup.list_backups(self.folder, self.library_path)
