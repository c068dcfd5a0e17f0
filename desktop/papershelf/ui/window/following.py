"""The window's side of following: the Follow dialog, refreshes in the background (at
start and every few hours), the inbox, triage mode and clearing skipped papers.

Refreshes run as ``papershelf refresh --format json`` in a process of their own,
watched from a lane of their own ("network"), so a slow feed never holds up a query or
an import, and feedparser's Python never holds up the main thread. Their outcome is a line in
the status bar: a failing source is marked in the sidebar and offline is a quiet
state, never a dialog.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStatusBar,
    QTableView,
    QWidget,
)

from papershelf.core.errors import LibraryError
from papershelf.core.ops import follow as follow_ops
from papershelf.core.ops.changes import Changes
from papershelf.core.search.facets import (
    Facet,
    estimated_facet_counts,
    facet_counts,
    following_facets,
)
from papershelf.core.search.query import CompiledQuery
from papershelf.core.store import follows, sources
from papershelf.core.store.library import Library
from papershelf.ui import own_process
from papershelf.ui.actions.registry import Actions
from papershelf.ui.panes.note_editor import NotePanel
from papershelf.ui.panes.triage import TriageView
from papershelf.ui.tasks import NETWORK, TaskContext, TaskManager

if TYPE_CHECKING:  # httpx loads when a refresh runs
    from papershelf.core.net.refresh import RefreshRun


REFRESH_HOURS_KEY = "feeds/refreshHours"  # QSettings; 0 turns automatic refreshes off
DEFAULT_REFRESH_HOURS = 4.0
START_DELAY_MS = 3000  # the window paints and settles before the first refresh


class Window(Protocol):
    """What following needs of the main window."""

    library: Library
    named_actions: Actions
    tasks: TaskManager
    filter_edit: QLineEdit
    notes: NotePanel
    table: QTableView

    def apply(self, operation: Callable[[], Changes]) -> Changes | None: ...
    def undo(self) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def library_changed(self) -> None: ...
    def selection_changed(self) -> None: ...
    def recount_facets(self) -> None: ...
    def sort_newest_first(self) -> None: ...
    def select_first_if_none(self) -> None: ...


def sidebar_counts(
    library: Library,
    query: CompiledQuery,
    limit: int,
    result: Sequence[int] | None = None,
    *,
    estimate: bool = False,
) -> dict[str, list[Facet]]:
    """The facets of the result (its ids, when known; ``estimate``: from a sample of
    them), and the inbox and followed sources (whole library)."""
    if estimate and result is not None:
        groups = estimated_facet_counts(library, query, result, author_limit=limit)
    else:
        groups = facet_counts(library, query, author_limit=limit, result=result)
    groups["Following"] = following_facets(library)
    return groups


class FollowDialog(QDialog):
    """Name and SPEC of a source to follow."""

    def __init__(self, parent: QWidget, name: str = "", spec: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("followDialog")
        self.setWindowTitle("Follow")
        self.name = QLineEdit(name, objectName="followName")
        self.spec = QLineEdit(spec, objectName="followSpec")
        self.spec.setPlaceholderText('arxiv:au:"Tengyu Ma", arxiv:cat:cs.LG, or a feed address')
        self.spec.setMinimumWidth(420)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Follow", self.spec)
        form.addRow(
            QLabel(
                "An arXiv query (arxiv:au:…, arxiv:cat:…, arxiv:ti:…) or the address of "
                "an RSS or Atom feed."
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def _settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Papershelf", "window")


def refresh_hours() -> float:
    """Hours between automatic refreshes (0: off), from the window's settings."""
    try:
        return max(0.0, float(_settings().value(REFRESH_HOURS_KEY, DEFAULT_REFRESH_HOURS)))
    except (TypeError, ValueError):
        return DEFAULT_REFRESH_HOURS


