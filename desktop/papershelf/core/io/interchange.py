"""Reference exports: BibTeX, CSV, RIS and CSL-JSON, from the papers ``Library.papers`` gives.

Each function takes papers and returns text, so the command line writes it to a file
or stdout and the window to whatever the reader picks. The output is deterministic
(same library, same bytes), which keeps exports in git repositories diff-friendly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from papershelf.core import names
from papershelf.core.fields import FIELDS, Paper
from papershelf.core.io import bibtex_text
from papershelf.core.io.csl import export_csl_json as export_csl_json  # one place for exports
from papershelf.core.io.ris import export_ris as export_ris

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

CSV_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.in_csv)


# ------------------------------------------------------------------ BibTeX


def _bib_name(name: str) -> str:
    """A name as BibTeX and biber read it unambiguously: "von Family, Suffix, Given".

    A corporate name is one braced group; a word that BibTeX would take for syntax
    ("and", a comma, "others") is braced too.
    """

    def protect(part: str) -> str:
        words = []
        for word in part.split():
            text = bibtex_text.encode(word)
            special = word.lower() in ("and", "others") or "," in word
            words.append(f"{{{text}}}" if special else text)
        return " ".join(words)

    p = names.parts(name)
    if p.literal:
        return "{" + bibtex_text.encode(p.literal) + "}"
    family = " ".join(w for w in (protect(p.particle), protect(p.family)) if w)
    if not family:  # a given name alone: keep it whole as the family name
        return protect(p.given)
    pieces = [family] + ([protect(p.suffix)] if p.suffix else [])
    if p.given or p.suffix:
        pieces.append(protect(p.given))
    return ", ".join(pieces)


def _bib_field(lines: list[str], name: str, value: str | None, *, verbatim: bool = False) -> None:
    if value is None or not str(value).strip():
        return
    if verbatim:
        text = bibtex_text.encode_verbatim(value)
    else:
        text = bibtex_text.encode(value, protect_case=name == "title")
    lines.append(f"  {name} = {{{text}}},")


# Where each type puts its venue, in BibTeX and in biblatex.
_VENUE_FIELD = {
    "article": ("journal", "journaltitle"),
    "inproceedings": ("booktitle", "booktitle"),
    "incollection": ("booktitle", "booktitle"),
    "inbook": ("booktitle", "booktitle"),
    "proceedings": ("booktitle", "booktitle"),
}
_THESES = frozenset({"phdthesis", "mastersthesis", "thesis"})
_ENTRY_TYPE = re.compile(r"[a-z]{1,40}")
Flavour = Literal["bibtex", "biblatex"]


def bibtex_entry(paper: Paper, flavour: Flavour = "bibtex") -> str:
    """One entry of the paper's own type, with the fields that type takes.

    ``biblatex`` writes what biber reads best: ``date`` at its real precision,
    ``journaltitle``, ``eprint`` with ``eprinttype``; ``bibtex`` what BibTeX reads:
    ``year`` (and ``month`` only when known), ``journal``, ``archiveprefix``.
    """
    latex = flavour == "biblatex"
    kind = paper.entry_type if _ENTRY_TYPE.fullmatch(paper.entry_type or "") else "misc"
    lines = [f"@{kind}{{{paper.key},"]
    _bib_field(lines, "title", paper.title)
    authors = [_bib_name(a) for a in paper.authors if a.strip()]
    if paper.authors_truncated and authors:
        authors.append("others")
    if authors:
        lines.append(f"  author = {{{' and '.join(authors)}}},")
    editors = [_bib_name(a) for a in paper.editors if a.strip()]
    if editors:
        lines.append(f"  editor = {{{' and '.join(editors)}}},")
    venue_field = _VENUE_FIELD.get(kind, ("journal", "journaltitle") if paper.venue else None)
    if venue_field and paper.venue:
        _bib_field(lines, venue_field[latex], paper.venue)
    published = paper.published or ""
    if latex and published[:4].isdigit():
        lines.append(f"  date = {{{published}}},")
    elif published[:4].isdigit():
        lines.append(f"  year = {{{published[:4]}}},")
        if published[5:7].isdigit() and 1 <= int(published[5:7]) <= 12:
            lines.append(f"  month = {_MONTHS[int(published[5:7]) - 1]},")
        if len(published) > 7:  # the day, which BibTeX has no field for (its styles skip it)
            lines.append(f"  date = {{{published}}},")
    _bib_field(lines, "volume", paper.volume)
    _bib_field(lines, "number", paper.number)
    # A range as the source wrote it ("5998--6008"), which reads back as the same dash.
    _bib_field(lines, "pages", paper.pages.replace("\u2013", "--"), verbatim=True)
    _bib_field(lines, "publisher", paper.publisher)
    place = "school" if kind in _THESES and not latex else "institution"
    _bib_field(lines, place, paper.institution)
    _bib_field(lines, "isbn", paper.isbn, verbatim=True)
    _bib_field(lines, "doi", paper.doi, verbatim=True)
    if paper.arxiv_id:
        _bib_field(lines, "eprint", paper.arxiv_id, verbatim=True)
        lines.append("  eprinttype = {arXiv}," if latex else "  archiveprefix = {arXiv},")
    _bib_field(lines, "url", paper.url, verbatim=True)
    if paper.aliases:  # biblatex's field for the keys an entry had before; BibTeX skips it
        _bib_field(lines, "ids", ", ".join(paper.aliases), verbatim=True)
    for name, raw in sorted(paper.extra.items()):  # what else the entry said, as it said it
        if re.fullmatch(r"[a-z][a-z0-9_\-:.]*", name) and name not in _WRITTEN:
            lines.append(f"  {name} = {{{raw}}},")
    tags = paper.tags or []
    if tags:
        keywords = ", ".join(
            "{" + bibtex_text.encode(t) + "}" if "," in t or ";" in t else bibtex_text.encode(t)
            for t in tags
        )
        lines.append(f"  keywords = {{{keywords}}},")
    _bib_field(lines, "abstract", paper.abstract)
    if paper.status != "new":  # the reading state, for a second library to take over
        lines.append(f"  readstatus = {{{paper.status}}},")
        if paper.read_at:
            lines.append(f"  readdate = {{{paper.read_at}}},")
    if paper.priority != "none":  # JabRef's field; its prio1..3 are read back too
        lines.append(f"  priority = {{{paper.priority}}},")
    # The reader's own notes: "annote" is the annotation field that bibliography styles
    # do not print ("note" would appear in the reference list of a paper).
    _bib_field(lines, "annote", paper.note)
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines)


# Fields the entry writes itself: an ``extra`` of the same name is not written twice.
_WRITTEN = frozenset(
    {
        "title", "author", "editor", "journal", "journaltitle", "booktitle", "date", "year",
        "month", "volume", "number", "pages", "publisher", "school", "institution", "isbn",
        "doi", "eprint", "eprinttype", "archiveprefix", "url", "ids", "keywords", "abstract",
        "annote", "readstatus", "readdate", "priority",
    }
)  # fmt: skip


def export_bibtex(papers: Iterable[Paper], flavour: Flavour = "bibtex") -> str:
    """A .bib file of ``papers``; importing it into a new library gives the same papers."""
    entries = [bibtex_entry(p, flavour) for p in papers]
    header = "% Exported from Papershelf. Encoding: UTF-8.\n\n"
    return header + "\n\n".join(entries) + ("\n" if entries else "")


def export_biblatex(papers: Iterable[Paper]) -> str:
    """A .bib file for biblatex and biber (dates at their precision, journaltitle)."""
    return export_bibtex(papers, "biblatex")


# ------------------------------------------------------------------ CSV


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP's "CSV
# injection"); a leading apostrophe makes it text there and shows nothing.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(
    papers: Iterable[Paper], fields: Sequence[str] = CSV_FIELDS, *, bom: bool = False
) -> str:
    """CSV, one row per paper, the JSON record's fields; lists joined with "; ".

    ``bom`` starts it with a byte-order mark, so spreadsheets read it as UTF-8 (Excel
    otherwise takes "Müller" for "MÃ¼ller"). Cells a spreadsheet would run as formulas
    are guarded; JSON and the library keep the text as it is.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for paper in papers:
        writer.writerow([_csv_value(getattr(paper, name)) for name in fields])
    return out.getvalue()
