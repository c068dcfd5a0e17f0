"""Adding the references of RIS and CSL-JSON files, as BibTeX entries are added.

The readers (``ris``, ``csl``) turn a file into ``BibPaper``s, the form BibTeX entries
take too; this module adds them in one transaction the way ``bibtex.apply_bibtex``
does: ``same_paper.find_same`` decides which paper a reference is, ``paper_merge``
completes a paper the library has instead of doubling it, a reference's own key is
kept when it can be, or becomes an alias of the paper it merges into. Importing the
same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from papershelf.core.errors import ImportCancelled
from papershelf.core.io.bibtex import MAX_BYTES, Progress, decode_bytes
from papershelf.core.io.bibtex_fields import BibPaper
from papershelf.core.io.paper_merge import add_all, merge, own_key
from papershelf.core.io.seed_import import ImportReport
from papershelf.core.same_paper import ImportLookups, identity
from papershelf.core.store.bulk import bulk_adding
from papershelf.core.store.library import Library

MAX_PROBLEMS = 100  # per file; a count says how many more there were
_BATCH = 1000  # papers added per statement batch
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class ReadFile:
    """What a reader made of one file: its references, and what it could not use."""

    name: str
    unit: str  # how a place in the file is named: "line" (RIS) or "item" (CSL-JSON)
    papers: list[BibPaper] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 12: ..." or "item 3: ..."
    unshown: int = 0  # problems past MAX_PROBLEMS: counted, not kept (a file may have millions)
    skipped: int = 0

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)
        else:
            self.unshown += 1


def read_text(path: Path, what: str) -> tuple[str | None, list[str]]:
    """A file's text, or None and why not ("is a binary file, not RIS")."""
    try:
        if path.is_dir():
            return None, [f"is a folder, not a {what} file"]
        if path.stat().st_size > MAX_BYTES:
            return None, [f"is larger than {MAX_BYTES // 2**20} MB; not imported"]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"cannot be read ({exc.strerror or exc})"]
    sample = raw[:65536]
    if not raw.startswith(_UTF16_BOMS) and sample.count(b"\x00") > len(sample) // 10:
        return None, [f"is a binary file, not {what}"]
    text, problems = decode_bytes(raw)
    return (text.replace("\x00", "") if text is not None else None), problems


def read_files(
    paths: Iterable[Path], report: ImportReport, what: str, parse: Callable[[str, str], ReadFile]
) -> list[ReadFile]:
    """Read and parse ``what`` files (RIS, CSL-JSON) with ``parse(text, name)``, before
    any database access; what cannot be used goes to ``report``."""
    files = []
    for path in paths:
        text, problems = read_text(path, what)
        if text is None:
            report.problems.extend(f"{path}: {p}" for p in problems)
            continue
        report.problems.extend(f"{path.name}: {p}" for p in problems)
        file = parse(text, path.name)
        if not file.papers and not file.skipped and not file.problems:
            report.problems.append(f"{path}: no {what} references found; nothing imported")
        files.append(file)
    return files


def _where(file: ReadFile, paper: BibPaper) -> str:
    kind = "reference" if file.unit == "line" else "item"
    named = f"{kind} {paper.key!r} ({file.unit} {paper.line})" if paper.key else None
    return named or f"{kind} at {file.unit} {paper.line}"


def _report_problems(report: ImportReport, file: ReadFile) -> None:
    report.problems.extend(f"{file.name}: {p}" for p in file.problems)
    if file.unshown:
        report.problems.append(f"{file.name}: {file.unshown} more problems not shown")


def apply_papers(
    library: Library,
    files: Sequence[ReadFile],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    """Add or merge the files' references in one transaction (joining the caller's)."""
    total = sum(len(f.papers) for f in files)
    done = 0
    batch: list[tuple[ReadFile, BibPaper]] = []
    batch_ids: set[str] = set()
    renamed: list[str] = []  # references whose own key could not be kept, and why

    def flush() -> None:
        ids = add_all(library, [paper for _, paper in batch])
        given = library.keys_of(ids) if ids else {}
        for paper_id, (file, paper) in zip(ids, batch, strict=True):
            kept, why = own_key(paper.key)
            if paper.key.strip() and given.get(paper_id) != kept:
                renamed.append(f"{file.name}: {_where(file, paper)}: {why}; its key is "
                               f"{given.get(paper_id)!r}")  # fmt: skip
        batch.clear()
        batch_ids.clear()

    lookups = ImportLookups(library)
    with bulk_adding(library, total):
        for file in files:
            report.skipped += file.skipped
            _report_problems(report, file)
            for number, paper in enumerate(file.papers):
                if number % _BATCH == 0:
                    flush()
                    lookups.ahead(p.fields for p in file.papers[number : number + _BATCH])
                marks = identity(paper.fields)
                if marks & batch_ids:
                    flush()
                existing = lookups.find(paper.fields, marks, paper.key or None)
                if existing is None:
                    batch.append((file, paper))
                    batch_ids.update(marks)
                    report.added += 1
                else:
                    lookups.merged()
                    kept, why = own_key(paper.key)
                    if paper.key.strip() and kept is None:  # an alias must be a usable key
                        renamed.append(f"{file.name}: {_where(file, paper)}: {why}; not kept")
                    into_paper = replace(paper, key=kept or "")
                    if merge(library, existing, into_paper):
                        report.merged += 1
                        if len(report.merges) < MAX_PROBLEMS:
                            into = library.keys_of([existing])[existing]
                            report.merges.append(
                                f"{file.name}: {_where(file, paper)} merged into {into}"
                            )
                    else:
                        report.unchanged += 1
                done += 1
                if progress is not None and progress(done, total) is False:
                    raise ImportCancelled("import cancelled; the library was not changed")
        flush()
        report.problems.extend(renamed[:MAX_PROBLEMS])
        if len(renamed) > MAX_PROBLEMS:
            report.problems.append(f"{len(renamed) - MAX_PROBLEMS} more references got a new key")
