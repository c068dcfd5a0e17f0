"""The status column's badges: drawn once per status and font, redrawn when the text
size changes (the delegate keeps the font it last painted with)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor

from papershelf.ui.table.columns import COLUMN_INDEX
from papershelf.ui.theme import badge_colors
from papershelf.ui.window.main_window import MainWindow


def _badge_width(window: MainWindow) -> int:
    """How many pixels across the first row's status cell are the badge's fill."""
    table = window.table
    index = table.model().index(0, COLUMN_INDEX["status"])
    table.scrollTo(index)
    rect = table.visualRect(index)
    image = table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    fill, _ = badge_colors(str(index.data(0)))
    y = round(rect.center().y() * ratio)
    xs = range(round(rect.left() * ratio), round(rect.right() * ratio))
    return sum(1 for x in xs if _near(image.pixelColor(QPoint(x, y)), fill))


def _near(found: QColor, wanted: QColor) -> bool:
    return all(
        abs(a - b) <= 8 for a, b in zip(found.getRgb()[:3], wanted.getRgb()[:3], strict=True)
    )


def test_the_badge_grows_with_larger_text(qtbot, window: MainWindow) -> None:
    table = window.table
    table.setColumnWidth(COLUMN_INDEX["status"], 200)  # room for the badge to grow
    qtbot.waitUntil(lambda: _badge_width(window) > 0)
    before = _badge_width(window)
    for _ in range(3):
        window.named_actions["actionTextLarger"].trigger()
    qtbot.waitUntil(lambda: _badge_width(window) > before + 4)
    window.named_actions["actionTextReset"].trigger()
    qtbot.waitUntil(lambda: abs(_badge_width(window) - before) <= 2)
