"""Reading BibTeX files into the library: bibtexparser splits, Papershelf does the rest.

bibtexparser (v2) only splits a file into blocks, with no middleware: its splitter is
linear and does not recurse, so hostile files (deep braces, a million newlines, binary
junk) finish quickly. String macros and ``#`` concatenation are resolved here, where
their size is known before anything is built: the text a file gives literally is kept
whole however long (the file's size bounds it), but what ``@string`` macros add has a
budget per entry and per file, so a few doubling macros cannot make gigabytes. An entry
past a budget, like a malformed one, is reported with its line and skipped; the others
import. ``bibtex_fields`` reads the entries and ``paper_merge`` completes papers the
library already has instead of doubling them. An import is one transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

from papershelf.core.errors import LibraryError
from papershelf.core.io.bibtex_fields import BibEntry, BibPaper, interpret
from papershelf.core.io.paper_merge import add_all, merge
from papershelf.core.io.seed_import import ImportReport
from papershelf.core.same_paper import find_same, identity
from papershelf.core.store.library import LARGE_IMPORT, Library

MAX_BYTES = 256 * 1024 * 1024  # 100,000 entries with abstracts are about 125 MB
# What @string macros may add: no real entry gets more than a few hundred characters
# from them (journal names), and a 100,000-entry file a few million in all.
MAX_ENTRY_EXPANSION = 1_000_000  # characters macros add to one entry (or one @string)
MIN_FILE_EXPANSION = 8_000_000  # ... to a whole file, or the file's own length if larger
MAX_PROBLEMS = 100  # per file; a count says how many more there were

Progress = Callable[[int, int], object]
"""Called as ``progress(done, total)``; returning ``False`` cancels. (0, 0): parsing."""

_MONTH_NAMES = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip
_VALUE_MARK = re.compile(r'(?<!\\)[{}"#]')
_HASH = re.compile(r"(?<!\\)#")

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report problems ourselves

_BATCH = 1000  # papers added per statement batch


class ImportCancelled(LibraryError):
    """The reader cancelled an import; its transaction was rolled back."""


@dataclass
class ParsedBibtex:
    """A parsed file: its entries, and what could not be read, by line."""

    entries: list[BibEntry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    skipped: int = 0  # entries found but not read (malformed, or past a budget)


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
        text = raw.decode("cp1252", errors="replace")
        return text, [f"line {line}: not UTF-8; read as Windows-1252 (check accented letters)"]


# ------------------------------------------------------------------ parsing


class _Expansion(NamedTuple):
    """A raw value as the pieces it stands for, not yet joined (so not yet paid for)."""

    pieces: list[str]
    from_macros: int  # characters the @string macros among the pieces add
    too_large: tuple[str, str] | None  # (macro, why) of a macro too large to define


@dataclass
class _Macros:
    """The file's @string macros so far, and what they have added to it."""

    budget: int  # characters macros may add to the whole file
    values: dict[str, str] = field(default_factory=dict)
    too_large: dict[str, str] = field(default_factory=dict)  # name: the budget it would pass
    added: int = 0

    def expand(self, raw: str) -> _Expansion:
        """A raw field value ('{A} # name # "B"') as the pieces it stands for."""
        pieces: list[str] = []
        from_macros = 0
        too_large = None
        for part in _concatenated(raw):
            text = part.strip()
            name = text.lower()
            if len(text) >= 2 and text[0] + text[-1] in ("{}", '""'):
                text = text[1:-1]
            elif name in self.values:
                text = self.values[name]
                from_macros += len(text)
            elif name in self.too_large:
                too_large = too_large or (text, self.too_large[name])
            elif name in _MONTH_NAMES:
                text = _MONTH_NAMES[name]  # at most three times what the file spells out
            pieces.append(text)
        return _Expansion(pieces, from_macros, too_large)

    def past_budget(self, expansion: _Expansion, entry_added: int) -> str | None:
        """The budget an expansion would pass ("over N characters to ..."), if any.

        ``entry_added``: what macros add to its entry (or @string) so far, this included.
        """
        if expansion.too_large is not None:
            return expansion.too_large[1]
        if entry_added > MAX_ENTRY_EXPANSION:
            return f"over {MAX_ENTRY_EXPANSION:,} characters to one entry"
        if self.added + entry_added > self.budget:
            return f"over {self.budget:,} characters to the file"
        return None

    def define(self, name: str, raw: str) -> None:
        """``@string{name = raw}``; one past a budget is marked, and entries using it skipped."""
        name = name.strip().lower()
        expansion = self.expand(raw)
        self.values.pop(name, None)
        self.too_large.pop(name, None)
        why = self.past_budget(expansion, expansion.from_macros)
        if why is not None:
            self.too_large[name] = why
        else:
            self.values[name] = "".join(expansion.pieces)
            self.added += expansion.from_macros


def _concatenated(raw: str) -> list[str]:
    """The parts of a raw value joined by ``#`` outside braces and quotes, unstripped."""
    if _HASH.search(raw) is None:
        return [raw]  # most values, and every one Papershelf writes: no brace walk needed
    parts: list[str] = []
    depth = 0
    in_quotes = False
    start = 0
    for match in _VALUE_MARK.finditer(raw):
        mark = match.group(0)
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif mark == '"' and depth == 0:
            in_quotes = not in_quotes
        elif mark == "#" and depth == 0 and not in_quotes:
            parts.append(raw[start : match.start()])
            start = match.end()
    parts.append(raw[start:])
    return parts


