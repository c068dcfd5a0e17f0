"""``write_output``: a path the reader names is written where it leads, never replaced blindly.

Real files, links, FIFOs, devices and processes; no file system is mocked. Tests that
write to a device use a private one where they can, and ``dev_guard`` fails (and
repairs) any that replaced the machine's own (see devices.py).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from devices import dev_guard, null_device

from papershelf.core.errors import LibraryError
from papershelf.core.safety import safe_files
from papershelf.core.safety.safe_files import descriptor_of, ensure_folder, is_stream, write_output

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="links, FIFOs and /dev are POSIX"),
    pytest.mark.usefixtures(dev_guard.__name__),
]


def test_a_link_stays_a_link_and_its_target_gets_the_bytes(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    link = tmp_path / "refs.bib"
    link.symlink_to("real.bib")
    write_output(link, b"new\n")
    assert link.is_symlink() and os.readlink(link) == "real.bib"
    assert real.read_bytes() == b"new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the reader's permission bits kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.bib", "refs.bib"]  # no temp


def test_a_chain_of_links_leads_to_the_last_target_in_another_folder(tmp_path: Path) -> None:
    (tmp_path / "synced").mkdir()
    real = tmp_path / "synced" / "refs.bib"
    real.write_bytes(b"old\n")
    middle = tmp_path / "middle.bib"
    middle.symlink_to(real)
    first = tmp_path / "first.bib"
    first.symlink_to("middle.bib")
    write_output(first, b"new\n")
    assert first.is_symlink() and middle.is_symlink()
    assert os.readlink(first) == "middle.bib" and os.readlink(middle) == str(real)
    assert real.read_bytes() == b"new\n"


def test_a_dangling_link_creates_its_target_only_where_a_folder_exists(tmp_path: Path) -> None:
    link = tmp_path / "refs.bib"
    link.symlink_to("later.bib")
    write_output(link, b"data\n")
    assert link.is_symlink() and (tmp_path / "later.bib").read_bytes() == b"data\n"
    nowhere = tmp_path / "nowhere.bib"
    nowhere.symlink_to(tmp_path / "missing" / "x.bib")
    with pytest.raises(LibraryError, match="whose folder does not exist"):
        write_output(nowhere, b"data\n")
    assert nowhere.is_symlink() and not (tmp_path / "missing").exists()  # no folder made


def test_links_in_a_circle_are_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.bib").symlink_to("b.bib")
    (tmp_path / "b.bib").symlink_to("a.bib")
    with pytest.raises(LibraryError) as caught:
        write_output(tmp_path / "a.bib", b"x")
    assert "a.bib" in str(caught.value) and "\n" not in str(caught.value)
    assert (tmp_path / "a.bib").is_symlink() and (tmp_path / "b.bib").is_symlink()


def test_a_fifo_is_written_as_a_stream_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    data = b"@misc{k,\n}\n" * 20_000  # more than a pipe holds: the reader must drain it
    received: list[bytes] = []
    # A daemon: should the FIFO be replaced, its reader waits for ever and must not
    # keep the test run alive.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(fifo, data)
    reader.join(timeout=30)
    assert received == [data]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["refs.bib"]  # no temp file beside it


def test_a_fifo_whose_reader_stops_early_is_a_broken_pipe_not_a_new_file(tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["head", "-c", "10", str(fifo)], stdout=subprocess.PIPE)
    try:
        with pytest.raises(BrokenPipeError):
            write_output(fifo, b"x" * 10_000_000)
        assert reader.communicate(timeout=30)[0] == b"x" * 10
    finally:
        reader.kill()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_null_device_is_written_not_replaced(tmp_path: Path) -> None:
    null = null_device(tmp_path)
    assert is_stream(null)
    write_output(null, b"gone\n")
    assert stat.S_ISCHR(os.lstat(null).st_mode) and null.read_bytes() == b""
    link = tmp_path / "discard.bib"
    link.symlink_to(null)
    write_output(link, b"gone too\n")
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(null).st_mode)


def test_descriptor_paths_are_recognised_and_near_misses_are_not() -> None:
    assert descriptor_of(Path("/dev/stdout")) == 1
    assert descriptor_of(Path("/dev/stderr")) == 2
    assert descriptor_of(Path("/dev/fd/63")) == 63
    assert descriptor_of(Path("/proc/self/fd/5")) == 5
    assert descriptor_of(Path(f"/proc/{os.getpid()}/fd/7")) == 7
    assert descriptor_of(Path("/proc/1/fd/1")) is None  # another process's descriptor
    assert descriptor_of(Path("/dev/stdout.bib")) is None
    assert descriptor_of(Path("dev/stdout")) is None  # relative: a file of that name
    assert descriptor_of(Path("/tmp/fd/3")) is None


def test_a_link_to_dev_stdout_names_the_descriptor_too(tmp_path: Path) -> None:
    link = tmp_path / "out.bib"
    link.symlink_to("/dev/stdout")
    assert descriptor_of(link) == 1
    (tmp_path / "chain.bib").symlink_to("out.bib")
    assert descriptor_of(tmp_path / "chain.bib") == 1
    (tmp_path / "file.bib").symlink_to(tmp_path / "elsewhere.bib")
    assert descriptor_of(tmp_path / "file.bib") is None


_WRITE = (
    "import sys; from pathlib import Path; "
    "from papershelf.core.safety.safe_files import write_output"
)


def test_dev_stdout_and_a_passed_descriptor_reach_the_pipe(tmp_path: Path) -> None:
    code = f"{_WRITE}; write_output(Path(sys.argv[1]), b'through the pipe\\n')"
    result = subprocess.run(
        [sys.executable, "-c", code, "/dev/stdout"], capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"through the pipe\n"
    # What bash's >(...) hands over: /dev/fd/N, the write end of a pipe.
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-c", code, f"/dev/fd/{write_end}"], pass_fds=(write_end,)
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        received = pipe.read()
    assert process.wait(timeout=60) == 0
    assert received == b"through the pipe\n"


def test_dev_stdout_appended_to_a_file_keeps_what_was_there(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier\n")
    link = tmp_path / "stdout.bib"
    link.symlink_to("/dev/stdout")
    code = f"{_WRITE}; write_output(Path(sys.argv[1]), b'export\\n')"
    for path in ("/dev/stdout", link):
        with log.open("ab") as handle:
            subprocess.run(
                [sys.executable, "-c", code, str(path)], stdout=handle, check=True, timeout=60
            )
    assert log.read_bytes() == b"earlier\nexport\nexport\n"  # as the shell's >> promised
    assert link.is_symlink()


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "refs.bib"
    real.write_bytes(b"old content\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_files.os, "fsync", full)
    for path in (real, link):
        with pytest.raises(LibraryError, match="the disk is full"):
            write_output(path, b"new content that does not fit\n")
        assert real.read_bytes() == b"old content\n"
    assert sorted(os.listdir(tmp_path)) == ["link.bib", "refs.bib"]


def test_a_regular_file_is_replaced_not_rewritten_in_place(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(b"old\n")
    with target.open("rb") as reader_during_export:
        write_output(target, b"new\n")
        assert reader_during_export.read() == b"old\n"  # a reader never sees half a file
    assert target.read_bytes() == b"new\n"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is a folder"):
        write_output(tmp_path, b"x")
    assert os.listdir(tmp_path) == []


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.bib"
    locked.write_bytes(b"kept\n")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):
        pytest.skip("running as root: permissions do not hold")
    with pytest.raises(LibraryError, match="read-only"):
        write_output(locked, b"x")
    assert locked.read_bytes() == b"kept\n"


def test_interrupted_write_says_what_the_target_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(b"old\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safe_files.os, "fsync", interrupted)
    with pytest.raises(safe_files.Interrupted, match="holds its old content") as caught:
        write_output(target, b"new\n")
    assert isinstance(caught.value, KeyboardInterrupt)
    assert target.read_bytes() == b"old\n" and os.listdir(tmp_path) == ["refs.bib"]


def test_ensure_folder_follows_a_link_to_a_folder_not_made_yet(tmp_path: Path) -> None:
    link = tmp_path / "vault"
    link.symlink_to("synced-vault")
    assert ensure_folder(link) == link
    assert link.is_symlink() and (tmp_path / "synced-vault").is_dir()
