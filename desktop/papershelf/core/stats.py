"""Reading statistics: what the reader read, when, how long it waited, and the backlog.

Counted from the status history (``core.store.stats_queries`` holds the SQL); this
module decides the calendar. Weeks are ISO weeks (Monday to Sunday) and months are
calendar months in the reader's time zone, given as UTC bounds to the queries, so a
paper read at 00:30 on a Monday in Berlin is in that Monday's week wherever the
computer keeps its clock. ``tz`` and ``now`` are parameters for the tests; by default
the system's zone (with its summer time) and the current time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from papershelf.core.errors import LibraryError
from papershelf.core.search import dates
from papershelf.core.store import stats_queries as queries
from papershelf.core.store.library import Library

_TEXT = "%Y-%m-%d %H:%M:%S"  # how the history's times compare (SQLite's datetime())
_AFTER_ALL = "9999-12-31 23:59:59"
_EARLIEST = date(1970, 1, 5)  # a Monday: a history dated earlier starts here
TOP_GROUPS = 10

# Days from to-read to read, by how a reader thinks of waiting (inclusive bounds).
DAY_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("same day", 0, 0),
    ("1 day", 1, 1),
    ("2-3 days", 2, 3),
    ("4-7 days", 4, 7),
    ("1-2 weeks", 8, 14),
    ("2-4 weeks", 15, 30),
    ("1-3 months", 31, 91),
    ("3-6 months", 92, 182),
    ("6-12 months", 183, 365),
    ("over a year", 366, None),
)
# The groupings shown, by the name a report uses (JSON ``by_NAME``), with their label;
# ``stats_queries._BREAKDOWNS`` has their SQL.
BREAKDOWNS: dict[str, str] = {
    "category": "Category",
    "tag": "Tag",
    "source": "Followed source",
}


@dataclass(frozen=True)
class Week:
    """One ISO week: papers read in it, and papers in to-read at its end (or now)."""

    start: date  # the Monday
    read: int
    to_read: int

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Month:
    """One calendar month and the papers read in it."""

    start: date  # the first
    read: int

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.start.month:02d}"


@dataclass(frozen=True)
class DaysToRead:
    """How long reads waited after their paper became to-read, in whole days."""

    count: int
    median: float | None  # the mean of the two middle values when the count is even
    bins: tuple[tuple[str, int], ...]  # DAY_BINS' labels with their counts


@dataclass(frozen=True)
class Streak:
    """Consecutive weeks with something read, up to this week (or last week: a week
    that is not over yet does not break a streak)."""

    current: int
    longest: int


@dataclass(frozen=True)
class ReadingStats:
    since: date | None
    today: date
    timezone: str
    read: int  # papers read in the period (a paper read twice counts once)
    to_read: int  # papers in to-read now
    weeks: tuple[Week, ...]
    months: tuple[Month, ...]
    days_to_read: DaysToRead
    groups: dict[str, tuple[tuple[str, int], ...]]  # BREAKDOWNS' names -> largest groups
    streak: Streak

    @property
    def empty(self) -> bool:
        return not any(w.read or w.to_read for w in self.weeks) and not self.read


def parse_since(text: str, today: date | None = None) -> date:
    """The day ``--since`` names, as the query language's dates do (2026, 2026-11,
    2026-11-05, this-month, last-week...); a LibraryError for a bad or future date."""
    today = today or date.today()
    try:
        day = dates.first_day("--since", text, today)
    except dates.DateError as exc:
        if "not a date (" not in str(exc):  # "no month 13", "that day does not exist"
            raise LibraryError(str(exc)) from None
        raise LibraryError(
            f"--since wants a day, month or year (2026-01-31, 2026-01, 2026) or a period "
            f"(this-month, last-week), not {text.strip()!r}"
        ) from None
    if day > today:
        raise LibraryError(f"--since {text.strip()}: that day has not come yet")
    return day


class Calendar:
    """The reader's days as UTC text: where local weeks and months begin."""

    def __init__(self, tz: tzinfo | None, now: datetime) -> None:
        self.tz = tz  # None: the system's own zone
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz) if self.tz else moment.astimezone()

    def today(self) -> date:
        return self.local(self.now).date()

    def name(self) -> str:
        key = getattr(self.tz, "key", None)
        return str(key or self.local(self.now).tzname() or "local")

    def start_of(self, day: date) -> str:
        """Local midnight beginning ``day``, as UTC text."""
        naive = datetime.combine(day, time())
        aware = naive.replace(tzinfo=self.tz) if self.tz else naive.astimezone()
        return aware.astimezone(UTC).strftime(_TEXT)

    def day_of(self, utc_text: str) -> date:
        """The local date of a history time."""
        moment = datetime.strptime(utc_text[:19], _TEXT).replace(tzinfo=UTC)
        return self.local(moment).date()

    def now_text(self) -> str:
        """Just after now: history times have whole seconds, and a change made in this
        second is already in the past."""
        return (self.now.astimezone(UTC) + timedelta(seconds=1)).strftime(_TEXT)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _mondays(first: date, last: date) -> list[date]:
    count = (monday(last) - monday(first)).days // 7 + 1
    return [monday(first) + timedelta(weeks=n) for n in range(count)]


