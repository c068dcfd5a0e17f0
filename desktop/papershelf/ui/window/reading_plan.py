"""The window's part of the reader's plan: "Up next" in the sidebar, reordering the queue
by drag and drop, where new to-read papers join it (Paper > New To-read Join by
Priority, kept in the library like ``papershelf queue join``), and saving the filter as
a search.

"Up next" is no widget of its own: it is the table, filtered to the to-read papers and
sorted by the Queue column, in which rows can be dragged to reorder the queue.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSignalBlocker, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox, QTableView

from papershelf.core.errors import LibraryError
from papershelf.core.ops import reading
from papershelf.core.ops.changes import Changes
from papershelf.core.store.library import Library
from papershelf.ui.actions import plan_actions
from papershelf.ui.actions.context import PaperContext
from papershelf.ui.panes.facet_tree import FacetTree
from papershelf.ui.table.columns import COLUMN_INDEX
from papershelf.ui.table.model import PaperTableModel

UP_NEXT_FILTER = "status:to-read"


class ReadingPlan(QObject):
    """Connects the sidebar's "Up next", the table's drops and Save Search to the library."""

    def __init__(
        self,
        ctx: PaperContext,
        table: QTableView,
        model: PaperTableModel,
        facets: FacetTree,
        filter_edit: QLineEdit,
    ) -> None:
        super().__init__(table)
        self.ctx = ctx
        self.table = table
        self.model = model
        self.filter_edit = filter_edit
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropOverwriteMode(False)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        facets.upNextClicked.connect(self.show_up_next)
        model.reorderRequested.connect(self.reorder)

    @property
    def library(self) -> Library:
        return self.ctx.library

    def show_up_next(self) -> None:
        """The to-read papers in the queue's order, with the Queue column shown."""
        column = COLUMN_INDEX["queue"]
        self.table.horizontalHeader().setSectionHidden(column, False)
        self.filter_edit.setText(UP_NEXT_FILTER)
        self.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)

    def show_join_setting(self, action: QAction) -> None:
        """Check ``action`` when the library says new to-read papers join by priority."""
        with QSignalBlocker(action):  # showing the setting is not changing it
            action.setChecked(reading.queue_join(self.library) == "priority")

    def set_joins_by_priority(self, on: bool, action: QAction) -> None:
        """Keep in the library where new to-read papers join; a read-only library says
        why and the action shows the setting as it stays."""
        try:
            reading.set_queue_join(self.library, "priority" if on else "end")
        except LibraryError as exc:
            QMessageBox.warning(self.table.window(), "Up Next", str(exc))
            self.show_join_setting(action)

    def reorder(self, ids: list[int], target: int | None) -> None:
        """Dropped rows go before ``target`` in the queue (None: to its end)."""
        operation: Callable[[], Changes] = lambda: reading.move_before(self.library, ids, target)  # noqa: E731
        self.ctx.apply(operation)

    def save_search(self) -> None:
        """Save the filter as a named search (Ctrl+S)."""
        plan_actions.save_search(self.ctx, self.filter_edit.text())
