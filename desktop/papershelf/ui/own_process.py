"""Work the window hands to this program's own command line, in a process of its own.

Python busy on one of the window's threads starves the main thread: each time the main
thread calls into Qt it lets go of the interpreter lock, the busy thread takes it, and
the main thread waits up to the switch interval (5 ms) to get it back, so a keystroke's
few hundred such calls took seconds. Measured on 100,000 papers by
``tests/benchmarks/background.py``: stalls of 0.9-1.3 s while pypdf read 20 PDFs on a
thread and up to 0.95 s while feedparser read a 10,000-entry feed, against 28-38 ms
typing alone. So work that is mostly Python (a PDF's text, a feed) and the backups'
minutes of copying run as ``papershelf ...`` instead; a lane's thread only waits for
the process, which writes its answer as UTF-8 whatever the system's locale.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from papershelf.core.errors import LibraryError

_POLL_S = 0.2  # how soon a watched process notices the window closing
BACKGROUND_NICENESS = 10  # the processes' scheduling priority below the window's


def own_command(library_path: Path, *args: str) -> list[str]:
    """The command line of ``papershelf --library LIBRARY ARGS``: this program's own."""
    if getattr(sys, "frozen", False):  # the bundled app is its own command line
        return [sys.executable, "--library", str(library_path), *args]
    return [sys.executable, "-m", "papershelf", "--library", str(library_path), *args]


def start(command: list[str], *, watched: bool) -> subprocess.Popen[str]:
    """Start ``command`` in a session of its own (Ctrl+C in the terminal that started the
    window does not stop it); a ``watched`` one tells how it went on its pipes."""
    out = subprocess.PIPE if watched else subprocess.DEVNULL
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=out,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    if hasattr(os, "setpriority"):  # not on Windows
        # Two cores are the window's main thread and its query thread while one types:
        # the process gets what they leave.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
    return process


def wait(
    process: subprocess.Popen[str],
    cancelled: Callable[[], bool],
    *,
    kill: bool,
    what: str,
    progress: Callable[[int, int], None] | None = None,
) -> str | None:
    """What a watched process printed, once it ends; None when ``cancelled()`` came
    first (the process is killed when ``kill``, else left to finish alone). A process
    that fails raises LibraryError with the last line it wrote on stderr, or says that
    ``what`` failed. ``progress`` is given the process's ``progress DONE TOTAL`` lines
    (``papershelf import --progress``)."""
    out: list[str] = []
    err: list[str] = []
    assert process.stdout is not None and process.stderr is not None  # watched
    readers = [_drain(process.stdout, out), _drain(process.stderr, err)]
    try:
        while True:
            try:
                process.wait(timeout=_POLL_S)
                break
            except subprocess.TimeoutExpired:
                if progress is not None and (latest := _latest_progress(err)) is not None:
                    progress(*latest)
                if cancelled():
                    if kill:
                        process.kill()
                        process.wait()
                    return None
    except BaseException:  # the watcher itself failed: the process is not left unwatched
        process.kill()
        process.wait()
        raise
    for reader in readers:
        reader.join()
    if process.returncode != 0:
        lines = [line for line in "".join(err).splitlines() if line.strip()]
        lines = [line for line in lines if _progress(line) is None]
        # The command line's one line names the program: the window's message need not.
        raise LibraryError(
            lines[-1].strip().removeprefix("papershelf: ") if lines else f"{what} failed"
        )
    return "".join(out)


def _drain(pipe: IO[str], lines: list[str]) -> threading.Thread:
    """Read ``pipe`` to its end on a thread of its own (a full pipe would stop the
    process), keeping its lines."""

    def read() -> None:
        with pipe:
            for line in pipe:
                lines.append(line)

    reader = threading.Thread(target=read, name="own-process-pipe", daemon=True)
    reader.start()
    return reader


def _latest_progress(lines: list[str]) -> tuple[int, int] | None:
    for line in reversed(lines[-20:]):  # another thread appends: look at a copy's end
        found = _progress(line)
        if found is not None:
            return found
    return None


def _progress(line: str) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) == 3 and parts[0] == "progress" and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return None
