"""PaperDialog: edit what is known about a paper, or type a new one in.

A reader uses it most to complete an "et al." author list, so authors are one per
line and the "list is complete" box is next to them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.fields import PaperFields

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _complete_date(text: str) -> str | None:
    """'2023' -> '2023-01-01', '2023-05' -> '2023-05-01'; None when it is not a real date."""
    parts = [int(p) for p in text.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


class PaperDialog(QDialog):
    """The fields of one paper; ``fields()`` gives them back once accepted."""

    def __init__(self, parent: QWidget | None, title: str, record: dict[str, Any] | None) -> None:
        super().__init__(parent)
        self.setObjectName("paperDialog")
        self.setWindowTitle(title)
        self.resize(640, 620)
        record = record or {}
        self.title = QLineEdit(record.get("title", ""), objectName="paperTitle")
        self.authors = QPlainTextEdit("\n".join(record.get("authors", [])))
        self.authors.setObjectName("paperAuthors")
        self.authors.setPlaceholderText("One author per line")
        self.authors.setMaximumHeight(120)
        self.complete = QCheckBox("The author list is complete")
        self.complete.setChecked(not record.get("authors_truncated", False))
        self.affiliations = QLineEdit(", ".join(record.get("affiliations", [])))
        self.published = QLineEdit(record.get("published") or "", objectName="paperPublished")
        self.published.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        self.category = QLineEdit(record.get("category", ""))
        self.url = QLineEdit(record.get("url") or "")
        self.doi = QLineEdit(record.get("doi") or "")
        self.arxiv = QLineEdit(record.get("arxiv_id") or "")
        self.code_urls = QPlainTextEdit("\n".join(record.get("code_urls", [])))
        self.code_urls.setPlaceholderText("Code links, one per line")
        self.code_urls.setMaximumHeight(60)
        self.abstract = QPlainTextEdit(record.get("abstract", ""))
        self.abstract.setObjectName("paperAbstract")
        self._keep = {k: record.get(k) for k in ("score", "date_inferred", "has_code")}
        self._original_date = record.get("published")

        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Authors", self.authors)
        form.addRow("", self.complete)
        form.addRow("Affi&liations", self.affiliations)
        form.addRow("&Published", self.published)
        form.addRow("&Category", self.category)
        form.addRow("&URL", self.url)
        form.addRow("&DOI", self.doi)
        form.addRow("a&rXiv id", self.arxiv)
        form.addRow("C&ode", self.code_urls)
        form.addRow("A&bstract", self.abstract)
        self.error = QLabel(objectName="paperDialogError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def problem(self) -> str | None:
        """What stops the fields from being saved, in a sentence, or None."""
        if not self.title.text().strip():
            return "A paper needs a title."
        text = self.published.text().strip()
        if text and (not _DATE.match(text) or _complete_date(text) is None):
            return "The date must be a real date: YYYY-MM-DD, YYYY-MM or YYYY."
        return None

    def accept(self) -> None:
        """Close only when the fields can be saved; otherwise say why, inline."""
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()

    def fields(self) -> PaperFields:
        """The edited paper."""
        text = self.published.text().strip()
        published = _complete_date(text) if text else None
        code_urls = _lines(self.code_urls.toPlainText())
        return PaperFields(
            title=self.title.text().strip(),
            authors=_lines(self.authors.toPlainText()),
            affiliations=[a.strip() for a in self.affiliations.text().split(",") if a.strip()],
            abstract=self.abstract.toPlainText().strip(),
            published=published,
            date_inferred=bool(self._keep["date_inferred"]) and published == self._original_date,
            category=self.category.text().strip().upper(),
            has_code=bool(code_urls) or bool(self._keep["has_code"]),
            code_urls=code_urls,
            score=self._keep["score"],
            authors_truncated=not self.complete.isChecked(),
            doi=self.doi.text().strip() or None,
            arxiv_id=self.arxiv.text().strip() or None,
            url=self.url.text().strip() or None,
        )
