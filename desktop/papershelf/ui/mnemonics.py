"""Keyboard mnemonics (Alt+letter) that are unique within one menu, form or dialog."""

from __future__ import annotations

from collections.abc import Sequence


def _candidates(label: str) -> list[str]:
    """The letters of a label, those that start a word first, each once (case-folded)."""
    starts = [ch for j, ch in enumerate(label) if ch.isalnum() and (j == 0 or label[j - 1] == " ")]
    found: list[str] = []
    for ch in [*starts, *(ch for ch in label if ch.isalnum())]:
        if ch.casefold() not in found:
            found.append(ch.casefold())
    return found


def with_mnemonics(labels: Sequence[str]) -> list[str]:
    """``labels`` with an ``&`` before a letter no other label in the list uses.

    A letter the label already marks with ``&`` is kept when free. The others get a
    letter that starts a word when they can, else any of theirs; when letters run
    short, labels that got one earlier give it up for another of theirs so that as many
    labels as possible get one (a matching, as Kuhn's algorithm finds it). A label
    left without a free letter gets none: better none than two labels answering the
    same Alt+letter.
    """
    owner: dict[str, int] = {}  # letter -> label
    chosen: dict[int, str] = {}
    plain = [label.replace("&", "") for label in labels]
    for i, label in enumerate(labels):
        marked = label.find("&")
        if 0 <= marked < len(label) - 1 and label[marked + 1].casefold() not in owner:
            owner[label[marked + 1].casefold()] = i
            chosen[i] = label[marked + 1].casefold()
    fixed = set(chosen)
    candidates = {i: _candidates(plain[i]) for i in range(len(labels)) if i not in fixed}

    def assign(i: int, seen: set[str]) -> bool:
        for letter in candidates[i]:
            if letter in seen:
                continue
            seen.add(letter)
            holder = owner.get(letter)
            if holder is None or (holder not in fixed and assign(holder, seen)):
                owner[letter] = i
                chosen[i] = letter
                return True
        return False

    for i in candidates:
        assign(i, set())
    out = []
    for i, label in enumerate(labels):
        if i in fixed:
            out.append(label)
            continue
        text = plain[i]
        letter = chosen.get(i)
        if letter is None:
            out.append(text)
            continue
        at = next(
            (
                j
                for j in range(len(text))
                if text[j].casefold() == letter and (j == 0 or text[j - 1] == " ")
            ),
            next(j for j in range(len(text)) if text[j].casefold() == letter),
        )
        out.append(text[:at] + "&" + text[at:])
    return out


def for_data(names: Sequence[str]) -> list[str]:
    """Menu texts for names that come from the data (tags, columns): each gets a letter
    of its own where it can, and an ``&`` of its own is shown as itself, not a mnemonic."""
    plain = [i for i, name in enumerate(names) if "&" not in name]
    marked = dict(zip(plain, with_mnemonics([names[i] for i in plain]), strict=True))
    return [marked.get(i, name.replace("&", "&&")) for i, name in enumerate(names)]
