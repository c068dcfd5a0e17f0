"""TriageView: the inbox one paper at a time, decided with single keys.

``t`` to-read, ``r`` read, ``s`` skip, ``g`` reading: the paper gets that status (one
undo step, through the window's undo history) and the next one shows. ``1``-``3`` give
it priority low, medium or high and ``0`` none (one undo step; the paper stays, since a
priority is not a decision). ``u`` undoes the last step and goes back to its paper; ``o``
opens the paper through the window's ``actionOpenPaper`` (while triage shows, the
window's current paper is triage's); ``j``/``k`` or the arrows move without deciding;
Esc leaves. The queue is
the inbox as it was on entering (status ``new``, newest first), so a paper decided by
mistake stays reachable with ``k``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from papershelf.core.fields import PRIORITIES, Paper
from papershelf.core.names import display
from papershelf.core.ops import papers as paper_ops
from papershelf.core.ops import reading
from papershelf.core.ops.changes import Changes
from papershelf.core.store import follows
from papershelf.core.store.library import Library
from papershelf.core.text import latex_to_text
from papershelf.ui.panes.details import SafeTextBrowser

KEYS: dict[str, str] = {"t": "to-read", "r": "read", "s": "skipped", "g": "reading"}
PRIORITY_KEYS: dict[str, str] = {str(rank): name for rank, name in enumerate(PRIORITIES)}
HELP = (
    "t to-read · g reading · r read · s skip · 1-3 priority (0 none) · u undo · "
    "j/k next/previous · Esc leave"
)


class TriageView(QWidget):
    """Emits ``left`` when the reader presses Esc (the window shows the table again)."""

    left = Signal()
    paperShown = Signal(object)  # the id of the paper now shown, or None (empty inbox)

    def __init__(
        self,
        library: Library,
        apply: Callable[[Callable[[], Changes]], Changes | None],
        undo: Callable[[], None],
        open_action: QAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("triageView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.library = library
        self._apply = apply
        self._undo = undo
        self._open = open_action
        self.queue: list[int] = []
        self.position = 0
        self._decided: list[int] = []  # the queue positions of the steps taken, for ``u``
        self.progress = QLabel(objectName="triageProgress")
        self.keys = QLabel(HELP.replace("u undo", "u undo · o open") if open_action else HELP)
        self.keys.setStyleSheet("color: gray;")
        self.page = SafeTextBrowser()
        self.page.setObjectName("triagePaper")
        self.page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every key is the view's
        font = QFont(self.page.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.page.setFont(font)
        self.page.document().setDocumentMargin(24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.progress)
        layout.addWidget(self.page, 1)
        layout.addWidget(self.keys)

    # ------------------------------------------------------------ the queue

    def start(self) -> None:
        """Take the inbox as it is now and show its first paper."""
        self.queue = follows.inbox_ids(self.library)
        self.position = 0
        self._decided.clear()
        self.refresh()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_paper_id(self) -> int | None:
        if 0 <= self.position < len(self.queue):
            return self.queue[self.position]
        return None

    def refresh(self) -> None:
        """Show the current paper (it may have changed elsewhere) and the progress line."""
        rows = self.library.summary_rows(self.queue)  # a paper deleted meanwhile drops out
        self.queue = [i for i in self.queue if i in rows]
        self.position = min(self.position, max(len(self.queue) - 1, 0))
        paper_id = self.current_paper_id()
        if paper_id is None:
            self.page.setHtml("<h2>The inbox is empty.</h2><p>Esc goes back to the library.</p>")
        else:
            self.page.setHtml(_paper_html(self.library.paper(paper_id)))
        self.progress.setText(self.progress_text())
        self.paperShown.emit(paper_id)

    def progress_text(self) -> str:
        """ "12 of 140 left, 31 to-read today" """
        rows = self.library.summary_rows(self.queue)
        left = sum(1 for i in self.queue if i in rows and rows[i][7] == "new")
        midnight = datetime.combine(datetime.now().date(), time()).astimezone()
        today = follows.to_read_since(self.library, midnight.isoformat())
        return f"{left:,} of {len(self.queue):,} left, {today:,} to-read today"

    # ------------------------------------------------------------ keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text().lower()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(event)  # Ctrl+Z and the window's shortcuts go on
            return
        if key == Qt.Key.Key_Escape:
            self.left.emit()
        elif text in KEYS:
            self.decide(KEYS[text])
        elif text in PRIORITY_KEYS:
            self.prioritise(PRIORITY_KEYS[text])
        elif text == "u":
            self.undo()
        elif text == "o" and self._open is not None:
            self.open()
        elif text == "j" or key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.move(1)
        elif text == "k" or key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.move(-1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def decide(self, status: str) -> None:
        """Give the current paper ``status`` (one undo step) and show the next."""
        paper_id = self.current_paper_id()
        if paper_id is None:
            return
        changes = self._apply(lambda: paper_ops.set_status(self.library, [paper_id], status))
        if changes is not None and not changes.empty:
            self._decided.append(self.position)
        if changes is not None:
            self.position = min(self.position + 1, max(len(self.queue) - 1, 0))
        self.refresh()

    def prioritise(self, level: str) -> None:
        """Give the current paper a priority (one undo step); it stays in view."""
        paper_id = self.current_paper_id()
        if paper_id is None:
            return
        changes = self._apply(lambda: reading.set_priority(self.library, [paper_id], level))
        if changes is not None and not changes.empty:
            self._decided.append(self.position)
        self.refresh()

    def open(self) -> None:
        """Open the paper through the window's action; opening may mark it reading, a step
        ``u`` then undoes like any other."""
        paper_id = self.current_paper_id()
        if paper_id is None or self._open is None:
            return
        before = self.library.paper(paper_id).status
        self._open.trigger()
        if self.library.paper(paper_id).status != before:
            self._decided.append(self.position)
        self.refresh()

    def undo(self) -> None:
        """Undo the last step and go back to the paper it decided."""
        self._undo()
        if self._decided:
            self.position = self._decided.pop()
        self.refresh()

    def move(self, step: int) -> None:
        if self.queue:
            self.position = max(0, min(len(self.queue) - 1, self.position + step))
            self.refresh()


def _paper_html(paper: Paper) -> str:
    def text(value: str) -> str:
        return html.escape(latex_to_text(value))

    authors = ", ".join(text(display(a)) for a in paper.authors)
    if paper.authors_truncated:
        authors += " <i>et al.</i>"
    where = [paper.venue or paper.category, paper.published or ""]
    if paper.sources:
        where.append("from " + ", ".join(paper.sources))
    links = [u for u in (paper.url, *paper.code_urls) if u]
    if paper.arxiv_id and not any("arxiv.org" in u for u in links):
        links.insert(0, f"https://arxiv.org/abs/{paper.arxiv_id}")
    if paper.doi:
        links.append(f"https://doi.org/{paper.doi}")
    shown = "".join(
        f'<a href="{html.escape(u, quote=True)}">{html.escape(u)}</a><br>'
        for u in links
        if u.startswith(("http://", "https://"))
    )
    abstract = text(paper.abstract.strip()) or "<i>No abstract.</i>"
    priority = "" if paper.priority == "none" else f" · <b>priority {paper.priority}</b>"
    return (
        f"<h1 style='margin-bottom:6px'>{text(paper.title)}</h1>"
        f"<p style='margin-top:0'>{authors}</p>"
        f"<p style='color:gray'>{html.escape(' · '.join(w for w in where if w))} · "
        f"<b>{html.escape(paper.status)}</b>{priority}</p>"
        f"<p style='line-height:140%'>{abstract}</p><p>{shown}</p>"
    )
