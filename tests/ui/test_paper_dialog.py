"""The edit dialog is built from the field registry and gives back what it was given."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from papershelf.core.fields import DESCRIBING, PaperFields
from papershelf.ui.dialogs.paper_dialog import PaperDialog

PAPER = PaperFields(
    title="Attention Is All You Need",
    authors=["Ashish Vaswani", "Noam Shazeer"],
    affiliations=["Google Brain", "Google Research, Mountain View"],
    abstract="The dominant sequence transduction models...",
    published="2017-06-12",
    date_inferred=False,
    category="CL",
    has_code=True,
    code_urls=["https://github.com/tensorflow/tensor2tensor"],
    score=98.5,
    authors_truncated=True,
    doi="10.5555/3295222.3295349",
    arxiv_id="1706.03762",
    url="https://papers.nips.cc/paper/7181",
)


def test_every_editable_field_has_an_input_with_its_own_mnemonic(qtbot) -> None:
    dialog = PaperDialog(None, "Edit Paper", PAPER)
    qtbot.addWidget(dialog)
    assert list(dialog.inputs) == [f.name for f in DESCRIBING if f.edit]
    captions = [label.text() for label in dialog.findChildren(QLabel) if label.buddy()]
    captions += [box.text() for box in dialog.findChildren(QCheckBox)]
    letters = [c[c.index("&") + 1].casefold() for c in captions]
    assert len(letters) == len(dialog.inputs) and len(set(letters)) == len(letters)


def test_unchanged_inputs_give_the_paper_back(qtbot) -> None:
    dialog = PaperDialog(None, "Edit Paper", PAPER)
    qtbot.addWidget(dialog)
    assert dialog.problem() is None
    assert dialog.fields() == PAPER  # affiliations with commas, score and code kept


def test_an_empty_optional_field_is_unknown(qtbot) -> None:
    dialog = PaperDialog(None, "Edit Paper", PAPER)
    qtbot.addWidget(dialog)
    doi = dialog.inputs["doi"]
    assert isinstance(doi, QLineEdit)
    doi.setText("  ")
    assert dialog.fields().doi is None
    title = dialog.inputs["title"]
    assert isinstance(title, QLineEdit)
    title.setText("")
    assert dialog.problem() == "A paper needs a title."
