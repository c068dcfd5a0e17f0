"""The ``papershelf`` command line. With no command it opens the window.

Every error a user can cause ends as one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

from papershelf import __version__
from papershelf.cli_exchange import add_export_command, add_import_command, run_export, run_import
from papershelf.core import paths
from papershelf.core.errors import LibraryError
from papershelf.core.fields import Paper
from papershelf.core.io.interchange import export_csv
from papershelf.core.names import display
from papershelf.core.ops import papers as ops
from papershelf.core.safety import backup
from papershelf.core.safety.recovery import open_or_recover
from papershelf.core.store.library import Library
from papershelf.core.store.schema import SORT_COLUMNS, STATUSES


class OutputError(Exception):
    """Writing the command's output failed: a full disk, a closed terminal."""


class _Output:
    """The command's stdout, telling a failed write apart from a bug.

    A write or flush that fails raises OutputError, reported in one line; any other
    OSError still reaches the catch-all as the bug it is. A closed pipe stays
    BrokenPipeError: the reader stopped reading (``| head``), which is no error.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _discard_unwritten_output() -> None:
    """Point stdout at the null device, so that the interpreter's flush at exit of what
    could not be written does not fail again and print a traceback."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's capture): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end as one line on stderr too, like every other error.

    Subcommand parsers are made from the same class, so this covers them as well.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="papershelf", description="A desktop reading list for research papers.")
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        type=Path,
        help=f"library file (default: ${paths.LIBRARY_ENV} or the user data folder)",
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="a library that does not exist yet is created empty, not from the bundled listing",
    )
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="Linux: add Papershelf and its icon to this user's application menu",
    )
    desktop.add_argument(
        "--uninstall-desktop-entry", action="store_true", help="remove what the above added"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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

    add_import_command(commands)
    add_export_command(commands)

    commands.add_parser("backup", help="make a verified backup of the library now")
    restore = commands.add_parser("restore", help="replace the library with a backup")
    restore.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        type=Path,
        help="backup file (default: the newest good one)",
    )

    selftest = commands.add_parser(
        "selftest", help="check this installation: seed a temp library and build the window"
    )
    selftest.add_argument("--screenshot", metavar="PNG", type=Path, help=argparse.SUPPRESS)
    return parser


def _print_table(papers: Sequence[Paper]) -> None:
    for p in papers:
        shown = [display(a) for a in p.authors[:2]]
        authors = ", ".join(shown) + (" et al." if len(p.authors) > 2 else "")
        title = p.title if len(p.title) <= 70 else p.title[:69] + "…"
        print(f"{p.id:>5}  {p.status:<8}  {p.published or '':<10}  {title}  ({authors})")
    sys.stdout.flush()  # the count is said only once the papers are out
    print(f"{len(papers)} papers", file=sys.stderr)


def _run(args: argparse.Namespace, library: Library) -> int:
    if args.command == "list":
        ids = library.search(" ".join(args.query), sort=args.sort, descending=args.desc)
        if args.limit is not None:
            ids = ids[: max(args.limit, 0)]
        papers = library.papers(ids)
        if args.format == "json":
            # One write, not one per JSON token: each goes through _Output.
            records = [paper.to_json() for paper in papers]
            sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        elif args.format == "csv":
            sys.stdout.write(export_csv(papers))
        else:
            _print_table(papers)
        return 0
    if args.command == "import":
        return run_import(args, library)
    if args.command == "export":
        return run_export(args, library)
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


def _desktop_entry(*, install: bool) -> int:
    from papershelf.desktop_entry import install_desktop_entry, uninstall_desktop_entry

    try:
        if install:
            print(install_desktop_entry().summary())
        else:
            print(f"removed {len(uninstall_desktop_entry())} files")
    except OSError as exc:
        print(f"papershelf: cannot change the desktop entry: {exc}", file=sys.stderr)
        return 1
    return 0


def _backup_command(args: argparse.Namespace, library_path: Path) -> int:
    """``backup`` makes a verified copy; ``restore`` puts one back (the newest by default)."""
    folder = backup.default_backup_folder(library_path)
    if args.command == "backup":
        if not library_path.is_file():
            raise LibraryError(f"there is no library at {library_path} to back up")
        print(backup.backup_now(library_path, folder))
        return 0
    chosen = args.file
    if chosen is None:
        newest = backup.newest_good_backup(folder, library_path)
        if newest is None:
            raise LibraryError(f"no good backup of {library_path.name} in {folder}")
        chosen = newest.path
    kept = backup.restore(library_path, chosen)
    print(f"restored {library_path} from {chosen}")
    if kept is not None:
        print(f"the library it replaced was kept as {kept}")
    return 0


def _command(args: argparse.Namespace, library_path: Path) -> int:
    if args.command in ("backup", "restore"):
        return _backup_command(args, library_path)
    library, recovered = open_or_recover(library_path, seed=not args.no_seed)
    if recovered:
        print(f"papershelf: {recovered}", file=sys.stderr)
    with library:
        return _run(args, library)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m papershelf``."""
    args = _parser().parse_args(argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return _desktop_entry(install=args.install_desktop_entry)
    if args.command == "selftest":
        from papershelf.ui.selftest import run_selftest

        return run_selftest(args.screenshot)
    library_path = args.library or paths.default_library_path()
    if args.command is None:
        from papershelf.ui.app import run_app

        return run_app(library_path, seed=not args.no_seed)
    try:
        with redirect_stdout(cast(TextIO, _Output(sys.stdout))):
            code = _command(args, library_path)
            sys.stdout.flush()  # a full disk is found now, not by the flush at exit
        return code
    except LibraryError as exc:
        print(f"papershelf: {exc}", file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"papershelf: cannot write the output: {exc}", file=sys.stderr)
        _discard_unwritten_output()
        return 1
    except BrokenPipeError:
        _discard_unwritten_output()
        return 0
    except KeyboardInterrupt as exc:  # an export or import says how far it got
        print(f"papershelf: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, but the reader still gets one line, not a traceback
        print(f"papershelf: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 70
