"""NotePanel: the current paper's Markdown note, saved so that nothing typed is lost.

The first keystroke after a save starts a short timer, and the note is written when
it fires: a note is committed within 500 ms of any keystroke even while the reader
keeps typing (a debounce would wait for a pause that may never come before a crash).
It is also written at once when the paper changes, the editor loses focus, the window
closes or the application quits.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.errors import LibraryError
from papershelf.core.store.library import Library
from papershelf.ui.panes.details import SafeTextBrowser
from papershelf.ui.themed import muted_label

SAVE_DELAY_MS = 250  # plus the write itself, well inside the 500 ms promise


class NotePanel(QWidget):
    """Editor, Markdown preview and a saved/saving indicator for one paper's note."""

    saved = Signal(int)  # paper id whose note was written

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.paper_id: int | None = None
        self._dirty = False
        self.editor = QPlainTextEdit(objectName="noteEditor")
        self.editor.setPlaceholderText("Your notes on this paper, in Markdown…")
        self.editor.setTabChangesFocus(True)
        self.preview = SafeTextBrowser()
        self.preview.setObjectName("notePreview")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.editor)
        self.stack.addWidget(self.preview)
        self.title = QLabel("<b>Note</b>")
        self.state = muted_label("noteState")
        self.preview_button = QToolButton(objectName="notePreviewButton", text="Preview")
        self.preview_button.setCheckable(True)
        # Its shortcut (Ctrl+Shift+P) is the registry's actionToggleNotePreview, which
        # the window keeps in step with this button.
        self.preview_button.setToolTip("Show the note as formatted Markdown (Ctrl+Shift+P)")
        self.preview_button.toggled.connect(self._toggle_preview)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.state)
        bar.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        # Notes that could not be written (library locked, read-only, disk full) wait
        # here, shown when their paper is, and are retried until they are written.
        self._unsaved: dict[int, str] = {}
        self._retry = QTimer(self, singleShot=True, interval=2000)
        self._retry.timeout.connect(self._flush)
        self.editor.textChanged.connect(self._edited)
        self.editor.installEventFilter(self)
        self.preview.installEventFilter(self)  # typing there goes back to the editor
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.save)
        self._attached = app is not None
        self.set_paper(None)

    def detach(self) -> None:
        """Save, then let go of the library (its window is closing)."""
        self.save()
        app = QApplication.instance()
        if app is not None and self._attached:
            app.aboutToQuit.disconnect(self.save)
        self._attached = False
        self.paper_id = None

    def set_paper(self, paper_id: int | None) -> None:
        """Save the note being edited, then show ``paper_id``'s note."""
        self.save()
        self.paper_id = paper_id
        pending = paper_id in self._unsaved
        if paper_id is None:
            body = ""
        else:
            body = self._unsaved[paper_id] if pending else self.library.note(paper_id)
        self.editor.blockSignals(True)
        self.editor.setPlainText(body)
        self.editor.blockSignals(False)
        self.editor.setReadOnly(paper_id is None)
        self._dirty = False
        if not pending:
            self.state.setText("Saved" if body else "")  # an empty note has nothing saved
        if self.preview_button.isChecked():
            self.preview.show_markdown(body)

    def reload_if_unchanged(self) -> None:
        """Show a note another process wrote, unless the reader is editing this one."""
        if self.paper_id is None or self._dirty or self.paper_id in self._unsaved:
            return
        body = self.library.note(self.paper_id)
        if body != self.editor.toPlainText():
            self.set_paper(self.paper_id)

    def _edited(self) -> None:
        if self.paper_id is None:
            return
        self._dirty = True
        self.state.setText("Saving…")
        if not self._timer.isActive():  # a throttle, not a debounce: see the module doc
            self._timer.start()

    def save(self) -> None:
        """Write the edited note now; one that cannot be written is kept and retried."""
        self._timer.stop()
        if self._dirty and self.paper_id is not None:
            self._unsaved[self.paper_id] = self.editor.toPlainText()
            self._dirty = False
        self._flush()

    def _flush(self) -> None:
        """Write every note waiting to be saved (a locked or read-only library delays them)."""
        for paper_id, body in list(self._unsaved.items()):
            try:
                self.library.set_note(paper_id, body)
            except (LibraryError, sqlite3.Error) as exc:
                self.state.setText("Not saved")
                self.state.setToolTip(f"The note could not be saved: {exc}. It is kept here.")
                self._retry.start()
                return
            del self._unsaved[paper_id]
            self.saved.emit(paper_id)
        if self.paper_id is not None and not self._dirty:
            self.state.setText("Saved" if self.editor.toPlainText() else "")
            self.state.setToolTip("")

    def has_unsaved(self) -> bool:
        """True while a note typed here is not yet in the library."""
        return self._dirty or bool(self._unsaved)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.save()
        elif (
            watched is self.preview
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and _types_text(event)
        ):
            # The reader meant to write: back to the editor, with this keystroke.
            self.set_preview(False)
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            QApplication.sendEvent(self.editor, QKeyEvent(
                event.type(), event.key(), event.modifiers(), event.text(),
                event.isAutoRepeat(), event.count(),
            ))  # fmt: skip
            return True
        return super().eventFilter(watched, event)

    def set_preview(self, on: bool) -> None:
        """Show the formatted note (True) or the editor (False); the focus follows."""
        self.preview_button.setChecked(on)

    def _toggle_preview(self, on: bool) -> None:
        had_focus = self.stack.currentWidget().hasFocus()
        if on:
            self.preview.show_markdown(self.editor.toPlainText())
        self.stack.setCurrentWidget(self.preview if on else self.editor)
        self.preview_button.setText("Edit" if on else "Preview")
        if had_focus:
            self.stack.currentWidget().setFocus(Qt.FocusReason.OtherFocusReason)


def _types_text(event: QKeyEvent) -> bool:
    """A keystroke that writes a character (not a shortcut, a move or a scroll)."""
    commands = (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    text = event.text()
    return bool(text) and text.isprintable() and not (event.modifiers() & commands)
