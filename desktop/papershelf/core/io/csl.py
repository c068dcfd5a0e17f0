"""CSL-JSON out and in: what pandoc's citeproc, Zotero and other CSL processors read.

Out: each paper is one item of the CSL type its entry type is (``article-journal``,
``paper-conference``, ``chapter``, ``thesis``, ``report``; ``article`` for an arXiv
preprint), with ``container-title``, ``volume``, ``issue``, ``page``, ``publisher``,
``editor``, ``DOI``, ``URL``, ``ISBN``; a date carries only the parts known, and an
author list cut short ends with ``{"literal": "others"}``, which citeproc prints as
"et al.". Titles and abstracts show their LaTeX math as Unicode text.

What CSL has no place for, or would say differently (the LaTeX of a title, the
affiliations, the category, whether a date was inferred, ``inbook`` apart from
``incollection``, other keys...), goes in the item's ``custom.papershelf``: each field
that reading the item back would get wrong, with its own value. So a library's own
export imports into an empty library as the same records, while other processors
read the standard fields and ignore ``custom`` (the CSL schema's place for such data).

In: Zotero's export and ours, or any list of CSL items; every value is checked for its
kind, so no item, however odd, raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from papershelf.core import names
from papershelf.core.dates import real_date
from papershelf.core.fields import DESCRIBING, Paper, PaperFields
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

from papershelf.core.store.schema import STATUSES
from papershelf.core.text import fold, latex_to_text

_TYPE_OUT = {
    "article": "article-journal", "inproceedings": "paper-conference", "proceedings": "book",
    "book": "book", "incollection": "chapter", "inbook": "chapter", "phdthesis": "thesis",
    "mastersthesis": "thesis", "techreport": "report", "manual": "report", "misc": "document",
    "online": "webpage", "unpublished": "manuscript", "booklet": "pamphlet",
    "software": "software", "dataset": "dataset", "patent": "patent",
}  # fmt: skip
_TYPE_IN = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "book": "book", "chapter": "incollection",
    "thesis": "phdthesis", "report": "techreport", "article": "misc", "document": "misc",
    "webpage": "online", "post": "online", "post-weblog": "online",
    "manuscript": "unpublished", "pamphlet": "booklet", "software": "software",
    "dataset": "dataset", "patent": "patent", "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection", "collection": "book",
}  # fmt: skip
# Where BibTeX's "number" goes, as pandoc puts it: a journal's issue, a series' number.
_SERIES_NUMBER = frozenset({"book", "inbook", "incollection", "inproceedings", "proceedings"})
_THESIS_OR_REPORT = frozenset({"phdthesis", "mastersthesis", "techreport", "manual"})
_PREPRINT = frozenset({"misc", "unpublished", "article"})
_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis", "manual": "Manual"}
_MASTERS = re.compile(r"master|\bm\.?\s?sc\b", re.IGNORECASE)
# ``extra`` fields (BibTeX's names) with a CSL variable of their own.
_EXTRA_VARIABLE = {
    "address": "publisher-place", "edition": "edition", "series": "collection-title",
    "language": "language", "shorttitle": "title-short", "shortjournal": "container-title-short",
    "issn": "ISSN", "type": "genre",
}  # fmt: skip
_VARIABLE_EXTRA = {v: k for k, v in _EXTRA_VARIABLE.items()}
# Variables read into fields; other text variables are kept in ``extra`` as "csl-NAME".
_READ = frozenset(
    {
        "id", "type", "title", "author", "editor", "issued", "container-title", "volume",
        "issue", "number", "collection-number", "page", "publisher", "DOI", "URL", "ISBN",
        "abstract", "keyword", "note", "custom", "citation-key", "event-title", "event",
        *_VARIABLE_EXTRA,
    }
)  # fmt: skip
_CSL_EXTRA = re.compile(r"csl-([A-Za-z][\w\-]{0,60})")


# ------------------------------------------------------------------ writing


def _csl_name(name: str) -> dict[str, str]:
    """A CSL name: its parts, a particle as citeproc's "non-dropping-particle"."""
    p = names.parts(name)
    if p.literal:
        return {"literal": p.literal}
    person = {"family": p.family}
    if p.given:
        person["given"] = p.given
    if p.particle:
        person["non-dropping-particle"] = p.particle
    if p.suffix:
        person["suffix"] = p.suffix
    return person


