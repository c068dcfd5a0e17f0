"""Saved searches (saved:"NAME", recursion refused, undo) and dates in queries
(added:, read:) at month and week boundaries, in the reader's time zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cli_runner import run
from test_ops_undo import differences, dump

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.ops import reading
from papershelf.core.search.dates import Clock, DateError, date_range
from papershelf.core.store import saved
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
# Friday 2026-11-27, 09:30 in Berlin (08:30 UTC).
FRIDAY = Clock(datetime(2026, 11, 27, 8, 30, tzinfo=UTC), BERLIN)


def at(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


# ---------------------------------------------------------------- dates, pure


def test_absolute_ranges_are_local_midnights_in_utc() -> None:
    assert date_range("read", "2026-11", FRIDAY) == (
        "2026-10-31T23:00:00+00:00",  # midnight in Berlin (winter time, UTC+1)
        "2026-11-30T23:00:00+00:00",
    )
    # The end of summer time falls inside October: its start is UTC+2, its end UTC+1.
    assert date_range("read", "2026-10", FRIDAY) == (
        "2026-09-30T22:00:00+00:00",
        "2026-10-31T23:00:00+00:00",
    )
    assert date_range("added", "2026-01-01..2026-03-31", FRIDAY) == (
        "2025-12-31T23:00:00+00:00",
        "2026-03-31T22:00:00+00:00",  # April 1st begins in summer time (UTC+2)
    )
    assert date_range("added", "2026", FRIDAY) == (
        "2025-12-31T23:00:00+00:00",
        "2026-12-31T23:00:00+00:00",
    )
    assert date_range("added", ">=2026-03-05", FRIDAY) == ("2026-03-04T23:00:00+00:00", None)
    assert date_range("added", ">2026-03-05", FRIDAY) == ("2026-03-05T23:00:00+00:00", None)
    assert date_range("added", "<2026-03", FRIDAY) == (None, "2026-02-28T23:00:00+00:00")
    assert date_range("added", "2026-02..", FRIDAY) == ("2026-01-31T23:00:00+00:00", None)
    tokyo = Clock(FRIDAY.now_utc, TOKYO)
    assert date_range("read", "2026-11", tokyo)[0] == "2026-10-31T15:00:00+00:00"


def test_relative_ranges_follow_the_local_calendar() -> None:
    week = date_range("read", "this-week", FRIDAY)  # Monday 23rd to Monday 30th
    assert week == ("2026-11-22T23:00:00+00:00", "2026-11-29T23:00:00+00:00")
    assert date_range("read", "last-week", FRIDAY) == (
        "2026-11-15T23:00:00+00:00",
        "2026-11-22T23:00:00+00:00",
    )
    assert date_range("read", "this-month", FRIDAY)[0] == "2026-10-31T23:00:00+00:00"
    assert date_range("read", "last-month", FRIDAY) == (
        "2026-09-30T22:00:00+00:00",
        "2026-10-31T23:00:00+00:00",
    )
    assert date_range("added", "today", FRIDAY) == (
        "2026-11-26T23:00:00+00:00",
        "2026-11-27T23:00:00+00:00",
    )
    assert date_range("added", "<7d", FRIDAY) == ("2026-11-20T08:30:00+00:00", None)
    assert date_range("added", ">2w", FRIDAY) == (None, "2026-11-13T08:30:00+00:00")
    assert date_range("added", "<1m", FRIDAY) == ("2026-10-27T08:30:00+00:00", None)
    # 23:30 UTC on Sunday the 29th is already Monday the 30th in Berlin: a new week.
    late = Clock(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), BERLIN)
    assert date_range("read", "this-week", late)[0] == "2026-11-29T23:00:00+00:00"
    # ... and still Sunday in UTC itself.
    utc = Clock(late.now_utc, ZoneInfo("UTC"))
    assert date_range("read", "this-week", utc)[0] == "2026-11-23T00:00:00+00:00"
    # New Year's Eve in Tokyo's morning of January 1st: this month is January there.
    new_year = Clock(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), TOKYO)
    assert date_range("read", "this-month", new_year)[0] == "2026-12-31T15:00:00+00:00"
    assert date_range("read", "last-month", new_year)[0] == "2026-11-30T15:00:00+00:00"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7d", r'"7d" needs < or >'),
        ("=7d", r'"7d" needs < or >'),
        ("2026-13", "there is no month 13"),
        ("2026-02-30", "that day does not exist"),
        ("2026-00", "there is no month 0"),
        ("0000", "no year 0"),
        ("yesterweek", "is not a date"),
        ("2026/11", "is not a date"),
        ("2026-03..2026-01", "ends before it starts"),
        ("..", "at least one end"),
    ],
)
def test_dates_that_mean_nothing_say_why(value: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        date_range("read", value, FRIDAY)


# ---------------------------------------------------------------- dates, in the library


@pytest.fixture
def dated(tmp_path: Path) -> Library:
    """Papers added and read at moments around month and week ends (UTC)."""
    library = open_library(tmp_path / "dated.sqlite", seed=False)
    moments = {
        "oct-last-evening": at("2026-10-31T22:30:00+00:00"),  # Oct 31st, 23:30 in Berlin
        "nov-first-berlin": at("2026-10-31T23:30:00+00:00"),  # Nov 1st 00:30 in Berlin
        "nov-mid": at("2026-11-15T12:00:00+00:00"),
        "sunday-late": at("2026-11-22T22:59:00+00:00"),  # Sunday 23:59 in Berlin: last week
        "monday-early": at("2026-11-22T23:00:00+00:00"),  # Monday 00:00 in Berlin: this week
        "this-morning": at("2026-11-27T07:00:00+00:00"),
    }
    for title, moment in moments.items():
        paper_id = library.add_paper(PaperFields(title=title), added=moment)
        library.set_status([paper_id], "read", at=moment)
    return library


def titles(library: Library, query: str, clock: Clock = FRIDAY) -> set[str]:
    compiled = library.compile(query, clock)
    return {p.title for p in library.papers(library.search(compiled))}


def test_month_and_week_boundaries_in_the_library(dated: Library) -> None:
    assert titles(dated, "read:2026-11") == {
        "nov-first-berlin", "nov-mid", "sunday-late", "monday-early", "this-morning",
    }  # fmt: skip
    assert titles(dated, "read:2026-10") == {"oct-last-evening"}
    assert titles(dated, "read:this-week") == {"monday-early", "this-morning"}
    assert titles(dated, "read:last-week") == {"sunday-late"}
    assert titles(dated, "added:today") == {"this-morning"}
    assert titles(dated, "added:<7d") == {"sunday-late", "monday-early", "this-morning"}
    assert titles(dated, "-read:this-month") == {"oct-last-evening"}
    # The same moments in UTC's calendar: October's last evening stays in October and
    # Monday 00:00 Berlin is still Sunday.
    utc = Clock(FRIDAY.now_utc, ZoneInfo("UTC"))
    assert titles(dated, "read:2026-11", utc) == {
        "nov-mid", "sunday-late", "monday-early", "this-morning",
    }  # fmt: skip
    assert titles(dated, "read:2026-10", utc) == {"oct-last-evening", "nov-first-berlin"}
    assert titles(dated, "read:this-week", utc) == {"this-morning"}
    dated.close()


def test_date_queries_use_the_system_time_zone(dated: Library, tmp_path: Path) -> None:
    """The command line, run with TZ set, reads months in that zone."""
    path = dated.path
    dated.close()

    def listed(zone: str, query: str) -> list[str]:
        env = {**os.environ, "TZ": zone}
        done = subprocess.run(
            [sys.executable, "-m", "papershelf", "--library", str(path), "list", query,
             "--format", "json"],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        import json

        return sorted(r["title"] for r in json.loads(done.stdout))

    assert listed("Europe/Berlin", "read:2026-10") == ["oct-last-evening"]
    assert listed("UTC", "read:2026-10") == ["nov-first-berlin", "oct-last-evening"]
    assert listed("Asia/Tokyo", "read:2026-10") == []  # both are November 1st there


# ---------------------------------------------------------------- saved searches


def test_saved_search_in_a_query(library: Library) -> None:
    ids = library.search("", sort="key")[:3]
    library.set_status(ids, "to-read")
    reading.set_priority(library, ids[:1], "high")
    reading.save_search(library, "Theory backlog", "status:to-read priority:>=medium")
    assert library.search('saved:"Theory backlog"') == ids[:1]
    assert library.search('saved:"theory BACKLOG"') == ids[:1]  # any case
    assert set(library.search('-saved:"Theory backlog" status:to-read')) == set(ids[1:])
    assert library.search('saved:"Theory backlog" OR key:zzzz') == ids[:1]
    with pytest.raises(LibraryError, match='no saved search named "Theory"'):
        library.search("saved:Theory")  # a near miss is not a prefix match
    reading.save_search(library, "Backlog", 'saved:"Theory backlog" OR priority:low')
    assert library.search("saved:backlog") == ids[:1]


def test_saved_searches_cannot_use_themselves(library: Library) -> None:
    reading.save_search(library, "A", "status:read")
    reading.save_search(library, "B", "saved:A year:2023")
    with pytest.raises(LibraryError, match="use each other in a circle: A → B → A"):
        reading.save_search(library, "A", "saved:B")  # A -> B -> A
    with pytest.raises(LibraryError, match='"C" uses itself'):
        reading.save_search(library, "C", "saved:C")
    assert saved.find(library, "A") == saved.SavedSearch("A", "status:read")  # unchanged
    # A cycle written behind the command's back (another version, a hand edit) is an
    # error in the query, not a hang.
    with library.write() as conn:
        conn.execute("UPDATE saved_searches SET query = 'saved:B' WHERE name = 'A'")
    compiled = library.compile("saved:A")
    assert compiled.error == "saved searches use each other in a circle: A → B → A"
    # A long chain ends at the depth limit with a message.
    with pytest.raises(LibraryError, match="too many nested parentheses or saved searches"):
        for n in range(12):
            reading.save_search(library, f"L{n}", f"saved:L{n - 1}" if n else "status:new")
    assert n == 10  # a chain past the depth limit is refused when saved, not when used
    assert library.compile("saved:L9").error is None
    assert "too many" in (library.compile("(saved:L9)").error or "")


def test_saved_search_counts_are_kept_until_the_library_or_the_clock_moves(
    library: Library, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sidebar shows them with every filter typed: they are counted again only
    after a change, here or by another process, or when a relative date moves."""
    reading.save_search(library, "Read", "status:read")
    reading.save_search(library, "Recent", "read:<7d")
    ids = library.search("")

    def counted() -> dict[str, int | None]:
        return {search.name: count for search, count in saved.counts(library)}

    assert counted() == {"Read": 0, "Recent": 0}
    statements: list[str] = []
    library.conn.set_trace_callback(statements.append)
    assert counted() == {"Read": 0, "Recent": 0}
    library.conn.set_trace_callback(None)
    assert not [sql for sql in statements if "count(*)" in sql]  # nothing changed
    library.set_status(ids[:3], "read")
    assert counted() == {"Read": 3, "Recent": 3}
    other = open_library(library_path)
    try:
        other.set_status(ids[3:5], "read")
    finally:
        other.close()
    assert counted() == {"Read": 5, "Recent": 5}
    later = Clock(datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=8))
    monkeypatch.setattr(Clock, "now", classmethod(lambda cls: later))
    assert counted() == {"Read": 5, "Recent": 0}  # read more than 7 days before "now"


