"""One entry point for every file a reader imports, shared by the window and the CLI.

A file's kind comes from its name (``.bib``, ``.bibtex``, ``.ris``, ``.json``) or,
failing that, its first bytes: a seed document, a BibTeX entry, a RIS ``TY`` line, a
JSON list of CSL items. Seed documents go to the seed importer together (the author
lists of one complete the listing of another). All files are imported in one
transaction: the reader never sees half an import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, get_args

from papershelf.core import collector
from papershelf.core.io import seeds
from papershelf.core.io.bibtex import Progress, apply_bibtex, decode_bytes, read_bibtex
from papershelf.core.io.csl import looks_like_csl_json, parse_csl_json
from papershelf.core.io.record_import import apply_papers, read_files
from papershelf.core.io.ris import looks_like_ris, parse_ris
from papershelf.core.io.seed_import import ImportReport, import_documents
from papershelf.core.store.library import LARGE_IMPORT, Library

BIBTEX_SUFFIXES = frozenset({".bib", ".bibtex"})
RIS_SUFFIXES = frozenset({".ris"})
CSL_JSON_SUFFIXES = frozenset({".json", ".csljson"})
_SNIFF_BYTES = 256 * 1024
_BIBTEX_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)

FileKind = Literal["bibtex", "ris", "csl-json", "seed", "unknown"]


def detect_kind(path: Path) -> FileKind:
    """What a file is, from its name or else its first bytes. Never raises."""
    suffix = path.suffix.lower()
    if suffix in BIBTEX_SUFFIXES:
        return "bibtex"
    if suffix in RIS_SUFFIXES:
        return "ris"
    if suffix in CSL_JSON_SUFFIXES:
        return "csl-json"
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "unknown"  # the importer that gets it reports why it cannot be read
    text, _ = decode_bytes(head)
    if text is None:
        return "unknown"
    if seeds.detect_kind(text) in ("listing", "author-abstracts"):
        return "seed"
    if looks_like_ris(text):
        return "ris"
    if looks_like_csl_json(text):
        return "csl-json"
    if _BIBTEX_START.search(text):
        return "bibtex"
    return "unknown"


def import_files(
    library: Library, paths: Iterable[Path | str], *, progress: Progress | None = None
) -> ImportReport:
    """Import BibTeX, RIS and CSL-JSON files and seed documents; one report for them all.

    ``progress(done, total)`` follows each kind's entries (``(0, 0)`` while parsing);
    returning ``False`` from it rolls everything back and raises ImportCancelled.
    """
    report = ImportReport()
    by_kind: dict[FileKind, list[Path]] = {kind: [] for kind in get_args(FileKind)}
    for given in paths:
        path = Path(given)
        kind = detect_kind(path)
        if kind == "unknown" and not path.is_file():
            kind = "bibtex"  # missing files and folders: reported by the BibTeX reader
        by_kind[kind].append(path)
    for path in by_kind["unknown"]:
        report.problems.append(
            f"{path}: not BibTeX, RIS, CSL-JSON or a seed document; nothing imported"
        )
    if progress is not None:
        progress(0, 0)
    with collector.paused():
        _import(library, by_kind, report, progress)
    if report.added >= LARGE_IMPORT:
        library.merge_search_index()
    return report


def _import(
    library: Library,
    by_kind: dict[FileKind, list[Path]],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    seed = by_kind["seed"]
    # Parsed before the transaction: parsing can take a while.
    parsed = read_bibtex(by_kind["bibtex"], report)
    references = [
        *read_files(by_kind["ris"], report, "RIS", parse_ris),
        *read_files(by_kind["csl-json"], report, "CSL-JSON", parse_csl_json),
    ]
    with library.write():
        if seed:
            seeds_report = import_documents(library, seed)
            report.added += seeds_report.added
            report.merged += seeds_report.merged
            report.unchanged += seeds_report.unchanged
            report.skipped += seeds_report.skipped
            report.problems.extend(seeds_report.problems)
        apply_bibtex(library, parsed, report, progress)
        apply_papers(library, references, report, progress)
