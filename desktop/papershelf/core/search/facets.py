"""Facet counts for the sidebar: how the current result splits by status, tag, year...

Each count is computed in SQL over the papers matching the current query, so the
sidebar never loads papers into Python. A large result can be estimated first from an
even spread of its papers (``estimated_facet_counts``), while its exact counts run.
"""

from __future__ import annotations

import heapq
import json
import string
from collections.abc import Sequence
from dataclasses import dataclass

from papershelf.core.search.query import CompiledQuery
from papershelf.core.store import queue, saved, whole_counts
from papershelf.core.store.library import Library
from papershelf.core.store.schema import STATUSES

AUTHOR_LIMIT = 50
_PIECE = 10_000  # ids made into JSON at once (2 ms)
# Counting more papers than this takes 0.25 s at 100,000 papers and 0.5 s at 1M (12-25
# us a paper): an estimate from an even spread of the result comes first (0.1-0.3 s).
ESTIMATE_ABOVE = 20_000
_TESTS_PER_COUNT = 16  # papers tested against a filter in the time one is counted
ESTIMATE_SAMPLE = 10_000
ESTIMATE_SEEN = 25  # a value in fewer papers of the spread is too uncertain to show
UP_NEXT = "\x00up-next"  # the sidebar's "Up next": the queue, in its order, not a filter term


@dataclass(frozen=True)
class Facet:
    """One value of a group with its count within the result and its filter token."""

    label: str
    count: int
    token: str
    note: str = ""  # said on hovering: a followed source's last error
    failing: bool = False  # a followed source whose last refresh failed
    estimated: bool = False  # scaled from a sample of the result; the exact count follows


def quote_value(value: str) -> str:
    """A field value as the query language reads it back: quoted when it has spaces."""
    if value and all(ch.isalnum() or ch in "-_.+" for ch in value):
        return value
    return '"' + value.replace('"', "") + '"'


def matches_everything(query: CompiledQuery) -> bool:
    """Whether ``query`` matches every paper (an empty filter): its counts are the
    whole library's, whatever ids are given for its result."""
    return query.where.strip() == "1" and not query.params


# SQLite's NOCASE folds ASCII letters only: the same order, sorted in Python.
_NOCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# (group, what is counted, the link table to a paper's names and the join to the names,
# the filter field): a sidebar row per value. "p" is a paper, "l" a link, "t" a name.
_GROUPS: tuple[tuple[str, str, str | None, str, str], ...] = (
    ("Status", "p.status", None, "", "status"),
    ("Tags", "t.name", "paper_tags", "JOIN tags t ON t.id = l.tag_id", "tag"),
    ("Category", "p.category", None, "", "cat"),
    ("Year", "p.year", None, "", "year"),
    ("Authors", "t.name", "paper_authors", "JOIN authors t ON t.id = l.author_id", "author"),
    (
        "Affiliations", "t.name", "paper_affiliations",
        "JOIN affiliations t ON t.id = l.affiliation_id", "aff",
    ),
)  # fmt: skip


Counted = dict[str, list[tuple[str, int]]]  # group -> (value, count), most first


def _counted(
    library: Library,
    query: CompiledQuery,
    author_limit: int | None,
    *,
    author_ids: bool = False,
    result: Sequence[int] | None = None,
) -> Counted:
    """Each group's values with their counts, most first, in one statement.

    The result is found once (SQLite materialises a CTE used more than once) and joined
    by every group; a statement per group ran the filter six times (1.5 s -> 0.9 s for a
    word in most papers at 100,000). ``author_limit`` None counts every author;
    ``author_ids`` gives authors by id, not name (two people may share a name, and the
    names' table is not read). ``result``, the ids ``query`` matches when known, spares
    running the filter again (1 s at 1M for ``learning -ablation year:2020..2022``; its
    72,000 ids are read in 3 ms).
    """
    selects: list[str] = []
    params: list[object] = list(query.params)
    found_by = f"SELECT p.id FROM papers p WHERE {query.where}"
    if result is not None:
        params, found_by = [_json_ids(result)], "SELECT value AS id FROM json_each(?)"
    for number, (group, value, link, names, _field) in enumerate(_GROUPS):
        if link is None:
            select = f"SELECT {number}, v{number}, sum(n) FROM own GROUP BY 2"
        else:
            key, join = "t.id", "JOIN"
            if group == "Authors" and author_ids:
                value, names, key = "l.author_id", "", "l.author_id"
                # The result's links, not every link in author order each looked up in
                # the result, which SQLite picks for this GROUP BY (85 s at 1M, not 1 s).
                join = "CROSS JOIN"
            linked = f"FROM result r {join} {link} l ON l.paper_id = r.id"
            select = f"SELECT {number}, {value}, count(*) {linked} {names} GROUP BY {key}"
        if group == "Authors" and author_limit is not None:  # the most frequent few only
            select = f"SELECT * FROM ({select} ORDER BY 3 DESC, 2 COLLATE NOCASE LIMIT ?)"
            params.append(author_limit)
        selects.append(select)
    # The result's papers are read once for all their own columns (a join each for
    # status, category and year: 0.7 s for 100,000 papers of 1M; one: 0.4 s).
    own = [f"{value} AS v{n}" for n, (_, value, link, *_) in enumerate(_GROUPS) if not link]
    keys = ", ".join(str(place) for place in range(1, len(own) + 1))
    sql = (
        f"WITH result AS ({found_by}), "
        f"own AS MATERIALIZED (SELECT {', '.join(own)}, count(*) AS n "
        f"FROM result r JOIN papers p ON p.id = r.id GROUP BY {keys}) "
        + " UNION ALL ".join(selects)
    )
    found: Counted = {group: [] for group, *_ in _GROUPS}
    for number, value, count in library.conn.execute(sql, params):
        if value not in (None, ""):
            found[_GROUPS[number][0]].append((str(value), int(count)))
    return _most_first(found)


