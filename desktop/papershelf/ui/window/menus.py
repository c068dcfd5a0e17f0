"""The window's menu bar, toolbar and context menus, as lists of action ids.

The actions themselves are declared once in ``ui.actions.registry``; this module only
arranges them, and builds the few menus whose entries depend on what was clicked (the
tags of the selection, the columns, a tag in the sidebar).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QTableView, QToolBar, QWidget

from papershelf import __version__
from papershelf.core import paths
from papershelf.ui.actions import plan_actions
from papershelf.ui.actions.paper_actions import PaperActions
from papershelf.ui.actions.plan_actions import PRIORITY_ACTIONS
from papershelf.ui.actions.registry import SPECS, STATUS_ACTIONS, Actions, Scope
from papershelf.ui.mnemonics import for_data
from papershelf.ui.panes.facet_tree import TOKEN_ROLE, FacetTree
from papershelf.ui.table.columns import COLUMNS
from papershelf.ui.window import libraries
from papershelf.ui.window.sort_menu import fill_sort_menu

SEPARATOR = "-"
# Submenus filled when they open; their objectNames, so tests can tell them apart.
REMOVE_TAG = "menuRemoveTag"
COLUMNS_MENU = "menuColumns"
RECENT_MENU = "menuRecentLibraries"
SORT_MENU = "menuSortBy"
DYNAMIC_MENUS = (REMOVE_TAG, COLUMNS_MENU, RECENT_MENU, SORT_MENU)

_STATUS = tuple(name for name, _, _, _ in STATUS_ACTIONS)
# Submenus whose entries are fixed: objectName -> (title, entries).
THEME_MENU = "menuTheme"
TEXT_SIZE_MENU = "menuTextSize"
PRIORITY_MENU = "menuPriority"
SUBMENUS: dict[str, tuple[str, tuple[str, ...]]] = {
    PRIORITY_MENU: ("Priorit&y", tuple(name for name, _, _, _ in PRIORITY_ACTIONS)),
    THEME_MENU: ("T&heme", ("actionThemeSystem", "actionThemeLight", "actionThemeDark")),
    TEXT_SIZE_MENU: (
        "Te&xt Size",
        ("actionTextLarger", "actionTextSmaller", SEPARATOR, "actionTextReset"),
    ),
}

MENU_BAR: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&File", (
        "actionAddPaper", "actionAddByIdentifier", SEPARATOR, "actionNewLibrary",
        "actionOpenLibrary", RECENT_MENU, SEPARATOR, "actionImport", "actionExportNotes",
        "actionExportReferences", SEPARATOR, "actionRestoreBackup", SEPARATOR, "actionQuit",
    )),
    ("&Edit", (
        "actionUndo", "actionRedo", SEPARATOR, "actionFind", "actionClearFilter",
        "actionSelectAll", SEPARATOR, "actionSaveSearch", SEPARATOR, "actionPasteIdentifiers",
    )),
    ("&Paper", (
        "actionOpenPaper", "actionAttachFile", "actionLinkFile", "actionDownloadPdf",
        "actionMarkReadingOnOpen",
        SEPARATOR, *_STATUS, SEPARATOR, PRIORITY_MENU, "actionReadNext", "actionReadLater",
        "actionQueueUp", "actionQueueDown", "actionQueueByPriority", SEPARATOR, "actionAddTag",
        REMOVE_TAG, SEPARATOR,
        "actionEditPaper", "actionAddPaper", "actionDeletePapers", SEPARATOR,
        "actionFindIdentifiers",
    )),
    ("&View", (
        "actionUpNext", "actionInbox", "actionTriage", "actionStatistics", SEPARATOR, SORT_MENU,
        COLUMNS_MENU, "actionFitColumns", "actionShowSidebar", "actionShowDetails",
        "actionToggleNotePreview", SEPARATOR, THEME_MENU, TEXT_SIZE_MENU,
    )),
    ("F&ollow", (
        "actionFollow", "actionFollowListingAuthor", SEPARATOR, "actionRefreshFeeds",
        "actionRefreshEvery", SEPARATOR, "actionClearSkipped",
    )),
    ("&Help", ("actionHelpQuery", "actionHelpShortcuts", SEPARATOR, "actionAbout")),
)  # fmt: skip
TOOLBAR: tuple[str, ...] = (
    "actionUndo", "actionRedo", SEPARATOR, "actionMarkToRead", "actionMarkReading",
    "actionMarkRead", "actionMarkSkipped", SEPARATOR, "actionAddTag", "actionEditPaper",
    SEPARATOR, "actionFind",
)  # fmt: skip
TABLE_MENU: tuple[str, ...] = (
    "actionOpenPaper", "actionAttachFile", SEPARATOR, *_STATUS, SEPARATOR, PRIORITY_MENU,
    "actionReadNext", "actionReadLater", SEPARATOR, "actionAddTag", REMOVE_TAG, SEPARATOR,
    "actionEditPaper", "actionDeletePapers", "actionCopyKeys",
)  # fmt: skip


class WindowMenus:
    """Puts the registry's actions into the window's menus, toolbar and context menus."""

    def __init__(
        self,
        window: QMainWindow,
        actions: Actions,
        papers: PaperActions,
        table: QTableView,
        facets: FacetTree,
    ) -> None:
        self.window = window
        self.named_actions = actions
        self.papers = papers
        self.table = table
        self.facets = facets

    def build(self) -> None:
        """Menu bar, toolbar, shortcuts and context menus."""
        for spec in SPECS.values():
            # A table action's shortcut works in the table only: Delete in a text box
            # edits the text. The others work anywhere in the window.
            owner: QWidget = self.table if spec.scope is Scope.TABLE else self.window
            owner.addAction(self.named_actions[spec.id])
        for title, entries in MENU_BAR:
            self.fill(self.window.menuBar().addMenu(title), entries)
        toolbar = QToolBar("Main", objectName="mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.fill(toolbar, TOOLBAR)
        self.window.addToolBar(toolbar)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.table_menu)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.column_menu)
        self.facets.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.facets.customContextMenuRequested.connect(self.facet_menu)

    def fill(self, target: QMenu | QToolBar, entries: Sequence[str]) -> None:
        """Add ``entries`` (action ids, separators, submenus) to a menu or toolbar."""
        for entry in entries:
            if entry == SEPARATOR:
                target.addSeparator()
            elif entry in DYNAMIC_MENUS and isinstance(target, QMenu):
                self._submenu(target, entry)
            elif entry in SUBMENUS and isinstance(target, QMenu):
                title, items = SUBMENUS[entry]
                submenu = target.addMenu(title)
                submenu.setObjectName(entry)
                self.fill(submenu, items)
            else:
                target.addAction(self.named_actions[entry])

    def _submenu(self, parent: QMenu, name: str) -> None:
        if name == REMOVE_TAG:
            menu = parent.addMenu("Re&move Tag")
            menu.aboutToShow.connect(lambda: self.fill_remove_tags(menu))
        elif name == RECENT_MENU:
            menu = parent.addMenu("&Recent Libraries")
            menu.aboutToShow.connect(lambda: libraries.fill_recent_menu(menu, self.papers.ctx))
        elif name == SORT_MENU:
            menu = parent.addMenu("Sort &By")
            menu.aboutToShow.connect(lambda: fill_sort_menu(menu, self.table))
        else:
            menu = parent.addMenu("&Columns")
            menu.aboutToShow.connect(lambda: self.fill_column_menu(menu))
        menu.setObjectName(name)

    def fill_column_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.table.horizontalHeader()
        labels = for_data([column.header for column in COLUMNS])
        for index, label in enumerate(labels):
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != 0)  # the title always shows
            action.toggled.connect(lambda on, i=index: header.setSectionHidden(i, not on))

    def column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.window)
        self.fill_column_menu(menu)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def table_menu(self, pos: QPoint) -> None:
        # The Menu key (Shift+F10) asks at the cursor's cell, which may be scrolled away.
        if not (self.table.indexAt(pos).isValid() or self.table.currentIndex().isValid()):
            return
        menu = QMenu(self.window)
        self.fill(menu, TABLE_MENU)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def fill_remove_tags(self, menu: QMenu) -> None:
        menu.clear()
        ctx = self.papers.ctx
        records = ctx.library.records(ctx.selected_paper_ids()[:1000])
        names = sorted({t for r in records for t in r["tags"]}, key=str.casefold)
        for name, label in zip(names, for_data(names), strict=True):
            menu.addAction(label, lambda n=name: self.papers.remove_tag(n))
        menu.setEnabled(bool(names))

    def facet_menu(self, pos: QPoint) -> None:
        item = self.facets.itemAt(pos)
        if item is None or not self.facets.viewport().rect().contains(pos):
            item = self.facets.currentItem()  # the Menu key: the row the keyboard is on
        token = item.data(0, TOKEN_ROLE) if item is not None else None
        if isinstance(token, str) and token.startswith("saved:"):
            self._saved_search_menu(item.text(0), pos)
            return
        if not isinstance(token, str) or not token.startswith("tag:"):
            return
        name = item.text(0)
        menu = QMenu(self.window)
        menu.addAction("Rename or Merge…", lambda: self.papers.rename_tag(name))
        menu.addAction("Delete Tag…", lambda: self.papers.delete_tag(name))
        menu.exec(self.facets.viewport().mapToGlobal(pos))

    def _saved_search_menu(self, name: str, pos: QPoint) -> None:
        ctx = self.papers.ctx
        menu = QMenu(self.window)
        menu.addAction("Rename…", lambda: plan_actions.rename_search(ctx, name))
        menu.addAction("Move Up", lambda: plan_actions.move_search(ctx, name, -1))
        menu.addAction("Move Down", lambda: plan_actions.move_search(ctx, name, +1))
        menu.addAction("Delete", lambda: plan_actions.remove_search(ctx, name))
        menu.exec(self.facets.viewport().mapToGlobal(pos))

    def about(self) -> None:
        library = self.papers.ctx.library
        QMessageBox.about(
            self.window,
            "About Papershelf",
            f"<h3>Papershelf {__version__}</h3><p>A desktop reading list for research papers.</p>"
            f"<p>Library: {html.escape(str(library.path))}</p>"
            f"<p>Log: {html.escape(str(paths.log_dir()))}</p>",
        )
