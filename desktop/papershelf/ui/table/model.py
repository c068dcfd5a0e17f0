"""PaperTableModel: the paper table over SQL, after Anki's browser table.

The model holds only the ordered ids of the current result (a compact array, not one
Python object per paper) and loads the narrow rows of what is on screen in blocks, so
a million-paper library costs a few megabytes. A filter shows its first page at once
(core/first_page.py) and its complete list when the query thread has it.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from papershelf.core.search.first_page import Page, Vocabulary, first_page
from papershelf.core.search.query import CompiledQuery, compile_query
from papershelf.core.store.library import SUMMARY_FIELDS, Library
from papershelf.core.text import latex_to_text
from papershelf.ui.table.query_runner import Job, QueryRunner, ids_job

_F = {name: i for i, name in enumerate(SUMMARY_FIELDS)}
# Rows shown at once: a maximised window on a 4K display shows about 90. Finding
# them costs one full-text test per row for a common word, so no more than needed.
FIRST_PAGE = 120
# Past this the query thread finds the first page, so typing never stalls for long.
FIRST_PAGE_DEADLINE_S = 0.06
THREAD_PAGE_DEADLINE_S = 30.0
# Past the deadline, this many rows found are shown at once (a full-HD screenful).
SCREENFUL = 50
VOCABULARY_START_MS = 1000
VOCABULARY_DELAY_MS = 5000
_BLOCK = 128  # rows fetched per cache miss: a screenful or two
_CACHE_ROWS = 4096

Row = tuple[Any, ...]
AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _authors(row: Row) -> str:
    text = str(row[_F["authors_text"]] or "")
    first, _, rest = text.partition(", ")
    return f"{first} et al." if rest or row[_F["authors_truncated"]] else first


def _score(row: Row) -> str:
    score = row[_F["score"]]
    return "" if score is None else f"{score:g}"


def _day(field: str) -> Callable[[Row], str]:
    return lambda row: str(row[_F[field]] or "")[:10]


def _plain(field: str) -> Callable[[Row], str]:
    return lambda row: str(row[_F[field]] or "")


@lru_cache(maxsize=1)
def _italic() -> QFont:
    font = QFont()  # made on first paint, when the application (and its font) exists
    font.setItalic(True)
    return font


@dataclass(frozen=True)
class Column:
    """One table column: its header, the SQL sort it maps to, and how a row shows in it."""

    name: str
    header: str
    sort: str
    display: Callable[[Row], str]
    hidden_by_default: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", "title", lambda r: latex_to_text(str(r[_F["title"]]))),
    Column("authors", "Authors", "authors", _authors),
    Column("published", "Published", "published", _plain("published")),
    Column("category", "Category", "category", _plain("category")),
    Column("status", "Status", "status", _plain("status")),
    Column("tags", "Tags", "tags", _plain("tags_text")),
    Column("code", "Code", "code", lambda r: "Code" if r[_F["has_code"]] else ""),
    Column("score", "Score", "score", _score),
    Column("key", "Key", "key", _plain("key"), hidden_by_default=True),
    Column("added", "Added", "added", _day("added"), hidden_by_default=True),
    Column("read_at", "Read on", "read_at", _day("read_at"), hidden_by_default=True),
)
COLUMN_INDEX = {c.name: i for i, c in enumerate(COLUMNS)}
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        STATUS_ROLE,
    }
)
_PUBLISHED = COLUMN_INDEX["published"]
_AUTHORS = COLUMN_INDEX["authors"]


class PaperTableModel(QAbstractTableModel):
    """Rows are the ids of the current query's result, in SQL order.

    A query's first page is found on the main thread under a deadline (``first_page``
    does not list the whole result); when the result is longer, or the deadline
    passes, the whole list comes from the QueryRunner's thread and is appended (or
    swapped in) when ready. ``stale`` says the rows shown are still the previous
    query's; ``busy`` says the complete result is still coming; ``resultApplied``
    fires whenever rows are shown.
    """

    resultApplied = Signal()
    queryFailed = Signal(str)

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self.query: CompiledQuery = compile_query("")
        self.sort_column = COLUMN_INDEX["published"]
        self.sort_order = Qt.SortOrder.DescendingOrder
        self.busy = False
        self.stale = False
        self._generation = 0
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_lock = threading.Lock()
        self._vocabulary_wanted = False
        # Edits come in bursts (a tag on a hundred papers); read the terms once after.
        self._vocabulary_timer = QTimer(self, singleShot=True, interval=VOCABULARY_DELAY_MS)
        self._vocabulary_timer.timeout.connect(self.refresh_vocabulary)
        self._ids = array("q")
        self._rows: OrderedDict[int, Row] = OrderedDict()
        self.runner = QueryRunner(library.path, self)
        self.runner.finished.connect(self._finished)
        # After the first rows are painted: reading the terms takes seconds at 1M papers.
        QTimer.singleShot(VOCABULARY_START_MS, self.refresh_vocabulary)

    # ------------------------------------------------------------ the result

    def set_query(self, query: CompiledQuery) -> None:
        """Show the result of ``query`` (the caller has checked it has no error)."""
        self.query = query
        self.reload()

    def reload(self) -> None:
        """Run the current query and sort again, and forget cached rows."""
        self._generation += 1
        query, sort = self.query, COLUMNS[self.sort_column].sort
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        vocabulary = self._vocabulary

        def page(conn: sqlite3.Connection, deadline_s: float, at_least: int = 0) -> Page | None:
            return first_page(
                conn, query, sort, descending, FIRST_PAGE + 1, vocabulary, deadline_s, at_least
            )

        self.runner.cancel("ids")  # a complete list of the last query is no use now
        first = page(self.library.conn, FIRST_PAGE_DEADLINE_S, SCREENFUL)
        if first is not None and not first.cut and len(first.ids) <= FIRST_PAGE:
            self.runner.cancel("page")
            self.busy = False
            self._show(array("q", first.ids))
            return
        self.busy = True
        if first is None:
            self.stale = True
        else:
            self._show(array("q", first.ids[:FIRST_PAGE]))
        if first is None or first.cut:  # the thread finds the page, then the whole list
            self.runner.submit(
                Job("page", self._generation, lambda lib: page(lib.conn, THREAD_PAGE_DEADLINE_S))
            )
        else:
            self.runner.cancel("page")
        self.runner.submit(
            ids_job(
                self._generation,
                lambda library: library.search(query, sort=sort, descending=descending),
            )
        )

    def library_changed(self) -> None:
        """The library was written: run the query again, and soon re-read the terms."""
        self._vocabulary_timer.start()
        self.reload()

    def refresh_vocabulary(self) -> None:
        """Read the full-text index's terms again (after writes), on a thread of its own."""
        with self._vocabulary_lock:
            if self._vocabulary_wanted:
                return  # a read that has not started yet will see the latest writes
            self._vocabulary_wanted = True
        threading.Thread(
            target=self._load_vocabulary, name="papershelf-vocabulary", daemon=True
        ).start()

    def _load_vocabulary(self) -> None:
        with self._vocabulary_lock:
            self._vocabulary_wanted = False
        try:
            conn = sqlite3.connect(self.library.path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                self._vocabulary = Vocabulary.load(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # first pages then leave long prefixes to FTS5: slower, still exact

    def _show(self, ids: array[int]) -> None:
        self.stale = False
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self.endResetModel()
        self.resultApplied.emit()

    def _finished(self, kind: str, generation: int, result: object, error: str) -> None:
        if generation != self._generation:
            return  # superseded while it ran
        if kind == "page":
            if isinstance(result, Page) and not result.cut:
                self._page_found(array("q", result.ids))
            return
        if kind != "ids":
            return
        self.busy = self.stale = False
        if error or not isinstance(result, array):
            self.queryFailed.emit(error or "the query failed")
            return
        shown = len(self._ids)
        if shown and len(result) > shown and result[:shown] == self._ids:
            self._append(result)  # the first page is still right
        else:
            self._show(result)

    def _page_found(self, ids: array[int]) -> None:
        """The query thread's first page: shown, or the start already shown extended."""
        if len(ids) <= FIRST_PAGE:  # the whole result, after all
            self.runner.cancel("ids")
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

    def close(self) -> None:
        """Stop the query thread (the window is closing)."""
        self.runner.stop()

    def paper_id(self, row: int) -> int:
        """The id of the paper shown in ``row``."""
        return int(self._ids[row])

    def row_of(self, paper_id: int) -> int:
        """The row showing ``paper_id``, or -1 when it is not in the result."""
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return -1

    def rows_of(self, ids: Sequence[int]) -> list[int]:
        """The rows showing ``ids`` (those in the result), in table order."""
        if len(ids) <= 16:  # a scan per id beats building a map of the whole result
            rows: Iterable[int] = (self.row_of(i) for i in ids)
        else:
            wanted = set(ids)
            rows = (row for row, i in enumerate(self._ids) if i in wanted)
        return sorted(r for r in rows if r >= 0)

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
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == PAPER_ID_ROLE:
            return int(self._ids[index.row()])
        if role not in _ROLES:
            return None
        row = self._row(index.row())
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
            return COLUMNS[index.column()].display(row) or None if index.column() == 0 else None
        return COLUMNS[index.column()].display(row)

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
        self.sort_column, self.sort_order = column, order
        # A reset, not a layout change: mapping every persistent index of a million-row
        # selection to its new row would cost more than the sort. The window keeps the
        # current paper selected across it.
        self.reload()
