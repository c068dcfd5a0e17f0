"""Backups, restore and recovery at start, on real library files.

Times are injected (``now=``), never slept for; damage is real bytes overwritten in
real files, found by SQLite itself.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.safety import backup
from papershelf.core.safety.backup import (
    BackupError,
    backup_now,
    list_backups,
    needs_backup,
    newest_good_backup,
    restore,
    rotate,
)
from papershelf.core.safety.recovery import open_or_recover
from papershelf.core.store import schema
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

T0 = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
T1 = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
T2 = datetime(2026, 11, 28, 4, 15, tzinfo=UTC)
T3 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def local_minute(when: datetime) -> str:
    """How a message shows a time: the reader's local time, to the minute."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def scalar(path: Path, sql: str) -> Any:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def corrupt_page(path: Path, name: str = "papers") -> None:
    """Overwrite the root page of table ``name`` with junk, as a bad sector would."""
    conn = sqlite3.connect(path)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,))
        page = int(root.fetchone()[0])
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    with path.open("r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\xa5" * size)


def damage(path: Path, kind: str) -> None:
    if kind == "middle":
        corrupt_page(path)
    elif kind == "truncated":
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 2)
    else:  # the header: SQLite no longer recognises the file at all
        with path.open("r+b") as f:
            f.write(b"not a database, not any more " * 4)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """An empty (unseeded) library: backups of it take milliseconds."""
    path = tmp_path / "small" / "library.sqlite"
    open_library(path, seed=False).close()
    return path


def reader_state(path: Path) -> list[dict[str, Any]]:
    with open_library(path) as lib:
        return lib.records(lib.search(""))


