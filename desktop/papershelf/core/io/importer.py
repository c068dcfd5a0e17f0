"""One entry point for every file a reader imports, shared by the window and the CLI.

A file is BibTeX when its name says so (``.bib``, ``.bibtex``) or, failing that, when
its text is not a seed document but opens a BibTeX entry; seed documents go to the
seed importer together (the author lists of one complete the listing of another). All
files are imported in one transaction: the reader never sees half an import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from papershelf.core.io import seeds
from papershelf.core.io.bibtex import Progress, apply_bibtex, decode_bytes, read_bibtex
from papershelf.core.io.seed_import import ImportReport, import_documents
from papershelf.core.store.library import LARGE_IMPORT, Library

BIBTEX_SUFFIXES = frozenset({".bib", ".bibtex"})
_SNIFF_BYTES = 256 * 1024
_BIBTEX_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)

FileKind = Literal["bibtex", "seed", "unknown"]


def detect_kind(path: Path) -> FileKind:
    """What a file is, from its name or else its first bytes. Never raises."""
    if path.suffix.lower() in BIBTEX_SUFFIXES:
        return "bibtex"
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
    if _BIBTEX_START.search(text):
        return "bibtex"
    return "unknown"


def import_files(
    library: Library, paths: Iterable[Path | str], *, progress: Progress | None = None
) -> ImportReport:
    """Import BibTeX files and seed documents; the report covers them all.

    ``progress(done, total)`` follows the BibTeX entries (``(0, 0)`` while parsing);
    returning ``False`` from it rolls everything back and raises ImportCancelled.
    """
    report = ImportReport()
    bib: list[Path] = []
    seed: list[Path] = []
    for given in paths:
        path = Path(given)
        kind = detect_kind(path) if path.is_file() else "unknown"
        if kind == "bibtex" or (kind == "unknown" and not path.is_file()):
            bib.append(path)  # missing files and folders: reported by the BibTeX reader
        elif kind == "seed":
            seed.append(path)
        else:
            report.problems.append(
                f"{path}: neither BibTeX nor a seed document Papershelf knows; nothing imported"
            )
    if progress is not None:
        progress(0, 0)
    parsed = read_bibtex(bib, report)  # before the transaction: parsing can take a while
    with library.write():
        if seed:
            seeds_report = import_documents(library, seed)
            report.added += seeds_report.added
            report.merged += seeds_report.merged
            report.unchanged += seeds_report.unchanged
            report.skipped += seeds_report.skipped
            report.problems.extend(seeds_report.problems)
        apply_bibtex(library, parsed, report, progress)
    if report.added >= LARGE_IMPORT:
        library.merge_search_index()
    return report
