"""TablePlace: where the reader is in the paper table, kept across new results.

A new filter keeps the current paper when its result has it (and brings it back when a
later filter shows it again); a sort keeps the whole selection; a write keeps the
selection and the scroll position (the model moves them with a layout change), and
when the current paper left the result the next one still shown becomes current
(triage: mark read, read the next); a paper just added is shown, clearing a filter that
hides it; a restart opens on the paper that was current. Results arrive in steps (a
first page, then the complete list from the query lane), so what is wanted waits
until the rows that hold it are in, unless the reader moves first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSettings
from PySide6.QtWidgets import QTableView

from papershelf.ui.table.columns import COLUMNS
from papershelf.ui.table.model import PaperTableModel

SUCCESSORS = 256  # papers after (and before) the current one that may take its place


@dataclass
class Wanted:
    """Papers to select once the rows they are in arrive."""

    selected: list[int]
    current: int | None
    scrolled: bool = False
    reveal: bool = False  # clear the filter if the complete result lacks it


class TablePlace:
    """Selects what the reader had selected again as results arrive."""

    def __init__(
        self, table: QTableView, model: PaperTableModel, clear_filter: Callable[[], bool]
    ) -> None:
        self.table = table
        self.model = model
        self._clear_filter = clear_filter  # True when there was a filter to clear
        self.wanted: Wanted | None = None
        self._selecting = False  # the window, not the reader, is moving the selection
        # Where the reader was when a write started: the current paper and those that
        # may take its place when it leaves the result.
        self._before_write: tuple[int, list[int]] | None = None
        # A reset took the rows away and no result has been matched against what is
        # wanted since.
        self._unmatched = False
        model.modelAboutToBeReset.connect(self._rows_leaving)
        selection = table.selectionModel()
        selection.currentRowChanged.connect(self._reader_moved)
        selection.selectionChanged.connect(self._reader_moved)
        model.aboutToSort.connect(self._keep_selection)

    # ------------------------------------------------------------ reading the table

    def current_paper_id(self) -> int | None:
        """The paper under the table's cursor, if any."""
        index = self.table.currentIndex()
        return self.model.paper_id(index.row()) if index.isValid() else None

    def awaits(self, paper_id: int | None) -> bool:
        """Whether ``paper_id`` is wanted back and the result still coming may hold it."""
        wanted = self.wanted
        return (
            paper_id is not None
            and wanted is not None
            and wanted.current == paper_id
            and (self._unmatched or self.model.stale or self.model.busy or self.model.refreshing)
        )

    def _rows_leaving(self) -> None:
        self._unmatched = True

    def selected_paper_ids(self) -> list[int]:
        """The ids of the selected rows, in table order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.paper_id(r) for r in rows]

    # ------------------------------------------------------------ new results

    def new_filter(self, current: int | None) -> None:
        """A filter is about to run: keep ``current`` (else the last paper wanted)."""
        self._before_write = None
        if current is not None and not (self.wanted is not None and self.wanted.reveal):
            self.wanted = Wanted([current], current)

    def show(self, paper_id: int) -> None:
        """Select ``paper_id`` when it is in the complete result; else clear the filter."""
        self.wanted = Wanted([paper_id], paper_id, reveal=True)
        self.result_applied()

    def remember_at_start(self, state: QSettings, library: Path) -> None:
        """Want the paper that was current when this library's window last closed."""
        value = state.value(_place_key(library))
        if value is None and state.value("currentLibrary") == str(library.resolve()):
            value = state.value("currentPaper")  # saved before places were per library
        try:
            paper_id = int(str(value))
        except ValueError:
            return
        self.wanted = Wanted([paper_id], paper_id)
        self.result_applied()

    def save(self, state: QSettings, library: Path) -> None:
        """Remember the current paper for the next start, for this library alone (each
        library's window opens on its own paper, whichever closed last)."""
        current = self.current_paper_id()
        if current is not None:
            state.setValue(_place_key(library), current)

    def result_applied(self) -> None:
        """Rows arrived: select what is wanted if they hold it."""
        wanted = self.wanted
        if wanted is None or self.model.stale:
            return
        self._unmatched = False
        found = self._select_wanted(wanted)
        complete = not (self.model.busy or self.model.refreshing)
        if found and complete:
            self.wanted = None
        elif not found and complete and wanted.reveal:
            wanted.reveal = not self._clear_filter()  # runs a filter, which selects it

    def _keep_selection(self) -> None:
        """A sort is starting: select the same papers as their rows arrive."""
        self.wanted = Wanted(self.selected_paper_ids(), self.current_paper_id())

    def _select_wanted(self, wanted: Wanted) -> bool:
        if wanted.current is None:
            return True
        row = self.model.row_of(wanted.current)
        if row < 0:
            return False  # not in the rows shown yet: maybe in the complete result
        self.select_rows(self.model.rows_of(wanted.selected), row)
        if not wanted.scrolled:  # once: the reader may scroll while the rest arrives
            wanted.scrolled = True
            self.table.scrollTo(self.model.index(row, 0))
        return True

    def _reader_moved(self) -> None:
        if not self._selecting:
            self.wanted = None  # the reader chose: what was selected before is history

    def select_rows(self, rows: list[int], current_row: int) -> None:
        """Select ``rows`` with the cursor on ``current_row``."""
        selection = QItemSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, len(COLUMNS) - 1))
        model = self.table.selectionModel()
        self._selecting = True
        try:
            model.setCurrentIndex(
                self.model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
            model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._selecting = False

    # ------------------------------------------------------------ writes

    def before_write(self) -> None:
        """A write is about to refresh the table: note who may follow the current paper."""
        index = self.table.currentIndex()
        if not index.isValid():
            self._before_write = None
            return
        row, count = index.row(), self.model.rowCount()
        after = range(row + 1, min(count, row + 1 + SUCCESSORS))
        before = range(row - 1, max(-1, row - 1 - SUCCESSORS), -1)
        self._before_write = (
            self.model.paper_id(row),
            [self.model.paper_id(r) for r in (*after, *before)],
        )

    def after_write(self) -> None:
        """The write's result is in: a current paper that left gives way to the next one."""
        place, self._before_write = self._before_write, None
        if self.table.currentIndex().isValid() or place is None:
            return
        current, successors = place
        row = self.model.first_row_of([current, *successors])
        if row >= 0:
            self.select_rows(self.model.rows_of(self.selected_paper_ids()) or [row], row)


def _place_key(library: Path) -> str:
    """The settings key of a library's current paper (a hash: paths hold "/" and ":")."""
    digest = hashlib.sha256(str(library.resolve()).encode()).hexdigest()[:16]
    return f"currentPaper/{digest}"
