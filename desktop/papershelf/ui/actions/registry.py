"""Every action of the window, declared once, after Picard's ``ui/mainwindow/actions.py``.

An action is its objectName (what tests and accessibility tools find it by), its text,
shortcut, icon, tooltip, when it is enabled, and its handler, which receives the
window's ``ActionContext`` (a small interface), never the window itself. Menus, the
toolbar and context menus are lists of these ids (``ui.window.menus``); ``build``
makes the QActions once, so nothing depends on the order the window is put together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence

from papershelf.ui.actions import paper_actions, plan_actions
from papershelf.ui.actions.context import ActionContext
from papershelf.ui.dialogs import help as help_dialogs
from papershelf.ui.window import libraries

Shortcut = str | QKeySequence.StandardKey


class Enabled(Enum):
    """When an action can be triggered."""

    ALWAYS = "always"
    SELECTION = "selection"  # one or more papers selected
    ONE_PAPER = "one paper"  # exactly one paper selected
    UNDO = "undo"  # the history has something to undo (kept in step by UndoStack.bind)
    REDO = "redo"


class Scope(Enum):
    """Where an action's shortcut works."""

    WINDOW = "window"
    TABLE = "table"  # only while the paper table has focus (Delete in a text box edits text)


@dataclass(frozen=True)
class ActionSpec:
    """One action of the window."""

    id: str  # the QAction's objectName
    text: str
    run: Callable[[ActionContext], object] | None = None
    toggle: Callable[[ActionContext, bool], object] | None = None  # checkable actions
    shortcut: Shortcut | None = None
    scope: Scope = Scope.WINDOW
    icon: str | None = None  # a freedesktop theme icon name
    tooltip: str = ""
    enabled: Enabled = Enabled.ALWAYS
    icon_text: str | None = None  # the toolbar's shorter text
    role: QAction.MenuRole | None = None

    @property
    def checkable(self) -> bool:
        return self.toggle is not None


