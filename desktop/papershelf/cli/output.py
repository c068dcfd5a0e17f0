"""The command's standard output, where a failed write is the reader's problem, not a bug."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO


class OutputError(Exception):
    """Writing the command's output failed: a full disk, a closed terminal."""


class Output:
    """The command's stdout, telling a failed write apart from a bug.

    A write or flush that fails raises OutputError, reported in one line; any other
    OSError still reaches the catch-all as the bug it is. A closed pipe stays
    BrokenPipeError: the reader stopped reading (``| head``), which is no error.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def discard_unwritten_output() -> None:
    """Point stdout at the null device, so that the interpreter's flush at exit of what
    could not be written does not fail again and print a traceback."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's capture): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def write_json(value: Any) -> None:
    """``value`` as indented JSON on stdout (``--format json``), in one write: not one
    per JSON token, as ``json.dump`` would make, each going through Output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
