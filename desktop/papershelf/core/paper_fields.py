"""PaperFields: what a reader or an importer says about a paper.

Ids, keys, statuses, tags and notes are the library's own; these are the fields that
describe the paper itself and that edits and imports replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PaperFields:
        """The fields of a record as Library.record returns it."""
        return cls(
            title=record["title"],
            authors=list(record["authors"]),
            affiliations=list(record["affiliations"]),
            abstract=record["abstract"],
            published=record["published"],
            date_inferred=record["date_inferred"],
            category=record["category"],
            has_code=record["has_code"],
            code_urls=list(record["code_urls"]),
            score=record["score"],
            authors_truncated=record["authors_truncated"],
            doi=record["doi"],
            arxiv_id=record["arxiv_id"],
            url=record["url"],
        )

    @property
    def year(self) -> int | None:
        """The year of ``published``, when it has one."""
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        return None
