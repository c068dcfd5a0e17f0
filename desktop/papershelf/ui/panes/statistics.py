"""The reading statistics view (View > Reading Statistics): headline figures and six charts.

The view only shows what it is given (``show_statistics``) and says what the reader
asked for (a period, an export); ``ui.window.statistics`` computes off the main thread
and writes the files. Exports draw the same charts with the same painter code, into a
PNG image or an SVG file (QtSvg's QSvgGenerator).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.io.stats_report import summary_rows
from papershelf.core.stats import BREAKDOWNS, DAY_BINS, ReadingStats
from papershelf.ui.panes.charts import LINE, ROWS, Chart, ChartView, Colors, paint_chart

WEEKS_SHOWN = 52
MONTHS_SHOWN = 24
EXPORT_CHART = QSize(600, 320)  # one chart in an exported picture
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("All time", None),
    ("Last 12 months", 365),
    ("Last 3 months", 91),
    ("Last 4 weeks", 28),
)


# The histogram's axis in days (its tooltips say "2-3 days", "1-2 weeks"...).
DAY_LABELS = tuple(
    str(low) if high == low else (f"{low}-{high}" if high is not None else f">{low - 1}")
    for _, low, high in DAY_BINS
)


def month_labels(starts: Sequence[date]) -> tuple[str, ...]:
    """ "Jan 2026", "Feb", ...: the year on the first month and on every January."""
    return tuple(
        f"{m:%b %Y}" if n == 0 or m.month == 1 else f"{m:%b}" for n, m in enumerate(starts)
    )


def charts_of(figures: ReadingStats) -> list[Chart]:
    """The six charts of a set of statistics, in the view's order."""
    weeks = figures.weeks[-WEEKS_SHOWN:]
    months = figures.months[-MONTHS_SHOWN:]
    week_labels = tuple(w.start.strftime("%d %b") for w in weeks)
    week_tips = tuple(f"{w.label} (from {w.start:%d %b %Y})" for w in weeks)
    days = figures.days_to_read
    median = "" if days.median is None else f" (median {days.median:g} days)"
    charts = [
        Chart(
            "Papers read per week", week_labels, tuple(w.read for w in weeks),
            tips=tuple(f"{t}: {w.read} read" for t, w in zip(week_tips, weeks, strict=True)),
            empty_text="Nothing read yet",
        ),
        Chart(
            "To-read backlog at the end of each week", week_labels,
            tuple(w.to_read for w in weeks), LINE,
            tips=tuple(f"{t}: {w.to_read} to read" for t, w in zip(week_tips, weeks, strict=True)),
            empty_text="Nothing to read",
        ),
        Chart(
            "Papers read per month", month_labels([m.start for m in months]),
            tuple(m.read for m in months), unit="read", empty_text="Nothing read yet",
            tips=tuple(f"{m.start:%B %Y}: {m.read} read" for m in months),
        ),
        Chart(
            f"Days from to-read to read{median}", DAY_LABELS,
            tuple(n for _, n in days.bins), unit="reads",
            tips=tuple(f"{label}: {n} read{'' if n == 1 else 's'}" for label, n in days.bins),
            empty_text="No paper read after being to-read yet",
        ),
    ]  # fmt: skip
    for name, label in BREAKDOWNS.items():
        groups = figures.groups[name]
        charts.append(
            Chart(
                f"Read by {label.lower()}", tuple(g for g, _ in groups),
                tuple(n for _, n in groups), ROWS, unit="read",
                empty_text=f"No {label.lower()} among the papers read",
            )
        )  # fmt: skip
    return charts


def summary_text(figures: ReadingStats) -> str:
    """The headline figures on one or two lines."""
    return "   ·   ".join(f"{what}: {value}" for what, value in summary_rows(figures))


