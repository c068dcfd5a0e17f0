"""Parsers for the two seed documents that first fill the library.

``000_…`` is an author's listing page (a header, then entries of marker, title, authors,
abstract); ``001_…`` holds (full author list, abstract) pairs that complete the listing's
"et al." author lists. Everything here is pure stdlib, linear in the input size, and never
raises on any ``str``: damaged input yields fewer entries plus :class:`SeedProblem` reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal


@dataclass(frozen=True)
class SeedProblem:
    line: int  # 1-based line number in the document
    message: str  # short, clear, for a user


@dataclass(frozen=True)
class ListingHeader:
    name: str
    field: str | None
    h_index: int | None
    papers: int | None
    citations: int | None
    novelty: str | None
    ai_score: int | None
    listed_papers: int | None


@dataclass(frozen=True)
class SeedEntry:
    index: int  # 0-based position among the entries kept
    line: int  # 1-based line of its marker line
    score: float | None
    category: str
    month: int
    day: int
    year: int | None
    has_code: bool
    title: str
    authors: list[str]
    authors_truncated: bool
    affiliations: list[str]
    abstract: str


@dataclass(frozen=True)
class Listing:
    header: ListingHeader | None
    entries: list[SeedEntry]
    problems: list[SeedProblem]


@dataclass(frozen=True)
class AuthorAbstract:
    line: int
    authors: list[str]
    abstract: str


MAX_PROBLEMS = 100
# Bigram-Dice similarity an abstract pair must reach. Real data: genuine matches score
# 0.37 (an older abstract version) to 1.0; the best non-match among all 490 other
# combinations scores 0.095.
STRONG_AUTHOR_THRESHOLD = 0.25  # listed authors are a prefix consistent with "et al."
WEAK_AUTHOR_THRESHOLD = 0.5  # prefix, but one listed name or inconsistent with "et al."
AMBIGUITY_MARGIN = 0.05

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_MARKER_LEN = 40
# Anchored, bounded, and the category cannot swallow the month's capital: a month is a
# capital followed by lowercase letters while a category is capitals only.
_MARKER = re.compile(
    r"(?P<score>\d{1,3}(?:\.\d{1,3})?)?(?P<cat>[A-Z]{2,4}?)"
    r"(?P<mon>" + "|".join(_MONTHS) + r") (?P<day>[1-9]|[12]\d|3[01])"
    r"(?:, (?P<year>\d{4}))?(?P<code>Code)?"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff]")
_NUM = r"(\d[\d,]{0,14})"
_HEADER_FIGURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("field", re.compile(r"[A-Z]{2,4}")),
    ("h_index", re.compile(r"h-index\s*(\d{1,6})", re.I)),
    ("papers", re.compile(_NUM + r"papers", re.I)),
    ("listed_papers", re.compile(_NUM + r"\s+papers", re.I)),
    ("citations", re.compile(_NUM + r"\s*citations", re.I)),
    ("novelty", re.compile(r"novelty\s*(\d{1,3}(?:\.\d{1,3})?%)", re.I)),
    ("ai_score", re.compile(r"ai\s*score\s*(\d{1,6})", re.I)),
)
_NAME_PUNCT = frozenset(".-'\u2018\u2019")
_WORD = re.compile(r"\w+")


class _Problems:
    """Collects problems, capped so hostile input cannot flood memory or the user."""

    def __init__(self) -> None:
        self.items: list[SeedProblem] = []
        self.total = 0

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(SeedProblem(line, message))

    def result(self) -> list[SeedProblem]:
        dropped = self.total - len(self.items)
        if not dropped:
            return list(self.items)
        return [*self.items, SeedProblem(self.items[-1].line, f"{dropped} more problems not shown")]


def _clean_lines(text: str) -> list[str]:
    """Split on any line end and drop BOMs, NULs and control characters (tab -> space)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", " ").replace("\u2028", " ").replace("\u2029", " ")
    return [line.strip() for line in _CONTROL.sub("", text).split("\n")]


