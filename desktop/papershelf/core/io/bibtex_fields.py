"""What a BibTeX entry says about a paper: names, dates, identifiers, tags and notes.

Values arrive resolved (macros expanded, concatenations joined) but still in LaTeX;
``bibtex_text`` turns them into display text. Everything here is linear in the size of
the value and never raises on any string: a field it cannot read is left empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papershelf.core.dates import real_date
from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex_text
from papershelf.core.io.seed_import import code_urls
from papershelf.core.text import fold

MAX_AUTHORS = 5000
MAX_TITLE_CHARS = 2000

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAME_MARK = re.compile(r"(?<!\\)[{},]|\s+and\s+", re.IGNORECASE)
_LIST_MARK = re.compile(r"(?<!\\)[{},;]")
_NO_GROUPS = re.compile(r"[^{}\\]*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_ID = re.compile(
    r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?![\w.])"
)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_NOTE_FIELDS = ("note", "annote", "annotation", "comment")


@dataclass
class BibEntry:
    """One BibTeX entry with its fields resolved to plain strings (still LaTeX)."""

    line: int  # 1-based line of the "@type{" that opens it
    entry_type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)


def split_top_level(value: str, pattern: re.Pattern[str], separators: str) -> list[str]:
    """``value`` cut at separators outside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    for match in pattern.finditer(value):
        mark = match.group(0)
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and (mark in separators or mark.strip().lower() == "and"):
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts


def _one_line(value: str) -> str:
    return " ".join(bibtex_text.decode(value).split())


def parse_names(value: str) -> tuple[list[str], bool]:
    """Display names ("First Last") of a BibTeX name list, and whether it ends "and others"."""
    names: list[str] = []
    truncated = False
    # Without braces or escapes every "and" and comma is at the top level: str.split
    # does what the brace-aware scan would, many times faster (imports of 100,000).
    plain = _NO_GROUPS.fullmatch(value) is not None
    raws = _AND.split(value) if plain else split_top_level(value, _NAME_MARK, "")
    for raw in raws[:MAX_AUTHORS]:
        if raw.strip().lower() == "others":
            truncated = True
            continue
        pieces = raw.split(",") if plain else split_top_level(raw, _LIST_MARK, ",")
        parts = [_one_line(p) for p in pieces]
        if len(parts) >= 3:  # "von Last, Jr, First"
            name = f"{parts[2]} {parts[0]} {parts[1]}"
        elif len(parts) == 2:  # "von Last, First"
            name = f"{parts[1]} {parts[0]}"
        else:
            name = parts[0]
        name = " ".join(name.split())
        if name:
            names.append(name)
    return names, truncated


def parse_tags(value: str) -> list[str]:
    """Keywords, separated by commas or semicolons, as tags."""
    tags: list[str] = []
    for raw in split_top_level(value, _LIST_MARK, ",;"):
        tag = _one_line(raw)
        if tag and fold(tag) not in {fold(t) for t in tags}:
            tags.append(tag)
    return tags


def parse_date(fields: dict[str, str]) -> str | None:
    """The date at the precision given: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    From ``date`` (biblatex) or ``year`` and ``month``. Nothing is invented: a year
    alone stays a year, so it is never exported as January the first.
    """
    iso = _ISO_DATE.match(fields.get("date", "").strip())
    if iso:
        known = real_date([int(p) for p in iso.groups() if p])
        if known:
            return known
    year_match = _YEAR.search(fields.get("year", ""))
    if not year_match:
        return None
    parts = [int(year_match.group(1))]
    month_text = bibtex_text.decode_verbatim(fields.get("month", "")).strip().lower()
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        parts.append(int(month_text))
    elif month_text[:3] in _MONTHS:
        parts.append(_MONTHS.index(month_text[:3]) + 1)
    return real_date(parts)


def normalize_doi(value: str) -> str | None:
    """A bare DOI ("10.1000/xyz") from a DOI field or link, or None."""
    doi = _DOI_PREFIX.sub("", bibtex_text.decode_verbatim(value))
    return doi if doi.startswith("10.") and " " not in doi else None


def arxiv_id(fields: dict[str, str], doi: str | None) -> str | None:
    """The arXiv identifier: from ``eprint``, an arXiv URL or DOI, or "arXiv:ID" text."""
    kind = bibtex_text.decode_verbatim(
        fields.get("archiveprefix") or fields.get("eprinttype") or ""
    )
    candidates = []
    if kind.lower() in ("", "arxiv"):
        candidates.append(bibtex_text.decode_verbatim(fields.get("eprint", "")))
    url_match = _ARXIV_URL.search(bibtex_text.decode_verbatim(fields.get("url", "")))
    if url_match:
        candidates.append(url_match.group(1))
    if doi and doi.lower().startswith("10.48550/arxiv."):
        candidates.append(doi[len("10.48550/arxiv.") :])
    for name in ("journal", "note", "howpublished"):
        text = fields.get(name, "")
        if "arxiv:" in text.lower():
            candidates.append(text[text.lower().index("arxiv:") + 6 :].strip())
    for candidate in candidates:
        candidate = re.sub(r"^arxiv:\s*", "", candidate.strip(), flags=re.IGNORECASE)
        found = _ARXIV_ID.match(candidate)
        if found:
            return found.group(0)
    return None


def _trim(note: str) -> str:
    """Blank lines around a note go; the indentation of its first line stays (Markdown)."""
    return re.sub(r"^(?:[ \t]*\n)+", "", note).rstrip()


@dataclass
class BibPaper:
    """What one entry says about a paper, ready for the library."""

    line: int
    key: str
    fields: PaperFields
    tags: list[str]
    note: str


def interpret(entry: BibEntry) -> BibPaper | str:
    """The paper an entry describes, or why it cannot be imported."""
    f = entry.fields
    title = _one_line(f.get("title", ""))
    if not title:
        return "no title; skipped"
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    authors, truncated = parse_names(f.get("author", ""))
    doi = normalize_doi(f.get("doi", ""))
    url = bibtex_text.decode_verbatim(f.get("url", "")) or None
    abstract = bibtex_text.decode(f.get("abstract", ""))
    abstract = "\n\n".join(
        " ".join(p.split()) for p in re.split(r"\n[ \t]*\n", abstract) if p.strip()
    )
    code = code_urls(" ".join(filter(None, [abstract, url])))
    category = ""
    primary = bibtex_text.decode_verbatim(f.get("primaryclass", ""))
    if re.fullmatch(r"[a-z\-]+\.[A-Z]{2}", primary):
        category = primary.split(".")[1]
    notes = [_trim(bibtex_text.decode(f[n])) for n in _NOTE_FIELDS if f.get(n, "").strip()]
    return BibPaper(
        line=entry.line,
        key=entry.key,
        fields=PaperFields(
            title=title,
            authors=authors,
            abstract=abstract,
            published=parse_date(f),
            category=category,
            has_code=bool(code),
            code_urls=code,
            authors_truncated=truncated,
            doi=doi,
            arxiv_id=arxiv_id(f, doi),
            url=url,
        ),
        tags=parse_tags(f.get("keywords", "")),
        note="\n\n".join(n for n in notes if n.strip()),
    )
