"""Commands on attached files: ``attach ID FILE [--link]``, ``open ID [--no-mark]``,
``fetch-pdf [QUERY]`` and ``read-text [--attachment N]``.

``attach`` reads a PDF's text into the ``text:`` index at once. ``open`` hands the PDF
or the paper's page to the system, or to the command named by ``PAPERSHELF_OPENER``
(tests: a script that records the URL).
``fetch-pdf`` prints ``fetched KEY (1.2 MB)`` on stdout or ``error KEY: reason`` on
stderr for each paper, attaching each PDF as it arrives, so Ctrl-C keeps what finished.
``read-text`` reads the text of PDFs attached but never read (or of the attachments
named), printing ``indexed PATH`` or ``PATH: why not`` for each: the window runs it in
a process of its own for the PDFs it has to read, so pypdf's Python never shares the
window's interpreter.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from papershelf.core.files.opener import system_opener
from papershelf.core.net.http import MB, PoliteClient
from papershelf.core.ops import downloads
from papershelf.core.ops import files as ops
from papershelf.core.plural import plural
from papershelf.core.store import attachments
from papershelf.core.store.library import Library

COMMANDS = ("attach", "open", "fetch-pdf", "read-text")


def _megabytes(text: str) -> float:
    """A size limit in MB: a finite number above zero (argparse reports anything else)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"not a size in MB: {text!r}")
    return value


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

    fetch = commands.add_parser(
        "fetch-pdf",
        help="download the arXiv PDF of papers that have an arXiv id and no PDF",
        description="Download the arXiv PDF (PAPERSHELF_ARXIV_PDF) of each paper matching "
        "QUERY (all when none) that has an arXiv id and no PDF, attach it and index its "
        "text. arXiv allows one request every 3 seconds. Prints 'fetched KEY (SIZE)' or "
        "'error KEY: reason' for each; Ctrl-C keeps the PDFs already fetched.",
    )
    fetch.add_argument("query", nargs="*", help="query, e.g. tag:to-print (default: all)")
    fetch.add_argument(
        "--max-size",
        metavar="MB",
        type=_megabytes,
        default=downloads.MAX_PDF_BYTES / MB,
        help="refuse a PDF larger than this (default: %(default)g MB)",
    )

    read = commands.add_parser(
        "read-text",
        help="read the text of attached PDFs never read, for text: searches",
        description="Read the text of every attached PDF whose text was never read (the "
        "window reads each one after it is attached), or of the attachments numbered "
        "with --attachment again. Prints 'indexed PATH' or 'PATH: why not' for each.",
    )
    read.add_argument(
        "--attachment",
        metavar="N",
        type=int,
        action="append",
        help="read this attachment (its number in the library) again; may be repeated",
    )


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    if args.command == "fetch-pdf":
        return run_fetch(args, library)
    if args.command == "read-text":
        return run_read_text(args.attachment, library)
    paper_id = library.resolve(args.paper)
    if args.command == "attach":
        done = ops.attach(library, paper_id, args.file, link=args.link)
        print(f"attached {done.path if args.link else f'files/{done.path}'}")
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


def run_read_text(numbers: list[int] | None, library: Library) -> int:
    """``read-text``: 1 when an attachment named is not a PDF of this library."""
    if numbers is None:
        found = attachments.unread_pdfs(library, limit=-1)
    else:
        named = (attachments.get(library, n) for n in dict.fromkeys(numbers))
        found = [a for a in named if a is not None and a.kind == attachments.PDF]
    missing = sorted(set(numbers or ()) - {a.id for a in found})
    for attachment in found:
        state = ops.index_text(library, attachment.id)
        where = attachment.path if attachment.linked else f"files/{attachment.path}"
        if state == "indexed":
            print(f"indexed {where}")
        else:
            print(f"{where}: {state}", file=sys.stderr)
    for number in missing:
        print(f"papershelf: no PDF attachment {number}", file=sys.stderr)
    return 1 if missing else 0


def run_fetch(args: argparse.Namespace, library: Library) -> int:
    """``fetch-pdf``: one line per paper; 1 when any failed."""
    wanted = downloads.papers_to_fetch(library, " ".join(args.query))
    if not wanted:
        print("no paper with an arXiv id lacks a PDF")
        return 0
    pace = " (one request every 3 s)" if len(wanted) > 1 else ""
    print(f"downloading {plural(len(wanted), 'PDF')} from arXiv{pace}", file=sys.stderr)
    limit = max(1, int(args.max_size * MB))
    outcomes: list[downloads.Fetched] = []
    with PoliteClient() as client:
        try:
            for paper in wanted:
                outcome, _ = downloads.fetch_one(
                    library, paper, client, max_bytes=limit, progress=_progress(paper.key)
                )
                outcomes.append(outcome)
                _end_progress()
                failed = outcome.result == "error"
                print(outcome.line(), file=sys.stderr if failed else sys.stdout)
                sys.stdout.flush()
                if outcome.unreachable:  # offline: one line, not one per paper every 3 s
                    left = len(wanted) - len(outcomes)
                    if left:
                        print(f"papershelf: stopped: {plural(left, 'more paper')} not tried",
                              file=sys.stderr)  # fmt: skip
                    break
        except KeyboardInterrupt:
            _end_progress()
            kept = sum(1 for o in outcomes if o.result == "fetched")
            raise KeyboardInterrupt(
                f"interrupted: {plural(kept, 'PDF')} fetched and kept; the one on its way was not"
            ) from None
    return 1 if any(o.result == "error" for o in outcomes) else 0


def _progress(key: str) -> downloads.Bytes | None:
    """A line on a terminal that follows the download (nothing when stderr is a file)."""
    if not sys.stderr.isatty():
        return None

    def show(received: int, total: int | None) -> None:
        of = f" of {downloads.size_text(total)}" if total else ""
        print(f"\r  {key}: {downloads.size_text(received)}{of}  ", end="", file=sys.stderr)

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
