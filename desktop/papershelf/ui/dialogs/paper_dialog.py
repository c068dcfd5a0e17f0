"""PaperDialog: edit what is known about a paper, or type a new one in.

Its inputs come from the field registry (``core.fields``): every field with an editor,
in the registry's order, labelled with a mnemonic of its own. A reader uses it most to
complete an "et al." author list, so authors are one per line with the "cut short"
box right after them.
"""

from __future__ import annotations

import re
from dataclasses import fields as dataclass_fields

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

from papershelf.core.dates import real_date
from papershelf.core.fields import DESCRIBING, Field, PaperFields
from papershelf.ui.mnemonics import with_mnemonics

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# PaperFields' fields that may be None (an empty input means "not known").
_OPTIONAL = {f.name: f.default is None for f in dataclass_fields(PaperFields)}
Input = QLineEdit | QPlainTextEdit | QCheckBox


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _real_date(text: str) -> str | None:
    """The date typed, at its precision (2023, 2023-05, 2023-05-17), if it is real."""
    return real_date([int(p) for p in text.split("-")]) if _DATE.match(text) else None


def _input(spec: Field, value: object) -> Input:
    widget: Input
    if spec.edit == "check":
        widget = QCheckBox()
        widget.setChecked(bool(value))
    elif spec.edit == "line":
        widget = QLineEdit("" if value is None else str(value))
        widget.setPlaceholderText(spec.hint)
    else:
        text = "\n".join(value) if isinstance(value, list) else str(value or "")
        widget = QPlainTextEdit(text)
        widget.setPlaceholderText(spec.hint)
        if spec.edit == "lines":
            widget.setTabChangesFocus(True)
            widget.setMaximumHeight(90)
    widget.setObjectName(f"paper_{spec.name}")
    return widget


def _value(spec: Field, widget: Input) -> object:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QLineEdit):
        text = widget.text().strip()
        return text or None if _OPTIONAL[spec.name] else text
    if spec.edit == "lines":
        return _lines(widget.toPlainText())
    return widget.toPlainText().strip()


class PaperDialog(QDialog):
    """The fields of one paper; ``fields()`` gives them back once accepted."""

    def __init__(self, parent: QWidget | None, title: str, paper: PaperFields | None) -> None:
        super().__init__(parent)
        self.setObjectName("paperDialog")
        self.setWindowTitle(title)
        self.resize(640, 640)
        self._original = paper or PaperFields(title="")
        editable = [f for f in DESCRIBING if f.edit]
        labels = with_mnemonics([f.label for f in editable])
        self.inputs: dict[str, Input] = {}
        form = QFormLayout()
        for spec, label in zip(editable, labels, strict=True):
            widget = _input(spec, getattr(self._original, spec.name))
            self.inputs[spec.name] = widget
            if isinstance(widget, QCheckBox):
                widget.setText(label)
                form.addRow("", widget)
            else:
                caption = QLabel(label)
                caption.setBuddy(widget)
                form.addRow(caption, widget)
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
        edited = self._edited()
        if not str(edited["title"] or "").strip():
            return "A paper needs a title."
        text = str(edited["published"] or "")
        if text and _real_date(text) is None:
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

    def _edited(self) -> dict[str, object]:
        return {
            spec.name: _value(spec, self.inputs[spec.name])
            for spec in DESCRIBING
            if spec.name in self.inputs
        }

    def fields(self) -> PaperFields:
        """The edited paper; what the dialog does not edit is kept as it was."""
        edited = self._edited()
        text = str(edited["published"] or "")
        edited["published"] = _real_date(text) if text else None
        edited["category"] = str(edited["category"]).upper()
        kept = {spec.name: getattr(self._original, spec.name) for spec in DESCRIBING}
        result = PaperFields(**{**kept, **edited})  # type: ignore[arg-type]
        result.date_inferred = self._original.date_inferred and (
            result.published == self._original.published
        )
        result.has_code = bool(result.code_urls) or self._original.has_code
        return result
