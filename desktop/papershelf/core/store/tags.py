"""Library-wide tag operations: rename, merge, delete, and who has a tag.

Per-paper tagging lives on Library (add_tags / remove_tags); these change a tag for
every paper at once, each in one transaction.
"""

from __future__ import annotations

from papershelf.core.errors import LibraryError
from papershelf.core.store.library import Library
from papershelf.core.text import fold


def tagged_ids(library: Library, name: str) -> list[int]:
    """Ids of the papers that carry the tag ``name`` (matched case-insensitively)."""
    rows = library.conn.execute(
        "SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE t.name_norm = ? ORDER BY pt.paper_id",
        (fold(name),),
    )
    return [int(r[0]) for r in rows]


def tag_name(library: Library, name: str) -> str | None:
    """The tag's name as stored (its case), or None when no such tag exists."""
    row = library.conn.execute(
        "SELECT name FROM tags WHERE name_norm = ?", (fold(name),)
    ).fetchone()
    return None if row is None else str(row[0])


def rename_tag(library: Library, old: str, new: str) -> None:
    """Rename a tag; renaming onto another existing tag merges the two."""
    new = new.strip()
    if not new:
        raise LibraryError("a tag needs a name")
    if tag_name(library, old) is None:
        raise LibraryError(f"no tag named {old!r}")
    with library.write() as conn:
        ids = tagged_ids(library, old)
        target = tag_name(library, new)
        if target is None or fold(new) == fold(old):
            # A plain rename, or a change of case only.
            conn.execute(
                "UPDATE tags SET name = ?, name_norm = ? WHERE name_norm = ?",
                (new, fold(new), fold(old)),
            )
        else:
            library.add_tags(ids, [target])
            library.remove_tags(ids, [old])
        library.refresh_tags(ids)


def delete_tag(library: Library, name: str) -> list[int]:
    """Remove a tag from every paper; returns the ids that had it (for undo)."""
    ids = tagged_ids(library, name)
    library.remove_tags(ids, [name])
    return ids