def history(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM status_history ORDER BY id").fetchall()
    finally:
        conn.close()


# --- making backups -------------------------------------------------------------------


def test_backup_is_a_verified_self_contained_copy(library_path: Path, folder: Path) -> None:
    made = backup_now(library_path, folder, now=T2)
    assert made == folder / "library-2026-11-28T041500Z.sqlite"
    assert names(folder) == [made.name]  # no partial copy left behind
    assert scalar(made, "PRAGMA journal_mode") == "delete"  # opens without -wal / -shm
    assert scalar(made, "PRAGMA integrity_check") == "ok"
    assert scalar(made, "SELECT count(*) FROM papers") == 50
    assert scalar(made, "PRAGMA user_version") == schema.SCHEMA_VERSION
    [info] = list_backups(folder)
    assert (info.path, info.time, info.size) == (made, T2, made.stat().st_size)
    assert info.label == local_minute(T2)


def test_default_folder_is_next_to_the_library(library_path: Path) -> None:
    made = backup_now(library_path, now=T2)
    assert made.parent == library_path.parent / "backups"
    assert backup.default_backup_folder(library_path) == made.parent


def test_two_backups_in_one_second_get_two_names(small_library: Path, folder: Path) -> None:
    first = backup_now(small_library, folder, now=T2)
    second = backup_now(small_library, folder, now=T2)
    assert second.name == "library-2026-11-28T041500Z-1.sqlite"
    # The later one counts as newer: it is the day's newest, the one rotation keeps.
    assert [b.path for b in list_backups(folder)] == [second]
    assert not first.exists()


def test_backups_of_other_libraries_in_the_folder_are_told_apart(
    small_library: Path, folder: Path
) -> None:
    other = small_library.with_name("work.sqlite")
    open_library(other, seed=False).close()
    mine = backup_now(small_library, folder, now=T1)
    theirs = backup_now(other, folder, now=T2)
    assert [b.path for b in list_backups(folder, small_library)] == [mine]
    assert [b.path for b in list_backups(folder, other)] == [theirs]
    assert newest_good_backup(folder, small_library).path == mine  # type: ignore[union-attr]
    assert {b.path for b in list_backups(folder)} == {mine, theirs}


def test_a_backup_that_fails_its_check_is_deleted_and_older_ones_kept(
    library_path: Path, folder: Path
) -> None:
    good = backup_now(library_path, folder, now=T1)
    good_hash = sha(good)
    corrupt_page(library_path)  # the library itself is damaged: so is any copy of it
    with pytest.raises(BackupError, match="integrity check"):
        backup_now(library_path, folder, now=T2)
    assert names(folder) == [good.name]  # no new file, no partial file, nothing rotated
    assert sha(good) == good_hash


def test_backup_of_a_missing_library_is_a_clear_error(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(BackupError, match="no library"):
        backup_now(tmp_path / "nowhere.sqlite", folder)
    assert not folder.exists()


def test_corrupt_backup_is_not_the_newest_good_one(library_path: Path, folder: Path) -> None:
    older = backup_now(library_path, folder, now=T1)
    newer = backup_now(library_path, folder, now=T2)
    assert newest_good_backup(folder, library_path).path == newer  # type: ignore[union-attr]
    corrupt_page(newer)
    assert backup.backup_problem(newer) is not None
    assert backup.backup_problem(older) is None
    assert newest_good_backup(folder, library_path).path == older  # type: ignore[union-attr]
    assert newer.exists()  # skipped, never deleted: it is the reader's file too


def test_no_good_backup_at_all(library_path: Path, folder: Path) -> None:
    assert newest_good_backup(folder, library_path) is None
    only = backup_now(library_path, folder, now=T1)
    only.write_bytes(b"junk" * 1000)
    assert newest_good_backup(folder, library_path) is None


# --- rotation ---------------------------------------------------------------------------


def test_rotation_keeps_seven_daily_and_four_weekly(small_library: Path, folder: Path) -> None:
    start = datetime(2026, 10, 22, tzinfo=UTC)
    for day in range(38):  # 2026-10-22 .. 2026-11-28, twice a day
        for hour in (9, 18):
            backup_now(small_library, folder, now=start + timedelta(days=day, hours=hour))
    expected = [
        # The newest of each of the last 7 days that have backups ...
        *(f"library-2026-11-{d}T180000Z.sqlite" for d in range(22, 29)),
        # ... and of each of the last 4 ISO weeks (Mon 23, 16, 9 and 2 November);
        # the weeks of the 23rd and the 16th already have theirs among the days.
        "library-2026-11-15T180000Z.sqlite",
        "library-2026-11-08T180000Z.sqlite",
        # A run deletes at most one backup (it made one), so this morning's waits for
        # the next run while the day's older ones went in earlier runs.
        "library-2026-11-28T090000Z.sqlite",
    ]
    assert names(folder) == sorted(expected)


def test_days_without_backups_do_not_count(small_library: Path, folder: Path) -> None:
    times = [datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 5, 20, 10, tzinfo=UTC)]
    times += [datetime(2026, 11, 28, h, tzinfo=UTC) for h in (8, 12, 16)]
    for when in times:
        backup_now(small_library, folder, now=when)
    # Months apart, but only three days (and three weeks) have backups: all three stay.
    assert names(folder) == [
        "library-2026-03-02T100000Z.sqlite",
        "library-2026-05-20T100000Z.sqlite",
        "library-2026-11-28T160000Z.sqlite",
    ]


def test_rotation_never_removes_the_backup_just_made(small_library: Path, folder: Path) -> None:
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    for day in range(20):
        backup_now(small_library, folder, now=start + timedelta(days=day))
    # The clock went back a year: this backup sorts oldest, yet it is the newest made.
    made = backup_now(small_library, folder, now=start - timedelta(days=365))
    assert names(folder) == sorted(
        [
            made.name,  # kept although no rule keeps it
            *(f"library-2026-11-{d}T120000Z.sqlite" for d in range(14, 21)),  # 7 days
            "library-2026-11-08T120000Z.sqlite",  # newest of the week of Mon 2 Nov
            "library-2026-11-01T120000Z.sqlite",  # newest of the week of Mon 26 Oct
        ]
    )


def test_rotation_leaves_pre_upgrade_copies_and_foreign_files(
    small_library: Path, folder: Path
) -> None:
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    pre = backup.backup_before_migration(small_library, 1, folder)
    assert pre.name.endswith("-before-v1.sqlite")
    start = datetime(2027, 1, 1, tzinfo=UTC)
    for day in range(16):
        backup_now(small_library, folder, now=start + timedelta(days=day))
    assert len(list_backups(folder, small_library)) < 16  # rotation did run
    assert pre.exists()
    assert (folder / "notes.txt").read_text() == "mine"
    assert rotate(folder, small_library) == []  # rotating again finds nothing more to drop


# --- needs_backup -----------------------------------------------------------------------


def test_needs_backup_follows_every_kind_of_change(library: Library, folder: Path) -> None:
    assert needs_backup(library, folder)  # no backup yet
    backup_now(library.path, folder, now=T1)
    assert not needs_backup(library, folder)
    assert not needs_backup(library.path, folder)

    paper = library.resolve("akyurek2022learning")
    library.add_tags([paper], ["alpha"])
    assert needs_backup(library, folder)
    backup_now(library.path, folder, now=T2)
    assert not needs_backup(library, folder)

    # A swap keeps every count and id the same: only the write token shows it.
    library.remove_tags([paper], ["alpha"])
    library.add_tags([paper], ["beta"])
    assert needs_backup(library, folder)
    backup_now(library.path, folder, now=T3)

    library.set_note(paper, "a note")
    assert needs_backup(library, folder)
    backup_now(library.path, folder, now=T3 + timedelta(minutes=1))
    library.set_status([paper], "reading")
    assert needs_backup(library, folder)


def test_needs_backup_sees_another_process_and_not_mere_opening(
    library_path: Path, folder: Path
) -> None:
    backup_now(library_path, folder, now=T1)
    open_library(library_path).close()  # opening and closing change nothing
    assert not needs_backup(library_path, folder)
    with open_library(library_path) as window, open_library(library_path) as command_line:
        command_line.set_note(command_line.resolve("akyurek2022learning"), "from the CLI")
        assert needs_backup(window, folder)


def test_needs_backup_when_the_newest_backup_is_unreadable(
    library_path: Path, folder: Path
) -> None:
    made = backup_now(library_path, folder, now=T1)
    made.write_bytes(b"\0" * 4096)
    assert needs_backup(library_path, folder)


# --- restore ----------------------------------------------------------------------------


def test_restore_round_trip_brings_notes_statuses_and_tags_back(
    library_path: Path, folder: Path
) -> None:
    with open_library(library_path) as lib:
        a, b, c = lib.search("", limit=3)
        lib.set_note(a, "# Kept\n\nwith **Markdown**")
        lib.set_status([b], "reading", at="2026-11-01T10:00:00+00:00")
        lib.set_status([b], "read", at="2026-11-02T10:00:00+00:00")
        lib.add_tags([a, c], ["theory", "to-cite"])
    saved, saved_history = reader_state(library_path), history(library_path)
    made = backup_now(library_path, folder, now=T1)

    with open_library(library_path) as lib:  # later changes, which restore undoes
        lib.set_note(a, "overwritten")
        lib.set_status([b], "skipped")
        lib.remove_tags([a, c], ["theory"])
        lib.delete_papers([c])
    later = reader_state(library_path)

    aside = restore(library_path, made, now=T2)
    assert aside == library_path.with_name("library.sqlite.replaced-2026-11-28T041500Z")
    assert not library_path.with_name("library.sqlite-wal").exists()
    assert not library_path.with_name("library.sqlite-shm").exists()
    assert reader_state(library_path) == saved
    assert history(library_path) == saved_history
    with open_library(library_path) as lib:
        assert lib.note(a) == "# Kept\n\nwith **Markdown**"
        assert lib.record(b)["status"] == "read"
        assert sorted(lib.search("tag:to-cite")) == sorted([a, c])
    # Nothing the reader wrote is lost: the replaced library is kept, whole.
    assert aside is not None
    assert scalar(aside, "PRAGMA integrity_check") == "ok"
    assert reader_state(aside) == later


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    library_path: Path, folder: Path
) -> None:
    made = backup_now(library_path, folder, now=T1)
    corrupt_page(made)
    before = sha(library_path)
    with pytest.raises(BackupError, match="cannot be restored"):
        restore(library_path, made, now=T2)
    assert sha(library_path) == before
    assert sorted(p.name for p in library_path.parent.iterdir()) == ["backups", "library.sqlite"]


