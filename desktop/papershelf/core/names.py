"""People's names with their parts, so that what a bibliography says comes back out.

A name is kept as one string, its *form*, in one of three shapes:

- ``Ekin Akyürek``: as it is shown (seed documents, typed in); BibTeX's rules read
  its parts (``Jean de la Fontaine``: given Jean, particle "de la", family Fontaine).
- ``van Beethoven, Ludwig`` or ``King, Jr., Martin Luther``: BibTeX's "von Last, Jr,
  First" order, as a BibTeX entry gave it, with its LaTeX already turned into text.
- ``{Barnes and Noble, Inc.}``: a corporate name, one name whatever it holds.

````display`` is how the window and the Markdown export show it ("Ludwig van
Beethoven", "Martin Luther King Jr."); ``parts`` is what BibTeX, biblatex, RIS and
CSL-JSON writers need. People are matched across papers by their displayed name folded
(case and accents ignored), while each paper keeps its own spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise


@dataclass(frozen=True)
class NameParts:
    """A name in BibTeX's four parts, or a literal (corporate) name."""

    given: str = ""
    particle: str = ""  # "van", "de la": BibTeX's von part
    family: str = ""
    suffix: str = ""  # "Jr.", "III"
    literal: str = ""  # a corporate name: none of the above


def _corporate(form: str) -> str | None:
    """The name inside the outer braces of ``{...}`` or ``{{...}}``, else None."""
    text = form.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return None  # "{A} and {B}": the braces close before the end
    inner = text[1:-1]
    return _corporate(inner) or inner.strip()


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# A brace, tilde or backslash in a stored name is a character, not BibTeX's grouping or tie: it
# is hidden from BibTeX's rules behind characters no name has (Unicode's private use).
_HIDE = str.maketrans("{}~\\", "\ue000\ue001\ue002\ue003")
_SHOW = str.maketrans("\ue000\ue001\ue002\ue003", "{}~\\")


@lru_cache(maxsize=65536)
def parts(form: str) -> NameParts:
    """The parts of a stored name (an import names the same people many times)."""
    literal = _corporate(form)
    if literal is not None:
        return NameParts(literal=literal)
    words = form.split()
    if "," not in form and len(words) > 2 and words[-1].casefold().rstrip(".") in _SUFFIXES:
        # "Martin Luther King Jr." as typed: BibTeX would take "Jr." for the family name.
        rest = parts(" ".join(words[:-1]))
        return NameParts(rest.given, rest.particle, rest.family, words[-1], rest.literal)
    found = latex_parts(form.translate(_HIDE))
    if not (found.family or found.given):  # ", " or "Jr.,": no name in it but the text
        return NameParts(literal=" ".join(words))
    return NameParts(
        given=found.given.translate(_SHOW),
        particle=found.particle.translate(_SHOW),
        family=found.family.translate(_SHOW),
        suffix=found.suffix.translate(_SHOW),
    )


def latex_parts(raw: str) -> NameParts:
    """The parts of a name as BibTeX writes it, braces grouping: ``{van der Waals}, J.``."""
    literal = _corporate(raw)
    if literal is not None:
        return NameParts(literal=literal)
    if _GROUPING.search(raw) is None:
        return plain_parts(raw.strip())
    # Imported here: bibtexparser costs a tenth of a second at start, and only names
    # with parts (a comma, a particle) need its rules.
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        found = parse_single_name_into_parts(raw.strip(), strict=False)
    except Exception:  # a name it cannot split is a name of one part, never an error
        return NameParts(family=" ".join(raw.split()))
    return NameParts(
        given=" ".join(found.first),
        particle=" ".join(found.von),
        family=" ".join(found.last),
        suffix=" ".join(found.jr),
    )


# What makes BibTeX's name rules look inside a word: groups and escapes. Without them a
# name is words and commas, which ``plain_parts`` reads as bibtexparser does, 20 times
# faster (an import of 100,000 entries reads about 800,000 names).
_GROUPING = re.compile(r"[{}\\]")
# BibTeX's word separators in a name (a tie too); other white space is part of a word.
_NAME_SPACE = re.compile("[ ~\r\n\t]+")


