"""Reading statistics against a history the test writes (issue 19).

Every time is given: ``now`` and the zone are parameters, and each status change is
written with its own ``at``, as an import writes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from papershelf.core import stats
from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = open_library(tmp_path / "stats.sqlite", seed=False)
    yield library
    library.close()


def papers(lib: Library, n: int, category: str = "LG") -> list[int]:
    return lib.add_papers(
        [PaperFields(title=f"Paper {category} {i}", category=category) for i in range(n)]
    )


def at(text: str) -> str:
    return text if "+" in text or text.endswith("Z") or len(text) == 10 else text + "+00:00"


def move(lib: Library, paper: int, *steps: tuple[str, str]) -> None:
    """Statuses in order, each at its UTC time."""
    for status, when in steps:
        lib.set_status([paper], status, at=at(when))


def by_label(weeks: tuple[stats.Week, ...]) -> dict[str, tuple[int, int]]:
    return {w.label: (w.read, w.to_read) for w in weeks}


def test_an_empty_library_has_zeros_and_no_median(lib: Library) -> None:
    now = datetime(2026, 3, 4, 12, tzinfo=UTC)
    result = stats.compute(lib, now=now, tz=BERLIN)
    assert result.empty
    assert result.read == 0 and result.to_read == 0
    assert [w.label for w in result.weeks] == ["2026-W10"]
    assert [m.label for m in result.months] == ["2026-03"]
    assert result.days_to_read == stats.DaysToRead(
        0, None, tuple((label, 0) for label, _, _ in stats.DAY_BINS)
    )
    assert result.streak == stats.Streak(0, 0)
    assert result.groups == {"category": (), "tag": (), "source": ()}


def test_weeks_across_the_year_boundary_are_iso_weeks(lib: Library) -> None:
    a, b, c, d = papers(lib, 4)
    # 2025-12-29 is the Monday of ISO week 2026-W01; 2025-12-28 (Sunday) is 2025-W52.
    move(lib, a, ("to-read", "2025-12-20T10:00:00"), ("read", "2025-12-28T12:00:00"))
    move(lib, b, ("to-read", "2025-12-20T10:00:00"), ("read", "2025-12-29T08:00:00"))
    move(lib, c, ("to-read", "2025-12-21T10:00:00"), ("read", "2026-01-02T08:00:00"))
    move(lib, d, ("to-read", "2025-12-21T10:00:00"))
    now = datetime(2026, 1, 6, 12, tzinfo=UTC)
    result = stats.compute(lib, now=now, tz=UTC)
    assert by_label(result.weeks) == {
        "2025-W51": (0, 4),  # all four became to-read that week (Sat and Sun)
        "2025-W52": (1, 3),
        "2026-W01": (2, 1),
        "2026-W02": (0, 1),
    }
    assert [(m.label, m.read) for m in result.months] == [("2025-12", 2), ("2026-01", 1)]
    assert result.read == 3 and result.to_read == 1


def test_month_boundaries_and_time_zones_put_a_read_on_the_local_day(lib: Library) -> None:
    (paper,) = papers(lib, 1)
    # 23:30 UTC on 31 January is 00:30 on 1 February in Berlin and 18:30 on the 31st in
    # New York; Monday 2026-02-02 00:30 Berlin is still Sunday in UTC.
    move(lib, paper, ("to-read", "2026-01-20T10:00:00"), ("read", "2026-01-31T23:30:00"))
    (other,) = papers(lib, 1)
    move(lib, other, ("to-read", "2026-01-20T10:00:00"), ("read", "2026-02-01T23:30:00"))
    now = datetime(2026, 2, 10, tzinfo=UTC)

    def months(tz: ZoneInfo | None) -> dict[str, int]:
        return {m.label: m.read for m in stats.compute(lib, now=now, tz=tz).months}

    assert months(BERLIN) == {"2026-01": 0, "2026-02": 2}
    assert months(NEW_YORK) == {"2026-01": 1, "2026-02": 1}
    assert months(ZoneInfo("UTC")) == {"2026-01": 1, "2026-02": 1}
    berlin = {w.label: w.read for w in stats.compute(lib, now=now, tz=BERLIN).weeks}
    utc = {w.label: w.read for w in stats.compute(lib, now=now, tz=UTC).weeks}
    assert berlin["2026-W05"] == 1 and berlin["2026-W06"] == 1  # Sat 31 Jan; Mon 2 Feb
    assert utc["2026-W05"] == 2 and utc["2026-W06"] == 0  # both on Saturday/Sunday in UTC


def test_summer_time_moves_the_week_boundary_by_the_local_offset(lib: Library) -> None:
    (summer, winter) = papers(lib, 2)
    # Monday 00:30 local: in July Berlin is UTC+2 (Sunday 22:30 UTC), in January UTC+1.
    move(lib, summer, ("to-read", "2025-07-01T10:00:00"), ("read", "2025-07-06T22:30:00"))
    move(lib, winter, ("to-read", "2025-12-01T10:00:00"), ("read", "2026-01-04T23:30:00"))
    result = stats.compute(lib, now=datetime(2026, 1, 7, tzinfo=UTC), tz=BERLIN)
    weeks = {w.label: w.read for w in result.weeks}
    assert weeks["2025-W28"] == 1 and weeks["2025-W27"] == 0  # Monday 7 July
    assert weeks["2026-W02"] == 1 and weeks["2026-W01"] == 0  # Monday 5 January


def test_a_bare_imported_date_stays_on_its_day_in_any_zone(lib: Library) -> None:
    (paper,) = papers(lib, 1)
    move(lib, paper, ("read", "2026-03-02"))  # a Monday, from a BibTeX readdate
    now = datetime(2026, 3, 20, tzinfo=UTC)
    for tz in (ZoneInfo("Pacific/Honolulu"), BERLIN, ZoneInfo("Asia/Tokyo")):
        weeks = {w.label: w.read for w in stats.compute(lib, now=now, tz=tz).weeks}
        assert weeks["2026-W10"] == 1, tz


def test_backlog_counts_back_from_now_through_every_kind_of_leaving(lib: Library) -> None:
    a, b, c, d, e = papers(lib, 5)
    move(lib, a, ("to-read", "2026-01-05T09:00:00"), ("reading", "2026-01-13T09:00:00"))
    move(lib, b, ("to-read", "2026-01-05T09:00:00"), ("skipped", "2026-01-20T09:00:00"))
    move(lib, c, ("to-read", "2026-01-06T09:00:00"), ("new", "2026-01-14T09:00:00"),
         ("to-read", "2026-01-21T09:00:00"))  # fmt: skip
    move(lib, d, ("reading", "2026-01-07T09:00:00"))  # never in the backlog
    move(lib, e, ("to-read", "2026-01-22T09:00:00"))
    result = stats.compute(lib, now=datetime(2026, 1, 23, tzinfo=UTC), tz=UTC)
    assert [(w.label, w.to_read) for w in result.weeks] == [
        ("2026-W02", 3),
        ("2026-W03", 1),  # a to reading, c back to new
        ("2026-W04", 2),  # b skipped; c again, e new
    ]
    assert result.to_read == 2


def test_undoing_a_change_takes_it_out_of_the_statistics(lib: Library) -> None:
    from papershelf.core.ops import undoable

    (paper,) = papers(lib, 1)
    move(lib, paper, ("to-read", "2026-01-05T09:00:00"))
    now = datetime(2026, 1, 9, tzinfo=UTC)
    before = stats.compute(lib, now=now, tz=UTC)
    _, changes = undoable.run(
        lib, "Mark read", lambda: lib.set_status([paper], "read", at=at("2026-01-08T09:00:00"))
    )
    after = stats.compute(lib, now=now, tz=UTC)
    assert (after.read, after.to_read, after.days_to_read.median) == (1, 0, 3.0)
    redo = changes.undo()
    assert stats.compute(lib, now=now, tz=UTC) == before
    redo.undo()
    assert stats.compute(lib, now=now, tz=UTC) == after


def test_median_days_with_an_even_count_is_the_mean_of_the_middle_two(lib: Library) -> None:
    ids = papers(lib, 4)
    for paper, days in zip(ids, (1, 2, 5, 30), strict=True):
        move(lib, paper, ("to-read", "2026-01-01T09:00:00"),
             ("read", f"2026-01-{1 + days:02d}T10:00:00"))  # fmt: skip
    result = stats.compute(lib, now=datetime(2026, 2, 10, tzinfo=UTC), tz=UTC)
    assert result.days_to_read.count == 4
    assert result.days_to_read.median == 3.5
    bins = dict(result.days_to_read.bins)
    assert bins["1 day"] == 1 and bins["2-3 days"] == 1 and bins["4-7 days"] == 1
    assert bins["2-4 weeks"] == 1 and sum(bins.values()) == 4
    assert stats.days_summary({0: 3}).median == 0
    assert stats.days_summary({2: 1, 4: 1, 9: 1}).median == 4


def test_days_to_read_measure_from_the_latest_to_read_since_the_last_read(lib: Library) -> None:
    a, b, c = papers(lib, 3)
    # a: to-read, reading, read: 10 days, the reading in between does not reset it.
    move(lib, a, ("to-read", "2026-01-01T09:00:00"), ("reading", "2026-01-05T09:00:00"),
         ("read", "2026-01-11T09:00:00"))  # fmt: skip
    # b: read, queued again, read again: the second read waited 2 days, not 20.
    move(lib, b, ("to-read", "2026-01-01T09:00:00"), ("read", "2026-01-03T09:00:00"),
         ("to-read", "2026-01-19T09:00:00"), ("read", "2026-01-21T09:00:00"))  # fmt: skip
    # c: read without being to-read since its last read: no waiting time.
    move(lib, c, ("to-read", "2026-01-01T09:00:00"), ("read", "2026-01-02T09:00:00"),
         ("reading", "2026-01-10T09:00:00"), ("read", "2026-01-12T09:00:00"))  # fmt: skip
    result = stats.compute(lib, now=datetime(2026, 2, 1, tzinfo=UTC), tz=UTC)
    assert result.days_to_read.count == 4  # a 10, b 2 and 2, c 1
    assert result.days_to_read.median == 2.0
    assert dict(result.days_to_read.bins)["1-2 weeks"] == 1


def test_since_limits_every_figure_but_the_streak(lib: Library) -> None:
    ids = papers(lib, 3)
    move(lib, ids[0], ("to-read", "2026-01-05T09:00:00"), ("read", "2026-01-06T09:00:00"))
    move(lib, ids[1], ("to-read", "2026-01-12T09:00:00"), ("read", "2026-01-14T09:00:00"))
    move(lib, ids[2], ("to-read", "2026-01-12T09:00:00"), ("read", "2026-01-15T09:00:00"))
    now = datetime(2026, 1, 16, tzinfo=UTC)
    result = stats.compute(lib, since=date(2026, 1, 15), now=now, tz=UTC)
    assert result.since == date(2026, 1, 15)
    assert [(w.label, w.read) for w in result.weeks] == [("2026-W03", 1)]  # only the 15th
    assert result.read == 1 and result.days_to_read.count == 1
    assert result.streak == stats.Streak(2, 2)
    assert stats.compute(lib, now=now, tz=UTC).read == 3


def test_reading_by_category_and_tag(lib: Library) -> None:
    lg = papers(lib, 3, "LG")
    cv = papers(lib, 2, "CV")
    lib.add_tags(lg[:2] + cv[:1], ["theory"])
    lib.add_tags(lg[:1], ["icl"])
    for paper in lg + cv[:1]:
        move(lib, paper, ("read", "2026-01-06T09:00:00"))
    move(lib, cv[1], ("to-read", "2026-01-06T09:00:00"))  # not read: in neither
    result = stats.compute(lib, now=datetime(2026, 1, 8, tzinfo=UTC), tz=UTC)
    assert result.groups["category"] == (("LG", 3), ("CV", 1))
    assert result.groups["tag"] == (("theory", 3), ("icl", 1))
    assert result.read == 4


def test_streaks(lib: Library) -> None:
    assert stats.streak_of([]) == stats.Streak(0, 0)
    assert stats.streak_of([1, 1, 0, 1, 1, 1]) == stats.Streak(3, 3)
    assert stats.streak_of([1, 1, 1, 0, 1, 0]) == stats.Streak(1, 3)  # this week not over
    assert stats.streak_of([1, 1, 0, 0]) == stats.Streak(0, 2)  # last week broke it
    assert stats.streak_of([0]) == stats.Streak(0, 0)
    assert stats.streak_of([2]) == stats.Streak(1, 1)
    ids = papers(lib, 3)
    # Sunday 23:30 and Monday 00:30 local are two weeks in a row, in Berlin.
    move(lib, ids[0], ("read", "2026-01-04T22:30:00"))
    move(lib, ids[1], ("read", "2026-01-04T23:30:00"))
    move(lib, ids[2], ("read", "2026-01-12T09:00:00"))
    now = datetime(2026, 1, 20, tzinfo=UTC)  # W04, nothing read yet
    assert stats.compute(lib, now=now, tz=BERLIN).streak == stats.Streak(3, 3)
    assert stats.compute(lib, now=now, tz=UTC).streak == stats.Streak(1, 1)  # W02 empty in UTC


def test_a_deleted_paper_leaves_the_statistics(lib: Library) -> None:
    a, b = papers(lib, 2)
    move(lib, a, ("to-read", "2026-01-05T09:00:00"), ("read", "2026-01-06T09:00:00"))
    move(lib, b, ("to-read", "2026-01-05T09:00:00"))
    lib.delete_papers([a])
    result = stats.compute(lib, now=datetime(2026, 1, 8, tzinfo=UTC), tz=UTC)
    assert (result.read, result.to_read, result.weeks[-1].to_read) == (0, 1, 1)


def test_since_must_be_a_date() -> None:
    today = date(2026, 12, 2)  # a Wednesday
    assert stats.parse_since("2026-01-31", today) == date(2026, 1, 31)
    assert stats.parse_since("2026-02", today) == date(2026, 2, 1)
    assert stats.parse_since("2026", today) == date(2026, 1, 1)
    assert stats.parse_since("last-week", today) == date(2026, 11, 23)
    assert stats.parse_since("this-month", today) == date(2026, 12, 1)
    assert stats.parse_since("2026-12-02", today) == today
    for bad in ("2026-02-30", "2026-13", "last-weak", "", "2026-12-03", "2027"):
        with pytest.raises(LibraryError):
            stats.parse_since(bad, today)


def test_a_change_in_this_very_second_is_already_counted(lib: Library) -> None:
    (paper,) = papers(lib, 1)
    move(lib, paper, ("to-read", "2026-01-05T09:00:00"))
    now = datetime(2026, 1, 5, 9, 0, 0, 400_000, tzinfo=UTC)  # the same second
    assert stats.compute(lib, now=now, tz=UTC).weeks[-1].to_read == 1


def test_a_library_from_before_the_statistics_gets_its_history_filled_in(
    tmp_path: Path, lib: Library
) -> None:
    import sqlite3

    import sqlite_utils

    from papershelf.core.store import migrations

    old = tmp_path / "old.sqlite"
    version = migrations.MIGRATIONS.index(migrations._reading_record)  # the version before it
    conn = sqlite3.connect(old, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for migration in migrations.MIGRATIONS[:version]:
        migration(db)
    conn.execute(f"PRAGMA user_version = {version}")
    history = [  # paper, status, time (the forms imports left: Z, an offset, a bare date)
        (1, "to-read", "2026-01-01T09:00:00+00:00"), (1, "read", "2026-01-03T09:00:00Z"),
        (2, "to-read", "2026-01-02T10:00:00+01:00"), (2, "reading", "2026-01-05T09:00:00+00:00"),
        (2, "read", "2026-01-12"), (2, "to-read", "2026-01-13T09:00:00+00:00"),
        (3, "read", "2026-01-06T09:00:00+00:00"),
    ]  # fmt: skip
    for paper in (1, 2, 3):
        conn.execute(
            "INSERT INTO papers(id, key, title, status, added, modified, category) "
            "VALUES (?, ?, ?, ?, '2026-01-01', '2026-01-01', 'LG')",
            (paper, f"k{paper}", f"Paper {paper}", [h[1] for h in history if h[0] == paper][-1]),
        )
    conn.executemany(
        "INSERT INTO status_history(paper_id, status, changed_at) VALUES (?, ?, ?)", history
    )
    conn.close()
    for paper, status, when in history:  # the same history, written by this version
        if not lib.search(f"key:k{paper}"):
            lib.add_papers([PaperFields(title=f"Paper {paper}", category="LG")])
            lib.conn.execute("UPDATE papers SET key = ? WHERE id = ?", (f"k{paper}", paper))
        lib.set_status([paper], status, at=when)
    now = datetime(2026, 1, 20, tzinfo=UTC)
    with open_library(old, seed=False) as migrated:
        assert stats.compute(migrated, now=now, tz=BERLIN) == stats.compute(lib, now=now, tz=BERLIN)
        found = stats.compute(migrated, now=now, tz=BERLIN)
    assert (found.read, found.to_read, found.days_to_read.count) == (3, 1, 2)
    assert found.days_to_read.median == 6.0  # 2 days (paper 1) and 10 (paper 2, bare date)
