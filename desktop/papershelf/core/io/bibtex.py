"""Reading BibTeX files into the library: bibtexparser splits, Papershelf does the rest.

bibtexparser (v2) only splits a file into blocks, with no middleware: its splitter is
linear and does not recurse, so hostile files (deep braces, a million newlines, binary
junk) finish quickly; ``bibtex_split`` reads the regular entries itself, five times
faster, with the same blocks, and gives bibtexparser the rest. The files of one import
are then read as BibTeX reads the files of one document: ``@string`` macros
(``bibtex_macros``) and ``crossref`` parents (``bibtex_crossref``) of any file serve all
of them, whatever their order. What macros
and parents add has a budget, checked before anything is built; the text a file gives
literally is kept whole however long (the file's size bounds it). An entry past a
budget, like a malformed one, is reported with its file and line and skipped; the
others import. ``bibtex_fields`` reads the entries and ``paper_merge`` completes papers
the library already has instead of doubling them. An import is one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bibtexparser import model

from papershelf.core import collector
from papershelf.core.errors import ImportCancelled
from papershelf.core.io import bibtex_crossref, bibtex_split
from papershelf.core.io.bibtex_fields import BibEntry, BibPaper, interpret
from papershelf.core.io.bibtex_macros import Expansion, Macros
from papershelf.core.io.bibtex_split import FastEntry, FastField
from papershelf.core.io.paper_merge import add_all, merge
from papershelf.core.io.seed_import import ImportReport
from papershelf.core.plural import plural
from papershelf.core.same_paper import ImportLookups, identity
from papershelf.core.store.bulk import bulk_adding
from papershelf.core.store.library import LARGE_IMPORT, Library

MAX_BYTES = 256 * 1024 * 1024  # 100,000 entries with abstracts are about 125 MB
# What @string macros may add to an import (bibtex_macros.MAX_ENTRY_EXPANSION to one
# entry): no real entry gets more than a few hundred characters from them (journal
# names), and a 100,000-entry file a few million in all.
MIN_FILE_EXPANSION = 8_000_000  # ... or the length of the files imported, if larger
MAX_PROBLEMS = 100  # per file; a count says how many more there were

Progress = Callable[[int, int], object]
"""Called as ``progress(done, total)``; returning ``False`` cancels. (0, 0): parsing."""

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report problems ourselves

_BATCH = 1000  # papers added per statement batch
_AHEAD = 10_000  # entries interpreted at a time (the search index written meanwhile)


@dataclass
class ParsedBibtex:
    """A parsed file: its entries, and what could not be read, by line."""

    entries: list[BibEntry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    skipped: int = 0  # entries found but not read (malformed, or past a budget)
    strings: int = 0  # @string definitions
    volumes: list[BibEntry] = field(default_factory=list)  # crossref parents, not papers


# ------------------------------------------------------------------ reading a file


def read_bibtex_file(path: Path) -> tuple[str | None, list[str]]:
    """The text of a .bib file, or None and why not; encoding problems are named."""
    try:
        if path.is_dir():
            return None, ["is a folder, not a BibTeX file"]
        if path.stat().st_size > MAX_BYTES:
            return None, [f"is larger than {MAX_BYTES // 2**20} MB; not imported"]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"cannot be read ({exc.strerror or exc})"]
    return decode_bytes(raw)


def decode_bytes(raw: bytes) -> tuple[str | None, list[str]]:
    """Bytes of a BibTeX file as text: UTF-8, UTF-16 with a BOM, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, ["is not readable text (broken UTF-16)"]
    sample = raw[:65536]
    if sample.count(b"\x00") > len(sample) // 10:
        return None, ["is a binary file, not BibTeX"]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
        return text, [f"line {line}: not UTF-8; read as Windows-1252 (check accented letters)"]


# ------------------------------------------------------------------ parsing


