"""The command line's ``add`` (papers by arXiv id, DOI, URL or PDF file) and ``lookup``.

They parse arguments and print; the work is in ``core.ops.capture`` and, for PDF files,
``core.ops.files.add_pdf`` with the arXiv and Crossref lookup; the window calls the
same. ``add`` prints one line per item, ``added KEY`` or ``merged KEY`` on stdout and
``error ITEM: reason`` on stderr, and ends non-zero when any item failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from papershelf.core import identifiers
from papershelf.core.errors import LibraryError
from papershelf.core.net.http import PoliteClient
from papershelf.core.ops import capture
from papershelf.core.ops import files as file_ops
from papershelf.core.plural import plural
from papershelf.core.store.library import Library

COMMANDS = ("add", "lookup")

_ADD_HELP = """\
Each item is an arXiv id (2303.16800, 2303.16800v2, hep-th/9901001), an arXiv URL
(https://arxiv.org/abs/..., /pdf/...), a DOI (10.1038/nature14539, doi:..., https://doi.org/...)
or an arXiv DOI (10.48550/arXiv.2303.16800), or a PDF file: its paper is found from the
arXiv id or DOI its first page names (arXiv's stamp), else its title metadata, else its
file name (tagged incomplete), and the PDF is attached. Metadata comes from the arXiv API and
Crossref (PAPERSHELF_ARXIV_API, PAPERSHELF_CROSSREF_API). A paper the library has
already (same DOI, arXiv id, or title and first author) is completed, not doubled.
"""


def add_commands(commands: Any) -> None:
    add = commands.add_parser(
        "add",
        help="add papers by arXiv id, DOI, URL or PDF file",
        description="Add papers by identifier; prints 'added KEY', 'merged KEY' or "
        "'error ITEM: reason' for each.",
        epilog=_ADD_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("items", metavar="ID_OR_URL_OR_PDF", nargs="+")
    lookup = commands.add_parser(
        "lookup",
        help="find arXiv ids for papers without one (exact title and first author)",
        description="Search arXiv for each paper without an arXiv id (matching QUERY, all "
        "when none) by its exact title and first author; a paper with exactly one match "
        "is completed from it. arXiv allows one request every 3 seconds.",
    )
    lookup.add_argument("query", nargs="*", help="query, e.g. year:2023 (default: all)")


def run(args: argparse.Namespace, library: Library) -> int:
    return run_add(args, library) if args.command == "add" else run_lookup(args, library)


def _is_pdf(arg: str) -> bool:
    """A PDF file to add rather than identifiers (an arXiv /pdf/ URL is an identifier)."""
    if identifiers.parse(arg) is not None:
        return False
    return Path(arg).is_file() or arg.lower().endswith(".pdf")


def run_add(args: argparse.Namespace, library: Library) -> int:
    pdfs = {arg for arg in args.items if _is_pdf(arg)}
    items = [item for arg in args.items if arg not in pdfs for item in identifiers.split(arg)]
    lines: list[tuple[str, bool]] = []  # (line, is an error)
    # An item with nothing in it still gets its line: one line per item given.
    lines += [(f"error {arg!r}: empty item", True) for arg in args.items if not arg.strip()]
    with PoliteClient() as client:
        try:
            outcomes, _ = capture.add_identifiers(library, items, client) if items else ([], None)
            lines += [(o.line(), o.result == "error") for o in outcomes]
            for arg in args.items:
                if arg in pdfs:
                    lines.append(_add_pdf(library, arg, client))
        except KeyboardInterrupt:
            _print(lines)
            raise KeyboardInterrupt("interrupted: the papers above were added") from None
    _print(lines)
    return 1 if any(failed for _, failed in lines) else 0


def _add_pdf(library: Library, arg: str, client: PoliteClient) -> tuple[str, bool]:
    """Add (or complete) a paper from one PDF, attach it and index its text."""
    try:
        done = file_ops.add_pdf(library, Path(arg), capture.PdfLookup(client))
    except LibraryError as exc:
        return f"error {arg}: {exc}", True
    if done.lookup_error:
        print(
            f"papershelf: {done.key}: the lookup failed ({done.lookup_error}); "
            f"added from the PDF alone, tagged {file_ops.INCOMPLETE_TAG}",
            file=sys.stderr,
        )
    elif done.incomplete:
        print(
            f"papershelf: {done.key}: the PDF names no identifier or title; named after "
            f"the file, tagged {file_ops.INCOMPLETE_TAG}",
            file=sys.stderr,
        )
    state = file_ops.index_text(library, done.attachment_id)
    if state != "indexed":
        print(f"papershelf: {done.key}: its text was not indexed: {state}", file=sys.stderr)
    return f"{done.action} {done.key}", False


def _print(lines: list[tuple[str, bool]]) -> None:
    for line, failed in lines:
        print(line, file=sys.stderr if failed else sys.stdout)


def run_lookup(args: argparse.Namespace, library: Library) -> int:
    ids = capture.papers_without_arxiv_id(library, " ".join(args.query))
    if not ids:
        print("every paper has an arXiv id" if not args.query else "no paper without an arXiv id")
        return 0
    print(f"searching arXiv for {len(ids)} papers (one request every 3 s)", file=sys.stderr)
    found: list[tuple[capture.Match, Any]] = []
    interrupted = False
    with PoliteClient() as client:
        try:
            for paper_id in ids:
                result = capture.find_arxiv_ids(library, [paper_id], client)
                found.extend(result)
                for match, _ in result:
                    print(match.line(), file=sys.stderr if match.result == "error" else sys.stdout)
                sys.stdout.flush()
                if any(match.unreachable for match, _ in result):  # offline: stop here
                    left = len(ids) - len(found)
                    print(f"papershelf: stopped: {plural(left, 'more paper')} not tried",
                          file=sys.stderr)  # fmt: skip
                    break
        except KeyboardInterrupt:
            interrupted = True
    capture.apply_matches(library, found)
    counts = {r: sum(1 for m, _ in found if m.result == r) for r in _RESULTS}
    print(", ".join(f"{r} {n}" for r, n in counts.items()))
    if interrupted:
        raise KeyboardInterrupt(f"interrupted: the {counts['matched']} matches found were saved")
    return 1 if counts["error"] else 0


_RESULTS = ("matched", "ambiguous", "not found", "error")
