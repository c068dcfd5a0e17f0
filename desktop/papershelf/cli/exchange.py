"""The command line's ``import`` and ``export`` commands.

They only parse arguments and print; the work is in ``core.importer``,
``core.export_notes`` and ``core.interchange``, which the window calls too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from papershelf.core.errors import LibraryError
from papershelf.core.io.export_notes import JOURNAL_NAME, LAYOUTS, export_notes, render_journal
from papershelf.core.io.interchange import (
    export_biblatex,
    export_bibtex,
    export_csl_json,
    export_csv,
    export_ris,
)
from papershelf.core.plural import plural
from papershelf.core.safety.safe_files import (
    Interrupted,
    descriptor_of,
    ensure_folder,
    write_output,
)
from papershelf.core.store.library import Library

EXPORT_FORMATS = ("notes", "bibtex", "biblatex", "ris", "csv", "json")

_EXPORT_HELP = f"""\
what to export:
  notes    Markdown. --layout single (default): one reading journal grouped by status;
           PATH is a .md file, or a folder that gets {JOURNAL_NAME}.
           --layout per-paper: PATH is a folder that gets one KEY.md per paper, with
           YAML front matter. Re-exporting rewrites only files Papershelf wrote that
           were not edited since; edited files and other files are left alone.
  bibtex   a .bib file keyed by citation key, each entry of its own type
  biblatex a .bib file for biblatex and biber: date at its precision, journaltitle,
           eprint with eprinttype
  ris      RIS (.ris), for Zotero, Mendeley, JabRef and EndNote; ID is the citation key
  csv      CSV for spreadsheets, one row per paper, lists joined with "; "; UTF-8
           with a byte-order mark (--no-bom: without); cells that would run as
           formulas (=, +, -, @) start with an apostrophe
  json     CSL-JSON, for pandoc --citeproc, Zotero and other CSL processors

PATH "-" writes to stdout (not for per-paper notes). A link is written through to its
target and stays a link; a FIFO, a device or /dev/stdout is written as a stream. QUERY
picks the papers (default: all), as in the list command; put "--" before a query that
starts with "-".
"""
_NOTHING_EXPORTED = "interrupted: nothing was exported"


COMMANDS = ("import", "export")


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
    add_import_command(commands)
    add_export_command(commands)


def run(args: argparse.Namespace, library: Library) -> int:
    """Run one of this module's commands."""
    return run_import(args, library) if args.command == "import" else run_export(args, library)


def add_import_command(commands: Any) -> None:
    """``import FILE...``: BibTeX, RIS and CSL-JSON files, and seed documents."""
    importer = commands.add_parser(
        "import",
        help="import BibTeX, RIS or CSL-JSON files, or seed documents",
        description="Import BibTeX (.bib), RIS (.ris) or CSL-JSON (.json) files, or "
        "Papershelf seed documents. Papers "
        "already in the library (same DOI, arXiv id, or title and first author) are "
        "merged, not doubled. Reports added / merged / unchanged / skipped.",
    )
    importer.add_argument(
        "--format",
        choices=("lines", "json"),
        default="lines",
        help="json: {added, merged, unchanged, skipped, problems, merges} for programs, "
        "exit code 0 whenever it is printed",
    )
    importer.add_argument(
        "--progress",
        action="store_true",
        help='print "progress DONE TOTAL" lines on stderr as entries are added '
        "(0 0 while the files are read)",
    )
    # The window's undo step of an import it runs in a process (ops.imports).
    importer.add_argument("--undo-record", type=Path, help=argparse.SUPPRESS)
    importer.add_argument("files", metavar="FILE", nargs="+", type=Path)


