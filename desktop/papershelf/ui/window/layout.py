"""The window's size and how its panes share it, on small, large and HiDPI screens.

- The window opens inside the screen's available area (a saved size from a larger
  screen, or a default made for a desktop, is shrunk and moved in).
- The table gets the width first: the sidebar and the details pane keep the widths
  the reader gave them while there is room, and give way, down to minimums measured
  in the current font, before the table does; on a window too narrow even for that
  (a small screen at scale 2) the sidebar folds away, and comes back with the room.
- Hints in text boxes fit: the longest wording that fits the box is shown, and the
  full one in its tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import QLineEdit, QSplitter, QTreeView, QWidget

DEFAULT_SIZE = QSize(1380, 820)
# Room for the window manager's frame (title bar, borders), unknown until shown.
_FRAME_ALLOWANCE = QSize(16, 48)
TABLE_SHARE = 0.6  # of the width, what the table gets before the side panes give way
SIDEBAR_MIN_CHARS = 15
DETAILS_MIN_CHARS = 30
DETAILS_SHARE = 0.55  # of the height beside the table, what the details get first
NOTE_MIN_LINES = 8  # the tags row, the note's title bar and a few lines of note
SIDEBAR_LABEL_CHARS = 11  # "Affiliations", "Listing of"
SIDEBAR_COUNT_WIDEST = "000,000"


def _screen_for(window: QWidget) -> QScreen | None:
    centre = window.geometry().center()
    return QGuiApplication.screenAt(centre) or window.screen() or QGuiApplication.primaryScreen()


def fit_inside(rect: QRect, area: QRect) -> QRect:
    """``rect`` shrunk to leave room for a frame inside ``area``, and moved into it."""
    room = area.size() - _FRAME_ALLOWANCE
    size = rect.size().boundedTo(room)
    x = min(max(rect.x(), area.left()), area.left() + area.width() - size.width())
    y = min(max(rect.y(), area.top()), area.top() + area.height() - size.height())
    return QRect(x, y, size.width(), size.height())


def place_window(window: QWidget, saved: object) -> None:
    """Restore a saved geometry, or the default size centred, inside the screen."""
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        screen = _screen_for(window)
        if screen is not None:
            window.setGeometry(fit_inside(window.geometry(), screen.availableGeometry()))
        return
    screen = _screen_for(window)
    if screen is None:
        window.resize(DEFAULT_SIZE)
        return
    area = screen.availableGeometry()
    rect = fit_inside(QRect(area.topLeft(), DEFAULT_SIZE), area)
    rect.moveCenter(area.center())
    window.setGeometry(fit_inside(rect, area))


class BalancedSplitter(QSplitter):
    """A splitter whose main widget gets the room first.

    The other widgets' sizes are the reader's (the last drag, or a restored state);
    when the splitter is too small for them and a fair share (``share``) for the main
    widget, they give way down to their minimums, in their order. A collapsed or
    hidden pane stays so.
    """

    def __init__(
        self,
        object_name: str,
        orientation: Qt.Orientation,
        main: int,
        preferred: Sequence[int],
        share: float,
    ) -> None:
        super().__init__(orientation, objectName=object_name)
        self._main = main
        self._preferred = list(preferred)
        self._share = share
        self.folds: set[int] = set()  # panes folded away for want of room, not by the reader
        self.splitterMoved.connect(self._moved)

    def minimums(self) -> list[int]:
        """Each pane's minimum size along the splitter (the main one's is not used)."""
        return [0] * self.count()

    def foldable(self) -> tuple[int, ...]:
        """Panes that fold away when even the minimums leave the main one too little."""
        return ()

    def restoreState(self, state: QByteArray | bytes) -> bool:
        done = super().restoreState(state)
        if done:
            self._remember()
        return done

    def _moved(self, _pos: int, _index: int) -> None:
        self.folds.clear()  # the reader arranged the panes: theirs now
        self._remember()

    def _remember(self) -> None:
        for i, size in enumerate(self.sizes()):
            if i != self._main and size > 0 and i < len(self._preferred):
                self._preferred[i] = size

    def _length(self, size: QSize) -> int:
        horizontal = self.orientation() == Qt.Orientation.Horizontal
        return size.width() if horizontal else size.height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._length(event.size()) != self._length(event.oldSize()):
            self.balance()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # Larger text: the minimums are counted in characters, so the panes widen
            # with it (or the sidebar's labels are cut to "Listi…").
            self.balance()

    def balance(self) -> None:
        """The reader's pane sizes when there is room, else less, down to the minimums."""
        if self.count() < 2:
            return
        sizes = self.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        mins = self.minimums()
        shown = [i for i in range(self.count()) if not self.widget(i).isHidden()]
        sides = [i for i in shown if i != self._main and (sizes[i] > 0 or i in self.folds)]
        room = total - int(total * self._share)
        for i in self.foldable():  # fold away, or back out when there is room again
            if i in sides and sum(mins[j] for j in sides) > room:
                sides.remove(i)
                self.folds.add(i)
            elif i in sides:
                self.folds.discard(i)
        for i in sides:
            if self.orientation() == Qt.Orientation.Horizontal:
                self.widget(i).setMinimumWidth(mins[i])
            else:
                self.widget(i).setMinimumHeight(mins[i])
        wanted = {i: max(self._preferred[i], mins[i]) for i in sides}
        excess = sum(wanted.values()) - max(room, sum(mins[i] for i in sides))
        for i in sides:  # in order: the first pane gives way first
            if excess <= 0:
                break
            cut = min(excess, wanted[i] - mins[i])
            wanted[i] -= cut
            excess -= cut
        new = [0] * self.count()
        for i in sides:
            new[i] = wanted[i]
        new[self._main] = max(0, total - sum(new))
        if new != sizes:
            self.setSizes(new)


