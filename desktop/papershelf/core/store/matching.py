"""The queries that find the library's papers a description might be (``core.same_paper``
decides which, if any, is the same paper)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

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


# Each row says which asked value (of a JSON list) it answers.
_DOI = "SELECT j.value, p.id FROM json_each(?) j JOIN papers p ON lower(p.doi) = lower(j.value)"
_ARXIV = (
    "SELECT j.value, p.id, p.arxiv_id FROM json_each(?) j JOIN papers p "
    "ON p.arxiv_id >= j.value AND p.arxiv_id < j.value || 'w'"
)
_TITLE = (
    "SELECT j.value, p.id, p.key, coalesce(p.first_author, ''), p.published, "
    "p.date_inferred, p.doi, p.arxiv_id, coalesce(p.venue, '') "
    "FROM json_each(?) j JOIN papers p ON p.title_norm = j.value"
)


class Known:
    """The library's papers that descriptions might be, by DOI, arXiv id and title, for
    one description or a batch: a batch's are read in three statements instead of up to
    three for each (at 100,000 entries, 2 s of small queries). What it says is what the
    library held when it was made: whoever writes since must ask the library again for
    what the writes may have changed."""

    def __init__(
        self,
        library: Library,
        *,
        dois: Iterable[str] = (),
        arxiv_bases: Iterable[str] = (),
        titles: Iterable[str] = (),
    ) -> None:
        def found(sql: str, asked: Iterable[str]) -> list[Any]:
            wanted = sorted(set(asked))
            if not wanted:
                return []
            params = (json.dumps(wanted),)
            return library.conn.execute(f"{sql} ORDER BY p.id", params).fetchall()

        self.dois: dict[str, list[int]] = defaultdict(list)
        for asked, i in found(_DOI, dois):
            self.dois[asked].append(int(i))
        self.arxiv: dict[str, list[int]] = defaultdict(list)
        for asked, i, version in found(_ARXIV, arxiv_bases):
            if version == asked or re.fullmatch(re.escape(asked) + r"v\d+", version):
                self.arxiv[asked].append(int(i))
        self.titles: dict[str, list[TitleMatch]] = defaultdict(list)
        for asked, i, k, a, p, d, doi, ax, v in found(_TITLE, titles):
            self.titles[asked].append(TitleMatch(int(i), str(k), a, p, bool(d), doi, ax, v))

    def ids_with_doi(self, doi: str) -> list[int]:
        """Papers with this DOI (DOIs ignore case), oldest first."""
        return self.dois.get(doi, [])

    def ids_with_arxiv_base(self, base: str) -> list[int]:
        """Papers whose arXiv id is ``base`` in any version, oldest first."""
        return self.arxiv.get(base, [])

    def title_matches(self, key: str) -> list[TitleMatch]:
        """Papers whose normalised title is ``key`` (``text.title_key``), oldest first."""
        return self.titles.get(key, [])


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