def add_export_command(commands: Any) -> None:
    """``export notes|bibtex|ris|csv|json --out PATH [--layout ...] [QUERY]``."""
    export = commands.add_parser(
        "export",
        help="export notes as Markdown, or references as BibTeX, RIS, CSV or CSL-JSON",
        epilog=_EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    formats = export.add_subparsers(dest="what", metavar="{" + ",".join(EXPORT_FORMATS) + "}")
    formats.required = True
    helps = {
        "notes": "Markdown: a reading journal, or one KEY.md per paper",
        "bibtex": "a .bib file",
        "biblatex": "a .bib file for biblatex and biber",
        "ris": "a .ris file",
        "csv": "a CSV file",
        "json": "CSL-JSON",
    }
    for name in EXPORT_FORMATS:
        sub = formats.add_parser(
            name,
            help=helps[name],
            epilog=_EXPORT_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--out", required=True, metavar="PATH", help="file or folder; - = stdout")
        if name == "notes":
            sub.add_argument("--layout", choices=LAYOUTS, default="single")
        if name == "csv":
            sub.add_argument(
                "--no-bom", action="store_true", help="plain UTF-8, without a byte-order mark"
            )
        sub.add_argument("query", nargs="*", help='query, e.g. status:read tag:"to cite"')


def run_import(args: argparse.Namespace, library: Library) -> int:
    # bibtexparser: only when needed
    from papershelf.core.ops.imports import import_files, import_files_recorded

    progress = _ProgressLines() if args.progress else None
    before = _last_write(library)
    try:
        if args.undo_record is not None:
            report = import_files_recorded(library, args.files, args.undo_record, progress=progress)
        else:
            report, _ = import_files(library, args.files, progress=progress)
    except KeyboardInterrupt:
        # One transaction: rolled back unless Ctrl-C came after its commit. Look, not assume.
        if _last_write(library) == before:
            message = "interrupted: nothing was imported; the library was left unchanged"
            raise Interrupted(message) from None
        raise Interrupted("interrupted after the import was saved") from None
    if args.format == "json":  # the report says how it went: the window runs this
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False))
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for merge in report.merges:
        print(merge)
    if report.merged > len(report.merges):
        print(f"... and {report.merged - len(report.merges)} more merged")
    print(report.summary())
    return 0 if report.added + report.merged + report.unchanged or not report.problems else 1


class _ProgressLines:
    """``progress DONE TOTAL`` on stderr, ten times a second at most (it is called for
    every entry), and always the first and last of each stage."""

    def __init__(self) -> None:
        self._next = 0.0
        self._total = -1

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now >= self._next or done >= total or total != self._total:
            self._next, self._total = now + 0.1, total
            print(f"progress {done} {total}", file=sys.stderr, flush=True)
        return True


def _last_write(library: Library) -> object:
    """The token every committed change of the library replaces (see Library.write)."""
    return library.meta("last_write")


def _is_stdout(out: str) -> bool:
    # /dev/stdout is "-" by another name: the summary must not land in the export.
    return out == "-" or descriptor_of(Path(out).expanduser()) == 1


def _write(out: str, text: str) -> None:
    if _is_stdout(out):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(out).expanduser()
    ensure_folder(path.parent)
    write_output(path, text.encode("utf-8"))


def run_export(args: argparse.Namespace, library: Library) -> int:
    query = " ".join(args.query)
    to_stdout = _is_stdout(args.out)
    if args.what != "notes":
        render = {
            "bibtex": export_bibtex,
            "biblatex": export_biblatex,
            "ris": export_ris,
            "csv": lambda papers: export_csv(papers, bom=not args.no_bom),
            "json": export_csl_json,
        }
        try:
            papers = library.papers(library.search(query, sort="key"))
            text = render[args.what](papers)
        except KeyboardInterrupt:
            raise Interrupted(_NOTHING_EXPORTED) from None
        _write(args.out, text)
        where = "stdout" if to_stdout else args.out
        print(f"exported {plural(len(papers), 'paper')} to {where}", file=sys.stderr)
        return 0
    layout = args.layout
    if to_stdout and layout != "single":
        raise LibraryError("per-paper notes need a folder, not stdout")
    try:
        ids = library.search(query, sort="published", descending=True)
        journal = render_journal(library.papers(ids)) if to_stdout else ""
    except KeyboardInterrupt:
        raise Interrupted(_NOTHING_EXPORTED) from None
    if to_stdout:
        _write("-", journal)
        return 0
    report = export_notes(library, ids, args.out, layout=layout)
    for path in report.skipped_edited:
        print(f"left alone (edited since the last export): {path}", file=sys.stderr)
    for path in report.foreign:
        print(f"left alone (not written by Papershelf): {path}", file=sys.stderr)
    for error in report.errors:
        print(error, file=sys.stderr)
    files = [*report.written, *report.unchanged, *report.skipped_edited]
    where = files[0] if layout == "single" and files else report.folder
    print(f"notes of {plural(len(ids), 'paper')} in {where}: {report.summary()}")
    return 0
