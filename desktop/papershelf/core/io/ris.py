"""RIS out and in: the tagged format Zotero, Mendeley, JabRef and EndNote all speak.

rispy writes the lines and reads them back; Papershelf decides what each tag means.
RIS varies by writer (EndNote's ``A1``/``Y1``/``N2``, Zotero's ``DA  - 2017///``,
Mendeley's ``ER  - ``, BOMs and CRLF line ends); the reader takes them all.

What RIS cannot carry, and so does not come back from a round trip: whether the
author list was cut short (RIS has no "et al."; an author named "et al." or "others"
is read as that mark), other keys a paper had (aliases), whether the date was only
inferred, category, score, code links (found again in the abstract), ``inbook``
apart from ``incollection`` (both are chapters), a proceedings volume with authors
(RIS's CONF is a paper in proceedings unless it has none), the publisher of a thesis or
report that names no institution (RIS's publisher is its institution), and ``extra``
fields other than those with a RIS tag (address, edition, series, language, short
title, ISSN, type).
Everything else comes back as it was, and a tag Papershelf has no field for is kept
in ``extra`` (as ``ris-xx``) so that it goes out again.

Values that run over several lines (abstracts, notes) are continuation lines; one that
would read as a tag ("ER  - " in a note) is written with one more leading space, which
the reader takes off again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

import rispy

from papershelf.core import names
from papershelf.core.dates import real_date
from papershelf.core.fields import Paper, PaperFields
from papershelf.core.io import bibtex_text
from papershelf.core.io.bibtex_fields import (
    MAX_AUTHORS,
    MAX_TITLE_CHARS,
    BibPaper,
    arxiv_id,
    normalize_doi,
)
from papershelf.core.io.seed_import import code_urls

if TYPE_CHECKING:  # the import machinery loads bibtexparser: only when importing
    from papershelf.core.io.record_import import ReadFile

from papershelf.core.text import fold

# Papershelf's entry types as RIS reference types, and back.
_TYPE_OUT = {
    "article": "JOUR", "inproceedings": "CPAPER", "proceedings": "CONF", "book": "BOOK",
    "incollection": "CHAP", "inbook": "CHAP", "phdthesis": "THES", "mastersthesis": "THES",
    "techreport": "RPRT", "manual": "RPRT", "misc": "GEN", "online": "ELEC",
    "unpublished": "UNPB", "booklet": "PAMP", "software": "COMP", "dataset": "DATA",
    "patent": "PAT",
}  # fmt: skip
_TYPE_IN = {
    "JOUR": "article", "EJOUR": "article", "JFULL": "article", "ABST": "article",
    "INPR": "article", "MGZN": "article", "NEWS": "article", "CPAPER": "inproceedings",
    "CONF": "inproceedings", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "SER": "book",
    "CLSWK": "book", "CHAP": "incollection", "ECHAP": "incollection", "THES": "phdthesis",
    "RPRT": "techreport", "GOVDOC": "techreport", "STAND": "techreport", "GEN": "misc",
    "ELEC": "online", "WEB": "online", "BLOG": "online", "ICOMM": "online",
    "UNPB": "unpublished", "MANSCPT": "unpublished", "UNPD": "unpublished", "PAMP": "booklet",
    "COMP": "software", "DATA": "dataset", "DBASE": "dataset", "PAT": "patent",
}  # fmt: skip
# M3, "type of work", says what kind of thesis or report: Zotero's thesis and report type.
_PHD, _MASTERS, _MANUAL = "PhD thesis", "Master's thesis", "Manual"
_MASTERS_WORDS = re.compile(r"master|\bm\.?\s?sc\b|\bm\.?\s?[as]\.?(?:\s|$)", re.IGNORECASE)
# Where the thesis's university or the report's institution goes: RIS's publisher.
_INSTITUTION_FIRST = frozenset({"THES", "RPRT"})
# BibTeX fields of ``extra`` that RIS has a tag for.
_EXTRA_TAG = {"address": "CY", "edition": "ET", "series": "T3", "language": "LA",
              "shorttitle": "ST", "shortjournal": "J2", "volumes": "NV"}  # fmt: skip
_TAG_EXTRA = {tag: name for name, tag in _EXTRA_TAG.items()}
_ISSN = re.compile(r"\s*\d{4}-?\d{3}[\dXx](?:\s*\(.*\))?\s*")
_ET_AL = frozenset({"et al.", "et al", "et. al.", "others", "and others"})

# A tag line: two characters, one or two spaces, a hyphen, then a space and the value.
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_LOOKS_LIKE_TAG = re.compile(r" *[A-Z][A-Z0-9] {1,2}-(?: |$)")
_ESCAPED_TAG = re.compile(r" +[A-Z][A-Z0-9] {1,2}-(?: |$)")


# ------------------------------------------------------------------ writing


def _ris_name(form: str) -> str:
    """A name as RIS writes it: "Family, Given, Suffix"; a corporate name whole.

    A corporate name with a comma is braced, else a reader would split it there.
    """
    p = names.parts(form)
    if p.literal:
        return "{" + p.literal + "}" if "," in p.literal else p.literal
    family = " ".join(w for w in (p.particle, p.family) if w)
    if not (p.given or p.suffix):
        return family  # "Plato"
    return ", ".join([family, p.given, *([p.suffix] if p.suffix else [])])


def _ris_date(published: str | None) -> dict[str, list[str]]:
    """PY with the year, DA with the date at its precision ("2017/06"), when known."""
    parts = (published or "").split("-")
    if not parts[0].isdigit():
        return {}
    out = {"PY": [parts[0]]}
    if len(parts) > 1:
        out["DA"] = ["/".join(parts[:3])]
    return out


def ris_record(paper: Paper) -> dict[str, list[str]]:
    """A paper as RIS tags, each with its values, in the order they are written."""
    kind = _TYPE_OUT.get(paper.entry_type, "GEN")
    rec: dict[str, list[str]] = {"TY": [kind], "ID": [paper.key], "TI": [paper.title]}
    rec["AU"] = [_ris_name(a) for a in paper.authors if a.strip()]
    # Zotero and EndNote read a book's A2 as its series editor and A3 as its editor.
    rec["A3" if kind == "BOOK" else "A2"] = [_ris_name(e) for e in paper.editors if e.strip()]
    rec.update(_ris_date(paper.published))
    rec["T2"] = [paper.venue]
    rec["VL"] = [paper.volume]
    rec["IS"] = [paper.number]
    # A plain range goes out as RIS has it, start and end page; anything else whole.
    span = _RANGE.fullmatch(paper.pages.strip())
    rec["SP"], rec["EP"] = ([span[1]], [span[2]]) if span else ([paper.pages], [])
    own, other = paper.publisher, paper.institution
    if kind in _INSTITUTION_FIRST:
        own, other = other, own
    rec["PB"] = [own, other] if other else [own]
    rec["SN"] = [paper.isbn, _extra_text(paper, "issn")]
    rec["DO"] = [paper.doi or ""]
    rec["UR"] = [paper.url or ""]
    if paper.arxiv_id:
        rec["AN"] = [f"arXiv:{paper.arxiv_id}"]  # the accession number in arXiv, the database
        rec["DB"] = ["arXiv"]
    kind_of_work = {"phdthesis": _PHD, "mastersthesis": _MASTERS, "manual": _MANUAL}
    rec["M3"] = [kind_of_work.get(paper.entry_type, ""), _extra_text(paper, "type")]
    rec["AB"] = [paper.abstract]
    rec["KW"] = list(paper.tags)
    rec["N1"] = [paper.note]
    rec["AD"] = list(paper.affiliations)
    for name in sorted(paper.extra):
        tag = _EXTRA_TAG.get(name) or _ris_tag(name)
        if tag and tag not in rec:
            rec[tag] = [_extra_text(paper, name)]
    return {tag: values for tag, values in rec.items() if any(v.strip() for v in values)}


def _ris_tag(extra_name: str) -> str | None:
    """The tag of an ``extra`` field the RIS reader kept ("ris-c1" -> "C1")."""
    tag = extra_name.removeprefix("ris-").upper()
    return tag if extra_name.startswith("ris-") and re.fullmatch(r"[A-Z][A-Z0-9]", tag) else None


def _extra_text(paper: Paper, name: str) -> str:
    """An ``extra`` field as text: it is kept as BibTeX writes it."""
    return bibtex_text.decode(paper.extra.get(name, ""))


def _value(text: str) -> str:
    """A value's lines, those that would read as a tag given one more leading space."""
    lines = text.split("\n")
    rest = [" " + line if _LOOKS_LIKE_TAG.match(line) else line for line in lines[1:]]
    return "\r\n".join([lines[0], *rest])


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer with the RIS standard's CRLF line ends and no "1." headers."""

    REFERENCE_TYPE_KEY = "TY"
    NEWLINE = "\r\n"

    def set_header(self, count: int) -> str:
        return ""


