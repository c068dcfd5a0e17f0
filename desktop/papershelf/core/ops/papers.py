"""Operations on papers: reading status, tags, notes, edits, adding and deleting.

Each runs in one transaction, reads what it needs inside it, and returns the
``Changes`` it made, whose ``undo`` reverts exactly that (see ``undoable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import papers_phrase, run
from papershelf.core.store.library import Library


def _require(library: Library, ids: Sequence[int]) -> None:
    """Refuse ids no paper has (another program may have deleted them just now)."""
    found = library.summary_rows(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise LibraryError(f"no paper with id {missing[0]}{more}")


def _clean(names: Iterable[str]) -> list[str]:
    return [n.strip() for n in names if n.strip()]


def set_status(library: Library, ids: Sequence[int], status: str) -> Changes:
    """Give papers a reading status; undo puts back each one's status, dates and history."""
    ids = list(ids)
    _, changes = run(
        library,
        f"Mark {papers_phrase(len(ids))} as {status}",
        lambda: library.set_status(ids, status),
    )
    return changes


def tag(library: Library, ids: Sequence[int], names: Iterable[str]) -> Changes:
    """Tag papers; undo takes a tag only off the papers that did not have it."""
    ids, names = list(ids), _clean(names)

    def write() -> None:
        _require(library, ids)
        library.add_tags(ids, names)

    _, changes = run(library, f"Tag {papers_phrase(len(ids))} with {', '.join(names)}", write)
    return changes


def untag(library: Library, ids: Sequence[int], names: Iterable[str]) -> Changes:
    """Take tags off papers; undo gives each back to exactly the papers that had it."""
    ids, names = list(ids), _clean(names)
    label = f"Remove {', '.join(names)} from {papers_phrase(len(ids))}"
    _, changes = run(library, label, lambda: library.remove_tags(ids, names))
    return changes


def set_note(library: Library, paper_id: int, body: str) -> Changes:
    """Replace a paper's note (empty removes it); nothing happens when it is the same."""

    def write() -> None:
        _require(library, [paper_id])
        if library.note(paper_id) != body:
            library.set_note(paper_id, body)

    _, changes = run(library, "Edit note", write)
    return changes


def append_note(library: Library, paper_id: int, text: str) -> Changes:
    """Add ``text`` as a new paragraph of the paper's note, read inside the transaction."""
    _, changes = run(library, "Add to note", lambda: library.append_note(paper_id, text))
    return changes


def edit_paper(library: Library, paper_id: int, fields: PaperFields) -> Changes:
    """Replace what describes a paper; nothing happens when it says the same."""

    def write() -> None:
        if PaperFields.from_record(library.record(paper_id)) != fields:  # raises when gone
            library.update_paper(paper_id, fields)

    _, changes = run(library, f"Edit {fields.title.strip()[:40]}", write)
    return changes


def add_paper(library: Library, fields: PaperFields) -> Changes:
    """Add a paper typed in by hand: ``changes.papers`` is its id alone.

    Redo after undo brings it back with the same id and key.
    """
    _, changes = run(library, f"Add {fields.title.strip()[:40]}", lambda: library.add_paper(fields))
    return changes


def delete_papers(library: Library, ids: Sequence[int]) -> Changes:
    """Delete papers with their notes, tags and history; undo brings them back whole."""
    ids = list(ids)
    _, changes = run(
        library, f"Delete {papers_phrase(len(ids))}", lambda: library.delete_papers(ids)
    )
    return changes
