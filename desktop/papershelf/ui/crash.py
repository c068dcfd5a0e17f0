"""Errors nobody caught: written to a log file and shown in a dialog, never a silent exit.

The packaged app usually runs with no terminal (started from a menu or by a double-click),
so a traceback printed to stderr would be lost and the window would simply vanish or
stop responding. Here every uncaught exception (main thread, other threads, Qt slots)
goes to a rotating log in the user log folder and to a dialog that shows the traceback,
offers "Copy details" for a bug report, and lets the reader carry on or quit. Qt's own
messages (a missing platform plugin, say) go to the same log.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtCore import qVersion as qt_version
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from papershelf import __version__
from papershelf.core import paths

log = logging.getLogger("papershelf")

LOG_FILE_NAME = "papershelf.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def setup_logging(folder: Path | None = None) -> Path | None:
    """Log to ``papershelf.log`` in the user log folder, rotated at 1 MB, three kept.

    Returns the log file, or None when the folder cannot be written (a read-only home):
    the app runs without a log rather than not at all. Calling it twice adds no handler.
    """
    folder = folder if folder is not None else paths.log_dir()
    log_file = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == log_file:
            return log_file
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return log_file


def current_log_file() -> Path | None:
    """The file the rotating log writes to, if logging was set up."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's messages go to the log, and to stderr as before when there is one."""
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
    if sys.stderr is not None and kind != QtMsgType.QtDebugMsg:
        with contextlib.suppress(OSError, ValueError):
            print(message, file=sys.stderr)


def install_qt_message_handler() -> None:
    """Before the QApplication exists, so a platform plugin that fails to load is logged."""
    qInstallMessageHandler(_qt_message)


def describe(exc_info: ExcInfo) -> str:
    """The text of a crash report: versions first, then the traceback."""
    lines = traceback.format_exception(*exc_info)
    return (
        f"Papershelf {__version__}, Python {platform.python_version()}, Qt {qt_version()}, "
        f"{platform.platform()}{' (frozen)' if getattr(sys, 'frozen', False) else ''}\n\n"
        + "".join(lines).rstrip()
    )


class CrashDialog(QDialog):
    """The traceback, a button that copies it, and the choice to go on or quit."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("Papershelf: unexpected error")
        log_file = current_log_file()
        where = f" It is also in the log:<br><code>{log_file}</code>" if log_file else ""
        message = QLabel(
            "<b>Papershelf hit an unexpected error.</b><br>"
            "Changes already saved in the library are safe. You can carry on, or quit and "
            "start again. Please report the details below: <i>Copy details</i> puts them "
            f"on the clipboard.{where}"
        )
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText(details)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetailsButton")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.quit_button = buttons.addButton(
            "Quit Papershelf", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setAutoDefault(False)
        self.continue_button = buttons.addButton("Continue", QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self._quit)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def add(self, details: str) -> None:
        """Another error while this one is still shown: append it instead of a second dialog."""
        self.details.appendPlainText("\n" + "-" * 72 + "\n" + details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")

    def _quit(self) -> None:
        """Close every window first: the main window saves the open note as it closes."""
        self.reject()
        QApplication.closeAllWindows()
        QApplication.exit(70)


class CrashReporter(QObject):
    """Receives reports from any thread and shows them in the GUI thread, one dialog at a time."""

    reported = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        # Queued even from the GUI thread: the dialog opens once the failing slot or paint
        # event has returned, never inside it.
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(details)
            self.dialog.raise_()
            return
        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(details, parent)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()


_reporter: CrashReporter | None = None


def install_excepthook(app: QApplication) -> CrashReporter:
    """Route uncaught exceptions (``sys`` and ``threading``) to the log and the dialog."""
    global _reporter
    if _reporter is not None:
        return _reporter
    reporter = CrashReporter(app)
    previous: Callable[..., object] = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        details = describe((kind, value, tb))
        log.critical("uncaught exception\n%s", details)
        reporter.reported.emit(details)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    _reporter = reporter
    reporter.destroyed.connect(_forget_reporter)
    return reporter


def _forget_reporter() -> None:
    global _reporter
    _reporter = None


def show_now(exc_info: ExcInfo) -> None:
    """A failure before the event loop runs (the window could not be built): log and wait."""
    details = describe(exc_info)
    log.critical("failed to start\n%s", details)
    dialog = CrashDialog(details)
    dialog.continue_button.setText("Close")
    dialog.quit_button.hide()
    dialog.exec()
