"""Keeping an installation and a library well: ``backup``, ``restore``, ``selftest``, and
the Linux desktop entry. ``backup`` and ``restore`` work on the file, not on an open library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from papershelf.core.errors import LibraryError
from papershelf.core.plural import plural
from papershelf.core.safety import backup

COMMANDS = ("backup", "restore")  # run on the library file, not an opened library


def add_commands(commands: Any) -> None:
    """The commands' parsers."""
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


def desktop_entry(*, install: bool) -> int:
    """``--install-desktop-entry`` and ``--uninstall-desktop-entry``."""
    from papershelf.desktop_entry import install_desktop_entry, uninstall_desktop_entry

    try:
        if install:
            print(install_desktop_entry().summary())
        else:
            print(f"removed {plural(len(uninstall_desktop_entry()), 'file')}")
    except OSError as exc:
        print(f"papershelf: cannot change the desktop entry: {exc}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace, library_path: Path) -> int:
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
