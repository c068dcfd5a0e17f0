"""Commands on attached files: ``attach ID FILE [--link]`` and ``open ID [--no-mark]``.

``attach`` reads a PDF's text into the ``text:`` index at once (the window does it
on a thread). ``open`` hands the PDF or the paper's page to the system, or to the
command named by ``PAPERSHELF_OPENER`` (tests: a script that records the URL).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from papershelf.core.files.opener import system_opener
from papershelf.core.ops import files as ops
from papershelf.core.store.library import Library

COMMANDS = ("attach", "open")


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
    attach = commands.add_parser(
        "attach", help="attach a file to a paper (copied into files/ beside the library)"
    )
    attach.add_argument("paper", metavar="ID", help="numeric id or citation key")
    attach.add_argument("file", metavar="FILE", type=Path)
    attach.add_argument(
        "--link", action="store_true", help="keep the file where it is instead of copying it"
    )

    show = commands.add_parser(
        "open", help="open a paper's PDF, else its DOI or arXiv page, else its code link"
    )
    show.add_argument("paper", metavar="ID", help="numeric id or citation key")
    show.add_argument(
        "--no-mark",
        action="store_true",
        help="do not mark a new or to-read paper as reading",
    )


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    paper_id = library.resolve(args.paper)
    if args.command == "attach":
        done = ops.attach(library, paper_id, args.file, link=args.link)
        where = done.path if args.link else f"files/{done.path}"
        print(f"attached {where}")
        if done.kind == "pdf":
            state = ops.index_text(library, done.attachment_id)
            if state != "indexed":
                print(f"papershelf: its text was not indexed: {state}", file=sys.stderr)
        return 0
    target, marked = ops.open_paper(
        library, paper_id, system_opener(), mark_reading=not args.no_mark
    )
    print(f"opened {target.label}: {target.url}")
    if marked is not None:
        print("marked reading")
    return 0
