"""Mnemonics are unique within a list of labels (a menu, a form)."""

from __future__ import annotations

from papershelf.ui.mnemonics import with_mnemonics


def letters(labels: list[str]) -> list[str]:
    return [label[label.index("&") + 1].casefold() for label in labels if "&" in label]


def test_each_label_gets_its_own_letter() -> None:
    labels = with_mnemonics(["Title", "Authors", "Affiliations", "Abstract", "arXiv id", "URL"])
    assert [label.replace("&", "") for label in labels] == [
        "Title", "Authors", "Affiliations", "Abstract", "arXiv id", "URL",
    ]  # fmt: skip
    chosen = letters(labels)
    assert len(chosen) == 6 and len(set(chosen)) == 6
    assert labels[0] == "&Title" and labels[1] == "&Authors"  # word starts first


def test_a_letter_already_chosen_is_kept_and_avoided() -> None:
    labels = with_mnemonics(["Mark as R&ead", "Mark as &Reading", "Mark as New"])
    assert labels[:2] == ["Mark as R&ead", "Mark as &Reading"]
    assert len(set(letters(labels))) == 3


def test_no_free_letter_means_no_mnemonic_rather_than_a_clash() -> None:
    assert with_mnemonics(["ab", "ba", "a"]) == ["&ab", "&ba", "a"]
