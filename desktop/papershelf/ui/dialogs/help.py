"""Help > Query Language and Help > Keyboard Shortcuts.

The query help lists the filter's syntax with examples; an example clicked (or
reached with Tab and Enter) becomes the filter, so the reader sees what it does. The
shortcut list is made by the action registry (``registry.shortcut_rows``) each time it
opens, so it cannot fall behind the shortcuts the window really has.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

FILTER_SCHEME = "filter"

# (what you type, what it matches, examples that run on the seeded library)
QUERY_SYNTAX: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("word", "a word starting with it in title, authors, abstract, tags or note",
     ("learning", "diffus")),
    ('"exact phrase"', "those words in a row", ('"in-context learning"',)),
    ("a b", "both (AND is implicit)", ("transformer theory",)),
    ("a OR b", "either; OR binds tighter than AND", ("diffusion OR transformer",)),
    ("-a", "not a", ("learning -transformer",)),
    ("( )", "grouping", ("(cat:CV OR cat:LG) has:code",)),
    ("title:  author:", "that field only", ("title:transformers", 'author:"Tengyu Ma"')),
    ("aff:", "part of an affiliation", ("aff:stanford",)),
    ("tag:  status:", "a whole tag; a reading status", ("tag:theory", "status:to-read")),
    ("cat:  key:", "category; the start of a citation key", ("cat:CV", "key:akyurek")),
    ("venue:  type:", "journal or conference; entry type", ("venue:neurips", "type:article")),
    ("year:", "publication year, a bound or a range", ("year:2023", "year:>=2024",
                                                       "year:2021..2023")),
    ("has:", "papers that have code, a note, tags or an abstract", ("has:code", "has:note")),
)  # fmt: skip


class HelpHost(Protocol):
    """What the help dialogs use of the window."""

    def dialog_parent(self) -> QWidget: ...

    def set_filter(self, text: str) -> None: ...


def query_help_html() -> str:
    """The syntax table; each example a link that applies it."""
    rows = []
    for syntax, meaning, examples in QUERY_SYNTAX:
        links = ", ".join(
            f"<a href='{FILTER_SCHEME}:{quote(example, safe='')}'><code>"
            f"{html.escape(example)}</code></a>"
            for example in examples
        )
        rows.append(
            f"<tr><td><code>{html.escape(syntax)}</code></td>"
            f"<td>{html.escape(meaning)}</td><td>{links}</td></tr>"
        )
    return (
        "<p>Type into the filter box (Ctrl+F); the table follows as you type and Esc "
        "clears it. Field names and values ignore case. Click an example, or reach it "
        "with Tab and press Enter, to try it.</p>"
        "<table cellspacing='0' cellpadding='4'>"
        "<tr><th align='left'>you type</th><th align='left'>matches</th>"
        "<th align='left'>try</th></tr>" + "".join(rows) + "</table>"
        "<p>A query that cannot mean anything (<code>year:abc</code>) keeps the last "
        "result and says what is wrong.</p>"
    )


class QueryHelpDialog(QDialog):
    """The query syntax; its examples set the window's filter."""

    def __init__(self, host: HelpHost) -> None:
        super().__init__(host.dialog_parent())
        self.setObjectName("queryHelpDialog")
        self.setWindowTitle("Query Language")
        self.host = host
        self.browser = QTextBrowser(objectName="queryHelp")
        self.browser.setOpenLinks(False)  # our own scheme; nothing is ever loaded
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(query_help_html())
        self.browser.anchorClicked.connect(self._example)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _example(self, url: QUrl) -> None:
        if url.scheme() == FILTER_SCHEME:
            self.host.set_filter(unquote(url.path()))


class ShortcutsDialog(QDialog):
    """Every shortcut, from the registry: what it does, its keys, where it works."""

    def __init__(self, parent: QWidget, rows: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.table = QTableWidget(len(rows), 3, objectName="shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        # The keys and where they work take what they need; the description the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(860, 600)


def _show(dialog: QDialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def show_query_help(host: HelpHost) -> None:
    """Help > Query Language: one dialog per window, left open beside it."""
    parent = host.dialog_parent()
    dialog = parent.findChild(QueryHelpDialog, "queryHelpDialog")
    _show(dialog if dialog is not None else QueryHelpDialog(host))


def show_shortcuts(host: HelpHost, rows: Sequence[tuple[str, str, str]]) -> None:
    """Help > Keyboard Shortcuts: (action, keys, where) rows, which the registry makes."""
    parent = host.dialog_parent()
    old = parent.findChild(ShortcutsDialog, "shortcutsDialog")
    if old is not None:
        old.setParent(None)
        old.deleteLater()
    dialog = ShortcutsDialog(parent, rows)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _show(dialog)
