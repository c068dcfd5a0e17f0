"""Dates in queries: ``added:`` and ``read:`` with absolute and relative ranges.

The reader means their own calendar: ``read:this-month`` starts at midnight on the 1st
where they are, not in UTC. Stored times are UTC ISO strings (``Library.now``), so a
range's ends are local midnights converted to UTC, and the query compares text with
text along the column's index.

Values::

    2026  2026-11  2026-11-05            that year, month or day
    >=2026-01  <2026-03-05  >2025        before or after (an end may be any of the above)
    2026-01-01..2026-03-31  2026-01..    from..to, both included (either end may be left open)
    <7d  <2w  <3m  <1y                   within the last 7 days, 2 weeks, 3 months, a year
    >7d                                  longer ago than that
    today yesterday this-week last-week this-month last-month this-year last-year

Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

Range = tuple[str | None, str | None]  # [low, high) as stored UTC text; None: open


class DateError(ValueError):
    """A date value that cannot mean anything; its text is the message for the reader."""


@dataclass(frozen=True)
class Clock:
    """The moment relative dates count from, and the time zone of the reader's calendar.

    ``zone`` None is the system's local time zone (``TZ``), read through the C library
    so that summer time is right on either side of a boundary.
    """

    now_utc: datetime
    zone: tzinfo | None = None

    @classmethod
    def now(cls) -> Clock:
        """Now, to the minute (a compiled query is cached per clock)."""
        return cls(datetime.now(UTC).replace(second=0, microsecond=0))

    def today(self) -> date:
        """The reader's date now."""
        if self.zone is not None:
            return self.now_utc.astimezone(self.zone).date()
        local = time.localtime(self.now_utc.timestamp())
        return date(local.tm_year, local.tm_mon, local.tm_mday)

    def midnight(self, day: date) -> datetime:
        """The UTC moment the reader's ``day`` begins."""
        if self.zone is not None:
            return datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(UTC)
        stamp = time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1))
        return datetime.fromtimestamp(stamp, UTC)


def stored(moment: datetime) -> str:
    """A moment as the library stores times: ISO 8601 UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


_ABSOLUTE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_COMPARED = re.compile(r"(>=|<=|>|<|=)?(.+)")
_AGO = re.compile(r"(\d{1,5})([dwmy])")
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
NAMED = (
    "today", "yesterday", "this-week", "last-week", "this-month", "last-month", "this-year",
    "last-year",
)  # fmt: skip
HELP = "2026-11, 2026-01-01..2026-03-31, >=2026, <7d, today, this-week, last-month"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise DateError("that is before the year 1")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _period(text: str, field: str) -> tuple[date, date]:
    """An absolute date of any precision as the days [first, after-last)."""
    match = _ABSOLUTE.fullmatch(text)
    if not match:
        raise DateError(f'{field}: "{text}" is not a date ({HELP})')
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < 1:
        raise DateError(f'{field}: "{text}": there is no year 0')
    if month is not None and not 1 <= month <= 12:
        raise DateError(f'{field}: "{text}" is not a date: there is no month {month}')
    try:
        if day is not None:
            first = date(year, month or 1, day)
            return first, first + timedelta(days=1)
        if month is not None:
            first = date(year, month, 1)
            return first, _next_month(first)
        return date(year, 1, 1), date(year + 1, 1, 1) if year < 9999 else date.max
    except (ValueError, OverflowError):
        raise DateError(f'{field}: "{text}" is not a date: that day does not exist') from None


def _named(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    year = today.replace(month=1, day=1)
    spans = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "this-week": (monday, monday + timedelta(days=7)),
        "last-week": (monday - timedelta(days=7), monday),
        "this-month": (month, _next_month(month)),
        "last-month": (_months_back(month, 1), month),
        "this-year": (year, year.replace(year=year.year + 1)),
        "last-year": (year.replace(year=year.year - 1), year),
    }
    return spans[name]


def first_day(field: str, value: str, today: date) -> date:
    """The day a date of any precision or a named period begins (``stats --since``):
    2026 -> 2026-01-01, 2026-11 -> 2026-11-01, last-week -> that Monday."""
    text = value.strip().lower()
    if text in NAMED:
        return _named(text, today)[0]
    return _period(text, field)[0]


def date_range(field: str, value: str, clock: Clock) -> Range:
    """The stored-time range [low, high) that ``field:value`` means; DateError when none."""
    text = value.strip().lower()
    if not text:
        raise DateError(f"{field}: needs a date ({HELP})")

    def day_span(first: date, after: date) -> Range:
        high = None if after == date.max else stored(clock.midnight(after))
        return stored(clock.midnight(first)), high

    if text in NAMED:
        return day_span(*_named(text, clock.today()))
    if ".." in text:
        start, _, end = text.partition("..")
        if not start and not end:
            raise DateError(f"{field}: a range needs at least one end ({HELP})")
        low = day_span(*_period(start, field))[0] if start else None
        high = day_span(*_period(end, field))[1] if end else None
        if low is not None and high is not None and high <= low:
            raise DateError(f'{field}: "{value.strip()}" ends before it starts')
        return low, high
    match = _COMPARED.fullmatch(text)
    assert match is not None  # ".+" matches any text that is not empty
    op, rest = match.group(1), match.group(2)
    ago = _AGO.fullmatch(rest)
    if ago:
        if op in (None, "="):
            raise DateError(
                f'{field}: "{rest}" needs < or > ({field}:<{rest} is within the last '
                f"{ago.group(1)} {_UNITS[ago.group(2)]}, {field}:>{rest} longer ago)"
            )
        cut = _ago(clock, int(ago.group(1)), ago.group(2))
        return (cut, None) if op in ("<", "<=") else (None, cut)
    if rest in NAMED:
        first, after = _named(rest, clock.today())
    else:
        first, after = _period(rest, field)
    low, high = day_span(first, after)
    if op in (None, "="):
        return low, high
    return {"<": (None, low), "<=": (None, high), ">": (high, None), ">=": (low, None)}[op]


def _ago(clock: Clock, count: int, unit: str) -> str:
    try:
        if unit in "dw":
            days = count * (7 if unit == "w" else 1)
            return stored(clock.now_utc - timedelta(days=days))
        months = count * (12 if unit == "y" else 1)
        now = clock.now_utc
        back = _months_back(now.date(), months)
        return stored(now.replace(year=back.year, month=back.month, day=back.day))
    except (OverflowError, ValueError):
        raise DateError(f"{count}{unit} reaches before the year 1") from None