def _case(word: str) -> int:
    """1 when the word's first letter is upper case, 0 when it is not, -1 without letters."""
    for ch in word:
        if ch.isalpha():
            return 1 if ch.isupper() else 0
    return -1


def plain_parts(name: str) -> NameParts:
    """The parts of a name with no braces or backslashes, exactly as bibtexparser's
    ``parse_single_name_into_parts(name, strict=False)`` finds them (tests compare the
    two on many generated names): "First von Last", "von Last, First" or
    "von Last, Jr, First"; commas past the third section separate words only."""
    pieces = name.split(",")
    if len(pieces) > 3:
        pieces[2:] = [" ".join(pieces[2:])]
    sections = [[w for w in _NAME_SPACE.split(p) if w] for p in pieces]
    if not sections[-1]:  # a trailing comma
        sections.pop()
    if not any(sections):
        return NameParts()
    first: list[str] = []
    von: list[str] = []
    last: list[str] = []
    jr: list[str] = []
    if len(sections) == 1:
        words = sections[0]
        if len(words) <= 2:
            first, last = words[:-1], words[-1:]
        else:
            cases = [_case(w) for w in words]
            if 0 in cases:
                # First: the words before the first lower-case one; von: up to the last
                # lower-case one, which cannot be the last word; Last: the rest.
                firstl = cases.index(0) - len(cases)
                lastl = -cases[::-1].index(0) - 1
                if lastl == -1:
                    lastl -= 1
                first, von, last = words[:firstl], words[firstl : lastl + 1], words[lastl + 1 :]
            else:
                first, last = words[:-1], words[-1:]
    else:
        first = sections[-1]
        if len(sections) == 3:
            jr = sections[1]
        words = sections[0]
        if len(words) == 1:
            last = words
        else:
            cases = [_case(w) for w in words[:-1]]
            split = len(cases) - cases[::-1].index(0) if 0 in cases else 0
            von, last = words[:split], words[split:]
    return NameParts(
        given=" ".join(first), particle=" ".join(von), family=" ".join(last), suffix=" ".join(jr)
    )


@lru_cache(maxsize=65536)  # an import shows each author of each paper twice
def display(form: str) -> str:
    """The name as a reader reads it: "Ludwig van Beethoven", "Martin Luther King Jr."."""
    text = form.strip()
    literal = _corporate(text)
    if literal is not None:
        return literal
    if "," not in text:
        return " ".join(text.split())
    p = parts(text)
    if p.literal:
        return p.literal
    return " ".join(w for w in (p.given, p.particle, p.family, p.suffix) if w)


def bibtex_form(p: NameParts) -> str:
    """The parts in BibTeX's "von Last, Jr, First" order (braces around a literal)."""
    if p.literal:
        return "{" + p.literal + "}"
    family = " ".join(w for w in (p.particle, p.family) if w)
    if p.suffix:
        return f"{family}, {p.suffix}, {p.given}"
    return f"{family}, {p.given}" if p.given else family


def from_parts(given: str = "", family: str = "", particle: str = "", suffix: str = "") -> str:
    """A stored form for a name known by its parts (RIS, CSL-JSON, Crossref)."""
    if not family:
        return " ".join(given.split())
    return bibtex_form(NameParts(given.strip(), particle.strip(), family.strip(), suffix.strip()))


def _inner_capitals(form: str) -> int:
    """Capitals inside words ("HaoChen", "McDonald"): spelling a source took care over."""
    return sum(
        1
        for word in display(form).split()
        if not word.isupper()
        for a, b in pairwise(word)
        if a.islower() and b.isupper()
    )


def better_spelling(a: str, b: str) -> str:
    """Of two spellings of one name, the one with the more informative capitals.

    "Jeff Z. HaoChen" over "Jeff Z. Haochen"; never an all-capitals one over a mixed;
    ``a`` when neither says more.
    """
    return b if _inner_capitals(b) > _inner_capitals(a) else a