def test_restore_refuses_while_the_library_is_open(library: Library, folder: Path) -> None:
    made = backup_now(library.path, folder, now=T1)
    with pytest.raises(LibraryError, match="close every Papershelf window"):
        restore(library.path, made, now=T2)
    assert library.count() == 50  # still there, still usable
    assert not list(library.path.parent.glob("*.replaced-*"))


def test_restore_into_a_missing_library(library_path: Path, folder: Path) -> None:
    made = backup_now(library_path, folder, now=T1)
    saved = reader_state(library_path)
    library_path.unlink()
    assert restore(library_path, made) is None
    assert reader_state(library_path) == saved


# --- recovery at start ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["middle", "truncated", "header"])
def test_damaged_library_is_set_aside_and_the_newest_good_backup_restored(
    library_path: Path, folder: Path, kind: str
) -> None:
    backup_now(library_path, folder, now=T0)  # older: has no note
    with open_library(library_path) as lib:
        paper = lib.resolve("akyurek2022learning")
        lib.set_note(paper, "written before the newest good backup")
    backup_now(library_path, folder, now=T1)
    newest = backup_now(library_path, folder, now=T2)
    corrupt_page(newest)  # the newest of all is bad: T1 must be the one used
    damage(library_path, kind)
    damaged = sha(library_path)

    lib, message = open_or_recover(library_path, folder, now=T3)
    try:
        assert message is not None
        assert f"restored from the backup of {local_minute(T1)}" in message
        assert local_minute(T2) not in message
        aside = library_path.with_name("library.sqlite.damaged-2026-11-28T080000Z")
        assert str(aside) in message
        assert sha(aside) == damaged  # kept byte for byte
        assert lib.note(paper) == "written before the newest good backup"
        assert lib.count() == 50
        assert lib.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        lib.close()
    assert newest.exists()


