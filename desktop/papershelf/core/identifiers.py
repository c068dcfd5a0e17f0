"""arXiv ids and DOIs in what readers paste: ids, URLs, ``doi:`` and ``arXiv:`` prefixes.

Forms understood (https://info.arxiv.org/help/arxiv_identifier.html, DOI Handbook 2.2):

- arXiv, new style ``YYMM.NNNNN`` (four digits after the dot until 2014, five since
  2015), with or without a version (``2303.16800v2``) or an ``arXiv:`` prefix;
- arXiv, old style ``archive(.SUBJECT)/YYMMNNN`` (``hep-th/9901001``, ``math.GT/0309136``);
- arXiv URLs: ``arxiv.org/abs/ID``, ``arxiv.org/pdf/ID``, ``.pdf`` and version optional;
- DOIs: bare ``10.NNNN/suffix``, ``doi:10...``, ``https://doi.org/10...`` (also
  ``dx.doi.org``, percent-encoded);
- arXiv's own DOIs, ``10.48550/arXiv.2303.16800``, which name the arXiv id.

An arXiv id is kept without its version: the library records the paper, and the
version names one upload of it. Near misses (``2303.1680``, ``10.1234`` with no
suffix, ``arxiv.org/list/...``) are not identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

Kind = Literal["arxiv", "doi"]

_NEW = r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})"
_OLD = r"(?P<archive>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?)/(?P<oyy>\d{2})(?P<omm>\d{2})(?P<onum>\d{3})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ARXIV_ID = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}")
_ARXIV_PREFIX = re.compile(r"arxiv:\s*", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^\s?#]+?)(?:\.pdf)?/?"
    r"(?:[?#]\S*)?",
    re.IGNORECASE,
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"doi:\s*", re.IGNORECASE)
_DOI_URL = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/(?P<doi>\S+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>\S+)", re.IGNORECASE)
# Characters that end a DOI in running text though DOIs may contain them.
_TRAILING = ".,;:'\"!?"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}

# Where an identifier may start and end in running text (scan): not inside a word.
_SCAN = re.compile(
    r"(?<![\w./])(?:"
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/\S+"
    r"|(?:https?://)?(?:dx\.)?doi\.org/\S+"
    r"|doi:\s*10\.\S+"
    r"|10\.\d{4,9}/\S+"
    r"|arxiv:\s*\S+"
    r"|\d{4}\.\d{4,5}(?:v\d+)?"
    r"|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
    r")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Identifier:
    """One paper's identifier: an arXiv id (no version) or a DOI, and what was typed."""

    kind: Kind
    value: str
    text: str  # as the reader gave it, for messages

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.kind == "arxiv" else f"doi:{self.value}"


def arxiv_id(text: str) -> str | None:
    """The arXiv id (without version) that ``text`` is exactly, or None."""
    match = _ARXIV_ID.fullmatch(text.strip())
    if match is None:
        return None
    if match.group("yy") is not None:
        yy, mm, num = match.group("yy", "mm", "num")
        if not 1 <= int(mm) <= 12:
            return None
        # Four digits after the dot from 0704 to 1412, five from 1501 on.
        year = int(yy)
        if (year >= 15) != (len(num) == 5) or (year < 7 or (year == 7 and int(mm) < 4)):
            return None
        return f"{yy}{mm}.{num}"
    oyy, omm = match.group("oyy", "omm")
    if not 1 <= int(omm) <= 12 or 8 <= int(oyy) <= 90:  # old style ran 1991 to 2007
        return None
    return f"{match.group('archive')}/{oyy}{omm}{match.group('onum')}"


def _doi(text: str) -> str | None:
    """The DOI that ``text`` is (suffix trimmed of running-text punctuation), or None."""
    text = _strip_trailing(unquote(text.strip()))
    match = _DOI.fullmatch(text)
    return match.group(0) if match else None


def _strip_trailing(text: str) -> str:
    """Drop punctuation that ends a sentence, and closing brackets nothing opened."""
    while text:
        last = text[-1]
        if last in _TRAILING or (last in _PAIRS and text.count(_PAIRS[last]) < text.count(last)):
            text = text[:-1]
        else:
            break
    return text


def parse(text: str) -> Identifier | None:
    """The identifier ``text`` is, whole (one token, one line), or None."""
    given = text
    text = _strip_trailing(text.strip())
    if not text:
        return None
    url = _ARXIV_URL.fullmatch(text)
    if url:
        found = arxiv_id(url.group("id"))
        return Identifier("arxiv", found, given.strip()) if found else None
    doi_url = _DOI_URL.fullmatch(text)
    if doi_url:
        text = doi_url.group("doi")
    elif _DOI_PREFIX.match(text):
        text = _DOI_PREFIX.sub("", text, count=1)
    elif _ARXIV_PREFIX.match(text):
        text = _ARXIV_PREFIX.sub("", text, count=1)
        found = arxiv_id(text)
        return Identifier("arxiv", found, given.strip()) if found else None
    found = arxiv_id(text)
    if found:
        return Identifier("arxiv", found, given.strip())
    doi = _doi(text)
    if doi is None:
        return None
    arxiv_doi = _ARXIV_DOI.fullmatch(doi)
    if arxiv_doi:
        found = arxiv_id(arxiv_doi.group("id"))
        return Identifier("arxiv", found, given.strip()) if found else None
    return Identifier("doi", doi, given.strip())


def split(text: str) -> list[str]:
    """The items of a list typed or pasted: one per line, or separated by spaces/commas.

    ``doi: 10.1/x`` and ``arXiv: 2303.16800`` stay one item.
    """
    text = re.sub(r"(?i)\b(doi|arxiv):\s+", r"\1:", text)
    return [item for item in re.split(r"[\s,]+", text) if item]


def parse_all(text: str) -> tuple[list[Identifier], list[str]]:
    """Every item of ``text`` (``split``): the identifiers, once each, and the items
    that are none."""
    found: list[Identifier] = []
    seen: set[tuple[str, str]] = set()
    bad: list[str] = []
    for item in split(text):
        ident = parse(item)
        if ident is None:
            bad.append(item)
        elif (ident.kind, ident.value.casefold()) not in seen:
            seen.add((ident.kind, ident.value.casefold()))
            found.append(ident)
    return found, bad


def scan(text: str) -> list[Identifier]:
    """The identifiers in running text (a pasted paragraph, a reference list), once each."""
    found: list[Identifier] = []
    seen: set[tuple[str, str]] = set()
    for match in _SCAN.finditer(text):
        ident = parse(re.sub(r"(?i)^(doi|arxiv):\s+", r"\1:", match.group(0)))
        if ident is not None and (ident.kind, ident.value.casefold()) not in seen:
            seen.add((ident.kind, ident.value.casefold()))
            found.append(ident)
    return found
