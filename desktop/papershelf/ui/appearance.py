"""The application's theme and text size: applied to the whole app, kept in the settings.

One ``Appearance`` per QApplication (``appearance()`` finds or makes it). Light and
Dark use the Fusion style with the palettes of ``ui.theme``; System gives the
platform back its own style and palette, follows ``QStyleHints.colorScheme`` and
changes live when the platform's scheme does (a platform that reports dark but keeps
a light palette gets ours). The text size is a number of points added to the
application's starting font, so every widget, the table's rows and the details pane
grow together.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QPalette
from PySide6.QtWidgets import QApplication

from papershelf.ui.theme import Theme, dark_palette, is_dark, light_palette

THEME_KEY = "appearance/theme"
TEXT_SIZE_KEY = "appearance/textSize"
MIN_STEP, MAX_STEP = -3, 12  # points added to the starting font: 6 pt at the least
THEME_ACTIONS = {
    Theme.SYSTEM: "actionThemeSystem",
    Theme.LIGHT: "actionThemeLight",
    Theme.DARK: "actionThemeDark",
}


class Appearance(QObject):
    """Applies a theme and a text size to the application; ``changed`` after either."""

    changed = Signal()

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("papershelfAppearance")
        self._app = app
        self._platform_style = app.style().name()
        self._base_points = app.font().pointSizeF()
        self.theme = Theme.SYSTEM
        self.text_step = 0
        self._scheme = app.styleHints().colorScheme()
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    # ------------------------------------------------------------ theme

    def set_theme(self, theme: Theme) -> None:
        """Use ``theme`` for every window now."""
        self.theme = theme
        self._apply_theme()
        self.changed.emit()

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._scheme = scheme
        if self.theme is Theme.SYSTEM:
            self._apply_theme()
            self.changed.emit()

    def dark(self) -> bool:
        """Whether the theme in use is dark (System: as the platform says)."""
        return is_dark(self._app.palette())

    def _apply_theme(self) -> None:
        app = self._app
        if self.theme is Theme.SYSTEM:
            self._use_style(self._platform_style)
            app.setPalette(QPalette())  # no roles of our own: the platform's palette
            if self._scheme is Qt.ColorScheme.Dark and not is_dark(app.palette()):
                self._use_style("fusion")
                app.setPalette(dark_palette())
            return
        self._use_style("fusion")
        app.setPalette(dark_palette() if self.theme is Theme.DARK else light_palette())

    def _use_style(self, name: str) -> None:
        if self._app.style().name().casefold() != name.casefold():
            self._app.setStyle(name)

    # ------------------------------------------------------------ text size

    def change_text_size(self, steps: int) -> None:
        """Larger (+1), smaller (-1) or back to the starting size (0)."""
        step = 0 if steps == 0 else self.text_step + steps
        self.text_step = max(MIN_STEP, min(MAX_STEP, step))
        self._apply_text_size()
        self.changed.emit()

    def _apply_text_size(self) -> None:
        font = QFont(self._app.font())
        font.setPointSizeF(self._base_points + self.text_step)
        if font != self._app.font():
            self._app.setFont(font)

    # ------------------------------------------------------------ settings

    def restore(self, settings: QSettings) -> None:
        """Apply the theme and text size the reader chose last (defaults when none)."""
        try:
            self.theme = Theme(str(settings.value(THEME_KEY, Theme.SYSTEM.value)))
        except ValueError:
            self.theme = Theme.SYSTEM
        try:
            step = int(str(settings.value(TEXT_SIZE_KEY, 0)))
        except ValueError:
            step = 0
        self.text_step = max(MIN_STEP, min(MAX_STEP, step))
        self._apply_theme()
        self._apply_text_size()
        self.changed.emit()

    def save(self, settings: QSettings) -> None:
        settings.setValue(THEME_KEY, self.theme.value)
        settings.setValue(TEXT_SIZE_KEY, self.text_step)
        settings.sync()


def appearance(app: QApplication | None = None) -> Appearance:
    """The application's ``Appearance``, made on first use."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        raise RuntimeError("appearance() needs a QApplication")
    found = app.findChild(Appearance, "papershelfAppearance")
    return found if isinstance(found, Appearance) else Appearance(app)


class ThemeActions(QActionGroup):
    """The View > Theme actions as one exclusive group whose check follows the theme
    in use (also when another window changed it)."""

    def __init__(self, look: Appearance, actions: dict[Theme, QAction], owner: QObject) -> None:
        super().__init__(owner)
        self.setExclusive(True)
        self._look = look
        self._actions = actions
        for action in actions.values():
            action.setCheckable(True)
            self.addAction(action)
        look.changed.connect(self.sync)  # a bound slot: disconnected when the window goes
        self.sync()

    def sync(self) -> None:
        self._actions[self._look.theme].setChecked(True)
