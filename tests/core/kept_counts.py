"""The whole library's counts as the library keeps them, and counted afresh to compare."""

from __future__ import annotations

import sqlite3

from papershelf.core.store.library import Library

# Written apart from ``whole_counts.recount`` on purpose: an oracle, not the same code.
AFRESH = {
    "status": "SELECT coalesce(status, ''), count(*) FROM papers GROUP BY 1",
    "category": "SELECT coalesce(category, ''), count(*) FROM papers GROUP BY 1",
    "year": "SELECT coalesce(year, ''), count(*) FROM papers GROUP BY 1",
    "tag": "SELECT tag_id, count(*) FROM paper_tags GROUP BY 1",
    "author": "SELECT author_id, count(*) FROM paper_authors GROUP BY 1",
    "affiliation": "SELECT affiliation_id, count(*) FROM paper_affiliations GROUP BY 1",
}


def kept(conn: sqlite3.Connection) -> set[tuple[str, object, int]]:
    return set(conn.execute("SELECT facet, value, n FROM whole_counts"))


def afresh(conn: sqlite3.Connection) -> set[tuple[str, object, int]]:
    return {(facet, v, n) for facet, sql in AFRESH.items() for v, n in conn.execute(sql)}


def assert_counts_kept(library: Library | sqlite3.Connection) -> None:
    """The kept counts are the library's, with no row of a value nobody has."""
    conn = library.conn if isinstance(library, Library) else library
    assert kept(conn) == afresh(conn)
