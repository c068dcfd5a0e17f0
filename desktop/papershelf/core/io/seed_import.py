"""Importing the seed documents (an author's listing and its full author lists).

An import is one transaction: a reader never sees half a document. Papers already in
the library are recognised by title and first author and merged, never doubled, so
importing the same documents again changes nothing and keeps statuses and notes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from papershelf.core import paths
from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.io import seeds
from papershelf.core.same_paper import complete, find_same
from papershelf.core.store import matching, sources
from papershelf.core.store.library import Library

_CODE_URL = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[^\s)\]>\"']+")
_MAX_BYTES = 50 * 1024 * 1024  # a seed page is tens of kB; anything this big is not one


@dataclass
class ImportReport:
    """What an import did, for the reader: counts and the reasons anything was skipped."""

    added: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    # "x1 (line 3) merged into akyurek2022learning": which paper took each merged entry.
    merges: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "added 50, merged 0, unchanged 0, skipped 0"."""
        return (
            f"added {self.added}, merged {self.merged}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}"
        )


def code_urls(abstract: str) -> list[str]:
    """The repository links an abstract gives, without trailing punctuation, in order."""
    found: list[str] = []
    for match in _CODE_URL.finditer(abstract):
        url = match.group(0).rstrip(".,;:")
        if url not in found:
            found.append(url)
    return found


def _read(path: Path, report: ImportReport) -> str | None:
    try:
        if path.is_dir():
            report.problems.append(f"{path}: is a folder, not a document")
            return None
        if path.stat().st_size > _MAX_BYTES:
            report.problems.append(f"{path}: too large to be a seed document")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
        return None
    text = raw.decode("utf-8", errors="replace")
    if "\ufffd" in text and "\ufffd" not in raw.decode("utf-8", errors="ignore"):
        report.problems.append(f"{path}: not valid UTF-8; unreadable bytes were replaced")
    return text


def _source_id(library: Library, path: Path, kind: str, text: str, header: object) -> int:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return sources.source_id(library, path.name, kind, digest, _capture_year(library), header)


def _capture_year(library: Library) -> int:
    """The year undated entries belong to: that of the first import, then kept."""
    stored = library.meta("capture_year")
    if stored and stored.isdigit():
        return int(stored)
    year = date.today().year
    library.set_meta("capture_year", str(year))
    return year


def _fields(entry: seeds.SeedEntry, year: int, full: seeds.AuthorAbstract | None) -> PaperFields:
    authors = list(full.authors) if full else list(entry.authors)
    return PaperFields(
        title=entry.title,
        authors=authors,
        affiliations=list(entry.affiliations),
        abstract=entry.abstract,
        published=f"{entry.year or year:04d}-{entry.month:02d}-{entry.day:02d}",
        date_inferred=entry.year is None,
        category=entry.category,
        has_code=entry.has_code,
        code_urls=code_urls(entry.abstract),
        score=entry.score,
        authors_truncated=entry.authors_truncated and full is None,
    )


def _merge(library: Library, paper_id: int, new: PaperFields) -> bool:
    """Complete an existing paper from a document; True when anything changed."""
    library.before_merge(paper_id)
    old = library.paper(paper_id)
    merged = complete(old, new)
    if merged == old.describing():
        return False
    library.update_paper(paper_id, merged)
    return True


def _library_entries(
    library: Library, pairs: Sequence[seeds.AuthorAbstract]
) -> list[seeds.SeedEntry]:
    """The library's papers led by a first author of ``pairs``, to match them against.

    Complete papers count too: a document imported again finds the papers it completed
    the first time (and leaves them unchanged) instead of reporting them missing.
    """
    ids = matching.ids_first_authored_by(library, [p.authors[0] for p in pairs if p.authors])
    entries = []
    for paper in library.papers(ids):
        published = paper.published or "0000-01-01"
        entries.append(
            seeds.SeedEntry(
                index=paper.id,
                line=0,
                score=paper.score,
                category=paper.category,
                month=int(published[5:7] or 1),
                day=int(published[8:10] or 1),
                year=paper.year,
                has_code=paper.has_code,
                title=paper.title,
                authors=paper.authors,
                authors_truncated=paper.authors_truncated,
                affiliations=paper.affiliations,
                abstract=paper.abstract,
            )
        )
    return entries


