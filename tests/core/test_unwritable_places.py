"""A library on a full disk or a read-only medium can still be read (issue 13, item 10).

SQLite needs to create the ``-shm`` index beside a WAL library to read it; on a full
disk or in a read-only folder that failed with "disk I/O error" / "unable to open
database file" even for ``list``. Each case runs the real command line in a private
mount namespace (``unshare``) on a small tmpfs that the test fills or remounts
read-only, so nothing outside the test is touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None
    or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0,
    reason="needs unshare with user and mount namespaces (CI has them)",
)


def run_in_namespace(script: str, library: Path, tmp_path: Path) -> list[str]:
    """Run ``script`` (sh) with $P = the command line and $D = a 2 MB tmpfs holding lib.sqlite."""
    mount = tmp_path / "m"
    mount.mkdir()
    setup = f"""
set -u
D={mount}
mount -t tmpfs -o size=2m tmpfs "$D"
cp {library} "$D/lib.sqlite"
P="{sys.executable} -m papershelf --library $D/lib.sqlite"
fill() {{ dd if=/dev/zero of="$D/fill" bs=4k 2>/dev/null; true; }}
say() {{ echo "== $*"; }}
"""
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", setup + script],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # in the order they were printed
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stdout
    return done.stdout.splitlines()


def section(lines: list[str], name: str) -> list[str]:
    start = lines.index(f"== {name}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("== ")), len(lines))
    return lines[start:end]


def test_a_full_disk_reads_and_refuses_writes_in_one_line(
    library_path: Path, tmp_path: Path
) -> None:
    lines = run_in_namespace(
        """
fill
say list; $P list --format csv | wc -l; echo "exit $?"
say note; $P note 1; echo "exit $?"
say status; $P status 1 read; echo "exit $?"
say after; rm "$D/fill"; $P list status:read --format csv | wc -l
""",
        library_path,
        tmp_path,
    )
    assert section(lines, "list") == ["51", "exit 0"]  # header + 50 papers
    assert section(lines, "note")[-1] == "exit 0"
    status = section(lines, "status")
    assert len(status) == 2 and status[1] == "exit 1"
    assert status[0].startswith("papershelf: ") and "the disk is full" in status[0]
    assert section(lines, "after") == ["1"]  # the header alone: nothing was changed


def test_a_read_only_medium_reads_and_refuses_writes_in_one_line(
    library_path: Path, tmp_path: Path
) -> None:
    lines = run_in_namespace(
        """
mount -o remount,ro "$D"
say list; $P list --format csv | wc -l; echo "exit $?"
say tag; $P tag 1 theory; echo "exit $?"
say files; ls "$D"
""",
        library_path,
        tmp_path,
    )
    assert section(lines, "list") == ["51", "exit 0"]
    tag = section(lines, "tag")
    assert len(tag) == 2 and tag[1] == "exit 1"
    assert "cannot be written" in tag[0] and "nothing was changed" in tag[0]
    assert section(lines, "files") == ["lib.sqlite"]


def test_a_full_disk_with_the_index_in_place_says_the_disk_is_full(
    library_path: Path, tmp_path: Path
) -> None:
    # Another process holds the library open (its -shm exists): the write itself fails.
    lines = run_in_namespace(
        f"""
{sys.executable} -c "
import sqlite3, time
c = sqlite3.connect('$D/lib.sqlite'); c.execute('select count(*) from papers').fetchone()
open('$D/ready', 'w').close(); time.sleep(60)" &
holder=$!
while [ ! -e "$D/ready" ]; do sleep 0.05; done
head -c 300000 /dev/zero | tr '\\0' x > "$D/big.md"
fill
say list; $P list --format csv | wc -l
say note; $P note 1 --file "$D/big.md"; echo "exit $?"
kill $holder
""",
        library_path,
        tmp_path,
    )
    assert section(lines, "list") == ["51"], lines
    note = section(lines, "note")
    assert note[-1] == "exit 1" and len(note) == 2, lines
    assert "the disk is full" in note[0] and "not saved" in note[0]
