"""View > Reading Statistics: opens the statistics view, counts off the main thread, exports.

The count runs in the task service's background lane on its own connection (at a
million papers it takes most of a second); a newer request supersedes an older one,
so changing the period quickly shows only the last period's figures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from papershelf.core.errors import LibraryError
from papershelf.core.safety.safe_files import write_output
from papershelf.ui.tasks import BACKGROUND, TaskContext, TaskManager

if TYPE_CHECKING:  # the view, its charts and the counting load when first opened
    from papershelf.core import stats
    from papershelf.ui.panes.statistics import StatisticsView

KIND = "statistics"
FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


class StatisticsWindow:
    """Owns the one statistics view of a main window."""

    def __init__(self, parent: QWidget, tasks: TaskManager) -> None:
        self.parent = parent
        self.tasks = tasks
        self.view: StatisticsView | None = None
        self.folder = Path.home()

    def open(self) -> StatisticsView:
        """Show the view (made on first use) and count."""
        if self.view is None:
            from papershelf.ui.panes.statistics import StatisticsView

            self.view = StatisticsView(self.parent)
            self.view.period_changed.connect(self.refresh)
            self.view.refresh_requested.connect(self.refresh)
            self.view.export_requested.connect(self.choose_and_export)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        self.refresh()
        return self.view

    def refresh(self) -> None:
        """Count again for the chosen period (after changes, or a new period)."""
        from papershelf.core import stats

        view = self.view
        if view is None:
            return
        since = view.since(date.today())

        def count(context: TaskContext) -> stats.ReadingStats:
            return stats.compute(context.library, since=since)

        view.show_busy()
        self.tasks.run(
            KIND, count, lane=BACKGROUND, interrupt=True, title="Counting the reading statistics",
            on_done=view.show_statistics,
        )  # fmt: skip

    def library_changed(self) -> None:
        """The library changed: an open view counts again."""
        if self.view is not None and self.view.isVisible():
            self.refresh()

    def choose_and_export(self, kind: str) -> None:
        view = self.view
        if view is None:
            return
        suggested = str(self.folder / f"reading-statistics.{kind}")
        target, _ = QFileDialog.getSaveFileName(view, "Export the charts", suggested, FILTERS[kind])
        if not target:
            return
        try:
            path = export(view, Path(target), kind)
        except LibraryError as exc:
            QMessageBox.warning(view, "Export the charts", str(exc))
            return
        self.folder = path.parent


def export(view: StatisticsView, target: Path, kind: str) -> Path:
    """Write the view's charts to ``target`` (its suffix added when missing)."""
    if target.suffix.lower() != f".{kind}":
        target = target.with_name(target.name + f".{kind}")
    write_output(target, view.exported(kind))
    return target
