"""Starting the window: the QApplication, the library, and errors shown as dialogs."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from papershelf import __version__
from papershelf.core import paths
from papershelf.core.library import Library, LibraryError
from papershelf.ui.main_window import MainWindow


def application() -> QApplication:
    """The running QApplication, made (with our names and icon) when there is none."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Papershelf")
    app.setOrganizationName("Papershelf")
    app.setApplicationVersion(__version__)
    icon = paths.data_dir("resources") / "icons" / "papershelf.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def open_main_window(library_path: Path | str) -> MainWindow:
    """Open (creating and seeding when missing) a library and show its window."""
    application()
    window = MainWindow(Library.open(library_path))
    window.show()
    return window


def run_app(library_path: Path) -> int:
    """The window's event loop; a library that cannot be opened is a dialog, not a crash."""
    app = application()
    try:
        window = open_main_window(library_path)
    except LibraryError as exc:
        QMessageBox.critical(None, "Papershelf", f"The library could not be opened.\n\n{exc}")
        return 1
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return app.exec()
