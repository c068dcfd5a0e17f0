"""Adding many papers in one transaction: sort indexes and the search index in bulk.

A paper added to a library updates about twenty B-trees: the sort and filter indexes
of ``papers`` each take a row in a random place, and with SQLite's default 2 MB page
cache most of those places must be read back first. When an import at least doubles
the library, dropping those indexes and making them again at the end (one sort each)
costs a fraction of that; the full-text index is given a larger in-memory buffer, so
that it writes a few large segments instead of a hundred small ones it would keep
merging, and its rows are written once, after all the papers. The trigger that gives
a UUID to a paper added without one is paused too (the import gives each one), and
those that keep the whole library's counts, counted once at the end.
Everything happens inside the import's transaction: a crash or a cancel rolls it all
back, and the library keeps its old indexes. The indexes an import looks papers up by
(DOI, arXiv id, normalised title, citation key) always stay; the index of
``paper_authors`` by person, which only filters and counts read, is made again too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from papershelf.core.store import whole_counts
from papershelf.core.store.library import Library
from papershelf.core.store.orders import SORT_INDEXES

BULK_MIN = 5000  # papers an import must bring before its indexes are made in bulk
_PAGE_CACHE_KIB = 131_072  # 128 MB of pages while a bulk import writes
_SEARCH_BUFFER = 32 * 2**20  # bytes FTS5 collects before it writes a segment (1 MB usual)
_SEARCH_BUFFER_USUAL = 2**20
# What the import's own lookups need (``same_paper``, ``Library._key_taken``).
_LOOKUPS = frozenset({"idx_papers_sort_key"})
# Gives a UUID to a paper added without one; ``add_papers`` always gives one, and an
# AFTER INSERT trigger copies every new row for its WHEN test (27 µs a paper).
_PAUSED_TRIGGERS = ("papers_uuid",)


def _rebuilt(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(kind, name, SQL) of the indexes an import never reads (those the table walks in
    order, the ``<column>_published`` filters, the papers of each person) and of the
    triggers it never needs."""
    wanted = (set(SORT_INDEXES.values()) - _LOOKUPS) | {
        "idx_papers_status_rank",
        "idx_paper_authors_author_id",
    }
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "AND (tbl_name IN ('papers', 'paper_authors') OR name LIKE ?) "
        "AND sql IS NOT NULL ORDER BY name",
        (whole_counts.TRIGGER_PREFIX + "%",),
    ).fetchall()
    return [
        (str(kind), str(name), str(sql))
        for kind, name, sql in rows
        if name in wanted
        or name in _PAUSED_TRIGGERS
        or str(name).startswith(whole_counts.TRIGGER_PREFIX)
        or (str(name).endswith("_published") and name not in _LOOKUPS)
    ]


def _search_buffer(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT v FROM papers_fts_config WHERE k = 'hashsize'").fetchone()
    return int(row[0]) if row else _SEARCH_BUFFER_USUAL


def _set_search_buffer(conn: sqlite3.Connection, size: int) -> None:
    conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('hashsize', ?)", (size,))


@contextmanager
def bulk_adding(library: Library, expected: int) -> Iterator[None]:
    """Inside one write transaction, the adding of up to ``expected`` papers.

    Below ``BULK_MIN``, or when the library already holds more papers than that, this
    changes nothing (making the indexes of a large library again would cost more than
    the import saves).
    """
    with library.write() as conn:
        if expected < BULK_MIN or library.count() > expected:
            yield
            return
        cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
        buffer = _search_buffer(conn)
        conn.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
        try:
            _set_search_buffer(conn, max(buffer, _SEARCH_BUFFER))
            dropped = _rebuilt(conn)
            for kind, name, _ in dropped:
                conn.execute(f'DROP {kind.upper()} "{name}"')
            # The search index is written once, after every paper: written between
            # batches, it slows each batch's papers down (twice as long at 100k).
            with library.deferred_search_index():
                yield
            for _, _, sql in dropped:
                conn.execute(sql)
            whole_counts.recount(conn)
            _set_search_buffer(conn, buffer)
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")  # not part of the transaction
