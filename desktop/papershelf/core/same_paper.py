"""When two descriptions are the same paper, and what the library keeps when they are.

Every way papers come in (seed documents, BibTeX, and next arXiv, Crossref, feeds and
PDFs) asks this module, so a paper is recognised the same way whatever brought it.

The same paper: the same DOI, or the same arXiv id (any version). Otherwise the same
title (ignoring case, accents and punctuation) and the same first author's surname,
when nothing contradicts it: two different DOIs or arXiv ids are two papers, and so
are two known years or two venues that differ (a journal version and its conference
version).
A description without authors never matches on its title alone (proceedings
volumes share titles), only with its own citation key too.

Completing a paper only fills what the library lacks: nothing the library has is
replaced, except a cut author list by a longer one that starts the same way, and a
year inferred from the import date by a real date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from papershelf.core import keys
from papershelf.core.fields import Paper, PaperFields
from papershelf.core.store.library import Library
from papershelf.core.store.matching import Known, TitleMatch
from papershelf.core.text import fold, title_key


def arxiv_base(identifier: str) -> str:
    """An arXiv id without its version: ``2303.16800v2`` -> ``2303.16800``."""
    return re.sub(r"v\d+$", "", identifier.strip())


def _surname(authors: list[str]) -> str:
    return keys.surname(authors[0]) if authors else ""


def _year(published: str | None, inferred: bool) -> str | None:
    if inferred or not published or not published[:4].isdigit():
        return None
    return published[:4]


def _contradicts(candidate: TitleMatch, paper: PaperFields) -> bool:
    """True when what both say of a title match cannot be the same paper."""
    if candidate.doi and paper.doi and candidate.doi.casefold() != paper.doi.casefold():
        return True
    if (
        candidate.arxiv_id
        and paper.arxiv_id
        and arxiv_base(candidate.arxiv_id) != arxiv_base(paper.arxiv_id)
    ):
        return True
    if candidate.venue and paper.venue and title_key(candidate.venue) != title_key(paper.venue):
        return True  # the journal version and the conference version
    theirs = _year(candidate.published, candidate.date_inferred)
    mine = _year(paper.published, paper.date_inferred)
    return theirs is not None and mine is not None and theirs != mine


def known_for(library: Library, papers: Iterable[PaperFields]) -> Known:
    """What ``find_same`` needs of the library for ``papers``, read at once."""
    dois, bases, titles = [], [], []
    for paper in papers:
        dois += [paper.doi] if paper.doi else []
        bases += [arxiv_base(paper.arxiv_id)] if paper.arxiv_id else []
        titles.append(title_key(paper.title))
    return Known(library, dois=dois, arxiv_bases=bases, titles=titles)


def find_same(
    library: Library, paper: PaperFields, key: str | None = None, known: Known | None = None
) -> int | None:
    """The id of the library's paper that ``paper`` describes, or None.

    ``key`` is the description's own citation key, when it has one (a BibTeX entry):
    a paper with that key and the same title is the same paper even without authors,
    so importing a file again doubles nothing. ``known``, read beforehand for this
    paper among others (``known_for``), spares the library's lookups.
    """
    if known is None:
        known = known_for(library, [paper])
    if paper.doi:
        found = known.ids_with_doi(paper.doi)
        if found:
            return found[0]
    if paper.arxiv_id:
        found = known.ids_with_arxiv_base(arxiv_base(paper.arxiv_id))
        if found:
            return found[0]
    surname = _surname(paper.authors)
    for candidate in known.title_matches(title_key(paper.title)):
        if _contradicts(candidate, paper):
            continue
        if surname and keys.surname(candidate.first_author) == surname:
            return candidate.id
        if key and candidate.key.casefold() == key.casefold():
            return candidate.id
    return None


class ImportLookups:
    """``find_same`` for the descriptions an import goes through in order, a chunk at a
    time: what the library holds for a chunk is read at once (``ahead``), after the
    papers before it are written. A description whose marks (``identity``) meet those
    of one before it in the chunk, which may have been added since, is looked up in the
    library itself, and so is every one after a merge in the chunk (a merge may give a
    paper a DOI, a venue or a date that decide what later ones are)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.known: Known | None = None
        self.seen: set[str] = set()

    def ahead(self, papers: Iterable[PaperFields]) -> None:
        """Read what ``papers`` may be; the library must hold every paper before them."""
        self.known, self.seen = known_for(self.library, papers), set()

    def find(self, paper: PaperFields, marks: set[str], key: str | None = None) -> int | None:
        """``find_same`` for the next description, whose ``identity`` is ``marks``."""
        known = None if marks & self.seen else self.known
        self.seen |= marks
        return find_same(self.library, paper, key, known)

    def merged(self) -> None:
        """A paper was completed: the chunk's other descriptions ask the library."""
        self.known = None


def identity(paper: PaperFields) -> set[str]:
    """Marks that any two descriptions ``find_same`` could call one paper have in common.

    Coarse on purpose (no years): an import adds papers in batches, and an entry whose
    marks meet the batch's writes the batch first, so that ``find_same`` sees it.
    """
    found = {f"title:{title_key(paper.title)}"}
    if paper.doi:
        found.add(f"doi:{paper.doi.casefold()}")
    if paper.arxiv_id:
        found.add(f"arxiv:{arxiv_base(paper.arxiv_id)}")
    return found


def _continues(old: list[str], new: list[str]) -> bool:
    """Whether ``new`` is a longer author list that starts with ``old``."""
    if len(new) <= len(old):
        return False
    return [fold(keys.surname(a)) for a in new[: len(old)]] == [fold(keys.surname(a)) for a in old]


def complete(old: Paper, new: PaperFields) -> PaperFields:
    """What describes ``old`` once ``new`` filled in what it lacked (see the module doc)."""
    merged = old.describing()
    if not merged.authors or (merged.authors_truncated and _continues(merged.authors, new.authors)):
        merged.authors, merged.authors_truncated = list(new.authors), new.authors_truncated
    # A real date replaces none, or one whose year was only inferred from the import.
    better_date = new.published and new.published != merged.published
    if better_date and (not merged.published or merged.date_inferred):
        merged.published, merged.date_inferred = new.published, new.date_inferred
    merged.affiliations = merged.affiliations or list(new.affiliations)
    merged.abstract = merged.abstract or new.abstract
    merged.category = merged.category or new.category
    merged.has_code = merged.has_code or new.has_code
    merged.code_urls = merged.code_urls or list(new.code_urls)
    merged.score = merged.score if merged.score is not None else new.score
    merged.doi = merged.doi or new.doi
    merged.arxiv_id = merged.arxiv_id or new.arxiv_id
    merged.url = merged.url or new.url
    if merged.entry_type == "misc":  # the preprint a bibliography knows as published
        merged.entry_type = new.entry_type
    for name in ("venue", "volume", "number", "pages", "publisher", "institution", "isbn"):
        setattr(merged, name, getattr(merged, name) or getattr(new, name))
    merged.editors = merged.editors or list(new.editors)
    merged.extra = {**new.extra, **merged.extra}
    return merged
