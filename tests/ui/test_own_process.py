"""Work run as this program's own command in a process of its own (``ui/own_process``):
what it printed, one line when it failed, and what the window closing does to it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from papershelf.core.errors import LibraryError
from papershelf.ui import own_process


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_the_command_is_this_programs_own(tmp_path: Path) -> None:
    command = own_process.own_command(tmp_path / "l.sqlite", "read-text", "--attachment", "3")
    assert command == [
        sys.executable, "-m", "papershelf", "--library", str(tmp_path / "l.sqlite"),
        "read-text", "--attachment", "3",
    ]  # fmt: skip


def test_what_it_printed_comes_back() -> None:
    process = own_process.start(python("print('made x')"), watched=True)
    assert own_process.wait(process, lambda: False, kill=True, what="x") == "made x\n"


def test_a_failure_is_its_last_line_on_stderr_or_says_what_failed() -> None:
    failing = python(
        "import sys; print('working', file=sys.stderr); sys.exit('papershelf: disk full')"
    )
    with pytest.raises(LibraryError, match=r"^disk full$"):
        own_process.wait(own_process.start(failing, watched=True), lambda: False,
                         kill=True, what="x")  # fmt: skip
    silent = own_process.start(python("raise SystemExit(3)"), watched=True)
    with pytest.raises(LibraryError, match=r"^reading the PDF failed$"):
        own_process.wait(silent, lambda: False, kill=True, what="reading the PDF")


@pytest.mark.parametrize("kill", [True, False])
def test_cancelled_it_is_killed_or_left_to_finish(kill: bool) -> None:
    process = own_process.start(python("import time; time.sleep(60)"), watched=True)
    try:
        assert own_process.wait(process, lambda: True, kill=kill, what="x") is None
        assert (process.poll() is not None) == kill
    finally:
        process.kill()
        process.wait()


def test_what_it_prints_comes_back_whole_whatever_the_locale(monkeypatch) -> None:
    """A feed's name or a PDF's path may be in any script: the answer is UTF-8 both ways."""
    monkeypatch.setenv("PYTHONIOENCODING", "latin-1")  # what this process would pass on
    process = own_process.start(python("print('Müller ✓ 量子')"), watched=True)
    assert own_process.wait(process, lambda: False, kill=True, what="x") == "Müller ✓ 量子\n"


def test_progress_lines_are_followed_and_not_taken_for_the_error() -> None:
    code = (
        "import sys, time\n"
        "for done in range(4):\n"
        "    print(f'progress {done} 3', file=sys.stderr, flush=True)\n"
        "    time.sleep(0.3)\n"
        "print('done')\n"
    )
    seen: list[tuple[int, int]] = []

    def follow(done: int, total: int) -> None:
        seen.append((done, total))

    process = own_process.start(python(code), watched=True)
    out = own_process.wait(process, lambda: False, kill=True, what="x", progress=follow)
    assert out == "done\n"
    assert seen and seen == sorted(seen) and all(total == 3 for _, total in seen)
    assert seen[-1][0] >= 2
    # Not the last line of a failure: "progress 1 3", "progress 1 3 extra" is not one.
    failing = "import sys; print('progress 1 3', file=sys.stderr); sys.exit(2)"
    with pytest.raises(LibraryError, match=r"^x failed$"):
        own_process.wait(own_process.start(python(failing), watched=True), lambda: False,
                         kill=True, what="x")  # fmt: skip
    near = "import sys; print('progress 1 3 extra', file=sys.stderr); sys.exit(2)"
    with pytest.raises(LibraryError, match=r"^progress 1 3 extra$"):
        own_process.wait(own_process.start(python(near), watched=True), lambda: False,
                         kill=True, what="x")  # fmt: skip
