"""QueryRunner: long library queries on a thread of their own, cancelled when superseded.

A filter that matches most of a million papers takes SQLite a second or more to
list in order; run on the main thread it would freeze typing. The runner holds its
own connection to the library (WAL lets it read while the window writes), runs one
job at a time, drops a job that a newer one replaced before it started, and
interrupts the running one (``sqlite3.Connection.interrupt``) when a newer job of the
same kind arrives. Results come back to the main thread as a queued Qt signal.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from papershelf.core.errors import LibraryError
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

_PRIORITY = ("page", "ids")


@dataclass(frozen=True)
class Job:
    """One query: ``run`` gets the thread's Library and returns the result."""

    kind: str  # "page", "ids" or "facets": a new job interrupts a running job of its kind
    generation: int
    run: Callable[[Library], Any]


class QueryRunner(QObject):
    """Runs Jobs on a worker thread; ``finished(kind, generation, result, error)``."""

    finished = Signal(str, int, object, str)
    _done = Signal(str, int, object, str)  # from the thread; queued to the owner's thread

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._lock = threading.Condition()
        self._pending: dict[str, Job] = {}
        self._running: Job | None = None
        self._conn: sqlite3.Connection | None = None
        self._stopped = False
        self._done.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="papershelf-queries", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job``, replacing a queued job of its kind and interrupting a running one."""
        with self._lock:
            self._pending[job.kind] = job
            running = self._running
            if running is not None and running.kind == job.kind and self._conn is not None:
                self._conn.interrupt()
            self._lock.notify()

    def cancel(self, kind: str) -> None:
        """Forget a queued job of ``kind`` and stop a running one."""
        with self._lock:
            self._pending.pop(kind, None)
            if self._running is not None and self._running.kind == kind and self._conn:
                self._conn.interrupt()

    def stop(self) -> None:
        """End the thread (the window is closing); waits briefly for it."""
        with self._lock:
            self._stopped = True
            self._pending.clear()
            if self._conn is not None:
                self._conn.interrupt()
            self._lock.notify()
        self._thread.join(timeout=2)

    def _deliver(self, kind: str, generation: int, result: object, error: str) -> None:
        # A result queued before stop() must not reach a window whose library is closed.
        if not self._stopped:
            self.finished.emit(kind, generation, result, error)

    def _next(self) -> Job | None:
        with self._lock:
            while not self._pending and not self._stopped:
                self._lock.wait()
            if self._stopped:
                return None
            # What the reader is waiting to see comes first: the first rows, then the
            # complete list, then the sidebar's counts.
            kind = next((k for k in _PRIORITY if k in self._pending), next(iter(self._pending)))
            self._running = self._pending.pop(kind)
            return self._running

    def _loop(self) -> None:
        try:
            library = open_library(self._path, seed=False)
        except LibraryError as exc:
            self._done.emit("error", 0, None, str(exc))
            return
        self._conn = library.conn
        try:
            while (job := self._next()) is not None:
                try:
                    result, error = job.run(library), ""
                except sqlite3.OperationalError as exc:
                    if "interrupt" in str(exc):
                        continue  # superseded: a newer job of this kind is queued
                    result, error = None, str(exc)
                except (LibraryError, sqlite3.Error) as exc:
                    result, error = None, str(exc)
                finally:
                    with self._lock:
                        self._running = None
                self._done.emit(job.kind, job.generation, result, error)
        finally:
            with self._lock:
                self._conn = None
            library.close()


def ids_job(generation: int, search: Callable[[Library], list[int]]) -> Job:
    """A job that lists the ids of a result as a compact array."""
    return Job("ids", generation, lambda library: array("q", search(library)))
