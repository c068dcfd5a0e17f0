"""What a BibTeX entry says about a paper: names, dates, identifiers, tags and notes.

Values arrive resolved (macros expanded, concatenations joined) but still in LaTeX;
``bibtex_text`` turns them into display text. Everything here is linear in the size of
the value and never raises on any string: a field it cannot read is left empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from papershelf.core import names
from papershelf.core.dates import real_date
from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex_text
from papershelf.core.io.seed_import import code_urls
from papershelf.core.store.schema import STATUSES
from papershelf.core.text import fold

MAX_AUTHORS = 5000
MAX_TITLE_CHARS = 2000

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAME_MARK = re.compile(r"(?<!\\)[{},]|\s+and\s+", re.IGNORECASE)
_LIST_MARK = re.compile(r"(?<!\\)[{},;]")
_NO_GROUPS = re.compile(r"[^{}\\]*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LEADING_AND = re.compile(r"^(?:and(?:\s+|$))+", re.IGNORECASE)
_PARTICLE = re.compile(r"(?:^|\s)[a-z]")  # a word in lower case: "van", "de la"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_ID = re.compile(
    r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?![\w.])"
)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)
# Compiled once: an import of 100,000 entries calls each several times per entry.
_ARXIV_MARK = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_CLASS = re.compile(r"[a-z\-]+\.[A-Z]{2}")  # cs.LG
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_NOTE_FIELDS = ("note", "annote", "annotation", "comment")
# Fields read into the record; every other field is kept as it was written (``extra``).
_READ = frozenset(
    {
        "title", "author", "year", "month", "date", "doi", "url", "eprint", "archiveprefix",
        "eprinttype", "primaryclass", "eprintclass", "abstract", "keywords", *_NOTE_FIELDS,
        "journal", "journaltitle", "booktitle", "volume", "number", "issue", "pages",
        "publisher", "editor", "institution", "school", "isbn", "ids", "crossref", "xdata",
        "readstatus", "readdate", "priority",
    }
)  # fmt: skip
# biblatex's names for BibTeX's types, so that one type means one kind of work.
_TYPES = {"conference": "inproceedings", "report": "techreport", "thesis": "phdthesis"}


@dataclass
class BibEntry:
    """One BibTeX entry with its fields resolved to plain strings (still LaTeX)."""

    line: int  # 1-based line of the "@type{" that opens it
    entry_type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the name of its file, for what is reported about it


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
    return " ".join(bibtex_text.decode(value).split()) if value else ""


def parse_names(value: str) -> tuple[list[str], bool]:
    """Names of a BibTeX name list (``core.names`` forms), and whether it ends "and others".

    A name needs BibTeX's rules only when it has structure: a comma, a brace, a
    lower-case particle. "Hans Mueller" is kept as it reads, which keeps imports of
    100,000 entries fast; "M{\\"u}ller, Hans" becomes "Müller, Hans" and
    "{Barnes and Noble, Inc.}" stays one name. Empty names ("and and") and stray
    control characters never become a name of their own.
    """
    names: list[str] = []
    truncated = False
    if not value:
        return names, truncated  # no editors: most entries
    value = _CONTROL.sub(" ", value)
    # Without braces or escapes every "and" and comma is at the top level: str.split
    # does what the brace-aware scan would, many times faster (imports of 100,000).
    plain = _NO_GROUPS.fullmatch(value) is not None
    raws = _AND.split(value) if plain else split_top_level(value, _NAME_MARK, "")
    for raw in raws[:MAX_AUTHORS]:
        raw = _LEADING_AND.sub("", raw.strip())  # "A and and B": the second "and"
        if not raw:
            continue
        if raw.lower() == "others":
            truncated = True
            continue
        name = _structured(raw) if _has_parts(raw, plain) else _one_line(raw)
        if name:
            names.append(name)
    return names, truncated


def _has_parts(raw: str, plain: bool) -> bool:
    """Whether a name needs BibTeX's rules: a comma or a particle at its top level, or a
    corporate name in braces."""
    if raw.startswith("{") and names.latex_parts(raw).literal:
        return True
    top = raw if plain else _outside_groups(raw)
    return "," in top or _PARTICLE.search(top) is not None


def _outside_groups(text: str) -> str:
    """``text`` without what braces enclose (a braced word is never a particle)."""
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def _structured(raw: str) -> str:
    """The form of a name that has parts BibTeX's rules must find, LaTeX made text
    (cached: an import names the same people many times)."""
    found = names.latex_parts(raw)
    if found.literal:
        literal = _one_line(found.literal)
        return "{" + literal + "}" if literal else ""
    decoded = names.NameParts(
        given=_one_line(found.given),
        particle=_one_line(found.particle),
        family=_one_line(found.family),
        suffix=_one_line(found.suffix),
    )
    if not decoded.family:  # "Jr., Ann": nothing but a given name and a suffix left
        return " ".join(w for w in (decoded.given, decoded.suffix) if w)
    reading_order = f"{decoded.given} {decoded.family}"
    if decoded.given and names.parts(reading_order) == decoded:
        return reading_order  # "Müller, Hans" is Hans Müller, however it was written
    return names.bibtex_form(decoded)


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
        candidate = _ARXIV_MARK.sub("", candidate.strip())
        found = _ARXIV_ID.match(candidate)
        if found:
            return found.group(0)
    return None


def _trim(note: str) -> str:
    """Blank lines around a note go; the indentation of its first line stays (Markdown)."""
    return _LEADING_BLANK_LINES.sub("", note).rstrip()


@dataclass
class BibPaper:
    """What one entry says about a paper, ready for the library."""

    line: int
    key: str
    fields: PaperFields
    tags: list[str]
    note: str
    aliases: list[str] = field(default_factory=list)  # ``ids``: keys it had elsewhere
    source: str = ""  # the name of the entry's file
    # A reader's state carried over from another library (ours or JabRef's readstatus).
    status: str | None = None
    read_at: str | None = None
    priority: str | None = None  # ours (low, medium, high) or JabRef's prio3..prio1

    @property
    def where(self) -> str:
        """Where the entry is: "refs.bib:12", or "line 12" when its file is not known."""
        return f"{self.source}:{self.line}" if self.source else f"line {self.line}"


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
        " ".join(p.split()) for p in _PARAGRAPH_BREAK.split(abstract) if p.strip()
    )
    code = code_urls(" ".join(filter(None, [abstract, url])))
    category = ""
    primary = bibtex_text.decode_verbatim(f.get("primaryclass", ""))
    if _ARXIV_CLASS.fullmatch(primary):
        category = primary.split(".")[1]
    notes = [_trim(bibtex_text.decode(f[n])) for n in _NOTE_FIELDS if f.get(n, "").strip()]
    editors, _ = parse_names(f.get("editor", ""))
    kind = entry.entry_type.lower()
    venue = f.get("journaltitle") or f.get("journal") or f.get("booktitle") or ""
    status, read_at = reading_state(f)
    return BibPaper(
        line=entry.line,
        source=entry.source,
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
            entry_type=_TYPES.get(kind, kind),
            venue=_one_line(venue),
            volume=_one_line(f.get("volume", "")),
            number=_one_line(f.get("number") or f.get("issue") or ""),
            pages=_one_line(f.get("pages", "")),
            publisher=_one_line(f.get("publisher", "")),
            editors=editors,
            institution=_one_line(f.get("institution") or f.get("school") or ""),
            isbn=bibtex_text.decode_verbatim(f.get("isbn", "")).strip(),
            # As written, but with control bytes as spaces, as in every other field.
            extra={
                k: bibtex_text.clean_text(v) for k, v in f.items() if k not in _READ and v.strip()
            },
        ),
        tags=parse_tags(f.get("keywords", "")),
        note="\n\n".join(n for n in notes if n.strip()),
        aliases=[
            k
            for k in (_one_line(a) for a in split_top_level(f.get("ids", ""), _LIST_MARK, ","))
            if k
        ],
        status=status,
        read_at=read_at,
        priority=_PRIORITY.get(bibtex_text.decode_verbatim(f.get("priority", "")).strip().lower()),
    )


# Ours by name, and JabRef's (prio1 is its highest).
_PRIORITY = {
    "low": "low", "medium": "medium", "high": "high", "prio3": "low", "prio2": "medium",
    "prio1": "high",
}  # fmt: skip
# JabRef's reading marks, and ours (Papershelf writes its statuses by name).
_READ_STATUS = {"skimmed": "reading", **{s: s for s in STATUSES}}
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?")


def reading_state(fields: dict[str, str]) -> tuple[str | None, str | None]:
    """(status, read_at) an entry carries in ``readstatus`` and ``readdate``, if any."""
    status = _READ_STATUS.get(bibtex_text.decode_verbatim(fields.get("readstatus", "")).lower())
    when = bibtex_text.decode_verbatim(fields.get("readdate", ""))
    return status, when if status and _ISO_TIME.fullmatch(when) else None
