"""Followed sources as the network sees them: what a SPEC names, and a feed's bytes
turned into papers.

A SPEC is ``arxiv:QUERY`` (an arXiv API ``search_query``: ``au:"Tengyu Ma"``,
``cat:cs.LG AND abs:"in-context learning"``; the query language's ``author:`` and
``title:`` are read as arXiv's ``au:`` and ``ti:``) or an http(s) address of an RSS or
Atom feed. Feeds are parsed by feedparser, always from bytes: given a string that looks
like an address, feedparser would fetch it itself, past our client's limits.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from papershelf.core import collector
from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.net.endpoints import arxiv_api
from papershelf.core.same_paper import arxiv_base
from papershelf.core.text import fold

ARXIV_RESULTS = 100  # newest first: a refresh every few hours never misses one
MAX_TITLE = 1000

# arXiv ids in links and ids: new style (2303.16800v2) and old (cs/0112017v1).
_ARXIV_ID = re.compile(
    r"arxiv\.org/(?:abs|pdf)/((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)",
    re.IGNORECASE,
)
_ARXIV_IN_TEXT = re.compile(r"^arXiv:(\d{4}\.\d{4,5}(?:v\d+)?)\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?)])")
# arXiv's RSS puts "arXiv:2401.01234v1 Announce Type: new Abstract: ..." in the summary.
_ANNOUNCE = re.compile(r"^arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.IGNORECASE)
_QUERY_FIELDS = {"author:": "au:", "title:": "ti:", "abstract:": "abs:"}


@dataclass(frozen=True)
class Spec:
    """What a follow reads: ``url`` to request, and whether it is the arXiv API."""

    text: str
    url: str
    arxiv: bool


def parse_spec(text: str) -> Spec:
    """A follow's SPEC checked and made into the address to request; LibraryError says
    what is wrong with it."""
    text = text.strip()
    if text.lower().startswith("arxiv:"):
        query = text[len("arxiv:") :].strip()
        if not query:
            raise LibraryError('arxiv: needs a query, e.g. arxiv:au:"Tengyu Ma"')
        for ours, theirs in _QUERY_FIELDS.items():
            query = re.sub(re.escape(ours), theirs, query, flags=re.IGNORECASE)
        base = arxiv_api()
        params = {
            "search_query": query,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "start": "0",
            "max_results": str(ARXIV_RESULTS),
        }
        return Spec(f"arxiv:{query}", f"{base}?{urlencode(params)}", True)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it checks it ("host:99999" raises)
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in parts.netloc)
    ):
        raise LibraryError(
            f"cannot follow {text!r}: give arxiv:QUERY or the http(s) address of an RSS or "
            "Atom feed"
        )
    return Spec(text, text, False)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed as a paper: ``mark`` identifies it across refreshes (its
    arXiv id, DOI, the feed's id for it, its link, or a hash of title and author)."""

    mark: str
    fields: PaperFields

    @property
    def marks(self) -> list[str]:
        """Every mark a deletion of this paper may have left (see ``follows.dismissed``)."""
        found = [self.mark]
        if self.fields.arxiv_id:
            found.append(f"arxiv:{arxiv_base(self.fields.arxiv_id)}")
        if self.fields.doi:
            found.append(f"doi:{self.fields.doi.lower()}")
        return list(dict.fromkeys(found))


@dataclass
class ParsedFeed:
    """The entries of a feed and what was wrong with it (a feed cut short still gives
    the entries before the cut)."""

    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None
    skipped: int = 0  # entries without a title


class NotAFeedError(LibraryError):
    """The bytes are not a feed (a web page, an error page, nothing)."""


def parse_feed(body: bytes, content_type: str | None = None, *, arxiv: bool = False) -> ParsedFeed:
    """The papers of an RSS, Atom or arXiv API answer; NotAFeedError when it is none."""
    with collector.paused():
        return _parse_feed(body, content_type, arxiv=arxiv)


