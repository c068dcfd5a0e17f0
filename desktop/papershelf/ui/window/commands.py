"""The window's commands that another part carries out: the registry's actions call
them on the window (ui/actions/context.py, WindowCommands), and each hands the work to
the part that owns it (files, following, the reading plan, capture, exchange, the
appearance). A mixin of MainWindow: the parts are the window's attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from papershelf.ui.appearance import THEME_ACTIONS, Appearance, ThemeActions, appearance
from papershelf.ui.table.columns import COLUMN_INDEX
from papershelf.ui.theme import Theme
from papershelf.ui.window.window_state import settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QTableView

    from papershelf.ui.actions.registry import Actions
    from papershelf.ui.panes.details import DetailsPane
    from papershelf.ui.panes.facet_tree import FacetTree
    from papershelf.ui.panes.note_editor import NotePanel
    from papershelf.ui.table.column_fit import ColumnFitter
    from papershelf.ui.undo import UndoStack
    from papershelf.ui.window.capture import Capture
    from papershelf.ui.window.downloads import PdfDownloads
    from papershelf.ui.window.exchange import Exchange
    from papershelf.ui.window.files import PaperFiles
    from papershelf.ui.window.following import Following
    from papershelf.ui.window.menus import WindowMenus
    from papershelf.ui.window.reading_plan import ReadingPlan
    from papershelf.ui.window.statistics import StatisticsWindow

    _Window = QMainWindow
else:
    _Window = object


class DelegatedCommands(_Window):
    """Menu commands of the main window that its parts carry out."""

    undo_stack: UndoStack
    named_actions: Actions
    menus: WindowMenus
    table: QTableView
    column_fitter: ColumnFitter
    facets: FacetTree
    details: DetailsPane
    notes: NotePanel
    statistics: StatisticsWindow
    exchange: Exchange
    capture: Capture
    files: PaperFiles
    downloads: PdfDownloads
    following: Following
    plan: ReadingPlan
    appearance: Appearance
    theme_actions: ThemeActions
    _follows_appearance: bool

    if TYPE_CHECKING:  # the window's (ui/window/filtering.py); a stub here would hide it

        def recount_facets(self) -> None: ...

    def undo(self) -> None:
        """Edit > Undo."""
        self.undo_stack.undo()

    def redo(self) -> None:
        """Edit > Redo."""
        self.undo_stack.redo()

    def select_all_papers(self) -> None:
        self.table.selectAll()

    def show_sidebar(self, visible: bool) -> None:
        self.facets.setVisible(visible)

    def show_details(self, visible: bool) -> None:
        self.details.setVisible(visible)

    def show_statistics(self) -> None:
        self.statistics.open()

    def import_files(self) -> None:
        self.exchange.choose_and_import()

    def add_by_identifier(self) -> None:
        self.capture.add_by_identifier()

    def paste_identifiers(self) -> None:
        self.capture.paste()

    def find_identifiers(self) -> None:
        self.capture.find_identifiers()

    def export_notes(self) -> None:
        self.exchange.export_notes()

    def export_references(self) -> None:
        self.exchange.export_references()

    def open_paper(self) -> None:
        self.files.open_current()

    def attach_file(self, link: bool) -> None:
        self.files.choose_and_attach(link=link)

    def download_pdfs(self) -> None:
        self.downloads.download_selected()

    def read_pdf_text(self, attachment_id: int) -> None:
        self.files.read_text(attachment_id)

    def mark_reading_on_open(self, on: bool) -> None:
        self.files.mark_reading = on

    def queue_by_priority(self, on: bool) -> None:
        self.plan.set_joins_by_priority(on, self.named_actions["actionQueueByPriority"])

    def about(self) -> None:
        self.menus.about()

    def show_inbox(self) -> None:
        self.following.show_inbox()

    def start_triage(self) -> None:
        self.following.start_triage()

    def follow_source(self) -> None:
        self.following.follow()

    def follow_listing_author(self) -> None:
        self.following.follow_listing_author()

    def refresh_feeds(self) -> None:
        self.following.refresh()

    def refresh_every(self) -> None:
        self.following.refresh_every()

    def clear_skipped(self) -> None:
        self.following.clear_skipped()

    def save_search(self) -> None:
        self.plan.save_search()

    def show_up_next(self) -> None:
        self.plan.show_up_next()

    def show_note_preview(self, on: bool) -> None:
        self.notes.set_preview(on)

    def sort_newest_first(self) -> None:
        """Sort the table by publication date, newest first (the inbox's order)."""
        self.table.sortByColumn(COLUMN_INDEX["published"], Qt.SortOrder.DescendingOrder)

    def fit_columns(self) -> None:
        """View > Fit Columns to Width: forget the widths set by hand."""
        self.column_fitter.unpin()

    # ------------------------------------------------------------ theme and text size

    def _build_appearance(self) -> None:
        """The theme and text size (the application's, kept in the settings)."""
        self.appearance = appearance()
        self.appearance.restore(settings())
        themes = {t: self.named_actions[name] for t, name in THEME_ACTIONS.items()}
        self.theme_actions = ThemeActions(self.appearance, themes, self)
        self.appearance.changed.connect(self.recount_facets)  # greyed counts: new colours
        self._follows_appearance = True

    def set_theme(self, theme: str) -> None:
        """View > Theme: system, light or dark."""
        self.appearance.set_theme(Theme(theme))
        self.appearance.save(settings())

    def change_text_size(self, steps: int) -> None:
        """View > Text Size: one point larger (+1), smaller (-1), or the normal size (0)."""
        self.appearance.change_text_size(steps)
        self.appearance.save(settings())
