"""WindowMenus: the window's menu bar, toolbar and context menus, in one place.

Actions on papers live in PaperActions; this module arranges them (and the window's
own actions) into menus, and builds the menus that depend on what was clicked.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QToolBar

from papershelf import __version__
from papershelf.core import paths
from papershelf.ui.panes.facet_tree import TOKEN_ROLE
from papershelf.ui.table.model import COLUMNS

if TYPE_CHECKING:
    from papershelf.ui.window.main_window import MainWindow


class WindowMenus:
    """Builds the menus of ``window`` and answers its context-menu requests."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def build(self) -> None:
        """The menu bar and the toolbar."""
        w = self.window
        menus = w.menuBar()
        file_menu = menus.addMenu("&File")
        w.action_quit = w.add_action("&Quit", w.close, QKeySequence.StandardKey.Quit)
        w.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        acts = w.paper_actions
        file_menu.addAction(acts.add)
        file_menu.addSeparator()
        w.action_import = w.add_action(
            "&Import…", w.exchange.choose_and_import, "Ctrl+I", "actionImport"
        )
        w.action_export_notes = w.add_action(
            "&Export Notes to Markdown…", w.exchange.export_notes, "Ctrl+Shift+E",
            "actionExportNotes",
        )  # fmt: skip
        w.action_export_refs = w.add_action(
            "Export &References…",
            w.exchange.export_references,
            None,
            "actionExportReferences",
        )
        file_menu.addActions(
            [
                w.action_import,
                w.action_export_notes,
                w.action_export_refs,
            ]
        )
        file_menu.addSeparator()
        w.action_restore = w.add_action("&Restore from Backup…", w.restore_from_backup)
        w.action_restore.setObjectName("actionRestoreBackup")
        file_menu.addAction(w.action_restore)
        file_menu.addSeparator()
        file_menu.addAction(w.action_quit)

        edit_menu = menus.addMenu("&Edit")
        w.action_find = w.add_action("&Find", w.focus_filter, QKeySequence.StandardKey.Find)
        # Esc in the filter box clears it (an event filter: a line edit eats Esc shortcuts).
        w.action_clear = w.add_action("&Clear Filter", w.clear_filter)
        w.filter_edit.installEventFilter(w)
        w.action_select_all = w.add_action(
            "Select &All", w.table.selectAll, QKeySequence.StandardKey.SelectAll
        )
        w.action_select_all.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        w.table.addAction(w.action_select_all)
        w.removeAction(w.action_select_all)
        edit_menu.addActions([acts.undo, acts.redo])
        edit_menu.addSeparator()
        edit_menu.addActions([w.action_find, w.action_clear, w.action_select_all])

        paper_menu = menus.addMenu("&Paper")
        paper_menu.addActions(list(acts.status.values()))
        paper_menu.addSeparator()
        paper_menu.addAction(acts.add_tag)
        w.remove_tag_menu = paper_menu.addMenu("Remove Ta&g")
        w.remove_tag_menu.aboutToShow.connect(lambda: self.fill_remove_tags(w.remove_tag_menu))
        paper_menu.addSeparator()
        paper_menu.addActions([acts.edit, acts.add, acts.delete])

        view_menu = menus.addMenu("&View")
        w.columns_menu = view_menu.addMenu("&Columns")
        w.columns_menu.aboutToShow.connect(lambda: self.fill_column_menu(w.columns_menu))
        w.action_sidebar = w.add_action("Show &Sidebar", w.facets.setVisible, "Ctrl+Shift+B")
        w.action_details = w.add_action("Show &Details", w.details.setVisible, "Ctrl+Shift+D")
        for action in (w.action_sidebar, w.action_details):
            action.setCheckable(True)
            action.setChecked(True)
            view_menu.addAction(action)

        help_menu = menus.addMenu("&Help")
        w.action_about = w.add_action("&About Papershelf", self.about)
        w.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(w.action_about)

        toolbar = QToolBar("Main", objectName="mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([acts.undo, acts.redo])
        toolbar.addSeparator()
        for status in ("to-read", "reading", "read", "skipped"):
            toolbar.addAction(acts.status[status])
        toolbar.addSeparator()
        toolbar.addActions([acts.add_tag, acts.edit])
        toolbar.addSeparator()
        toolbar.addAction(w.action_find)
        w.addToolBar(toolbar)
        acts.update_enabled(0)

    def fill_column_menu(self, menu: QMenu) -> None:
        w = self.window
        menu.clear()
        header = w.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != 0)  # the title always shows
            action.toggled.connect(lambda on, i=index: header.setSectionHidden(i, not on))

    def column_menu(self, pos: QPoint) -> None:
        w = self.window
        menu = QMenu(self.window)
        self.fill_column_menu(menu)
        menu.exec(w.table.horizontalHeader().mapToGlobal(pos))

    def table_menu(self, pos: QPoint) -> None:
        w = self.window
        if not w.table.indexAt(pos).isValid():
            return
        acts = w.paper_actions
        menu = QMenu(self.window)
        menu.addActions(list(acts.status.values()))
        menu.addSeparator()
        menu.addAction(acts.add_tag)
        self.fill_remove_tags(menu.addMenu("Remove Tag"))
        menu.addSeparator()
        menu.addActions([acts.edit, acts.delete])
        copy = menu.addAction("Copy Citation Key")
        copy.triggered.connect(self.copy_keys)
        menu.exec(w.table.viewport().mapToGlobal(pos))

    def fill_remove_tags(self, menu: QMenu) -> None:
        w = self.window
        menu.clear()
        names = sorted(
            {t for r in w.library.records(w.selected_paper_ids()[:1000]) for t in r["tags"]},
            key=str.casefold,
        )
        for name in names:
            menu.addAction(name, lambda n=name: w.paper_actions.remove_tag(n))
        menu.setEnabled(bool(names))

    def facet_menu(self, pos: QPoint) -> None:
        w = self.window
        item = w.facets.itemAt(pos)
        token = item.data(0, TOKEN_ROLE) if item is not None else None
        if not isinstance(token, str) or not token.startswith("tag:"):
            return
        menu = QMenu(self.window)
        w.paper_actions.tag_menu(menu, item.text(0))
        menu.exec(w.facets.viewport().mapToGlobal(pos))

    def copy_keys(self) -> None:
        w = self.window
        records = w.library.records(w.selected_paper_ids())
        QApplication.clipboard().setText(", ".join(r["key"] for r in records))

    def about(self) -> None:
        w = self.window
        QMessageBox.about(
            w,
            "About Papershelf",
            f"<h3>Papershelf {__version__}</h3><p>A desktop reading list for research papers.</p>"
            f"<p>Library: {html.escape(str(w.library.path))}</p>"
            f"<p>Log: {html.escape(str(paths.log_dir()))}</p>",
        )