class MainSplitter(BalancedSplitter):
    """Sidebar, table, details: the table gets the width first, the sidebar gives way
    before the details (which are being read)."""

    def __init__(self, object_name: str, preferred: Sequence[int]) -> None:
        super().__init__(object_name, Qt.Orientation.Horizontal, 1, preferred, TABLE_SHARE)

    def minimums(self) -> list[int]:
        """The side panes' minimum widths in the current font."""
        char = max(1, self.fontMetrics().averageCharWidth())
        mins = [SIDEBAR_MIN_CHARS * char, 0, DETAILS_MIN_CHARS * char]
        mins += [0] * max(0, self.count() - 3)
        sidebar = self.widget(0)
        if isinstance(sidebar, QTreeView) and sidebar.header().count() > 1:
            # A label column and a count column: the counts ("50 of 118 listed") are
            # shown whole, so the labels need room beside them, not just a minimum. The
            # column is as wide as the counts shown now; room for six figures ("79,960",
            # "≈2.8k") is kept whatever they are, or the counts that came after the
            # panes were sized cut the labels ("to-r…").
            labels = sidebar.indentation() * 2 + SIDEBAR_LABEL_CHARS * char
            scroll = sidebar.verticalScrollBar().sizeHint().width()
            figures = sidebar.fontMetrics().horizontalAdvance(SIDEBAR_COUNT_WIDEST) + 2 * char
            counts = max(sidebar.header().sectionSize(1), figures)
            mins[0] = max(mins[0], labels + counts + scroll)
        return mins

    def foldable(self) -> tuple[int, ...]:
        return (0,)  # the sidebar: the filter box does what it does


class ReadingSplitter(BalancedSplitter):
    """The details over the tags and note: the details get the height first."""

    def __init__(self, object_name: str, preferred: Sequence[int]) -> None:
        super().__init__(object_name, Qt.Orientation.Vertical, 0, preferred, DETAILS_SHARE)

    def minimums(self) -> list[int]:
        line = self.fontMetrics().lineSpacing()
        return [0, NOTE_MIN_LINES * line] + [0] * max(0, self.count() - 2)


class PlaceholderFitter(QObject):
    """Shows the longest of several wordings of a hint that fits its line edit."""

    def __init__(self, edit: QLineEdit, wordings: Sequence[str]) -> None:
        super().__init__(edit)
        self.edit = edit
        self.wordings = list(wordings)
        edit.setToolTip(self.wordings[0])
        edit.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self.fit()
        return False

    def fit(self) -> None:
        metrics = self.edit.fontMetrics()
        # The frame, text margins and the clear button take about three characters.
        room = self.edit.width() - 3 * metrics.averageCharWidth() - 24
        chosen = next(
            (w for w in self.wordings if metrics.horizontalAdvance(w) <= room), self.wordings[-1]
        )
        if self.edit.placeholderText() != chosen:
            self.edit.setPlaceholderText(chosen)
