"""A reader typing a note: run by the SIGKILL test as its own process.

    python note_typist.py LIBRARY KEY

Opens the real window offscreen, selects the paper KEY, then types one character
every 15 ms into noteEditor, printing "<count> <monotonic time>" after each one.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from papershelf.ui import open_main_window

TEXT = "".join(f"word{i:04d} " for i in range(2000))


def main() -> None:
    library, key = sys.argv[1], sys.argv[2]
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[3])
    window = open_main_window(library)
    window.filter_edit.setText(f"key:{key}")
    window.table.selectRow(0)
    editor = window.findChild(QPlainTextEdit, "noteEditor")
    editor.setFocus()
    count = 0

    def type_one() -> None:
        nonlocal count
        QTest.keyClicks(editor, TEXT[count])
        count += 1
        print(count, time.monotonic(), flush=True)

    timer = QTimer(interval=15)
    timer.timeout.connect(type_one)
    timer.start()
    print("ready", time.monotonic(), flush=True)
    app = QApplication.instance()
    assert app is not None
    app.exec()


if __name__ == "__main__":
    main()
