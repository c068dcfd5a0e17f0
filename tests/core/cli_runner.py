"""The command line run in-process, as the CLI tests drive it."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf import cli


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; usage errors exit through SystemExit like a shell.

    A traceback on stderr fails the test: every error a user can cause has a message.
    """
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err
