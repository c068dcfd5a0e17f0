"""Render the statistics view on a library with a plausible half year of reading, for
the README, in the light and the dark palette.

QT_QPA_PLATFORM=offscreen uv run python -m papershelf.ui.screenshot_statistics resources/screenshots
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from papershelf.core.ops import follow as follow_ops
from papershelf.core.store import follows
from papershelf.core.store.library import Library
from papershelf.ui.app import open_main_window
from papershelf.ui.tasks import wait_until

TAGS = ("theory", "vision", "benchmark", "icl", "to cite")
SOURCES = (("Tengyu Ma", 'arxiv:au:"Tengyu Ma"'), ("cs.LG", "arxiv:cat:cs.LG"))


def demo_history(library: Library, now: datetime, seed: int = 19) -> None:
    """Half a year: papers queued most weeks, most of them read days or weeks later."""
    rng = random.Random(seed)
    ids = library.search("", sort="published", descending=True)
    for paper in ids:
        queued = now - timedelta(days=rng.uniform(3, 190), hours=rng.uniform(0, 12))
        library.set_status([paper], "to-read", at=queued.replace(microsecond=0).isoformat())
        if rng.random() < 0.7:
            read = min(queued + timedelta(days=rng.expovariate(1 / 12)), now - timedelta(hours=1))
            library.set_status([paper], "read", at=read.replace(microsecond=0).isoformat())
        if rng.random() < 0.5:
            library.add_tags([paper], rng.sample(TAGS, rng.randint(1, 2)))
    for name, spec in SOURCES:  # the sources that brought some of them
        follow_ops.add_follow(library, name, spec)
    sources = [follows.get(library, name).id for name, _ in SOURCES]
    for paper in ids:
        if rng.random() < 0.6:
            source = sources[0] if rng.random() < 0.4 else sources[1]
            follows.link(library, paper, source, f"demo-{paper}")


def dark_palette() -> QPalette:
    """A dark palette like a desktop's dark theme."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26282b", QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.WindowText: "#e8eaed", QPalette.ColorRole.Button: "#2d2f33",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2d2f33",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }  # fmt: skip
    for role, color in roles.items():
        palette.setColor(role, color)
    return palette


def main(folder_out: str) -> None:
    out = Path(folder_out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        window = open_main_window(Path(folder) / "library.sqlite")
        demo_history(window.library, datetime.now(UTC))
        window.library_changed()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setStyle("Fusion")
        light = app.palette()
        for name, palette in (("light", light), ("dark", dark_palette())):
            app.setPalette(palette)
            view = window.statistics.open()
            view.resize(1240, 980)
            wait_until(lambda: not window.tasks.pending("statistics"), 20.0)
            wait_until(lambda: False, 0.3)
            view.grab().save(str(out / f"statistics-{name}.png"))
        window.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
