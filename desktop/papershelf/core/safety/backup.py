"""Verified, rotating backups of a library file, and putting one back in its place.

A backup is copied with SQLite's backup API (a consistent snapshot even while the
window writes), turned into a self-contained rollback-journal file, and checked with
``PRAGMA integrity_check`` under a hidden temporary name. Only a copy that passes is
renamed to a backup's name, so a failed backup never displaces a good one, and
rotation runs only after a good one was made.

Names carry the UTC time, ``library-2026-11-28T041500Z.sqlite``; the copy taken
before a schema upgrade ends ``-before-v1.sqlite`` and is never rotated away.
Nothing here deletes a reader's data: a library that is replaced or damaged is
renamed next to itself, with its ``-wal`` and ``-shm`` files, and kept.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from papershelf.core.errors import LibraryError, is_damage
from papershelf.core.safety import file_backup
from papershelf.core.safety.safe_files import sync_folder
from papershelf.core.store.connection import connect_reader
from papershelf.core.store.library import Library

_log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
# Library.write() stores a fresh value under this key in every write transaction.
LAST_WRITE_KEY = "last_write"

_STAMP = "%Y-%m-%dT%H%M%SZ"
_NAME = re.compile(
    r"(?P<stem>.+)-(?P<stamp>\d{4}-\d\d-\d\dT\d{6}Z)(?:-(?P<seq>\d+))?"
    r"(?:-before-v(?P<before>\d+))?\.sqlite"
)
_PARTIAL_SUFFIX = ".partial"
_STALE_PARTIAL_SECONDS = 24 * 3600  # a partial this old belongs to no backup still running
_SIDE_FILES = ("-wal", "-shm")


class BackupError(LibraryError):
    """A backup could not be made, verified or restored; older backups were not touched."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in a backups folder, as its name and size describe it."""

    path: Path
    time: datetime  # UTC, from the name: renaming or copying a file keeps its identity
    size: int
    seq: int = 0  # orders backups made within the same second
    before_version: int | None = None  # the schema version, for a copy taken before an upgrade

    @property
    def label(self) -> str:
        """The time as the reader reads it: local, to the minute."""
        return self.time.astimezone().strftime("%Y-%m-%d %H:%M")


def default_backup_folder(library_path: Path | str) -> Path:
    """``backups/`` next to the library; for the default library, in the user data dir."""
    return Path(library_path).expanduser().parent / "backups"


def stamp(when: datetime) -> str:
    """``when`` as it appears in backup and set-aside names (UTC, no separators in the time)."""
    return when.astimezone(UTC).strftime(_STAMP)


