"""Render the real window on a fresh seeded library to a PNG, for the README.

QT_QPA_PLATFORM=offscreen uv run python -m papershelf.ui.screenshot resources/screenshot.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from papershelf.core.store.library import Library
from papershelf.ui.app import open_main_window
from papershelf.ui.tasks import wait_until


def _demo_reading_state(library: Library) -> None:
    """A reader's first week: some papers triaged, tagged and annotated."""
    ids = library.search("", sort="published", descending=True)
    library.set_status(ids[0:2], "to-read")
    library.set_status(ids[2:3], "reading")
    library.set_status(ids[3:6], "read")
    library.set_status(ids[6:7], "skipped")
    library.add_tags(ids[2:5], ["vision"])
    library.add_tags(ids[3:4], ["benchmark"])
    library.set_note(ids[2], "Concept prompts: compare with SAM 2's point prompts.")


def main(out: str, query: str = "") -> None:
    """Open a temp library with default window settings, select a paper and grab the window."""
    with tempfile.TemporaryDirectory() as folder:
        scope = QSettings.Scope.UserScope
        QSettings.setPath(QSettings.Format.IniFormat, scope, folder)
        window = open_main_window(Path(folder) / "library.sqlite")
        _demo_reading_state(window.library)
        window.library_changed()
        window.resize(1400, 820)
        window.filter_edit.setText(query)
        window.table.selectRow(2)
        wait_until(lambda: not window.model.busy and not window.model.refreshing, 10.0)
        wait_until(lambda: False, 0.15)  # paints and sidebar counts
        window.refresh_facets()
        window.grab().save(out)
        window.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png", " ".join(sys.argv[2:]))
