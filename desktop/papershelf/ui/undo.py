"""One undo command for any operation, and the stack that keeps them.

An operation (``core.ops``) is applied before its command is pushed, so a refused
operation never reaches the stack. Its ``Changes`` carry their own undo, whose result
carries the redo: the command only alternates them. It opens no dialog and knows no
window: the stack announces what changed (``changed``) and what could not be done
(``failed``), and the window decides how to show it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack

from papershelf.core.errors import LibraryError
from papershelf.core.ops.changes import Changes


class ChangesCommand(QUndoCommand):
    """An applied operation on the stack: undo, then redo, then undo..."""

    def __init__(self, changes: Changes, stack: UndoStack) -> None:
        super().__init__(changes.label)
        self._next = changes  # whose undo() is the next step, either way
        self._stack = stack
        self._applied = True  # QUndoStack.push calls redo(): the operation is done already
        self.skip_once = False  # set by the stack to step back over a step that failed

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._step("redone")

    def undo(self) -> None:
        self._step("undone")

    def _step(self, done: str) -> None:
        if self.skip_once:
            self.skip_once = False
            return
        step = self._next.undo
        if step is None:  # never pushed: nothing to undo
            return
        try:
            self._next = step()
        except LibraryError as exc:
            self._stack.step_failed(self, f"“{self.text()}” could not be {done}: {exc}")
            return
        self._stack.changed.emit(self._next)


class UndoStack(QObject):
    """The window's undo history: operations in, ``changed`` and ``failed`` out."""

    changed = Signal(object)  # the Changes of an operation, an undo or a redo
    failed = Signal(str)  # one line: what could not be done, and why
    textsChanged = Signal()  # what Undo and Redo would do now

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stack = QUndoStack(self)
        self._failure: tuple[ChangesCommand, str] | None = None
        self._stack.indexChanged.connect(self.textsChanged)

    def apply(self, operation: Callable[[], Changes]) -> Changes | None:
        """Run an operation and keep it for undo; a refusal is reported, never kept."""
        try:
            changes = operation()
        except LibraryError as exc:
            self.failed.emit(f"That did not work: {exc}")
            return None
        self.push(changes)
        return changes

    def push(self, changes: Changes) -> None:
        """Keep an operation applied elsewhere (a task's import) and announce it."""
        if changes.undo is not None and not changes.empty:
            self._stack.push(ChangesCommand(changes, self))
        self.changed.emit(changes)

    def undo(self) -> None:
        """Undo the last operation; when that fails, nothing changes, also on the stack."""
        self._step(self._stack.undo, self._stack.redo)

    def redo(self) -> None:
        """Redo the last undone operation (the same care as ``undo``)."""
        self._step(self._stack.redo, self._stack.undo)

    def _step(self, forward: Callable[[], None], back: Callable[[], None]) -> None:
        self._failure = None
        forward()
        if self._failure is not None:
            command, message = self._failure
            self._failure = None
            command.skip_once = True
            back()  # the stack moved, the library did not: move the stack back
            self.failed.emit(message)

    def step_failed(self, command: ChangesCommand, message: str) -> None:
        """A command's undo or redo was refused (called by the command)."""
        self._failure = (command, message)

    def count(self) -> int:
        """How many operations the history holds (undone ones included)."""
        return self._stack.count()

    def can_undo(self) -> bool:
        return self._stack.canUndo()

    def can_redo(self) -> bool:
        return self._stack.canRedo()

    def bind(self, undo: QAction, redo: QAction) -> None:
        """Keep the Undo and Redo actions' text ("Undo Mark 3 papers as read") and
        enabled state in step with the history. The toolbar shows the short verb, so
        its buttons keep their places; the tooltip and the Edit menu say it all."""

        def update() -> None:
            for action, verb, text, can in (
                (undo, "&Undo", self._stack.undoText(), self._stack.canUndo()),
                (redo, "&Redo", self._stack.redoText(), self._stack.canRedo()),
            ):
                full = f"{verb} {text}" if text else verb
                action.setText(full)
                action.setIconText(verb.replace("&", ""))
                action.setToolTip(full.replace("&", ""))
                action.setEnabled(can)

        self.textsChanged.connect(update)
        update()
