"""Finding the paper the library already has, and completing it instead of doubling it.

A paper is the same when it has the same DOI, the same arXiv id (any version), or the
same title (ignoring case, accents and punctuation) and first author's surname. Merging
only fills what the library lacks and adds tags and note text it does not have yet, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Sequence

from papershelf.core import keys
from papershelf.core.bibtex_fields import BibPaper
from papershelf.core.library import Library
from papershelf.core.paper_fields import PaperFields
from papershelf.core.text import fold, latex_to_text

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.+\-/]{0,99}")
_WORDS = re.compile(r"[^\W_]+")  # tokens as FTS5's unicode61 tokenizer cuts them


def _arxiv_base(identifier: str) -> str:
    return re.sub(r"v\d+$", "", identifier)


def _match_title(title: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold(title)).split())


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
    title = _match_title(paper.title)
    first = paper.authors[0] if paper.authors else ""
    surname = keys.surname(first)
    for paper_id in _title_candidates(library, paper.title):
        row = conn.execute(
            "SELECT title, first_author FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        if row is None:
            continue  # an index row whose paper is gone
        if _match_title(row[0]) == title and keys.surname(row[1] or "") == surname:
            return paper_id
    return None


def _title_candidates(library: Library, title: str) -> list[int]:
    """Papers that may have the same title: the same text, or the same words in order.

    The full-text index finds titles that differ only in case, accents or punctuation
    ("In-Context" / "in-context", a trailing period) without scanning the library, and
    at a cost that does not grow with the number of papers by one author.
    """
    conn = library.conn
    found = [
        r[0] for r in conn.execute("SELECT id FROM papers WHERE title = ? COLLATE NOCASE", (title,))
    ]
    words = _WORDS.findall(fold(latex_to_text(title)))[:60]
    if words:
        # An odd title the index cannot take still has the exact match above.
        with contextlib.suppress(sqlite3.Error):
            found += [
                r[0]
                for r in conn.execute(
                    "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? LIMIT 200",
                    (f'title : "{" ".join(words)}"',),
                )
            ]
    return sorted(set(found))


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


def _keep_key(library: Library, paper_id: int, key: str) -> None:
    """Give a new paper the entry's own citation key when it is well-formed and free.

    LaTeX documents already cite these keys; a generated one would break them.
    """
    if not _KEY.fullmatch(key):
        return
    conn = library.conn
    taken = conn.execute(
        "SELECT 1 FROM papers WHERE key = ? COLLATE NOCASE AND id != ?", (key, paper_id)
    ).fetchone()
    if taken is None:
        conn.execute("UPDATE papers SET key = ? WHERE id = ?", (key, paper_id))


def add(library: Library, paper: BibPaper) -> int:
    """Add an entry's paper, with its key, tags and note."""
    paper_id = library.add_paper(paper.fields)
    _keep_key(library, paper_id, paper.key)
    if paper.tags:
        library.add_tags([paper_id], paper.tags)
    if paper.note.strip():
        library.set_note(paper_id, paper.note)
    return paper_id