def export_ris(papers: Iterable[Paper]) -> str:
    """A .ris file of ``papers``, UTF-8 with CRLF line ends, keyed by citation key (ID)."""
    records = []
    for paper in papers:
        rec = ris_record(paper)
        records.append(
            {tag: rec["TY"][0] if tag == "TY" else [_value(v) for v in values if v.strip()]
             for tag, values in rec.items()}
        )  # fmt: skip
    tags = sorted({tag for rec in records for tag in rec} | {"TY"})
    writer = _RisWriter(mapping={t: t.lower() for t in tags}, list_tags=tags)
    return str(writer.formats(records)) if records else ""


# ------------------------------------------------------------------ reading


class _RisReader(rispy.RisParser):  # type: ignore[misc]
    """rispy's reader keeping every tag under its own name as a list of its values, in
    file order, with the lines of a value that runs on joined by newlines."""

    DEFAULT_MAPPING: ClassVar[dict[str, str]] = {"TY": "TY"}

    def parse_line(self, line: str) -> tuple[str | None, str]:
        match = _TAG_LINE.match(line)
        if match:
            return match.group(1), match.group(2) or ""
        return None, line[1:] if _ESCAPED_TAG.match(line) else line

    def _add_tag(
        self, record: dict[str, list[str]], tag: str | None, content: str,
        extend_multiline: bool = False,
    ) -> None:  # fmt: skip
        values = record.get(tag or "")
        if not extend_multiline:
            record.setdefault(tag or "", []).append(content)
        elif isinstance(values, list) and values:
            values[-1] += "\n" + content
        # else text before the reference's first tag: nothing to continue


