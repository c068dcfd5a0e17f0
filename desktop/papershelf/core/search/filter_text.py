"""Editing the filter text by whole terms, for facet clicks.

The filter box is the one source of truth for what is shown: a facet click only adds
or removes a term in its text, and the query language does the rest.
"""

from __future__ import annotations

import re

# A term: an optional "-", then quoted parts and unquoted runs up to whitespace.
_TERM = re.compile(r'-?(?:"[^"]*"?|[^\s"]+)+')


def split_terms(text: str) -> list[str]:
    """The whitespace-separated terms of ``text``; a quoted value stays in one term."""
    return _TERM.findall(text)


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def has_term(text: str, token: str) -> bool:
    """True when ``token`` (or its negation) is one of the terms of ``text``."""
    return any(_same(t.lstrip("-"), token) for t in split_terms(text))


def toggle_term(text: str, token: str, *, exclude: bool = False) -> str:
    """Remove ``token`` (included or excluded) from ``text``, or append it when absent."""
    terms = split_terms(text)
    kept = [t for t in terms if not _same(t.lstrip("-"), token)]
    if len(kept) == len(terms):
        kept.append(f"-{token}" if exclude else token)
        return " ".join(kept)
    return " ".join(_without_dangling_or(kept))


def _without_dangling_or(terms: list[str]) -> list[str]:
    """Drop an OR that lost an operand with the removed term ("a OR" is a query error)."""
    out: list[str] = []
    for term in terms:
        if term == "OR" and (not out or out[-1] == "OR"):
            continue
        out.append(term)
    while out and out[-1] == "OR":
        out.pop()
    return out
