"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns
nothing and aborts the interpreter after a few thousand (`none_dealloc`). This loop is
the check to run before any upgrade of the pin (a crash kills the test run)."""

import sys

from PySide6.QtWidgets import QApplication


def test_many_void_qt_calls_keep_none_alive(qapp: QApplication) -> None:
    before = sys.getrefcount(None)
    for _ in range(10_000):
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 100
