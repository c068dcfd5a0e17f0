"""Keyboard mnemonics (Alt+letter) that are unique within one menu, form or dialog."""

from __future__ import annotations

from collections.abc import Sequence


def with_mnemonics(labels: Sequence[str]) -> list[str]:
    """``labels`` with an ``&`` before a letter no other label in the list uses.

    A letter the label already marks with ``&`` is kept when free. Otherwise the first
    free letter that starts a word, else any free letter; a label with no free letter
    gets none (better none than two labels answering the same Alt+letter).
    """
    taken: set[str] = set()
    out: list[str | None] = [None] * len(labels)
    # Labels that chose their letter go first, so the others work around them.
    for i, label in enumerate(labels):
        marked = label.find("&")
        if 0 <= marked < len(label) - 1 and label[marked + 1].casefold() not in taken:
            taken.add(label[marked + 1].casefold())
            out[i] = label
    for i, label in enumerate(labels):
        if out[i] is not None:
            continue
        plain = label.replace("&", "")
        starts = [
            j for j, ch in enumerate(plain) if ch.isalnum() and (j == 0 or plain[j - 1] == " ")
        ]
        others = [j for j, ch in enumerate(plain) if ch.isalnum() and j not in starts]
        chosen = next((j for j in starts + others if plain[j].casefold() not in taken), None)
        if chosen is None:
            out[i] = plain
            continue
        taken.add(plain[chosen].casefold())
        out[i] = plain[:chosen] + "&" + plain[chosen:]
    return [label for label in out if label is not None]
