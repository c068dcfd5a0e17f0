"""The paper table's columns: which field each shows, and how a row of the table's
narrow summary (``SUMMARY_FIELDS``) shows it. Header, width, sort and visibility are
the field registry's (core/fields.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from papershelf.core.fields import FIELD, Field
from papershelf.core.store.library import SUMMARY_FIELDS
from papershelf.core.text import latex_to_text

Row = tuple[Any, ...]  # one paper's summary, in SUMMARY_FIELDS order
ROW_FIELD = {name: i for i, name in enumerate(SUMMARY_FIELDS)}
_F = ROW_FIELD

# A compact marker per priority (none, low, medium, high), read at a glance like a mail flag.
_PRIORITY_MARKS = ("", "!", "!!", "!!!")


def _authors(row: Row) -> str:
    text = str(row[_F["authors_text"]] or "")
    first, _, rest = text.partition(", ")
    return f"{first} et al." if rest or row[_F["authors_truncated"]] else first


def _score(row: Row) -> str:
    score = row[_F["score"]]
    return "" if score is None else f"{score:g}"


def _day(field: str) -> Callable[[Row], str]:
    return lambda row: str(row[_F[field]] or "")[:10]


def _plain(field: str) -> Callable[[Row], str]:
    return lambda row: str(row[_F[field]] or "")


@dataclass(frozen=True)
class Column:
    """One table column: the field it shows (from the registry) and how a row shows it."""

    field: Field
    display: Callable[[Row], str]

    @property
    def name(self) -> str:
        return self.field.sort or self.field.name

    @property
    def header(self) -> str:
        return self.field.label

    @property
    def sort(self) -> str:
        return self.field.sort or self.field.name

    @property
    def width(self) -> int:
        return self.field.width

    @property
    def hidden_by_default(self) -> bool:
        return self.field.hidden


# The table's columns in their order; header, width, sort and visibility are the
# registry's (core/fields.py). New columns go at the end: the reader's saved layout
# refers to columns by their place.
_SHOWN: tuple[tuple[str, Callable[[Row], str]], ...] = (
    ("title", lambda r: latex_to_text(str(r[_F["title"]]))),
    ("authors", _authors),
    ("published", _plain("published")),
    ("category", _plain("category")),
    ("status", _plain("status")),
    ("tags", _plain("tags_text")),
    ("has_code", lambda r: "Code" if r[_F["has_code"]] else ""),
    ("score", _score),
    ("key", _plain("key")),
    ("added", _day("added")),
    ("read_at", _day("read_at")),
    ("venue", lambda r: latex_to_text(str(r[_F["venue"]] or ""))),
    ("entry_type", _plain("entry_type")),
    ("priority", lambda r: _PRIORITY_MARKS[r[_F["priority"]] or 0]),
    (
        "queue_position",
        lambda r: "" if r[_F["queue_position"]] is None else str(r[_F["queue_position"]]),
    ),
)
COLUMNS: tuple[Column, ...] = tuple(Column(FIELD[name], show) for name, show in _SHOWN)
COLUMN_INDEX = {c.name: i for i, c in enumerate(COLUMNS)}