class Following(QObject):
    """Follows, refreshes, the inbox and triage, for one main window."""

    def __init__(self, window: Window, stack: QStackedWidget) -> None:
        super().__init__(stack)
        self.window = window
        self.stack = stack
        self.last_run: RefreshRun | None = None
        self.offline = False
        # How the last refresh went, kept in view (a status message is soon replaced).
        self.state = QLabel(objectName="feedStatus")
        self.state.setStyleSheet("color: gray;")
        window.statusBar().addPermanentWidget(self.state)
        open_action = window.named_actions.get("actionOpenPaper")  # issue 17's
        self.triage = TriageView(window.library, window.apply, window.undo, open_action)
        self.triage.left.connect(self.leave_triage)
        # While triage shows, the paper actions (open, priority...) are on its paper.
        self.triage.paperShown.connect(
            lambda paper_id: window.named_actions.update_enabled(0 if paper_id is None else 1)
        )
        stack.addWidget(self.triage)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.refresh(automatic=True))
        self._arm(refresh_hours())
        if self._timer.isActive() and follows.all_follows(window.library):
            QTimer.singleShot(START_DELAY_MS, self, lambda: self.refresh(automatic=True))

    # ------------------------------------------------------------ refreshing

    def _arm(self, hours: float) -> None:
        """Refresh automatically every ``hours`` from now; 0 stops it."""
        self._timer.stop()
        if hours > 0:
            self._timer.start(int(hours * 3600 * 1000))

    def refresh_every(self) -> None:
        """Ask how many hours apart automatic refreshes are (0: none), keep and apply it."""
        hours, ok = QInputDialog.getDouble(
            self.stack,
            "Automatic Refresh",
            "Hours between refreshes of the followed sources (0: only when asked):",
            refresh_hours(),
            0,
            24 * 7,
            1,
        )
        if not ok:
            return
        _settings().setValue(REFRESH_HOURS_KEY, hours)
        self._arm(hours)
        every = f"every {hours:g} hour{'' if hours == 1 else 's'}" if hours else "only when asked"
        self.window.statusBar().showMessage(f"Followed sources refresh {every}", 8000)

    def refresh(self, names: list[str] | None = None, *, automatic: bool = False) -> None:
        """Refresh sources as ``papershelf refresh`` in a process of its own, watched from
        the network lane (feedparser on a thread here held the main thread for seconds
        while a 10,000-entry feed was read: ``ui/own_process``); the status bar says how
        it went."""
        due = ["--due"] if automatic else []
        command = own_process.own_command(
            self.window.library.path, "--no-seed", "refresh", "--format", "json", *due,
            "--", *(names or []),
        )  # fmt: skip

        def work(context: TaskContext) -> RefreshRun | None:
            from papershelf.core.net.refresh import RefreshRun  # httpx: not at start

            process = own_process.start(command, watched=True)
            cancelled = lambda: context.cancelled  # noqa: E731
            out = own_process.wait(process, cancelled, kill=True, what="the refresh")
            return None if out is None else RefreshRun.from_record(json.loads(out))

        self.state.setText("Refreshing followed sources…")
        self.window.tasks.run(
            "feeds", work, lane=NETWORK, title="Refreshing feeds",
            on_done=self._refreshed, on_error=self._refresh_failed,
        )  # fmt: skip

    def _refreshed(self, run: RefreshRun | None) -> None:
        if run is None:  # the window is closing
            return
        self.last_run = run
        self.offline = run.offline
        if run.offline:
            message = "Offline: followed sources were not refreshed"
        else:
            failed = len(run.failed)
            message = f"Feeds refreshed: {run.added:,} new papers"
            if failed:
                message += f"; {failed} source{'s' if failed > 1 else ''} failing (see sidebar)"
        self.state.setText(message)
        self.window.library_changed()

    def _refresh_failed(self, error: BaseException) -> None:
        # Quiet: a refresh the reader may not have asked for never opens a dialog.
        if not isinstance(error, LibraryError):
            self.window.tasks.report(error)
            return
        self.state.setText(f"Feeds not refreshed: {error}")

    # ------------------------------------------------------------ following

    def follow(self, name: str = "", spec: str = "") -> None:
        """Ask for a name and SPEC, follow it (one undo step) and refresh it."""
        dialog = FollowDialog(self.stack, name, spec)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.name.text().strip()
        what = dialog.spec.text().strip()
        changes = self.window.apply(
            lambda: follow_ops.add_follow(self.window.library, chosen, what)
        )
        if changes is not None:
            self.window.recount_facets()
            self.refresh([chosen])

    def follow_author(self, author: str) -> None:
        """Follow an author's new arXiv papers."""
        self.follow(author, f'arxiv:au:"{author}"')

    def follow_listing_author(self) -> None:
        """Follow the author of the seeded listing."""
        header = sources.listing_header(self.window.library) or {}
        name = str(header.get("name") or "").strip()
        if not name:
            self.window.statusBar().showMessage("This library has no listing to follow", 8000)
            return
        self.follow_author(name)

    def clear_skipped(self) -> None:
        """Delete skipped papers from followed sources older than an age (one undo step)."""
        days, ok = QInputDialog.getInt(
            self.stack,
            "Clear Skipped Papers",
            "Delete papers from followed sources skipped more than this many days ago\n"
            "(papers with a note or tags are kept):",
            30,
            0,
            3650,
        )
        if ok:
            self.window.apply(lambda: follow_ops.clear_skipped(self.window.library, days))

    # ------------------------------------------------------------ inbox and triage

    def show_inbox(self) -> None:
        """The papers with status new, newest first; the newest is current unless the
        current paper is in the inbox too (a key then acts at once)."""
        self.leave_triage()
        self.window.filter_edit.setText("status:new")
        self.window.sort_newest_first()
        self.window.select_first_if_none()

    def start_triage(self) -> None:
        """One paper of the inbox at a time, decided with single keys."""
        self.window.notes.save()
        self.stack.setCurrentWidget(self.triage)
        self.triage.start()

    def leave_triage(self) -> None:
        if self.stack.currentWidget() is self.triage:
            self.stack.setCurrentIndex(0)
            self.window.library_changed()
            self.window.selection_changed()  # the actions follow the table's selection again
            self.window.table.setFocus()

    def stop(self) -> None:
        self._timer.stop()