def _months(first: date, last: date) -> list[date]:
    out = [first.replace(day=1)]
    while out[-1] < last.replace(day=1):
        out.append(_first_of_next_month(out[-1]))
    return out


def compute(
    library: Library,
    *,
    since: date | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> ReadingStats:
    """The reading statistics of ``library`` from ``since`` (local midnight) to now."""
    calendar = Calendar(tz, now or datetime.now(UTC))
    today = calendar.today()
    first_text = queries.first_change(library)
    first = max(calendar.day_of(first_text), _EARLIEST) if first_text else today
    first = min(first, today)
    start = min(max(since, _EARLIEST), today) if since else first
    end_text = calendar.start_of(monday(today) + timedelta(weeks=1))
    since_text = calendar.start_of(start) if since else "0000-00-00 00:00:00"

    mondays = _mondays(start, today)
    week_bounds = [since_text if since else calendar.start_of(mondays[0])]
    week_bounds += [calendar.start_of(m) for m in mondays[1:]] + [end_text]
    reads = queries.read_counts(library, week_bounds)
    weeks = _weeks(library, calendar, mondays, reads)

    months_start = _months(start, today)
    month_bounds = [since_text if since else calendar.start_of(months_start[0])]
    month_bounds += [calendar.start_of(m) for m in months_start[1:]]
    month_bounds.append(calendar.start_of(_first_of_next_month(today)))
    month_reads = queries.read_counts(library, month_bounds)
    months = tuple(Month(m, n) for m, n in zip(months_start, month_reads, strict=True))

    all_weeks = reads
    if since and first < start:  # the streak looks at the whole history
        all_mondays = _mondays(first, today)
        bounds = [calendar.start_of(m) for m in all_mondays] + [end_text]
        all_weeks = queries.read_counts(library, bounds)

    groups = {
        name: tuple(queries.read_by(library, name, since_text, end_text, TOP_GROUPS))
        for name in BREAKDOWNS
    }
    return ReadingStats(
        since=start if since else None,
        today=today,
        timezone=calendar.name(),
        read=queries.papers_read(library, since_text, end_text),
        to_read=weeks[-1].to_read,
        weeks=weeks,
        months=months,
        days_to_read=days_summary(queries.days_to_read(library, since_text, end_text)),
        groups=groups,
        streak=streak_of(all_weeks),
    )


def _weeks(
    library: Library, calendar: Calendar, mondays: list[date], reads: list[int]
) -> tuple[Week, ...]:
    """The weeks with their backlog at each week's end, counted back from now.

    The backlog now is exact (papers in to-read); each earlier week end is it minus
    what changed since, so a paper in to-read without a history (an old import) is
    counted as having been there all along rather than making the past negative.
    """
    bounds = [calendar.start_of(m) for m in mondays] + [calendar.now_text(), _AFTER_ALL]
    if bounds[-3] > bounds[-2]:  # ``now`` before this week's start: a clock gone back
        bounds[-2] = bounds[-3]
    changes = queries.backlog_changes(library, bounds)
    backlog = queries.papers_to_read(library)
    ends = []
    later = 0
    for change in reversed(changes[1:]):  # ends of weeks, latest first; the last is now
        later += change
        ends.append(backlog - later)
    ends.reverse()
    return tuple(Week(m, n, max(e, 0)) for m, n, e in zip(mondays, reads, ends, strict=True))


def days_summary(days: dict[int, int]) -> DaysToRead:
    """Count, median and DAY_BINS of a {whole days: reads} distribution."""
    count = sum(days.values())
    bins = tuple(
        (label, sum(n for d, n in days.items() if d >= low and (high is None or d <= high)))
        for label, low, high in DAY_BINS
    )
    return DaysToRead(count, _median(days, count), bins)


def _median(days: dict[int, int], count: int) -> float | None:
    if not count:
        return None
    wanted = {(count - 1) // 2, count // 2}  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(days):  # one step per distinct day count, not per read
        upto = seen + days[value]
        found += [value for position in wanted if seen <= position < upto]
        seen = upto
    return sum(found) / len(found)


def streak_of(weekly_reads: list[int]) -> Streak:
    """Current and longest runs of weeks with a read; the last entry is this week."""
    longest = run = 0
    for count in weekly_reads:
        run = run + 1 if count else 0
        longest = max(longest, run)
    current = 0
    weeks = list(weekly_reads)
    if weeks and not weeks[-1]:
        weeks.pop()  # this week is not over: no read yet does not end the streak
    for count in reversed(weeks):
        if not count:
            break
        current += 1
    return Streak(current, longest)
