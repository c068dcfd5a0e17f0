"""Colours: the light and dark palettes, and the few colours the window draws itself.

Everything that paints text in a colour of its own (status badges, the filter's error,
secondary text, search-word marks in the details) takes it from here, chosen by the
palette in use, so every theme stays readable: each pair is checked in the tests
against WCAG's 4.5:1 contrast for body text.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtGui import QColor, QPalette

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


class Theme(Enum):
    """What View > Theme offers; SYSTEM follows the platform's colour scheme."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def relative_luminance(color: QColor) -> float:
    """WCAG 2's relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red())
        + 0.7152 * channel(color.green())
        + 0.0722 * channel(color.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2's contrast ratio of two opaque colours, 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """``a`` moved ``share_of_b`` of the way towards ``b``."""
    t = share_of_b
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def is_dark(palette: QPalette) -> bool:
    """True when the palette draws light text on a dark window."""
    return palette.color(Role.Window).lightness() < palette.color(Role.WindowText).lightness()


def _set(palette: QPalette, colors: dict[Role, QColor], disabled: dict[Role, QColor]) -> None:
    for role, color in colors.items():
        palette.setColor(role, color)
    for role, color in disabled.items():
        palette.setColor(Group.Disabled, role, color)


def light_palette() -> QPalette:
    """Fusion's light palette, with selection, links and hints dark enough to read."""
    text, window, base = QColor(20, 20, 20), QColor(239, 239, 239), QColor(255, 255, 255)
    palette = QPalette()
    _set(
        palette,
        {
            Role.Window: window, Role.WindowText: text, Role.Base: base,
            Role.AlternateBase: QColor(245, 245, 245), Role.Text: text,
            Role.Button: window, Role.ButtonText: text, Role.BrightText: QColor(200, 0, 0),
            Role.ToolTipBase: QColor(255, 255, 220), Role.ToolTipText: text,
            Role.Highlight: QColor(30, 98, 170), Role.HighlightedText: QColor(255, 255, 255),
            Role.Link: QColor(0, 82, 184), Role.LinkVisited: QColor(105, 50, 160),
            Role.PlaceholderText: QColor(105, 105, 105),
            Role.Light: QColor(255, 255, 255), Role.Midlight: QColor(227, 227, 227),
            Role.Mid: QColor(160, 160, 160), Role.Dark: QColor(160, 160, 160),
            Role.Shadow: QColor(105, 105, 105),
        },
        {
            Role.WindowText: QColor(150, 150, 150), Role.Text: QColor(150, 150, 150),
            Role.ButtonText: QColor(150, 150, 150), Role.Base: window,
            Role.Highlight: QColor(145, 145, 145),
        },
    )  # fmt: skip
    return palette


def dark_palette() -> QPalette:
    """A dark Fusion palette: light grey text on near-black, links and selection in blue."""
    text, window, base = QColor(225, 225, 225), QColor(45, 45, 48), QColor(30, 30, 32)
    palette = QPalette()
    _set(
        palette,
        {
            Role.Window: window, Role.WindowText: text, Role.Base: base,
            Role.AlternateBase: QColor(40, 40, 43), Role.Text: text,
            Role.Button: QColor(53, 53, 56), Role.ButtonText: text,
            Role.BrightText: QColor(255, 110, 110),
            Role.ToolTipBase: QColor(60, 60, 64), Role.ToolTipText: text,
            Role.Highlight: QColor(38, 92, 160), Role.HighlightedText: QColor(255, 255, 255),
            Role.Link: QColor(120, 180, 255), Role.LinkVisited: QColor(190, 150, 240),
            Role.PlaceholderText: QColor(150, 150, 150),
            Role.Light: QColor(75, 75, 80), Role.Midlight: QColor(62, 62, 66),
            Role.Mid: QColor(40, 40, 43), Role.Dark: QColor(25, 25, 27),
            Role.Shadow: QColor(10, 10, 10),
        },
        {
            Role.WindowText: QColor(120, 120, 120), Role.Text: QColor(120, 120, 120),
            Role.ButtonText: QColor(120, 120, 120), Role.Base: window,
            Role.Highlight: QColor(70, 70, 74),
        },
    )  # fmt: skip
    return palette


def muted_text(palette: QPalette) -> QColor:
    """Secondary text (labels, hints): between text and base, still above 4.5:1."""
    return mix(palette.color(Role.Text), palette.color(Role.Base), 0.35)


def error_text(palette: QPalette) -> QColor:
    """The filter's inline error: red that reads on the window's background."""
    return QColor(255, 138, 128) if is_dark(palette) else QColor(183, 28, 28)


def search_mark(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text of a search word marked in the details (a highlighter pen)."""
    if is_dark(palette):
        return QColor(110, 90, 0), QColor(255, 255, 255)
    return QColor(255, 236, 130), QColor(0, 0, 0)


# White text on each; dark enough for 4.5:1 (the tests check), distinct at a glance.
_BADGES = {
    "new": QColor(105, 105, 105),
    "to-read": QColor(25, 100, 185),
    "reading": QColor(176, 78, 0),
    "read": QColor(27, 122, 48),
    "skipped": QColor(112, 88, 140),
}


def badge_colors(status: str) -> tuple[QColor, QColor]:
    """Fill and text of a status badge in the table."""
    return _BADGES.get(status, _BADGES["new"]), QColor(255, 255, 255)
