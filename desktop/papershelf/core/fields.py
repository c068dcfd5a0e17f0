"""Every field of a paper, declared once, after calibre's field metadata.

``FIELDS`` says for each field its name (the key of ``list --format json``), label, kind,
where it is stored, how the table shows and sorts it, and whether an edit or an import
replaces it. The library reads and writes papers through it, the command line's JSON
and CSV follow it, and the window's table, details pane and edit dialog read their
columns, facts and inputs from it. A new field is one entry here (and its column in a
schema migration).

``PaperFields`` is what describes a paper (what an edit or an import replaces);
``Paper`` adds what the library keeps about it (id, key, status, tags, note, times).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from papershelf.core import names

Kind = Literal[
    "text",
    "longtext",
    "int",
    "float",
    "bool",
    "date",
    "time",
    "list",
    "names",
    "map",
    "level",
    "records",
]  # level: one of PRIORITIES by name, stored as its rank (0 none .. 3 high)
PRIORITIES: tuple[str, ...] = ("none", "low", "medium", "high")
# How the edit dialog edits a field: one line, one item per line, free text, a box.
Editor = Literal["line", "lines", "text", "check"]


@dataclass(frozen=True)
class Field:
    """One field of a paper."""

    name: str  # the JSON key and the attribute of Paper
    label: str  # for the reader: column header, details, edit dialog
    kind: Kind
    # papers.<column> when the value is stored there; None for lists kept in tables of
    # their own (authors, tags) and for the note.
    column: str | None = None
    describes: bool = False  # part of PaperFields: an edit or an import replaces it
    sort: str | None = None  # the name ``list --sort`` and the table sort by
    width: int = 0  # the table's column width in pixels; 0 = not a table column
    hidden: bool = False  # a table column hidden until the reader shows it
    in_csv: bool = True
    edit: Editor | None = None  # how the edit dialog edits it; None: not there
    hint: str = ""  # the edit dialog's placeholder


FIELDS: tuple[Field, ...] = (
    Field("id", "Id", "int", "id", in_csv=True),
    Field("uuid", "UUID", "text", "uuid", in_csv=False),
    Field("key", "Key", "text", "key", sort="key", width=150, hidden=True),
    Field("entry_type", "Type", "text", "entry_type", describes=True, sort="type", width=90,
          hidden=True, edit="line", hint="article, inproceedings, book, phdthesis, misc…"),
    Field("title", "Title", "text", "title", describes=True, sort="title", width=300,
          edit="line"),
    Field("authors", "Authors", "names", describes=True, sort="authors", width=150,
          edit="lines", hint="One author per line"),
    Field("authors_truncated", "Author list cut short (et al.)", "bool", "authors_truncated",
          describes=True, edit="check"),
    Field("affiliations", "Affiliations", "names", describes=True, edit="lines",
          hint="One affiliation per line"),
    Field("published", "Published", "date", "published", describes=True, sort="published",
          width=90, edit="line", hint="YYYY-MM-DD, YYYY-MM or YYYY"),
    Field("year", "Year", "int", "year", sort="year"),
    Field("date_inferred", "Year inferred", "bool", "date_inferred", describes=True),
    Field("venue", "Venue", "text", "venue", describes=True, sort="venue", width=140,
          hidden=True, edit="line", hint="Journal, or the proceedings' title"),
    Field("volume", "Volume", "text", "volume", describes=True, edit="line"),
    Field("number", "Number", "text", "number", describes=True, edit="line"),
    Field("pages", "Pages", "text", "pages", describes=True, edit="line", hint="123-145"),
    Field("publisher", "Publisher", "text", "publisher", describes=True, edit="line"),
    Field("editors", "Editors", "names", "editors", describes=True, edit="lines",
          hint="One editor per line"),
    Field("institution", "Institution", "text", "institution", describes=True, edit="line",
          hint="University (theses) or institution (reports)"),
    Field("category", "Category", "text", "category", describes=True, sort="category",
          width=65, edit="line"),
    Field("has_code", "Code", "bool", "has_code", describes=True, sort="code", width=45),
    Field("code_urls", "Code links", "list", "code_urls", describes=True, edit="lines",
          hint="Code links, one per line"),
    Field("score", "Score", "float", "score", describes=True, sort="score", width=50),
    Field("status", "Status", "text", "status", sort="status", width=80),
    Field("tags", "Tags", "list", sort="tags", width=100),
    Field("note", "Note", "longtext"),
    Field("abstract", "Abstract", "longtext", "abstract", describes=True, edit="text"),
    Field("added", "Added", "time", "added", sort="added", width=90, hidden=True),
    Field("modified", "Modified", "time", "modified", in_csv=False),
    Field("read_at", "Read on", "time", "read_at", sort="read_at", width=90, hidden=True),
    Field("doi", "DOI", "text", "doi", describes=True, edit="line"),
    Field("arxiv_id", "arXiv id", "text", "arxiv_id", describes=True, edit="line"),
    Field("url", "URL", "text", "url", describes=True, edit="line"),
    Field("isbn", "ISBN", "text", "isbn", describes=True, edit="line"),
    # What else a bibliography said (address, edition, series...): written back as read.
    Field("extra", "Other fields", "map", "extra", describes=True, in_csv=False),
    Field("aliases", "Other keys", "list"),
    # Hidden at first: a narrow window keeps its columns (View > Columns shows it).
    Field("priority", "Priority", "level", "priority", sort="priority", width=60, hidden=True),
    # The paper's place in the to-read queue, 1 first (stored as a fractional key).
    Field("queue_position", "Queue", "int", sort="queue", width=55, hidden=True),
    # Names of the followed sources (feeds, arXiv queries) that brought the paper.
    Field("sources", "Followed sources", "list"),
    # Files attached to the paper: {path, size, kind}, path relative to files/ beside
    # the library (absolute for a linked file). Kept by store.attachments, not edited.
    Field("attachments", "Attachments", "records", in_csv=False),
)  # fmt: skip
FIELD = {f.name: f for f in FIELDS}
# Stored in a column of papers, in the order of FIELDS.
STORED: tuple[Field, ...] = tuple(f for f in FIELDS if f.column)
DESCRIBING: tuple[Field, ...] = tuple(f for f in FIELDS if f.describes)


@dataclass
class PaperFields:
    """What a reader or an importer says about a paper; ids and keys are the library's."""

    title: str
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstract: str = ""
    published: str | None = None
    date_inferred: bool = False
    category: str = ""
    has_code: bool = False
    code_urls: list[str] = field(default_factory=list)
    score: float | None = None
    authors_truncated: bool = False
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    entry_type: str = "misc"  # BibTeX's: article, inproceedings, book, phdthesis...
    venue: str = ""  # the journal, or the book or proceedings a chapter or paper is in
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    editors: list[str] = field(default_factory=list)
    institution: str = ""  # a thesis's school, a report's institution
    isbn: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PaperFields:
        """What describes the paper of a JSON record (``Paper.to_json``)."""
        return cls(**{f.name: _copy(record[f.name]) for f in DESCRIBING})

    @property
    def year(self) -> int | None:
        """The year of ``published``, when it has one."""
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        return None