# objectName, menu text, shortcut, status
STATUS_ACTIONS = (
    ("actionMarkToRead", "Mark as &To Read", "Ctrl+1", "to-read"),
    ("actionMarkReading", "Mark as &Reading", "Ctrl+2", "reading"),
    ("actionMarkRead", "Mark as R&ead", "Ctrl+3", "read"),
    ("actionMarkSkipped", "Mark as &Skipped", "Ctrl+4", "skipped"),
    ("actionMarkNew", "Mark as &New", "Ctrl+0", "new"),
)
STATUS_ACTION_IDS = {status: name for name, _, _, status in STATUS_ACTIONS}

ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec(
        "actionAddPaper", "&Add Paper…", paper_actions.add_paper, shortcut="Ctrl+N",
        icon="document-new", tooltip="Type in a paper by hand",
    ),
    ActionSpec(
        "actionAddByIdentifier", "Add by I&dentifier…", lambda ctx: ctx.add_by_identifier(),
        shortcut="Ctrl+Shift+N", icon="list-add",
        tooltip="Add papers by arXiv id, arXiv URL or DOI",
    ),
    ActionSpec(
        "actionPasteIdentifiers", "&Paste Identifiers", lambda ctx: ctx.paste_identifiers(),
        shortcut=QKeySequence.StandardKey.Paste, scope=Scope.TABLE,
        tooltip="Add the papers whose arXiv ids or DOIs the clipboard holds",
    ),
    ActionSpec(
        "actionImport", "&Import…", lambda ctx: ctx.import_files(), shortcut="Ctrl+I",
        icon="document-import", tooltip="Import BibTeX files or seed documents",
    ),
    ActionSpec(
        "actionExportNotes", "&Export Notes to Markdown…", lambda ctx: ctx.export_notes(),
        shortcut="Ctrl+Shift+E", icon="document-export",
    ),
    ActionSpec(
        "actionExportReferences", "Export Re&ferences…", lambda ctx: ctx.export_references(),
        tooltip="BibTeX, CSL-JSON or CSV of the library, the filter or the selection",
    ),
    ActionSpec(
        "actionRestoreBackup", "Res&tore from Backup…", lambda ctx: ctx.restore_from_backup()
    ),
    # More than one library: each opens in a window of its own (ui/window/libraries.py).
    ActionSpec(
        "actionNewLibrary", "New &Library…", libraries.new_library,
        tooltip="Start another library, empty or seeded, in a window of its own",
    ),
    ActionSpec(
        "actionOpenLibrary", "&Open Library…", libraries.open_library,
        shortcut=QKeySequence.StandardKey.Open, icon="document-open",
        tooltip="Open another library file in a window of its own",
    ),
    ActionSpec(
        "actionQuit", "&Quit", lambda ctx: ctx.close(), shortcut=QKeySequence.StandardKey.Quit,
        icon="application-exit", role=QAction.MenuRole.QuitRole,
    ),
    # Edit
    ActionSpec(
        "actionUndo", "&Undo", lambda ctx: ctx.undo(), shortcut=QKeySequence.StandardKey.Undo,
        icon="edit-undo", enabled=Enabled.UNDO,
    ),
    ActionSpec(
        "actionRedo", "&Redo", lambda ctx: ctx.redo(), shortcut=QKeySequence.StandardKey.Redo,
        icon="edit-redo", enabled=Enabled.REDO,
    ),
    ActionSpec(
        "actionFind", "&Find", lambda ctx: ctx.focus_filter(),
        shortcut=QKeySequence.StandardKey.Find, icon="edit-find",
        tooltip="Type a filter: words, author:, tag:, status:, year:…",
    ),
    ActionSpec(
        "actionSaveSearch", "&Save Search…", lambda ctx: ctx.save_search(),
        shortcut=QKeySequence.StandardKey.Save,
        tooltip="Save the filter as a named search in the sidebar (saved:\"NAME\")",
    ),
    ActionSpec(
        "actionUpNext", "&Up Next", lambda ctx: ctx.show_up_next(), shortcut="Ctrl+Shift+U",
        tooltip="The to-read papers in reading order",
    ),
    # Esc in the filter box clears it too (an event filter: a line edit eats Esc shortcuts).
    ActionSpec("actionClearFilter", "&Clear Filter", lambda ctx: ctx.clear_filter()),
    ActionSpec(
        "actionSelectAll", "Select &All", lambda ctx: ctx.select_all_papers(),
        shortcut=QKeySequence.StandardKey.SelectAll, scope=Scope.TABLE,
    ),
    # Paper
    *(
        ActionSpec(
            name, text, partial(paper_actions.set_status, status=status), shortcut=shortcut,
            enabled=Enabled.SELECTION, icon_text=text.replace("Mark as ", "").replace("&", ""),
        )
        for name, text, shortcut, status in STATUS_ACTIONS
    ),
    *(
        ActionSpec(
            name, text, partial(plan_actions.set_priority, level=level), shortcut=shortcut,
            enabled=Enabled.SELECTION, tooltip=f"Priority {level} for the selection",
        )
        for name, text, shortcut, level in plan_actions.PRIORITY_ACTIONS
    ),
    ActionSpec(
        "actionReadNext", "Read Ne&xt", plan_actions.read_next, shortcut="Alt+Home",
        enabled=Enabled.SELECTION, tooltip="Put the selection at the top of Up next",
    ),
    ActionSpec(
        "actionReadLater", "Read &Later", plan_actions.read_later, shortcut="Alt+End",
        enabled=Enabled.SELECTION, tooltip="Put the selection at the bottom of Up next",
    ),
    ActionSpec(
        "actionQueueUp", "Move &Up in Queue", partial(plan_actions.step, up=True),
        shortcut="Alt+Up", enabled=Enabled.SELECTION,
    ),
    ActionSpec(
        "actionQueueDown", "Move Down in &Queue", partial(plan_actions.step, up=False),
        shortcut="Alt+Down", enabled=Enabled.SELECTION,
    ),
    ActionSpec(
        "actionQueueByPriority", "New To-read &Join by Priority",
        toggle=lambda ctx, on: ctx.queue_by_priority(on),
        tooltip="New to-read papers join Up next after the queued papers of their priority "
        "or higher, not at the end (kept in the library, as `papershelf queue join`)",
    ),
    ActionSpec(
        "actionAddTag", "Add Ta&gs…", lambda ctx: ctx.focus_tag_edit(), shortcut="Ctrl+T",
        enabled=Enabled.SELECTION, tooltip="Type tags for the selected papers",
    ),
    ActionSpec(
        "actionEditPaper", "Edit &Paper…", paper_actions.edit_paper, shortcut="Ctrl+E",
        icon="document-edit", enabled=Enabled.ONE_PAPER,
    ),
    ActionSpec(
        "actionDeletePapers", "&Delete…", paper_actions.delete_papers,
        shortcut=QKeySequence.StandardKey.Delete, scope=Scope.TABLE, icon="edit-delete",
        enabled=Enabled.SELECTION,
    ),
    ActionSpec(
        "actionFindIdentifiers", "Find &Identifiers…", lambda ctx: ctx.find_identifiers(),
        tooltip="Find arXiv ids for the selected papers (all when none is selected) by "
        "exact title and first author",
    ),
    ActionSpec(
        "actionOpenPaper", "&Open Paper", lambda ctx: ctx.open_paper(), shortcut="Return",
        scope=Scope.TABLE, icon="document-open", enabled=Enabled.ONE_PAPER,
        tooltip="Open the PDF, else the DOI or arXiv page, else the code (Enter, double-click)",
    ),
    ActionSpec(
        "actionAttachFile", "Attach &File…", lambda ctx: ctx.attach_file(False),
        enabled=Enabled.ONE_PAPER, tooltip="Copy a file (a PDF) into files/ beside the library",
    ),
    ActionSpec(
        "actionLinkFile", "Lin&k File…", lambda ctx: ctx.attach_file(True),
        enabled=Enabled.ONE_PAPER, tooltip="Attach a file where it is, without copying it",
    ),
    ActionSpec(
        "actionDownloadPdf", "Do&wnload PDF", lambda ctx: ctx.download_pdfs(),
        enabled=Enabled.SELECTION,
        tooltip="Download the arXiv PDF of the selected papers that have an arXiv id and no PDF",
    ),
    ActionSpec(
        "actionMarkReadingOnOpen", "Mark as Reading W&hen Opened",
        toggle=lambda ctx, on: ctx.mark_reading_on_open(on),
        tooltip="Opening a new or to-read paper marks it reading",
    ),
    ActionSpec(
        "actionCopyKeys", "Copy Citation &Key", paper_actions.copy_keys,
        enabled=Enabled.SELECTION, tooltip="The selection's keys, for \\cite{…}",
    ),
    # View
    ActionSpec(
        "actionShowSidebar", "Show &Sidebar", toggle=lambda ctx, on: ctx.show_sidebar(on),
        shortcut="Ctrl+Shift+B",
    ),
    ActionSpec(
        "actionShowDetails", "Show &Details", toggle=lambda ctx, on: ctx.show_details(on),
        shortcut="Ctrl+Shift+D",
    ),
    # View: columns, theme and text size (ui/table/column_fit.py, ui/appearance.py, which
    # makes the theme actions one exclusive, checkable group). Ctrl+0 is "Mark as New":
    # the normal text size is Ctrl+Alt+0.
    ActionSpec("actionFitColumns", "&Fit Columns to Width", lambda ctx: ctx.fit_columns(),
               tooltip="Forget the column widths set by hand: share the width by content"),
    ActionSpec("actionThemeSystem", "&System", lambda ctx: ctx.set_theme("system"),
               tooltip="Follow the system's light or dark colour scheme"),
    ActionSpec("actionThemeLight", "&Light", lambda ctx: ctx.set_theme("light")),
    ActionSpec("actionThemeDark", "&Dark", lambda ctx: ctx.set_theme("dark")),
    ActionSpec("actionTextLarger", "&Larger Text", lambda ctx: ctx.change_text_size(1),
               shortcut=QKeySequence.StandardKey.ZoomIn),
    ActionSpec("actionTextSmaller", "&Smaller Text", lambda ctx: ctx.change_text_size(-1),
               shortcut=QKeySequence.StandardKey.ZoomOut),
    ActionSpec("actionTextReset", "&Normal Text Size", lambda ctx: ctx.change_text_size(0),
               shortcut="Ctrl+Alt+0"),
    ActionSpec(
        "actionInbox", "&Inbox", lambda ctx: ctx.show_inbox(), shortcut="Ctrl+Shift+I",
        tooltip="The papers still to triage (status new), newest first",
    ),
    ActionSpec(
        "actionTriage", "&Triage", lambda ctx: ctx.start_triage(), shortcut="Ctrl+Shift+T",
        tooltip="The inbox one paper at a time: t to-read, g reading, r read, s skip, u undo",
    ),
    # Follow
    ActionSpec(
        "actionFollow", "&Follow…", lambda ctx: ctx.follow_source(),
        tooltip="Follow an arXiv author or query, or an RSS/Atom feed",
    ),
    ActionSpec(
        "actionFollowListingAuthor", "Follow the &Listing's Author",
        lambda ctx: ctx.follow_listing_author(),
    ),
    ActionSpec(
        "actionRefreshFeeds", "&Refresh Feeds", lambda ctx: ctx.refresh_feeds(), shortcut="F5",
        icon="view-refresh", tooltip="Bring new papers from the followed sources",
    ),
    ActionSpec(
        "actionRefreshEvery", "Refresh &Automatically…", lambda ctx: ctx.refresh_every(),
        tooltip="How many hours apart followed sources are refreshed (0: only when asked)",
    ),
    ActionSpec(
        "actionClearSkipped", "Clear &Skipped Papers…", lambda ctx: ctx.clear_skipped(),
        tooltip="Delete skipped papers from followed sources older than an age",
    ),
    ActionSpec(
        "actionStatistics", "Reading St&atistics", lambda ctx: ctx.show_statistics(),
        tooltip="Papers read per week and month, the backlog, days to read, the streak",
    ),
    ActionSpec(
        "actionToggleNotePreview", "Note &Preview",
        toggle=lambda ctx, on: ctx.show_note_preview(on),
        shortcut="Ctrl+Shift+P", tooltip="Show the note as formatted Markdown; again to edit",
    ),
    # Help
    ActionSpec(
        "actionHelpQuery", "&Query Language", help_dialogs.show_query_help,
        shortcut=QKeySequence.StandardKey.HelpContents, icon="help-contents",
        tooltip="The filter's syntax, with examples to try",
    ),
    ActionSpec(
        "actionHelpShortcuts", "&Keyboard Shortcuts",
        lambda ctx: help_dialogs.show_shortcuts(ctx, shortcut_rows()),
        shortcut="Ctrl+/",
    ),
    ActionSpec(
        "actionAbout", "&About Papershelf", lambda ctx: ctx.about(),
        role=QAction.MenuRole.AboutRole,
    ),
)  # fmt: skip

