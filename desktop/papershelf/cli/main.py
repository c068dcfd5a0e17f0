"""The ``papershelf`` command line. With no command it opens the window.

Every error a user can cause ends as one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import redirect_stdout
from pathlib import Path
from typing import NoReturn, TextIO, cast

from papershelf import __version__
from papershelf.cli import capture, exchange, files, follow, maintenance, papers, reading
from papershelf.cli import stats as stats_command
from papershelf.cli.output import Output, OutputError, discard_unwritten_output
from papershelf.core import paths
from papershelf.core.errors import LibraryError
from papershelf.core.safety.recovery import open_or_recover


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

    for group in (papers, reading, files, exchange, capture, follow, maintenance, stats_command):
        group.add_commands(commands)
    return parser


def _command(args: argparse.Namespace, library_path: Path) -> int:
    if args.command in maintenance.COMMANDS:
        return maintenance.run(args, library_path)
    library, recovered = open_or_recover(library_path, seed=not args.no_seed)
    if recovered:
        print(f"papershelf: {recovered}", file=sys.stderr)
    with library:
        if args.command in exchange.COMMANDS:
            return exchange.run(args, library)
        if args.command in capture.COMMANDS:
            return capture.run(args, library)
        if args.command in follow.COMMANDS:
            return follow.run(args, library)
        if args.command in reading.COMMANDS:
            return reading.run(args, library)
        if args.command in files.COMMANDS:
            return files.run(args, library)
        if args.command in stats_command.COMMANDS:
            return stats_command.run(args, library)
        return papers.run(args, library)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m papershelf``."""
    args = _parser().parse_args(argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return maintenance.desktop_entry(install=args.install_desktop_entry)
    if args.command == "selftest":
        from papershelf.ui.selftest import run_selftest

        return run_selftest(args.screenshot)
    library_path = args.library or paths.default_library_path()
    if args.command is None:
        from papershelf.ui.app import run_app

        return run_app(library_path, seed=not args.no_seed)
    try:
        with redirect_stdout(cast(TextIO, Output(sys.stdout))):
            code = _command(args, library_path)
            sys.stdout.flush()  # a full disk is found now, not by the flush at exit
        return code
    except LibraryError as exc:
        print(f"papershelf: {exc}", file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"papershelf: cannot write the output: {exc}", file=sys.stderr)
        discard_unwritten_output()
        return 1
    except BrokenPipeError:
        discard_unwritten_output()
        return 0
    except KeyboardInterrupt as exc:  # an export or import says how far it got
        print(f"papershelf: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, but the reader still gets one line, not a traceback
        print(f"papershelf: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 70
