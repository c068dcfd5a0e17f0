"""Backups while the window is open: at start and every 30 minutes when the library
changed, at quit, and File > Restore from Backup.

A backup copies and verifies the whole file (seconds at 100k papers, minutes at a
million), so the periodic ones run on a thread with their own connections; the one at
quit runs after the window is gone.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from papershelf.core.errors import LibraryError
from papershelf.core.safety import backup

log = logging.getLogger(__name__)
INTERVAL_MS = 30 * 60 * 1000


class BackupScheduler(QObject):
    """Runs verified backups of one library; ``finished(message)`` says how each went."""

    finished = Signal(str)

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.folder = backup.default_backup_folder(library_path)
        self._thread: threading.Thread | None = None
        self.running = False
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.start_if_changed)

    def start(self) -> None:
        """Back up now if the library changed since the last backup, then every 30 min."""
        self.running = True
        self.start_if_changed()
        self._timer.start()

    def start_if_changed(self) -> None:
        """One backup on a thread, unless one is running or nothing changed."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="papershelf-backup", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if not backup.needs_backup(self.library_path, self.folder):
                return
            made = backup.backup_now(self.library_path, self.folder)
        except (LibraryError, OSError) as exc:
            log.warning("backup of %s failed: %s", self.library_path, exc)
            self.finished.emit(f"Backup failed: {exc}")
            return
        log.info("backed up %s to %s", self.library_path, made)
        self.finished.emit(f"Backed up to {made.name}")

    def at_quit(self) -> None:
        """The last backup: waits for a running one, then makes one if anything changed."""
        self._timer.stop()
        if not self.running:
            return  # a window that never scheduled backups (tests, selftest) makes none
        self.running = False
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        self._run()

    def choices(self) -> list[backup.BackupInfo]:
        """The good-looking backups of this library, newest first."""
        return backup.list_backups(self.folder, self.library_path)
