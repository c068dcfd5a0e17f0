"""The window's capture commands: File > Add by Identifier, pasting identifiers into the
table, and Paper > Find Identifiers.

Asking arXiv and Crossref takes seconds (arXiv allows one request every 3 s), so it
runs on the task service's "network" lane with progress and Cancel; the papers found
are then written on the main thread in one operation (a few rows: milliseconds), which
the undo history keeps as one step. A cancelled lookup writes nothing. One dialog sums
up what became of each identifier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from papershelf.core import identifiers
from papershelf.core.errors import NetCancelled
from papershelf.core.fields import PaperFields
from papershelf.core.ops.changes import Changes
from papershelf.ui.tasks import NETWORK, TaskContext
from papershelf.ui.window.progress_job import PapersJobHost, ProgressJob

if TYPE_CHECKING:  # the network stack (httpx, feedparser) loads when first used
    from papershelf.core.ops import capture


_SHOW_LINES = 30


class AddByIdentifierDialog(QDialog):
    """A text box for arXiv ids, arXiv URLs and DOIs, one per line or space-separated."""

    def __init__(self, parent: QWidget, text: str = "") -> None:
        super().__init__(parent, objectName="addByIdentifierDialog")
        self.setWindowTitle("Add by Identifier")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "arXiv ids or URLs and DOIs, one per line or separated by spaces:\n"
                "2303.16800, https://arxiv.org/abs/2303.16800, 10.1038/nature14539, "
                "https://doi.org/…"
            )
        )
        self.edit = QPlainTextEdit(objectName="identifierEdit")
        self.edit.setPlainText(text)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 280)

    def items(self) -> list[str]:
        return identifiers.split(self.edit.toPlainText())


class Capture(ProgressJob):
    """Add by identifier and find identifiers, off the main thread."""

    def __init__(self, window: PapersJobHost) -> None:
        super().__init__(window)
        self.window = window

    # ------------------------------------------------------------ commands

    def add_by_identifier(self, text: str = "") -> None:
        """File > Add by Identifier: ask for identifiers, then add them."""
        if self._busy():
            return
        dialog = AddByIdentifierDialog(self.window.dialog_parent(), text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        items = dialog.items()
        if items:
            self.add_items(items)

    def paste(self) -> None:
        """Ctrl+V on the table: offer to add the identifiers the clipboard's text holds."""
        text = QGuiApplication.clipboard().text()
        found = identifiers.scan(text)
        if not found:
            self.window.statusBar().showMessage(
                "The clipboard holds no arXiv id, arXiv URL or DOI.", 6000
            )
            return
        listed = "\n".join(str(i) for i in found[:_SHOW_LINES])
        more = f"\n… and {len(found) - _SHOW_LINES} more" if len(found) > _SHOW_LINES else ""
        answer = QMessageBox.question(
            self.window.dialog_parent(),
            "Add Papers",
            f"Add {_papers(len(found))} from the clipboard?\n\n{listed}{more}",
        )
        if answer == QMessageBox.StandardButton.Yes and not self._busy():
            self.add_items(found)

    def add_items(self, items: Sequence[str | identifiers.Identifier]) -> None:
        """Look ``items`` up in the background, then add what was found (one undo step)."""
        items = list(items)

        def work(context: TaskContext) -> list[capture.LookedUp]:
            # The network stack loads here, on the lane's thread (about 0.3 s the first time).
            from papershelf.core.net.http import PoliteClient
            from papershelf.core.ops import capture

            with PoliteClient(cancelled=context.cancelled) as client:
                return capture.look_up(items, client, context.progress)

        def done(looked: list[capture.LookedUp]) -> None:
            from papershelf.core.ops import capture  # loaded by ``work``

            outcomes: list[capture.Outcome] = []

            def write() -> Changes:
                found, changes = capture.add_looked_up(self.window.library, looked)
                outcomes.extend(found)
                return changes

            self.window.apply(write)
            if not outcomes:  # the write was refused; apply told the reader why
                return
            counts = {r: sum(1 for o in outcomes if o.result == r) for r in _OUTCOMES}
            summary = ", ".join(f"{r} {n}" for r, n in counts.items())
            self._tell("Add by Identifier", summary, [o.line() for o in outcomes])

        self._start("Looking up…", "Add by Identifier", work, done, "Nothing was added")

    def find_identifiers(self) -> None:
        """Paper > Find Identifiers: arXiv ids for the selected papers (all when none).

        Which papers lack one is read on the network lane too: at a million papers
        that query, like loading the network stack, would hold up the window."""
        if self._busy():
            return
        selected = self.window.selected_paper_ids()

        def work(context: TaskContext) -> list[tuple[capture.Match, PaperFields | None]] | None:
            from papershelf.core.net.http import PoliteClient
            from papershelf.core.ops import capture

            library = context.library
            ids = (
                [p.id for p in library.papers(selected) if not p.arxiv_id]
                if selected
                else capture.papers_without_arxiv_id(library)
            )
            if not ids:
                return None
            with PoliteClient(cancelled=context.cancelled) as client:
                return capture.find_arxiv_ids(library, ids, client, context.progress)

        def done(found: list[tuple[capture.Match, PaperFields | None]] | None) -> None:
            if found is None:
                QMessageBox.information(
                    self.window.dialog_parent(), "Find Identifiers", "Every paper has an arXiv id."
                )
                return
            from papershelf.core.ops import capture  # loaded by the work already

            self.window.apply(lambda: capture.apply_matches(self.window.library, found))
            counts = {r: sum(1 for m, _ in found if m.result == r) for r in _MATCHES}
            summary = ", ".join(f"{r} {n}" for r, n in counts.items())
            self._tell("Find Identifiers", summary, [m.line() for m, _ in found])

        which = "the selected papers" if selected else "the papers"
        self._start(
            f"Searching arXiv for {which} without an arXiv id…",
            "Find Identifiers",
            work,
            done,
            "Nothing was changed",
        )

    # ------------------------------------------------------------ helpers

    def _busy(self) -> bool:
        if self.running():
            QMessageBox.information(
                self.window.dialog_parent(),
                "Papershelf",
                "A lookup is still running; wait for it to end or cancel it.",
            )
            return True
        return False

    def _start(
        self,
        text: str,
        title: str,
        work: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None],
        failed: str,
    ) -> None:
        def cancelled() -> None:
            self.window.statusBar().showMessage(f"{title} cancelled: nothing was changed.", 8000)

        self._start_job(
            "capture", text, title, work, on_done, lane=NETWORK, failed=failed,
            on_cancelled=cancelled, cancelled_by=(NetCancelled,),
        )  # fmt: skip

    def _tell(self, title: str, summary: str, lines: Sequence[str]) -> None:
        shown = list(lines[:_SHOW_LINES])
        if len(lines) > _SHOW_LINES:
            shown.append(f"… and {len(lines) - _SHOW_LINES} more")
        box = QMessageBox(
            QMessageBox.Icon.Information, title, summary, parent=self.window.dialog_parent()
        )
        box.setObjectName("captureResult")
        box.setInformativeText("\n".join(shown))
        box.exec()


_OUTCOMES = ("added", "merged", "error")
_MATCHES = ("matched", "ambiguous", "not found", "error")


def _papers(count: int) -> str:
    return "1 paper" if count == 1 else f"{count:,} papers"
