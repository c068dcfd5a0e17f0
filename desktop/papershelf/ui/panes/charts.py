"""Charts drawn with QPainter: bars, a line and horizontal bars, with axes and hover values.

QtCharts is not in PySide6-Essentials, and a charting library would cost the frozen
app megabytes for six small pictures. One ``Chart`` (what to draw) and one geometry
(``ChartGeometry``: where each bar or point goes) serve the widget's painting, its hover
tooltips and the PNG/SVG export, so what is exported is what is shown.

Colours come from the palette, so light and dark themes both read: text is the
palette's text colour unless it is too faint against the background (WCAG 4.5:1 for
text), then black or white; bars and lines get at least 3:1 (WCAG for graphics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

_A = Qt.AlignmentFlag
LEFT, RIGHT = _A.AlignLeft | _A.AlignVCenter, _A.AlignRight | _A.AlignVCenter
BELOW = _A.AlignHCenter | _A.AlignTop

BARS = "bars"
LINE = "line"
ROWS = "rows"  # horizontal bars, one row per named group


@dataclass(frozen=True)
class Chart:
    """What one chart shows: a value per label, how, and what a value counts."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    kind: str = BARS
    unit: str = "papers"  # the hover text: "2026-W03: 4 papers"
    empty_text: str = "Nothing to show yet"
    tips: tuple[str, ...] = field(default=())  # the hover text per label, if not the default

    def tip(self, index: int) -> str:
        if self.tips:
            return self.tips[index]
        value = self.values[index]
        shown = f"{value:g}"
        return f"{self.labels[index]}: {shown} {self.unit}"

    @property
    def empty(self) -> bool:
        return not self.values or not any(self.values)


# --- colours -------------------------------------------------------------------------------


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * share_of_b,
        a.greenF() + (b.greenF() - a.greenF()) * share_of_b,
        a.blueF() + (b.blueF() - a.blueF()) * share_of_b,
    )


def _at_least(color: QColor, background: QColor, ratio: float) -> QColor:
    """``color``, moved towards black or white until it contrasts ``ratio`` with the
    background."""
    if contrast(color, background) >= ratio:
        return color
    target = QColor("black") if luminance(background) > 0.18 else QColor("white")
    for step in range(1, 11):
        mixed = _mix(color, target, step / 10)
        if contrast(mixed, background) >= ratio:
            return mixed
    return target


@dataclass(frozen=True)
class Colors:
    background: QColor
    text: QColor
    muted: QColor  # axis labels: still text, still 4.5:1
    grid: QColor
    mark: QColor  # bars and the line

    @classmethod
    def of(cls, palette: QPalette) -> Colors:
        background = palette.color(QPalette.ColorRole.Base)
        text = _at_least(palette.color(QPalette.ColorRole.Text), background, 4.5)
        muted = _at_least(_mix(text, background, 0.3), background, 4.5)
        mark = _at_least(palette.color(QPalette.ColorRole.Highlight), background, 3.0)
        return cls(background, text, muted, _mix(text, background, 0.85), mark)


# --- geometry ------------------------------------------------------------------------------


