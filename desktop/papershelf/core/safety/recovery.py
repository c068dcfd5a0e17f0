"""Opening a library at start, and putting back the newest good backup when it is damaged.

Damaged means SQLite says the bytes are wrong: ``PRAGMA quick_check`` fails, or the
file is "not a database" / "malformed". A library that is only busy, locked,
read-only, from a newer Papershelf or another program's database is not damaged:
it is refused with a message and never moved. A damaged library is moved aside only
when a good backup can take its place; with no backup it stays exactly where and as
it is, so the reader (or a repair tool) still has every byte of it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from papershelf.core.errors import LibraryError, is_damage
from papershelf.core.safety.backup import (
    check_problem,
    connect_readonly,
    copy_in,
    default_backup_folder,
    list_backups,
    move_aside,
    newest_good_backup,
)
from papershelf.core.store import schema
from papershelf.core.store.connection import wal_has_changes
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


def damage(path: Path | str, *, quick_check: bool = True) -> str | None:
    """Why the library file is damaged, or None when it opens (and passes ``quick_check``).

    Raises LibraryError for what is not damage and must not be touched: a newer
    schema, another program's database, a locked or unreadable file. Reads through a
    read-only connection, so looking never checkpoints into (or otherwise writes) a
    damaged file. ``quick_check`` reads every page: 0.8 s at 100k papers, 7 s at a
    million; without it only the header and the schema are read, which finds a file
    that is not a database or is truncated but not a bad page in the middle.
    """
    path = Path(path).expanduser()
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        if is_damage(exc):
            return str(exc)
        raise LibraryError(f"cannot open the library {path}: {exc}") from exc
    try:
        schema.check(conn)
        if quick_check:
            return check_problem(conn, quick=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema
        return None
    except schema.DamagedLibraryError as exc:
        return str(exc)
    except schema.SchemaError as exc:
        raise LibraryError(f"{path}: {exc}") from exc
    except sqlite3.Error as exc:
        if is_damage(exc):
            return str(exc)
        raise LibraryError(f"cannot read the library {path}: {exc}") from exc
    finally:
        conn.close()


def recover(
    path: Path | str, folder: Path | str, problem: str, *, now: datetime | None = None
) -> str:
    """Set a damaged library aside and copy the newest good backup in; return what to tell.

    With no good backup, raises LibraryError and leaves the file unmoved and unchanged.
    """
    path = Path(path).expanduser()
    folder = Path(folder).expanduser()
    good = newest_good_backup(folder, path)
    if good is None:
        raise LibraryError(
            f"The library {path} is damaged ({problem}) and there is no good backup of it "
            f"in {folder}. The file was left as it is; keep a copy of it before trying "
            f"another library (--library) or a repair tool."
        )
    aside = move_aside(path, "damaged", now)
    try:
        copy_in(good.path, path)
    except LibraryError as exc:
        raise LibraryError(f"{exc}. The damaged library was kept as {aside}.") from exc
    return (
        f"The library was damaged and has been restored from the backup of {good.label}. "
        f"The damaged file was kept as {aside}."
    )


QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024


def open_or_recover(
    path: Path | str,
    backups_folder: Path | str | None = None,
    *,
    quick_check: bool | None = None,
    now: datetime | None = None,
    seed: bool = True,
) -> tuple[Library, str | None]:
    """Open the library as the app starts; a damaged one is replaced by its newest good backup.

    Returns the open library and, when a backup was restored, the message for the
    reader (None otherwise). A missing library is created, and seeded when ``seed``.
    """
    path = Path(path).expanduser()
    folder = (
        Path(backups_folder).expanduser()
        if backups_folder is not None
        else default_backup_folder(path)
    )
    if not path.is_file():
        return open_library(path, backups=folder, seed=seed), None
    if path.stat().st_size == 0:
        # Empty: a file the reader made for a new library, or one that was a library
        # until something truncated it. Backups (or a -wal) say which; re-seeding a
        # truncated library would hide the loss, and its next backup would rotate the
        # good ones away.
        if not list_backups(folder, path) and not wal_has_changes(path):
            return open_library(path, backups=folder, seed=seed), None
        return _recovered(path, folder, "the file is empty (0 bytes)", now)
    if quick_check is None:
        # quick_check reads every page: 0.8 s at 100k papers, 7 s at a million. Past
        # the limit, damage is still caught when opening or reading fails.
        quick_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    problem = damage(path, quick_check=quick_check)
    if problem is None:
        try:
            return open_library(path, backups=folder), None
        except LibraryError as exc:
            # Damage quick_check skipped (or that appeared since) shows up while opening.
            cause = exc.__cause__
            if cause is None or not (
                is_damage(cause) or isinstance(cause, schema.DamagedLibraryError)
            ):
                raise
            problem = str(cause)
    return _recovered(path, folder, problem, now)


def _recovered(
    path: Path, folder: Path, problem: str, now: datetime | None
) -> tuple[Library, str | None]:
    message = recover(path, folder, problem, now=now)
    return open_library(path, backups=folder), message
