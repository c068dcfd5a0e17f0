"""``crossref`` and biblatex's ``xdata``: an entry takes what it lacks from the entry it
refers to, when that entry is in the import.

DBLP writes a paper with ``crossref = {DBLP:conf/esa/2020}`` and puts the volume's year,
editors, publisher, series and volume in that ``@proceedings`` entry only; read alone,
the paper would have neither year nor venue. As BibTeX and biber do, a field the paper
lacks is taken from the volume, and the volume's ``title`` is the paper's ``booktitle``
(biblatex's mapping; ``journaltitle`` from a ``@periodical``, ``maintitle`` from a
multi-volume work). What identifies or belongs to one record only (DOI, URL, eprint,
pages, abstract, notes, the volume's own keys) is never taken: papers given the
volume's DOI would all be "the same paper". ``xdata`` entries are biblatex's bundles of
shared fields: everything in them but identifiers is taken, under the same names.

A volume that papers refer to and that has no authors of its own (an edited
``@proceedings``, ``@collection`` or ``@book``) is not imported as a paper: it is the
papers' container, already in each of them, and a reading list of volumes is clutter.
One with authors (a monograph its chapters cite) is a work to read, and is imported.
``@xdata`` entries are never papers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from papershelf.core.io.bibtex_fields import BibEntry

# Entry types that contain others: BibTeX's and biblatex's volumes and journals.
_MULTI_VOLUME = frozenset({"mvbook", "mvcollection", "mvproceedings", "mvreference"})
_VOLUMES = frozenset({"book", "collection", "proceedings", "reference"})
_CONTAINERS = _MULTI_VOLUME | _VOLUMES | {"periodical"}
# Fields a container gives what is in it, under their own names.
_SHARED = frozenset(
    {
        "booktitle", "booksubtitle", "booktitleaddon", "maintitle", "mainsubtitle",
        "maintitleaddon", "journal", "journaltitle", "journalsubtitle", "shortjournal",
        "issuetitle", "series", "volume", "volumes", "number", "issue", "edition",
        "editor", "editora", "editorb", "editorc", "editortype", "publisher", "address",
        "location", "organization", "institution", "school", "year", "month", "date",
        "eventtitle", "eventdate", "venue", "isbn", "issn", "language",
    }
)  # fmt: skip
# Never taken from another entry: what identifies one record, or is one record's own.
_OWN = frozenset(
    {
        "ids", "crossref", "xdata", "xref", "key", "label", "shorthand", "sortkey",
        "entryset", "entrysubtype", "options", "execute", "presort", "related",
        "relatedtype", "relatedstring", "relatedoptions", "doi", "url", "eprint",
        "eprinttype", "archiveprefix", "primaryclass", "eprintclass", "arxivid",
    }
)  # fmt: skip
MAX_CHAIN = 20  # parents of parents followed; biber stops far sooner in practice

Report = Callable[[BibEntry, str], None]
Charge = Callable[[BibEntry, int], str | None]


def _title_fields(parent_type: str, child_type: str) -> tuple[str, str, str] | None:
    """Where a container's title, subtitle and title addon go in what it contains."""
    if parent_type == "periodical":
        return ("journaltitle", "journalsubtitle", "issuetitle")
    if parent_type in _MULTI_VOLUME and child_type in _VOLUMES | _MULTI_VOLUME:
        return ("maintitle", "mainsubtitle", "maintitleaddon")
    if parent_type in _CONTAINERS and child_type not in _CONTAINERS:
        return ("booktitle", "booksubtitle", "booktitleaddon")
    return None


def _missing(fields: dict[str, str], name: str) -> bool:
    return not fields.get(name, "").strip()


def _inherited(child: BibEntry, parent: BibEntry, *, crossref: bool) -> dict[str, str]:
    """What ``child`` takes from ``parent``: fields it lacks, the title mapped."""
    taken: dict[str, str] = {}
    for name, value in parent.fields.items():
        shared = name in _SHARED if crossref else name not in _OWN and name != "title"
        if shared and value.strip() and _missing(child.fields, name):
            taken[name] = value
    if crossref:
        mapping = _title_fields(parent.entry_type, child.entry_type)
        for source, target in zip(("title", "subtitle", "titleaddon"), mapping or (), strict=False):
            value = parent.fields.get(source, "")
            if value.strip() and _missing(child.fields, target) and target not in taken:
                taken[target] = value
    return taken


def _split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.replace("{", "").replace("}", "").split(",") if k.strip()]