def side_file(path: Path, suffix: str) -> Path:
    """SQLite's ``-wal`` / ``-shm`` companion of a database file."""
    return path.with_name(path.name + suffix)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can neither create nor change ``path``.

    Unlike a read-write one, its close never checkpoints a ``-wal`` into the file, so
    looking at a damaged library leaves it as it was (SQLite may add empty companions).
    It reads on a full disk and in a read-only folder too.
    """
    return connect_reader(path)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_problem(conn: sqlite3.Connection, *, quick: bool = False) -> str | None:
    """The first findings of ``PRAGMA integrity_check`` (or ``quick_check``) on one line.

    None when SQLite says ok. Raises sqlite3.DatabaseError when the file cannot be read.
    """
    pragma = "quick_check" if quick else "integrity_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(5)")]
    if rows == ["ok"]:
        return None
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    text = "; ".join(lines) or "the check failed"
    return text if len(text) <= 200 else text[:199] + "…"


# ------------------------------------------------------------------------------ listing


def list_backups(folder: Path | str, library_path: Path | str | None = None) -> list[BackupInfo]:
    """The backups in ``folder``, newest first; only ``library_path``'s when it is given.

    A folder may hold the backups of several libraries that live side by side; they
    are told apart by the library file's name.
    """
    stem = Path(library_path).stem if library_path is not None else None
    try:
        entries = list(Path(folder).expanduser().iterdir())
    except OSError:  # missing, not a folder or unreadable: there is nothing to list
        return []
    found: list[BackupInfo] = []
    for entry in entries:
        match = _NAME.fullmatch(entry.name)
        if match is None or (stem is not None and match["stem"] != stem):
            continue
        try:
            when = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        if not entry.is_file():
            continue
        before = int(match["before"]) if match["before"] else None
        found.append(BackupInfo(entry, when, size, int(match["seq"] or 0), before))
    found.sort(key=lambda b: (b.time, b.seq), reverse=True)
    return found


def backup_problem(path: Path | str) -> str | None:
    """Why ``path`` cannot be restored (damaged, not a library, too new), or None.

    Runs a full ``integrity_check``: a backup may have rotted on disk since it was
    made, and restoring a damaged copy over a damaged library helps nobody.
    """
    from papershelf.core.store import schema

    path = Path(path).expanduser()
    if not path.is_file():
        return f"{path} is not a file"
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        if _user_version(conn) == 0:
            return "it is not a Papershelf library"
        schema.check(conn)
        return check_problem(conn)
    except schema.SchemaError as exc:
        return str(exc)
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def newest_good_backup(
    folder: Path | str, library_path: Path | str | None = None
) -> BackupInfo | None:
    """The newest backup that passes ``backup_problem``; damaged ones are skipped, not deleted."""
    for info in list_backups(folder, library_path):
        if backup_problem(info.path) is None:
            return info
    return None


# ------------------------------------------------------------------------- making


def _fingerprint(conn: sqlite3.Connection) -> tuple[object, ...]:
    """What changes whenever the library's content changes, in a few b-tree lookups.

    The write token changes in every write transaction that changes a row
    (``Library.write``); the schema version catches migrations, and the highest ids
    catch most writes made around ``Library.write``. No count(*): at a million papers
    it alone costs 70 ms, and this runs on the window's thread.
    """
    version = _user_version(conn)
    try:
        token = conn.execute("SELECT value FROM meta WHERE key = ?", (LAST_WRITE_KEY,)).fetchone()
        papers = conn.execute("SELECT max(id) FROM papers").fetchone()
        history = conn.execute("SELECT max(id) FROM status_history").fetchone()
    except sqlite3.OperationalError:  # no such table: not a library, so never "backed up"
        return (version, secrets.token_hex(8))
    return (version, token[0] if token else None, papers[0], history[0])


def needs_backup(library: Library | Path | str, folder: Path | str | None = None) -> bool:
    """True when the library changed since its newest backup (or it has none).

    Cheap at a million papers (a few milliseconds): one meta row and two max(id)
    lookups in the library and in the newest backup, which is not integrity-checked
    here (``newest_good_backup`` does that when it matters).
    """
    path = library.path if isinstance(library, Library) else Path(library).expanduser()
    folder = Path(folder) if folder is not None else default_backup_folder(path)
    backups = list_backups(folder, path)
    if not backups:
        return True
    try:
        if isinstance(library, Library):
            mine = _fingerprint(library.conn)
        else:
            mine = _read_fingerprint(path)
        theirs = _read_fingerprint(backups[0].path)
    except sqlite3.Error:
        return True
    return mine != theirs


def _free_name(folder: Path, stem: str, when: datetime, before_version: int | None) -> Path:
    suffix = f"-before-v{before_version}" if before_version is not None else ""
    for seq in itertools.count():
        extra = f"-{seq}" if seq else ""
        candidate = folder / f"{stem}-{stamp(when)}{extra}{suffix}.sqlite"
        if not candidate.exists():
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def _remove_stale_partials(folder: Path) -> None:
    """Partial copies left by a crash; a recent one may be another process's backup."""
    cutoff = time.time() - _STALE_PARTIAL_SECONDS
    for entry in folder.glob(f".*{_PARTIAL_SUFFIX}"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass


def _make_backup(
    library_path: Path, folder: Path, when: datetime, before_version: int | None
) -> Path:
    if not library_path.is_file():
        raise BackupError(f"there is no library at {library_path} to back up")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {folder}: {exc}") from exc
    partial = folder / f".{library_path.stem}-{secrets.token_hex(4)}{_PARTIAL_SUFFIX}"
    try:
        source = sqlite3.connect(library_path, timeout=5.0)
        try:
            version = _user_version(source)
            if version == 0:
                raise BackupError(f"{library_path} is not a Papershelf library; nothing backed up")
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                # One self-contained file: reading a backup never needs -wal or -shm files.
                copy.execute("PRAGMA journal_mode = DELETE")
                try:
                    problem = check_problem(copy)
                except sqlite3.DatabaseError as exc:  # the check could not even run
                    problem = str(exc)
                copied_version = _user_version(copy)
            finally:
                copy.close()
        finally:
            source.close()
        if problem is None and copied_version != version:
            problem = f"schema version {copied_version} instead of {version}"
        if problem is not None:
            raise BackupError(
                f"the new backup of {library_path} failed its integrity check ({problem}); "
                f"it was deleted and the older backups were kept"
            )
        final = _free_name(folder, library_path.stem, when, before_version)
        os.replace(partial, final)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"the backup of {library_path} failed ({exc}); the older backups were kept"
        ) from exc
    sync_folder(folder)
    return final


