"""Labels whose own colour follows the theme: recoloured whenever the palette changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from papershelf.ui.theme import error_text, muted_text

_PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


class ThemedLabel(QLabel):
    """A label in a colour chosen from the palette (``ui.theme``), kept readable."""

    def __init__(
        self,
        pick: Callable[[QPalette], QColor],
        object_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self._pick = pick
        self._recolor()

    def color(self) -> QColor:
        """The colour the text is drawn in now."""
        return self._pick(QApplication.palette())

    def _recolor(self) -> None:
        # The label's own palette sets only its text colour; the rest follows the
        # application's. Set only when it differs: setting it sends a PaletteChange.
        # (A style sheet would not do: a widget with one gets no PaletteChange.)
        palette = self.palette()
        color = self.color()
        if palette.color(QPalette.ColorRole.WindowText) != color:
            palette.setColor(QPalette.ColorRole.WindowText, color)
            self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in _PALETTE_EVENTS:
            self._recolor()


def error_label(object_name: str) -> ThemedLabel:
    """The filter's inline error."""
    return ThemedLabel(error_text, object_name)


def muted_label(object_name: str) -> ThemedLabel:
    """Secondary text: a state, a hint."""
    return ThemedLabel(muted_text, object_name)
