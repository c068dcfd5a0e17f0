"""Capture: papers added by identifier, and arXiv ids found for the papers that lack one.

Two steps, kept apart so that a slow or failing network never holds the library:
``look_up`` asks arXiv and Crossref (no library involved; an identifier that fails
gets a one-line reason), then ``add_looked_up`` writes every paper found in one
transaction, one undo step. Which paper a record is decides ``same_paper.find_same``
(the rule every import follows), and a paper the library has is completed by
``paper_merge.merge``, the completion BibTeX and RIS imports use: only what the paper
lacks is filled, so nothing the reader wrote is replaced. A PDF's identifiers (found by
the files side) go through ``look_up`` and ``add_looked_up`` the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from papershelf.core import identifiers, keys, names
from papershelf.core.errors import LibraryError, NetCancelled
from papershelf.core.fields import PaperFields
from papershelf.core.identifiers import Identifier
from papershelf.core.io import pdf
from papershelf.core.io.bibtex_fields import BibPaper
from papershelf.core.io.paper_merge import merge
from papershelf.core.net import arxiv, crossref
from papershelf.core.net.http import NetError, PoliteClient
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import papers_phrase, run
from papershelf.core.same_paper import find_same
from papershelf.core.store.library import Library
from papershelf.core.text import fold, title_key

# ``progress(done, total)``; False asks to stop (Cancel).
Progress = Callable[[int, int], bool]
NOT_AN_IDENTIFIER = "not an arXiv id, arXiv URL or DOI"


@dataclass(frozen=True)
class LookedUp:
    """What one item (as the reader gave it) turned out to be: a paper, or why not."""

    item: str
    fields: PaperFields | None = None
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    """What became of one item: ``added KEY``, ``merged KEY`` or ``error ITEM: reason``."""

    item: str
    result: Literal["added", "merged", "error"]
    key: str = ""
    paper_id: int | None = None
    reason: str = ""

    def line(self) -> str:
        if self.result == "error":
            return f"error {self.item}: {self.reason}"
        return f"{self.result} {self.key}"


def look_up(
    items: Sequence[str | Identifier],
    client: PoliteClient,
    progress: Progress | None = None,
) -> list[LookedUp]:
    """Each item's paper from arXiv (batched) or Crossref, in the items' order.

    Items are identifiers or text (``parse``d; text that is none is an error line).
    Raises NetCancelled when ``progress`` returns False or the client is cancelled.
    """
    parsed = [i if isinstance(i, Identifier) else identifiers.parse(i) for i in items]
    total = len(items)
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and progress(min(done, total), total) is False:
            raise NetCancelled

    wanted = list(dict.fromkeys(p.value for p in parsed if p and p.kind == "arxiv"))
    from_arxiv = arxiv.fetch(client, wanted) if wanted else {}
    step(sum(1 for p in parsed if p and p.kind == "arxiv"))
    from_crossref: dict[str, PaperFields | str] = {}
    for ident in parsed:
        if ident is None or ident.kind != "doi" or ident.value.casefold() in from_crossref:
            continue
        try:
            from_crossref[ident.value.casefold()] = crossref.fetch(client, ident.value)
        except NetError as exc:
            from_crossref[ident.value.casefold()] = str(exc)
        step()
    found: list[LookedUp] = []
    for item, ident in zip(items, parsed, strict=True):
        text = item.text if isinstance(item, Identifier) else item
        if ident is None:
            found.append(LookedUp(text, error=NOT_AN_IDENTIFIER))
            step()
            continue
        answer: object = (
            from_arxiv.get(ident.value)
            if ident.kind == "arxiv"
            else from_crossref.get(ident.value.casefold())
        )
        if isinstance(answer, arxiv.ArxivPaper):
            found.append(LookedUp(text, answer.fields))
        elif isinstance(answer, PaperFields):
            found.append(LookedUp(text, answer))
        else:
            found.append(LookedUp(text, error=str(answer or "no answer")))
    return found


def add_looked_up(library: Library, looked: Sequence[LookedUp]) -> tuple[list[Outcome], Changes]:
    """Add or complete the papers found, in one transaction (one undo step).

    A paper the library has (``find_same``) is completed, never doubled; two items
    naming one paper (its arXiv id and its DOI) give one paper.
    """

    def write() -> list[Outcome]:
        outcomes: list[Outcome] = []
        for entry in looked:
            if entry.fields is None:
                outcomes.append(Outcome(entry.item, "error", reason=entry.error))
                continue
            existing = find_same(library, entry.fields)
            if existing is None:
                paper_id = library.add_paper(entry.fields)
                result: Literal["added", "merged"] = "added"
            else:
                paper_id = existing
                merge(library, existing, BibPaper(0, "", entry.fields, [], ""))
                result = "merged"
            outcomes.append(Outcome(entry.item, result, paper_id=paper_id))
        named = library.keys_of([o.paper_id for o in outcomes if o.paper_id is not None])
        return [
            Outcome(o.item, o.result, named.get(o.paper_id, ""), o.paper_id, o.reason)
            if o.paper_id is not None
            else o
            for o in outcomes
        ]

    papers = sum(1 for entry in looked if entry.fields is not None)
    label = f"Add {papers_phrase(papers)} by identifier"
    if papers == 0:
        return write(), Changes(label)
    return run(library, label, write)


def add_identifiers(
    library: Library,
    items: Sequence[str | Identifier],
    client: PoliteClient,
    progress: Progress | None = None,
) -> tuple[list[Outcome], Changes]:
    """``look_up`` then ``add_looked_up``: what ``papershelf add`` does."""
    return add_looked_up(library, look_up(items, client, progress))


class PdfLookup:
    """What a PDF's arXiv id or DOI names, for ``ops.files.add_pdf``: arXiv ids from the
    arXiv API, DOIs from Crossref. None when the service has no such paper; NetError (a
    LibraryError) when it could not be asked (offline), which ``add_pdf`` reports and
    falls back on the PDF itself."""

    def __init__(self, client: PoliteClient) -> None:
        self.client = client

    def __call__(self, identifier: str) -> PaperFields | None:
        ident = identifiers.parse(identifier)
        if ident is None:
            return None
        if ident.kind == "arxiv":
            paper = arxiv.fetch_one(self.client, ident.value)
            return None if paper is None else paper.fields
        try:
            return crossref.fetch(self.client, ident.value)
        except NetError as exc:
            if exc.status == 404:
                return None
            raise


class Answered:
    """A PDF's lookups made off the main thread (``look_up_pdf``), replayed to
    ``ops.files.add_pdf`` on it: the same answers, and the same failure, without waiting."""

    def __init__(self, answers: dict[str, PaperFields | LibraryError | None]) -> None:
        self.answers = answers

    def __call__(self, identifier: str) -> PaperFields | None:
        answer = self.answers.get(identifier)
        if isinstance(answer, LibraryError):
            raise answer
        return answer


def look_up_pdf(path: Path, client: PoliteClient) -> Answered:
    """Ask what ``add_pdf`` would ask of a PDF's arXiv id and DOI, in its order.

    Raises PdfError when the PDF cannot be read, NetCancelled on Cancel.
    """
    facts = pdf.read_facts(path)
    lookup = PdfLookup(client)
    answers: dict[str, PaperFields | LibraryError | None] = {}
    for identifier in (facts.arxiv_id, facts.doi):
        if not identifier:
            continue
        try:
            answers[identifier] = lookup(identifier)
        except LibraryError as exc:
            answers[identifier] = exc
        if isinstance(answers[identifier], PaperFields):
            break
    return Answered(answers)


# --- lookup: arXiv ids for papers without one ---------------------------------------


@dataclass(frozen=True)
class Match:
    """What the arXiv search found for one paper."""

    paper_id: int
    key: str
    result: Literal["matched", "ambiguous", "not found", "error"]
    arxiv_id: str = ""
    reason: str = ""  # the candidates when ambiguous, the error
    unreachable: bool = False  # arXiv could not be reached: the others will not be

    def line(self) -> str:
        if self.result == "matched":
            return f"matched {self.key}: arXiv:{self.arxiv_id}"
        if self.result == "ambiguous":
            return f"ambiguous {self.key}: {self.reason}"
        if self.result == "error":
            return f"error {self.key}: {self.reason}"
        return f"not found {self.key}"


def papers_without_arxiv_id(library: Library, query: str = "") -> list[int]:
    """The papers matching ``query`` (all when empty) that have no arXiv id."""
    ids = library.search(query)
    return [p.id for p in library.papers(ids) if not p.arxiv_id]


def find_arxiv_ids(
    library: Library,
    ids: Sequence[int],
    client: PoliteClient,
    progress: Progress | None = None,
) -> list[tuple[Match, PaperFields | None]]:
    """Search arXiv for each paper by its exact title and first author.

    Confident means exactly one arXiv paper whose title is the paper's (ignoring case,
    accents and punctuation) and whose first author has the paper's first author's
    surname; two such papers are ambiguous. Nothing is written here.
    """
    found: list[tuple[Match, PaperFields | None]] = []
    papers = library.papers(list(ids))
    for done, paper in enumerate(papers, 1):
        surname = keys.surname(paper.authors[0]) if paper.authors else ""
        # The query spells the surname as the paper does (Akyürek): arXiv's own spelling.
        spelled = (names.parts(paper.authors[0]).family or surname) if paper.authors else ""
        try:
            candidates = arxiv.search(client, paper.title, spelled)
        except NetError as exc:
            match = Match(
                paper.id, paper.key, "error", reason=str(exc), unreachable=exc.unreachable
            )
            found.append((match, None))
            if exc.unreachable:  # offline: the next papers would fail the same way
                break
        else:
            same = [
                c
                for c in candidates
                if title_key(c.fields.title) == title_key(paper.title)
                and c.fields.authors
                and fold(keys.surname(c.fields.authors[0])) == fold(surname)
            ]
            distinct = list(dict.fromkeys(c.arxiv_id for c in same))
            if len(distinct) == 1:
                match = Match(paper.id, paper.key, "matched", distinct[0])
                found.append((match, same[0].fields))
            elif distinct:
                listed = ", ".join(f"arXiv:{i}" for i in distinct)
                found.append((Match(paper.id, paper.key, "ambiguous", reason=listed), None))
            else:
                found.append((Match(paper.id, paper.key, "not found"), None))
        if progress is not None and progress(done, len(papers)) is False:
            raise NetCancelled
    return found


def apply_matches(library: Library, found: Sequence[tuple[Match, PaperFields | None]]) -> Changes:
    """Complete each confidently matched paper from its arXiv record: one undo step."""
    matched = [(m, f) for m, f in found if m.result == "matched" and f is not None]
    label = f"Find identifiers for {papers_phrase(len(matched))}"
    if not matched:
        return Changes(label)

    def write() -> None:
        for match, fields in matched:
            merge(library, match.paper_id, BibPaper(0, "", fields, [], ""))

    _, changes = run(library, label, write)
    return changes
