"""Attached files in backups: each copied file once, by content, in ``backups/files/``.

A backup of the library is one SQLite file; the files it attaches are kept beside it
as ``backups/files/<sha256>``, copied once whatever number of backups name them, and
checked against their hash before they get that name. Restoring a backup puts back
into ``files/`` every file it attaches that is missing there. A stored file no kept
backup names any more is deleted when rotation deletes a backup.

Linked files (``attach --link``) stay where the reader keeps them and are not copied.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from papershelf.core.store.connection import connect_reader

FOLDER = "files"
_CHUNK = 1 << 20


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copied_files(database: Path) -> list[tuple[str, str]]:
    """(path in files/, sha256) of every copied attachment a library or backup names."""
    try:
        conn = connect_reader(database)
    except sqlite3.Error:
        return []
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "attachments" not in tables:
            return []
        rows = conn.execute(
            "SELECT DISTINCT path, sha256 FROM attachments WHERE linked = 0 AND sha256 IS NOT NULL"
        ).fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [(str(p), str(h)) for p, h in rows]


def back_up_files(library_path: Path, made: Path) -> list[str]:
    """Copy the files the backup ``made`` attaches into ``backups/files/``; return problems.

    Read from the backup, not the library: the files are those of that snapshot, and
    a read-only look at a library in WAL mode would leave its -wal and -shm behind. A
    file that is missing or changed since it was attached is reported, not copied.
    """
    source_folder = library_path.expanduser().resolve().parent / FOLDER
    store = made.parent / FOLDER
    problems: list[str] = []
    for name, sha256 in copied_files(made):
        target = store / sha256
        if target.exists():
            continue
        source = source_folder / name
        if source.parent != source_folder or not source.is_file():
            problems.append(f"{name} is missing from {source_folder}")
            continue
        store.mkdir(parents=True, exist_ok=True)
        partial = store / f".{sha256}.partial"
        try:
            shutil.copyfile(source, partial)
            if _hash(partial) != sha256:
                problems.append(f"{name} changed since it was attached; not backed up")
                partial.unlink()
                continue
            os.replace(partial, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            problems.append(f"{name}: {exc.strerror or exc}")
    return problems


def restore_files(library_path: Path, backup_folder: Path) -> int:
    """Put back into ``files/`` the restored library's files that are missing there."""
    folder = library_path.expanduser().resolve().parent / FOLDER
    store = backup_folder / FOLDER
    restored = 0
    for name, sha256 in copied_files(library_path):
        target = folder / name
        kept = store / sha256
        if target.parent != folder or target.exists() or not kept.is_file():
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{name}.restoring"
            shutil.copyfile(kept, partial)
            os.replace(partial, target)
            restored += 1
        except OSError:
            continue  # the library is back; a file that could not be is still in backups/
    return restored


def prune_files(backup_folder: Path, databases: list[Path]) -> int:
    """Delete the kept files that none of ``databases`` (the backups kept) names."""
    store = backup_folder / FOLDER
    if not store.is_dir():
        return 0
    named = {sha256 for database in databases for _, sha256 in copied_files(database)}
    gone = 0
    for entry in store.iterdir():
        if entry.name not in named and not entry.name.startswith("."):
            with contextlib.suppress(OSError):
                entry.unlink()
                gone += 1
    return gone
