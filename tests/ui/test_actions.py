"""The action registry, the menus made from it, and the undo history, with and without
a window."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from papershelf.core.ops import papers
from papershelf.core.ops.changes import Changes
from papershelf.core.store.library import Library
from papershelf.ui.actions import registry
from papershelf.ui.actions.registry import ACTIONS, SPECS, Enabled, Scope
from papershelf.ui.undo import UndoStack
from papershelf.ui.window import menus
from papershelf.ui.window.main_window import MainWindow

# The window's test contract (design.md) and the names tests and users rely on, with
# the shortcuts they had before the registry.
# (Key sequences are made inside the tests: a standard key needs the application.)
CONTRACT: dict[str, str | QKeySequence.StandardKey] = {
    "actionMarkToRead": "Ctrl+1",
    "actionMarkReading": "Ctrl+2",
    "actionMarkRead": "Ctrl+3",
    "actionMarkSkipped": "Ctrl+4",
    "actionMarkNew": "Ctrl+0",
    "actionUndo": QKeySequence.StandardKey.Undo,
    "actionRedo": QKeySequence.StandardKey.Redo,
    "actionExportNotes": "Ctrl+Shift+E",
    "actionImport": "Ctrl+I",
    "actionEditPaper": "Ctrl+E",
    "actionAddPaper": "Ctrl+N",
    "actionDeletePapers": QKeySequence.StandardKey.Delete,
    "actionAddTag": "Ctrl+T",
    "actionRestoreBackup": "",
    "actionExportReferences": "",
}


def bindings(spec: registry.ActionSpec) -> list[str]:
    """Every key sequence the action answers to (a standard key may have several)."""
    if spec.shortcut is None:
        return []
    if isinstance(spec.shortcut, QKeySequence.StandardKey):
        return [k.toString() for k in QKeySequence.keyBindings(spec.shortcut)]
    return [QKeySequence(spec.shortcut).toString()]


# --- the registry ---------------------------------------------------------------------------


def test_every_action_has_a_unique_object_name() -> None:
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("action") and i.isidentifier() for i in ids)


def test_no_two_actions_share_a_shortcut(qapp) -> None:
    # The table is inside the window: a table shortcut equal to a window one would be
    # ambiguous there, so shortcuts are unique across both scopes, not only within each.
    seen: dict[str, str] = {}
    for spec in ACTIONS:
        for key in bindings(spec):
            assert key not in seen, f"{key}: {seen.get(key)} and {spec.id}"
            seen[key] = spec.id
    assert len(seen) >= 15


def test_menus_name_only_registered_actions() -> None:
    special = {menus.SEPARATOR, *menus.DYNAMIC_MENUS, *menus.SUBMENUS}
    lists = [entries for _, entries in menus.MENU_BAR] + [menus.TOOLBAR, menus.TABLE_MENU]
    lists += [entries for _, entries in menus.SUBMENUS.values()]
    for entries in lists:
        assert set(entries) - special <= set(SPECS), set(entries) - special - set(SPECS)
    placed = {e for entries in lists for e in entries}
    # Each action is somewhere a reader can find it (menus show their shortcuts).
    assert set(SPECS) <= placed


def test_the_contract_keeps_its_names_and_shortcuts(qapp) -> None:
    for name, shortcut in CONTRACT.items():
        spec = SPECS[name]
        assert QKeySequence(spec.shortcut or "") == QKeySequence(shortcut), name
    assert SPECS["actionDeletePapers"].scope is Scope.TABLE  # Delete in a text box edits text


# --- the window built from it ---------------------------------------------------------------


def menu_actions(menu: QMenu) -> list[QAction]:
    """The actions of a menu and its submenus, but not those filled when they open."""
    out = []
    for action in menu.actions():
        sub = action.menu()
        if sub is not None:
            if sub.objectName() not in (menus.REMOVE_TAG, menus.COLUMNS_MENU):
                out += menu_actions(sub)
        elif not action.isSeparator():
            out.append(action)
    return out


def test_the_window_has_each_registered_action_once(window: MainWindow) -> None:
    for spec in ACTIONS:
        found = window.findChildren(QAction, spec.id)
        assert len(found) == 1, spec.id
        assert found[0].shortcut().toString() == (bindings(spec) or [""])[0], spec.id
    for name, shortcut in CONTRACT.items():
        assert window.named_actions[name].shortcut() == QKeySequence(shortcut), name


def test_the_menu_bar_and_toolbar_hold_only_registered_actions(window: MainWindow) -> None:
    in_menus = [a for top in window.menuBar().actions() for a in menu_actions(top.menu())]
    toolbar = window.findChild(QObject, "mainToolbar")
    in_toolbar = [a for a in toolbar.actions() if not a.isSeparator()]
    for action in in_menus + in_toolbar:
        assert action.objectName() in SPECS, action.text()
        assert action is window.named_actions[action.objectName()]


def test_actions_follow_the_selection(window: MainWindow) -> None:
    def enabled(rule: Enabled) -> set[bool]:
        return {window.named_actions[s.id].isEnabled() for s in ACTIONS if s.enabled is rule}

    window.table.clearSelection()
    assert enabled(Enabled.SELECTION) == {False} and enabled(Enabled.ONE_PAPER) == {False}
    window.table.selectRow(0)
    assert enabled(Enabled.SELECTION) == {True} and enabled(Enabled.ONE_PAPER) == {True}
    window.table.selectAll()
    assert enabled(Enabled.SELECTION) == {True} and enabled(Enabled.ONE_PAPER) == {False}
    assert enabled(Enabled.ALWAYS) == {True}


def test_undo_and_redo_say_what_they_would_do(window: MainWindow) -> None:
    undo, redo = window.named_actions["actionUndo"], window.named_actions["actionRedo"]
    assert (undo.text(), undo.isEnabled(), redo.isEnabled()) == ("&Undo", False, False)
    window.table.selectRow(0)
    window.named_actions["actionMarkSkipped"].trigger()
    assert (undo.text(), undo.isEnabled()) == ("&Undo Mark 1 paper as skipped", True)
    undo.trigger()
    assert (redo.text(), redo.isEnabled(), undo.isEnabled()) == (
        "&Redo Mark 1 paper as skipped", True, False,
    )  # fmt: skip


# --- handlers see a small interface, not the window ----------------------------------------


class Context:
    """Just what a paper handler may use: enough to run the registry's paper actions."""

    def __init__(self, library: Library, selected: list[int]) -> None:
        self.library = library
        self.selected = selected
        self.stack = UndoStack()
        self.parent = QWidget()

    def selected_paper_ids(self) -> list[int]:
        return list(self.selected)

    def current_paper_id(self) -> int | None:
        return self.selected[0] if self.selected else None

    def apply(self, operation: Callable[[], Changes]) -> Changes | None:
        return self.stack.apply(operation)

    def show_paper(self, paper_id: int) -> None:
        self.selected = [paper_id]

    def dialog_parent(self) -> QWidget:
        return self.parent


