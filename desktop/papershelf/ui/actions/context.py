"""What an action's handler may use: a small interface, not the window.

Handlers of actions on papers see ``PaperContext``: the library, the selection, a way
to apply an operation (which the undo history keeps), and a way to ask or tell the
reader. The window's own commands (find, import, quit...) are ``WindowCommands``. The
main window provides both; a test may provide either with a few lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from papershelf.core.ops.changes import Changes
from papershelf.core.store.library import Library


class PaperContext(Protocol):
    """What a handler of an action on papers needs."""

    @property
    def library(self) -> Library: ...

    def selected_paper_ids(self) -> list[int]:
        """The selected papers, in table order."""
        ...

    def current_paper_id(self) -> int | None:
        """The paper under the cursor."""
        ...

    def apply(self, operation: Callable[[], Changes]) -> Changes | None:
        """Run an operation: kept for undo when done, the reader told when refused."""
        ...

    def show_paper(self, paper_id: int) -> None:
        """Bring a paper into view and make it current."""
        ...

    def dialog_parent(self) -> QWidget:
        """The widget dialogs belong to."""
        ...


class WindowCommands(Protocol):
    """The window's own commands, which actions in menus and the toolbar trigger."""

    def close(self) -> bool: ...
    def undo(self) -> None: ...
    def redo(self) -> None: ...
    def focus_filter(self) -> None: ...
    def clear_filter(self) -> None: ...
    def select_all_papers(self) -> None: ...
    def focus_tag_edit(self) -> None: ...
    def show_sidebar(self, visible: bool) -> None: ...
    def show_details(self, visible: bool) -> None: ...
    def import_files(self) -> None: ...
    def export_notes(self) -> None: ...
    def export_references(self) -> None: ...
    def restore_from_backup(self) -> None: ...
    def about(self) -> None: ...


class ActionContext(PaperContext, WindowCommands, Protocol):
    """Everything the registry's handlers use: what the main window provides."""
