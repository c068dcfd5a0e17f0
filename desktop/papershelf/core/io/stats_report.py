"""Reading statistics as JSON, Markdown and a plain-text table (``papershelf stats``).

The Markdown summary is also what the reading journal export puts at its top.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from papershelf.core.stats import BREAKDOWNS, ReadingStats

RECENT = 12  # weeks and months a text report lists (JSON has them all)


def as_json(stats: ReadingStats) -> dict[str, Any]:
    """Every figure, with stable keys (the ``--format json`` contract)."""
    return {
        "since": stats.since.isoformat() if stats.since else None,
        "today": stats.today.isoformat(),
        "timezone": stats.timezone,
        "read": stats.read,
        "to_read": stats.to_read,
        "streak": {"current_weeks": stats.streak.current, "longest_weeks": stats.streak.longest},
        "days_to_read": {
            "count": stats.days_to_read.count,
            "median": stats.days_to_read.median,
            "histogram": [{"days": label, "read": n} for label, n in stats.days_to_read.bins],
        },
        "weeks": [
            {"week": w.label, "start": w.start.isoformat(), "read": w.read, "to_read": w.to_read}
            for w in stats.weeks
        ],
        "months": [{"month": m.label, "read": m.read} for m in stats.months],
        **{
            f"by_{name}": [{"name": g, "read": n} for g, n in stats.groups[name]]
            for name in BREAKDOWNS
        },
    }


def _days(value: float | None) -> str:
    if value is None:
        return "none yet"
    return f"{value:g} day" + ("" if value == 1 else "s")


def _weeks(count: int) -> str:
    return f"{count} week" + ("" if count == 1 else "s")


def summary_rows(stats: ReadingStats) -> list[tuple[str, str]]:
    """The headline figures, as (what, value)."""
    period = f"since {stats.since.isoformat()}" if stats.since else "in all"
    this_week = stats.weeks[-1].read if stats.weeks else 0
    this_month = stats.months[-1].read if stats.months else 0
    median = _days(stats.days_to_read.median)
    if stats.days_to_read.count:
        count = stats.days_to_read.count
        median += f" ({count} read{'' if count == 1 else 's'})"
    return [
        (f"Papers read {period}", str(stats.read)),
        ("Read this week / this month", f"{this_week} / {this_month}"),
        ("To read now", str(stats.to_read)),
        ("Median time from to-read to read", median),
        ("Current streak", f"{_weeks(stats.streak.current)} (longest {stats.streak.longest})"),
    ]


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A Markdown table; the first column left, the others right aligned."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def as_markdown(stats: ReadingStats, *, heading: str = "#") -> str:
    """A summary table, then recent weeks and months, days to read and the groups."""
    lines = [f"{heading} Reading statistics", ""]
    lines += [f"As of {stats.today.isoformat()} ({stats.timezone}).", ""]
    lines += _table(("", ""), summary_rows(stats))
    sub = heading + "#"
    weeks = [(w.label, str(w.read), str(w.to_read)) for w in stats.weeks[-RECENT:]]
    lines += ["", f"{sub} Recent weeks", "", *_table(("Week", "Read", "To read at end"), weeks)]
    months = [(m.label, str(m.read)) for m in stats.months[-RECENT:]]
    lines += ["", f"{sub} Recent months", "", *_table(("Month", "Read"), months)]
    if stats.days_to_read.count:
        bins = [(label, str(n)) for label, n in stats.days_to_read.bins]
        lines += ["", f"{sub} Days from to-read to read", "", *_table(("Waited", "Reads"), bins)]
    for name, label in BREAKDOWNS.items():
        if stats.groups[name]:
            rows = [(g, str(n)) for g, n in stats.groups[name]]
            lines += ["", f"{sub} Read by {label.lower()}", "", *_table((label, "Read"), rows)]
    return "\n".join(lines) + "\n"


def summary_markdown(stats: ReadingStats, *, heading: str = "##") -> str:
    """The summary table alone, for the top of the reading journal."""
    lines = [f"{heading} Reading statistics", ""]
    lines += _table(("", ""), summary_rows(stats))
    return "\n".join(lines) + "\n"


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def as_table(stats: ReadingStats) -> str:
    """Plain text for a terminal: aligned columns, recent weeks and months."""
    out = _columns(summary_rows(stats))
    weeks = [("week", "read", "to read")]
    weeks += [(w.label, str(w.read), str(w.to_read)) for w in stats.weeks[-RECENT:]]
    out += ["", *_columns(weeks)]
    months = [("month", "read")] + [(m.label, str(m.read)) for m in stats.months[-RECENT:]]
    out += ["", *_columns(months)]
    if stats.days_to_read.count:
        days = [("waited", "reads")] + [(label, str(n)) for label, n in stats.days_to_read.bins]
        out += ["", *_columns(days)]
    for name in BREAKDOWNS:
        if stats.groups[name]:
            out += ["", *_columns([(name, "read"), *((g, str(n)) for g, n in stats.groups[name])])]
    return "\n".join(out) + "\n"
