"""``papershelf --install-desktop-entry``: put Papershelf in the Linux desktop's menus.

Installs, for the current user only (no root), the desktop entry in
``$XDG_DATA_HOME/applications/`` and the icon in every size under
``$XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/``, following the freedesktop.org specs.
``Exec`` names the program that is running now: the frozen executable, or the
``papershelf`` script of this environment. Running it again rewrites the same files, so
after moving the app it is run once more from the new place.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from papershelf.core import paths

ENTRY_NAME = "papershelf.desktop"
ICON_NAME = "papershelf"
_ICON_FILE = re.compile(r"papershelf-(\d+)\.png")


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when unset or not absolute (the spec's rule)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def launcher() -> list[str]:
    """The command that starts this Papershelf: the frozen executable or the console script."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    script_name = "papershelf.exe" if sys.platform == "win32" else "papershelf"
    beside_python = Path(sys.executable).with_name(script_name)  # venv/bin/papershelf
    if beside_python.is_file():
        return [str(beside_python.absolute())]
    on_path = shutil.which("papershelf")
    if on_path:
        return [str(Path(on_path).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "papershelf"]


def quote_exec_argument(argument: str) -> str:
    """One argument of an ``Exec`` key, quoted as the Desktop Entry spec requires.

    An argument with a reserved character is put in double quotes, inside which ``"``,
    backtick, ``$`` and backslash get a backslash; then the key's string value escapes
    every backslash once more. A literal ``%`` is doubled (it starts field codes).
    """
    argument = argument.replace("%", "%%")
    if argument and not re.search(r"[\s\"'\\><~|&;$*?#()`]", argument):
        return argument
    quoted = re.sub(r'(["`$\\])', r"\\\1", argument)
    return '"' + quoted.replace("\\", "\\\\") + '"'


def render_entry(template: str, command: list[str]) -> str:
    """The template with ``Exec`` and ``TryExec`` pointing at ``command``."""
    exec_line = " ".join(quote_exec_argument(part) for part in command)
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            if len(command) != 1:
                continue  # "python -m papershelf": there is no one file to try
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines).rstrip("\n") + "\n"


@dataclass
class InstallReport:
    """What was written (changed files) and what was already in place."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        entry = next((p for p in self.written + self.unchanged if p.suffix == ".desktop"), None)
        return (
            f"desktop entry {entry}: {len(self.written)} files written, "
            f"{len(self.unchanged)} already up to date"
        )


def _put(path: Path, content: bytes, report: InstallReport) -> None:
    if path.is_file() and path.read_bytes() == content:
        report.unchanged.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)  # a menu never reads a half-written entry
    report.written.append(path)


def install_desktop_entry(
    target: Path | None = None, command: list[str] | None = None
) -> InstallReport:
    """Install (or refresh) the entry and the icons under ``target`` (the XDG data home)."""
    target = target if target is not None else data_home()
    command = command if command is not None else launcher()
    resources = paths.data_dir("resources")
    report = InstallReport()
    template = (resources / ENTRY_NAME).read_text(encoding="utf-8")
    entry = render_entry(template, command)
    _put(target / "applications" / ENTRY_NAME, entry.encode("utf-8"), report)
    icons = sorted(
        (int(match.group(1)), png)
        for png in (resources / "icons").glob("papershelf-*.png")
        if (match := _ICON_FILE.fullmatch(png.name))
    )
    if not icons:
        raise FileNotFoundError("the bundled icons are missing from resources/icons")
    for size, png in icons:
        folder = target / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        _put(folder / f"{ICON_NAME}.png", png.read_bytes(), report)
    return report


def uninstall_desktop_entry(target: Path | None = None) -> list[Path]:
    """Remove what :func:`install_desktop_entry` put there; return the removed files."""
    target = target if target is not None else data_home()
    removed = []
    candidates = [target / "applications" / ENTRY_NAME]
    candidates += sorted((target / "icons" / "hicolor").glob(f"*/apps/{ICON_NAME}.png"))
    for path in candidates:
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