def test_saved_searches_rename_move_remove_undo(library: Library) -> None:
    reading.save_search(library, "Theory backlog", "tag:theory")
    reading.save_search(library, "Read this month", "read:this-month")
    reading.save_search(library, "Uses theory", 'saved:"Theory backlog" status:to-read')
    assert [s.name for s in saved.all_searches(library)] == [
        "Theory backlog", "Read this month", "Uses theory",
    ]  # fmt: skip
    with pytest.raises(LibraryError, match="exists already"):
        reading.rename_search(library, "Theory backlog", "read THIS month")
    reading.rename_search(library, "Theory backlog", "Theory")
    assert saved.find(library, "Uses theory") == saved.SavedSearch(
        "Uses theory", 'saved:"Theory" status:to-read'
    )
    reading.move_search(library, "Uses theory", 1)
    assert saved.all_searches(library)[0].name == "Uses theory"
    before = dump(library)
    removed = reading.remove_search(library, "Read this month")
    assert saved.find(library, "read this month") is None
    assert removed.undo is not None
    removed.undo()
    assert differences(before, dump(library)) == {}  # back, in its place
    with pytest.raises(LibraryError, match="no saved search named 'Nope'"):
        reading.remove_search(library, "Nope")
    with pytest.raises(LibraryError, match="needs a name"):
        reading.save_search(library, "  ", "x")
    with pytest.raises(LibraryError, match="does not work: year:"):
        reading.save_search(library, "Broken", "year:abc")


