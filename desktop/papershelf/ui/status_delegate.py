"""StatusDelegate: the reading status as a small coloured badge in the table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from papershelf.ui.table_model import STATUS_ROLE

# Hues that read on light and dark palettes alike; "new" stays quiet on purpose.
STATUS_COLORS = {
    "new": QColor(140, 140, 140),
    "to-read": QColor(33, 118, 210),
    "reading": QColor(230, 126, 34),
    "read": QColor(46, 160, 67),
    "skipped": QColor(120, 100, 140),
}


class StatusDelegate(QStyledItemDelegate):
    """Paints the status column; other roles (selection, focus) stay the style's."""

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
        style = option.widget.style() if option.widget else None
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        color = STATUS_COLORS.get(status, QColor(140, 140, 140))
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(status) + 14
        height = metrics.height() + 2
        rect = QRectF(
            option.rect.x() + 4,
            option.rect.y() + (option.rect.height() - height) / 2,
            min(width, option.rect.width() - 8),
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, status)
        painter.restore()