def import_documents(library: Library, documents: Iterable[Path | str]) -> ImportReport:
    """Import seed documents in one transaction and report what happened to each entry."""
    report = ImportReport()
    listings: list[tuple[Path, str, seeds.Listing]] = []
    pair_docs: list[tuple[Path, str, list[seeds.AuthorAbstract]]] = []
    for document in documents:
        path = Path(document)
        text = _read(path, report)
        if text is None:
            continue
        kind = seeds.detect_kind(text)
        if kind == "listing":
            listing = seeds.parse_listing(text)
            listings.append((path, text, listing))
            _problems(report, path, listing.problems)
        elif kind == "author-abstracts":
            pairs, problems = seeds.parse_author_abstracts(text)
            pair_docs.append((path, text, pairs))
            _problems(report, path, problems)
        else:
            report.problems.append(
                f"{path}: not a seed document Papershelf knows; nothing imported"
            )
    with library.write():
        entries = [entry for _, offset, entry in _numbered(listings)]
        from_library = not entries
        if from_library and pair_docs:
            entries = _library_entries(library, [p for _, _, pairs in pair_docs for p in pairs])
        full: dict[int, seeds.AuthorAbstract] = {}
        for path, text, pairs in pair_docs:
            _source_id(library, path, "author-abstracts", text, None)
            matches, problems = seeds.match_full_authors(entries, pairs)
            _problems(report, path, problems)
            full.update(matches)
        if from_library:
            by_id = {e.index: e for e in entries}
            for paper_id, pair in full.items():
                new = _fields(by_id[paper_id], by_id[paper_id].year or 0, pair)
                if _merge(library, paper_id, new):
                    report.merged += 1
                else:
                    report.unchanged += 1
        _import_listings(library, listings, full if not from_library else {}, report)
    return report


def _import_listings(
    library: Library,
    listings: Sequence[tuple[Path, str, seeds.Listing]],
    full: dict[int, seeds.AuthorAbstract],
    report: ImportReport,
) -> None:
    if not listings:
        return  # nothing imported, so no capture year is fixed yet
    year = _capture_year(library)
    source_ids: dict[int, int] = {}
    for number, (path, text, listing) in enumerate(listings):
        header = asdict(listing.header) if listing.header else None
        source_ids[number] = _source_id(library, path, "listing", text, header)
    for number, offset, entry in _numbered(listings):
        source = source_ids[number]
        fields = _fields(entry, year, full.get(entry.index))
        existing = find_same(library, fields)
        if existing is None:
            paper_id = library.add_paper(fields)
            report.added += 1
        else:
            paper_id = existing
            if _merge(library, paper_id, fields):
                report.merged += 1
            else:
                report.unchanged += 1
        sources.add_provenance(library, paper_id, source, entry.index - offset, entry.line)
    for _, _, listing in listings:
        report.skipped += sum(1 for p in listing.problems if "skipped" in p.message)


def _numbered(
    listings: Sequence[tuple[Path, str, seeds.Listing]],
) -> Iterator[tuple[int, int, seeds.SeedEntry]]:
    """(listing number, index offset, entry) with indexes unique across all listings."""
    offset = 0
    for number, (_, _, listing) in enumerate(listings):
        for entry in listing.entries:
            yield number, offset, replace(entry, index=offset + entry.index)
        offset += max((e.index for e in listing.entries), default=-1) + 1


def _problems(report: ImportReport, path: Path, problems: Iterable[seeds.SeedProblem]) -> None:
    report.problems.extend(f"{path.name}:{p.line}: {p.message}" for p in problems)


def import_bundled_seeds(library: Library) -> ImportReport:
    """Seed a new library from the documents shipped with Papershelf."""
    documents = paths.seed_documents()
    if not documents:
        raise LibraryError("the bundled seed documents are missing from this installation")
    return import_documents(library, documents)
