"""Stable citation keys: first author's ASCII surname, year, first significant title word.

Keys are ASCII letters and digits (other scripts transliterated) and never digits
alone, so a key can always be told from a paper's numeric id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from papershelf.core import names
from papershelf.core.text import ascii_fold

# Words that say nothing about a paper; Better BibTeX skips a similar list.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "with",
        "via",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "do",
        "does",
        "can",
        "what",
        "when",
        "why",
        "how",
        "which",
        "who",
        "towards",
        "toward",
        "beyond",
        "into",
        "onto",
        "over",
        "under",
        "its",
        "our",
        "we",
        "you",
        "your",
        "their",
        "this",
        "that",
        "these",
        "those",
        "not",
        "no",
    ]
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def surname(name: str) -> str:
    """ASCII surname of a name ("Ekin Akyürek", "Akyürek, Ekin" -> "akyurek").

    The family name without its particle ("van Beethoven, Ludwig" -> "beethoven"), as
    Better BibTeX makes keys; a corporate name by its first word.
    """
    if "," in name or "{" in name:
        found = names.parts(name)
        name = found.literal.split()[0] if found.literal.split() else found.family
        return next((w for w in map(ascii_fold, name.split()) if w), "")
    words = [ascii_fold(p) for p in name.split()]
    words = [p for p in words if p and p not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def first_significant_word(title: str) -> str:
    """The first title word that is not a stopword, ASCII-folded."""
    for raw in re.split(r"[\s\-:/]+", title):
        word = ascii_fold(raw)
        if word and word not in _STOPWORDS and not raw.startswith("$"):
            return word
    return ""


def base_key(first_author: str | None, year: int | None, title: str) -> str:
    """The key before any suffix that makes it unique: never empty, never digits alone.

    A key of digits alone ("2006" for a paper with neither author nor title word, or
    "1984" for a title that is a number) would read as a paper id wherever a paper is
    named by "id or key", so it becomes "paper2006".
    """
    base = f"{surname(first_author or '')}{year or ''}{first_significant_word(title)}"
    return base if base and not base.isdigit() else f"paper{base}"


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base`` plus a, b, ... z, aa, ... when ``taken`` says it is in use."""
    if not taken(base):
        return base
    n = 0
    while True:
        suffix = ""
        m = n
        while True:
            suffix = chr(ord("a") + m % 26) + suffix
            m = m // 26 - 1
            if m < 0:
                break
        if not taken(base + suffix):
            return base + suffix
        n += 1


def make_key(
    authors: Sequence[str], year: int | None, title: str, taken: Callable[[str], bool]
) -> str:
    """A citation key for a new paper, unique against ``taken``."""
    return unique_key(base_key(authors[0] if authors else None, year, title), taken)