def test_damage_is_found_without_quick_check_when_the_file_cannot_be_opened(
    library_path: Path, folder: Path
) -> None:
    backup_now(library_path, folder, now=T1)
    damage(library_path, "header")
    lib, message = open_or_recover(library_path, folder, quick_check=False, now=T3)
    lib.close()
    assert message is not None and local_minute(T1) in message


def test_damaged_library_keeps_its_wal_beside_it(
    library_path: Path, folder: Path, tmp_path: Path
) -> None:
    backup_now(library_path, folder, now=T1)
    # A process killed with its last commit still in the -wal file.
    with open_library(library_path) as lib:
        lib.set_note(lib.resolve("akyurek2022learning"), "only in the wal")
        wal_bytes = library_path.with_name("library.sqlite-wal").read_bytes()
    assert wal_bytes
    corrupt_page(library_path, "authors")  # a page the note's commit did not write
    library_path.with_name("library.sqlite-wal").write_bytes(wal_bytes)

    lib, message = open_or_recover(library_path, folder, now=T3)
    lib.close()
    aside = library_path.with_name("library.sqlite.damaged-2026-11-28T080000Z")
    assert aside.with_name(aside.name + "-wal").read_bytes() == wal_bytes
    assert message is not None


def test_damaged_library_without_backup_is_refused_and_left_untouched(
    library_path: Path, folder: Path
) -> None:
    damage(library_path, "middle")
    before = sha(library_path)
    with pytest.raises(LibraryError, match="damaged") as raised:
        open_or_recover(library_path, folder, now=T3)
    assert "no good backup" in str(raised.value)
    assert str(library_path) in str(raised.value)
    assert sha(library_path) == before
    # Looking may add SQLite's empty companions; nothing is moved, renamed or removed.
    assert {p.name for p in library_path.parent.iterdir()} <= {
        "library.sqlite",
        "library.sqlite-wal",
        "library.sqlite-shm",
    }


def test_damaged_library_with_only_damaged_backups_is_left_untouched(
    library_path: Path, folder: Path
) -> None:
    bad = backup_now(library_path, folder, now=T1)
    corrupt_page(bad)
    damage(library_path, "header")
    before = sha(library_path)
    with pytest.raises(LibraryError, match="no good backup"):
        open_or_recover(library_path, folder, now=T3)
    assert sha(library_path) == before
    assert bad.exists()
    assert not list(library_path.parent.glob("*.damaged-*"))


