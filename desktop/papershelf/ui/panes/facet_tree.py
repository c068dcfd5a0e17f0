"""FacetTree: the sidebar of facet values with their counts within the current result.

A click does not filter by itself: it asks the window to add or remove a term in the
filter text, which stays the one source of truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from papershelf.core.search.facets import UP_NEXT, Facet
from papershelf.core.search.filter_text import has_term

TOKEN_ROLE = Qt.ItemDataRole.UserRole + 1
MORE_AUTHORS = "\x00more-authors"
_ESTIMATED = "Estimated from a sample of the result: the exact counts are on their way"
_EXACT_GROUPS = ("Following", "Status")  # estimates list every status; following: exact
GROUPS = ("Following", "Status", "Tags", "Category", "Year", "Authors", "Affiliations")


def estimate_text(count: int) -> str:
    """An estimated count as few characters as its two figures need ("≈3.7k"): the
    sidebar is narrow, and an estimate has no more figures to show."""
    for unit, letter in ((1_000_000, "M"), (1_000, "k")):
        if count >= unit:
            return f"≈{count / unit:.1f}".removesuffix(".0") + letter
    return f"≈{count}"


def _fmt(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


class FacetTree(QTreeWidget):
    """Emits ``termClicked(token, exclude)``; ``moreAuthorsRequested`` for the "more..." row."""

    termClicked = Signal(str, bool)
    moreAuthorsRequested = Signal()
    upNextClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facetTree")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._collapsed: set[str] = {"Authors", "Affiliations"}
        self.estimated = False  # the counts shown are estimates; the exact ones follow
        # From the click itself: the global modifier state can be stale.
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self.itemClicked.connect(self._clicked)
        self.itemExpanded.connect(lambda item: self._collapsed.discard(item.text(0)))
        self.itemCollapsed.connect(lambda item: self._collapsed.add(item.text(0)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space on a value is a click on it; Ctrl+Enter (Ctrl+Space) excludes it.
        On a group they fold or unfold it."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        item = self.currentItem()
        if event.key() not in keys or item is None:
            super().keyPressEvent(event)
            return
        if item.parent() is None:
            item.setExpanded(not item.isExpanded())
        else:
            self._modifiers = event.modifiers()
            self._clicked(item, 0)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._modifiers = event.modifiers()
        super().mousePressEvent(event)

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        token = item.data(0, TOKEN_ROLE)
        exclude = bool(self._modifiers & Qt.KeyboardModifier.ControlModifier)
        self._modifiers = Qt.KeyboardModifier.NoModifier
        if token == MORE_AUTHORS:
            self.moreAuthorsRequested.emit()
        elif token == UP_NEXT:
            self.upNextClicked.emit()
        elif token:
            self.termClicked.emit(token, exclude)

    def item_for(self, token: str) -> QTreeWidgetItem | None:
        """The row that adds ``token`` to the filter (tests and keyboard use it)."""
        for group in range(self.topLevelItemCount()):
            top = self.topLevelItem(group)
            if top.data(0, TOKEN_ROLE) == token:
                return top
            for child in range(top.childCount()):
                if top.child(child).data(0, TOKEN_ROLE) == token:
                    return top.child(child)
        return None

    def populate(
        self,
        groups: Mapping[str, Sequence[Facet]],
        filter_text: str,
        header: Mapping[str, Any] | None,
        from_listing: int,
        more_authors: bool,
    ) -> None:
        """Rebuild the tree, keeping which groups the reader folded and the scroll position."""
        scroll = self.verticalScrollBar().value()
        self.estimated = any(f.estimated for facets in groups.values() for f in facets)
        self.setUpdatesEnabled(False)
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        self._plan_nodes(groups, filter_text, bold)
        if header:
            self._library_node(header, from_listing, bold)
        for name in GROUPS:
            facets = groups.get(name, [])
            top = QTreeWidgetItem([name, ""])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(top)
            for facet in facets:
                label = f"{facet.label}  ⚠" if facet.failing else facet.label
                count = estimate_text(facet.count) if facet.estimated else f"{facet.count:,}"
                child = QTreeWidgetItem([label, count])
                child.setData(0, TOKEN_ROLE, facet.token)
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                active = has_term(filter_text, facet.token)
                if active:
                    child.setFont(0, bold)
                    child.setToolTip(0, "In the filter: click to remove it")
                else:
                    child.setToolTip(0, f"Click to filter by {facet.token}; Ctrl-click to exclude")
                if facet.note:
                    child.setToolTip(0, f"{facet.note}\n{child.toolTip(0)}")
                if facet.estimated:
                    child.setToolTip(1, _ESTIMATED)
                if facet.failing:
                    child.setForeground(0, QBrush(QColor("#c62828")))
                elif facet.count == 0 and not active:
                    child.setForeground(0, self.palette().placeholderText())
                top.addChild(child)
            if name == "Authors" and more_authors:
                more = QTreeWidgetItem(["more...", ""])
                more.setData(0, TOKEN_ROLE, MORE_AUTHORS)
                top.addChild(more)
            if self.estimated and name not in _EXACT_GROUPS:  # more values may come
                counting = QTreeWidgetItem(["counting…", ""])
                counting.setFlags(Qt.ItemFlag.NoItemFlags)
                counting.setToolTip(0, _ESTIMATED)
                top.addChild(counting)
            elif not facets:
                empty = QTreeWidgetItem(["(none)", ""])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                top.addChild(empty)
            top.setExpanded(name not in self._collapsed)
        self.setUpdatesEnabled(True)
        self.verticalScrollBar().setValue(scroll)

    def _plan_nodes(
        self, groups: Mapping[str, Sequence[Facet]], filter_text: str, bold: QFont
    ) -> None:
        """ "Up next" (the queue, in its order) and the saved searches, above the facets."""
        for facet in groups.get("Up next", []):
            item = QTreeWidgetItem([facet.label, f"{facet.count:,}"])
            item.setData(0, TOKEN_ROLE, facet.token)
            item.setFont(0, bold)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setToolTip(0, "The to-read papers in your reading order (drag rows to reorder)")
            self.addTopLevelItem(item)
        searches = groups.get("Saved searches", [])
        if not searches:
            return
        top = QTreeWidgetItem(["Saved searches", ""])
        top.setFont(0, bold)
        top.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(top)
        for facet in searches:
            count = "!" if facet.count < 0 else f"{facet.count:,}"
            child = QTreeWidgetItem([facet.label, count])
            child.setData(0, TOKEN_ROLE, facet.token)
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            if has_term(filter_text, facet.token):
                child.setFont(0, bold)
            tip = "This search no longer works" if facet.count < 0 else facet.token
            child.setToolTip(0, f"{tip}; right-click to rename, move or delete")
            top.addChild(child)
        top.setExpanded("Saved searches" not in self._collapsed)

    def _library_node(self, header: Mapping[str, Any], from_listing: int, bold: QFont) -> None:
        """The listing the library was seeded from; "Papers 50 of 118 listed" counts the
        papers in the library that came from that listing, not those added since."""
        top = QTreeWidgetItem(["Library", ""])
        top.setFont(0, bold)
        top.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(top)
        listed = header.get("papers")
        lines = [
            ("Listing of", header.get("name")),
            ("Field", header.get("field")),
            ("h-index", header.get("h_index")),
            (
                "Papers",
                f"{from_listing:,}" + (f" of {listed:,} listed" if listed else ""),
            ),
            ("Citations", header.get("citations")),
            ("Novelty", header.get("novelty")),
            ("AI score", header.get("ai_score")),
        ]
        for label, value in lines:
            if value not in (None, ""):
                child = QTreeWidgetItem([label, _fmt(value)])
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                top.addChild(child)
        top.setExpanded("Library" not in self._collapsed)
