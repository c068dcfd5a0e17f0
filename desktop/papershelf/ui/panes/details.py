"""DetailsPane: the selected paper as escaped, highlighted rich text.

Everything from the data is HTML-escaped before it reaches Qt, nothing is loaded from
files or the network, and only http(s) links leave the app (in the system browser).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser, QWidget

from papershelf.core.fields import Paper
from papershelf.core.files.opener import arxiv_url, doi_url
from papershelf.core.names import display
from papershelf.core.plural import plural, size_text
from papershelf.core.store.schema import STATUSES
from papershelf.core.text import latex_to_text
from papershelf.ui.theme import muted_text, search_mark

AUTHOR_SCHEME = "papershelf-author"
STATUS_SCHEME = "papershelf-status"
FILE_SCHEME = "papershelf-file"  # papershelf-file:N opens the paper's Nth attachment


def highlight(text: str, words: Sequence[str], color: str, ink: str = "") -> str:
    """``text`` escaped, with the words (as prefixes) of the current filter marked in
    background ``color`` (and text ``ink``, when given)."""
    cleaned = [w for w in words if w.strip()]
    if not cleaned:
        return html.escape(text)
    alternatives = sorted((re.escape(w) for w in cleaned), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        style = f"background-color:{color}" + (f"; color:{ink}" if ink else "")
        out.append(f'<span style="{style}">{html.escape(match.group(0))}</span>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


class SafeTextBrowser(QTextBrowser):
    """Rich text that loads nothing and opens only http(s) and mailto links, outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._follow)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Load nothing: an <img> or stylesheet from the data must not reach a file or URL."""
        return None

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def show_markdown(self, text: str) -> None:
        """Render a reader's Markdown; raw HTML in it stays text."""
        features = (
            QTextDocument.MarkdownFeature.MarkdownDialectGitHub
            | QTextDocument.MarkdownFeature.MarkdownNoHTML
        )
        self.document().setMarkdown(text, features)


