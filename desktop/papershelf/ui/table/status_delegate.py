"""StatusDelegate: the reading status as a small coloured badge in the table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from papershelf.ui.table.model import STATUS_ROLE
from papershelf.ui.theme import badge_colors


class StatusDelegate(QStyledItemDelegate):
    """Paints the status column; other roles (selection, focus) stay the style's.

    A badge is drawn once per status, font and screen and then copied: the table
    repaints after every keystroke in the filter box.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._badges: dict[tuple[str, str, float, int], QPixmap] = {}
        # The font last painted with, its key and each status's width in it: asked of
        # the font at every cell, they took a third of a badge's time.
        self._font: QFont | None = None
        self._font_key = ""
        self._advances: dict[str, int] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        status = index.data(STATUS_ROLE)
        if not status:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # the cell's background, selection and focus, without text
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        badge = self._badge(status, option, ratio)
        size = badge.deviceIndependentSize()
        top = option.rect.y() + (option.rect.height() - size.height()) / 2
        painter.drawPixmap(QPointF(option.rect.x() + 4, top), badge)

    def _badge(self, status: str, option: QStyleOptionViewItem, ratio: float) -> QPixmap:
        font = option.font
        if font != self._font:
            # A copy: the option's own font goes with the option after this paint.
            self._font, self._font_key, self._advances = QFont(font), font.key(), {}
        advance = self._advances.get(status)
        if advance is None:
            advance = self._advances[status] = option.fontMetrics.horizontalAdvance(status)
        width = min(advance + 14, max(option.rect.width() - 8, 1))
        key = (status, self._font_key, ratio, width)
        badge = self._badges.get(key)
        if badge is not None:
            return badge
        height = option.fontMetrics.height() + 2
        badge = QPixmap(int(width * ratio), int(height * ratio))
        badge.setDevicePixelRatio(ratio)
        badge.fill(Qt.GlobalColor.transparent)
        painter = QPainter(badge)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(option.font)
        painter.setPen(Qt.PenStyle.NoPen)
        fill, ink = badge_colors(status)  # white on a fill dark enough for 4.5:1
        painter.setBrush(fill)
        rect = QRectF(0, 0, width, height)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, status)
        painter.end()
        self._badges[key] = badge
        return badge
