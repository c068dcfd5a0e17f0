"""Answers in the documented formats of the arXiv API and Crossref's REST API.

arXiv: Atom 1.0 with the ``opensearch:`` and ``arxiv:`` namespaces, as the arXiv API
User's Manual (section 3.3, "The API Response") shows it; an id_list naming a
malformed id gets a feed with one entry titled "Error"; a well-formed id arXiv does
not have gets an empty feed. Crossref: ``/works/{doi}`` answers the envelope
``{"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": {...}}``
(https://api.crossref.org/swagger-ui/index.html); an unknown DOI is a 404 with the text
"Resource not found.".

``ArxivService`` and ``CrossrefService`` route a FixtureServer like the real services:
the arXiv API answers ``id_list`` (any number, comma-separated) and ``search_query``
from the entries it knows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from net_server import FixtureServer, Reply, Request

ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class ArxivEntry:
    arxiv_id: str  # without version
    title: str
    authors: list[str]
    abstract: str = "We study things.\n  Carefully."
    version: int = 2
    published: str = "2023-03-29T17:59:02Z"
    updated: str = "2023-04-02T10:00:00Z"
    primary: str = "cs.LG"
    categories: list[str] = field(default_factory=lambda: ["cs.LG", "stat.ML"])
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    affiliations: dict[str, str] = field(default_factory=dict)  # author -> affiliation


def arxiv_entry_xml(e: ArxivEntry) -> str:
    vid = f"{e.arxiv_id}v{e.version}"
    authors = "".join(
        f"<author><name>{escape(a)}</name>"
        + (
            f"<arxiv:affiliation>{escape(e.affiliations[a])}</arxiv:affiliation>"
            if a in e.affiliations
            else ""
        )
        + "</author>"
        for a in e.authors
    )
    extras = ""
    if e.doi:
        extras += f"<arxiv:doi>{escape(e.doi)}</arxiv:doi>"
        extras += f'<link title="doi" href="http://dx.doi.org/{escape(e.doi)}" rel="related"/>'
    if e.journal_ref:
        extras += f"<arxiv:journal_ref>{escape(e.journal_ref)}</arxiv:journal_ref>"
    if e.comment:
        extras += f"<arxiv:comment>{escape(e.comment)}</arxiv:comment>"
    cats = "".join(
        f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e.categories
    )
    # arXiv wraps long titles over lines with two spaces of indentation.
    title = escape(e.title).replace(" with ", "\n  with ", 1)
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <updated>{e.updated}</updated>
    <published>{e.published}</published>
    <title>{title}</title>
    <summary>  {escape(e.abstract)}
</summary>
    {authors}
    {extras}
    <link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="{e.primary}"
      scheme="http://arxiv.org/schemas/atom"/>
    {cats}
  </entry>"""


def arxiv_feed(entries: Sequence[ArxivEntry], query: str = "", error: str | None = None) -> str:
    body = "".join(arxiv_entry_xml(e) for e in entries)
    total = len(entries)
    if error is not None:
        total = 1
        body = f"""
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{escape(error)}</id>
    <title>Error</title>
    <summary>incorrect id format for {escape(error)}</summary>
    <updated>2023-04-02T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_{escape(error)}"
      rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"
  xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
  xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?{escape(query, {'"': "&quot;"})}" rel="self"
    type="application/atom+xml"/>
  <title type="html">ArXiv Query: {escape(query)}</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2023-04-02T00:00:00-04:00</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{max(total, 10)}</opensearch:itemsPerPage>
  {body}
</feed>
"""


_ID_FORMAT = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


