"""Following authors and topics: the follows themselves, what a refresh brings into the
library, and clearing out what the reader skipped.

Adding, renaming and removing a follow are operations (one undo step each). A refresh
is not: it runs on its own, in the background, and what it adds are papers with status
``new`` for the reader to triage; it never changes what the reader decided. Which paper
an entry is decides ``same_paper`` (the one rule), after the entry's own mark: an entry
a feed sent before is the paper it brought then, even when its title has changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from papershelf.core.errors import LibraryError
from papershelf.core.net.feeds import FeedEntry, parse_spec
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import papers_phrase, run
from papershelf.core.same_paper import complete, find_same, identity
from papershelf.core.store import follows
from papershelf.core.store.library import LARGE_IMPORT, Library

_BATCH = 500  # new papers added per statement batch


def add_follow(library: Library, name: str, spec: str) -> Changes:
    """Follow a source under ``name``; the spec is checked, not fetched."""
    name = _clean_name(name)
    checked = parse_spec(spec)
    _, changes = run(library, f"Follow {name}", lambda: follows.insert(library, name, checked.text))
    return changes


def remove_follow(library: Library, name: str) -> Changes:
    """Stop following; the papers it brought stay, without its name."""
    found = follows.get(library, name)
    _, changes = run(
        library, f"Stop following {found.name}", lambda: follows.delete(library, found.id)
    )
    return changes


def rename_follow(library: Library, old: str, new: str) -> Changes:
    """Give a follow a new name."""
    found, new = follows.get(library, old), _clean_name(new)
    _, changes = run(
        library,
        f"Rename {found.name} to {new}",
        lambda: follows.rename(library, found.id, new),
    )
    return changes


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise LibraryError("a followed source needs a name")
    if len(name) > 200:
        raise LibraryError("a followed source's name is at most 200 characters")
    return name


@dataclass
class RefreshReport:
    """What one refresh of one source did."""

    name: str
    added: int = 0
    updated: int = 0  # papers the library had, completed or retitled
    unchanged: int = 0
    dismissed: int = 0  # entries of papers the reader deleted: not brought back
    duplicates: int = 0  # entries the feed listed twice
    not_modified: bool = False  # the server said nothing changed (304)
    problem: str | None = None  # the feed was read in part (malformed, cut short)
    error: str | None = None  # the source could not be read at all
    added_ids: list[int] = field(default_factory=list)

    def line(self) -> str:
        """One line for the command line and the status bar."""
        if self.error:
            return f"{self.name}: error: {self.error}"
        if self.not_modified:
            return f"{self.name}: not modified"
        line = (
            f"{self.name}: added {self.added}, updated {self.updated}, unchanged {self.unchanged}"
        )
        if self.dismissed:
            line += f", {self.dismissed} deleted before (not brought back)"
        if self.problem:
            line += f"; {self.problem}"
        return line


def apply_entries(
    library: Library, follow: follows.Follow, entries: Sequence[FeedEntry], report: RefreshReport
) -> None:
    """Bring a feed's entries into the library in one transaction (see the module doc)."""
    seen: set[str] = set()
    batch: list[FeedEntry] = []
    batch_marks: set[str] = set()

    def flush() -> None:
        if not batch:
            return
        ids = library.add_papers([e.fields for e in batch])
        for paper_id, entry in zip(ids, batch, strict=True):
            follows.link(library, paper_id, follow.id, entry.mark)
        report.added += len(ids)
        report.added_ids.extend(ids)
        batch.clear()
        batch_marks.clear()

    with library.write():
        for entry in entries:
            if entry.mark in seen:
                report.duplicates += 1
                continue
            seen.add(entry.mark)
            marks = identity(entry.fields) | {entry.mark}
            if marks & batch_marks:
                flush()  # an entry that may be one of the batch: let find_same see it
            paper_id = follows.paper_with_entry(library, entry.mark)
            by_mark = paper_id is not None
            if paper_id is None:
                paper_id = find_same(library, entry.fields)
            if paper_id is None:
                if follows.dismissed(library, entry.marks):
                    report.dismissed += 1
                    continue
                batch.append(entry)
                batch_marks.update(marks)
                if len(batch) >= _BATCH:
                    flush()
                continue
            changed = _update(library, paper_id, entry, by_mark)
            follows.link(library, paper_id, follow.id, entry.mark)
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        flush()
    if report.added >= LARGE_IMPORT:
        library.merge_search_index()


def _update(library: Library, paper_id: int, entry: FeedEntry, by_mark: bool) -> bool:
    """Complete a known paper from an entry; True when it changed.

    A paper a feed brought keeps that feed's title and abstract when the entry under the
    same mark changes them (arXiv's v2, a corrected RSS item): the feed owns what it
    described. A paper the reader added otherwise is only completed.
    """
    old = library.paper(paper_id)
    merged = complete(old, entry.fields)
    if by_mark and follows.is_followed_paper(library, paper_id):
        merged.title = entry.fields.title
        merged.abstract = entry.fields.abstract or merged.abstract
    if merged == old.describing():
        return False
    library.update_paper(paper_id, merged)
    return True


def clear_skipped(library: Library, older_than_days: int, *, at: datetime | None = None) -> Changes:
    """Delete the skipped papers followed sources brought, skipped more than
    ``older_than_days`` ago, that have no note and no tag: one undo step."""
    if older_than_days < 0:
        raise LibraryError("the age must be zero days or more")
    before = ((at or datetime.now(UTC)) - timedelta(days=older_than_days)).replace(microsecond=0)
    ids = follows.stale_skipped(library, before.isoformat())
    _, changes = run(
        library,
        f"Clear {papers_phrase(len(ids))} skipped",
        lambda: library.delete_papers(ids),
    )
    return changes
