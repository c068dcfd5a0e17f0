"""More than one library: File > New Library, Open Library and Recent Libraries.

Each library opens in a window of its own, and a window keeps its library for life.
The other design, re-pointing one window at another file, would have to swap the task
service's lanes (each holds a connection to the file), the table's model, the undo
stack (whose steps belong to the old file), the note panel's pending saves, the
backup scheduler and the single-instance socket, all at once and in the right order,
with tasks of the old library still finishing. A new window gets all of that fresh
by construction, as Restore from Backup already does; closing the old window is the
reader's choice.

One window per library file, as before: a library already open in this process
comes to the front; one open in another process is asked to (the single-instance
socket of ``ui.single_instance``); only then is the file opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from papershelf.core import paths
from papershelf.core.errors import LibraryError
from papershelf.core.safety.recovery import open_or_recover
from papershelf.core.store.library import Library
from papershelf.ui.single_instance import ask_running_window

log = logging.getLogger(__name__)

MAX_RECENT = 8
_RECENT_KEY = "recent"
_FILTER = "Papershelf libraries (*.sqlite);;All files (*)"

# Windows of this process by library file, so that a file is never opened twice.
_OPEN: dict[str, QMainWindow] = {}
# Windows opened here have no parent: Python must hold them until Qt deletes them.
_KEEP: set[QMainWindow] = set()


class LibraryHost(Protocol):
    """What the File menu's library commands use of a window."""

    @property
    def library(self) -> Library: ...

    def dialog_parent(self) -> QWidget: ...

    def open_library_window(self, path: Path, seed: bool) -> None: ...


def _settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Papershelf", "libraries"
    )


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


# ------------------------------------------------------------ windows and recent files


def opened(window: QMainWindow, path: Path) -> None:
    """A window now has ``path`` open: it is the one for that file, and recent."""
    _OPEN[_key(path)] = window
    remember(path)


def closed(path: Path) -> None:
    """The window of ``path`` let go of it."""
    _OPEN.pop(_key(path), None)


def window_for(path: Path) -> QMainWindow | None:
    """This process's window on ``path``, if one is open."""
    return _OPEN.get(_key(path))


def recent() -> list[Path]:
    """Libraries opened lately, the latest first, those that still exist."""
    value = _settings().value(_RECENT_KEY, [])
    names = [value] if isinstance(value, str) else list(value or [])
    return [Path(name) for name in names if Path(name).is_file()]


def remember(path: Path) -> None:
    """Put ``path`` first in the recent list."""
    state = _settings()
    value = state.value(_RECENT_KEY, [])
    names = [value] if isinstance(value, str) else [str(v) for v in value or []]
    key = _key(path)
    state.setValue(_RECENT_KEY, [key, *(n for n in names if n != key)][:MAX_RECENT])
    state.sync()


def title(path: Path) -> str:
    """The window title: it names the library (the contract wants "Papershelf" in it)."""
    return f"Papershelf — {path.name}"


# ------------------------------------------------------------ opening


def open_window(
    path: Path,
    *,
    seed: bool,
    make: Callable[[Library], QMainWindow],
    parent: QWidget | None = None,
    backups_running: bool = False,
) -> QMainWindow | None:
    """The window on ``path``: this process's own, or a new one; None when another
    process has it (asked to come forward) or it cannot be opened (the reader is told)."""
    existing = window_for(path)
    if existing is not None:
        bring_forward(existing)
        return existing
    if ask_running_window(path):
        QMessageBox.information(
            parent, "Papershelf", f"{path} is open in another Papershelf window; it was raised."
        )
        return None
    try:
        library, recovered = open_or_recover(path, seed=seed)
    except LibraryError as exc:
        QMessageBox.warning(parent, "Papershelf", f"The library could not be opened.\n\n{exc}")
        return None
    window = make(library)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _KEEP.add(window)
    window.destroyed.connect(lambda *_: _KEEP.discard(window))
    if backups_running:
        window.backups.start()  # type: ignore[attr-defined]  # the MainWindow's scheduler
    window.show()
    if recovered:
        log.warning("%s", recovered)
        QMessageBox.information(window, "Library restored", recovered)
    return window


def bring_forward(window: QMainWindow) -> None:
    """Show ``window`` in front (un-minimised)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


# ------------------------------------------------------------ asking the reader


def ask_new_path(parent: QWidget, folder: Path) -> Path | None:
    """Where the new library goes (a file that does not exist yet)."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        "New Library",
        str(folder / "library.sqlite"),
        _FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix else path.with_suffix(".sqlite")


def ask_seed(parent: QWidget) -> bool | None:
    """Start empty (False), seeded from the bundled listing (True), or cancel (None)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "New Library",
        "Start the new library empty, or with the 50 papers of the bundled listing?",
        parent=parent,
    )
    box.setObjectName("newLibraryChoice")
    empty = box.addButton("&Empty", QMessageBox.ButtonRole.AcceptRole)
    seeded = box.addButton("&Seeded", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(empty)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is seeded else False if clicked is empty else None


def ask_open_path(parent: QWidget, folder: Path) -> Path | None:
    """An existing library file to open."""
    chosen, _ = QFileDialog.getOpenFileName(parent, "Open Library", str(folder), _FILTER)
    return Path(chosen) if chosen else None


def _folder(ctx: LibraryHost) -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else ctx.library.path.parent


# ------------------------------------------------------------ the File menu's commands


def new_library(ctx: LibraryHost) -> None:
    """File > New Library: a file that does not exist yet, empty or seeded, in a new window."""
    path = ask_new_path(ctx.dialog_parent(), _folder(ctx))
    if path is None:
        return
    if path.exists():
        QMessageBox.warning(
            ctx.dialog_parent(),
            "New Library",
            f"{path} already exists. Use File > Open Library to open it.",
        )
        return
    seed = ask_seed(ctx.dialog_parent())
    if seed is not None:
        ctx.open_library_window(path, seed)


def open_library(ctx: LibraryHost) -> None:
    """File > Open Library: an existing library file, in a window of its own."""
    path = ask_open_path(ctx.dialog_parent(), ctx.library.path.parent)
    if path is not None:
        ctx.open_library_window(path, False)


def fill_recent_menu(menu: QMenu, ctx: LibraryHost) -> None:
    """File > Recent Libraries, made when it opens; the default library is always there."""
    menu.clear()
    choices = recent()
    default = paths.default_library_path()
    if default.is_file() and _key(default) not in {_key(p) for p in choices}:
        choices.append(default)
    for number, path in enumerate(choices[: MAX_RECENT + 1], start=1):
        label = f"&{number} {path.name}" if number < 10 else path.name
        action = menu.addAction(f"{label}  ({path.parent})")
        action.setToolTip(str(path))
        action.setObjectName(f"recentLibrary{number}")
        if _key(path) == _key(ctx.library.path):
            action.setEnabled(False)  # this window's own
        action.triggered.connect(lambda _=False, p=path: ctx.open_library_window(p, False))
    if menu.isEmpty():
        menu.addAction("(none)").setEnabled(False)
