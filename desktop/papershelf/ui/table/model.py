"""PaperTableModel: the paper table over SQL, after Anki's browser table.

The model holds only the ordered ids of the current result (a compact array, not one
Python object per paper) and loads the narrow rows of what is on screen in blocks, so
a million-paper library costs a few megabytes. A filter shows its first page at once
(core/first_page.py) and its complete list when the query thread has it.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PRIORITIES
from papershelf.core.ops.changes import QUEUE, Changes
from papershelf.core.search.first_page import Page, first_page
from papershelf.core.search.query import CompiledQuery, compile_query
from papershelf.core.search.vocabulary import Vocabulary
from papershelf.core.store.library import Library
from papershelf.ui.table.columns import COLUMN_INDEX, COLUMNS, Row
from papershelf.ui.table.columns import ROW_FIELD as _F
from papershelf.ui.table.result_rows import first_row, positions, row_in
from papershelf.ui.tasks import BACKGROUND, FIRST, QUERY, TaskContext, TaskManager

# Rows shown at once: a maximised window on a 4K display shows about 90. Finding
# them costs one full-text test per row for a common word, so no more than needed.
FIRST_PAGE = 120
# Past this the query thread finds the first page, so typing never stalls for long.
FIRST_PAGE_DEADLINE_S = 0.06
# A keystroke's first page is found on a thread of its own while the main thread waits
# this long at most, then goes on; the thread's answer is shown when it comes. Most
# pages take a few ms; a longer wait (40 ms) held the main thread for the slow ones and
# then painted, 60-77 ms without an event handled (10 ms: 40-44 ms at 100k).
FIRST_PAGE_WAIT_S = 0.01
THREAD_PAGE_DEADLINE_S = 30.0
# A first page still not found after the wait and expected to take half its deadline
# or more, whose complete list is expected within this, has that list started at once
# beside it: waiting for the page to fail first put the two end to end (a phrase being
# typed at 1M: 60 ms, then its list in 115 ms). A longer list waits, since the query
# thread may find the page well before it; so does a page expected sooner, which the
# list would only slow down (two queries on two cores: `stat` at 100k, 24 -> 42 ms).
EARLY_LIST_S = 0.15
# Past the deadline, this many rows found are shown at once (a full-HD screenful).
SCREENFUL = 50
# The terms spell out long prefixes for the first page; until they are read a common
# prefix ("lear" in a library of machine learning) leaves its first page to the query
# thread (166 ms at 100k). Read soon after the first paint, on the background lane.
VOCABULARY_START_MS = 250
VOCABULARY_DELAY_MS = 5000
_BLOCK = 128  # rows fetched per cache miss: a screenful or two
_CACHE_ROWS = 4096
_MAX_BLOCKS = 64  # changed rows in more runs than this are redrawn as one span
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")

AnyIndex = QModelIndex | QPersistentModelIndex
# (library, deadline_s, at_least, before_the_list, expected) -> the first page
PageFinder = Callable[
    [Library, float, int, bool, Callable[[float, float], None] | None], Page | None
]
_ROOT = QModelIndex()


# What a drag of rows carries: the dragged papers' ids, for reordering the queue.
PAPERS_MIME = "application/x-papershelf-paper-ids"


@lru_cache(maxsize=1)
def _italic() -> QFont:
    font = QFont()  # made on first paint, when the application (and its font) exists
    font.setItalic(True)
    return font


PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        STATUS_ROLE,
        PAPER_ID_ROLE,
    }
)
# What QAbstractTableModel.flags gives a cell (and no index), made once.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_PUBLISHED = COLUMN_INDEX["published"]
_QUEUE = COLUMN_INDEX["queue"]
_PRIORITY_COLUMN = COLUMN_INDEX["priority"]
_AUTHORS = COLUMN_INDEX["authors"]


class PaperTableModel(QAbstractTableModel):
    """Rows are the ids of the current query's result, in SQL order.

    A new query or sort (``reload``) finds its first page under a deadline
    (``first_page`` does not list the whole result) on the first-page lane, which the
    main thread waits for briefly; when the result is longer, or the deadline passes,
    the whole list comes from the task manager's query lane and is appended (or
    swapped in) when ready. ``stale`` says the rows shown are
    still the previous query's; ``busy`` says the complete result is still coming;
    ``resultApplied`` fires whenever rows are shown.

    A write (``apply_changes``, ``library_changed``) changes the rows in place instead:
    the changed papers' rows are redrawn at once, and the query runs again; papers
    that entered or left the result, or moved, are a layout change that carries the
    selection and the current index along (``refreshing`` until it is in).
    """

    resultApplied = Signal()
    queryFailed = Signal(str)
    refreshed = Signal()  # a write's new result is in the table (rows kept, not reset)
    reorderRequested = Signal(list, object)  # dropped paper ids, the paper to go before (or None)
    aboutToSort = Signal()  # the window remembers the selection, to select it again

    def __init__(self, library: Library, tasks: TaskManager, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.query: CompiledQuery = compile_query("")
        self.sort_column = COLUMN_INDEX["published"]
        self.sort_order = Qt.SortOrder.DescendingOrder
        self.busy = False
        self.stale = False
        self.refreshing = False
        self._vocabulary: Vocabulary | None = None
        # Edits come in bursts (a tag on a hundred papers); read the terms once after.
        self._vocabulary_timer = QTimer(self, singleShot=True, interval=VOCABULARY_DELAY_MS)
        self._vocabulary_timer.timeout.connect(self.refresh_vocabulary)
        self._ids = array("q")
        self._rows: OrderedDict[int, Row] = OrderedDict()
        # After the first rows are painted: reading the terms takes seconds at 1M papers.
        QTimer.singleShot(VOCABULARY_START_MS, self.refresh_vocabulary)

    # ------------------------------------------------------------ a new result

    def set_query(self, query: CompiledQuery) -> None:
        """Show the result of ``query`` (the caller has checked it has no error)."""
        self.query = query
        self.reload()

    def _page_finder(self) -> PageFinder:
        """Finds the first page of the current query and sort (as they are now)."""
        query, vocabulary = self.query, self._vocabulary
        sort = COLUMNS[self.sort_column].sort
        descending = self.sort_order == Qt.SortOrder.DescendingOrder

        def find(
            library: Library,
            deadline_s: float,
            at_least: int,
            before_list: bool,
            expected: Callable[[float, float], None] | None,
        ) -> Page | None:
            return first_page(
                library, query, sort, descending, FIRST_PAGE + 1, vocabulary, deadline_s,
                at_least, before_the_list=before_list, expected=expected,
            )  # fmt: skip

        return find

    def _list_ids(self, on_done: Callable[[array[int]], None]) -> None:
        """The complete result, from the query lane."""
        query, sort = self.query, COLUMNS[self.sort_column].sort
        descending = self.sort_order == Qt.SortOrder.DescendingOrder

        def work(context: TaskContext) -> array[int]:
            return array("q", context.library.search(query, sort=sort, descending=descending))

        self.tasks.run(
            "ids", work, lane=QUERY, priority=1, interrupt=True, title="Running the filter",
            on_done=on_done, on_error=self._query_failed,
        )  # fmt: skip

    def reload(self) -> None:
        """Run the current query and sort again, showing its first rows from scratch."""
        self.refreshing = False
        self.tasks.cancel("ids")  # a complete list of the last query is no use now
        self.tasks.cancel("page")
        find = self._page_finder()
        done = threading.Event()
        found: list[Page | None] = []
        expected: list[tuple[float, float]] = []  # (the page, the list), once planned

        def work(context: TaskContext) -> Page | None:
            try:
                page = find(
                    context.library, FIRST_PAGE_DEADLINE_S, SCREENFUL, False,
                    lambda page_s, list_s: expected.append((page_s, list_s)),
                )  # fmt: skip
                found.append(page)
                return page
            finally:
                done.set()

        # Found on the first-page lane: a long FTS5 step is not interrupted by the
        # deadline, and on the main thread it overran it by up to 50 ms. Past the wait,
        # the lane's answer goes on from where it arrives.
        self.tasks.run(
            "first", work, lane=FIRST, interrupt=True, title="Running the filter",
            on_done=lambda page: self._first_found(find, page), on_error=self._query_failed,
        )  # fmt: skip
        arrived = done.wait(FIRST_PAGE_WAIT_S)  # not is_set() after: it may come between
        if arrived and found:
            self.tasks.cancel("first")  # here already: what it delivers is not needed
            self._first_found(find, found[0])
        elif not arrived:
            self.busy = self.stale = True  # the last filter's rows, until it answers
            page_s, list_s = expected[0] if expected else (0.0, float("inf"))
            if page_s >= FIRST_PAGE_DEADLINE_S / 2 and list_s <= EARLY_LIST_S:
                self._list_ids(self._ids_found)
        # else it failed: its delivery says how

    def _first_found(self, find: PageFinder, first: Page | None) -> None:
        """Show the first page found, and have the query lane bring what it lacks."""
        if first is not None and not first.cut and len(first.ids) <= FIRST_PAGE:
            self.tasks.cancel("ids")  # the whole result: a list started early is no use
            self.busy = False
            self._show(array("q", first.ids))
            return
        self.busy = True
        if first is None:
            self.stale = True
        else:
            self._show(array("q", first.ids[:FIRST_PAGE]))
        if self.tasks.pending("ids"):
            return  # the list started beside the page brings the rest
        if first is None or first.cut:  # the lane finds the page, then the whole list

            def page(context: TaskContext) -> Page | None:
                return find(context.library, THREAD_PAGE_DEADLINE_S, 0, True, None)

            self.tasks.run(
                "page", page, lane=QUERY, priority=0, interrupt=True,
                title="Running the filter", on_done=self._page_found, on_error=lambda _: None,
            )  # fmt: skip
        self._list_ids(self._ids_found)

    def _show(self, ids: array[int]) -> None:
        self.stale = False
        self.beginResetModel()
        self._ids = ids  # the cached rows stay: a write forgets those it changed
        self.endResetModel()
        self.resultApplied.emit()

    def _query_failed(self, error: BaseException) -> None:
        self.busy = self.stale = self.refreshing = False
        if isinstance(error, LibraryError):
            self.queryFailed.emit(str(error))
        else:
            self.queryFailed.emit("the filter could not be run")
            self.tasks.report(error, "Filter")

    def _ids_found(self, ids: array[int]) -> None:
        self.tasks.cancel("first")  # a first page arriving after the whole list is no use
        self.busy = self.stale = False
        shown = len(self._ids)
        if shown and len(ids) > shown and ids[:shown] == self._ids:
            self._append(ids)  # the first page is still right
        else:
            self._show(ids)

    def _page_found(self, page: Page | None) -> None:
        """The query lane's first page: shown, or the start already shown extended."""
        if page is None or page.cut:
            return  # the complete list follows
        ids = array("q", page.ids)
        if len(ids) <= FIRST_PAGE:  # the whole result, after all
            self.tasks.cancel("ids")
            self.busy = False
        ids = ids[:FIRST_PAGE]
        shown = len(self._ids)
        if self.stale or ids[:shown] != self._ids:
            self._show(ids)
        elif len(ids) > shown:
            self._append(ids)
        elif not self.busy:
            self.resultApplied.emit()  # nothing more: the count loses its "+"

    def _append(self, ids: array[int]) -> None:
        """Rows after those shown (which ``ids`` starts with), keeping selection and scroll."""
        self.beginInsertRows(QModelIndex(), len(self._ids), len(ids) - 1)
        self._ids = ids
        self.endInsertRows()
        self.resultApplied.emit()

    # ------------------------------------------------------------ after a write

    def apply_changes(self, changes: Changes) -> None:
        """An operation wrote the library: redraw the papers it changed, run the query again."""
        self._vocabulary_timer.start()
        # A paper that moves in the queue (or joins or leaves it) moves others' places.
        self.refresh(None if QUEUE in changes.aspects else changes.papers | changes.deleted)

    def library_changed(self) -> None:
        """Something wrote the library (another process): everything may have changed."""
        self._vocabulary_timer.start()
        self.refresh(None)

    def refresh(self, changed: Collection[int] | None) -> None:
        """Run the query again without a reset; ``changed`` papers (None: all) are redrawn.

        A result that fitted the first page is listed again here, at once; a longer one
        in the query lane, while the table keeps its rows (those changed redrawn).
        """
        if self.busy or self.stale:
            self._forget_rows(changed)
            self.reload()  # a new query is still arriving: there is no place to keep yet
            self.refreshed.emit()
            return
        self._forget_rows(changed)
        self.tasks.cancel("page")
        if len(self._ids) <= FIRST_PAGE:
            first = self._page_finder()(self.library, FIRST_PAGE_DEADLINE_S, 0, False, None)
            if first is not None and not first.cut and len(first.ids) <= FIRST_PAGE:
                self.tasks.cancel("ids")
                self._refreshed(array("q", first.ids))
                return
        self.refreshing = True
        self._list_ids(self._refreshed)

    def _refreshed(self, ids: array[int]) -> None:
        self.refreshing = False
        self._update(ids)
        self.resultApplied.emit()
        self.refreshed.emit()

    def _forget_rows(self, changed: Collection[int] | None) -> None:
        """Drop the cached rows of ``changed`` (None: all) and have the view redraw them."""
        last = len(COLUMNS) - 1
        if changed is None:
            self._rows.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, last))
            return
        for paper_id in changed:
            self._rows.pop(paper_id, None)
        rows = self.rows_of(list(changed))
        if not rows:
            return
        blocks: list[tuple[int, int]] = []
        for row in rows:
            if blocks and row == blocks[-1][1] + 1:
                blocks[-1] = (blocks[-1][0], row)
            else:
                blocks.append((row, row))
        if len(blocks) > _MAX_BLOCKS:  # the view repaints only what it shows anyway
            blocks = [(rows[0], rows[-1])]
        for top, bottom in blocks:
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, last))

    def _update(self, ids: array[int]) -> None:
        """Show ``ids`` in place of the rows shown, moving what the view holds on to.

        Only the selection's, the current index's and the view's own persistent indexes
        move (one per selected row), so this is cheap even at a million rows; a paper
        that left the result loses its index (the window picks the next current one).
        """
        if ids == self._ids:
            return
        # With the hint the selection model keeps one persistent index per selected row,
        # not per cell. PySide6 reaches that overload only by its C++ signature.
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)
        before = self.persistentIndexList()
        old = self._ids
        papers = [int(old[i.row()]) if 0 <= i.row() < len(old) else -1 for i in before]
        where = positions(ids, set(papers))
        self._ids = ids
        after = [
            self.createIndex(where[p], i.column()) if p in where else QModelIndex()
            for p, i in zip(papers, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)

    # ------------------------------------------------------------ search terms

    def refresh_vocabulary(self) -> None:
        """Read the full-text index's terms again (after writes), in the background lane."""

        def ignore_unreadable(error: BaseException) -> None:
            if not isinstance(error, LibraryError):  # first pages just use FTS5's prefixes
                self.tasks.report(error)

        self.tasks.run(
            "vocabulary", lambda context: Vocabulary.load(context.library),
            lane=BACKGROUND, interrupt=True, title="Reading the search terms",
            on_done=self._vocabulary_read, on_error=ignore_unreadable,
        )  # fmt: skip

    def _vocabulary_read(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary

    def close(self) -> None:
        """Stop the model's tasks (the window is closing; it stops the lanes)."""
        self._vocabulary_timer.stop()
        for kind in ("first", "page", "ids", "vocabulary"):
            self.tasks.cancel(kind)

    def result_ids(self) -> array[int]:
        """The papers of every row, in order: a new array for each result, never
        changed once given (another thread may read it)."""
        return self._ids

    def paper_id(self, row: int) -> int:
        """The id of the paper shown in ``row``."""
        return int(self._ids[row])

    def row_of(self, paper_id: int) -> int:
        """The row showing ``paper_id``, or -1 when it is not in the result."""
        return row_in(self._ids, paper_id)

    def first_row_of(self, ids: Sequence[int]) -> int:
        """The row of the first of ``ids``, in their order, that is in the result; -1 if none."""
        return first_row(self._ids, ids)

    def rows_of(self, ids: Sequence[int]) -> list[int]:
        """The rows showing ``ids`` (those in the result), in table order."""
        return sorted(positions(self._ids, set(ids)).values())

    def _row(self, row: int) -> Row | None:
        paper_id = self._ids[row]
        cached = self._rows.get(paper_id)
        if cached is not None:
            return cached
        start = max(0, row - _BLOCK // 4)
        block = self._ids[start : start + _BLOCK]
        self._rows.update(self.library.summary_rows(block))
        while len(self._rows) > _CACHE_ROWS:
            self._rows.popitem(last=False)
        return self._rows.get(paper_id)

    # ------------------------------------------------------------ Qt's model API

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Each painted cell is asked for about five roles, most of them not ours: those
        # are turned away before any call back into Qt (a repaint makes 1,650 calls).
        if role not in _ROLES:
            return None
        at = index.row()
        if not index.isValid() or not 0 <= at < len(self._ids):
            return None
        if role == PAPER_ID_ROLE:
            return int(self._ids[at])
        row = self._row(at)
        if row is None:  # deleted by another writer since the query ran
            return None
        if role == STATUS_ROLE:
            return row[_F["status"]]
        inferred = index.column() == _PUBLISHED and bool(row[_F["date_inferred"]])
        if role == Qt.ItemDataRole.FontRole:
            return _italic() if inferred else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if inferred:
                return "The listing gave no year; it is the year of the first import."
            if index.column() == _AUTHORS:
                return str(row[_F["authors_text"]]) or None
            if index.column() == _PRIORITY_COLUMN:
                return f"Priority: {PRIORITIES[row[_F['priority']] or 0]}"
            return COLUMNS[index.column()].display(row) or None if index.column() == 0 else None
        return COLUMNS[index.column()].display(row)

    # ------------------------------------------------------------ reordering the queue

    def in_queue_order(self) -> bool:
        """Rows are in the queue's own order (sorted by Queue, ascending): they can be
        dragged to reorder it."""
        return self.sort_column == _QUEUE and self.sort_order == Qt.SortOrder.AscendingOrder

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        flags = _CELL_FLAGS  # asked for every cell painted: no call back into Qt
        if self.in_queue_order():
            flags |= Qt.ItemFlag.ItemIsDropEnabled
            if self.data(index, Qt.ItemDataRole.DisplayRole) is not None:
                flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PAPERS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(
            PAPERS_MIME, QByteArray(",".join(str(self.paper_id(r)) for r in rows).encode())
        )
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return self.in_queue_order() and data.hasFormat(PAPERS_MIME)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        """Rows dropped between rows (or on one: before it) ask to move there in the queue.

        The model moves nothing itself: the window applies the operation, and the rows
        follow when the query runs again.
        """
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        text = bytes(data.data(PAPERS_MIME).data()).decode()
        ids = [int(part) for part in text.split(",") if part.isdigit()]
        if row < 0 and parent.isValid():
            row = parent.row()
        target = self.paper_id(row) if 0 <= row < len(self._ids) else None
        if not ids or target in ids:
            return False
        self.reorderRequested.emit(ids, target)
        return False  # nothing for the view to remove: the rows move when the query reruns

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section].header
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if (column, order) == (self.sort_column, self.sort_order) and self._ids:
            return
        # A reset to the new first page, not a layout change: a sort at a million papers
        # takes the query lane a second, and the first rows show in milliseconds. The
        # window selects what was selected again as the rows arrive.
        self.aboutToSort.emit()
        self.sort_column, self.sort_order = column, order
        self.reload()
