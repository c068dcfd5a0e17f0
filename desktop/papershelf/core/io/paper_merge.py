"""Finding the paper the library already has, and completing it instead of doubling it.

A paper is the same when it has the same DOI, the same arXiv id (any version), or the
same title (ignoring case, accents and punctuation) and first author's surname. Merging
only fills what the library lacks and adds tags and note text it does not have yet, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from papershelf.core import keys
from papershelf.core.io.bibtex_fields import BibPaper
from papershelf.core.paper_fields import PaperFields
from papershelf.core.store.library import Library
from papershelf.core.text import fold, title_key

# A citation key as LaTeX documents cite it: letters and digits of any script (biber
# reads UTF-8 keys: "Müller2020", Cyrillic, Chinese) and the punctuation keys often carry.
_KEY = re.compile(r"[^\W_][\w:.+\-/]{0,99}")


def _arxiv_base(identifier: str) -> str:
    return re.sub(r"v\d+$", "", identifier)


def find_duplicate(library: Library, paper: PaperFields) -> int | None:
    """The library's paper with the same DOI, arXiv id, or title and first author."""
    conn = library.conn
    if paper.doi:
        variants = list({paper.doi, paper.doi.lower(), paper.doi.upper()})
        row = conn.execute(
            f"SELECT id FROM papers WHERE doi IN ({','.join('?' * len(variants))}) ORDER BY id",
            variants,
        ).fetchone()
        if row:
            return int(row[0])
    if paper.arxiv_id:
        base = _arxiv_base(paper.arxiv_id)
        for paper_id, found in conn.execute(
            "SELECT id, arxiv_id FROM papers WHERE arxiv_id >= ? AND arxiv_id < ? ORDER BY id",
            (base, base + "w"),
        ):
            if _arxiv_base(found) == base:
                return int(paper_id)
    surname = keys.surname(paper.authors[0] if paper.authors else "")
    rows = conn.execute(
        "SELECT id, first_author FROM papers WHERE title_norm = ? ORDER BY id",
        (title_key(paper.title),),
    )
    for paper_id, first_author in rows:
        if keys.surname(first_author or "") == surname:
            return int(paper_id)
    return None


def _completes(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether ``new`` is a longer author list that starts with ``old``."""
    if len(new) <= len(old):
        return False
    return [keys.surname(a) for a in new[: len(old)]] == [keys.surname(a) for a in old]


def merge(library: Library, paper_id: int, new: BibPaper) -> bool:
    """Complete a paper from an entry without losing anything; True when it changed."""
    old = library.record(paper_id)
    authors, truncated = old["authors"], old["authors_truncated"]
    if not authors or (truncated and _completes(authors, new.fields.authors)):
        authors, truncated = new.fields.authors, new.fields.authors_truncated
    # A real date replaces none, or one whose year was only inferred from the import.
    better_date = bool(new.fields.published) and new.fields.published != old["published"]
    better_date = better_date and (not old["published"] or old["date_inferred"])
    merged = PaperFields(
        title=old["title"],
        authors=authors,
        affiliations=old["affiliations"],
        abstract=old["abstract"] or new.fields.abstract,
        published=new.fields.published if better_date else old["published"],
        date_inferred=False if better_date else old["date_inferred"],
        category=old["category"] or new.fields.category,
        has_code=old["has_code"] or new.fields.has_code,
        code_urls=old["code_urls"] or new.fields.code_urls,
        score=old["score"],
        authors_truncated=truncated,
        doi=old["doi"] or new.fields.doi,
        arxiv_id=old["arxiv_id"] or new.fields.arxiv_id,
        url=old["url"] or new.fields.url,
    )
    changed = merged != PaperFields.from_record(old)
    if changed:
        library.update_paper(paper_id, merged)
    have = {fold(t) for t in old["tags"]}
    missing = [t for t in new.tags if fold(t) not in have]
    if missing:
        library.add_tags([paper_id], missing)
    note = old["note"]
    if new.note.strip() and new.note.strip() not in note:
        library.set_note(paper_id, f"{note.rstrip()}\n\n{new.note}" if note.strip() else new.note)
        changed = True
    return changed or bool(missing)


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
    ids = library.add_papers([p.fields for p in papers], cite_keys=[k for k, _ in kept])
    for paper_id, paper in zip(ids, papers, strict=True):
        if paper.tags:
            library.add_tags([paper_id], paper.tags)
        if paper.note.strip():
            library.set_note(paper_id, paper.note)
    if renamed is not None and ids:
        given = dict(
            library.conn.execute(
                "SELECT id, key FROM papers WHERE id BETWEEN ? AND ?", (min(ids), max(ids))
            ).fetchall()
        )
        for paper_id, paper, (key, why) in zip(ids, papers, kept, strict=True):
            if paper.key.strip() and given.get(paper_id) != key:
                renamed.append(
                    f"entry {paper.key!r} (line {paper.line}): {why}; its key is "
                    f"{given.get(paper_id)!r}"
                )
    return ids


def identity(paper: PaperFields) -> set[str]:
    """What makes two entries the same paper, for entries not yet in the library."""
    first = keys.surname(paper.authors[0]) if paper.authors else ""
    found = {f"title:{title_key(paper.title)}:{first}"}
    if paper.doi:
        found.add(f"doi:{paper.doi.lower()}")
    if paper.arxiv_id:
        found.add(f"arxiv:{_arxiv_base(paper.arxiv_id)}")
    return found