def _parse_feed(body: bytes, content_type: str | None, *, arxiv: bool) -> ParsedFeed:
    import feedparser  # 0.1 s to import: only when a feed is read

    headers = {"content-type": content_type} if content_type else {}
    parsed: Any = feedparser.parse(body, response_headers=headers)
    entries = list(parsed.get("entries") or [])
    if arxiv:
        errors = [e for e in entries if "arxiv.org/api/errors" in str(e.get("id", ""))]
        if errors:
            raise NotAFeedError(f"arXiv refused the query: {_text(errors[0].get('summary'))}")
    if not parsed.get("version") and not entries:
        looks_html = b"<html" in body[:4096].lower() or "html" in (content_type or "").lower()
        if looks_html:
            raise NotAFeedError("the address gives a web page, not a feed")
        raise NotAFeedError("the answer is not an RSS or Atom feed")
    result = ParsedFeed()
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        result.problem = f"the feed is malformed or cut short ({_text(str(problem))[:120]})"
    for entry in entries:
        made = entry_paper(entry)
        if made is None:
            result.skipped += 1
        else:
            result.entries.append(made)
    return result


def _text(value: object) -> str:
    """Markup-free, single-spaced text (feeds put HTML in titles and summaries)."""
    if not value:
        return ""
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", str(value))))
    return _SPACE_BEFORE_STOP.sub(r"\1", text).strip()


def _authors(entry: Any) -> list[str]:
    found = [_text(a.get("name")) for a in entry.get("authors") or [] if a.get("name")]
    if len(found) == 1 and ("," in found[0] or " and " in found[0]):
        found = []  # "A, B and C" in one dc:creator (arXiv's RSS): split below
    if not found and entry.get("author"):
        found = [p for p in re.split(r",\s*|\s+and\s+", _text(entry.get("author"))) if p]
    return [a for a in found if a]


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def _arxiv_id(entry: Any) -> str | None:
    for value in (
        entry.get("id"),
        entry.get("link"),
        *[lk.get("href") for lk in entry.get("links") or []],
    ):
        match = _ARXIV_ID.search(str(value or ""))
        if match:
            return match.group(1)
    match = _ARXIV_IN_TEXT.match(_text(entry.get("summary")))
    return match.group(1) if match else None


def _doi(entry: Any) -> str | None:
    for key in ("arxiv_doi", "prism_doi", "dc_identifier"):
        match = _DOI.search(str(entry.get(key) or ""))
        if match:
            return match.group(1).rstrip(".,;")
    return None


def _category(entry: Any) -> str:
    primary = entry.get("arxiv_primary_category")
    if isinstance(primary, dict) and primary.get("term"):
        return str(primary["term"])
    tags = entry.get("tags") or []
    return str(tags[0].get("term") or "") if len(tags) == 1 else ""


def entry_paper(entry: Any) -> FeedEntry | None:
    """A feed entry as a paper, or None when it has no title."""
    title = _text(entry.get("title"))[:MAX_TITLE]
    if not title:
        return None
    arxiv_id = _arxiv_id(entry)
    doi = _doi(entry)
    abstract = _ANNOUNCE.sub("", _text(entry.get("summary") or entry.get("description")))
    link = str(entry.get("link") or "") or None
    fields = PaperFields(
        title=title,
        authors=_authors(entry),
        abstract=abstract,
        published=_date(entry),
        category=_category(entry),
        arxiv_id=arxiv_id,
        doi=doi,
        url=link,
        venue=_text(entry.get("prism_publicationname")),
    )
    if arxiv_id:
        mark = f"arxiv:{arxiv_base(arxiv_id)}"
    elif doi:
        mark = f"doi:{doi.lower()}"
    elif entry.get("id"):
        mark = f"id:{str(entry.get('id')).strip()}"
    elif link:
        mark = f"link:{link}"
    else:  # no id at all: the same title by the same first author is the same entry
        first = fields.authors[0] if fields.authors else ""
        digest = hashlib.sha1(f"{fold(title)}\n{fold(first)}".encode()).hexdigest()
        mark = f"hash:{digest}"
    return FeedEntry(mark, fields)