def _normalized(text: str) -> str:
    """Line ends as bibtexparser counts them, so that reported lines are the editor's.

    Windows' CRLF is one line end; a file of lone CRs (classic Mac OS) has them as its
    line ends, while a stray CR in a file of LFs is a character, as grep and vim count.
    A byte-order mark (also one left mid-file by concatenation) and NUL are never text.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if text.count("\r") > text.count("\n"):
            text = text.replace("\r", "\n")
    return text.replace("\ufeff", "").replace("\x00", "")


def _failure(block: model.ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    reason = " ".join(str(reason).replace("`", "'").split())
    head = (block.raw or "").split(",", 1)[0].strip()[:60]
    return f"malformed entry {head!r} skipped: {reason}"


def _value_lines(block: model.Entry | FastEntry) -> list[int]:
    """The 1-based line where each field's value starts (``=`` may end the line before)."""
    if isinstance(block, FastEntry):
        return block.value_lines  # found while splitting, as below
    first = (block.start_line or 0) + 1
    raw = block.raw or ""
    lines = []
    cursor = raw.find(",")  # past "@type{key"
    for item in block.fields:
        at = raw.find("=", max(cursor, 0))
        if cursor < 0 or at < 0:  # not where the splitter said: its own line for it
            lines.append(item.start_line + 1)
            continue
        at += 1
        while at < len(raw) and raw[at].isspace():
            at += 1
        lines.append(first + raw.count("\n", 0, at))
        cursor = at + len(item.value)
    return lines


class _Fields(NamedTuple):
    values: dict[str, str]
    missing: list[tuple[int, str]]  # (line, message) for each macro that gives nothing


def _entry_fields(block: model.Entry | FastEntry, macros: Macros) -> _Fields | str:
    """An entry's fields (the first of repeated ones), or why it is skipped.

    Sizes are added up before any value is joined: nothing past a budget is ever built.
    """
    expansions: dict[str, Expansion] = {}
    missing: list[tuple[int, str]] = []
    added = 0
    items: Sequence[model.Field | FastField] = block.fields
    for item, line in zip(items, _value_lines(block), strict=True):
        name = item.key.strip().lower()
        if name in expansions:
            continue
        expansion = macros.expand(item.value)
        added += expansion.from_macros
        why = macros.past_budget(expansion, added)
        if expansion.too_large is not None:
            return f"field {name!r} uses @string {expansion.too_large[0]}, which would add {why}"
        if why is not None:
            return f"field {name!r}: @string macros would add {why}"
        expansions[name] = expansion
        told: set[str] = set()  # one line per macro and field, however often it is used
        for gap in expansion.missing:
            if gap.name.lower() not in told:
                told.add(gap.name.lower())
                where = line + item.value.count("\n", 0, gap.offset)
                missing.append((where, f"field {name!r} uses @string {gap.name}, which is "
                                f"{gap.why}; left out"))  # fmt: skip
    macros.added += added
    return _Fields({name: "".join(e.pieces) for name, e in expansions.items()}, missing)


def _blocks(text: str, result: ParsedBibtex) -> list[bibtex_split.Block]:
    try:
        return bibtex_split.split(text)
    except Exception as exc:  # the splitter raises only on its own bugs; say so, once
        result.problems.append((1, f"the BibTeX parser failed: {type(exc).__name__}: {exc}"))
        return []


def _string_block(block: bibtex_split.Block) -> model.String | None:
    inner = block.ignore_error_block if isinstance(block, model.DuplicateBlockKeyBlock) else block
    return inner if isinstance(inner, model.String) else None


def parse_bibtex(text: str) -> ParsedBibtex:
    """Entries of one BibTeX text, in file order, and (line, message) for each problem."""
    return parse_bibtex_files([text])[0]


def parse_bibtex_files(texts: Sequence[str]) -> list[ParsedBibtex]:
    """The texts of the files of one import, read as BibTeX reads several files: one
    database, where @string macros and crossref parents of any file serve all of them."""
    results = [ParsedBibtex() for _ in texts]
    files = [_blocks(_normalized(t), result) for t, result in zip(texts, results, strict=True)]
    budget = max(MIN_FILE_EXPANSION, sum(len(t) for t in texts))
    macros = Macros(budget, "the file" if len(texts) == 1 else "the files imported")

    def problem(source: int, line: int, message: str) -> None:
        results[source].problems.append((line, message))

    for source, blocks in enumerate(files):
        for block in blocks:
            string = _string_block(block)
            if string is not None:
                results[source].strings += 1
                line = (block.start_line or 0) + 1
                said = macros.declare(string.key, string.value, source, line)
                if said:
                    problem(source, line, said)
    macros.resolve_all(problem)
    owner: dict[int, int] = {}  # id of an entry: the file it is in
    for source, blocks in enumerate(files):
        _read_entries(blocks, macros, results[source])
        owner.update((id(e), source) for e in results[source].entries)
    _follow_references(results, owner, macros)
    for result in results:
        result.problems.sort(key=lambda p: p[0])  # stable: in the order found on a line
    return results


