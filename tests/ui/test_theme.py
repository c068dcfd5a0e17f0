"""View > Theme and View > Text Size: readable colours in light and dark, the platform's
scheme followed live, and both choices kept across restarts.

Readable means WCAG's contrast of at least 4.5:1 for body text, checked for every pair
the window draws: text on its background, selected rows, links, placeholders,
secondary text, the status badges, the search-word marks and the filter's error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from papershelf.core.store.schema import STATUSES
from papershelf.ui import open_main_window
from papershelf.ui.appearance import appearance
from papershelf.ui.theme import (
    badge_colors,
    contrast,
    error_text,
    muted_text,
    search_mark,
)
from papershelf.ui.window.main_window import MainWindow

Role = QPalette.ColorRole
WCAG_BODY = 4.5


def palette() -> QPalette:
    return QApplication.palette()


def choose(window: MainWindow, theme: str) -> None:
    window.named_actions[f"actionTheme{theme.title()}"].trigger()
    QApplication.processEvents()


def pixel(window: MainWindow, x: int, y: int) -> QColor:
    return window.table.viewport().grab().toImage().pixelColor(x, y)


def test_contrast_is_wcags() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("white"), QColor("white")) == 1.0


def text_pairs(window: MainWindow) -> dict[str, tuple[QColor, QColor]]:
    p = palette()
    mark, ink = search_mark(p)
    pairs = {
        "body text": (p.color(Role.Text), p.color(Role.Base)),
        "alternate rows": (p.color(Role.Text), p.color(Role.AlternateBase)),
        "window text": (p.color(Role.WindowText), p.color(Role.Window)),
        "buttons": (p.color(Role.ButtonText), p.color(Role.Button)),
        "selected rows": (p.color(Role.HighlightedText), p.color(Role.Highlight)),
        "links": (p.color(Role.Link), p.color(Role.Base)),
        "tooltips": (p.color(Role.ToolTipText), p.color(Role.ToolTipBase)),
        "placeholders": (p.color(Role.PlaceholderText), p.color(Role.Base)),
        "secondary text": (muted_text(p), p.color(Role.Base)),
        "search marks": (ink, mark),
        "filter error": (window.filter_error.color(), p.color(Role.Window)),
    }
    for status in STATUSES:
        fill, text = badge_colors(status)
        pairs[f"badge {status}"] = (text, fill)
    return pairs


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_is_readable(window: MainWindow, theme: str) -> None:
    choose(window, theme)
    low = {
        name: round(contrast(fg, bg), 2)
        for name, (fg, bg) in text_pairs(window).items()
        if contrast(fg, bg) < WCAG_BODY
    }
    assert not low, low


def test_dark_is_dark_and_light_is_light_on_screen(qtbot, window: MainWindow) -> None:
    choose(window, "dark")
    assert appearance().dark()
    assert window.named_actions["actionThemeDark"].isChecked()
    assert not window.named_actions["actionThemeLight"].isChecked()
    base = palette().color(Role.Base)
    assert base.lightness() < 60 and palette().color(Role.Text).lightness() > 200
    # The widgets really draw it: the table's empty bottom right is the dark base.
    viewport = window.table.viewport()
    corner = pixel(window, viewport.width() - 3, viewport.height() - 3)
    assert corner.lightness() < 70, corner.name()
    assert QApplication.style().name().lower() == "fusion"
    choose(window, "light")
    assert not appearance().dark() and palette().color(Role.Base).lightness() > 240
    corner = pixel(window, viewport.width() - 3, viewport.height() - 3)
    assert corner.lightness() > 200, corner.name()


def test_details_marks_links_and_error_follow_the_theme(qtbot, window: MainWindow) -> None:
    window.filter_edit.setText("learning")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0)
    window.table.selectRow(0)
    assert window.current_paper_id() is not None
    for theme in ("light", "dark"):
        choose(window, theme)
        html = window.details.toHtml()
        mark, ink = search_mark(palette())
        assert mark.name() in html and ink.name() in html  # marked words, in this theme
        link = palette().color(Role.Link).name()
        assert link in html  # author links in the theme's link colour
        assert muted_text(palette()).name() in html
        window.filter_edit.setText("year:abc")  # a malformed filter: the inline error
        assert window.filter_error.isVisibleTo(window)
        shown = window.filter_error.palette().color(Role.WindowText)
        assert shown == error_text(palette())
        assert contrast(shown, window.filter_error.palette().color(Role.Window)) >= WCAG_BODY
        window.filter_edit.setText("learning")
    # The two themes mark differently: dark's yellow is not light's.
    assert search_mark(palette()) != search_mark(QPalette(QColor("white")))


def test_badges_are_drawn_in_their_colours(qtbot, window: MainWindow) -> None:
    window.paper_actions.set_status("reading")
    choose(window, "dark")
    qtbot.wait(30)
    rect = window.table.visualRect(window.model.index(window.table.currentIndex().row(), 4))
    window.table.clearSelection()  # unselected, the badge is on the row's own background
    qtbot.wait(30)
    image = window.table.viewport().grab().toImage()
    fill, _ink = badge_colors("reading")
    found = {
        image.pixelColor(x, rect.center().y()).name() for x in range(rect.left(), rect.left() + 14)
    }
    assert fill.name() in found, found


def test_system_follows_the_platform_scheme_live(qtbot, window: MainWindow) -> None:
    choose(window, "system")
    hints = QApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert appearance().dark() and window.named_actions["actionThemeSystem"].isChecked()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not appearance().dark()
    # Light chosen by hand: the platform turning dark changes nothing.
    choose(window, "light")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not appearance().dark()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)


def test_theme_and_text_size_survive_a_restart(qtbot, library_path: Path) -> None:
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    base = QApplication.font().pointSizeF()
    choose(win, "dark")
    win.named_actions["actionTextLarger"].trigger()
    win.named_actions["actionTextLarger"].trigger()
    assert QApplication.font().pointSizeF() == base + 2
    win.close()
    QApplication.setPalette(QPalette())  # as a new process would start
    QApplication.setFont(QApplication.font())

    again = open_main_window(library_path)
    qtbot.addWidget(again)
    assert again.named_actions["actionThemeDark"].isChecked()
    assert appearance().dark()
    assert QApplication.font().pointSizeF() == base + 2
    assert again.table.font().pointSizeF() == base + 2  # the widgets follow
    again.named_actions["actionTextSmaller"].trigger()
    assert QApplication.font().pointSizeF() == base + 1
    again.named_actions["actionTextReset"].trigger()
    assert QApplication.font().pointSizeF() == base
    choose(again, "system")
    again.close()

    third = open_main_window(library_path)
    qtbot.addWidget(third)
    assert third.named_actions["actionThemeSystem"].isChecked() and not appearance().dark()
    assert QApplication.font().pointSizeF() == base
    third.close()


def test_text_size_is_bounded(window: MainWindow) -> None:
    base = QApplication.font().pointSizeF()
    for _ in range(40):
        window.named_actions["actionTextSmaller"].trigger()
    assert QApplication.font().pointSizeF() >= 6
    for _ in range(40):
        window.named_actions["actionTextLarger"].trigger()
    assert QApplication.font().pointSizeF() <= base + 12
    window.named_actions["actionTextReset"].trigger()
    assert QApplication.font().pointSizeF() == base


def test_text_size_keys_work_and_ctrl_0_still_marks_new(qtbot, window: MainWindow) -> None:
    actions = window.named_actions
    base = QApplication.font().pointSizeF()
    assert actions["actionTextLarger"].shortcut() == QKeySequence(QKeySequence.StandardKey.ZoomIn)
    assert actions["actionTextLarger"].shortcut().toString() == "Ctrl++"
    assert actions["actionTextSmaller"].shortcut().toString() == "Ctrl+-"
    assert actions["actionTextReset"].shortcut().toString() == "Ctrl+Alt+0"
    assert actions["actionMarkNew"].shortcut().toString() == "Ctrl+0"
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == base + 1
    qtbot.keyClick(window.table, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == base
    qtbot.keyClick(window.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    paper = window.current_paper_id()
    window.paper_actions.set_status("read")
    # Ctrl+0 marks the paper new and leaves the text size alone; Ctrl+Alt+0 resets it.
    qtbot.keyClick(window.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.library.paper(paper).status == "new"
    assert QApplication.font().pointSizeF() == base + 1
    alt_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window.table, Qt.Key.Key_0, alt_ctrl)
    assert QApplication.font().pointSizeF() == base
    assert window.library.paper(paper).status == "new"


def test_view_menu_offers_theme_and_text_size(window: MainWindow) -> None:
    menus = {m.objectName(): m for m in window.findChildren(QMenu)}
    theme = [a.objectName() for a in menus["menuTheme"].actions()]
    assert theme == ["actionThemeSystem", "actionThemeLight", "actionThemeDark"]
    assert all(window.named_actions[n].isCheckable() for n in theme)
    size = [a.objectName() for a in menus["menuTextSize"].actions() if not a.isSeparator()]
    assert size == ["actionTextLarger", "actionTextSmaller", "actionTextReset"]
    group = window.named_actions["actionThemeDark"].actionGroup()
    assert group is not None and group.isExclusive()