def backup_now(
    library_path: Path | str, folder: Path | str | None = None, *, now: datetime | None = None
) -> Path:
    """Make a verified backup of the library file, rotate the old ones, return the new one.

    Opens its own connections, so it may run on a worker thread while the window
    writes; at a million papers the copy and its check take about a minute.
    """
    path = Path(library_path).expanduser()
    target = Path(folder).expanduser() if folder is not None else default_backup_folder(path)
    made = _make_backup(path, target, now or datetime.now(UTC), None)
    for problem in file_backup.back_up_files(path, made):
        _log.warning("backup of attached files: %s", problem)
    if rotate(target, path, keep=[made]):
        file_backup.prune_files(target, [info.path for info in list_backups(target)])
    return made


def backup_before_migration(
    library_path: Path | str, version: int, folder: Path | str | None = None
) -> Path:
    """The copy taken before a schema upgrade; it is kept out of rotation."""
    path = Path(library_path).expanduser()
    target = Path(folder).expanduser() if folder is not None else default_backup_folder(path)
    return _make_backup(path, target, datetime.now(UTC), version)


def rotate(
    folder: Path | str,
    library_path: Path | str,
    *,
    keep: Iterable[Path] = (),
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
) -> list[Path]:
    """Delete at most one regular backup that no rule keeps; return the deleted paths.

    Kept: the newest backup of each of the ``daily`` most recent UTC days that have
    backups, the newest of each of the ``weekly`` most recent ISO weeks that have
    backups, the newest backup of all, ``keep``, and the newest backup whose content
    differs from the library's now. Days and weeks without backups do not count, so a
    library left alone for months keeps its last backups. Pre-upgrade copies are never
    rotated.

    The last two rules are for a library that lost its data since its last good
    backup (emptied, replaced): the backup made of it now must not push out the only
    copy that still holds the data. And since a run makes one new backup and deletes
    at most one, a run never leaves fewer good backups than it found.
    """
    backups = [b for b in list_backups(folder, library_path) if b.before_version is None]
    kept = {Path(p) for p in keep}
    if backups:
        kept.add(backups[0].path)
    days: list[object] = []
    weeks: list[object] = []
    for info in backups:  # newest first, so the first seen of a day or week is its newest
        day = info.time.date()
        if day not in days and len(days) < daily:
            days.append(day)
            kept.add(info.path)
        week = tuple(info.time.isocalendar())[:2]
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)
            kept.add(info.path)
    unkept = [info for info in backups if info.path not in kept]
    if not unkept:
        return []
    differing = _newest_differing(backups, Path(library_path).expanduser())
    unkept = [info for info in unkept if info.path != differing]
    for info in reversed(unkept):  # the oldest first
        try:
            info.path.unlink()
        except OSError:
            continue  # keeping one too many is harmless
        return [info.path]
    return []


def _newest_differing(backups: list[BackupInfo], library_path: Path) -> Path | None:
    """The newest backup whose fingerprint is not the library's now (None if all match)."""
    try:
        mine = _read_fingerprint(library_path)
    except sqlite3.Error:
        return None  # the library cannot be read: no backup counts as the same as it
    for info in backups:
        try:
            if _read_fingerprint(info.path) != mine:
                return info.path
        except sqlite3.Error:
            continue
    return None