def nice_top(value: float) -> tuple[float, float]:
    """The axis' top and tick step for a largest value: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)  # counts: no half papers on the axis
    return math.ceil(value / step) * step, step


class ChartGeometry:
    """Where everything of a chart goes in a rectangle."""

    def __init__(self, chart: Chart, rect: QRectF, font: QFont) -> None:
        self.chart = chart
        self.rect = rect
        self.metrics = QFontMetricsF(font)
        line = self.metrics.height()
        self.title_rect = QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, line * 1.4)
        self.top, self.step = nice_top(max(chart.values, default=0))
        if chart.kind == ROWS:
            longest = max((self.metrics.horizontalAdvance(s) for s in chart.labels), default=0)
            left = min(longest + 24, rect.width() * 0.4)
            right = self.metrics.horizontalAdvance(f"{self.top:g}") + 16
            self.plot = QRectF(
                rect.left() + left, self.title_rect.bottom() + 6,
                rect.width() - left - right, rect.height() - self.title_rect.height() - 16,
            )  # fmt: skip
        else:
            left = self.metrics.horizontalAdvance(f"{self.top:g}") + 14
            self.plot = QRectF(
                rect.left() + left, self.title_rect.bottom() + line * 0.6,
                rect.width() - left - 12, rect.height() - self.title_rect.height() - line * 2.8,
            )  # fmt: skip
        self.marks = [self._mark(i) for i in range(len(chart.values))]

    def _mark(self, index: int) -> QRectF:
        """The bar (or the point's column) of value ``index``."""
        count = len(self.chart.values)
        value = self.chart.values[index]
        plot = self.plot
        if self.chart.kind == ROWS:
            slot = plot.height() / max(count, 1)
            height = min(slot * 0.7, self.metrics.height() * 1.2)
            width = plot.width() * value / self.top
            return QRectF(
                plot.left(), plot.top() + slot * index + (slot - height) / 2, width, height
            )
        slot = plot.width() / max(count, 1)
        height = plot.height() * value / self.top
        gap = min(slot * 0.2, 6.0) if count > 1 else slot * 0.3
        return QRectF(
            plot.left() + slot * index + gap / 2, plot.bottom() - height, slot - gap, height
        )

    def point(self, index: int) -> QPointF:
        mark = self.marks[index]
        return QPointF(mark.center().x(), mark.top())

    def index_at(self, pos: QPointF) -> int | None:
        """The value under ``pos`` (a whole column or row counts, not just the bar)."""
        count = len(self.chart.values)
        if not count or not self.plot.adjusted(-2, -2, 2, 2).contains(pos):
            return None
        if self.chart.kind == ROWS:
            index = int((pos.y() - self.plot.top()) / (self.plot.height() / count))
        else:
            index = int((pos.x() - self.plot.left()) / (self.plot.width() / count))
        return index if 0 <= index < count else None


# --- painting ------------------------------------------------------------------------------


def paint_chart(painter: QPainter, rect: QRectF, chart: Chart, colors: Colors) -> None:
    """Draw ``chart`` into ``rect``: background, title, axes, marks, labels."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, colors.background)
    geometry = ChartGeometry(chart, rect, painter.font())
    title_font = QFont(painter.font())
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.setPen(colors.text)
    painter.drawText(geometry.title_rect, LEFT, chart.title)
    painter.setFont(QFont(painter.font().family(), painter.font().pointSize()))
    if chart.empty:
        painter.setPen(colors.muted)
        painter.drawText(geometry.plot, Qt.AlignmentFlag.AlignCenter, chart.empty_text)
    elif chart.kind == ROWS:
        _paint_rows(painter, geometry, colors)
    else:
        _paint_axes(painter, geometry, colors)
        if chart.kind == LINE:
            _paint_line(painter, geometry, colors)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors.mark)
            for mark in geometry.marks:
                painter.drawRect(mark)
        _paint_x_labels(painter, geometry, colors)
    painter.restore()


def _paint_axes(painter: QPainter, geometry: ChartGeometry, colors: Colors) -> None:
    plot = geometry.plot
    ticks = round(geometry.top / geometry.step)
    for n in range(ticks + 1):
        value = geometry.step * n
        y = plot.bottom() - plot.height() * value / geometry.top
        painter.setPen(QPen(colors.grid if n else colors.muted, 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(colors.muted)
        label = QRectF(plot.left() - 60, y - 10, 54, 20)
        painter.drawText(label, RIGHT, f"{value:g}")


def _paint_x_labels(painter: QPainter, geometry: ChartGeometry, colors: Colors) -> None:
    """The labels that fit, from the last one back: a label that would touch the one
    after it is left out (its value is still in the tooltip)."""
    labels = geometry.chart.labels
    painter.setPen(colors.muted)
    height = geometry.metrics.height()
    free_from = geometry.rect.right()
    for index in reversed(range(len(labels))):
        width = geometry.metrics.horizontalAdvance(labels[index]) + 4
        center = geometry.marks[index].center().x()
        left = max(center - width / 2, geometry.rect.left())
        right = min(left + width, geometry.rect.right())
        if right > free_from:
            continue
        box = QRectF(right - width, geometry.plot.bottom() + 4, width, height)
        painter.drawText(box, BELOW, labels[index])
        free_from = box.left() - 8


def _paint_line(painter: QPainter, geometry: ChartGeometry, colors: Colors) -> None:
    points = [geometry.point(i) for i in range(len(geometry.marks))]
    painter.setPen(QPen(colors.mark, 2.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline(points)
    if len(points) <= 60:  # dots while they stay apart
        painter.setBrush(colors.mark)
        for point in points:
            painter.drawEllipse(point, 3, 3)


def _paint_rows(painter: QPainter, geometry: ChartGeometry, colors: Colors) -> None:
    chart = geometry.chart
    for index, mark in enumerate(geometry.marks):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.mark)
        painter.drawRect(mark)
        painter.setPen(colors.text)
        room = geometry.plot.left() - geometry.rect.left() - 16
        name = geometry.metrics.elidedText(chart.labels[index], Qt.TextElideMode.ElideRight, room)
        label = QRectF(geometry.rect.left() + 4, mark.top() - 4, room + 4, mark.height() + 8)
        painter.drawText(label, RIGHT, name)
        value = QRectF(mark.right() + 6, mark.top() - 4, 80, mark.height() + 8)
        painter.drawText(
            value,
            LEFT,
            f"{chart.values[index]:g}",
        )


# --- the widget ----------------------------------------------------------------------------


class ChartView(QWidget):
    """One chart on screen; hovering a bar or a point shows its value."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setMouseTracking(True)
        self.setMinimumSize(QSize(320, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.update()

    def colors(self) -> Colors:
        return Colors.of(self.palette())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_chart(painter, QRectF(self.rect()), self.chart, self.colors())
        painter.end()

    def hover_text(self, pos: QPointF) -> str | None:
        """What hovering ``pos`` tells: the value under it, or None."""
        if self.chart.empty:
            return None
        index = ChartGeometry(self.chart, QRectF(self.rect()), self.font()).index_at(pos)
        return None if index is None else self.chart.tip(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        text = self.hover_text(event.position())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
