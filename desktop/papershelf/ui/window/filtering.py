"""The filter box and what follows it: the table's query, the count in the status
bar, the error beside the box, and the sidebar's counts (at once for a small library,
in the counts lane for a large one). A mixin of MainWindow.

The filter text is the one source of truth for what the table shows; the sidebar and
author links only edit it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent

from papershelf.core.errors import LibraryError
from papershelf.core.plural import plural
from papershelf.core.search.facets import Facet, matches_everything, worth_estimating
from papershelf.core.search.filter_text import toggle_term
from papershelf.core.store import sources
from papershelf.ui.tasks import COUNTS
from papershelf.ui.window.following import sidebar_counts

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QTableView

    from papershelf.core.store.library import Library
    from papershelf.ui.panes.facet_tree import FacetTree
    from papershelf.ui.table.model import PaperTableModel
    from papershelf.ui.table.place import TablePlace
    from papershelf.ui.tasks import TaskContext, TaskManager

    _Window = QMainWindow
else:
    _Window = object

_SYNC_FACETS_LIMIT = 5_000  # above this, counting would stall typing: use a thread
# The count says "Searching" only for a result this late: most come within a few ms of
# the key, and saying so at every key made the count flicker.
SEARCHING_AFTER_MS = 150


class Filtering(_Window):
    """The filter box, the count of what it shows, and the sidebar's counts."""

    library: Library
    tasks: TaskManager
    model: PaperTableModel
    place: TablePlace
    facets: FacetTree
    filter_edit: QLineEdit
    filter_error: QLabel
    count_label: QLabel
    _facet_timer: QTimer
    _searching_timer: QTimer
    _total: int
    _author_limit: int
    # What the last counts were asked for: the whole library's, begun at start before the
    # result is complete, go on when it comes (begun again, they took 1 s more at 1M).
    _facets_for: tuple[object, ...] | None = None

    if TYPE_CHECKING:
        table: QTableView

        def _follow_table(self) -> None: ...
        def select_first_if_none(self) -> None: ...

    def focus_filter(self) -> None:
        """Ctrl+F: put the cursor in the filter box with its text selected."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def clear_filter(self) -> None:
        """Show the whole library again."""
        self.filter_edit.clear()

    def _clear_filter_if_any(self) -> bool:
        if not self.filter_edit.text():
            return False
        self.clear_filter()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.key() == Qt.Key.Key_Escape:
                self.clear_filter()
                return True
            if event.key() == Qt.Key.Key_Down and not event.modifiers():
                # From the filter to what it found, as in a mail search (Tab goes too),
                # the first paper selected when none is current: the table's own focus
                # would make it current unselected, and the paper actions act on the
                # selection.
                self.select_first_if_none()
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def toggle_filter_term(self, token: str, exclude: bool) -> None:
        """Add ``token`` to the filter text, or remove it when it is there."""
        self.filter_edit.setText(toggle_term(self.filter_edit.text(), token, exclude=exclude))

    def set_filter(self, text: str) -> None:
        """Show the papers ``text`` matches (Help > Query Language's examples)."""
        self.filter_edit.setText(text)

    def _apply_filter(self) -> None:
        query = self.library.compile(self.filter_edit.text())
        if query.error:
            self._show_filter_error(query.error)
            return
        current = self.place.current_paper_id()
        self._facet_timer.stop()  # counts for a result the reader has moved past are wasted
        self.tasks.cancel("facet_estimate")
        self.tasks.cancel("facets")
        self.place.new_filter(current)
        try:
            self.model.set_query(query)
        except (LibraryError, sqlite3.Error) as exc:
            self._show_filter_error(f"cannot run this filter: {exc}")
            return
        self.filter_error.hide()
        self._result_applied()

    def _result_applied(self) -> None:
        """A (first or complete) result is in the table: count it, keep the reader's place."""
        self._update_count()
        self.place.result_applied()
        if not self.model.busy:
            self._follow_table()  # the complete result may lack the paper the panes show
            self._facet_timer.start()

    def _show_filter_error(self, message: str) -> None:
        self.filter_error.setText(message)
        self.filter_error.setToolTip("The table still shows the last filter that worked.")
        self.filter_error.show()

    def _update_count(self) -> None:
        if self.model.stale:  # the last filter's rows, with their count, a moment longer
            if not self._searching_timer.isActive():  # not put off by every key typed
                self._searching_timer.start(SEARCHING_AFTER_MS)
            return
        self._searching_timer.stop()
        more = "+" if self.model.busy else ""
        self.count_label.setText(
            f"{self.model.rowCount():,}{more} of {plural(self._total, 'paper')}"
        )

    def _say_searching(self) -> None:
        if self.model.stale:  # the rows are the last filter's: their count would mislead
            self.count_label.setText(f"Searching {plural(self._total, 'paper')}…")

    def recount_facets(self) -> None:
        """Count the sidebar for the current result: a small library at once, a large one
        in the counts lane, which neither typing nor the main thread waits for. A result
        whose exact counts read many papers (seconds at a million) is first counted from
        a sample: estimates, shown as such, until the exact counts arrive."""
        if self._total <= _SYNC_FACETS_LIMIT:
            self.refresh_facets()
            return
        query, limit = self.model.query, self._author_limit + 1
        result = None if self.model.busy else self.model.result_ids()  # complete: exact
        counting = (query.where, query.params, limit, self.library.content_version())
        same = matches_everything(query) and self._facets_for == counting
        if same and self.tasks.pending("facets"):
            return  # begun before the result came, which does not change these counts
        self._facets_for = counting

        def keep_old_counts(error: BaseException) -> None:
            if not isinstance(error, LibraryError):  # the sidebar keeps its last counts
                self.tasks.report(error)

        def estimate(context: TaskContext) -> dict[str, list[Facet]]:
            return sidebar_counts(context.library, query, limit, result, estimate=True)

        def exact(groups: dict[str, list[Facet]]) -> None:
            self.tasks.cancel("facet_estimate")  # should it still be to come: no use now
            self._populate_facets(groups)

        if result is not None and worth_estimating(query, len(result), self._total):
            self.tasks.run(
                "facet_estimate", estimate,
                lane=COUNTS, interrupt=True, priority=0, title="Counting the sidebar",
                on_done=self._populate_facets, on_error=keep_old_counts,
            )  # fmt: skip
        self.tasks.run(
            "facets", lambda context: sidebar_counts(context.library, query, limit, result),
            lane=COUNTS, interrupt=True, priority=1, title="Counting the sidebar",
            on_done=exact, on_error=keep_old_counts,
        )  # fmt: skip

    def refresh_facets(self) -> None:
        """Recount the sidebar for the current result, now, on this thread (a screenshot,
        a check): the window itself recounts with ``recount_facets``."""
        limit = self._author_limit + 1
        self._populate_facets(sidebar_counts(self.library, self.model.query, limit))

    def _populate_facets(self, groups: dict[str, list[Facet]]) -> None:
        authors = groups["Authors"]
        more = len(authors) > self._author_limit
        groups["Authors"] = authors[: self._author_limit]
        self.facets.populate(
            groups,
            self.filter_edit.text(),
            sources.listing_header(self.library),
            sources.listing_papers(self.library),
            more,
        )

    def _more_authors(self) -> None:
        self._author_limit += 200
        self.recount_facets()
