"""Operations on a tag across the library: rename (or merge into another), delete.

Undo of a merge splits the tags apart again: the merged tag comes back, with its id,
on its own papers, and the papers the other tag had keep it.
"""

from __future__ import annotations

from papershelf.core.errors import LibraryError
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import run
from papershelf.core.store import tags
from papershelf.core.store.library import Library
from papershelf.core.text import fold


def rename_tag(library: Library, old: str, new: str) -> Changes:
    """Rename a tag; renaming onto another existing tag merges the two."""
    new = new.strip()
    # The label says what will happen; the write decides again inside its transaction.
    target = tags.tag_name(library, new)
    verb = "Merge" if target is not None and fold(target) != fold(old) else "Rename"
    _, changes = run(
        library, f"{verb} tag {old} into {new}", lambda: tags.rename_tag(library, old, new)
    )
    return changes


def delete_tag(library: Library, name: str) -> Changes:
    """Take a tag off every paper."""

    def write() -> None:
        if tags.tag_name(library, name) is None:
            raise LibraryError(f"no tag named {name!r}")
        tags.delete_tag(library, name)

    _, changes = run(library, f"Delete tag {name}", write)
    return changes
