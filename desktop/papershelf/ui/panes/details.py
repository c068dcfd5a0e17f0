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

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from papershelf.core.fields import Paper
from papershelf.core.names import display
from papershelf.core.plural import plural
from papershelf.core.store.schema import STATUSES
from papershelf.core.text import latex_to_text

AUTHOR_SCHEME = "papershelf-author"
STATUS_SCHEME = "papershelf-status"


def highlight(text: str, words: Sequence[str], color: str) -> str:
    """``text`` escaped, with the words (as prefixes) of the current filter marked."""
    cleaned = [w for w in words if w.strip()]
    if not cleaned:
        return html.escape(text)
    alternatives = sorted((re.escape(w) for w in cleaned), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<span style="background-color:{color}">{html.escape(match.group(0))}</span>')
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self.show_empty(0)

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == AUTHOR_SCHEME:
            self.authorClicked.emit(unquote(url.path()))
        elif url.scheme() == STATUS_SCHEME:
            self.statusClicked.emit(url.path())
        else:
            super()._follow(url)

    def show_empty(self, selected: int) -> None:
        """What the pane says when no single paper is current."""
        message = (
            f"{plural(selected, 'paper')} selected"
            if selected > 1
            else "Select a paper to read it."
        )
        self.setHtml(f"<p style='color:gray'>{html.escape(message)}</p>")

    def show_paper(self, paper: Paper, words: Sequence[str]) -> None:
        """Render ``paper`` with ``words`` highlighted."""
        mark = self.palette().color(QPalette.ColorRole.Highlight)
        mark.setAlpha(90)
        color = f"rgba({mark.red()},{mark.green()},{mark.blue()},0.35)"

        def text(value: str) -> str:
            return highlight(latex_to_text(value), words, color)

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
        links = [u for u in [*paper.code_urls, paper.url] if u]
        if links:
            facts.append(("Links", "<br>".join(self._link(u) for u in links)))
        elif paper.has_code:
            facts.append(("Code", "public code (no link given)"))
        rows = "".join(
            f"<tr><td style='color:gray; padding-right:8px'>{name}</td><td>{value}</td></tr>"
            for name, value in facts
        )
        parts = [
            f"<h2 style='margin-bottom:4px'>{text(paper.title)}</h2>",
            f"<p style='margin-top:0'>{authors}</p>",
        ]
        if paper.affiliations:
            parts.append(
                f"<p style='color:gray; margin-top:0'>{text(', '.join(paper.affiliations))}</p>"
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
    def _link(url: str) -> str:
        if url.startswith(("http://", "https://")):
            return f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'
        return html.escape(url)