def _split_references(text: str, file: ReadFile) -> tuple[list[str], list[int]]:
    """The lines inside references, each closed by an ER line, and where each starts.

    Lines outside references (headers, blank lines) are left out; a reference with no
    ER line is closed where the next one starts or the file ends, and reported.
    """
    lines: list[str] = []
    starts: list[int] = []
    inside = False
    for number, line in enumerate(text.split("\n"), 1):
        match = _TAG_LINE.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if inside:
                file.problem(f"line {starts[-1]}: reference has no ER line; it ends at line "
                             f"{number}, where the next starts")  # fmt: skip
                lines.append("ER  - ")
            inside = True
            starts.append(number)
        if inside:
            lines.append(line)
            inside = tag != "ER"
    if inside:
        file.problem(f"line {starts[-1]}: the file ends inside this reference (no ER line; "
                     f"cut short?): read as far as it goes")  # fmt: skip
        lines.append("ER  - ")
    return lines, starts


def parse_ris(text: str, name: str = "") -> ReadFile:
    """The references of a RIS text; what cannot be read is reported by line."""
    from papershelf.core.io.record_import import ReadFile

    file = ReadFile(name, "line")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, starts = _split_references(text, file)
    if not starts:
        return file
    records: list[dict[str, list[str]]] = _RisReader().parse_lines(iter(lines))
    for start, record in zip(starts, records, strict=True):
        paper = _interpret(record, start)
        if isinstance(paper, str):
            file.problem(f"line {start}: {paper}")
            file.skipped += 1
        else:
            file.papers.append(paper)
    return file


