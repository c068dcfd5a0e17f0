"""Counted words in messages: "1 paper", "3 papers", "12,000 papers".

Every message that counts something says it through here, so that no message reads
"from 1 papers" or "this paper with their notes". English only needs one and many;
irregular plurals are given where used (``plural(n, "entry", "entries")``).
"""

from __future__ import annotations


def noun(count: int, singular: str, many: str | None = None) -> str:
    """The word alone, agreeing with ``count``: ``noun(1, "paper")`` is "paper"."""
    if count == 1:
        return singular
    return many if many is not None else singular + "s"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """The count with its word: "1 paper", "0 papers", "12,000 papers"."""
    return f"{count:,} {noun(count, singular, many)}"


def choose(count: int, one: str, many: str) -> str:
    """One of two wordings, for phrases that change more than a noun
    (``choose(n, "this paper with its note", "these papers with their notes")``)."""
    return one if count == 1 else many


def size_text(size: int) -> str:
    """A file's size as a reader reads it: 940 bytes, 118 KB, 1.2 MB (decimal units)."""
    if size < 1000:
        return plural(size, "byte")
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"