def render_charts(painter: QPainter, charts: Sequence[Chart], colors: Colors, header: str) -> None:
    """Every chart in a grid of two columns under ``header``, at EXPORT_CHART's size."""
    width = EXPORT_CHART.width() * 2
    header_height = 48
    painter.fillRect(QRectF(0, 0, width, export_size(len(charts)).height()), colors.background)
    painter.setPen(colors.text)
    painter.drawText(
        QRectF(12, 0, width - 24, header_height),
        int(Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap),
        header,
    )
    for index, chart in enumerate(charts):
        column, row = index % 2, index // 2
        rect = QRectF(
            column * EXPORT_CHART.width(), header_height + row * EXPORT_CHART.height(),
            EXPORT_CHART.width(), EXPORT_CHART.height(),
        )  # fmt: skip
        paint_chart(painter, rect.adjusted(6, 6, -6, -6), chart, colors)


def export_size(count: int) -> QSize:
    return QSize(EXPORT_CHART.width() * 2, 48 + EXPORT_CHART.height() * ((count + 1) // 2))


class StatisticsView(QWidget):
    """The statistics window: the period, the headline figures, the charts, exports."""

    period_changed = Signal()
    export_requested = Signal(str)  # "png" or "svg"
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("statisticsView")
        self.setWindowTitle("Reading Statistics")
        self.figures: ReadingStats | None = None
        self.period = QComboBox()
        self.period.setObjectName("statisticsPeriod")
        for label, _ in PERIODS:
            self.period.addItem(label)
        self.period.currentIndexChanged.connect(lambda _: self.period_changed.emit())
        self.summary = QLabel("Counting…")
        self.summary.setObjectName("statisticsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.summary.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.summary.setFont(font)

        top = QHBoxLayout()
        top.addWidget(QLabel("Period:"))
        top.addWidget(self.period)
        top.addStretch(1)
        for text, name, slot in (
            ("Refresh", "statisticsRefresh", self.refresh_requested.emit),
            ("Export PNG…", "statisticsExportPng", lambda: self.export_requested.emit("png")),
            ("Export SVG…", "statisticsExportSvg", lambda: self.export_requested.emit("svg")),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            top.addWidget(button)

        self.charts = [ChartView(chart, self) for chart in charts_of_nothing()]
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        for index, view in enumerate(self.charts):
            view.setObjectName(f"statisticsChart{index}")
            grid.addWidget(view, index // 2, index % 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        self.resize(1240, 900)

    def since(self, today: date) -> date | None:
        """The first day of the chosen period (None: all time)."""
        days = PERIODS[self.period.currentIndex()][1]
        return None if days is None else today - timedelta(days=days)

    def show_busy(self) -> None:
        if self.figures is None:
            self.summary.setText("Counting…")

    def show_statistics(self, figures: ReadingStats) -> None:
        self.figures = figures
        self.summary.setText(summary_text(figures))
        for view, chart in zip(self.charts, charts_of(figures), strict=True):
            view.set_chart(chart)

    def colors(self) -> Colors:
        return Colors.of(self.palette())

    def exported(self, kind: str) -> bytes:
        """The charts as a PNG or an SVG file's bytes."""
        charts = [view.chart for view in self.charts]
        size = export_size(len(charts))
        header = self.summary.text()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if kind == "svg":
            # Loaded only here: QtSvg is not needed to start the window.
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, size.width(), size.height()))
            generator.setTitle("Reading statistics")
            painter = QPainter(generator)
            render_charts(painter, charts, self.colors(), header)
            painter.end()
        else:
            image = QImage(size, QImage.Format.Format_ARGB32)
            image.fill(self.colors().background)
            painter = QPainter(image)
            painter.setFont(self.font())
            render_charts(painter, charts, self.colors(), header)
            painter.end()
            image.save(buffer, "PNG")
        data: QByteArray = buffer.data()
        return bytes(data.data())


def charts_of_nothing() -> list[Chart]:
    """Placeholders while the first count runs."""
    titles = ["Papers read per week", "To-read backlog", "Papers read per month"]
    titles += ["Days from to-read to read"]
    titles += [f"Read by {label.lower()}" for label in BREAKDOWNS.values()]
    return [Chart(title, (), (), empty_text="Counting…") for title in titles]
