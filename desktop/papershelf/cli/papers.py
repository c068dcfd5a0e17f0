"""Commands on the papers: ``list``, ``status``, ``tag``, ``untag``, ``note``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from papershelf.cli.output import write_json
from papershelf.core.errors import LibraryError
from papershelf.core.fields import Paper
from papershelf.core.io.interchange import export_csv
from papershelf.core.names import display
from papershelf.core.ops import papers as ops
from papershelf.core.plural import plural
from papershelf.core.store.library import Library
from papershelf.core.store.orders import SORT_COLUMNS
from papershelf.core.store.schema import STATUSES

COMMANDS = ("list", "status", "tag", "untag", "note")


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
    show = commands.add_parser("list", help="print the papers matching a query")
    show.add_argument("query", nargs="*", help='query, e.g. cat:CV year:2023 "in-context"')
    show.add_argument("--format", choices=("table", "json", "csv"), default="table")
    show.add_argument("--sort", choices=sorted(SORT_COLUMNS), default="added")
    show.add_argument("--desc", action="store_true", help="sort in descending order")
    show.add_argument("--limit", type=int, metavar="N")

    status = commands.add_parser("status", help="set a paper's reading status")
    status.add_argument("paper", metavar="ID", help="numeric id or citation key")
    status.add_argument("status", choices=STATUSES)

    for name, verb in (("tag", "add tags to"), ("untag", "remove tags from")):
        sub = commands.add_parser(name, help=f"{verb} a paper")
        sub.add_argument("paper", metavar="ID", help="numeric id or citation key")
        sub.add_argument("tags", metavar="TAG", nargs="+")

    note = commands.add_parser("note", help="print or write a paper's Markdown note")
    note.add_argument("paper", metavar="ID", help="numeric id or citation key")
    how = note.add_mutually_exclusive_group()
    how.add_argument("--set", metavar="TEXT", help="replace the note with TEXT")
    how.add_argument("--append", metavar="TEXT", help="add TEXT as a new paragraph")
    how.add_argument("--file", metavar="F", type=Path, help="replace the note with file F")


def _print_table(papers: Sequence[Paper]) -> None:
    for p in papers:
        shown = [display(a) for a in p.authors[:2]]
        authors = ", ".join(shown) + (" et al." if len(p.authors) > 2 else "")
        title = p.title if len(p.title) <= 70 else p.title[:69] + "…"
        print(f"{p.id:>5}  {p.status:<8}  {p.published or '':<10}  {title}  ({authors})")
    sys.stdout.flush()  # the count is said only once the papers are out
    print(plural(len(papers), "paper"), file=sys.stderr)


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    if args.command == "list":
        ids = library.search(" ".join(args.query), sort=args.sort, descending=args.desc)
        if args.limit is not None:
            ids = ids[: max(args.limit, 0)]
        papers = library.papers(ids)
        if args.format == "json":
            records = [paper.to_json() for paper in papers]
            write_json(records)
        elif args.format == "csv":
            sys.stdout.write(export_csv(papers))
        else:
            _print_table(papers)
        return 0
    paper_id = library.resolve(args.paper)
    if args.command == "status":
        ops.set_status(library, [paper_id], args.status)
    elif args.command == "tag":
        ops.tag(library, [paper_id], args.tags)
    elif args.command == "untag":
        ops.untag(library, [paper_id], args.tags)
    elif args.command == "note":
        return _note(args, library, paper_id)
    return 0


def _note(args: argparse.Namespace, library: Library, paper_id: int) -> int:
    if args.file is not None:
        try:
            body = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"cannot read {args.file}: {exc}") from exc
        ops.set_note(library, paper_id, body)
    elif args.set is not None:
        ops.set_note(library, paper_id, args.set)
    elif args.append is not None:
        ops.append_note(library, paper_id, args.append)
    else:
        print(library.note(paper_id))
    return 0
