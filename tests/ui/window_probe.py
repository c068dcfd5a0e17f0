"""Run in a subprocess by test_layout.py: open the real window on a screen of a given
size and scale (QT_QPA_PLATFORM=offscreen:configfile=..., QT_SCALE_FACTOR), and print
what a reader would measure, as JSON. ``--resize W H`` first; ``--close`` saves the
window's state as quitting does.

    python window_probe.py LIBRARY SETTINGS_DIR [--resize W H] [--close]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTreeWidget

from papershelf.ui.app import open_main_window
from papershelf.ui.table.model import COLUMNS
from papershelf.ui.tasks import wait_until


def cut_labels(tree: QTreeWidget) -> list[str]:
    """The sidebar's labels on screen that do not fit their column (drawn elided)."""
    cut = []
    metrics = tree.fontMetrics()
    for top in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(top)
        items = [group] + [group.child(i) for i in range(group.childCount())]
        for item in items:
            rect = tree.visualRect(tree.indexFromItem(item, 0))
            if rect.isValid() and metrics.horizontalAdvance(item.text(0)) + 6 > rect.width():
                cut.append(item.text(0))
    return cut


def main(args: list[str]) -> None:
    library, folder = Path(args[0]), args[1]
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    window = open_main_window(library)
    if "--resize" in args:
        at = args.index("--resize")
        window.resize(int(args[at + 1]), int(args[at + 2]))
    wait_until(lambda: False, 0.3)  # layouts settle, fitting timers fire
    header = window.table.horizontalHeader()
    shown = [i for i in range(len(COLUMNS)) if not header.isSectionHidden(i)]
    screen = window.screen()
    area = screen.availableGeometry()
    geometry = window.geometry()
    print(
        json.dumps(
            {
                "scale": screen.devicePixelRatio(),
                "screen": [area.x(), area.y(), area.width(), area.height()],
                "window": [geometry.x(), geometry.y(), geometry.width(), geometry.height()],
                "splitter": window.splitter.sizes(),
                "side_splitter": window.side_splitter.sizes(),
                "minimums": window.splitter.minimums(),
                "viewport": window.table.viewport().width(),
                "scroll": window.table.horizontalScrollBar().maximum(),
                "columns": {COLUMNS[i].field.name: header.sectionSize(i) for i in shown},
                "char": window.table.fontMetrics().averageCharWidth(),
                "cut_labels": cut_labels(window.facets),
            }
        )
    )
    if "--close" in args:
        window.close()


if __name__ == "__main__":
    main(sys.argv[1:])
