"""Backups carry the attached files: each once, by content, restored when missing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pdfs import make_pdf

from papershelf.core.ops import files as ops
from papershelf.core.safety import backup
from papershelf.core.store.opening import open_library


def test_backup_includes_the_attached_files_and_restore_puts_them_back(
    library_path: Path, tmp_path: Path
) -> None:
    made = make_pdf(tmp_path / "p.pdf", [["arXiv:2303.16800v2"]])
    linked = make_pdf(tmp_path / "linked.pdf", [["kept by the reader"]])
    with open_library(library_path) as lib:
        done = ops.attach(lib, 1, made)
        ops.attach(lib, 2, linked, link=True)
    digest = hashlib.sha256(made.read_bytes()).hexdigest()
    backup.backup_now(library_path)
    store = library_path.parent / "backups" / "files"
    assert [p.name for p in store.iterdir()] == [digest]  # the linked file is not copied
    assert (store / digest).read_bytes() == made.read_bytes()
    later = datetime.now(UTC) + timedelta(seconds=5)
    newest = backup.backup_now(library_path, now=later)
    assert [p.name for p in store.iterdir()] == [digest]  # once, whatever the number
    # The files folder is lost; restoring a backup brings its file back.
    stored = library_path.parent / "files" / done.path
    stored.unlink()
    backup.restore(library_path, newest)
    assert stored.read_bytes() == made.read_bytes()
    assert linked.exists()


def test_a_file_changed_since_it_was_attached_is_not_backed_up_as_it(
    library_path: Path, tmp_path: Path
) -> None:
    with open_library(library_path) as lib:
        done = ops.attach(lib, 1, make_pdf(tmp_path / "p.pdf"))
    (library_path.parent / "files" / done.path).write_bytes(b"%PDF-1.4 changed")
    backup.backup_now(library_path)
    store = library_path.parent / "backups" / "files"
    assert not store.exists() or [p for p in store.iterdir() if not p.name.startswith(".")] == []