def _read_entries(
    blocks: Sequence[bibtex_split.Block], macros: Macros, result: ParsedBibtex
) -> None:
    for found in blocks:
        line = (found.start_line or 0) + 1
        block: bibtex_split.Block | None = found
        if isinstance(found, model.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(found.duplicate_keys))
            result.problems.append((line, f"repeated field {names}: the first one is used"))
            block = found.ignore_error_block
        elif isinstance(found, model.DuplicateBlockKeyBlock):
            block = found.ignore_error_block  # a key used twice: the library renames it
        elif isinstance(found, model.ParsingFailedBlock):
            result.problems.append((line, _failure(found)))
            result.skipped += 1
            continue
        if not isinstance(block, (model.Entry, FastEntry)):
            continue  # @string (read already), comments and @preamble
        key = block.key.strip()
        fields = _entry_fields(block, macros)
        if isinstance(fields, str):
            result.problems.append((line, f"entry {key!r} skipped: {fields}"))
            result.skipped += 1
            continue
        result.problems.extend((at, f"entry {key!r}: {said}") for at, said in fields.missing)
        result.entries.append(BibEntry(line, block.entry_type.lower(), key, fields.values))


def _follow_references(
    results: Sequence[ParsedBibtex], owner: dict[int, int], macros: Macros
) -> None:
    """Fill entries from their crossref and xdata parents, in any file of the import."""

    def report(entry: BibEntry, message: str) -> None:
        results[owner[id(entry)]].problems.append((entry.line, message))

    def charge(entry: BibEntry, size: int) -> str | None:
        why = macros.past(size)
        if why is None:
            macros.added += size
        return why

    resolved = bibtex_crossref.resolve([e for r in results for e in r.entries], report, charge)
    for result in results:
        result.entries = []
    for entry in resolved.papers:
        results[owner[id(entry)]].entries.append(entry)
    for entry in resolved.skipped:
        results[owner[id(entry)]].skipped += 1
    for entry in resolved.volumes:
        results[owner[id(entry)]].volumes.append(entry)


# ------------------------------------------------------------------ importing


def _add_problems(report: ImportReport, name: str, problems: Iterable[tuple[int, str]]) -> None:
    problems = list(problems)
    for line, message in problems[:MAX_PROBLEMS]:
        report.problems.append(f"{name}:{line}: {message}")
    if len(problems) > MAX_PROBLEMS:
        report.problems.append(
            f"{name}: {plural(len(problems) - MAX_PROBLEMS, 'more problem')} not shown"
        )


def read_bibtex(
    paths: Iterable[Path | str], report: ImportReport
) -> list[tuple[str, list[BibEntry]]]:
    """Read and parse files (no database access), reporting what cannot be used.

    Kept apart from :func:`apply_bibtex` so that parsing a large file does not hold the
    library's write lock while the window wants to save a note.
    """
    readable: list[Path] = []
    texts: list[str] = []
    for given in paths:
        path = Path(given)
        text, problems = read_bibtex_file(path)
        if text is None:
            report.problems.extend(f"{path}: {p}" for p in problems)
            continue
        report.problems.extend(f"{path.name}: {p}" for p in problems)
        readable.append(path)
        texts.append(text)
    parsed: list[tuple[str, list[BibEntry]]] = []
    for path, result in zip(readable, parse_bibtex_files(texts), strict=True):
        name = path.name
        _add_problems(report, name, result.problems)
        report.skipped += result.skipped
        if result.volumes:
            report.problems.append(_volumes_note(name, result.volumes))
        if not (result.entries or result.volumes or (result.strings and len(texts) > 1)):
            found = "only @string macros" if result.strings else "no BibTeX entries"
            report.problems.append(f"{path}: {found} found; nothing imported")
        for entry in result.entries:
            entry.source = name
        parsed.append((name, result.entries))
    return parsed


