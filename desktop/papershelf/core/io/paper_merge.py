"""BibTeX entries into the library: new ones added with their own keys, known ones merged.

Which paper an entry is decides ``core.same_paper``; merging fills only what the
library lacks and adds tags and note text it does not have yet, so importing the same
file again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from papershelf.core.io.bibtex_fields import BibPaper
from papershelf.core.same_paper import complete
from papershelf.core.store import priority
from papershelf.core.store.library import Library
from papershelf.core.text import fold

# A citation key as LaTeX documents cite it: letters and digits of any script (biber
# reads UTF-8 keys: "Müller2020", Cyrillic, Chinese) and the punctuation keys often carry.
_KEY = re.compile(r"[^\W_][\w:.+\-/]{0,99}")
# What LaTeX can cite (\cite{O'Neil2019}) though the library cannot make it a key: kept
# as an alias, so that the entry's own key still finds its paper.
_CITABLE = re.compile(r"[^\s,{}()=#%\"\\]{1,100}")


def merge(library: Library, paper_id: int, new: BibPaper) -> bool:
    """Complete a paper from an entry without losing anything; True when it changed."""
    library.before_merge(paper_id)
    old = library.paper(paper_id)
    merged = complete(old, new.fields)
    changed = merged != old.describing()
    if changed:
        library.update_paper(paper_id, merged)
    # The entry's own key stays findable (key:, resolve) and goes out again with it.
    keys_here = {k.casefold() for k in (old.key, *old.aliases)}
    own = [
        k
        for k in (new.key, *new.aliases)
        if own_key(k)[0] is not None and k.casefold() not in keys_here
    ]
    changed = bool(library.add_aliases(paper_id, own)) or changed
    have = {fold(t) for t in old.tags}
    missing = [t for t in new.tags if fold(t) not in have]
    if missing:
        library.add_tags([paper_id], missing)
    note = old.note
    if new.note.strip() and new.note.strip() not in note:
        library.set_note(paper_id, f"{note.rstrip()}\n\n{new.note}" if note.strip() else new.note)
        changed = True
    if old.priority == "none" and new.priority:
        take_priority(library, paper_id, new)
        changed = True
    if old.status == "new":  # the reader's own state here is never overwritten
        changed = take_reading_state(library, paper_id, new) or changed
    return changed or bool(missing)


def take_priority(library: Library, paper_id: int, entry: BibPaper) -> None:
    """Give a paper the priority another library gave it."""
    if entry.priority:
        with library.write() as conn:
            priority.set_priority(conn, [paper_id], priority.level(entry.priority))


def take_reading_state(library: Library, paper_id: int, entry: BibPaper) -> bool:
    """Give a paper the status (and read date) another library gave it; True when it did."""
    if entry.status is None or entry.status == "new":
        return False
    library.set_status([paper_id], entry.status, at=entry.read_at)
    return True


def own_key(key: str) -> tuple[str | None, str]:
    """An entry's key in the form to keep (NFC), or None and why it cannot be kept."""
    key = unicodedata.normalize("NFC", key.strip())  # "ü" typed, not "u" + combining mark
    if key.isnumeric():  # also "١٢": digits alone would read as a paper id
        return None, "a key of digits alone would read as a paper id"
    if not _KEY.fullmatch(key):
        return None, "not a usable citation key (letters, digits and _:.+-/ only)"
    return key, "another paper already has this key"


def add_all(
    library: Library, papers: Sequence[BibPaper], renamed: list[str] | None = None
) -> list[int]:
    """Add entries' papers in one batch, each with its key, tags and note.

    An entry's own citation key is kept when well-formed and free: LaTeX documents
    already cite it, and a generated one would break them. Each entry that had a key
    and got another adds a line saying why and which to ``renamed``.
    """
    kept = [own_key(p.key) for p in papers]
    still: set[int] = set()  # papers whose refused key is an alias
    # Tags and notes change the search-index rows of papers just added: written once.
    with library.write(), library.deferred_search_index():
        ids = library.add_papers([p.fields for p in papers], cite_keys=[k for k, _ in kept])
        for paper_id, paper, (key, _) in zip(ids, papers, kept, strict=True):
            own = unicodedata.normalize("NFC", paper.key.strip())
            citable = key is None and _CITABLE.fullmatch(own) and not own.isnumeric()
            if citable and library.add_aliases(paper_id, [own]):
                still.add(paper_id)
            if paper.aliases:
                library.add_aliases(paper_id, paper.aliases)
            if paper.tags:
                library.add_tags([paper_id], paper.tags)
            if paper.note.strip():
                library.set_note(paper_id, paper.note)
            take_priority(library, paper_id, paper)  # first: a to-read paper may join by it
            take_reading_state(library, paper_id, paper)
    if renamed is not None and ids:
        given = library.keys_of(ids)
        for paper_id, paper, (key, why) in zip(ids, papers, kept, strict=True):
            if paper.key.strip() and given.get(paper_id) != key:
                found = f", and {paper.key.strip()!r} still finds it" if paper_id in still else ""
                renamed.append(
                    f"entry {paper.key!r} ({paper.where}): {why}; its key is "
                    f"{given.get(paper_id)!r}{found}"
                )
    return ids
