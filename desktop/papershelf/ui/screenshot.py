"""Render the real window on a fresh seeded library to a PNG, for the README.

    uv run python -m papershelf.ui.screenshot OUT.png [--theme light|dark]
        [--size WIDTHxHEIGHT] [QUERY...]

Under X (or any display) it is the window as a reader sees it, at the size it opens
with on that screen unless ``--size`` says otherwise; with QT_QPA_PLATFORM=offscreen it
needs no display. The README's pictures:

    uv run python -m papershelf.ui.screenshot resources/screenshots/screenshot-light.png
    uv run python -m papershelf.ui.screenshot resources/screenshots/screenshot-dark.png \\
        --theme dark learning
"""

from __future__ import annotations

import argparse
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


def main(out: str, query: str = "", theme: str = "", size: str = "") -> None:
    """Open a temp library with default window settings, select a paper and grab the window."""
    with tempfile.TemporaryDirectory() as folder:
        scope = QSettings.Scope.UserScope
        QSettings.setPath(QSettings.Format.IniFormat, scope, folder)
        window = open_main_window(Path(folder) / "library.sqlite")
        _demo_reading_state(window.library)
        window.library_changed()
        if theme:
            window.set_theme(theme)
        if size:
            width, height = (int(n) for n in size.lower().split("x"))
            window.resize(width, height)
        window.filter_edit.setText(query)
        window.table.selectRow(2 if window.model.rowCount() > 2 else 0)
        wait_until(lambda: not window.model.busy and not window.model.refreshing, 10.0)
        wait_until(lambda: False, 0.5)  # paints, the window manager, sidebar counts
        window.refresh_facets()
        wait_until(lambda: False, 0.1)
        window.grab().save(out)
        window.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Screenshot of the window for the README")
    parser.add_argument("out")
    parser.add_argument("query", nargs="*")
    parser.add_argument("--theme", choices=["system", "light", "dark"], default="")
    parser.add_argument("--size", default="", help="WIDTHxHEIGHT; the opening size if none")
    args = parser.parse_intermixed_args()
    main(args.out, " ".join(args.query), args.theme, args.size)