class ArxivService:
    """The arXiv API on a FixtureServer at ``/api/query``: set PAPERSHELF_ARXIV_API to ``url``."""

    PATH = "/api/query"

    def __init__(self, server: FixtureServer, entries: Sequence[ArxivEntry] = ()) -> None:
        self.server = server
        self.entries = {e.arxiv_id: e for e in entries}
        self.url = server.url + self.PATH
        server.route(self.PATH, self.answer)

    def add(self, *entries: ArxivEntry) -> None:
        for e in entries:
            self.entries[e.arxiv_id] = e

    def requests(self) -> list[Request]:
        return self.server.requests_to(self.PATH)

    def answer(self, request: Request) -> Reply:
        ids = [i for i in request.param("id_list").split(",") if i]
        query = request.param("search_query")
        for raw in ids:
            if not _ID_FORMAT.match(raw):
                return Reply(200, arxiv_feed([], error=raw), ATOM)
        if ids:
            bases = [re.sub(r"v\d+$", "", i) for i in ids]
            found = [self.entries[b] for b in bases if b in self.entries]
            return Reply(200, arxiv_feed(found, f"id_list={','.join(ids)}"), ATOM)
        if query:
            return Reply(200, arxiv_feed(self.search(query), f"search_query={query}"), ATOM)
        return Reply(400, "no query", "text/plain")

    def search(self, query: str) -> list[ArxivEntry]:
        """``ti:"words" AND au:name``: every word of the title and the author's surname."""
        title = re.search(r'ti:"([^"]*)"', query)
        author = re.search(r'au:"?([^"\s)]+)', query)
        words = (title.group(1) if title else "").lower().split()
        found = []
        for e in self.entries.values():
            text = re.sub(r"[^\w\s]", " ", e.title.lower()).split()
            if all(w in text for w in words) and (
                author is None
                or any(author.group(1).lower() in a.lower().replace("_", " ") for a in e.authors)
            ):
                found.append(e)
        return found


def crossref_work(
    doi: str,
    title: str,
    authors: Sequence[tuple[str, str]] = (),
    *,
    kind: str = "journal-article",
    container: str = "Nature",
    volume: str | None = "521",
    issue: str | None = "7553",
    page: str | None = "436-444",
    publisher: str = "Springer Science and Business Media LLC",
    issued: Sequence[int] = (2015, 5, 27),
    abstract: str | None = "<jats:p>Deep learning allows <jats:italic>models</jats:italic> "
    "&amp; more.</jats:p><jats:p>Second paragraph.</jats:p>",
    orcids: dict[str, str] | None = None,
    affiliations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``message`` of a /works/{doi} answer (only what our reader reads, and more)."""
    orcids = orcids or {}
    affiliations = affiliations or {}
    people = []
    for i, (given, family) in enumerate(authors):
        person: dict[str, Any] = {
            "given": given,
            "family": family,
            "sequence": "first" if i == 0 else "additional",
            "affiliation": [{"name": affiliations[family]}] if family in affiliations else [],
        }
        if family in orcids:
            person["ORCID"] = f"http://orcid.org/{orcids[family]}"
            person["authenticated-orcid"] = False
        people.append(person)
    message: dict[str, Any] = {
        "indexed": {"date-parts": [[2024, 1, 1]], "date-time": "2024-01-01T00:00:00Z"},
        "reference-count": 103,
        "publisher": publisher,
        "issue": issue,
        "license": [],
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "published-print": {"date-parts": [list(issued)]},
        "DOI": doi,
        "type": kind,
        "created": {"date-parts": [[2015, 5, 27]]},
        "page": page,
        "source": "Crossref",
        "title": [title],
        "prefix": doi.split("/")[0],
        "volume": volume,
        "author": people,
        "member": "297",
        "container-title": [container] if container else [],
        "link": [
            {
                "URL": f"https://www.example.org/articles/{doi.split('/')[-1]}.pdf",
                "content-type": "application/pdf",
                "content-version": "vor",
                "intended-application": "text-mining",
            }
        ],
        "URL": f"https://doi.org/{doi}",
        "resource": {"primary": {"URL": f"https://www.example.org/articles/{doi.split('/')[-1]}"}},
        "issued": {"date-parts": [list(issued)]},
        "ISSN": ["0028-0836", "1476-4687"],
    }
    if abstract is not None:
        message["abstract"] = abstract
    return {k: v for k, v in message.items() if v is not None}


def crossref_envelope(message: dict[str, Any]) -> str:
    return json.dumps(
        {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
    )


class CrossrefService:
    """Crossref's ``/works/{doi}`` on a FixtureServer: set PAPERSHELF_CROSSREF_API to ``url``."""

    def __init__(self, server: FixtureServer, works: Sequence[dict[str, Any]] = ()) -> None:
        self.server = server
        self.url = server.url
        for work in works:
            self.add(work)

    def add(self, work: dict[str, Any]) -> None:
        self.route(work["DOI"], Reply(200, crossref_envelope(work), "application/json"))

    def route(self, doi: str, *replies: Reply) -> None:
        self.server.route(self.path(doi), *replies)

    @staticmethod
    def path(doi: str) -> str:
        return f"/works/{doi}"