def test_newer_library_is_refused_not_treated_as_damaged(library_path: Path, folder: Path) -> None:
    backup_now(library_path, folder, now=T1)
    conn = sqlite3.connect(library_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = sha(library_path)
    with pytest.raises(LibraryError, match="update Papershelf"):
        open_or_recover(library_path, folder, now=T3)
    assert sha(library_path) == before
    assert not list(library_path.parent.glob("*.damaged-*"))
    assert len(list_backups(folder)) == 1


def test_another_programs_database_is_refused_not_replaced(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "library.sqlite"
    open_library(path, seed=False).close()
    backup_now(path, folder, now=T1)
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE their_data(x)")
    conn.close()
    with pytest.raises(LibraryError, match="another program"):
        open_or_recover(path, folder)
    assert scalar(path, "SELECT name FROM sqlite_master") == "their_data"


def test_healthy_library_opens_without_message(library_path: Path, folder: Path) -> None:
    backup_now(library_path, folder, now=T1)
    with open_library(library_path) as lib:
        lib.set_note(lib.resolve("akyurek2022learning"), "newer than the backup")
    lib, message = open_or_recover(library_path, folder)
    try:
        assert message is None
        assert lib.note(lib.resolve("akyurek2022learning")) == "newer than the backup"
    finally:
        lib.close()
    assert not list(library_path.parent.glob("*.damaged-*"))


def test_missing_library_is_created_and_seeded(tmp_path: Path, folder: Path) -> None:
    lib, message = open_or_recover(tmp_path / "new" / "library.sqlite", folder)
    with lib:
        assert message is None
        assert lib.count() == 50


# --- a library that lost its data (issue 13, item 2) -----------------------------------


def test_rotation_keeps_the_newest_backup_that_differs_from_the_library(
    library_path: Path, folder: Path
) -> None:
    holding = backup_now(library_path, folder, now=T1)
    with open_library(library_path) as lib:  # the data is lost after the backup
        lib.delete_papers(lib.search(""))
    for hour in range(1, 6):  # the same day: the rules would keep only the newest
        backup_now(library_path, folder, now=T1 + timedelta(hours=hour))
    kept = list_backups(folder, library_path)
    assert holding in [b.path for b in kept]
    with open_library(holding) as copy:
        assert copy.count() == 50
    # Near miss: once the library changes again, that backup is no longer the newest
    # that differs, and the same-day rule may take it.
    with open_library(library_path) as lib:
        lib.add_paper(PaperFields(title="A new start"))
    backup_now(library_path, folder, now=T1 + timedelta(hours=7))
    backup_now(library_path, folder, now=T1 + timedelta(hours=8))
    assert holding not in [b.path for b in list_backups(folder, library_path)]


def test_a_backup_run_never_leaves_fewer_backups(small_library: Path, folder: Path) -> None:
    start = datetime(2026, 11, 2, tzinfo=UTC)
    for day in range(30):
        backup_now(small_library, folder, now=start + timedelta(days=day))
    before = len(list_backups(folder, small_library))
    # Many same-day backups made by hand (or by an older Papershelf): one run deletes one.
    extra = start + timedelta(days=40)
    for minute in range(5):
        _make_backup_file(small_library, folder, extra + timedelta(minutes=minute))
    count = len(list_backups(folder, small_library))
    assert count == before + 5
    backup_now(small_library, folder, now=extra + timedelta(hours=1))
    assert len(list_backups(folder, small_library)) == count


def _make_backup_file(library: Path, folder: Path, when: datetime) -> None:
    shutil.copyfile(library, folder / f"library-{backup.stamp(when)}.sqlite")


def test_an_emptied_library_file_is_damage_when_it_has_backups(
    library_path: Path, folder: Path
) -> None:
    with open_library(library_path) as lib:
        lib.set_note(lib.resolve("akyurek2022learning"), "only in the backup")
    backup_now(library_path, folder, now=T1)
    library_path.write_bytes(b"")  # : > library.sqlite
    lib, message = open_or_recover(library_path, folder, now=T2)
    with lib:
        assert message is not None and "restored from the backup" in message
        assert lib.note(lib.resolve("akyurek2022learning")) == "only in the backup"
    aside = list(library_path.parent.glob("library.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == 0


def test_an_empty_file_without_backups_becomes_a_new_library(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"")  # touch library.sqlite: the reader wants a library there
    lib, message = open_or_recover(path, folder)
    with lib:
        assert message is None and lib.count() == 50


def test_an_emptied_library_without_a_good_backup_is_left_as_it_is(
    library_path: Path, folder: Path
) -> None:
    made = backup_now(library_path, folder, now=T1)
    damage(made, "header")
    library_path.write_bytes(b"")
    with pytest.raises(LibraryError, match="no good backup"):
        open_or_recover(library_path, folder, now=T2)
    assert library_path.stat().st_size == 0
    assert not list(library_path.parent.glob("*.damaged-*"))
