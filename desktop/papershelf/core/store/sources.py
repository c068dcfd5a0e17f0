"""Where papers came from: the documents imported and each paper's place in them."""

from __future__ import annotations

import json

from papershelf.core.store.library import Library, now


def source_id(
    library: Library, document: str, kind: str, digest: str, year: int, header: object
) -> int:
    """The id of the imported document with this SHA-256, recorded when new."""
    row = library.conn.execute("SELECT id FROM sources WHERE sha256 = ?", (digest,)).fetchone()
    if row:
        return int(row[0])
    with library.write() as conn:
        cursor = conn.execute(
            "INSERT INTO sources(document, kind, sha256, captured_year, imported_at, "
            "header) VALUES (?, ?, ?, ?, ?, ?)",
            (document, kind, digest, year, now(), json.dumps(header)),
        )
    return int(cursor.lastrowid or 0)


def add_provenance(
    library: Library, paper_id: int, source_id: int, entry_index: int, line: int
) -> None:
    """Record that a paper was entry ``entry_index`` (at ``line``) of a source."""
    with library.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO paper_sources(paper_id, source_id, entry_index, line) "
            "VALUES (?, ?, ?, ?)",
            (paper_id, source_id, entry_index, line),
        )


def listing_header(library: Library) -> dict[str, object] | None:
    """The header of the first imported listing: its author and figures."""
    row = library.conn.execute(
        "SELECT header FROM sources WHERE kind = 'listing' AND header IS NOT NULL ORDER BY id"
    ).fetchone()
    if row is None:
        return None
    value = json.loads(row[0])
    return value if isinstance(value, dict) else None


def listing_papers(library: Library) -> int:
    """How many papers of the library came from the first imported listing (the count
    its header's paper total is compared with)."""
    row = library.conn.execute(
        "SELECT count(DISTINCT paper_id) FROM paper_sources WHERE source_id = ("
        "SELECT id FROM sources WHERE kind = 'listing' AND header IS NOT NULL ORDER BY id LIMIT 1)"
    ).fetchone()
    return int(row[0])
