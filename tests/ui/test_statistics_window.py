"""View > Reading Statistics: the view, its charts, hover values, exports, both palettes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton

from papershelf.core.ops import follow as follow_ops
from papershelf.core.ops import papers as ops
from papershelf.core.store import follows
from papershelf.ui.panes.charts import Chart, ChartGeometry, ChartView, Colors, contrast, nice_top
from papershelf.ui.panes.statistics import StatisticsView
from papershelf.ui.screenshot_statistics import dark_palette
from papershelf.ui.window.main_window import MainWindow
from papershelf.ui.window.statistics import export


def open_statistics(qtbot, window: MainWindow) -> StatisticsView:
    window.named_actions["actionStatistics"].trigger()
    view = window.findChild(StatisticsView, "statisticsView")
    assert view is not None and view.isVisible()
    qtbot.waitUntil(
        lambda: view.figures is not None and not window.tasks.pending("statistics"), timeout=30_000
    )
    return view


@pytest.fixture
def reading(window: MainWindow) -> list[int]:
    """Five papers queued, three of them read (now: this week, whatever day it is)."""
    ids = window.library.search("", sort="key")[:5]
    window.library.set_status(ids, "to-read")
    window.library.set_status(ids[:3], "read")
    return ids


def test_the_view_menu_opens_the_statistics_with_data(
    qtbot, window: MainWindow, reading: list[int]
) -> None:
    view_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"
    )
    assert isinstance(view_menu, QMenu)
    assert window.named_actions["actionStatistics"] in view_menu.actions()
    view = open_statistics(qtbot, window)
    assert view.figures is not None
    assert (view.figures.read, view.figures.to_read) == (3, 2)
    summary = view.findChild(type(view.summary), "statisticsSummary")
    assert summary is not None and "Papers read in all: 3" in summary.text()
    weekly, backlog, monthly, days, by_category, by_tag, by_source = (c.chart for c in view.charts)
    assert weekly.values[-1] == 3 and sum(weekly.values) == 3
    assert backlog.values[-1] == 2
    assert monthly.values[-1] == 3
    assert sum(days.values) == 3 and days.values[0] == 3  # queued and read the same day
    assert sum(v for v in by_category.values) == 3
    assert by_tag.empty  # nothing tagged: the chart says so instead of drawing bars
    assert by_source.empty and by_source.title == "Read by followed source"


def test_reading_by_followed_source(qtbot, window: MainWindow, reading: list[int]) -> None:
    """Two of the three papers read came through a followed source: its row says 2."""
    follow_ops.add_follow(window.library, "Tengyu Ma", "arxiv:au:Ma")
    follow_ops.add_follow(window.library, "Unread blog", "https://example.org/feed.xml")
    ma = follows.get(window.library, "Tengyu Ma").id
    blog = follows.get(window.library, "Unread blog").id
    for paper_id in reading[:2]:
        follows.link(window.library, paper_id, ma, f"entry-{paper_id}")
    follows.link(window.library, reading[4], blog, "entry-unread")  # to-read, not read
    view = open_statistics(qtbot, window)
    by_source = next(c.chart for c in view.charts if c.chart.title == "Read by followed source")
    assert (by_source.labels, by_source.values) == (("Tengyu Ma",), (2,))


def test_hovering_a_bar_tells_its_value(qtbot, window: MainWindow, reading: list[int]) -> None:
    view = open_statistics(qtbot, window)
    weekly = view.charts[0]
    weekly.resize(600, 300)
    last = len(weekly.chart.values) - 1
    geometry = ChartGeometry(weekly.chart, weekly.rect().toRectF(), weekly.font())
    bar = geometry.marks[last]
    assert weekly.hover_text(bar.center()).endswith(": 3 read")
    assert weekly.hover_text(QPointF(2, 2)) is None  # the title, not a bar
    rows = view.charts[4]
    rows.resize(600, 300)
    geometry = ChartGeometry(rows.chart, rows.rect().toRectF(), rows.font())
    assert rows.hover_text(geometry.marks[0].center()) == rows.chart.tip(0)
    assert rows.chart.tip(0).endswith(f"{rows.chart.values[0]:g} read")


def test_the_view_counts_again_after_a_change(
    qtbot, window: MainWindow, reading: list[int]
) -> None:
    view = open_statistics(qtbot, window)
    window.apply(lambda: ops.set_status(window.library, [reading[3]], "read"))
    qtbot.waitUntil(lambda: view.figures is not None and view.figures.read == 4, timeout=30_000)
    assert view.figures.to_read == 1
    window.named_actions["actionUndo"].trigger()
    qtbot.waitUntil(lambda: view.figures is not None and view.figures.read == 3, timeout=30_000)
    assert view.figures.to_read == 2


def test_a_shorter_period_counts_from_its_first_day(
    qtbot, window: MainWindow, reading: list[int]
) -> None:
    view = open_statistics(qtbot, window)
    view.period.setCurrentIndex(view.period.findText("Last 4 weeks"))
    qtbot.waitUntil(
        lambda: view.figures is not None and view.figures.since is not None, timeout=30_000
    )
    assert view.figures.read == 3
    assert "since" in view.summary.text()
    assert len(view.figures.weeks) <= 6


def test_png_and_svg_exports_are_valid_files(
    qtbot, window: MainWindow, reading: list[int], tmp_path: Path, monkeypatch
) -> None:
    view = open_statistics(qtbot, window)
    png = export(view, tmp_path / "stats", "png")
    assert png.name == "stats.png"
    image = QImage(str(png))
    assert not image.isNull() and image.width() == 1200 and image.height() > 900
    svg = export(view, tmp_path / "stats.svg", "svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text(encoding="utf-8")
    assert "Papers read per week" in text and "Read by category" in text

    # The buttons go through the same export, to the place the reader picks.
    chosen = tmp_path / "from-button.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    view.findChild(QPushButton, "statisticsExportSvg").click()
    assert ET.parse(chosen).getroot().tag.endswith("svg")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "no" / "x.png"), "")
    )
    view.findChild(QPushButton, "statisticsExportPng").click()
    assert len(warnings) == 1 and not (tmp_path / "no").exists()


def test_dark_palette_text_contrast(qtbot, window: MainWindow, reading: list[int]) -> None:
    colors = Colors.of(dark_palette())
    assert contrast(colors.text, colors.background) >= 4.5
    assert contrast(colors.muted, colors.background) >= 4.5
    assert contrast(colors.mark, colors.background) >= 3.0
    # A palette whose own text is too faint still gets readable charts.
    faint = QPalette(dark_palette())
    faint.setColor(QPalette.ColorRole.Text, QColor("#303236"))
    faint.setColor(QPalette.ColorRole.Highlight, QColor("#1c1d20"))
    bad = Colors.of(faint)
    assert contrast(QColor("#303236"), bad.background) < 2
    assert contrast(bad.text, bad.background) >= 4.5
    assert contrast(bad.muted, bad.background) >= 4.5 and contrast(bad.mark, bad.background) >= 3

    view = open_statistics(qtbot, window)
    view.setPalette(dark_palette())
    image = QImage.fromData(view.exported("png"))
    assert QColor(image.pixel(5, 5)).lightness() < 60  # a dark picture, not a light one
    chart = view.charts[0]
    chart.resize(500, 260)
    picture = chart.grab().toImage()
    assert QColor(picture.pixel(496, 3)).lightness() < 60  # its background


def test_chart_axes_and_an_empty_chart(qtbot) -> None:
    assert nice_top(0) == (1.0, 1.0)
    assert nice_top(3) == (3.0, 1.0)
    assert nice_top(37) == (40.0, 10.0)
    assert nice_top(130) == (150.0, 50.0)
    view = ChartView(Chart("Nothing", ("a", "b"), (0, 0)))
    qtbot.addWidget(view)
    view.resize(300, 200)
    assert view.hover_text(QPointF(150, 120)) is None
    view.grab()  # draws the empty text without dividing by zero
