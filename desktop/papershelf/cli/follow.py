"""Following authors and topics: ``follow add|list|remove|rename``, ``refresh [NAME]``,
``clear-skipped``.

The window refreshes as ``papershelf refresh --format json`` in a process of its own:
feedparser's Python on one of its threads held its main thread for seconds.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from papershelf.cli.output import write_json
from papershelf.core.ops import follow as ops
from papershelf.core.store import follows
from papershelf.core.store.library import Library

COMMANDS = ("follow", "refresh", "clear-skipped")


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
    follow = commands.add_parser("follow", help="follow an author, a topic or a feed")
    sub = follow.add_subparsers(dest="follow_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser(
        "add", help='follow SPEC: arxiv:QUERY (arxiv:au:"Tengyu Ma") or an RSS/Atom URL'
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("spec", metavar="SPEC")
    listing = sub.add_parser("list", help="the followed sources and how their refreshes went")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    remove = sub.add_parser("remove", help="stop following (the papers stay)")
    remove.add_argument("name", metavar="NAME")
    rename = sub.add_parser("rename", help="give a followed source another name")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")

    refresh = commands.add_parser("refresh", help="bring new papers from followed sources")
    refresh.add_argument("names", metavar="NAME", nargs="*", help="default: every source")
    refresh.add_argument(
        "--due",
        action="store_true",
        help="leave a source still backing off after failures for later (as the window's "
        "automatic refreshes do)",
    )
    refresh.add_argument(
        "--format",
        choices=("lines", "json"),
        default="lines",
        help="json: {offline, reports: [{name, added, ..., error}]} for programs, exit "
        "code 0 however the sources did (the window runs this)",
    )

    clear = commands.add_parser(
        "clear-skipped",
        help="delete skipped papers from followed sources (those with notes or tags stay)",
    )
    clear.add_argument(
        "--older-than", type=int, default=30, metavar="DAYS", help="skipped more than DAYS ago"
    )


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    if args.command == "refresh":
        return _refresh(library, args.names, due=args.due, form=args.format)
    if args.command == "clear-skipped":
        changes = ops.clear_skipped(library, args.older_than)
        print(f"deleted {len(changes.deleted)} skipped papers")
        return 0
    what = args.follow_command
    if what == "add":
        ops.add_follow(library, args.name, args.spec)
    elif what == "remove":
        ops.remove_follow(library, args.name)
    elif what == "rename":
        ops.rename_follow(library, args.old, args.new)
    else:
        _list(library, args.format)
    return 0


def _list(library: Library, form: str) -> None:
    counts = follows.untriaged_counts(library)
    found = follows.all_follows(library)
    if form == "json":
        records = [
            {
                "name": f.name,
                "spec": f.spec,
                "new": counts.get(f.id, 0),
                "last_refresh": f.last_refresh,
                "last_error": f.last_error,
                "failures": f.failures,
            }
            for f in found
        ]
        write_json(records)
        return
    for f in found:
        state = f"error: {f.last_error}" if f.last_error else (f.last_refresh or "never refreshed")
        print(f"{f.name}\t{f.spec}\t{counts.get(f.id, 0)} new\t{state}")


def _refresh(library: Library, names: list[str], *, due: bool, form: str) -> int:
    from papershelf.core.net.http import PoliteClient  # httpx: only when refreshing
    from papershelf.core.net.refresh import polite_get, refresh

    with PoliteClient() as client:
        done = refresh(library, polite_get(client), names, automatic=due)
    if form == "json":
        write_json(done.record())
        return 0
    if not done.reports and not done.offline:
        print("no followed sources: papershelf follow add NAME SPEC")
    for report in done.reports:
        print(report.line())
    if done.offline:
        print("papershelf: offline: no source could be reached", file=sys.stderr)
        return 1
    return 1 if done.failed else 0