def _marker(line: str) -> re.Match[str] | None:
    return _MARKER.fullmatch(line) if len(line) <= _MAX_MARKER_LEN else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_names(part: str) -> tuple[list[str], bool]:
    """Names of a comma-separated author list and whether it ended with "et al."."""
    part = part.strip().rstrip(",").rstrip()
    lowered = part.lower()
    truncated = False
    for suffix in ("et al.", "et al"):
        cut = len(part) - len(suffix)
        if lowered.endswith(suffix) and (cut == 0 or part[cut - 1] in " ,"):
            part, truncated = part[:cut], True
            break
    names = [" ".join(name.split()) for name in part.split(",")]
    return [name for name in names if name], truncated


def _looks_like_names(names: Sequence[str]) -> bool:
    """Cheap shape test: short names of letters, mostly capitalised, no sentence end."""
    if not names:
        return False
    words = 0
    capitalised = 0
    for name in names:
        parts = name.split()
        if not 1 <= len(parts) <= 10:
            return False
        for word in parts:
            if not any(ch.isalpha() for ch in word):
                return False
            if not all(ch.isalpha() or ch in _NAME_PUNCT for ch in word):
                return False
            words += 1
            capitalised += not word[0].islower()
    last = names[-1].split()[-1]
    if last.endswith(".") and len(last) > 2 and last.lower() not in ("jr.", "sr."):
        return False
    return capitalised * 2 >= words


def _parse_header(
    lines: list[str], end: int, problems: _Problems, report: bool
) -> ListingHeader | None:
    figures: dict[str, str] = {}
    name: str | None = None
    nonblank = 0
    for number in range(end):
        line = lines[number]
        if not line:
            continue
        nonblank += 1
        for key, pattern in _HEADER_FIGURES:
            found = pattern.fullmatch(line) if len(line) <= 100 else None
            if found and key not in figures:
                figures[key] = found.group(1) if pattern.groups else found.group(0)
                break
        else:
            if name is None and len(line) <= 200:
                name = line
            elif report:
                problems.add(number + 1, f"line ignored: not a header figure: {_short(line)}")
    if not figures and not (name is not None and nonblank == 1):
        return None

    def number_of(key: str) -> int | None:
        value = figures.get(key)
        return int(value.replace(",", "")) if value else None

    return ListingHeader(
        name=name or "",
        field=figures.get("field"),
        h_index=number_of("h_index"),
        papers=number_of("papers"),
        citations=number_of("citations"),
        novelty=figures.get("novelty"),
        ai_score=number_of("ai_score"),
        listed_papers=number_of("listed_papers"),
    )


def _parse_entry(
    found: re.Match[str], line_no: int, body: list[tuple[int, str]], problems: _Problems
) -> SeedEntry | None:
    month = _MONTHS.index(found["mon"]) + 1
    day = int(found["day"])
    year = int(found["year"]) if found["year"] else None
    leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    if day > _DAYS_IN_MONTH[month - 1] or (month == 2 and day == 29 and not leap):
        problems.add(line_no, f"entry skipped: impossible date {found['mon']} {day}")
        return None
    if len(body) < 3:
        missing = ("title, authors or abstract", "authors or abstract", "abstract")[len(body)]
        if len(body) == 2 and not _looks_like_names(_split_names(body[1][1].split("·")[0])[0]):
            missing = "author list"
        title = f" “{_short(body[0][1])}”" if body else ""
        problems.add(line_no, f"entry skipped{title}: no {missing}")
        return None
    author_line = body[1][1]
    names_part, _, affiliation_part = author_line.partition("·")
    names, truncated = _split_names(names_part)
    if not _looks_like_names(names):
        problems.add(body[1][0], f"entry skipped: not an author list: {_short(author_line)}")
        return None
    affiliations = [a.strip() for a in affiliation_part.replace("·", ",").split(",")]
    return SeedEntry(
        index=0,
        line=line_no,
        score=float(found["score"]) if found["score"] else None,
        category=found["cat"],
        month=month,
        day=day,
        year=year,
        has_code=found["code"] is not None,
        title=" ".join(body[0][1].split()),
        authors=names,
        authors_truncated=truncated,
        affiliations=[a for a in affiliations if a],
        abstract=" ".join(text for _, text in body[2:]),
    )