class _Record:
    """A reference's tags, each taken once: what is not taken goes to ``extra``."""

    def __init__(self, tags: dict[str, list[str]]) -> None:
        self.tags = {t: list(v) if isinstance(v, list) else [v] for t, v in tags.items()}

    def take(self, tag: str) -> list[str]:
        return [v for v in self.tags.pop(tag, []) if v.strip()]

    def first(self, *tags: str) -> str:
        """The first value of the first of ``tags`` that has one; the rest stay."""
        for tag in tags:
            values = self.tags.get(tag, [])
            for i, value in enumerate(values):
                if value.strip():
                    del values[i]
                    return value.strip()
        return ""

    def put_back(self, tag: str, values: list[str]) -> None:
        if values:
            self.tags.setdefault(tag, []).extend(values)

    def rest(self) -> dict[str, str]:
        """What no field took, as ``extra`` (BibTeX's field names where there are some)."""
        extra = {}
        for tag, values in sorted(self.tags.items()):
            text = "\n".join(v.strip() for v in values if v.strip())
            if text and tag not in ("TY", "ER", ""):
                extra[_TAG_EXTRA.get(tag, f"ris-{tag.lower()}")] = bibtex_text.encode(text)
        return extra


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _name(raw: str) -> str:
    """A stored name form from RIS's "Family, Given, Suffix" (see ``_ris_name``)."""
    text = _one_line(raw)
    if text.startswith("{") and names.parts(text).literal:
        return "{" + names.parts(text).literal + "}"
    if "," not in text:  # Zotero's reading too: a body, unless a single word
        return "{" + text + "}" if " " in text else text
    family, _, rest = text.partition(",")
    given, _, suffix = rest.partition(",")
    if not family.strip():
        return _one_line(given)
    return names.from_parts(given=given, family=family, suffix=suffix)


def _people(values: list[str]) -> tuple[list[str], bool]:
    """Names, and whether the list ended "et al." (cut short)."""
    people: list[str] = []
    truncated = False
    for raw in values[:MAX_AUTHORS]:
        if raw.strip().casefold() in _ET_AL:
            truncated = True
        elif form := _name(raw):
            people.append(form)
    return people, truncated


_DATE = re.compile(r"\s*(\d{4})(?:\s*[/\-.]\s*(\d{1,2})?(?:\s*[/\-.]\s*(\d{1,2})?)?)?")


def _date(values: Iterable[str]) -> str | None:
    """The most precise real date among RIS dates ("2017", "2017/06//", "2017/6/12/")."""
    best: str | None = None
    for value in values:
        match = _DATE.match(value)
        if not match:
            continue
        parts = [int(p) for p in match.groups() if p]
        while parts and real_date(parts) is None:
            parts.pop()  # "2017/02/30": the month is still known
        found = real_date(parts) if parts else None
        if found and (best is None or len(found) > len(best)):
            best = found
    return best


def _entry_type(kind: str, has_authors: bool, rec: _Record) -> str:
    """The entry type of a RIS type; M3 tells a master's thesis and a manual."""
    entry_type = _TYPE_IN.get(kind, "misc")
    if kind == "CONF" and not has_authors:
        entry_type = "proceedings"  # a conference's proceedings volume, by its editors
    kinds_of_work = rec.take("M3")
    if kind == "THES" and any(_MASTERS_WORDS.search(m) for m in kinds_of_work):
        entry_type = "mastersthesis"
    if kind == "RPRT" and any(m.strip().casefold() == "manual" for m in kinds_of_work):
        entry_type = "manual"
    standard = (_PHD.casefold(), _MASTERS.casefold(), _MANUAL.casefold())
    rec.put_back("M3", [m for m in kinds_of_work if m.strip().casefold() not in standard])
    return entry_type


def _identifiers(rec: _Record) -> tuple[str | None, str | None, str | None]:
    """DOI (EndNote may put it in M3), URL, and the arXiv id (AN "arXiv:ID", or the URL)."""
    doi = normalize_doi(rec.first("DO"))
    kinds_of_work = rec.tags.get("M3", [])
    if doi is None and kinds_of_work and normalize_doi(kinds_of_work[0]):
        doi = normalize_doi(kinds_of_work.pop(0))
    url = rec.first("UR") or None
    found = None
    accession = rec.take("AN")
    for candidate in accession:
        found = arxiv_id({"eprint": candidate}, None)
        if found:
            accession.remove(candidate)
            break
    rec.put_back("AN", accession)
    found = found or arxiv_id({"url": url or ""}, doi)
    if found and [d.strip().casefold() for d in rec.tags.get("DB", [])] == ["arxiv"]:
        rec.take("DB")
    return doi, url, found


def _publishers(rec: _Record, kind: str) -> tuple[str, str]:
    """Publisher and institution: the first PB is the type's own, a second the other."""
    publishers = rec.take("PB")
    own, other = [_one_line(p) for p in [*publishers, "", ""][:2]]
    rec.put_back("PB", publishers[2:])
    return (other, own) if kind in _INSTITUTION_FIRST else (own, other)


