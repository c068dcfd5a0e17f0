"""Starting the window: the QApplication, the library, and errors shown as dialogs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from papershelf import __version__
from papershelf.core import paths
from papershelf.core.errors import LibraryError
from papershelf.core.safety.recovery import open_or_recover
from papershelf.ui import crash, fonts
from papershelf.ui.single_instance import ask_running_window
from papershelf.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def _app_icon() -> QIcon:
    """Every drawn size of the icon, so each place (title bar, task switcher) gets a sharp one."""
    icon = QIcon()
    for png in sorted((paths.data_dir("resources") / "icons").glob("papershelf-*.png")):
        icon.addFile(str(png))
    return icon


def application() -> QApplication:
    """The running QApplication, made (with our names and icon) when there is none."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Papershelf")
    app.setOrganizationName("Papershelf")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("papershelf")  # Wayland's app id: the installed papershelf.desktop
    app.setWindowIcon(_app_icon())
    fonts.ensure_readable_font(app)
    return app


def open_main_window(library_path: Path | str, *, seed: bool = True) -> MainWindow:
    """Open (creating, and seeding when ``seed``, when missing) a library and show its window.

    A damaged library is replaced by its newest good backup first; the window then
    says so in a dialog (``recovered`` holds the message).
    """
    application()
    library, recovered = open_or_recover(library_path, seed=seed)
    window = MainWindow(library)
    window.show()
    if recovered:
        log.warning("%s", recovered)
        window.recovered = recovered
        QMessageBox.information(window, "Library restored", recovered)
    return window


def run_app(library_path: Path, *, seed: bool = True) -> int:
    """The window's event loop. It logs to the user log folder; an error is a dialog, never a
    silent exit: a library that cannot be opened says why, and a bug shows its traceback."""
    log_file = crash.setup_logging()
    crash.install_qt_message_handler()
    app = application()
    crash.install_excepthook(app)
    log.info("Papershelf %s starts on %s (log %s)", __version__, library_path, log_file)
    if ask_running_window(library_path):
        log.info("a window already has %s open; it was brought to the front", library_path)
        if sys.stderr is not None:
            print(
                f"papershelf: {library_path} is already open; its window was raised",
                file=sys.stderr,
            )
        return 0
    try:
        window = open_main_window(library_path, seed=seed)
    except LibraryError as exc:
        log.error("cannot open the library %s: %s", library_path, exc)
        QMessageBox.critical(None, "Papershelf", f"The library could not be opened.\n\n{exc}")
        return 1
    except Exception as exc:  # a bug while building the window: show it, then stop
        crash.show_now((type(exc), exc, exc.__traceback__))
        return 70
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.backups.start()
    status = app.exec()
    log.info("Papershelf exits with status %s", status)
    return status
