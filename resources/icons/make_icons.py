"""Draw the Papershelf icon and write every platform's icon file from that one drawing.

    QT_QPA_PLATFORM=offscreen uv run python resources/icons/make_icons.py

Writes ``papershelf-<N>.png`` (16..512), ``papershelf.png`` (256, the window icon),
``papershelf.ico`` (Windows) and ``papershelf.icns`` (macOS) beside this script. The outputs
are committed; run this again only when the drawing changes. The .ico and .icns containers
hold PNG images (Windows Vista+, macOS 10.7+), so Qt alone writes them: no Pillow needed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

HERE = Path(__file__).resolve().parent
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS icon types that hold PNG data, by pixel size (the @2x types repeat a size).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def draw(size: int) -> QImage:
    """The icon at ``size`` pixels: a shelf holding two books and a paper with a bookmark.

    Drawn on a 512-unit canvas; below 48 px the paper's text lines are left out, since
    they would only blur.
    """
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 512, size / 512)

    # Background: a rounded square, blue, lighter at the top.
    margin = 16 if size >= 32 else 4
    tile = QRectF(margin, margin, 512 - 2 * margin, 512 - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    gradient.setColorAt(0, QColor("#4c6ef5"))
    gradient.setColorAt(1, QColor("#233a8f"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    p.drawRoundedRect(tile, 96, 96)

    # Two book spines, red and yellow, with a pale band near the top.
    for x, top, width, colour in ((92, 150, 66, "#ff6b6b"), (166, 196, 58, "#ffd43b")):
        p.setBrush(QColor(colour))
        p.drawRoundedRect(QRectF(x, top, width, 372 - top), 10, 10)
        p.setBrush(QColor(255, 255, 255, 150))
        p.drawRect(QRectF(x, top + 34, width, 16))

    # The paper: a white sheet with a folded corner, leaning slightly.
    p.save()
    p.translate(318, 372)
    p.rotate(6)
    sheet = QPainterPath()
    width, height, fold = 150, 236, 42
    sheet.moveTo(-width / 2, 0)
    sheet.lineTo(-width / 2, -height)
    sheet.lineTo(width / 2 - fold, -height)
    sheet.lineTo(width / 2, -height + fold)
    sheet.lineTo(width / 2, 0)
    sheet.closeSubpath()
    p.setBrush(QColor("#f8f9fa"))
    p.drawPath(sheet)
    corner = QPolygonF(
        [
            QPointF(width / 2 - fold, -height),
            QPointF(width / 2 - fold, -height + fold),
            QPointF(width / 2, -height + fold),
        ]
    )
    p.setBrush(QColor("#ced4da"))
    p.drawPolygon(corner)
    if size >= 48:
        p.setPen(QPen(QColor("#868e96"), 12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for i, line_width in enumerate((70, 104, 104, 88, 104, 60)):
            y = -height + 70 + i * 26
            p.drawLine(QPointF(-width / 2 + 24, y), QPointF(-width / 2 + 24 + line_width, y))
        p.setPen(Qt.PenStyle.NoPen)
    # A bookmark ribbon hanging from the top edge.
    ribbon = QPolygonF(
        [
            QPointF(-width / 2 + 22, -height),
            QPointF(-width / 2 + 56, -height),
            QPointF(-width / 2 + 56, -height + 84),
            QPointF(-width / 2 + 39, -height + 66),
            QPointF(-width / 2 + 22, -height + 84),
        ]
    )
    p.setBrush(QColor("#e03131"))
    p.drawPolygon(ribbon)
    p.restore()

    # The shelf: an amber board with a darker edge underneath.
    p.setBrush(QColor("#f59f00"))
    p.drawRoundedRect(QRectF(64, 366, 384, 34), 8, 8)
    p.setBrush(QColor("#c77c02"))
    p.drawRoundedRect(QRectF(76, 396, 360, 16), 6, 6)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("PNG encoding failed")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICONDIR with one PNG-compressed entry per size (256 is written as 0)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    entries, blobs = b"", b""
    offset = 6 + 16 * len(ICO_SIZES)
    for size in ICO_SIZES:
        blob = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """The 'icns' container: a header, then (type, length, PNG) records."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: png_bytes(draw(size)) for size in {*PNG_SIZES, *ICO_SIZES, 1024}}
    for size in PNG_SIZES:
        (HERE / f"papershelf-{size}.png").write_bytes(pngs[size])
    (HERE / "papershelf.png").write_bytes(pngs[256])
    (HERE / "papershelf.ico").write_bytes(ico(pngs))
    (HERE / "papershelf.icns").write_bytes(icns(pngs))
    del app
    print(f"wrote {len(PNG_SIZES) + 3} icon files to {HERE}")


if __name__ == "__main__":
    main()
