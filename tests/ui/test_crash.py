"""Uncaught errors: logged to a rotating file and shown in a dialog with "Copy details"."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType
from PySide6.QtWidgets import QApplication

from papershelf.ui import crash


def _exc_info(message: str) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return type(exc), exc, exc.__traceback__


@pytest.fixture
def reporter(qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[crash.CrashReporter]:
    """The hooks installed for one test, then the interpreter's own put back."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(crash, "_reporter", None)
    installed = crash.install_excepthook(qapp)
    yield installed
    if installed.dialog is not None:
        installed.dialog.close()
        installed.dialog.deleteLater()
    installed.deleteLater()


def _visible_crash_dialogs() -> list[crash.CrashDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, crash.CrashDialog) and w.isVisible()
    ]


def test_uncaught_exception_opens_the_dialog_with_the_traceback(
    qtbot, reporter: crash.CrashReporter, caplog: pytest.LogCaptureFixture
) -> None:
    sys.excepthook(*_exc_info("boom in a slot"))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    text = dialog.details.toPlainText()
    assert text.startswith("Papershelf ")
    assert "Traceback (most recent call last)" in text
    assert "ValueError: boom in a slot" in text
    critical = [r.getMessage() for r in caplog.records if r.levelname == "CRITICAL"]
    assert any("boom in a slot" in message for message in critical)

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == text
    assert dialog.copy_button.text() == "Copied"


def test_a_second_error_joins_the_open_dialog(qtbot, reporter: crash.CrashReporter) -> None:
    sys.excepthook(*_exc_info("first"))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    sys.excepthook(*_exc_info("second"))
    qtbot.waitUntil(lambda: "second" in reporter.dialog.details.toPlainText())
    assert len(_visible_crash_dialogs()) == 1
    reporter.dialog.continue_button.click()
    assert not _visible_crash_dialogs()


def test_an_error_in_another_thread_reaches_the_gui_thread(
    qtbot, reporter: crash.CrashReporter
) -> None:
    def work() -> None:
        raise RuntimeError("worker failed")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "RuntimeError: worker failed" in reporter.dialog.details.toPlainText()


def test_keyboard_interrupt_is_not_a_crash(
    reporter: crash.CrashReporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(crash, "_reporter", None)
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(kind))
    second = crash.install_excepthook(QApplication.instance())
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        assert seen == [KeyboardInterrupt]
        assert second.dialog is None
    finally:
        second.deleteLater()


def test_a_failure_before_the_event_loop_waits_for_the_reader(qtbot) -> None:
    shown: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, crash.CrashDialog)
        shown.append(dialog.details.toPlainText())
        dialog.accept()

    QTimer.singleShot(50, close_it)
    crash.show_now(_exc_info("window could not be built"))
    assert shown and "ValueError: window could not be built" in shown[0]


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


def test_logging_goes_to_one_rotating_file(tmp_path: Path, root_logger: logging.Logger) -> None:
    before = len(root_logger.handlers)
    log_file = crash.setup_logging(tmp_path / "logs")
    assert log_file == tmp_path / "logs" / "papershelf.log"
    assert crash.setup_logging(tmp_path / "logs") == log_file  # twice: still one handler
    assert len(root_logger.handlers) == before + 1
    assert crash.current_log_file() == log_file
    logging.getLogger("papershelf.test").info("hello from the test")
    for handler in root_logger.handlers:
        handler.flush()
    assert "INFO    papershelf.test: hello from the test" in log_file.read_text(encoding="utf-8")


def test_an_unwritable_log_folder_is_no_log_not_a_crash(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert crash.setup_logging(blocker / "logs") is None


def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qt"):
        crash._qt_message(QtMsgType.QtWarningMsg, QMessageLogContext(), "a Qt warning")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("qt", "WARNING", "a Qt warning")
    ]