# ---------------------------------------------------------------- the command line


def test_cli_priority_queue_and_searches(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    lib = ["--library", library_path]
    library = open_library(library_path)
    keys = [library.record(i)["key"] for i in library.search("", sort="key")[:3]]
    library.close()
    for key in keys:
        assert run(capsys, *lib, "status", key, "to-read")[0] == 0
    assert run(capsys, *lib, "queue")[1].split() == keys
    code, out, _ = run(capsys, *lib, "queue", "top", keys[2])
    assert (code, out) == (0, f"{keys[2]}: 1 of 3\n")
    assert run(capsys, *lib, "queue", "move", keys[2], "3")[0] == 0
    assert run(capsys, *lib, "queue", "bottom", keys[0])[0] == 0
    assert run(capsys, *lib, "queue", "list")[1].split() == [keys[1], keys[2], keys[0]]
    import json

    records = json.loads(run(capsys, *lib, "queue", "list", "--format", "json")[1])
    assert [(r["key"], r["queue_position"]) for r in records] == [
        (keys[1], 1), (keys[2], 2), (keys[0], 3),
    ]  # fmt: skip
    assert run(capsys, *lib, "priority", keys[0], "high")[0] == 0
    listed = json.loads(run(capsys, *lib, "list", "priority:high", "--format", "json")[1])
    assert [(r["key"], r["priority"], r["queue_position"]) for r in listed] == [
        (keys[0], "high", 3)
    ]
    code, _, err = run(capsys, *lib, "priority", keys[0], "urgent")
    assert code == 1 and err.startswith("papershelf: unknown priority 'urgent'")
    code, _, err = run(capsys, *lib, "queue", "move", keys[0], "0")
    assert code == 1 and "starts at 1" in err

    assert run(capsys, *lib, "search", "save", "Next up", "status:to-read", "priority:high")[0] == 0
    assert run(capsys, *lib, "search", "list")[1] == "Next up\t1\tstatus:to-read priority:high\n"
    code, out, _ = run(capsys, *lib, "list", 'saved:"next up"', "--format", "json")
    assert [r["key"] for r in json.loads(out)] == [keys[0]]
    searches = json.loads(run(capsys, *lib, "search", "list", "--format", "json")[1])
    assert searches == [{"name": "Next up", "query": "status:to-read priority:high", "count": 1}]
    assert run(capsys, *lib, "search", "remove", "next UP")[0] == 0
    assert run(capsys, *lib, "search", "list")[1] == ""
    code, _, err = run(capsys, *lib, "search", "remove", "Next up")
    assert code == 1 and "no saved search" in err
    code, _, err = run(capsys, *lib, "list", "added:7d")
    assert code == 1 and "needs < or >" in err
