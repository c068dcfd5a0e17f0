"""Commands on the reader's plan: ``priority``, ``queue`` (Up next) and ``search`` (saved)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from papershelf.cli.output import write_json
from papershelf.core.fields import PRIORITIES
from papershelf.core.ops import reading as ops
from papershelf.core.store import queue, saved
from papershelf.core.store.library import Library

COMMANDS = ("priority", "queue", "search")


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
    level = commands.add_parser("priority", help="set a paper's priority")
    level.add_argument("paper", metavar="ID", help="numeric id or citation key")
    level.add_argument("level", metavar="LEVEL", help=", ".join(PRIORITIES))

    up_next = commands.add_parser("queue", help="the to-read papers in reading order (Up next)")
    moves = up_next.add_subparsers(dest="queue_command", metavar="ACTION")
    shown = moves.add_parser("list", help="print the queue's keys in order (the default)")
    up_next.add_argument(
        "--format", choices=("keys", "json"), default="keys", help=argparse.SUPPRESS
    )
    # Given after "list" or before it (queue --format json list): the later must not
    # reset the earlier to its default.
    shown.add_argument("--format", choices=("keys", "json"), default=argparse.SUPPRESS)
    for name, what in (("top", "read it next"), ("bottom", "read it after all the others")):
        sub = moves.add_parser(name, help=f"{what} (a paper not to-read becomes to-read)")
        sub.add_argument("paper", metavar="ID")
    move = moves.add_parser("move", help="put a paper at place POS (1 = next)")
    move.add_argument("paper", metavar="ID")
    move.add_argument("place", metavar="POS", type=int)
    join = moves.add_parser("join", help="where new to-read papers join: end or priority")
    join.add_argument("where", nargs="?", choices=queue.JOIN_CHOICES)

    search = commands.add_parser("search", help="saved searches")
    kinds = search.add_subparsers(dest="search_command", metavar="ACTION", required=True)
    save = kinds.add_parser("save", help="save QUERY as NAME (saved:NAME in queries)")
    save.add_argument("name", metavar="NAME")
    save.add_argument("query", metavar="QUERY", nargs="+")
    listed = kinds.add_parser("list", help="the saved searches with their counts")
    listed.add_argument("--format", choices=("table", "json"), default="table")
    remove = kinds.add_parser("remove", help="forget a saved search")
    remove.add_argument("name", metavar="NAME")
    rename = kinds.add_parser("rename", help="rename a saved search")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new", metavar="NEW")
    order = kinds.add_parser("move", help="put a saved search at place POS in the list")
    order.add_argument("name", metavar="NAME")
    order.add_argument("place", metavar="POS", type=int)


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    if args.command == "priority":
        ops.set_priority(library, [library.resolve(args.paper)], args.level)
    elif args.command == "queue":
        _queue(args, library)
    else:
        _search(args, library)
    return 0


def _queue(args: argparse.Namespace, library: Library) -> None:
    action = args.queue_command or "list"
    if action == "list":
        papers = library.papers(library.search("", sort="queue", limit=None))
        papers = [p for p in papers if p.queue_position is not None]
        if args.format == "json":
            records = [p.to_json() for p in papers]
            write_json(records)
        else:
            sys.stdout.write("".join(f"{p.key}\n" for p in papers))
        return
    if action == "join":
        if args.where is not None:
            ops.set_queue_join(library, args.where)
        print(ops.queue_join(library))
        return
    paper_id = library.resolve(args.paper)
    if action == "top":
        ops.read_next(library, [paper_id])
    elif action == "bottom":
        ops.read_later(library, [paper_id])
    else:
        ops.move_to(library, paper_id, args.place)
    paper = library.paper(paper_id)
    print(f"{paper.key}: {paper.queue_position} of {len(library.search('status:to-read'))}")


def _search(args: argparse.Namespace, library: Library) -> None:
    action = args.search_command
    if action == "save":
        ops.save_search(library, args.name, " ".join(args.query))
    elif action == "remove":
        ops.remove_search(library, args.name)
    elif action == "rename":
        ops.rename_search(library, args.name, args.new)
    elif action == "move":
        ops.move_search(library, args.name, args.place)
    elif args.format == "json":
        records = [{"name": s.name, "query": s.query, "count": n} for s, n in saved.counts(library)]
        write_json(records)
    else:
        for search, count in saved.counts(library):
            shown = "error" if count is None else f"{count:,}"
            print(f"{search.name}\t{shown}\t{search.query}")
