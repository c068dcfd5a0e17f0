"""What a PDF says about itself: its first page's text, its metadata, its full text.

Read with pypdf, under limits, because a PDF comes from anywhere: a file that is not a
PDF, encrypted, cut short, of 200 MB, or a "zip bomb" of streams that inflate to
gigabytes each ends in one ``PdfError`` line, never a traceback or a hang. The size
is checked before anything is read; pypdf's own limits (``apply_configuration``) are
tightened for the streams it inflates; pages and characters are counted; and a
deadline is checked between pages (one page's work is bounded by pypdf's parsing
budget).

Identifiers: arXiv's stamp in the margin of its PDFs ("arXiv:2303.16800v2 [cs.LG]
29 Mar 2023", old style "arXiv:hep-th/9901001v1"), an arXiv DOI (10.48550/arXiv.N),
or a DOI, in the first page's text or the metadata; else the metadata's title.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papershelf.core.errors import LibraryError

MAX_BYTES = 100 * 1024 * 1024  # a paper's PDF is rarely over 30 MB; a book may be 80
MAX_PAGES = 2000
MAX_TEXT = 2_000_000  # characters of full text indexed per file
TIME_LIMIT = 20.0  # seconds of text extraction per file, checked between pages
_INFLATE_LIMIT = 20_000_000  # bytes any one stream may inflate to
_HEAD = b"%PDF-"

# pypdf logs what it repairs in a damaged file; a reader needs one line, not dozens.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)

_ARXIV_NEW = re.compile(r"\barXiv\s*:\s*(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_ARXIV_OLD = re.compile(
    r"\barXiv\s*:\s*([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE
)
_ARXIV_DOI = re.compile(r"\b10\.48550/arXiv\.(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_DOI_TAIL = ".,;:)]}'"
# Titles that say nothing of the paper: what word processors and printers put there.
_JUNK_TITLE = re.compile(
    r"^(untitled|title|document\d*|microsoft word.*|.*\.(docx?|tex|dvi|pdf|ps))$", re.IGNORECASE
)


class PdfError(LibraryError):
    """The file cannot be read as a PDF; the message says why, on one line."""


@dataclass(frozen=True)
class PdfFacts:
    """What the first page and the metadata of a PDF say."""

    arxiv_id: str | None  # without version: 2303.16800, hep-th/9901001
    doi: str | None
    title: str | None  # the metadata's title, when it is one
    first_page: str  # the first page's text ("" when it has none)


def identifiers_in_text(text: str) -> tuple[str | None, str | None]:
    """The arXiv id and the DOI that ``text`` names, each None when it names none."""
    arxiv: str | None = None
    for pattern in (_ARXIV_NEW, _ARXIV_OLD, _ARXIV_DOI):
        match = pattern.search(text)
        if match:
            arxiv = match.group(1)
            break
    doi: str | None = None
    for match in _DOI.finditer(text):
        candidate = match.group(1).rstrip(_DOI_TAIL)
        if _ARXIV_DOI.fullmatch(candidate):
            continue  # arXiv's own DOI says the arXiv id, found above
        if "/" in candidate and len(candidate.split("/", 1)[1]) > 0:
            doi = candidate
            break
    return arxiv, doi


def identifiers_in(path: Path | str) -> tuple[str | None, str | None, str | None]:
    """(arXiv id, DOI, title) of the PDF at ``path``; raises PdfError when unreadable."""
    facts = read_facts(path)
    return facts.arxiv_id, facts.doi, facts.title


def read_facts(path: Path | str) -> PdfFacts:
    """The identifiers and title a PDF gives about itself (see the module doc)."""
    with _reader(Path(path)) as reader:
        info = _metadata(reader)
        first = ""
        if len(reader.pages) > 0:
            first = _page_text(reader, 0)
    arxiv, doi = identifiers_in_text(first)
    meta_text = " ".join(v for k, v in info.items() if k != "/Title")
    meta_arxiv, meta_doi = identifiers_in_text(meta_text)
    title = _clean_title(info.get("/Title", ""))
    if title:
        more_arxiv, more_doi = identifiers_in_text(title)
        meta_arxiv, meta_doi = meta_arxiv or more_arxiv, meta_doi or more_doi
    return PdfFacts(arxiv or meta_arxiv, doi or meta_doi, title, first)


def full_text(path: Path | str, *, stop: Callable[[], bool] | None = None) -> str:
    """The text of every page (up to MAX_PAGES, MAX_TEXT characters, TIME_LIMIT).

    ``stop`` is asked between pages: True ends the reading early (what was read so
    far is returned). Raises PdfError when the file cannot be read at all.
    """
    deadline = time.monotonic() + TIME_LIMIT
    parts: list[str] = []
    total = 0
    with _reader(Path(path)) as reader:
        for index in range(min(len(reader.pages), MAX_PAGES)):
            if time.monotonic() > deadline or (stop is not None and stop()):
                break
            text = _page_text(reader, index)
            parts.append(text)
            total += len(text)
            if total >= MAX_TEXT:
                break
    return "\n".join(parts)[:MAX_TEXT]


def is_pdf_file(path: Path) -> bool:
    """True when ``path`` is named .pdf and starts like a PDF (both: a viewer picks by name)."""
    if path.suffix.lower() != ".pdf":
        return False
    try:
        with path.open("rb") as handle:
            return _HEAD in handle.read(1024)
    except OSError:
        return False


@contextmanager
def _reader(path: Path) -> Iterator[Any]:
    """A pypdf reader of ``path`` under tight limits; every failure is one PdfError."""
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise PdfError(f"{name} is not a file")
        if size > MAX_BYTES:
            raise PdfError(
                f"{name} is too large to read ({size / 2**20:,.0f} MB; "
                f"at most {MAX_BYTES // 2**20} MB)"
            )
        with path.open("rb") as handle:
            if _HEAD not in handle.read(1024):
                raise PdfError(f"{name} is not a PDF (it does not start with %PDF-)")
    except OSError as exc:
        raise PdfError(f"cannot read {name}: {exc.strerror or exc}") from exc
    import pypdf  # a quarter second of imports: only when a PDF is read

    limits: dict[str, Any] = {
        "zlib_maximum_output_length": _INFLATE_LIMIT,
        "lzw_maximum_output_length": _INFLATE_LIMIT,
        "run_length_maximum_output_length": _INFLATE_LIMIT,
        "array_based_stream_maximum_output_length": _INFLATE_LIMIT,
        "brotli_maximum_output_length": _INFLATE_LIMIT,
        "stream_decoding_work_maximum_length": 4 * _INFLATE_LIMIT,
        "image_maximum_buffer_size": _INFLATE_LIMIT,
        "jbig2dec_binary": None,  # never run an outside program on a stranger's file
    }
    try:
        with warnings.catch_warnings(), pypdf.apply_configuration(**limits):
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                try:  # many PDFs only forbid printing: their user password is empty
                    opened = bool(reader.decrypt(""))
                except Exception:
                    opened = False
                if not opened:
                    raise PdfError(f"{name} is encrypted; Papershelf cannot read its text")
            yield reader
    except PdfError:
        raise
    except MemoryError as exc:
        raise PdfError(f"{name} is too large to read") from exc
    except RecursionError as exc:
        raise PdfError(f"{name} is damaged (nested too deeply)") from exc
    except Exception as exc:  # pypdf's errors on damaged files are of many kinds
        raise PdfError(f"{name} is damaged or not a PDF ({_short(exc)})") from exc


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _page_text(reader: Any, index: int) -> str:
    """One page's text; a page pypdf cannot read counts as empty (the others still count)."""
    try:
        text = reader.pages[index].extract_text() or ""
    except PdfError:
        raise
    except MemoryError:
        return ""
    except Exception as exc:
        if "limit" in str(exc).lower():
            raise PdfError(f"a page inflates past the size limit ({_short(exc)})") from exc
        return ""
    return str(text).replace("\x00", "")


def _metadata(reader: Any) -> dict[str, str]:
    try:
        info = reader.metadata or {}
        return {str(k): str(v) for k, v in info.items() if isinstance(v, str | bytes)}
    except Exception:
        return {}  # a damaged info dictionary: the text may still say what it is


def _clean_title(title: str) -> str | None:
    text = " ".join(title.replace("\x00", "").split())
    if len(text) < 4 or _JUNK_TITLE.match(text) or not any(c.isalpha() for c in text):
        return None
    return text[:500]
