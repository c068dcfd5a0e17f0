"""The window's keyboard path: Tab goes from pane to pane, never from cell to cell.

Tab and Shift+Tab move between the filter, the table, the sidebar, the details, the
tags box and the note, in the order they are read. Inside the table Tab leaves the
table (a table view's own Tab walks its cells, which moves the current paper and
changes what the panes show); the note editor passes Tab on too. Buttons that have a
shortcut of their own stay out of the path, so Tab reaches only what needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QWidget


def set_tab_path(panes: Sequence[QWidget], shortcut_buttons: Sequence[QAbstractButton]) -> None:
    """Tab visits ``panes`` in order (hidden ones are skipped by Qt)."""
    for pane in panes:
        if isinstance(pane, QAbstractItemView):
            pane.setTabKeyNavigation(False)
    for first, second in pairwise(panes):
        QWidget.setTabOrder(first, second)
    for button in shortcut_buttons:
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