SPECS: dict[str, ActionSpec] = {spec.id: spec for spec in ACTIONS}

# Keys that are not actions (widgets handle them), declared here beside the actions so
# that Help > Keyboard Shortcuts lists them too: (keys, what they do, where).
OTHER_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Tab, Shift+Tab", "Move between filter, table, sidebar, details, tags and note",
     "anywhere in the window"),
    ("Esc", "Clear the filter", "the filter box"),
    ("Up, Down, PgUp, PgDown, Home, End", "Move to another paper", "the paper table"),
    ("Shift+arrows, Ctrl+Space", "Select more papers", "the paper table"),
    ("Enter, Space", "Add the value to the filter, or take it out", "the sidebar"),
    ("Ctrl+Enter", "Exclude the value from the filter", "the sidebar"),
    ("Left, Right", "Fold or unfold a group", "the sidebar"),
    ("Menu, Shift+F10", "The context menu (statuses, tags; rename or delete a tag)",
     "the paper table, the sidebar"),
    ("Tab, Enter", "Go to a link (an author filters by them) and follow it", "the details"),
    ("Enter", "Add the typed tags to the selection", "the tags box"),
    ("Alt+letter", "Open a menu, or the item with that underlined letter", "menus, dialogs"),
)  # fmt: skip


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(action, keys, where) for every action with a shortcut, then the other keys."""
    rows = []
    for spec in ACTIONS:
        if spec.shortcut is None:
            continue
        sequence = spec.shortcut
        bindings = (
            QKeySequence.keyBindings(sequence)
            if isinstance(sequence, QKeySequence.StandardKey)
            else [QKeySequence(sequence)]
        )
        names = [b.toString(QKeySequence.SequenceFormat.NativeText) for b in bindings]
        # The first binding, and other chords (Ctrl+Y beside Ctrl+Shift+Z); not keys of
        # special keyboards (the "Open" key beside Ctrl+O).
        keys = ", ".join(dict.fromkeys(names[:1] + [n for n in names[1:] if "+" in n]))
        if not keys:
            continue  # a standard key this platform does not bind
        where = "the paper table" if spec.scope is Scope.TABLE else "anywhere in the window"
        rows.append((spec.text.replace("&", "").rstrip("…"), keys, where))
    rows += [(what, keys, where) for keys, what, where in OTHER_KEYS]
    return rows


class Actions:
    """The QActions of one window, made from the registry, found by id."""

    def __init__(self, actions: dict[str, QAction], specs: Iterable[ActionSpec] = ACTIONS) -> None:
        self._actions = actions
        self._on_papers = [
            (actions[spec.id], spec.enabled)
            for spec in specs
            if spec.enabled in (Enabled.SELECTION, Enabled.ONE_PAPER)
        ]
        self._enabled_for: int | None = None  # the selection (none, one, more) they follow

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def get(self, action_id: str) -> QAction | None:
        """The action ``action_id``, or None when this build has no such action."""
        return self._actions.get(action_id)

    def __iter__(self) -> Iterator[QAction]:
        return iter(self._actions.values())

    def update_enabled(self, selected: int) -> None:
        """Enable the actions on papers by how many are selected.

        Every result and move of the cursor asks; only none, one or more matter."""
        size = min(selected, 2)
        if size == self._enabled_for:
            return
        self._enabled_for = size
        for action, enabled in self._on_papers:
            action.setEnabled(selected == 1 if enabled is Enabled.ONE_PAPER else selected > 0)


def build(parent: QObject, ctx: ActionContext, specs: Iterable[ActionSpec] = ACTIONS) -> Actions:
    """One QAction per spec, owned by ``parent`` and triggering its handler with ``ctx``."""
    specs = tuple(specs)
    made: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        if spec.icon:
            action.setIcon(QIcon.fromTheme(spec.icon))
        if spec.icon_text:
            action.setIconText(spec.icon_text)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.scope is Scope.TABLE:
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        if spec.tooltip:
            action.setToolTip(spec.tooltip)
            action.setStatusTip(spec.tooltip)
        if spec.role is not None:
            action.setMenuRole(spec.role)
        if spec.toggle is not None:
            action.setCheckable(True)
            action.toggled.connect(partial(_toggle, spec.toggle, ctx))
        elif spec.run is not None:
            action.triggered.connect(partial(_run, spec.run, ctx))
        if spec.enabled is not Enabled.ALWAYS:
            action.setEnabled(False)  # until the selection or the history says otherwise
        made[spec.id] = action
    return Actions(made, specs)


def _run(
    handler: Callable[[ActionContext], object], ctx: ActionContext, _checked: bool = False
) -> None:
    handler(ctx)


def _toggle(handler: Callable[[ActionContext, bool], object], ctx: ActionContext, on: bool) -> None:
    handler(ctx, on)
