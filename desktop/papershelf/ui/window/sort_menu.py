"""View > Sort By: what a click on a column header does, for the keyboard.

The entries are made each time the menu opens, from the columns shown, so the menu
never offers a hidden column and always ticks the order the table has now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QTableView

from papershelf.ui.mnemonics import with_mnemonics
from papershelf.ui.table.columns import COLUMNS

_ORDERS = (("Ascending", Qt.SortOrder.AscendingOrder), ("Descending", Qt.SortOrder.DescendingOrder))


def fill_sort_menu(menu: QMenu, table: QTableView) -> None:
    """One entry per shown column, then ascending and descending; the current ones ticked."""
    menu.clear()
    header = table.horizontalHeader()
    shown = sorted(
        (i for i in range(len(COLUMNS)) if not header.isSectionHidden(i)),
        key=header.visualIndex,
    )
    section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
    labels = with_mnemonics([COLUMNS[i].header for i in shown] + [name for name, _ in _ORDERS])
    columns = QActionGroup(menu)
    for label, index in zip(labels, shown, strict=False):
        action = menu.addAction(label)
        action.setObjectName(f"sortBy_{COLUMNS[index].name}")
        action.setCheckable(True)
        action.setChecked(index == section)
        action.setActionGroup(columns)
        # Another column keeps the order (ascending or descending) the table has now.
        action.triggered.connect(lambda _=False, i=index: table.sortByColumn(i, order))
    menu.addSeparator()
    orders = QActionGroup(menu)
    for label, (name, value) in zip(labels[len(shown) :], _ORDERS, strict=True):
        action = menu.addAction(label)
        action.setObjectName(f"sort{name}")
        action.setCheckable(True)
        action.setChecked(value == order)
        action.setActionGroup(orders)
        action.triggered.connect(lambda _=False, o=value: table.sortByColumn(section, o))