class DetailsPane(SafeTextBrowser):
    """Shows one paper; emits ``authorClicked`` when a reader follows an author link."""

    authorClicked = Signal(str)
    statusClicked = Signal(str)
    followAuthorRequested = Signal(str)  # "Follow this author" from an author's menu
    attachmentClicked = Signal(int)  # the index of the attachment in the paper's list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self._shown: tuple[Paper, Sequence[str]] | None = None
        self.show_empty(0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The colours are in the HTML: draw the paper again in the new theme's.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            if self._shown is not None:
                self._render(*self._shown)
            else:
                self.show_empty(0)

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == AUTHOR_SCHEME:
            self.authorClicked.emit(unquote(url.path()))
        elif url.scheme() == STATUS_SCHEME:
            self.statusClicked.emit(url.path())
        elif url.scheme() == FILE_SCHEME and url.path().isdigit():
            self.attachmentClicked.emit(int(url.path()))
        else:
            super()._follow(url)

    def author_menu(self, name: str) -> QMenu:
        """An author link's context menu: filter by the author, or follow them."""
        menu = QMenu(self)
        menu.addAction(f"Filter by {name}", lambda: self.authorClicked.emit(name))
        follow = menu.addAction(
            f"Follow {name} on arXiv…", lambda: self.followAuthorRequested.emit(name)
        )
        follow.setObjectName("actionFollowThisAuthor")
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        anchor = QUrl(self.anchorAt(event.pos()))
        if anchor.scheme() != AUTHOR_SCHEME:
            super().contextMenuEvent(event)
            return
        self.author_menu(unquote(anchor.path())).exec(event.globalPos())

    def show_empty(self, selected: int) -> None:
        """What the pane says when no single paper is current."""
        message = (
            f"{plural(selected, 'paper')} selected"
            if selected > 1
            else "Select a paper to read it."
        )
        self._shown = None
        self.setHtml(f"<p style='color:{self._muted()}'>{html.escape(message)}</p>")

    @staticmethod
    def _muted() -> str:
        return muted_text(QApplication.palette()).name()

    def mark_words(self, words: Sequence[str]) -> None:
        """Mark a new filter's words in the paper shown, where the reader is in it."""
        if self._shown is None or list(self._shown[1]) == list(words):
            return
        bar = self.verticalScrollBar()
        at = bar.value()
        self._render(self._shown[0], words)
        bar.setValue(at)

    def show_paper(self, paper: Paper, words: Sequence[str]) -> None:
        """Render ``paper`` with ``words`` highlighted."""
        self._render(paper, words)

    def _render(self, paper: Paper, words: Sequence[str]) -> None:
        self._shown = (paper, words)
        palette = QApplication.palette()
        mark, ink = (c.name() for c in search_mark(palette))
        link = palette.color(QPalette.ColorRole.Link).name()
        muted = self._muted()
        # Qt's rich text draws links in its own blue: the theme's link colour instead.
        self.document().setDefaultStyleSheet(f"a {{ color: {link}; }}")

        def text(value: str) -> str:
            return highlight(latex_to_text(value), words, mark, ink)

        shown = [display(name) for name in paper.authors]
        authors = ", ".join(
            f'<a href="{AUTHOR_SCHEME}:{quote(name, safe="")}">{text(name)}</a>' for name in shown
        )
        if paper.authors_truncated:
            authors += " <i>et al.</i>"
        published = html.escape(paper.published or "unknown date")
        if paper.date_inferred:
            published += " <i>(year inferred from the import date)</i>"
        facts = [("Published", published)]
        if paper.category:
            facts.append(("Category", html.escape(paper.category)))
        if paper.score is not None:
            facts.append(("Score", html.escape(f"{paper.score:g}")))
        facts.append(("Status", self._statuses(paper.status)))
        if paper.tags:
            facts.append(("Tags", text(", ".join(paper.tags))))
        facts.append(("Key", html.escape(paper.key)))
        if paper.doi and paper.doi.strip():
            facts.append(("DOI", self._link(doi_url(paper.doi), paper.doi.strip())))
        if paper.arxiv_id and paper.arxiv_id.strip():
            facts.append(("arXiv", self._link(arxiv_url(paper.arxiv_id), paper.arxiv_id.strip())))
        if paper.attachments:
            facts.append(("Files", "<br>".join(self._files(paper.attachments))))
        links = [u for u in [*paper.code_urls, paper.url] if u]
        if links:
            facts.append(("Links", "<br>".join(self._link(u) for u in links)))
        elif paper.has_code:
            facts.append(("Code", "public code (no link given)"))
        rows = "".join(
            f"<tr><td style='color:{muted}; padding-right:8px'>{name}</td><td>{value}</td></tr>"
            for name, value in facts
        )
        parts = [
            f"<h2 style='margin-bottom:4px'>{text(paper.title)}</h2>",
            f"<p style='margin-top:0'>{authors}</p>",
        ]
        if paper.affiliations:
            parts.append(
                f"<p style='color:{muted}; margin-top:0'>{text(', '.join(paper.affiliations))}</p>"
            )
        parts.append(f"<table cellspacing='0'>{rows}</table>")
        abstract = paper.abstract.strip()
        if abstract:
            parts.append(f"<h4>Abstract</h4><p>{text(abstract)}</p>")
        self.setHtml("".join(parts))

    @staticmethod
    def _statuses(current: str) -> str:
        """The status in bold, the others as links that set it."""
        return " · ".join(
            f"<b>{s}</b>" if s == current else f'<a href="{STATUS_SCHEME}:{s}">{s}</a>'
            for s in STATUSES
        )

    @staticmethod
    def _link(url: str, shown: str | None = None) -> str:
        label = html.escape(url if shown is None else shown)
        if url.startswith(("http://", "https://")):
            return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
        return label

    @staticmethod
    def _files(files: Sequence[dict[str, Any]]) -> list[str]:
        """Each attachment: its name, size and kind, and an Open link (the viewer for a
        PDF, its folder for anything else)."""
        out = []
        for index, item in enumerate(files):
            name = str(item["path"]).replace("\\", "/").rsplit("/", 1)[-1]
            what = "PDF" if item["kind"] == "pdf" else "file"
            verb = "Open" if item["kind"] == "pdf" else "Show in folder"
            out.append(
                f"{html.escape(name)} <span style='color:gray'>({what}, "
                f"{size_text(int(item['size']))})</span> "
                f'<a href="{FILE_SCHEME}:{index}"><b>[{verb}]</b></a>'
            )
        return out