def _failure(block: model.ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    reason = " ".join(str(reason).replace("`", "'").split())
    head = (block.raw or "").split(",", 1)[0].strip()[:60]
    return f"malformed entry {head!r} skipped: {reason}"


def _entry_fields(block: model.Entry, macros: _Macros) -> dict[str, str] | str:
    """An entry's fields (the first of repeated ones), or why it is skipped.

    Sizes are added up before any value is joined: nothing past a budget is ever built.
    """
    expansions: dict[str, _Expansion] = {}
    added = 0
    for item in block.fields:
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
    macros.added += added
    return {name: "".join(e.pieces) for name, e in expansions.items()}


def parse_bibtex(text: str) -> ParsedBibtex:
    """Entries of a BibTeX text, in file order, and (line, message) for each problem."""
    result = ParsedBibtex()
    try:
        library = parse_string(text.replace("\x00", ""), parse_stack=[])
    except Exception as exc:  # the splitter raises only on its own bugs; say so, once
        result.problems.append((1, f"the BibTeX parser failed: {type(exc).__name__}: {exc}"))
        return result
    macros = _Macros(budget=max(MIN_FILE_EXPANSION, len(text)))
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.String):
            macros.define(block.key, block.value)
            continue
        if isinstance(block, model.DuplicateFieldKeyBlock | model.DuplicateBlockKeyBlock):
            if isinstance(block, model.DuplicateFieldKeyBlock):
                names = ", ".join(sorted(block.duplicate_keys))
                result.problems.append((line, f"repeated field {names}: the first one is used"))
            inner = block.ignore_error_block
            if isinstance(inner, model.String):
                name = inner.key.strip()
                result.problems.append((line, f"@string {name} defined again: the first is used"))
                continue
            if inner is None:
                continue
            block = inner
        elif isinstance(block, model.ParsingFailedBlock):
            result.problems.append((line, _failure(block)))
            result.skipped += 1
            continue
        if not isinstance(block, model.Entry):
            continue  # comments and @preamble
        key = block.key.strip()
        fields = _entry_fields(block, macros)
        if isinstance(fields, str):
            result.problems.append((line, f"entry {key!r} skipped: {fields}"))
            result.skipped += 1
            continue
        result.entries.append(BibEntry(line, block.entry_type.lower(), key, fields))
    return result


# ------------------------------------------------------------------ importing


def _add_problems(report: ImportReport, name: str, problems: Iterable[tuple[int, str]]) -> None:
    problems = list(problems)
    for line, message in problems[:MAX_PROBLEMS]:
        report.problems.append(f"{name}:{line}: {message}")
    if len(problems) > MAX_PROBLEMS:
        report.problems.append(f"{name}: {len(problems) - MAX_PROBLEMS} more problems not shown")


def read_bibtex(
    paths: Iterable[Path | str], report: ImportReport
) -> list[tuple[str, list[BibEntry]]]:
    """Read and parse files (no database access), reporting what cannot be used.

    Kept apart from :func:`apply_bibtex` so that parsing a large file does not hold the
    library's write lock while the window wants to save a note.
    """
    parsed: list[tuple[str, list[BibEntry]]] = []
    for given in paths:
        path = Path(given)
        text, problems = read_bibtex_file(path)
        if text is None:
            report.problems.extend(f"{path}: {p}" for p in problems)
            continue
        report.problems.extend(f"{path.name}: {p}" for p in problems)
        result = parse_bibtex(text)
        _add_problems(report, path.name, result.problems)
        report.skipped += result.skipped
        if not result.entries:
            report.problems.append(f"{path}: no BibTeX entries found; nothing imported")
        parsed.append((path.name, result.entries))
    return parsed


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

    with library.write():
        for name, entries in parsed:
            skipped: list[tuple[int, str]] = []
            for entry in entries:
                paper = interpret(entry)
                if isinstance(paper, str):
                    skipped.append((entry.line, f"entry {entry.key!r}: {paper}"))
                    report.skipped += 1
                else:
                    marks = identity(paper.fields)
                    if marks & batch_ids:
                        flush()
                    existing = find_same(library, paper.fields, paper.key)
                    if existing is None:
                        batch.append(paper)
                        batch_ids.update(marks)
                        report.added += 1
                        if len(batch) >= _BATCH:
                            flush()
                    elif merge(library, existing, paper):
                        report.merged += 1
                        if len(report.merges) < MAX_PROBLEMS:
                            into = library.keys_of([existing])[existing]
                            report.merges.append(
                                f"entry {paper.key!r} (line {paper.line}) merged into {into}"
                            )
                    else:
                        report.unchanged += 1
                done += 1
                if progress is not None and progress(done, total) is False:
                    raise ImportCancelled("import cancelled; the library was not changed")
            _add_problems(report, name, skipped)
        flush()
        report.problems.extend(renamed[:MAX_PROBLEMS])
        if len(renamed) > MAX_PROBLEMS:
            report.problems.append(f"{len(renamed) - MAX_PROBLEMS} more entries got a new key")


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
    apply_bibtex(library, read_bibtex(paths, report), report, progress)
    if report.added >= LARGE_IMPORT:
        library.merge_search_index()
    return report
