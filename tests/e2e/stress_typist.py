"""A reader working fast: run by the crash stress test as its own process.

    python stress_typist.py LIBRARY SETTINGS_DIR ROUND

Opens the real window offscreen and, every 15 ms, types one character into the note
of paper ROUND+1; every 7th tick marks another paper with a status, and every 11th
tick tags another paper, each through the window's own actions and tag box, then
returns to the note. Each finished step is printed with its monotonic time.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from papershelf.core.store.schema import STATUSES
from papershelf.ui import open_main_window
from papershelf.ui.actions.registry import STATUS_ACTION_IDS

TEXT = "".join(f"w{i:04d} " for i in range(5000))


def main() -> None:
    library, settings, round_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    window = open_main_window(library)
    model = window.model
    note_row = round_ % model.rowCount()
    note_paper = model.paper_id(note_row)
    others = [model.paper_id(r) for r in range(model.rowCount()) if r != note_row]
    tick = 0
    typed = 0

    def back_to_note() -> None:
        window.table.selectRow(note_row)
        window.notes.editor.setFocus()
        window.notes.editor.moveCursor(window.notes.editor.textCursor().MoveOperation.End)

    def step() -> None:
        nonlocal tick, typed
        tick += 1
        if tick % 7 == 0:
            paper = others[(tick // 7) % len(others)]
            status = STATUSES[(tick // 7 + round_) % len(STATUSES)]
            window.table.selectRow(model.row_of(paper))
            window.named_actions[STATUS_ACTION_IDS[status]].trigger()
            print("status", paper, status, time.monotonic(), flush=True)
            back_to_note()
        elif tick % 11 == 0:
            paper = others[(tick * 3) % len(others)]
            name = f"r{round_}t{tick}"
            window.table.selectRow(model.row_of(paper))
            window.tag_edit.setText(name)
            QTest.keyClick(window.tag_edit, Qt.Key.Key_Return)
            print("tag", paper, name, time.monotonic(), flush=True)
            back_to_note()
        else:
            QTest.keyClicks(window.notes.editor, TEXT[typed])
            typed += 1
            print("note", note_paper, typed, time.monotonic(), flush=True)

    back_to_note()
    timer = QTimer(interval=15)
    timer.timeout.connect(step)
    timer.start()
    print("ready", note_paper, 0, time.monotonic(), flush=True)
    app = QApplication.instance()
    assert app is not None
    app.exec()


if __name__ == "__main__":
    main()
