"""``papershelf stats``: the reading statistics as a table, JSON or Markdown."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from papershelf.cli.output import write_json
from papershelf.core import stats
from papershelf.core.io import stats_report
from papershelf.core.store.library import Library

COMMANDS = ("stats",)


def add_commands(commands: Any) -> None:
    """The command's parser."""
    show = commands.add_parser(
        "stats", help="reading statistics: papers read per week and month, backlog, streak"
    )
    show.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    show.add_argument(
        "--since",
        metavar="DATE",
        help="count from this day, local time: 2026-01-31, 2026-01, 2026, this-month, last-week...",
    )


def run(args: argparse.Namespace, library: Library) -> int:
    """Print the statistics in the chosen form."""
    since = stats.parse_since(args.since) if args.since is not None else None
    figures = stats.compute(library, since=since)
    if args.format == "json":
        write_json(stats_report.as_json(figures))
        return 0
    if args.format == "markdown":
        text = stats_report.as_markdown(figures)
    else:
        text = stats_report.as_table(figures)
    sys.stdout.write(text)
    return 0
