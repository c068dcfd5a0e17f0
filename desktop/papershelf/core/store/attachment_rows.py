"""The attachments of papers as ``list --format json`` gives them, read by ``Library.papers``.

Apart from ``store.attachments`` because the library reads it: this module needs
nothing of the library's, so nothing imports in a circle.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

_CHUNK = 500


def attachment_records(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """``{path, size, kind}`` of each paper's attachments, in the order they were attached."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        sql = (
            "SELECT paper_id, path, size, kind FROM attachments "
            f"WHERE paper_id IN ({','.join('?' * len(chunk))}) ORDER BY paper_id, id"
        )
        for paper_id, path, size, kind in conn.execute(sql, chunk):
            out[int(paper_id)].append({"path": str(path), "size": int(size), "kind": str(kind)})
    return out
