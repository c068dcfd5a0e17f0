"""Finding the paper the library already has, and completing it instead of doubling it.

A paper is the same when it has the same DOI, the same arXiv id (any version), or the
same title (ignoring case, accents and punctuation) and first author's surname. Merging
only fills what the library lacks and adds tags and note text it does not have yet, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from papershelf.core import keys
from papershelf.core.io.bibtex_fields import BibPaper
from papershelf.core.paper_fields import PaperFields
from papershelf.core.store.library import Library
from papershelf.core.text import fold, title_key

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.+\-/]{0,99}")


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


def add_all(library: Library, papers: Sequence[BibPaper]) -> list[int]:
    """Add entries' papers in one batch, each with its key, tags and note.

    An entry's own citation key is kept when well-formed and free: LaTeX documents
    already cite it, and a generated one would break them.
    """
    cite_keys = [p.key if _KEY.fullmatch(p.key) else None for p in papers]
    ids = library.add_papers([p.fields for p in papers], cite_keys=cite_keys)
    for paper_id, paper in zip(ids, papers, strict=True):
        if paper.tags:
            library.add_tags([paper_id], paper.tags)
        if paper.note.strip():
            library.set_note(paper_id, paper.note)
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