def test_paper_actions_run_on_a_context_without_a_window(
    qtbot, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = library.search("", sort="key")[:3]
    ctx = Context(library, ids)
    parent = QObject()
    actions = registry.build(parent, ctx)  # type: ignore[arg-type]  # a PaperContext only
    actions["actionMarkRead"].trigger()
    assert [r["status"] for r in library.records(ids)] == ["new"] * 3  # nothing selected yet
    actions.update_enabled(len(ids))
    actions["actionMarkRead"].trigger()
    assert [r["status"] for r in library.records(ids)] == ["read"] * 3
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    actions["actionDeletePapers"].trigger()
    assert library.records(ids) == []
    ctx.stack.undo()
    ctx.stack.undo()
    assert [r["status"] for r in library.records(ids)] == ["new"] * 3


# --- the undo history --------------------------------------------------------------------


def test_a_refused_undo_leaves_library_and_history_as_they_were(
    qtbot, library: Library, library_path: Path
) -> None:
    stack = UndoStack()
    changed: list[Changes] = []
    failed: list[str] = []
    stack.changed.connect(changed.append)
    stack.failed.connect(failed.append)
    ids = library.search("", sort="key")[:2]
    stack.apply(lambda: papers.set_status(library, ids, "reading"))
    assert stack.can_undo() and len(changed) == 1

    library.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(library_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        stack.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert failed and "could not be undone" in failed[0] and "busy" in failed[0]
    assert stack.can_undo() and not stack.can_redo()  # the history did not move
    assert [r["status"] for r in library.records(ids)] == ["reading"] * 2

    stack.undo()  # the lock is gone: the same step works now
    assert [r["status"] for r in library.records(ids)] == ["new"] * 2
    stack.redo()
    assert [r["status"] for r in library.records(ids)] == ["reading"] * 2
    assert len(changed) == 3 and changed[-1].papers == frozenset(ids)


def test_nothing_changed_is_not_kept(qtbot, library: Library) -> None:
    stack = UndoStack()
    first = library.search("", sort="key")[:1]
    stack.apply(lambda: papers.set_status(library, first, "new"))  # new already
    assert stack.count() == 0
    refused = stack.apply(lambda: papers.set_status(library, first, "finished"))
    assert refused is None and stack.count() == 0
