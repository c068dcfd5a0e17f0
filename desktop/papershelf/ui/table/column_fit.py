"""ColumnFitter: the table's columns share its width by what they hold.

Short columns (dates, category, status, code, score) get the width of their header or
of a typical value, measured in the current font; the text columns share the rest by
weight, the title the most, authors and tags up to a cap, and the title takes what is
left over. Only when even the text columns' minimums do not fit does the horizontal
scroll bar appear. A column the reader resizes by hand keeps that width (it is
"pinned", and remembered) until they ask for the columns to be fitted again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QTableView

from papershelf.ui.table.columns import COLUMNS

PINNED_KEY = "table/pinnedColumns"
_PADDING = 14  # the cell's margins and a little air
_SORT_ARROW = 18  # the header's sort indicator


@dataclass(frozen=True)
class Fit:
    """How a column takes its width: fixed by a sample, or a weighted share."""

    sample: str = ""  # a typical value; the header's own text counts too
    weight: float = 0.0  # > 0: shares the spare width
    min_chars: int = 0
    max_chars: int = 0  # 0: no cap


# By field name (core/fields.py); a column not listed is fixed at its header's width.
FITS: dict[str, Fit] = {
    "title": Fit(weight=3.0, min_chars=20),
    "authors": Fit(weight=1.2, min_chars=12, max_chars=26),
    "venue": Fit(weight=1.0, min_chars=8, max_chars=30),
    "tags": Fit(weight=0.6, min_chars=6, max_chars=22),
    "published": Fit("2026-05-19"),
    "added": Fit("2026-05-19"),
    "read_at": Fit("2026-05-19"),
    "status": Fit("skipped__"),  # a badge: the word and its rounded ends
    "score": Fit("98.5"),
    "key": Fit("akyurek2022learning"),
    "entry_type": Fit("inproceedings"),
}
_TITLE = next(i for i, c in enumerate(COLUMNS) if c.field.name == "title")


def share(
    spare: int, mins: dict[int, int], maxs: dict[int, int], weights: dict[int, float]
) -> dict[int, int]:
    """Split ``spare`` pixels by weight, each column between its min and max (max 0: none).

    A column whose share is below its minimum gets the minimum, one above its cap the
    cap, and the others share what is left. Below the minimums' sum every column gets
    its minimum (the table then scrolls).
    """
    widths = dict(mins)
    if spare <= sum(mins.values()):
        return widths
    open_ = set(weights)
    left = float(spare)
    while open_:
        total = sum(weights[i] for i in open_)
        portion = {i: left * weights[i] / total for i in open_}
        low = {i for i in open_ if portion[i] < mins[i]}
        high = {i for i in open_ if maxs[i] and portion[i] > max(maxs[i], mins[i])}
        if low:  # minimums first: they take from everyone else's share
            settled = {i: mins[i] for i in low}
        elif high:
            settled = {i: max(maxs[i], mins[i]) for i in high}
        else:
            widths.update({i: int(portion[i]) for i in open_})
            break
        widths.update(settled)
        left -= sum(settled.values())
        open_ -= set(settled)
    return widths


class ColumnFitter(QObject):
    """Keeps the table's column widths fitted to its width, font and visible columns."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.pinned: set[str] = set()
        self._fitting = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._section_resized)
        header.sortIndicatorChanged.connect(lambda *_: self._timer.start())  # the arrow moves
        # Kept, not asked for: while the table is destroyed, asking would fail.
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._viewport and kind == QEvent.Type.Resize:
            self.fit()
        elif watched is self.table and kind == QEvent.Type.FontChange:
            self._font_changed()
        return False

    def _font_changed(self) -> None:
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.fit()

    def _section_resized(self, logical: int, old: int, new: int) -> None:
        if self._fitting:
            return
        if old > 0 and new > 0 and 0 <= logical < len(COLUMNS):
            # Not ours, not a column shown (from 0) or hidden (to 0): the reader's width.
            self.pinned.add(COLUMNS[logical].field.name)
        self._timer.start()  # the others share what is left

    def unpin(self) -> None:
        """Forget the reader's widths: every column fitted again."""
        self.pinned.clear()
        self.fit()

    def natural(self, index: int) -> int:
        """A fixed column's width: its header (with the sort arrow, when sorted by it) or
        its typical value, whichever is wider."""
        field = COLUMNS[index].field
        fit = FITS.get(field.name, Fit())
        header = self.table.horizontalHeader()
        title = header.fontMetrics().horizontalAdvance(field.label)
        if header.sortIndicatorSection() == index:
            title += _SORT_ARROW
        sample = self.table.fontMetrics().horizontalAdvance(fit.sample) if fit.sample else 0
        return max(title, sample) + _PADDING

    def fit(self) -> None:
        """Give each visible column its share of the table's width now."""
        header = self.table.horizontalHeader()
        visible = [i for i in range(len(COLUMNS)) if not header.isSectionHidden(i)]
        char = max(1, self.table.fontMetrics().averageCharWidth())
        fixed: dict[int, int] = {}
        mins: dict[int, int] = {}
        maxs: dict[int, int] = {}
        weights: dict[int, float] = {}
        for i in visible:
            field = COLUMNS[i].field
            fit = FITS.get(field.name, Fit())
            if field.name in self.pinned:
                fixed[i] = header.sectionSize(i)
            elif fit.weight > 0:
                weights[i] = fit.weight
                mins[i] = max(self.natural(i), fit.min_chars * char)
                maxs[i] = fit.max_chars * char
            else:
                fixed[i] = self.natural(i)
        spare = self.table.viewport().width() - sum(fixed.values())
        widths = {**fixed, **share(spare, mins, maxs, weights)}
        left = spare - sum(widths[i] for i in weights)
        if left > 0 and _TITLE in weights:
            widths[_TITLE] += left  # what the caps left over: the title is worth most
        self._fitting = True
        try:
            for i, width in widths.items():
                if header.sectionSize(i) != width:
                    header.resizeSection(i, width)
        finally:
            self._fitting = False

    def restore(self, settings: QSettings) -> None:
        value = settings.value(PINNED_KEY, [])
        names = [value] if isinstance(value, str) else list(value or [])
        known = {c.field.name for c in COLUMNS}
        self.pinned = {str(n) for n in names if str(n) in known}
        self.fit()

    def save(self, settings: QSettings) -> None:
        settings.setValue(PINNED_KEY, sorted(self.pinned))