class _Index:
    """Entries by key: exactly, else in any case when only one entry has it (BibTeX
    matches a crossref in any case; biber exactly)."""

    def __init__(self, entries: Sequence[BibEntry]) -> None:
        self.exact: dict[str, BibEntry] = {}
        folded: dict[str, list[BibEntry]] = {}
        for entry in entries:
            self.exact.setdefault(entry.key, entry)
            folded.setdefault(entry.key.casefold(), []).append(entry)
        self.folded = {k: v[0] for k, v in folded.items() if len({e.key for e in v}) == 1}

    def get(self, key: str) -> BibEntry | None:
        return self.exact.get(key) or self.folded.get(key.casefold())


def _references(entry: BibEntry) -> list[tuple[str, str]]:
    """(kind, key) of what ``entry`` takes fields from, in the order they count."""
    refs = [("xdata", k) for k in _split_keys(entry.fields.get("xdata", ""))]
    crossref = entry.fields.get("crossref", "").strip().strip("{}").strip()
    if crossref:
        refs.append(("crossref", crossref))
    return refs


class Resolved(NamedTuple):
    papers: list[BibEntry]  # filled in, in the order given
    skipped: list[BibEntry]  # past a budget with what they would take
    volumes: list[BibEntry]  # containers that papers refer to: not papers themselves


def resolve(entries: Sequence[BibEntry], report: Report, charge: Charge) -> Resolved:
    """Fill entries from what they refer to, and tell papers from their volumes.

    ``report(entry, message)`` says what could not be followed, at the entry's line;
    ``charge(entry, n)`` pays for ``n`` characters taken from others, or says which
    budget they would pass (the entry is then skipped, as past any budget).
    """
    index = _Index(entries)
    done: set[int] = set()
    refused: set[int] = set()
    crossref_parents: set[int] = set()
    for entry in entries:
        if id(entry) not in done:
            _fill_chain(entry, index, done, refused, crossref_parents, report, charge)
    result = Resolved([], [], [])
    for entry in entries:
        if id(entry) in refused:
            result.skipped.append(entry)
        elif entry.entry_type == "xdata":
            continue
        elif (
            id(entry) in crossref_parents
            and entry.entry_type in _CONTAINERS
            and _missing(entry.fields, "author")
        ):
            result.volumes.append(entry)
        else:
            result.papers.append(entry)
    return result


def _fill_chain(
    start: BibEntry,
    index: _Index,
    done: set[int],
    refused: set[int],
    crossref_parents: set[int],
    report: Report,
    charge: Charge,
) -> None:
    """Fill ``start`` and, first, everything it refers to (an explicit stack: a hostile
    file's chain of references must not exhaust Python's)."""
    stack: list[tuple[BibEntry, Iterator[tuple[str, str]]]] = [(start, iter(_references(start)))]
    on_stack = {id(start)}
    while stack:
        entry, refs = stack[-1]
        pushed = False
        for kind, key in refs:
            parent = index.get(key)
            if parent is None or id(parent) in done:
                continue
            if id(parent) in on_stack:
                path = " → ".join([*(e.key for e, _ in stack), parent.key])
                report(entry, f"entry {entry.key!r}: {kind} {key!r} leads back to itself "
                       f"({path}); not followed")  # fmt: skip
                continue
            if len(stack) > MAX_CHAIN:
                report(entry, f"entry {entry.key!r}: {kind} {key!r} is over {MAX_CHAIN} "
                       "references deep; not followed")  # fmt: skip
                continue
            stack.append((parent, iter(_references(parent))))
            on_stack.add(id(parent))
            pushed = True
            break
        if pushed:
            continue
        stack.pop()
        on_stack.discard(id(entry))
        _fill(entry, index, refused, crossref_parents, report, charge)
        done.add(id(entry))


def _fill(
    entry: BibEntry,
    index: _Index,
    refused: set[int],
    crossref_parents: set[int],
    report: Report,
    charge: Charge,
) -> None:
    taken: dict[str, str] = {}
    for kind, key in _references(entry):
        parent = index.get(key)
        if parent is None:
            report(entry, f"entry {entry.key!r}: {kind} {key!r} is not among the entries "
                   "imported; the fields it would give are missing")  # fmt: skip
            continue
        if parent is entry:
            continue
        if kind == "crossref":
            crossref_parents.add(id(parent))
        for name, value in _inherited(entry, parent, crossref=kind == "crossref").items():
            taken.setdefault(name, value)
    if not taken:
        return
    why = charge(entry, sum(len(v) for v in taken.values()))
    if why is not None:
        report(entry, f"entry {entry.key!r} skipped: what it takes by crossref or xdata "
               f"would add {why}")  # fmt: skip
        refused.add(id(entry))
        return
    entry.fields.update(taken)
