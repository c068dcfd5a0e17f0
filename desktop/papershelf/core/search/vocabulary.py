"""The full-text index's terms, which spell out long prefixes for the first page.

FTS5 lists its terms with the papers holding each only by reading every doclist: 3.6 s
at a million papers with the file in the page cache, 14 s from disk, at every start and
again after every write, while the reader's first keys wait for their lists. So the
terms are also kept in a cache file, with the index's structure record (which every
change to the index rewrites): while the index is unchanged, a start reads the file
instead. The cache is only ever a copy: unreadable, stale or unwritable, the terms are
read from the index as before.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from papershelf.core.errors import LibraryError
from papershelf.core.paths import cache_dir
from papershelf.core.safety.safe_files import atomic_write
from papershelf.core.store.library import Library

_STRUCTURE_ROWID = 10  # where FTS5 keeps its index's structure record


@dataclass(frozen=True)
class Vocabulary:
    """Every term of the full-text index with the number of papers holding it, sorted."""

    terms: tuple[str, ...]
    papers: tuple[int, ...]

    @classmethod
    def load(cls, library: Library) -> Vocabulary:
        """The index's terms: from the cache file while the index is unchanged, else
        read (seconds at a million papers: call it off the main thread) and kept."""
        version = _index_version(library)
        cache = _cache_file(library)
        kept = _read(cache, version)
        if kept is not None:
            return kept
        conn = library.conn
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.papers_fts_terms "
            "USING fts5vocab(main, papers_fts, row)"
        )
        rows = conn.execute("SELECT term, doc FROM temp.papers_fts_terms").fetchall()
        found = cls(tuple(r[0] for r in rows), tuple(int(r[1]) for r in rows))
        _write(cache, version, found)
        return found

    def starting_with(self, prefix: str) -> list[str]:
        """The terms that begin with ``prefix``, the most widely used first."""
        start = bisect.bisect_left(self.terms, prefix)
        end = start
        while end < len(self.terms) and self.terms[end].startswith(prefix):
            end += 1
        found = sorted(range(start, end), key=lambda i: -self.papers[i])
        return [self.terms[i] for i in found]


def _index_version(library: Library) -> str:
    row = library.conn.execute(
        "SELECT block FROM papers_fts_data WHERE id = ?", (_STRUCTURE_ROWID,)
    ).fetchone()
    return hashlib.sha256(bytes(row[0]) if row else b"").hexdigest()


def _cache_file(library: Library) -> Path:
    name = hashlib.sha256(str(Path(library.path).resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "terms" / f"{name}.json"


def _read(cache: Path, version: str) -> Vocabulary | None:
    try:
        kept = json.loads(cache.read_bytes())
        if kept["index"] != version:
            return None
        terms, papers = tuple(map(str, kept["terms"])), tuple(map(int, kept["papers"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or not ours to trust: read the index
    return Vocabulary(terms, papers) if len(terms) == len(papers) else None


def _write(cache: Path, version: str, found: Vocabulary) -> None:
    data = {"index": version, "terms": found.terms, "papers": found.papers}
    with contextlib.suppress(OSError, LibraryError):  # a copy: the next start reads again
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cache, json.dumps(data, separators=(",", ":")).encode())