@dataclass(kw_only=True)
class Paper(PaperFields):
    """A paper as the library holds it: what describes it, and the reader's own state."""

    id: int
    key: str
    uuid: str = ""
    status: str = "new"
    tags: list[str] = field(default_factory=list)
    note: str = ""
    added: str = ""
    modified: str = ""
    read_at: str | None = None
    aliases: list[str] = field(default_factory=list)  # keys it had in other bibliographies
    priority: str = "none"  # one of PRIORITIES
    queue_position: int | None = None  # 1 = read next; None when not to-read
    sources: list[str] = field(default_factory=list)  # followed sources that brought it
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {path, size, kind}

    def describing(self) -> PaperFields:
        """Only what describes the paper: what an edit changes."""
        return PaperFields(**{f.name: _copy(getattr(self, f.name)) for f in DESCRIBING})

    def with_fields(self, described: PaperFields) -> Paper:
        """This paper with what describes it replaced."""
        return replace(self, **{f.name: _copy(getattr(described, f.name)) for f in DESCRIBING})

    def to_json(self) -> dict[str, Any]:
        """The record of ``list --format json``: every field by its name, in FIELDS order.

        Names are as shown ("Ludwig van Beethoven"); their parts stay in the library.
        """
        record = {f.name: _copy(getattr(self, f.name)) for f in FIELDS}
        record["authors"] = [names.display(a) for a in self.authors]
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Paper:
        """A Paper from ``to_json``'s record (missing fields take their defaults)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: _copy(v) for k, v in record.items() if k in known and k != "year"})


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    return [_copy(v) for v in value] if isinstance(value, list) else value


def to_column(spec: Field, value: Any) -> Any:
    """A field's value as the papers table stores it."""
    return _WRITERS[spec.name](value)


def _writer(spec: Field) -> Callable[[Any], Any]:
    """How ``to_column`` stores a field's values, chosen once per field (an import
    converts twenty fields of each of 100,000 papers)."""
    if spec.kind == "level":
        return lambda value: PRIORITIES.index(value) if value in PRIORITIES else 0
    if spec.kind == "bool":
        return lambda value: int(bool(value))
    if spec.kind in ("list", "names"):
        return lambda value: json.dumps(list(value), ensure_ascii=False) if value else "[]"
    if spec.kind == "map":
        return lambda value: (
            json.dumps(dict(value), ensure_ascii=False, sort_keys=True) if value else "{}"
        )
    if spec.kind in ("text", "longtext") and spec.describes:
        missing = None if _OPTIONAL[spec.name] else ""
        return lambda value: missing if value is None else value
    return lambda value: value


def from_column(spec: Field, value: Any) -> Any:
    """A field's value from the papers table."""
    if spec.kind == "level":
        return PRIORITIES[value] if isinstance(value, int) and 0 <= value < 4 else "none"
    if spec.kind == "bool":
        return bool(value)
    if spec.kind in ("list", "names"):
        return list(json.loads(value or "[]"))
    if spec.kind == "map":
        return dict(json.loads(value or "{}"))
    if spec.kind in ("text", "longtext") and spec.describes and not _OPTIONAL[spec.name]:
        return value or ("misc" if spec.name == "entry_type" else "")
    return value


# Which describing fields may be None (not known) rather than "".
_OPTIONAL = {f.name: f.default is None for f in fields(PaperFields)}
_WRITERS = {f.name: _writer(f) for f in FIELDS}