def _read_fingerprint(path: Path) -> tuple[object, ...]:
    conn = connect_readonly(path)
    try:
        return _fingerprint(conn)
    finally:
        conn.close()


# ----------------------------------------------------------------------- restoring


def move_aside(path: Path, label: str, when: datetime | None = None) -> Path:
    """Rename a library with its ``-wal``/``-shm`` to ``<name>.<label>-<time>``; return it.

    The companions move first and keep their suffixes, so the set still opens as one
    database, and no stale ``-wal`` is left to be replayed into a new file at ``path``.
    """
    moment = stamp(when or datetime.now(UTC))
    for n in itertools.count(1):
        aside = path.with_name(f"{path.name}.{label}-{moment}" + (f"-{n}" if n > 1 else ""))
        if not any(side_file(aside, s).exists() for s in ("", *_SIDE_FILES)):
            break
    try:
        for suffix in _SIDE_FILES:
            if side_file(path, suffix).exists():
                os.replace(side_file(path, suffix), side_file(aside, suffix))
        os.replace(path, aside)
    except OSError as exc:
        raise BackupError(f"cannot move {path} aside to {aside.name}: {exc}") from exc
    return aside


def _settle(path: Path) -> None:
    """Fold the library's WAL into its main file, proving no one else has it open.

    SQLite leaves WAL mode only for a connection that is alone on the file; so this
    refuses to replace a library the window or a command is still using.
    """
    try:
        conn = sqlite3.connect(path, timeout=1.0)
    except sqlite3.Error:
        return  # cannot even open it: it is set aside as it is
    try:
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except sqlite3.Error as exc:
        if is_damage(exc):
            return
        raise LibraryError(
            f"{path} cannot be replaced now ({exc}): close every Papershelf window and "
            f"command using it, then try again"
        ) from exc
    finally:
        conn.close()
    if mode == "wal":  # SQLite declined without an error: the same cause
        raise LibraryError(f"{path} is in use by Papershelf or another program; close it first")


def copy_in(backup_path: Path, library_path: Path) -> None:
    """Copy a backup to ``library_path`` with the backup API, under a temporary name first.

    ``library_path`` must not exist (moved aside): the rename never overwrites.
    """
    temporary = library_path.with_name(f".{library_path.name}.{secrets.token_hex(4)}.restoring")
    try:
        source = connect_readonly(backup_path)
        try:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            source.close()
        for suffix in _SIDE_FILES:  # stale companions would be replayed into the copy
            if side_file(library_path, suffix).exists():
                raise BackupError(f"{side_file(library_path, suffix)} is in the way; not restored")
        if library_path.exists():
            raise BackupError(f"{library_path} appeared while restoring; not replaced")
        os.replace(temporary, library_path)
    except BackupError:
        temporary.unlink(missing_ok=True)
        raise
    except (sqlite3.Error, OSError) as exc:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {backup_path} to {library_path}: {exc}") from exc
    sync_folder(library_path.parent)


def restore(
    library_path: Path | str, backup_path: Path | str, *, now: datetime | None = None
) -> Path | None:
    """Put a backup in the library's place; return where the replaced library was kept.

    The backup is checked first and a damaged one is refused with the library
    untouched. Every connection to the library must be closed (the window's too).
    The replaced file is kept as ``<name>.replaced-<time>``: a restore is undoable.
    """
    path = Path(library_path).expanduser()
    source = Path(backup_path).expanduser()
    if path.exists() and source.exists() and path.resolve() == source.resolve():
        raise BackupError(f"{source} is the library itself")
    problem = backup_problem(source)
    if problem is not None:
        raise BackupError(f"{source} cannot be restored: {problem}; the library was not changed")
    aside = None
    if path.exists():
        _settle(path)
        aside = move_aside(path, "replaced", now)
    try:
        copy_in(source, path)
    except BackupError as exc:
        kept = f"; the library was kept as {aside}" if aside else ""
        raise BackupError(f"{exc}{kept}") from exc
    file_backup.restore_files(path, source.parent)
    return aside