def _isbn_and_issn(rec: _Record) -> tuple[str, str]:
    isbn, issn = "", ""
    for number in rec.take("SN"):
        if _ISSN.fullmatch(number) and not issn:
            issn = number.strip()
        elif not isbn:
            isbn = number.strip()
        else:
            rec.put_back("SN", [number])
    return isbn, issn


_RANGE = re.compile(r"(\w+)\s*(?:-{1,2}|\u2013)\s*(\w+)")


def _pages(rec: _Record) -> str:
    """SP, whole ("123-145") or with EP as its end (an en dash, as BibTeX's "--" reads)."""
    pages, end = rec.first("SP"), rec.first("EP")
    if end and pages and not re.search(r"[-\u2010-\u2015]", pages):
        return _one_line(f"{pages}\u2013{end}")
    if end and pages:
        rec.put_back("EP", [end])
    return _one_line(pages or end)


def _keywords(rec: _Record) -> list[str]:
    """Tags: one a KW line (a line that runs on is another keyword, as Zotero reads it)."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in rec.take("KW"):
        for tag in (_one_line(t) for t in value.split("\n")):
            if tag and fold(tag) not in seen:
                seen.add(fold(tag))
                tags.append(tag)
    return tags


def _interpret(raw: dict[str, list[str]], line: int) -> BibPaper | str:
    """The paper a reference describes, or why it cannot be imported."""
    rec = _Record(raw)
    kind = "".join(rec.tags.get("TY", [""])[:1]).strip().upper()
    title = _one_line(rec.first("TI", "T1", "CT", *(["BT"] if kind == "BOOK" else [])))
    if not title:
        return "no title; skipped"
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    authors, truncated = _people(rec.take("AU") or rec.take("A1"))
    editors, _ = _people(rec.take("ED") or rec.take("A3" if kind == "BOOK" else "A2"))
    entry_type = _entry_type(kind, bool(authors), rec)
    doi, url, found_arxiv = _identifiers(rec)
    publisher, institution = _publishers(rec, kind)
    isbn, issn = _isbn_and_issn(rec)
    abstract = rec.first("AB", "N2").strip()
    venue = _one_line(rec.first("T2", "JF", "JO", "BT", "JA"))
    for tag in ("T1", "TI", "N2", "AB", "JF", "JO", "BT", "JA"):  # repeats of what was read
        kept = [v for v in rec.tags.get(tag, []) if _one_line(v) not in (title, venue, abstract)]
        rec.tags[tag] = kept
    fields = PaperFields(
        title=title,
        authors=authors,
        affiliations=[a for a in (_one_line(v) for v in rec.take("AD")) if a],
        abstract=abstract,
        published=_date(rec.take("DA") + rec.take("Y1") + rec.take("PY")),
        authors_truncated=truncated,
        doi=doi,
        arxiv_id=found_arxiv,
        url=url,
        entry_type=entry_type,
        venue=venue,
        volume=_one_line(rec.first("VL")),
        number=_one_line(rec.first("IS")),
        pages=_pages(rec),
        publisher=publisher,
        editors=editors,
        institution=institution,
        isbn=isbn,
    )
    fields.code_urls = code_urls(" ".join(filter(None, [abstract, url])))
    fields.has_code = bool(fields.code_urls)
    tags = _keywords(rec)
    notes = [n.strip("\n").rstrip() for n in rec.take("N1")]
    key = _one_line(rec.first("ID"))
    fields.extra = rec.rest()  # last: what no field took
    if kind in _INSTITUTION_FIRST and "ris-m3" in fields.extra:
        fields.extra["type"] = fields.extra.pop("ris-m3")  # a thesis's kind: BibTeX's type
    if issn:
        fields.extra["issn"] = bibtex_text.encode(issn)
    note = "\n\n".join(n for n in notes if n.strip())
    return BibPaper(line=line, key=key, fields=fields, tags=tags, note=note)


def looks_like_ris(head: str) -> bool:
    """Whether a text opens as RIS does: a TY line among its first non-blank lines."""
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:50] if line.strip()]
    return any((m := _TAG_LINE.match(line)) and m.group(1) == "TY" for line in lines[:5])