def _volumes_note(name: str, volumes: Sequence[BibEntry]) -> str:
    """One line for the volumes that only give their papers fields (see bibtex_crossref)."""
    shown = ", ".join(f"{v.key} (line {v.line})" for v in volumes[:3])
    more = f" and {len(volumes) - 3} more" if len(volumes) > 3 else ""
    return (
        f"{name}: not imported as papers, their fields filled in the papers that refer to "
        f"them by crossref: {shown}{more}"
    )


def apply_bibtex(
    library: Library,
    parsed: Sequence[tuple[str, Sequence[BibEntry]]],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    """Add or merge parsed entries, in one transaction (joining the caller's, if any)."""
    total = sum(len(entries) for _, entries in parsed)
    done = 0
    # New papers are added a batch at a time; an entry that may repeat one still in
    # the batch flushes it first, so the duplicate check sees it.
    batch: list[BibPaper] = []
    batch_ids: set[str] = set()
    renamed: list[str] = []  # entries whose own key could not be kept, and why

    def flush() -> None:
        add_all(library, batch, renamed)
        batch.clear()
        batch_ids.clear()

    def take(paper: BibPaper) -> None:
        marks = identity(paper.fields)
        if marks & batch_ids:
            flush()
        existing = lookups.find(paper.fields, marks, paper.key)
        if existing is None:
            batch.append(paper)
            batch_ids.update(marks)
            report.added += 1
        else:
            lookups.merged()
            _merge(library, existing, paper, report)

    lookups = ImportLookups(library)
    with bulk_adding(library, total):
        for name, entries in parsed:
            skipped: list[tuple[int, str]] = []
            for ahead in range(0, len(entries), _AHEAD):
                # Making sense of these entries is Python alone: meanwhile the search
                # index takes in the papers added so far, on a thread of its own.
                flush()
                library.index_alongside()
                meant = [(entry, interpret(entry)) for entry in entries[ahead : ahead + _AHEAD]]
                for start in range(0, len(meant), _BATCH):
                    chunk = meant[start : start + _BATCH]
                    flush()
                    lookups.ahead(p.fields for _, p in chunk if not isinstance(p, str))
                    for entry, paper in chunk:
                        if isinstance(paper, str):
                            skipped.append((entry.line, f"entry {entry.key!r}: {paper}"))
                            report.skipped += 1
                        else:
                            take(paper)
                        done += 1
                        if progress is not None and progress(done, total) is False:
                            raise ImportCancelled("import cancelled; the library was not changed")
            _add_problems(report, name, skipped)
        flush()
        report.problems.extend(renamed[:MAX_PROBLEMS])
        if len(renamed) > MAX_PROBLEMS:
            report.problems.append(
                f"{plural(len(renamed) - MAX_PROBLEMS, 'more entry', 'more entries')} got a new key"
            )


def _merge(library: Library, existing: int, paper: BibPaper, report: ImportReport) -> None:
    if merge(library, existing, paper):
        report.merged += 1
        if len(report.merges) < MAX_PROBLEMS:
            into = library.keys_of([existing])[existing]
            report.merges.append(f"entry {paper.key!r} ({paper.where}) merged into {into}")
    else:
        report.unchanged += 1


def import_bibtex(
    library: Library,
    paths: Iterable[Path | str],
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Import BibTeX files in one transaction; a file that cannot be read adds nothing.

    ``progress(done, total)`` is called per entry (first ``(0, 0)`` while files are
    parsed); when it returns ``False`` the import is rolled back and ImportCancelled raised.
    """
    report = ImportReport()
    if progress is not None:
        progress(0, 0)
    with collector.paused():
        apply_bibtex(library, read_bibtex(paths, report), report, progress)
    if report.added >= LARGE_IMPORT:
        library.merge_search_index()
    return report