def parse_listing(text: str) -> Listing:
    """Parse an author's listing page into a header and complete entries.

    Entries are delimited by marker lines, so a missing blank line or an unknown
    category does not derail the rest. An incomplete or repeated entry is skipped and
    reported rather than half-imported, because the library must never hold a paper
    without its authors or abstract, nor the same paper twice.
    """
    problems = _Problems()
    lines = _clean_lines(text)
    if not any(lines):
        problems.add(1, "document is empty")
        return Listing(None, [], problems.result())
    starts: list[tuple[int, re.Match[str]]] = []
    for number, line in enumerate(lines):
        found = _marker(line)
        if found:
            starts.append((number, found))
    first = starts[0][0] if starts else len(lines)
    header = _parse_header(lines, first, problems, report=bool(starts))
    entries: list[SeedEntry] = []
    seen: dict[tuple[str, ...], int] = {}
    for position, (number, found) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        body = [(n + 1, lines[n]) for n in range(number + 1, end) if lines[n]]
        key = (lines[number], *(text for _, text in body))
        if key in seen:
            title = _short(body[0][1]) if body else lines[number]
            problems.add(
                number + 1, f"repeated entry skipped: “{title}” (first at line {seen[key]})"
            )
            continue
        seen[key] = number + 1
        entry = _parse_entry(found, number + 1, body, problems)
        if entry is not None:
            entries.append(replace(entry, index=len(entries)))
    if not entries:
        problems.add(1, "no paper entries found")
    return Listing(header, entries, problems.result())


def parse_author_abstracts(text: str) -> tuple[list[AuthorAbstract], list[SeedProblem]]:
    """Parse (full author list, abstract) pairs; the abstract may span several lines.

    Lines that are neither are reported and skipped, and an author list without an
    abstract is dropped, since such a pair could not be matched safely to a paper.
    """
    pairs, problems = _parse_pairs(text)
    return pairs, problems.result()


def _parse_pairs(text: str) -> tuple[list[AuthorAbstract], _Problems]:
    problems = _Problems()
    lines = _clean_lines(text)
    pairs: list[AuthorAbstract] = []
    seen: dict[tuple[str, str], int] = {}
    pending: tuple[int, list[str]] | None = None
    abstract: list[str] = []

    def finish() -> None:
        if pending is None:
            return
        if not abstract:
            problems.add(pending[0], "author list skipped: no abstract follows it")
            return
        body = " ".join(abstract)
        key = (", ".join(pending[1]), body)
        if key in seen:
            problems.add(pending[0], f"repeated author list skipped (first at line {seen[key]})")
            return
        seen[key] = pending[0]
        pairs.append(AuthorAbstract(pending[0], pending[1], body))

    for number, line in enumerate(lines, start=1):
        if not line:
            if abstract:
                finish()
                pending, abstract = None, []
            continue
        names = _split_names(line)[0] if len(line) <= 20_000 else []
        if _looks_like_names(names):
            finish()
            pending, abstract = (number, names), []
        elif pending is not None:
            abstract.append(line)
        else:
            problems.add(number, f"line ignored: expected an author list: {_short(line)}")
    finish()
    if not pairs and not problems.items:
        problems.add(1, "document is empty" if not any(lines) else "no author lists found")
    return pairs, problems


def detect_kind(text: str) -> Literal["listing", "author-abstracts"] | None:
    """Tell which seed document a text is, so an importer can pick the parser.

    A listing has date marker lines; a pair document is mostly author lists followed by
    prose abstracts. Anything else (empty, junk, another format) gives None.
    """
    lines = _clean_lines(text)
    if any(_marker(line) for line in lines):
        return "listing"
    pairs, problems = _parse_pairs(text)
    words = sum(len(pair.abstract.split()) for pair in pairs)
    if pairs and problems.total * 4 <= len(pairs) and words >= 20 * len(pairs):
        return "author-abstracts"
    return None


