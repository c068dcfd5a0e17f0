"""MainWindow: filter box, facet sidebar, paper table and details pane.

The window builds its widgets and parts and keeps the panes on the table's current
paper; its parts live beside it: the filter and the sidebar's counts (``filtering``),
the commands other parts carry out (``commands``), the layout across starts
(``window_state``), files, following, capture, exchange, the reading plan, backups.
The filter text is the one source of truth for what the table shows; the sidebar and
author links only edit it. The window keeps the reader's place (current paper, sort,
columns, splitters) across filters and restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.errors import LibraryError
from papershelf.core.ops.changes import PAPERS, Changes
from papershelf.core.safety import backup
from papershelf.core.search.facets import quote_value
from papershelf.core.store import saved
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.ui.actions import registry
from papershelf.ui.actions.paper_actions import PaperActions
from papershelf.ui.panes.details import DetailsPane
from papershelf.ui.panes.facet_tree import FacetTree
from papershelf.ui.panes.note_editor import NotePanel
from papershelf.ui.panes.triage import TriageView
from papershelf.ui.single_instance import InstanceServer
from papershelf.ui.table.column_fit import ColumnFitter
from papershelf.ui.table.columns import COLUMN_INDEX, COLUMNS
from papershelf.ui.table.model import PaperTableModel
from papershelf.ui.table.place import TablePlace
from papershelf.ui.table.status_delegate import StatusDelegate
from papershelf.ui.table.view import PaperTableView
from papershelf.ui.tasks import TaskManager, fail_fast_writes
from papershelf.ui.themed import error_label
from papershelf.ui.undo import UndoStack
from papershelf.ui.window import libraries
from papershelf.ui.window.backups import BackupScheduler
from papershelf.ui.window.commands import DelegatedCommands
from papershelf.ui.window.files import PaperFiles
from papershelf.ui.window.filtering import Filtering
from papershelf.ui.window.following import Following
from papershelf.ui.window.keyboard import set_tab_path
from papershelf.ui.window.layout import (
    MainSplitter,
    PlaceholderFitter,
    ReadingSplitter,
)
from papershelf.ui.window.menus import WindowMenus
from papershelf.ui.window.outside_writes import OutsideWrites
from papershelf.ui.window.reading_plan import ReadingPlan
from papershelf.ui.window.statistics import StatisticsWindow
from papershelf.ui.window.window_state import WindowState, settings

if TYPE_CHECKING:  # made on first use: their imports are not paid at start
    from papershelf.ui.window.capture import Capture
    from papershelf.ui.window.downloads import PdfDownloads
    from papershelf.ui.window.exchange import Exchange

# Facets, and the filter's words marked in the details pane, follow once typing pauses;
# the table follows every key.
_FACET_DELAY_MS = 120
_WATCH_MS = 700  # outside changes show within a second
# Hints in the filter and tag boxes, longest first: the longest that fits is shown.
FILTER_HINTS = (
    'Filter: words, "a phrase", author:, tag:, status:, cat:, year:2021..2023, has:code',
    'Filter: words, "a phrase", author:, tag:, status:, year:2021..2023',
    "Filter: words, author:, tag:, status:, year:…",
    "Filter (Ctrl+F)",
)
TAG_HINTS = (
    "Add tags to the selection: theory, to-cite…  (Enter)",
    "Add tags: theory, to-cite…",
    "Add tags…",
)


class MainWindow(DelegatedCommands, Filtering, WindowState, QMainWindow):
    """The reader's window on one library, assembled from its parts."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.setObjectName("mainWindow")
        self.setWindowTitle(libraries.title(library.path))
        self.setWindowFilePath(str(library.path))
        self._author_limit = 50
        self.recovered: str | None = None  # set when the library came back from a backup
        self._total = library.kept_count()
        # All work off the main thread: queries, counts, terms, backups, imports, exports.
        self.tasks = TaskManager(library.path, self)
        fail_fast_writes(library)  # an import holds the write lock: never wait 5 s for it
        self._build_widgets()
        self.statistics = StatisticsWindow(self, self.tasks)
        self._build_actions()
        self.setAcceptDrops(True)  # drop .bib files or seed documents to import them
        self._restore_state()
        self._facet_timer = QTimer(self, singleShot=True, interval=_FACET_DELAY_MS)
        self._facet_timer.timeout.connect(self.recount_facets)
        self._searching_timer = QTimer(self, singleShot=True)
        self._searching_timer.timeout.connect(self._say_searching)
        # Not at every key: the paper drawn again costs 2-3 ms, and the pane flickers.
        self._facet_timer.timeout.connect(lambda: self.details.mark_words(self.model.query.words))
        self.model.resultApplied.connect(self._result_applied)
        self.model.queryFailed.connect(self._show_filter_error)
        self.model.refreshed.connect(self._refreshed)
        # The reader's place in the table (selection, cursor) across results and restarts.
        self.place = TablePlace(self.table, self.model, self._clear_filter_if_any)
        # The paper the details, note and tag panes show: always the table's current one.
        self._current_paper: int | None = None
        # A reset (new filter, sort) clears the table's current index without a
        # currentRowChanged signal: the panes must follow it there too.
        self.model.modelReset.connect(self._follow_table)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self._apply_filter()
        if self.model.rowCount():
            self.table.selectRow(0)  # open on a paper to read, not an empty pane
        self.place.remember_at_start(settings(), library.path)
        self.recount_facets()
        # Another process (the command line, a second window) may write the library.
        self.outside_writes = OutsideWrites(library)
        self._watch_timer = QTimer(self, interval=_WATCH_MS)
        self._watch_timer.timeout.connect(self._check_outside_changes)
        self._watch_timer.start()
        self.instance_server = InstanceServer(library.path, self)
        self.instance_server.raiseRequested.connect(self.bring_to_front)
        libraries.opened(self, library.path)
        self.backups = BackupScheduler(library.path, self.tasks, self)
        self.backups.finished.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.files.at_start()

    # ------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self.filter_edit = QLineEdit(objectName="filterEdit")
        PlaceholderFitter(self.filter_edit, FILTER_HINTS)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.installEventFilter(self)  # Esc clears it: a line edit eats Esc shortcuts
        self.filter_error = error_label("filterError")
        self.filter_error.hide()

        self.model = PaperTableModel(self.library, self.tasks, self)
        self.table = PaperTableView(objectName="paperTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegateForColumn(COLUMN_INDEX["status"], StatusDelegate(self.table))
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(rows.ResizeMode.Fixed)  # never measure a million rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, column.width)
        for index, column in enumerate(COLUMNS):
            header.setSectionHidden(index, column.hidden_by_default)
        header.setSortIndicator(COLUMN_INDEX["published"], Qt.SortOrder.DescendingOrder)
        self.column_fitter = ColumnFitter(self.table)  # widths by content, title widest
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)

        self.facets = FacetTree()
        self.facets.termClicked.connect(self.toggle_filter_term)
        self.facets.moreAuthorsRequested.connect(self._more_authors)
        self.details = DetailsPane()
        self.details.authorClicked.connect(
            lambda name: self.toggle_filter_term(f"author:{quote_value(name)}", False)
        )

        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(6, 6, 6, 2)
        top_layout.addWidget(self.filter_edit, 1)
        top_layout.addWidget(self.filter_error)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(top)
        centre_layout.addWidget(self.table, 1)

        # The table gets the width first; the side panes give way (ui/window/layout.py).
        self.splitter = MainSplitter("mainSplitter", (230, 0, 350))
        self.splitter.addWidget(self.facets)
        self.splitter.addWidget(centre)
        self.notes = NotePanel(self.library)
        self.notes.saved.connect(lambda _id: self._facet_timer.start())
        self.tag_edit = QLineEdit(objectName="tagEdit")
        PlaceholderFitter(self.tag_edit, TAG_HINTS)
        self.tag_edit.returnPressed.connect(self._add_typed_tags)
        self.tag_completer = QCompleter(self.library.all_tags(), self.tag_edit)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_edit.setCompleter(self.tag_completer)
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 4, 0, 0)
        reading_layout.setSpacing(2)
        tag_row = QHBoxLayout()
        tag_row.setContentsMargins(6, 0, 6, 0)
        tag_row.addWidget(QLabel("<b>Tags</b>"))
        tag_row.addWidget(self.tag_edit, 1)
        reading_layout.addLayout(tag_row)
        reading_layout.addWidget(self.notes, 1)
        self.side_splitter = ReadingSplitter("sideSplitter", (0, 300))
        self.side_splitter.addWidget(self.details)
        self.side_splitter.addWidget(reading)
        self.side_splitter.setSizes([480, 300])
        self.side_splitter.setStretchFactor(0, 1)
        self.splitter.addWidget(self.side_splitter)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)  # the table never vanishes behind a pane
        self.splitter.setSizes([230, 820, 350])
        self.pages = QStackedWidget(objectName="mainPages")  # the library, or triage
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

        self.count_label = QLabel(objectName="countLabel")
        self.statusBar().addPermanentWidget(self.count_label)

    # Parts a start never needs, made (and their modules imported) on first use: the
    # cold start to the first rows is budgeted at 0.8 s.

    @cached_property
    def exchange(self) -> Exchange:
        from papershelf.ui.window.exchange import Exchange

        return Exchange(self)

    @cached_property
    def capture(self) -> Capture:
        from papershelf.ui.window.capture import Capture

        return Capture(self)

    @cached_property
    def downloads(self) -> PdfDownloads:
        from papershelf.ui.window.downloads import PdfDownloads

        return PdfDownloads(self)

    # ------------------------------------------------------------ actions and undo

    def _build_actions(self) -> None:
        """The registry's actions, the menus made of them, and the undo history."""
        self.undo_stack = UndoStack(self)
        self.undo_stack.changed.connect(self._changes_applied)
        self.undo_stack.failed.connect(self._change_failed)
        self.named_actions = registry.build(self, self)  # by objectName
        self.undo_stack.bind(self.named_actions["actionUndo"], self.named_actions["actionRedo"])
        self.paper_actions = PaperActions(self, self.undo_stack)
        self.menus = WindowMenus(
            self, self.named_actions, self.paper_actions, self.table, self.facets
        )
        self.menus.build()
        self.details.statusClicked.connect(self.paper_actions.set_status)
        self.plan = ReadingPlan(self, self.table, self.model, self.facets, self.filter_edit)
        self.files = PaperFiles(self, self.table, settings)
        self.details.attachmentClicked.connect(self.files.open_attachment)
        self.named_actions["actionMarkReadingOnOpen"].setChecked(self.files.mark_reading)
        self.plan.show_join_setting(self.named_actions["actionQueueByPriority"])
        preview = self.named_actions["actionToggleNotePreview"]
        self.notes.preview_button.toggled.connect(preview.setChecked)
        set_tab_path(
            [self.filter_edit, self.table, self.facets, self.details, self.tag_edit,
             self.notes.editor],
            [self.notes.preview_button],
        )  # fmt: skip
        self.named_actions.update_enabled(0)
        self._build_appearance()
        self.following = Following(self, self.pages)
        self.details.followAuthorRequested.connect(self.following.follow_author)

    def apply(self, operation: Callable[[], Changes]) -> Changes | None:
        """Run an operation on the library and keep it on the undo history."""
        return self.undo_stack.apply(operation)

    def _changes_applied(self, changes: Changes) -> None:
        self.apply_changes(changes)
        if self.pages.currentWidget() is self.following.triage:
            self.following.triage.refresh()  # Ctrl+Z in triage: the view follows

    def _change_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Papershelf", message)
        self.library_changed()

    def dialog_parent(self) -> QWidget:
        return self

    # ------------------------------------------------------------ libraries

    def open_library_window(self, path: Path, seed: bool) -> None:
        """File > New/Open Library: the library in a window of its own (see libraries.py)."""
        libraries.open_window(
            path, seed=seed, make=MainWindow, parent=self, backups_running=self.backups.running
        )

    # ------------------------------------------------------------ selection

    def current_paper_id(self) -> int | None:
        """The paper the reader looks at: triage's while it shows, else the table's current."""
        shown = self.pages.currentWidget()
        if isinstance(shown, TriageView):
            return shown.current_paper_id()
        return self.place.current_paper_id()

    def selected_paper_ids(self) -> list[int]:
        """The ids of the selected rows, in table order (triage's paper while it shows)."""
        shown = self.pages.currentWidget()
        if isinstance(shown, TriageView):
            paper_id = shown.current_paper_id()
            return [] if paper_id is None else [paper_id]
        return self.place.selected_paper_ids()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._follow_table()

    def _follow_table(self) -> None:
        """Give the reading panes to the table's current paper (none: empty, read-only)."""
        paper_id = self.place.current_paper_id()
        if paper_id is None and self.place.awaits(self._current_paper):
            return  # a new result is coming in: the panes wait for their paper's row
        if paper_id != self._current_paper:
            self._current_paper = paper_id
            self.notes.set_paper(paper_id)
            self._show_details(paper_id)
        self.selection_changed()

    def _show_details(self, paper_id: int | None) -> None:
        if paper_id is None:
            self.details.show_empty(0)
            return
        self.details.show_paper(self.library.paper(paper_id), self.model.query.words)

    def selection_changed(self) -> None:
        """The actions on papers follow how many rows are selected."""
        count = len(self.table.selectionModel().selectedRows())
        self.statusBar().showMessage(f"{count:,} selected" if count > 1 else "")
        self.named_actions.update_enabled(count)
        self.tag_edit.setEnabled(count > 0)

    def select_first_if_none(self) -> None:
        """Make the first row current when no paper is, nor is one on its way back in
        a result still coming."""
        if (
            self.place.current_paper_id() is None
            and not self.place.awaits(self._current_paper)
            and self.model.rowCount()
            and not self.model.stale
        ):
            self.table.selectRow(0)

    def show_paper(self, paper_id: int) -> None:
        """Select ``paper_id`` (one just added, say), clearing the filter when it hides the
        paper; when a refresh is still listing the result, once it is in."""
        self.place.show(paper_id)

    # ------------------------------------------------------------ after writes

    def apply_changes(self, changes: Changes) -> None:
        """After an operation: redraw the papers it changed, keeping the reader's place.

        Papers that left the result (or entered it, or moved) move without a reset:
        the selection and the scroll position stay, and when the current paper left,
        the next one still shown becomes current (triage: mark read, read the next).
        """
        if not changes.empty:
            self._refresh(changes)

    def library_changed(self) -> None:
        """After a write this window did not describe (another process, an import):
        the same as ``apply_changes``, with every paper possibly changed."""
        # This covers every write so far, another process's too: the watcher need not.
        self.outside_writes.seen()
        self._refresh(None)
        self.notes.reload_if_unchanged()
        self.plan.show_join_setting(self.named_actions["actionQueueByPriority"])  # the CLI's

    def _refresh(self, changes: Changes | None) -> None:
        self.statistics.library_changed()
        if changes is None or changes.deleted or PAPERS in changes.aspects:
            self._total = self.library.kept_count()
        self.place.before_write()
        if changes is None:
            self.model.library_changed()
        else:
            self.model.apply_changes(changes)
        self.tag_completer.setModel(QStringListModel(self.library.all_tags(), self.tag_completer))
        self._facet_timer.start()

    def _refreshed(self) -> None:
        """A write's result is in the table: a current paper that left gives way to the
        next one shown; the panes, count and sidebar follow."""
        self.place.after_write()
        self._follow_table()
        self._show_details(self._current_paper)  # its fields may be what changed
        self._update_count()

    def restore_from_backup(self) -> None:
        """Choose a backup, then reopen the library from it in a new window."""
        choices = self.backups.choices()
        if not choices:
            QMessageBox.information(self, "Restore from Backup", "There are no backups yet.")
            return
        labels = [f"{b.label}  ({b.size / 1e6:.1f} MB)" for b in choices]
        label, ok = QInputDialog.getItem(
            self, "Restore from Backup", "Replace the library with the backup of:", labels, 0, False
        )
        if not ok:
            return
        chosen = choices[labels.index(label)]
        self.notes.save()
        path = self.library.path
        self._release_library()
        try:
            kept = backup.restore(path, chosen.path)
        except LibraryError as exc:
            QMessageBox.warning(self, "Restore from Backup", f"Nothing was changed: {exc}")
            kept = None
        replacement = MainWindow(open_library(path))
        replacement.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.backups.running:
            replacement.backups.start()
        replacement.show()
        if kept is not None:
            replacement.statusBar().showMessage(
                f"Restored the backup of {chosen.label}; the replaced library is kept as "
                f"{kept.name}",
                15000,
            )
        self.close()

    def _release_library(self) -> None:
        """Let go of every connection to the file (restoring needs it to ourselves)."""
        self.notes.detach()
        if self._follows_appearance:  # released once: a restore, then the close
            self.appearance.changed.disconnect(self.recount_facets)
            self._follows_appearance = False
        self.following.stop()
        self._watch_timer.stop()
        self._facet_timer.stop()
        self.instance_server.close()
        libraries.closed(self.library.path)
        self.model.close()
        self.tasks.stop()  # after it, nothing a task found reaches this window
        self.library.close()

    def bring_to_front(self) -> None:
        """Another launch on this library asked for this window."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _check_outside_changes(self) -> None:
        if self.outside_writes.to_take_in(self._reads_pdf_text):
            self.library_changed()

    def _reads_pdf_text(self) -> bool:
        """The filter, or a saved search counted in the sidebar, looks in PDFs' text."""
        return self.model.query.reads_pdf_text or saved.any_reads_pdf_text(self.library)

    def focus_tag_edit(self) -> None:
        """Ctrl+T: type tags for the selection."""
        self.tag_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _add_typed_tags(self) -> None:
        names = self.tag_edit.text().split(",")
        self.paper_actions.add_tags(names)
        self.tag_edit.clear()

    # ------------------------------------------------------------ dropped files and closing

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.exchange.import_paths(files)

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window owns its library: closing saves the note and layout, closes the file."""
        self.notes.save()
        if self.notes.has_unsaved():
            answer = QMessageBox.question(
                self,
                "Papershelf",
                "A note could not be saved: "
                f"{self.notes.state.toolTip() or 'the library cannot be written'}\n\n"
                "Close anyway and lose it?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.files.at_close()
        self._release_library()
        self.save_state()
        self.hide()
        self.backups.at_quit()
        super().closeEvent(event)
