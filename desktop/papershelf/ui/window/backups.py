"""Backups while the window is open: at start and every 30 minutes when the library
changed, at quit, and File > Restore from Backup.

A backup copies and verifies the whole file (seconds at 100k papers, minutes at a
million), so the periodic ones run in the task manager's backup lane (with their own
connections); the one at quit runs after the window is gone.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from papershelf.core.errors import LibraryError
from papershelf.core.safety import backup
from papershelf.ui.tasks import BACKUP, Task, TaskContext, TaskManager

log = logging.getLogger(__name__)
INTERVAL_MS = 30 * 60 * 1000


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

    def _back_up(self, _context: TaskContext | None = None) -> Path | None:
        if not backup.needs_backup(self.library_path, self.folder):
            return None
        return backup.backup_now(self.library_path, self.folder)

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
        """The last backup: waits for a running one, then makes one if anything changed."""
        self._timer.stop()
        if not self.running:
            return  # a window that never scheduled backups (tests, selftest) makes none
        self.running = False
        if self._task is not None:
            self._task.wait()
        self._task = None
        try:
            made = self._back_up()
        except (LibraryError, OSError) as exc:
            self._failed(exc)
        else:
            self._made(made)

    def choices(self) -> list[backup.BackupInfo]:
        """The good-looking backups of this library, newest first."""
        return backup.list_backups(self.folder, self.library_path)