def _json_ids(ids: Sequence[int]) -> str:
    """Ids as a JSON list, made in pieces: made at once, 500,000 ids hold Python's
    interpreter lock for 90 ms, which the window's thread would wait out."""
    pieces = (json.dumps(list(ids[at : at + _PIECE]))[1:-1] for at in range(0, len(ids), _PIECE))
    return f"[{','.join(pieces)}]"


def _most_first(found: Counted) -> Counted:
    for rows in found.values():
        rows.sort(key=lambda row: (-row[1], row[0].translate(_NOCASE)))
    return found


# Each group's facet in the kept counts and the table that names its ids, if any.
_KEPT: dict[str, tuple[str, str | None]] = {
    "Status": ("status", None),
    "Tags": ("tag", "tags"),
    "Category": ("category", None),
    "Year": ("year", None),
    "Affiliations": ("affiliation", "affiliations"),
}


def _whole_library(library: Library) -> Counted:
    """The whole library's counts but the authors', from the kept counts."""
    found = {group: whole_counts.counts(library.conn, *kept) for group, kept in _KEPT.items()}
    return _most_first({**found, "Authors": []})


def _first_authors(library: Library, left_out: dict[int, int], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` authors with most papers in a result, from the whole library's
    authors, most papers first, less their papers ``left_out`` of it (by author id). The
    reading stops at an author with fewer papers in the whole library than the last of
    the first ``limit`` found has in the result: neither they nor anyone after can be
    shown. Only the names of those that can be shown are read, to order equal counts."""
    found: list[tuple[int, int]] = []
    least: list[int] = []  # a heap of the ``limit`` largest counts in the result so far
    for author, whole in whole_counts.most_first(library.conn, "author", "authors"):
        if len(least) == limit and whole < least[0]:
            break
        count = whole - left_out.get(author, 0)
        if count > 0:
            found.append((author, count))
            if len(least) < limit:
                heapq.heappush(least, count)
            elif count > least[0]:
                heapq.heapreplace(least, count)
    if len(least) == limit:
        found = [(author, count) for author, count in found if count >= least[0]]
    names = dict(
        library.conn.execute(
            "SELECT id, name FROM authors WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([author for author, _ in found]),),
        )
    )
    named = [(str(names[author]), count) for author, count in found if author in names]
    return _most_first({"Authors": named})["Authors"][:limit]


def _by_complement(library: Library, query: CompiledQuery, author_limit: int) -> Counted:
    """A large result's counts as the whole library's less those of the papers it leaves
    out: at 1,000,000 papers, a word in nine of ten counted directly took 9 s, the tenth
    left out 2 s (the whole library's are kept). ``IS NOT TRUE``: a paper whose
    filter is NULL (no year for ``year:>2020``) is left out of the result."""
    left_out = _counted(
        library,
        CompiledQuery(f"({query.where}) IS NOT TRUE", query.params, query.words),
        None,
        author_ids=True,
    )
    found: Counted = {}
    for group, rows in _whole_library(library).items():
        minus = dict(left_out[group])
        less = [(value, count - minus.get(value, 0)) for value, count in rows]
        found[group] = [(value, count) for value, count in less if count > 0]
    found = _most_first(found)
    authors_left_out = {int(author): count for author, count in left_out["Authors"]}
    found["Authors"] = _first_authors(library, authors_left_out, author_limit)
    return found


def facet_counts(
    library: Library,
    query: CompiledQuery,
    *,
    author_limit: int = AUTHOR_LIMIT,
    result: Sequence[int] | None = None,
) -> dict[str, list[Facet]]:
    """Group name -> values with counts, for the papers matching ``query``.

    ``result``, the ids of the papers ``query`` matches when known (the table's), picks
    the faster way to count: a result of more than half the library is counted through
    the papers the filter leaves out, a smaller one from its ids. Every way gives the
    same counts.
    """
    if matches_everything(query):
        # Kept by the library: counting eight million links took 1.3-2.4 s at 1M.
        authors = _first_authors(library, {}, author_limit)
        counted = {**_whole_library(library), "Authors": authors}
    elif result is not None and 2 * len(result) > library.count():
        counted = _by_complement(library, query, author_limit)
    else:
        counted = _counted(library, query, author_limit, result=result)
    return _facets(library, counted)


def worth_estimating(query: CompiledQuery, found: int, papers: int) -> bool:
    """Whether counting a result of ``found`` of the library's ``papers`` exactly takes
    long enough that an estimate should be shown first. Counting reads the result's
    papers, or (more than half the library) tests every paper against the filter and
    reads those it leaves out: at a million papers 2 s for 81,000 papers, 1.3 s for a
    word in nearly all."""
    if matches_everything(query):
        return False  # kept by the library
    read = papers // _TESTS_PER_COUNT + papers - found if 2 * found > papers else found
    return read > ESTIMATE_ABOVE


def estimated_facet_counts(
    library: Library,
    query: CompiledQuery,
    result: Sequence[int],
    *,
    author_limit: int = AUTHOR_LIMIT,
    sample: int | None = None,
) -> dict[str, list[Facet]]:
    """``facet_counts`` estimated from an even spread of about ``sample`` (by default
    ``ESTIMATE_SAMPLE``) papers of ``result`` (in display order, so a sort by date
    spreads it over the years), each count scaled to the result's size and rounded to
    two figures; marked ``estimated``. Only values at least ``ESTIMATE_SEEN`` papers of
    the spread have are listed (every status is): scaled from one or two papers, an
    author of 350 papers in a million was estimated at 1,300."""
    spread = result[:: max(len(result) // (sample or ESTIMATE_SAMPLE), 1)]
    scale = len(result) / max(len(spread), 1)
    counted = _counted(library, query, author_limit, result=spread)
    scaled = {
        group: [
            (value, _two_figures(count * scale))
            for value, count in rows
            if count >= ESTIMATE_SEEN or group == "Status"
        ]
        for group, rows in counted.items()
    }
    return _facets(library, _most_first(scaled), estimated=True)


def _two_figures(value: float) -> int:
    """``value`` rounded to two significant figures: 12,345 -> 12,000; 87.4 -> 87."""
    whole = max(round(value), 1)
    unit: int = 10 ** max(len(str(whole)) - 2, 0)
    return round(whole / unit) * unit


def _facets(library: Library, counted: Counted, estimated: bool = False) -> dict[str, list[Facet]]:
    """The sidebar's groups from the counts; "Up next" and saved searches, exact."""
    statuses = dict(counted["Status"])
    groups: dict[str, list[Facet]] = {
        "Status": [
            Facet(s, statuses.get(s, 0), f"status:{s}", estimated=estimated) for s in STATUSES
        ],
    }
    for group, _value, _link, _names, field in _GROUPS[1:]:
        groups[group] = [
            Facet(v, n, f"{field}:{quote_value(v)}", estimated=estimated) for v, n in counted[group]
        ]
    groups["Year"].sort(key=lambda facet: facet.label, reverse=True)  # newest first
    groups["Up next"] = [Facet("Up next", queue.length(library.conn), UP_NEXT)]
    groups["Saved searches"] = [
        Facet(search.name, -1 if count is None else count, f"saved:{quote_value(search.name)}")
        for search, count in saved.counts(library)
    ]
    return groups


def following_facets(library: Library) -> list[Facet]:
    """The inbox and each followed source with its untriaged (``new``) papers in the
    whole library, not the result: what is left to triage does not depend on a filter."""
    inbox = dict(whole_counts.counts(library.conn, "status")).get("new", 0)
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
