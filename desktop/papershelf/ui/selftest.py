"""``papershelf selftest``: prove that this installation works, end to end, in seconds.

Meant for the frozen app above all, where a missing plugin, seed file, font or SQLite
feature only shows at run time: it seeds a library in a temp folder from the bundled
documents, builds the real window (offscreen when there is no display), checks what the
window shows, runs one full-text filter, and prints one line. The reader's own library
and window settings are never touched.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from papershelf.core.plural import plural

log = logging.getLogger(__name__)

EXPECTED_PAPERS = 50
FILTER_PROBE = "learning"  # a word-prefix query: exercises FTS5 in the bundled SQLite
WAIT_S = 10.0  # for the query thread; a healthy run takes a fraction of a second


class SelftestFailure(Exception):
    """A check that did not hold; the message says which and what was seen."""


def _use_offscreen_without_display() -> None:
    """No platform chosen and nothing to show a window on: render offscreen.

    Set before the QApplication exists; Linux is the only platform where a missing display
    is normal (a server, CI, a container).
    """
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _settle(_app: object, rounds: int = 20) -> None:
    """Let the window paint and take in what its tasks delivered (about ``rounds`` * 5 ms)."""
    from papershelf.ui.tasks import wait_until

    wait_until(lambda: False, rounds * 0.005)


def _wait(app: object, done: Callable[[], bool]) -> bool:
    """Run the event loop until ``done()`` (results arrive from the task lanes)."""
    from papershelf.ui.tasks import wait_until

    if not wait_until(done, WAIT_S):
        return False
    _settle(app)
    return True


def _check(folder: Path, screenshot: Path | None) -> str:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView

    from papershelf.core import paths
    from papershelf.ui import fonts
    from papershelf.ui.app import application, open_main_window

    seeds = paths.seed_documents()
    if len(seeds) < 2:
        raise SelftestFailure(f"expected 2 bundled seed documents, found {len(seeds)}")
    # The window's layout goes to the temp folder, not the reader's settings.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = application()
    if fonts.FALLBACK_FAMILY not in fonts.register_bundled_fonts():
        raise SelftestFailure(f"the bundled font {fonts.FALLBACK_FAMILY} did not load")
    window = open_main_window(folder / "selftest.sqlite")
    try:
        _settle(app)
        if "Papershelf" not in window.windowTitle():
            raise SelftestFailure(f"unexpected window title {window.windowTitle()!r}")
        label = window.findChild(QLabel, "countLabel")
        table = window.findChild(QTableView, "paperTable")
        filter_edit = window.findChild(QLineEdit, "filterEdit")
        if label is None or table is None or filter_edit is None:
            raise SelftestFailure("the window lacks countLabel, paperTable or filterEdit")
        model = table.model()
        expected = f"{EXPECTED_PAPERS} of {EXPECTED_PAPERS} papers"
        if not _wait(app, lambda: label.text() == expected and model.rowCount() == EXPECTED_PAPERS):
            raise SelftestFailure(
                f"countLabel shows {label.text()!r} and paperTable has {model.rowCount()} rows, "
                f"expected {expected!r} and {EXPECTED_PAPERS} rows"
            )
        rows = model.rowCount()
        matching = len(window.library.search(FILTER_PROBE))
        filter_edit.setText(FILTER_PROBE)
        if not 0 < matching < EXPECTED_PAPERS or not _wait(
            app, lambda: label.text().startswith(f"{matching} of ") and model.rowCount() == matching
        ):
            raise SelftestFailure(
                f"filter {FILTER_PROBE!r} shows {label.text()!r} and {model.rowCount()} rows, "
                f"the library finds {matching}"
            )
        filtered = model.rowCount()
        filter_edit.clear()
        _wait(app, lambda: model.rowCount() == EXPECTED_PAPERS)
        if screenshot is not None:
            table.selectRow(2)
            _settle(app)
            window.refresh_facets()
            _settle(app)
            if not window.grab().save(str(screenshot)):
                raise SelftestFailure(f"could not save the screenshot to {screenshot}")
        platform_name = QApplication.platformName()
    finally:
        window.close()
    return (
        f"{plural(rows, 'paper')} shown, filter {FILTER_PROBE!r} -> {filtered}, "
        f"platform {platform_name}, font {fonts.FALLBACK_FAMILY} registered"
    )


def run_selftest(screenshot: Path | None = None) -> int:
    """Print one summary line; exit status 0 when every check held, 1 with the reason if not."""
    started = time.perf_counter()
    _use_offscreen_without_display()
    try:
        with tempfile.TemporaryDirectory(
            prefix="papershelf-selftest-", ignore_cleanup_errors=True
        ) as folder:
            summary = _check(Path(folder), screenshot)
    except SelftestFailure as exc:
        print(f"papershelf selftest: FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # any other failure is a failed test too, said in one line
        if logging.getLogger().handlers:  # a configured log gets the traceback; stderr never
            log.exception("selftest failed")
        print(f"papershelf selftest: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"papershelf selftest: ok: {summary} ({elapsed:.1f} s)")
    return 0
