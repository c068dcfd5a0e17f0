"""Feeds for the follow tests: arXiv API answers, RSS and Atom, made from a few fields.

Built as text, like the servers that send them, so a test says exactly which entries a
feed has (duplicates, missing ids, a changed title) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class Item:
    title: str
    authors: list[str] = field(default_factory=lambda: ["Ann Example"])
    abstract: str = "An abstract."
    arxiv: str | None = None  # "2401.00001v1"
    guid: str | None = None
    link: str | None = None
    date: str = "2026-01-15"
    category: str = "cs.LG"


def arxiv_atom(items: list[Item]) -> bytes:
    """An arXiv API answer (Atom with arXiv's extensions)."""
    entries = []
    for it in items:
        ident = f"http://arxiv.org/abs/{it.arxiv}" if it.arxiv else (it.guid or "")
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in it.authors)
        entries.append(
            f"<entry><id>{escape(ident)}</id><published>{it.date}T00:00:00Z</published>"
            f"<updated>{it.date}T00:00:00Z</updated><title>{escape(it.title)}</title>"
            f"<summary>{escape(it.abstract)}</summary>{authors}"
            f'<link href="{escape(ident)}" rel="alternate" type="text/html"/>'
            f'<arxiv:primary_category term="{it.category}" '
            'scheme="http://arxiv.org/schemas/atom"/></entry>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        "<title>arXiv Query</title><id>http://arxiv.org/api/x</id>"
        f"<opensearch:totalResults>{len(items)}</opensearch:totalResults>"
        + "".join(entries)
        + "</feed>"
    ).encode()


def rss(items: list[Item]) -> bytes:
    """An RSS 2.0 feed; an item without ``guid`` and ``link`` has no id at all."""
    out = []
    for it in items:
        guid = f"<guid>{escape(it.guid)}</guid>" if it.guid else ""
        link = f"<link>{escape(it.link)}</link>" if it.link else ""
        out.append(
            f"<item><title>{escape(it.title)}</title>{link}{guid}"
            f"<description>{escape(it.abstract)}</description>"
            f"<dc:creator>{escape(', '.join(it.authors))}</dc:creator>"
            f"<pubDate>Thu, 15 Jan 2026 00:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Lab blog</title>'
        "<link>http://example.org/</link><description>x</description>"
        + "".join(out)
        + "</channel></rss>"
    ).encode()


ATOM = "application/atom+xml"
RSS = "application/rss+xml"
