"""The SQL of attached files: their rows, the files Papershelf stored, their indexed text.

An attachment row is the reader's data: operations write it, so undo and redo take it
away and bring it back (see ``journal``). ``stored_files`` and the text index are the
library's bookkeeping, written outside operations: undo never touches them, and
``forgotten_files`` / ``drop_orphan_text`` clean them when no undo can need them any
more (when the window starts or closes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from papershelf.core.store.library import Library, chunks, marks, now

PDF = "pdf"
OTHER = "other"


@dataclass(frozen=True)
class Attachment:
    """One file attached to a paper."""

    id: int
    paper_id: int
    path: str  # relative to the files folder; absolute when ``linked``
    kind: str  # "pdf" or "other"
    size: int
    linked: bool
    sha256: str | None
    added: str
    text_state: str | None  # None: not read yet; "indexed"; else why it was not

    def to_json(self) -> dict[str, object]:
        """What ``list --format json`` says of it."""
        return {"path": self.path, "size": self.size, "kind": self.kind}


_COLUMNS = "id, paper_id, path, kind, size, linked, sha256, added, text_state"


def _attachment(row: Sequence[object]) -> Attachment:
    return Attachment(
        int(row[0]),  # type: ignore[call-overload]
        int(row[1]),  # type: ignore[call-overload]
        str(row[2]),
        str(row[3]),
        int(row[4]),  # type: ignore[call-overload]
        bool(row[5]),
        None if row[6] is None else str(row[6]),
        str(row[7]),
        None if row[8] is None else str(row[8]),
    )


def of_papers(library: Library, ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The attachments of each of ``ids``, in the order they were attached."""
    out: dict[int, list[Attachment]] = {i: [] for i in ids}
    for chunk in chunks(list(ids)):
        sql = (
            f"SELECT {_COLUMNS} FROM attachments WHERE paper_id IN ({marks(len(chunk))}) "
            "ORDER BY paper_id, id"
        )
        for row in library.conn.execute(sql, list(chunk)):
            out[int(row[1])].append(_attachment(row))
    return out


def get(library: Library, attachment_id: int) -> Attachment | None:
    """One attachment, or None when there is none (an undo took it away)."""
    row = library.conn.execute(
        f"SELECT {_COLUMNS} FROM attachments WHERE id = ?", (attachment_id,)
    ).fetchone()
    return None if row is None else _attachment(row)


def insert(
    library: Library,
    paper_id: int,
    path: str,
    *,
    kind: str,
    size: int,
    linked: bool,
    sha256: str | None,
) -> int:
    """Attach a file to a paper (inside the caller's operation); returns the new id."""
    with library.write() as conn:
        cursor = conn.execute(
            "INSERT INTO attachments(paper_id, path, kind, size, linked, sha256, added) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (paper_id, path, kind, size, int(linked), sha256, now()),
        )
        conn.execute("UPDATE papers SET modified = ? WHERE id = ?", (now(), paper_id))
        return int(cursor.lastrowid or 0)


def paths_in_use(library: Library) -> set[str]:
    """The relative paths of every copied attachment the library has now."""
    rows = library.conn.execute("SELECT path FROM attachments WHERE linked = 0")
    return {str(r[0]) for r in rows}


def stored_paths(library: Library) -> set[str]:
    """Every file Papershelf copied into the files folder and has not deleted yet."""
    return {str(r[0]) for r in library.conn.execute("SELECT path FROM stored_files")}


def note_stored(library: Library, path: str) -> None:
    """Remember that Papershelf put ``path`` into the files folder (outside any operation)."""
    with library.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO stored_files(path, stored_at) VALUES (?, ?)", (path, now())
        )


def forget_stored(library: Library, paths: Sequence[str]) -> None:
    """The files ``paths`` were deleted from the files folder."""
    if not paths:
        return
    with library.write() as conn:
        conn.executemany("DELETE FROM stored_files WHERE path = ?", [(p,) for p in paths])


def unread_pdfs(library: Library, limit: int = 1000) -> list[Attachment]:
    """PDF attachments whose text has not been read yet."""
    rows = library.conn.execute(
        f"SELECT {_COLUMNS} FROM attachments WHERE kind = 'pdf' AND text_state IS NULL "
        "ORDER BY id LIMIT ?",
        (limit,),
    )
    return [_attachment(r) for r in rows]


def set_text(library: Library, attachment_id: int, text: str | None, state: str) -> None:
    """Index ``text`` for ``text:`` search (None: only record why it was not).

    Not an operation: the text is derived from the file, and undo of the attach takes
    the attachment row away, which is what ``text:`` joins on.
    """
    with library.write(pdf_text_only=True) as conn:
        conn.execute("DELETE FROM attachments_text WHERE rowid = ?", (attachment_id,))
        if text is not None:
            conn.execute(
                "INSERT INTO attachments_text(rowid, body) VALUES (?, ?)", (attachment_id, text)
            )
        conn.execute("UPDATE attachments SET text_state = ? WHERE id = ?", (state, attachment_id))


def drop_orphan_text(library: Library) -> int:
    """Delete the indexed text of attachments that are gone for good; returns how many."""
    with library.write() as conn:
        cursor = conn.execute(
            "DELETE FROM attachments_text WHERE rowid NOT IN (SELECT id FROM attachments)"
        )
        return int(cursor.rowcount)
