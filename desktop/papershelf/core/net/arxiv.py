"""The arXiv API: papers by id (batched ``id_list``) and by title and first author.

The API answers Atom with the ``arxiv:`` and ``opensearch:`` extensions
(https://info.arxiv.org/help/api/user-manual.html), read with feedparser. arXiv asks
for no more than one request every three seconds and for ids to be batched, so the
client keeps to ``INTERVAL_S`` for the API's host and asks for ``BATCH`` ids at once.
An id arXiv does not have is simply missing from the feed; a malformed one gets an
entry titled "Error" instead of the papers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import feedparser

from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex_text
from papershelf.core.net.endpoints import arxiv_api as api_url
from papershelf.core.net.http import NetError, PoliteClient, host_of

PDF_ENV = "PAPERSHELF_ARXIV_PDF"
DEFAULT_PDF = "https://arxiv.org/pdf"
INTERVAL_S = 3.0  # arXiv's documented pace: one request every three seconds
BATCH = 20  # ids per id_list query: one answer stays a few hundred kB
ATOM_TYPES = ("application/atom+xml", "application/xml", "text/xml")
_ID_IN_URL = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_SUBJECT = re.compile(r"[a-z\-]+\.([A-Za-z\-]{2,})")


def pdf_url(arxiv_id: str) -> str:
    """Where the PDF of ``arxiv_id`` is (``PAPERSHELF_ARXIV_PDF``/ID)."""
    base = os.environ.get(PDF_ENV, "").strip() or DEFAULT_PDF
    return f"{base.rstrip('/')}/{arxiv_id}"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def prepare(client: PoliteClient) -> str:
    """The API's URL, with ``client`` keeping arXiv's pace for its host."""
    url = api_url()
    client.set_interval(host_of(url), INTERVAL_S)
    return url


@dataclass(frozen=True)
class ArxivPaper:
    """One entry of the feed: the paper, its id and version, and where its PDF is."""

    arxiv_id: str
    version: int | None
    fields: PaperFields
    pdf: str


def fetch(
    client: PoliteClient,
    ids: Sequence[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[str, ArxivPaper | str]:
    """Each id (without version) -> its paper, or a one-line reason it has none.

    A batch that fails (offline, a malformed answer) gives each of its ids that
    batch's reason. ``progress(n)`` follows the ids answered so far.
    """
    url = prepare(client)
    result: dict[str, ArxivPaper | str] = {}
    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        try:
            fetched = client.get(
                url,
                params={"id_list": ",".join(batch), "max_results": str(len(batch))},
                accept=ATOM_TYPES,
            )
            papers = {p.arxiv_id: p for p in parse_feed(fetched.body, host_of(url))}
        except NetError as exc:
            result.update(dict.fromkeys(batch, str(exc)))
        else:
            for arxiv_id in batch:
                result[arxiv_id] = papers.get(arxiv_id) or f"arXiv has no paper {arxiv_id}"
        if progress is not None:
            progress(min(start + BATCH, len(ids)))
    return result


def fetch_one(client: PoliteClient, arxiv_id: str) -> ArxivPaper | None:
    """The paper ``arxiv_id`` (no version), None when arXiv has none; NetError when the
    question could not be answered (offline, a malformed answer)."""
    url = prepare(client)
    fetched = client.get(url, params={"id_list": arxiv_id, "max_results": "1"}, accept=ATOM_TYPES)
    papers = parse_feed(fetched.body, host_of(url))
    return next((p for p in papers if p.arxiv_id == arxiv_id), None)


def prepare_pdf(client: PoliteClient, arxiv_id: str) -> str:
    """The URL of ``arxiv_id``'s PDF, with ``client`` keeping arXiv's pace for its host."""
    url = pdf_url(arxiv_id)
    client.set_interval(host_of(url), INTERVAL_S)
    return url


def search(client: PoliteClient, title: str, first_author_surname: str) -> list[ArxivPaper]:
    """Papers whose title has the words of ``title``, by ``first_author_surname``."""
    url = prepare(client)
    words = " ".join(re.sub(r"[^\w]+", " ", title).split())
    surname = " ".join(re.sub(r"[^\w]+", " ", first_author_surname).split())
    if not words:
        return []
    query = f'ti:"{words}"'
    if surname:
        query += f' AND au:"{surname}"'
    fetched = client.get(
        url, params={"search_query": query, "max_results": "10"}, accept=ATOM_TYPES
    )
    return parse_feed(fetched.body, host_of(url))


def parse_feed(body: bytes, host: str = "arXiv") -> list[ArxivPaper]:
    """The papers of an API answer; NetError when it is not a feed or says "Error"."""
    feed: Any = feedparser.parse(body)
    problem = feed.get("bozo_exception")
    if feed.get("bozo") and not isinstance(problem, feedparser.CharacterEncodingOverride):
        raise NetError(f"{host} sent a malformed answer (not a readable Atom feed)")
    if not str(feed.get("version", "")).startswith("atom"):
        raise NetError(f"{host} sent an answer that is not an Atom feed")
    papers = []
    for entry in feed.entries:
        entry_id = str(entry.get("id", ""))
        if "/api/errors" in entry_id or entry.get("title") == "Error":
            reason = " ".join(str(entry.get("summary", "an error")).split())
            raise NetError(f"arXiv refused the query: {reason}")
        paper = _paper(entry)
        if paper is not None:
            papers.append(paper)
    return papers


def _paper(entry: Mapping[str, Any]) -> ArxivPaper | None:
    match = _ID_IN_URL.search(str(entry.get("id", "")))
    if match is None:
        return None
    arxiv_id = match.group("id")
    version = int(match.group("version")) if match.group("version") else None
    primary = str((entry.get("arxiv_primary_category") or {}).get("term", ""))
    subject = _SUBJECT.fullmatch(primary)
    extra: dict[str, str] = {}
    for name, key in (
        ("primaryclass", primary),
        ("arxiv-updated", str(entry.get("updated", ""))[:10]),
        ("arxiv-journal-ref", _one_line(entry.get("arxiv_journal_ref", ""))),
        ("arxiv-comment", _one_line(entry.get("arxiv_comment", ""))),
    ):
        if key:
            extra[name] = bibtex_text.encode(key)
    pdf = next(
        (str(link.get("href")) for link in entry.get("links", []) if link.get("title") == "pdf"),
        "",
    )
    doi = _one_line(entry.get("arxiv_doi", "")) or None
    fields = PaperFields(
        title=_one_line(entry.get("title", "")),
        authors=[_one_line(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")],
        abstract=_paragraphs(str(entry.get("summary", ""))),
        published=str(entry.get("published", ""))[:10] or None,
        category=subject.group(1) if subject else primary,
        doi=doi,
        arxiv_id=arxiv_id,
        url=abs_url(arxiv_id),
        entry_type="misc",
        extra=extra,
    )
    return ArxivPaper(arxiv_id, version, fields, pdf or pdf_url(arxiv_id))


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _paragraphs(text: str) -> str:
    """arXiv wraps abstracts at a width; a blank line is a paragraph, the rest joins."""
    parts = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in parts if p.strip())