def _standard_item(paper: Paper) -> dict[str, Any]:
    """The item with CSL's own variables only (no ``custom``)."""
    kind = paper.entry_type
    preprint = bool(paper.arxiv_id) and not paper.venue and kind in _PREPRINT
    item: dict[str, Any] = {"id": paper.key, "type": "article" if preprint else
                            _TYPE_OUT.get(kind, "document")}  # fmt: skip
    item["title"] = latex_to_text(paper.title)
    for variable, people in (("author", paper.authors), ("editor", paper.editors)):
        found = [_csl_name(a) for a in people if a.strip()]
        if variable == "author" and paper.authors_truncated and found:
            found.append({"literal": "others"})  # pandoc's citeproc prints "et al."
        if found:
            item[variable] = found
    parts = [int(p) for p in (paper.published or "").split("-") if p.isdigit()]
    if parts:
        item["issued"] = {"date-parts": [parts[:3]]}
    texts = {
        "container-title": paper.venue,
        "volume": paper.volume,
        "page": paper.pages,
        "publisher": paper.publisher,
        "genre": _GENRE.get(kind, ""),
        "ISBN": paper.isbn,
        "DOI": paper.doi or "",
        "URL": paper.url or "",
        "abstract": latex_to_text(paper.abstract),
        "keyword": ", ".join(paper.tags),
        "note": paper.note,
    }
    if kind == "article":
        texts["issue"] = paper.number
    else:
        texts["collection-number" if kind in _SERIES_NUMBER else "number"] = paper.number
    if kind in _THESIS_OR_REPORT and paper.institution:
        texts["publisher"] = paper.institution  # CSL's university or institution
    if paper.arxiv_id:
        texts["URL"] = texts["URL"] or f"https://arxiv.org/abs/{paper.arxiv_id}"
        if preprint:
            texts["number"] = texts.get("number") or f"arXiv:{paper.arxiv_id}"
            texts["publisher"] = texts["publisher"] or "arXiv"
    for name, raw in sorted(paper.extra.items()):
        match = _CSL_EXTRA.fullmatch(name)
        variable = _EXTRA_VARIABLE.get(name) or (match.group(1) if match else "")
        if variable and not texts.get(variable):
            texts[variable] = bibtex_text.decode(raw)
    item.update((k, v) for k, v in texts.items() if v.strip())
    return item


def _same_value(name: str, a: object, b: object) -> bool:
    if name in ("authors", "editors") and isinstance(a, list) and isinstance(b, list):
        return [names.parts(x) for x in a] == [names.parts(x) for x in b]
    return a == b


def csl_item(paper: Paper) -> dict[str, Any]:
    """One CSL-JSON item, with ``custom.papershelf`` for what CSL cannot say exactly."""
    item = _standard_item(paper)
    read = _read_item(item, 0)
    own: dict[str, Any] = {}
    if isinstance(read, str):  # an untitled paper: CSL would not take it back
        read = BibPaper(0, "", PaperFields(title=""), [], "")
    for name in (*(f.name for f in DESCRIBING), "tags", "note", "aliases"):
        mine = getattr(paper, name)
        theirs = getattr(read, name) if name in ("tags", "note", "aliases") else \
            getattr(read.fields, name)  # fmt: skip
        if not _same_value(name, mine, theirs):
            own[name] = mine
    if paper.status != "new":  # the reading state, for a second library to take over
        own["status"] = paper.status
        if paper.read_at:
            own["read_at"] = paper.read_at
    if own:
        item["custom"] = {"papershelf": own}
    return item


