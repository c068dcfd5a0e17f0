"""Whole-paper snapshots, so that a deletion can be undone exactly.

A snapshot holds every row that belongs to a paper (authors, tags, note, status
history, provenance); restoring it puts the paper back under its old id and key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from papershelf.core.fields import PaperFields
from papershelf.core.store.library import Library, chunks, marks

_CHILDREN = ("notes", "status_history", "paper_sources")


@dataclass(frozen=True)
class PaperSnapshot:
    """Every stored row of one paper, as column -> value mappings."""

    paper: dict[str, Any]
    authors: list[str]
    affiliations: list[str]
    tags: list[str]
    children: dict[str, list[dict[str, Any]]]


def _rows(library: Library, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
    cursor = library.conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def take(library: Library, ids: Sequence[int]) -> list[PaperSnapshot]:
    """Snapshots of ``ids`` (missing ids are left out)."""
    out = []
    for record in library.records(ids):
        paper_id = record["id"]
        paper = _rows(library, "SELECT * FROM papers WHERE id = ?", (paper_id,))[0]
        children = {
            table: _rows(library, f"SELECT * FROM {table} WHERE paper_id = ?", (paper_id,))
            for table in _CHILDREN
        }
        out.append(
            PaperSnapshot(
                paper, record["authors"], record["affiliations"], record["tags"], children
            )
        )
    return out


def _insert(library: Library, table: str, row: dict[str, Any]) -> None:
    names = list(row)
    library.conn.execute(
        f"INSERT OR REPLACE INTO {table}({', '.join(names)}) VALUES ({','.join('?' * len(names))})",
        [row[n] for n in names],
    )


def restore(library: Library, snapshots: Sequence[PaperSnapshot]) -> None:
    """Put snapshotted papers back, with their ids, keys, tags, notes and history."""
    with library.write():
        for snap in snapshots:
            _insert(library, "papers", snap.paper)
            fields = PaperFields(
                title=snap.paper["title"], authors=snap.authors, affiliations=snap.affiliations
            )
            library.set_people(snap.paper["id"], fields)
            for table, rows in snap.children.items():
                for row in rows:
                    _insert(library, table, row)
            library.add_tags([snap.paper["id"]], snap.tags)
        library.refresh_tags([s.paper["id"] for s in snapshots])


@dataclass(frozen=True)
class StatusState:
    """A paper's reading status as it was, with the last history row it had then."""

    paper_id: int
    status: str
    status_changed: str | None
    read_at: str | None
    last_history_id: int


def status_states(library: Library, ids: Sequence[int]) -> list[StatusState]:
    """The current reading status of ``ids``, to undo a status change with."""
    out: list[StatusState] = []
    for chunk in chunks(ids):
        out.extend(
            StatusState(*row)
            for row in library.conn.execute(
                "SELECT p.id, p.status, p.status_changed, p.read_at, "
                "coalesce((SELECT max(h.id) FROM status_history h WHERE h.paper_id = p.id), 0) "
                f"FROM papers p WHERE p.id IN ({marks(len(chunk))})",
                list(chunk),
            )
        )
    return out


def restore_status(library: Library, states: Sequence[StatusState]) -> None:
    """Put statuses back as they were, dropping the history rows written since."""
    with library.write() as conn:
        for s in states:
            conn.execute(
                "UPDATE papers SET status = ?, status_changed = ?, read_at = ? WHERE id = ?",
                (s.status, s.status_changed, s.read_at, s.paper_id),
            )
            conn.execute(
                "DELETE FROM status_history WHERE paper_id = ? AND id > ?",
                (s.paper_id, s.last_history_id),
            )
