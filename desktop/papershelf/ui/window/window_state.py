"""The window's state across starts: geometry, dock and splitter layout, columns, the
reader's place. Kept in the window's own settings file (the library holds the reader's
data). A mixin of MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from papershelf.ui.window.layout import place_window

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

    from papershelf.core.store.library import Library
    from papershelf.ui.actions.registry import Actions
    from papershelf.ui.panes.details import DetailsPane
    from papershelf.ui.panes.facet_tree import FacetTree
    from papershelf.ui.table.column_fit import ColumnFitter
    from papershelf.ui.table.model import PaperTableModel
    from papershelf.ui.table.place import TablePlace

    _Window = QMainWindow
else:
    _Window = object


def settings() -> QSettings:
    """The window's own settings (geometry, columns); the library holds the reader's data."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Papershelf", "window")


class WindowState(_Window):
    """Saving the window's layout and restoring it at the next start."""

    library: Library
    model: PaperTableModel
    place: TablePlace
    table: QTableView
    column_fitter: ColumnFitter
    splitter: QSplitter
    side_splitter: QSplitter
    facets: FacetTree
    details: DetailsPane
    named_actions: Actions

    def _restore_state(self) -> None:
        state = settings()
        place_window(self, state.value("geometry"))  # inside the screen, whatever was saved
        for key, restore in (
            ("windowState", self.restoreState),
            ("splitter", self.splitter.restoreState),
            ("sideSplitter", self.side_splitter.restoreState),
            ("header", self.table.horizontalHeader().restoreState),
        ):
            value = state.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        header = self.table.horizontalHeader()
        self.column_fitter.restore(state)
        self.model.sort_column = header.sortIndicatorSection()
        self.model.sort_order = header.sortIndicatorOrder()
        self.named_actions["actionShowSidebar"].setChecked(not self.facets.isHidden())
        self.named_actions["actionShowDetails"].setChecked(not self.details.isHidden())

    def save_state(self) -> None:
        """Remember geometry, splitters and columns for the next start."""
        state = settings()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("windowState", self.saveState())
        state.setValue("splitter", self.splitter.saveState())
        state.setValue("sideSplitter", self.side_splitter.saveState())
        state.setValue("header", self.table.horizontalHeader().saveState())
        self.column_fitter.save(state)
        self.place.save(state, self.library.path)  # opened again on the paper being read
        state.sync()
