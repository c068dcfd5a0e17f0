"""A varied library for round trips through the reference formats (RIS, CSL-JSON).

Every entry type, names with particles, suffixes and corporate names, dates of each
precision and none, hostile text (a lone brace, %, #, &, _, $, LaTeX math, non-ASCII,
lines that look like RIS tags, a very long abstract), empty fields, tags with commas,
notes, aliases, affiliations and extra fields. ``same_as`` compares two papers field
by field, leaving out what a format cannot carry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from typing import Any

from papershelf.core import names
from papershelf.core.fields import DESCRIBING, Paper, PaperFields
from papershelf.core.io.seed_import import code_urls
from papershelf.core.store.library import Library

ENTRY_TYPES = (
    "article", "inproceedings", "proceedings", "book", "incollection", "inbook", "phdthesis",
    "mastersthesis", "techreport", "manual", "misc", "online", "unpublished", "booklet",
    "software", "dataset", "patent",
)  # fmt: skip
AUTHORS = (
    ["van Beethoven, Ludwig", "de la Fontaine, Jean", "King, Jr., Martin Luther"],
    ["{Barnes and Noble, Inc.}", "{Center for History and New Media}", "Plato"],
    ["Ekin Akyürek", "Jeff Z. HaoChen", "Иванов, Иван", "王小明"],
    ["Müller-Lüdenscheidt, Hans-Peter", "O'Neil, Cathy"],
    ["van Gogh"],
    [],
)
DATES = ("2017", "2017-06", "2017-06-12", None, "1999-12-31", "2024-02")
HOSTILE = r"A lone { brace, 100% & #1 of $L_\infty$ under_score \LaTeX ~x^2 — naïve café"
NOTE = (
    "# Heading\n\nER  - not the end\nTY  - JOUR\n  AU  - indented, looks like a tag\n"
    "    code block\n- list with `code` and a \\backslash\n50% done & {unbalanced"
)
LONG_ABSTRACT = ("A very long abstract sentence with $x_i$ and ü. " * 4000).strip()


def add_corpus(library: Library) -> list[int]:
    """Add the corpus to ``library``; return the new papers' ids."""
    ids = []
    for i, kind in enumerate(ENTRY_TYPES):
        # A proceedings volume has editors, not authors (RIS tells the two apart by that).
        authors = [] if kind == "proceedings" else AUTHORS[i % len(AUTHORS)]
        fields = PaperFields(
            title=f"{kind.capitalize()} number {i}: {HOSTILE if i % 3 == 0 else 'plain'}",
            authors=list(authors),
            authors_truncated=i % 4 == 1 and bool(authors),
            affiliations=["MIT", "Université Paris-Saclay"] if i % 5 == 0 else [],
            abstract=(
                LONG_ABSTRACT if i == 4 else
                f"First paragraph of {kind}: {HOSTILE}.\n\nSecond paragraph, code at "
                f"https://github.com/example/{kind}." if i % 2 == 0 else ""
            ),
            published=DATES[i % len(DATES)],
            date_inferred=i == 7,
            category="LG" if i % 6 == 0 else "",
            score=0.5 if i == 3 else None,
            doi=f"10.1000/corpus.{i}_x(1)" if i % 3 == 1 else None,
            arxiv_id=f"2101.{i:05d}v2" if i % 4 == 0 else None,
            url=f"https://example.org/{kind}?a=1&b=%20" if i % 3 == 2 else None,
            entry_type=kind,
            venue=f"Journal of {kind.capitalize()} & Things" if i % 2 == 1 else "",
            volume=str(i) if i % 2 == 1 else "",
            number=f"{i}a" if i % 3 == 0 else "",
            pages="123\u2013145" if i % 2 == 0 else ("e1000" if i % 3 == 0 else ""),
            publisher="MIT Press" if i % 3 == 0 else "",
            editors=["Knuth, Donald E.", "van der Waals, Johannes"] if i % 4 == 2 else [],
            institution="Université Paris-Saclay" if kind.endswith(("thesis", "report")) else "",
            isbn="978-3-16-148410-0" if i % 5 == 1 else "",
            extra={"address": "M{\\\"u}nchen", "edition": "Second", "issn": "1234-5678",
                   "timestamp": "2020-01-01"} if i % 4 == 3 else {},
        )  # fmt: skip
        if kind == "techreport":
            fields.extra = {"type": "Research Report"}
        # As every import finds them: the code links of the abstract and URL.
        fields.code_urls = code_urls(" ".join(filter(None, [fields.abstract, fields.url])))
        fields.has_code = bool(fields.code_urls)
        paper = library.add_paper(fields)
        if i % 2 == 0:
            library.add_tags([paper], ["to cite", "a,b; c", "théorie"])
        if i % 3 == 0:
            library.set_note(paper, NOTE)
        elif i % 3 == 1:
            library.set_note(paper, "Short note: 100% {sure}.")
        if i % 5 == 2:
            library.add_aliases(paper, [f"Old{i}Key", f"other:{i}"])
        ids.append(paper)
    empty = library.add_paper(PaperFields(title="Only a title"))  # every other field empty
    return [*ids, empty]


def _names_parts(value: list[str]) -> list[names.NameParts]:
    return [names.parts(v) for v in value]


Transform = Callable[[Paper], dict[str, Any]]


def describe(paper: Paper) -> dict[str, Any]:
    """Everything a round trip can be asked to keep: the describing fields, names by their
    parts, and tags, note and aliases."""
    out = {f.name: getattr(paper, f.name) for f in DESCRIBING}
    out["authors"] = _names_parts(paper.authors)
    out["editors"] = _names_parts(paper.editors)
    out.update(tags=paper.tags, note=paper.note, aliases=sorted(paper.aliases))
    return out


def same_as(before: Paper, after: Paper, lost: Transform | None = None) -> list[str]:
    """The fields (with both values) in which ``after`` is not ``before`` after ``lost``.

    ``lost`` gives what a format cannot carry: the value each such field is expected to
    come back with.
    """
    expected = describe(before)
    if lost is not None:
        expected.update(lost(before))
    got = describe(after)
    return [f"{k}: {expected[k]!r} != {got[k]!r}" for k in expected if expected[k] != got[k]]


assert {f.name for f in dataclass_fields(PaperFields)} == {f.name for f in DESCRIBING}
