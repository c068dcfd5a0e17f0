"""``python -m papershelf`` and the frozen app's entry point: the same as ``papershelf``."""

import os
import sys


def _ensure_streams() -> None:
    """Give ``print`` and ``logging`` somewhere to write when there is no terminal.

    A windowed app (the frozen build on Windows and macOS, ``pythonw``) starts with
    ``sys.stdout`` and ``sys.stderr`` set to None, and writing to them would raise. A command
    typed in a Windows console attaches to that console so its output still shows;
    otherwise output goes to the null device (the log file keeps what matters).
    """
    if sys.stdout is not None and sys.stderr is not None:
        return
    if sys.platform == "win32":
        try:
            import ctypes

            if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
                if sys.stdout is None:
                    sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
                if sys.stderr is None:
                    sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
        except (AttributeError, OSError):
            pass
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


if __name__ == "__main__":
    _ensure_streams()

    from papershelf.cli import main

    sys.exit(main())
