"""The queries that find the library's papers a description might be (``core.same_paper``
decides which, if any, is the same paper)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from papershelf.core.store.library import Library, marks
from papershelf.core.text import fold

_CHUNK = 500


class TitleMatch(NamedTuple):
    """What deciding "same paper" needs of a paper found by its title."""

    id: int
    key: str
    first_author: str
    published: str | None
    date_inferred: bool
    doi: str | None
    arxiv_id: str | None
    venue: str


def ids_with_doi(library: Library, doi: str) -> list[int]:
    """Papers with this DOI (DOIs ignore case), oldest first."""
    sql = "SELECT id FROM papers WHERE lower(doi) = lower(?) ORDER BY id"
    return [int(r[0]) for r in library.conn.execute(sql, (doi,))]


def ids_with_arxiv_base(library: Library, base: str) -> list[int]:
    """Papers whose arXiv id is ``base`` in any version, oldest first."""
    rows = library.conn.execute(
        "SELECT id, arxiv_id FROM papers WHERE arxiv_id >= ? AND arxiv_id < ? ORDER BY id",
        (base, base + "w"),
    )
    return [
        int(i)
        for i, found in rows
        if found == base or re.fullmatch(re.escape(base) + r"v\d+", found)
    ]


def title_matches(library: Library, key: str) -> list[TitleMatch]:
    """Papers whose normalised title is ``key`` (``text.title_key``), oldest first."""
    rows = library.conn.execute(
        "SELECT id, key, coalesce(first_author, ''), published, date_inferred, doi, "
        "arxiv_id, coalesce(venue, '') FROM papers WHERE title_norm = ? ORDER BY id",
        (key,),
    )
    return [
        TitleMatch(int(i), str(k), a, p, bool(d), doi, ax, v) for i, k, a, p, d, doi, ax, v in rows
    ]


def ids_first_authored_by(library: Library, names: Sequence[str]) -> list[int]:
    """Papers whose first author is one of ``names`` (matched as ``fold`` matches)."""
    norms = sorted({fold(n) for n in names})
    ids: list[int] = []
    for start in range(0, len(norms), _CHUNK):
        chunk = norms[start : start + _CHUNK]
        ids.extend(
            int(r[0])
            for r in library.conn.execute(
                "SELECT pa.paper_id FROM paper_authors pa JOIN authors a ON a.id = "
                f"pa.author_id WHERE pa.position = 0 AND a.name_norm IN ({marks(len(chunk))})",
                chunk,
            )
        )
    return ids
