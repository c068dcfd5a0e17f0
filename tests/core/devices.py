"""The devices tests write to, kept so that a bug cannot replace the machine's own.

Tests may run as root (CI containers), and root may replace ``/dev/null`` or the
``/dev/stdout`` link with a regular file: the very bug these tests look for. So a test
writes to a private null device where it can make one, and ``dev_guard`` fails any test
that damaged the real ones, after putting them back.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

_NULL = os.makedev(1, 3) if hasattr(os, "makedev") else 0


def null_device(tmp_path: Path) -> Path:
    """A character device that discards what is written to it.

    As root (who could replace /dev/null by mistake) a private node; otherwise
    /dev/null itself, which an ordinary user cannot replace.
    """
    if not os.access("/dev", os.W_OK):
        return Path("/dev/null")
    (tmp_path / "dev").mkdir(exist_ok=True)
    node = tmp_path / "dev" / "null"  # alone in its folder: a temp file beside it shows
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, _NULL)
    except OSError:
        pytest.skip("cannot make a private null device, and /dev/null is not safe to risk")
    return node


@pytest.fixture
def dev_guard() -> Iterator[None]:
    """Fail a test that replaced /dev/null or /dev/stdout, and put them back."""
    yield
    damaged = []
    if not stat.S_ISCHR(os.lstat("/dev/null").st_mode):
        damaged.append("/dev/null")
        os.unlink("/dev/null")
        os.mknod("/dev/null", 0o666 | stat.S_IFCHR, _NULL)
        os.chmod("/dev/null", 0o666)
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        path = f"/dev/{name}"
        if os.path.lexists(path) and not os.path.islink(path):
            damaged.append(path)
            os.unlink(path)
            os.symlink(f"/proc/self/fd/{number}", path)
    assert not damaged, f"the test replaced {', '.join(damaged)} (now put back)"