def export_csl_json(papers: Iterable[Paper]) -> str:
    """CSL-JSON (a list of items) for pandoc's citeproc, Zotero and other CSL processors."""
    items = [csl_item(p) for p in papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ reading


def _text(value: object) -> str:
    """A variable's text: strings and numbers only (CSL allows both for "volume")."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _one_line(value: object) -> str:
    return " ".join(_text(value).split())


def _people(value: object) -> tuple[list[str], bool]:
    """Stored name forms of a CSL name list, and whether it ends "others" (et al.)."""
    people: list[str] = []
    truncated = False
    for person in value[:MAX_AUTHORS] if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        literal = _one_line(person.get("literal"))
        if literal.casefold() in ("others", "et al.", "et al"):
            truncated = True
        elif literal:
            people.append("{" + literal + "}")
        else:
            particle = " ".join(
                _one_line(person.get(k)) for k in ("dropping-particle", "non-dropping-particle")
            ).strip()
            form = names.from_parts(
                given=_one_line(person.get("given")),
                family=_one_line(person.get("family")),
                particle=particle,
                suffix=_one_line(person.get("suffix")),
            )
            if form:
                people.append(form)
    return people, truncated


_ISO_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date(value: object) -> str | None:
    """A CSL date's first date at the precision given: ``[[2017, 6]]`` -> "2017-06"."""
    if not isinstance(value, dict):
        return None
    parts: list[int] = []
    date_parts = value.get("date-parts")
    if isinstance(date_parts, list) and date_parts and isinstance(date_parts[0], list):
        for part in date_parts[0][:3]:
            text = _text(part)
            if not text.isdigit() or len(text) > 4:
                break
            parts.append(int(text))
    else:
        match = _ISO_DATE.match(_text(value.get("raw")) or _text(value.get("literal")))
        parts = [int(p) for p in match.groups() if p] if match else []
    while parts and real_date(parts) is None:
        parts.pop()  # a day that does not exist: the month is still known
    return real_date(parts) if parts else None


def _keywords(value: object) -> list[str]:
    raw = [_text(v) for v in value] if isinstance(value, list) else _text(value).split(",")
    tags: list[str] = []
    seen: set[str] = set()
    for tag in map(_one_line, raw):
        if tag and fold(tag) not in seen:
            seen.add(fold(tag))
            tags.append(tag)
    return tags


def _read_item(item: dict[str, Any], index: int) -> BibPaper | str:
    """The paper a CSL item describes (standard variables only), or why not."""
    title = _one_line(item.get("title"))
    if not title:
        return "no title; skipped"
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    csl_type = _text(item.get("type"))
    kind = _TYPE_IN.get(csl_type, "misc")
    genre = _one_line(item.get("genre"))
    if kind == "phdthesis" and _MASTERS.search(genre):
        kind = "mastersthesis"
    if kind == "techreport" and genre.casefold() == "manual":
        kind = "manual"
    authors, truncated = _people(item.get("author"))
    editors, _ = _people(item.get("editor"))
    doi = normalize_doi(_one_line(item.get("DOI")))
    url = _one_line(item.get("URL")) or None
    number = _one_line(item.get("number"))
    found_arxiv = None
    if number.casefold().startswith("arxiv:"):  # Zotero's and our preprints: "arXiv:ID"
        found_arxiv = arxiv_id({"eprint": number}, None)
        number = "" if found_arxiv else number
    found_arxiv = found_arxiv or arxiv_id({"url": url or ""}, doi)
    if found_arxiv and url == f"https://arxiv.org/abs/{found_arxiv}":
        url = None  # the arXiv page of the paper's own id: the id says it
    publisher = _one_line(item.get("publisher"))
    institution = ""
    if kind in _THESIS_OR_REPORT:
        publisher, institution = "", publisher
    elif found_arxiv and csl_type == "article" and publisher.casefold() == "arxiv":
        publisher = ""
    extra: dict[str, str] = {}
    for variable, value in item.items():
        name = _VARIABLE_EXTRA.get(variable) or (None if variable in _READ else f"csl-{variable}")
        text = _text(value).strip()
        if name and text and _CSL_EXTRA.fullmatch(f"csl-{variable}"):
            extra[name] = bibtex_text.encode(text)
    if extra.get("type") and bibtex_text.decode(extra["type"]) in _GENRE.values():
        del extra["type"]  # the kind of thesis or manual, already the entry type
    abstract = _text(item.get("abstract")).strip()
    fields = PaperFields(
        title=title,
        authors=authors,
        abstract=abstract,
        published=_date(item.get("issued")),
        authors_truncated=truncated,
        doi=doi,
        arxiv_id=found_arxiv,
        url=url,
        entry_type=kind,
        venue=_one_line(item.get("container-title") or item.get("event-title")),
        volume=_one_line(item.get("volume")),
        number=_one_line(item.get("issue") or item.get("collection-number")) or number,
        pages=_one_line(item.get("page")),
        publisher=publisher,
        editors=editors,
        institution=institution,
        isbn=_one_line(item.get("ISBN")),
        extra=extra,
    )
    fields.code_urls = code_urls(" ".join(filter(None, [abstract, url])))
    fields.has_code = bool(fields.code_urls)
    key = _one_line(item.get("citation-key") or item.get("id"))
    if "://" in key:
        key = ""  # Zotero's item URI, not a citation key: the library makes one
    return BibPaper(line=index, key=key, fields=fields, tags=_keywords(item.get("keyword")),
                    note=_text(item.get("note")).strip())  # fmt: skip


# What ``custom.papershelf`` may hold, and the check each value must pass.
def _is_texts(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


_BRACE = re.compile(r"(?<!\\)[{}]")


def _balanced(raw: str) -> bool:
    """Whether an ``extra`` value can be written into a BibTeX field as it is (as BibTeX
    files give them): its braces, other than escaped ones, close in order."""
    depth = 0
    for match in _BRACE.finditer(raw):
        depth += 1 if match.group(0) == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _is_text(v: object) -> bool:
    return isinstance(v, str)


def _is_optional_text(v: object) -> bool:
    return v is None or isinstance(v, str)


def _is_date(v: object) -> bool:
    if v is None:
        return True
    parts = v.split("-") if isinstance(v, str) else []
    return all(p.isdigit() for p in parts) and real_date([int(p) for p in parts]) == v


_CHECKS: dict[str, Callable[[object], bool]] = {
    "authors": _is_texts, "affiliations": _is_texts, "code_urls": _is_texts,
    "editors": _is_texts, "tags": _is_texts, "aliases": _is_texts,
    "authors_truncated": lambda v: isinstance(v, bool),
    "date_inferred": lambda v: isinstance(v, bool), "has_code": lambda v: isinstance(v, bool),
    "published": _is_date, "doi": _is_optional_text, "arxiv_id": _is_optional_text,
    "url": _is_optional_text,
    "score": lambda v: v is None or (isinstance(v, int | float) and not isinstance(v, bool)),
    "extra": lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(x, str) and _balanced(x) for k, x in v.items()
    ),
    "title": lambda v: isinstance(v, str) and bool(v.strip()),
    "status": lambda v: v in STATUSES, "read_at": _is_optional_text,
}  # fmt: skip


def _apply_own(paper: BibPaper, own: dict[str, Any], problems: list[str]) -> None:
    """Papershelf's own values from ``custom.papershelf``, each of the kind its field is."""
    allowed = {f.name for f in DESCRIBING} | {"tags", "note", "aliases", "status", "read_at"}
    for name, value in own.items():
        check = _CHECKS.get(name, _is_text)
        if name not in allowed or not check(value):
            problems.append(f"custom.papershelf.{name} is not what Papershelf writes; ignored")
            continue
        value = dict(value) if isinstance(value, dict) else value
        value = list(value) if isinstance(value, list) else value
        if name in ("tags", "note", "aliases", "status", "read_at"):
            setattr(paper, name, value)
        else:
            setattr(paper.fields, name, value)


def csl_paper(item: object, index: int) -> tuple[BibPaper | str, list[str]]:
    """The paper of the ``index``-th item (or why it is skipped), and its problems."""
    if not isinstance(item, dict):
        return f"is {_kind_of(item)}, not a CSL item; skipped", []
    paper = _read_item(item, index)
    problems: list[str] = []
    custom = item.get("custom")
    own = custom.get("papershelf") if isinstance(custom, dict) else None
    if isinstance(own, dict) and isinstance(paper, BibPaper):
        _apply_own(paper, own, problems)
    return paper, problems


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "null" if value is None else "a number" if not isinstance(value, bool) else "true/false"


def parse_csl_json(text: str, name: str = "") -> ReadFile:
    """The papers of a CSL-JSON text; what cannot be read is reported by item."""
    from papershelf.core.io.record_import import ReadFile

    file = ReadFile(name, "item")
    try:
        data = json.loads(text)
    except RecursionError:
        file.problem("nested too deeply to be CSL-JSON; nothing imported")
        return file
    except json.JSONDecodeError as exc:
        file.problem(f"line {exc.lineno}: not valid JSON ({exc.msg}); nothing imported")
        return file
    if not isinstance(data, list):
        file.problem(f"is {_kind_of(data)}, not a CSL-JSON list of items; nothing imported")
        return file
    first = data[0] if data else None
    if isinstance(first, dict) and "entry_type" in first and "key" in first and "type" not in first:
        # Read as CSL it would lose its authors, dates and identifiers: say so instead.
        file.problem("is the output of `list --format json`, not CSL-JSON (`export json` "
                     "writes CSL-JSON); nothing imported")  # fmt: skip
        return file
    for index, item in enumerate(data, 1):
        paper, problems = csl_paper(item, index)
        for problem in problems:
            file.problem(f"item {index}: {problem}")
        if isinstance(paper, str):
            file.problem(f"item {index}: {paper}")
            file.skipped += 1
        else:
            file.papers.append(paper)
    return file


def looks_like_csl_json(head: str) -> bool:
    """Whether a text's start reads as a JSON list of CSL items ("type", "title")."""
    text = head.lstrip("\ufeff \t\r\n")
    return text.startswith("[") and '"type"' in text and '"title"' in text