def _norm_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_WORD.findall(plain.replace("_", " ")))


def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    decomposed = unicodedata.normalize("NFKD", text[:100_000])
    words = _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    folded = [word.casefold() for word in words]
    return frozenset(pairwise(folded))


def _dice(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def match_full_authors(
    entries: Sequence[SeedEntry], pairs: Sequence[AuthorAbstract]
) -> tuple[dict[int, AuthorAbstract], list[SeedProblem]]:
    """Map ``SeedEntry.index`` to the pair whose full author list completes it.

    Both signals must agree: the entry's listed authors must be a prefix of the pair's
    list (case, spacing and accents ignored) and the abstracts must be similar (word-
    bigram Dice). Abstracts can be older versions, so a prefix consistent with "et al."
    needs only STRONG_AUTHOR_THRESHOLD; weaker author evidence needs more. A pair close
    to two papers is ambiguous and left alone, and a pair whose best paper went to a
    closer pair is not moved to a runner-up: a wrong merge is worse than none.
    """
    problems = _Problems()
    by_first: dict[str, list[int]] = {}
    pair_names = [[_norm_name(a) for a in pair.authors] for pair in pairs]
    for p, names in enumerate(pair_names):
        if names:
            by_first.setdefault(names[0], []).append(p)
    pair_grams: dict[int, frozenset[tuple[str, str]]] = {}
    candidates: dict[int, list[tuple[float, int]]] = {}
    closest: dict[int, tuple[float, float, int]] = {}
    for e, entry in enumerate(entries):
        listed = [_norm_name(a) for a in entry.authors]
        if not listed or not listed[0]:
            continue
        grams: frozenset[tuple[str, str]] | None = None
        for p in by_first.get(listed[0], []):
            full = pair_names[p]
            if len(full) < len(listed) or full[: len(listed)] != listed:
                continue
            if grams is None:
                grams = _bigrams(entry.abstract)
            if p not in pair_grams:
                pair_grams[p] = _bigrams(pairs[p].abstract)
            sim = _dice(grams, pair_grams[p])
            extends = len(full) > len(listed)
            strong = len(listed) >= 2 and extends == entry.authors_truncated
            need = STRONG_AUTHOR_THRESHOLD if strong else WEAK_AUTHOR_THRESHOLD
            if sim >= need:
                candidates.setdefault(p, []).append((sim, e))
            elif p not in closest or sim > closest[p][0]:
                closest[p] = (sim, need, e)
    ranked: list[tuple[float, int, int]] = []
    ambiguous: set[int] = set()
    for p, found in candidates.items():
        found.sort(key=lambda c: (-c[0], c[1]))
        if len(found) > 1 and found[0][0] - found[1][0] < AMBIGUITY_MARGIN:
            ambiguous.add(p)
            titles = " / ".join(f"“{_short(entries[e].title, 40)}”" for _, e in found[:2])
            problems.add(pairs[p].line, f"author list not merged: fits several papers ({titles})")
            continue
        ranked.append((found[0][0], p, found[0][1]))  # only its best paper, never a runner-up
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    matches: dict[int, AuthorAbstract] = {}
    used: set[int] = set()
    for _sim, p, e in ranked:
        if entries[e].index in matches:
            continue
        matches[entries[e].index] = pairs[p]
        used.add(p)
    for p, pair in enumerate(pairs):
        if p in used or p in ambiguous:
            continue
        who = _short(", ".join(pair.authors), 40)
        message = f"author list not merged: no paper matches its authors and abstract ({who})"
        if p in candidates:
            message = f"author list not merged: its paper already has a closer match ({who})"
        elif p in closest:
            sim, need, e = closest[p]
            message += (
                f"; closest “{_short(entries[e].title, 40)}” has abstract similarity "
                f"{sim:.0%}, needs {need:.0%}"
            )
        problems.add(pair.line, message)
    return matches, problems.result()
