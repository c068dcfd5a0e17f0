"""Crossref's REST API: the record of a DOI (``/works/{doi}``), as a paper's fields.

The answer is JSON, ``{"status": "ok", "message-type": "work", "message": {...}}``
(https://api.crossref.org/swagger-ui/index.html, "Works"); every value is checked for
its kind, so an odd record gives fewer fields, never an exception. A DOI Crossref does
not know is a 404: most often one registered with DataCite (datasets, Zenodo), which
the message says.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from papershelf.core.dates import real_date
from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex_text
from papershelf.core.net.http import MAILTO_ENV, NetError, PoliteClient, host_of

API_ENV = "PAPERSHELF_CROSSREF_API"
DEFAULT_API = "https://api.crossref.org"
JSON_TYPES = ("application/json",)
MAX_AUTHORS = 2000  # a physics collaboration lists thousands; the record stays bounded

# Crossref's work types (https://api.crossref.org/types) as BibTeX entry types, the
# way core/io/csl.py reads CSL types.
_TYPES = {
    "journal-article": "article", "proceedings-article": "inproceedings",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "book-chapter": "incollection", "book-section": "incollection", "book-part": "incollection",
    "reference-entry": "incollection", "dissertation": "phdthesis", "report": "techreport",
    "report-component": "techreport", "posted-content": "misc", "dataset": "dataset",
    "proceedings": "proceedings", "standard": "techreport", "other": "misc",
}  # fmt: skip


def api_url() -> str:
    return (os.environ.get(API_ENV, "").strip() or DEFAULT_API).rstrip("/")


def fetch(client: PoliteClient, doi: str) -> PaperFields:
    """The paper ``doi`` names; NetError with a one-line reason when there is none."""
    base = api_url()
    params = {}
    mailto = os.environ.get(MAILTO_ENV, "").strip()
    if mailto:
        params["mailto"] = mailto  # Crossref's "polite pool"
    url = f"{base}/works/{quote(doi, safe='/')}"
    try:
        fetched = client.get(url, params=params, accept=JSON_TYPES)
    except NetError as exc:
        if exc.status == 404:
            raise NetError(
                f"Crossref has no record of DOI {doi} (not registered, or registered "
                f"elsewhere, e.g. DataCite)",
                status=404,
            ) from exc
        raise
    message = _message(fetched.body, host_of(base))
    return paper_fields(message, doi)


def _message(body: bytes, host: str) -> Mapping[str, Any]:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NetError(f"{host} sent a malformed answer (not JSON)") from exc
    if not isinstance(envelope, dict) or envelope.get("status") != "ok":
        raise NetError(f"{host} sent an answer that is not a Crossref record")
    message = envelope.get("message")
    if envelope.get("message-type") != "work" or not isinstance(message, dict):
        raise NetError(f"{host} sent an answer that is not a Crossref work")
    return message


def paper_fields(message: Mapping[str, Any], doi: str) -> PaperFields:
    """What a Crossref work says about its paper (the DOI asked for when it has none)."""
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}" if title else subtitle
    if not title:
        raise NetError(f"Crossref's record of DOI {doi} has no title")
    authors, orcids, affiliations = _people(message.get("author"))
    editors, _, _ = _people(message.get("editor"))
    extra: dict[str, str] = {}
    if orcids:
        extra["orcid"] = bibtex_text.encode("; ".join(orcids))
    issn = _first(message.get("ISSN"))
    if issn:
        extra["issn"] = bibtex_text.encode(issn)
    pdf = _pdf_link(message.get("link"))
    if pdf:
        extra["crossref-pdf"] = bibtex_text.encode(pdf)
    kind = _TYPES.get(_text(message.get("type")), "misc")
    resource = message.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    url = _text(primary.get("URL")) if isinstance(primary, dict) else ""
    return PaperFields(
        title=_plain(title),
        authors=authors,
        affiliations=affiliations,
        abstract=jats_to_text(_text(message.get("abstract"))),
        published=_date(message),
        entry_type=kind,
        venue=_plain(_first(message.get("container-title"))),
        volume=_text(message.get("volume")),
        number=_text(message.get("issue")),
        pages=_text(message.get("page")),
        publisher=_plain(_text(message.get("publisher"))),
        editors=editors,
        isbn=_first(message.get("ISBN")),
        doi=_text(message.get("DOI")) or doi,
        url=url or _text(message.get("URL")) or None,
        extra=extra,
    )


def _text(value: object) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _first(value: object) -> str:
    """The first string of a Crossref list (titles and ISBNs come as lists)."""
    if isinstance(value, list):
        return next((_text(v) for v in value if _text(v)), "")
    return _text(value)


def _plain(text: str) -> str:
    """Markup Crossref leaves in titles (``<i>``, ``<sub>``, entities) as plain text."""
    return " ".join(html.unescape(re.sub(r"<[^>]{0,200}>", "", text)).split())


def jats_to_text(abstract: str) -> str:
    """A JATS abstract (``<jats:p>``, ``<jats:italic>``...) as paragraphs of text."""
    if not abstract:
        return ""
    text = re.sub(r"(?i)</?jats:title>.*?</jats:title>", " ", abstract)
    text = re.sub(r"(?i)<jats:title>[^<]*</jats:title>", " ", text)
    text = re.sub(r"(?i)</(?:jats:)?p\s*>|<(?:jats:)?(?:sec|p)\b[^>]*>", "\n\n", text)
    text = re.sub(r"<[^>]{0,500}>", "", text)
    paragraphs = (" ".join(html.unescape(p).split()) for p in re.split(r"\n\s*\n", text))
    found = [p for p in paragraphs if p]
    if found and found[0].casefold() in ("abstract", "summary"):
        found = found[1:]  # a heading JATS wrote as text
    return "\n\n".join(found)


def _people(value: object) -> tuple[list[str], list[str], list[str]]:
    """Names as "Given Family", "Name (ORCID)" for those with one, and affiliations."""
    if not isinstance(value, list):
        return [], [], []
    names: list[str] = []
    orcids: list[str] = []
    affiliations: list[str] = []
    for person in value[:MAX_AUTHORS]:
        if not isinstance(person, dict):
            continue
        name = _plain(
            " ".join(p for p in (_text(person.get("given")), _text(person.get("family"))) if p)
            or _text(person.get("name"))
        )
        if not name:
            continue
        names.append(name)
        orcid = re.search(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", _text(person.get("ORCID")))
        if orcid:
            orcids.append(f"{name} ({orcid.group(0)})")
        for place in person.get("affiliation") or []:
            place_name = _plain(_text(place.get("name"))) if isinstance(place, dict) else ""
            if place_name and place_name not in affiliations:
                affiliations.append(place_name)
    return names, orcids, affiliations


def _date(message: Mapping[str, Any]) -> str | None:
    """The date of publication at its precision: YYYY, YYYY-MM or YYYY-MM-DD."""
    for name in ("issued", "published", "published-print", "published-online", "created"):
        holder = message.get(name)
        parts = holder.get("date-parts") if isinstance(holder, dict) else None
        if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
            continue
        numbers = [p for p in parts[0][:3] if isinstance(p, int) and not isinstance(p, bool)]
        while numbers:  # a date Crossref got wrong keeps what is right of it
            found = real_date(numbers)
            if found is not None:
                return found
            numbers = numbers[:-1]
    return None


def _pdf_link(value: object) -> str:
    if not isinstance(value, list):
        return ""
    for link in value:
        if isinstance(link, dict) and _text(link.get("content-type")) == "application/pdf":
            return _text(link.get("URL"))
    return ""
