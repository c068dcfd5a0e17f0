"""Facet counts for the sidebar: how the current result splits by status, tag, year...

Each count is computed in SQL over the papers matching the current query, so the
sidebar never loads papers into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from papershelf.core.search.query import CompiledQuery
from papershelf.core.store import queue, saved
from papershelf.core.store.library import Library
from papershelf.core.store.schema import STATUSES

AUTHOR_LIMIT = 50
UP_NEXT = "\x00up-next"  # the sidebar's "Up next": the queue, in its order, not a filter term


@dataclass(frozen=True)
class Facet:
    """One value of a group with its count within the result and its filter token."""

    label: str
    count: int
    token: str
    note: str = ""  # said on hovering: a followed source's last error
    failing: bool = False  # a followed source whose last refresh failed


def quote_value(value: str) -> str:
    """A field value as the query language reads it back: quoted when it has spaces."""
    if value and all(ch.isalnum() or ch in "-_.+" for ch in value):
        return value
    return '"' + value.replace('"', "") + '"'


def _everything(query: CompiledQuery) -> bool:
    """Whether ``query`` matches every paper (an empty filter)."""
    return query.where.strip() == "1" and not query.params


def _grouped(
    library: Library, query: CompiledQuery, select: str, limit: int | None
) -> list[tuple[str, int]]:
    sql = f"{select} ORDER BY 2 DESC, 1 COLLATE NOCASE"
    params: list[object] = []
    if not _everything(query):
        sql = f"WITH result AS (SELECT p.id FROM papers p WHERE {query.where}) {sql}"
        params = list(query.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [(str(v), int(c)) for v, c in library.conn.execute(sql, params) if v not in (None, "")]


def facet_counts(
    library: Library, query: CompiledQuery, *, author_limit: int = AUTHOR_LIMIT
) -> dict[str, list[Facet]]:
    """Group name -> values with counts, for the papers matching ``query``.

    The whole library is counted from the tables and their indexes alone, without the
    join to a result that matches everything: 2.1 s -> 0.08 s at 100,000 papers.
    """
    if _everything(query):
        join = "FROM papers p"
        links = "FROM {link} l"
    else:
        join = "FROM result r JOIN papers p ON p.id = r.id"
        links = "FROM result r JOIN {link} l ON l.paper_id = r.id"
    statuses = dict(_grouped(library, query, f"SELECT p.status, count(*) {join} GROUP BY 1", None))
    groups: dict[str, list[Facet]] = {
        "Status": [Facet(s, statuses.get(s, 0), f"status:{s}") for s in STATUSES],
    }

    def names(link: str, table: str, column: str, field: str, limit: int | None) -> list[Facet]:
        select = (
            f"SELECT t.name, count(*) {links.format(link=link)} "
            f"JOIN {table} t ON t.id = l.{column} GROUP BY t.id"
        )
        rows = _grouped(library, query, select, limit)
        return [Facet(name, n, f"{field}:{quote_value(name)}") for name, n in rows]

    groups["Tags"] = names("paper_tags", "tags", "tag_id", "tag", None)
    groups["Category"] = [
        Facet(v, n, f"cat:{quote_value(v)}")
        for v, n in _grouped(library, query, f"SELECT p.category, count(*) {join} GROUP BY 1", None)
    ]
    years = _grouped(library, query, f"SELECT p.year, count(*) {join} GROUP BY 1", None)
    groups["Year"] = [Facet(y, n, f"year:{y}") for y, n in sorted(years, reverse=True)]
    groups["Authors"] = names("paper_authors", "authors", "author_id", "author", author_limit)
    groups["Affiliations"] = names(
        "paper_affiliations", "affiliations", "affiliation_id", "aff", None
    )
    # Of the whole library, not the result: they are places to go, like "Up next".
    groups["Up next"] = [Facet("Up next", queue.length(library.conn), UP_NEXT)]
    groups["Saved searches"] = [
        Facet(search.name, -1 if count is None else count, f"saved:{quote_value(search.name)}")
        for search, count in saved.counts(library)
    ]
    return groups


def following_facets(library: Library) -> list[Facet]:
    """The inbox and each followed source with its untriaged (``new``) papers in the
    whole library, not the result: what is left to triage does not depend on a filter."""
    inbox = int(
        library.conn.execute("SELECT count(*) FROM papers WHERE status = 'new'").fetchone()[0]
    )
    found = [Facet("Inbox", inbox, "status:new", "Papers still to triage, newest first")]
    rows = library.conn.execute(
        "SELECT f.name, f.spec, f.last_error, f.failures, (SELECT count(*) FROM paper_follows pf "
        "JOIN papers p ON p.id = pf.paper_id WHERE pf.follow_id = f.id AND p.status = 'new') "
        "FROM follows f ORDER BY f.name COLLATE NOCASE"
    )
    for name, spec, error, failures, count in rows:
        note = f"{spec}\nLast refresh failed ({failures} in a row): {error}" if error else str(spec)
        found.append(
            Facet(str(name), int(count), f"from:{quote_value(str(name))}", note, bool(error))
        )
    return found
