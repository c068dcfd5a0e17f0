"""Exporting notes to Markdown: safe to run every day into a folder the reader edits.

A manifest (``.papershelf-export.json``) in the folder records the hash of every file
Papershelf wrote there. A re-export rewrites a file only while it still has that hash:
a file the reader edited since is left alone and reported, and a file Papershelf never
wrote is never touched (a paper whose name it holds gets another name). Every file is
written atomically. The output is deterministic, so an unchanged library re-exports as
"unchanged" and a folder under git shows only real changes.

The manifest is rewritten once, at the end; rewriting it per file would cost time in
the square of the papers. So that Ctrl-C, a closed terminal or a crash cannot leave
files the next export takes for someone else's, each file is first announced in
``.papershelf-export.pending`` (one line, appended), then written; the next export (or
this one, when it stops) adopts every announced file whose content matches.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from papershelf.core import stats
from papershelf.core.errors import LibraryError
from papershelf.core.fields import Paper
from papershelf.core.io import markdown, stats_report
from papershelf.core.names import display
from papershelf.core.plural import plural
from papershelf.core.safety.safe_files import (
    Interrupted,
    atomic_write,
    describe_os_error,
    ensure_folder,
    is_stream,
    name_identity,
    numbered_filename,
    resolve_link,
    safe_filename,
    write_output,
)
from papershelf.core.store.library import Library
from papershelf.core.text import latex_to_text

Layout = Literal["single", "per-paper"]
LAYOUTS: tuple[str, ...] = ("single", "per-paper")
JOURNAL_NAME = "reading-journal.md"
MANIFEST_NAME = ".papershelf-export.json"
PENDING_NAME = ".papershelf-export.pending"
MANIFEST_FORMAT = "papershelf-notes-export"
STATUS_ORDER: tuple[tuple[str, str], ...] = (
    ("reading", "Reading"),
    ("to-read", "To read"),
    ("read", "Read"),
    ("new", "New"),
    ("skipped", "Skipped"),
)
_CHUNK = 500
_OBSIDIAN_TAG = re.compile(r"[\w/-]*[^\W\d][\w/-]*")

Progress = Callable[[int, int], object]
"""``progress(done, total)`` after each paper; returning ``False`` stops the export."""


@dataclass
class ExportReport:
    """What an export did; every path is inside ``folder``."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped_edited: list[Path] = field(default_factory=list)  # edited since: left alone
    foreign: list[Path] = field(default_factory=list)  # not Papershelf's: another name used
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        """One line: "written 3, unchanged 47, skipped as edited 1"."""
        text = (
            f"written {len(self.written)}, unchanged {len(self.unchanged)}, "
            f"skipped as edited {len(self.skipped_edited)}"
        )
        return text + (" (cancelled)" if self.cancelled else "")


class ExportError(LibraryError):
    """An export stopped (disk full, folder read-only); ``report`` says what was done."""

    def __init__(self, message: str, report: ExportReport) -> None:
        super().__init__(message)
        self.report = report


class ExportInterrupted(Interrupted):
    """Ctrl-C stopped an export; what was written is recorded, ``report`` says what."""

    def __init__(self, message: str, report: ExportReport) -> None:
        super().__init__(message)
        self.report = report


# ------------------------------------------------------------------ rendering


def _tag(tag: str) -> str:
    """An Obsidian tag where the name is one, else the name as code (commas, spaces)."""
    if _OBSIDIAN_TAG.fullmatch(tag):
        return f"#{tag}"
    return f"`{tag}`" if "`" not in tag and "\n" not in tag else markdown.escape_inline(tag)


def info_line(paper: Paper) -> str:
    """Authors · date · status · tags · key · links, in one Markdown line."""
    shown = ", ".join(display(a) for a in paper.authors)
    authors = shown + (" et al." if paper.authors_truncated else "")
    parts = [markdown.escape_inline(authors) if authors.strip() else "unknown authors"]
    parts.append(paper.published or "no date")
    parts.append(paper.status)
    if paper.tags:
        parts.append(", ".join(_tag(t) for t in paper.tags))
    parts.append(f"`{paper.key}`")
    for label, url in markdown.paper_links(paper):
        link = markdown.web_link(label, url)
        if link:
            parts.append(link)
    return " · ".join(parts)


def _note(paper: Paper) -> str:
    return markdown.close_fences(str(paper.note).strip("\n").rstrip())


def render_journal(papers: Sequence[Paper], statistics: str = "") -> str:
    """The single-file layout: a reading journal grouped by status, after
    ``statistics`` (a Markdown summary of the whole library's reading, if any)."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(paper.status, []).append(paper)
    order = [s for s, _ in STATUS_ORDER] + sorted(set(groups) - {s for s, _ in STATUS_ORDER})
    labels = dict(STATUS_ORDER)
    count = len(papers)
    lines = ["# Reading journal", "", f"{plural(count, 'paper')}.", ""]
    if statistics:
        lines += [statistics.rstrip("\n"), ""]
    for status in order:
        members = groups.get(status)
        if not members:
            continue
        lines += [f"## {labels.get(status, markdown.escape_inline(status))} ({len(members)})", ""]
        for paper in members:
            lines += [f"### {markdown.escape_inline(latex_to_text(paper.title))}", ""]
            lines += [info_line(paper), ""]
            note = _note(paper)
            if note:  # its headings go under the paper's, which is a third level
                lines += [markdown.demote_headings(note, 3), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def journal_statistics(library: Library) -> str:
    """The reading statistics' summary table for the journal ("" before any reading)."""
    figures = stats.compute(library)
    return "" if figures.empty else stats_report.summary_markdown(figures, heading="##")


def source_url(paper: Paper) -> str | None:
    """The paper's web page, for ``source`` (the key Obsidian's web clipper uses too)."""
    links = [u for label, u in markdown.paper_links(paper) if label != "code"]
    return links[0] if links else None


def render_paper(paper: Paper) -> str:
    """The per-paper layout: YAML front matter, the title, the note, the abstract."""
    tags = [markdown.obsidian_tag(t) for t in paper.tags]
    fields = {
        "title": paper.title,
        # Obsidian's own properties: links to the title find the note, and tags are
        # searchable there (its tag rules: no spaces, no "#").
        "aliases": [latex_to_text(paper.title)],
        "authors": [display(a) for a in paper.authors],
        "published": paper.published,
        "year": paper.year,
        "category": paper.category,
        "status": paper.status,
        "priority": paper.priority,
        "tags": list(dict.fromkeys(t for t in tags if t)),
        "read_at": paper.read_at,
        "key": paper.key,
        "code_urls": list(paper.code_urls),
        "source": source_url(paper),
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
    }
    parts = [markdown.front_matter(fields)]
    parts.append(f"# {markdown.escape_inline(latex_to_text(paper.title))}\n")
    note = _note(paper)
    if note:
        parts.append(note + "\n")
    if paper.abstract.strip():
        parts.append("## Abstract\n\n" + markdown.quote_block(latex_to_text(paper.abstract)))
    return "\n".join(parts).rstrip("\n") + "\n"


# ------------------------------------------------------------------ the manifest


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _valid_name(name: object) -> bool:
    """A Markdown file name Papershelf could have written: never a path, never hidden."""
    return (
        isinstance(name, str)
        and name[-3:].lower() == ".md"
        and safe_filename(name[:-3], name[-3:]) == name
    )


class _Manifest:
    """The files Papershelf wrote in a folder: name -> (sha256, key)."""

    def __init__(self, folder: Path, report: ExportReport) -> None:
        self.path = folder / MANIFEST_NAME
        self.pending = folder / PENDING_NAME
        self.files: dict[str, dict[str, str]] = {}
        self.dirty = False
        self._announced: TextIO | None = None  # the pending file, opened at the first write
        self._load(report)
        self._adopt_pending()

    def _load(self, report: ExportReport) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            files = data["files"] if data.get("format") == MANIFEST_FORMAT else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            files = None
        if not isinstance(files, dict):
            report.errors.append(
                f"{self.path.name} could not be read; existing files are treated as not "
                "written by Papershelf and left alone"
            )
            return
        for name, entry in files.items():
            sha = entry.get("sha256") if isinstance(entry, dict) else None
            if _valid_name(name) and isinstance(sha, str):
                self.files[name] = {"sha256": sha, "key": str(entry.get("key"))}

    def by_key(self, key: str) -> str | None:
        for name, entry in self.files.items():
            if entry.get("key", "").casefold() == key.casefold():
                return name
        return None

    def record(self, name: str, data: bytes, key: str) -> None:
        entry = {"sha256": _sha(data), "key": key}
        if self.files.get(name) != entry:
            self.files[name] = entry
            self.dirty = True

    def announce(self, name: str, data: bytes, key: str) -> None:
        """Note ``name`` in the pending file before it is written (see the module doc)."""
        line = json.dumps({"name": name, "sha256": _sha(data), "key": key}, ensure_ascii=False)
        try:
            if self._announced is None:
                self._announced = self.pending.open("a", encoding="utf-8")
                self._announced.write("\n")  # a line a crash cut short stays apart
            self._announced.write(line + "\n")
            self._announced.flush()  # in the system's hands: survives the process
        except OSError as exc:
            folder = self.pending.parent
            raise LibraryError(f"cannot write in {folder}: {describe_os_error(exc)}") from exc

    def _adopt_pending(self) -> None:
        """Record each announced file that was written in full; others stay as they were."""
        try:
            lines = self.pending.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
                name, sha, key = entry["name"], entry["sha256"], str(entry["key"])
            except (ValueError, KeyError, TypeError):
                continue  # blank, cut short by a crash, or not ours
            if not _valid_name(name) or self.files.get(name) == {"sha256": sha, "key": key}:
                continue
            path = self.path.parent / name
            try:
                matches = not path.is_symlink() and _sha(path.read_bytes()) == sha
            except OSError:
                matches = False
            if matches:
                self.files[name] = {"sha256": sha, "key": key}
                self.dirty = True

    def save(self) -> None:
        """Write the manifest if it changed, then drop the pending file it now covers."""
        if self._announced is not None:
            self._announced.close()
            self._announced = None
        self._adopt_pending()  # the file being written when Ctrl-C came, if it was whole
        if self.dirty:
            data = {
                "format": MANIFEST_FORMAT,
                "version": 1,
                "files": dict(sorted(self.files.items())),
            }
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            atomic_write(self.path, text.encode("utf-8"))
            self.dirty = False
        with contextlib.suppress(OSError):  # left behind, it is only adopted again
            self.pending.unlink()


# ------------------------------------------------------------------ writing


class _Writer:
    """Decides, per file, between writing, leaving alone and reporting."""

    def __init__(self, folder: Path, report: ExportReport) -> None:
        self.folder = folder
        self.report = report
        self.manifest = _Manifest(folder, report)
        try:
            names = os.listdir(folder)
        except OSError as exc:
            raise LibraryError(f"cannot read the folder {folder}: {exc.strerror}") from exc
        self.on_disk = {name_identity(n): n for n in names}
        self.taken: set[str] = set()
        self.in_flight: tuple[Path, bytes] | None = None  # being written, not yet reported

    def _current(self, name: str) -> bytes | None:
        """The bytes of an existing regular file named like ``name``; None if none."""
        actual = self.on_disk.get(name_identity(name))
        if actual is None:
            return None
        path = self.folder / actual
        if path.is_symlink() or not path.is_file():
            return b"\0not a regular file"  # never equal to an export: treated as foreign
        try:
            return path.read_bytes()
        except OSError:
            return b"\0unreadable"

    def is_foreign(self, name: str, data: bytes) -> bool:
        """Whether ``name`` is taken by a file Papershelf did not write (and not ours now)."""
        actual = self.on_disk.get(name_identity(name))
        if actual is None or actual in self.manifest.files:
            return False
        return self._current(name) != data

    def choose_name(self, key: str, data: bytes) -> str:
        """The file of a paper: the one it had, else ``KEY.md`` or a free variant.

        Names the manifest gives to other papers stay theirs, even when those papers are
        not part of this export.
        """
        previous = self.manifest.by_key(key)
        if previous and name_identity(previous) not in self.taken:
            self.taken.add(name_identity(previous))
            return previous
        owners = {name_identity(n): e["key"].casefold() for n, e in self.manifest.files.items()}
        number = 0
        while True:
            number += 1
            name = numbered_filename(key, number)
            identity = name_identity(name)
            if identity in self.taken or owners.get(identity, key.casefold()) != key.casefold():
                continue
            if self.is_foreign(name, data):
                self.report.foreign.append(self.folder / self.on_disk[identity])
                continue
            self.taken.add(identity)
            return name

    def put(self, name: str, data: bytes, key: str) -> None:
        """Write ``name`` unless the reader edited it; record what happened."""
        actual = self.on_disk.get(name_identity(name), name)
        path = self.folder / actual
        current = self._current(name)
        entry = self.manifest.files.get(actual)
        if current is None:
            self._write(path, data, key)
            self.on_disk[name_identity(actual)] = actual
        elif current == data:
            self.report.unchanged.append(path)
        elif entry is None or _sha(current) != entry["sha256"]:
            if entry is None:
                raise LibraryError(
                    f"{path} exists and was not written by Papershelf; it was left alone "
                    "(choose another file name)"
                )
            self.report.skipped_edited.append(path)
            return  # keep the old hash: the file stays "edited" until the reader deletes it
        else:
            self._write(path, data, key)
        self.manifest.record(actual, data, key)

    def _write(self, path: Path, data: bytes, key: str) -> None:
        self.in_flight = (path, data)
        self.manifest.announce(path.name, data, key)
        atomic_write(path, data)
        self.report.written.append(path)
        self.in_flight = None

    def settle(self) -> None:
        """After Ctrl-C: report the file being written if it was written in full."""
        if self.in_flight is None:
            return
        path, data = self.in_flight
        with contextlib.suppress(OSError):
            if path not in self.report.written and path.read_bytes() == data:
                self.report.written.append(path)
        self.in_flight = None


def _papers(library: Library, ids: Sequence[int]) -> Iterator[Paper]:
    for start in range(0, len(ids), _CHUNK):
        yield from library.papers(ids[start : start + _CHUNK])


def _target(target: Path, layout: str) -> tuple[Path, str | None]:
    """(folder, journal file name) for an export target; a link leads to its target."""
    if layout not in LAYOUTS:
        raise LibraryError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if layout == "single" and target.suffix.lower() == ".md" and not target.is_dir():
        # The manifest keeps only such names: another would be foreign next time.
        if not _valid_name(target.name):
            raise LibraryError(
                f"{target.name!r} is not a file name that works on Windows, macOS and Linux"
            )
        real = resolve_link(target)
        if not _valid_name(real.name):
            raise LibraryError(
                f"{target} links to {real.name!r}, not a Markdown file name that works on "
                "Windows, macOS and Linux"
            )
        return real.parent, real.name
    return target, JOURNAL_NAME if layout == "single" else None


def _interrupted(report: ExportReport, total: int, journal: str | None) -> ExportInterrupted:
    """The one line an interrupted export ends with: how far it got."""
    if journal is not None:
        path = report.folder / journal
        if report.written or report.unchanged or report.skipped_edited:
            return ExportInterrupted(f"interrupted at the end; {path}: {report.summary()}", report)
        message = f"interrupted: nothing was exported; {path} was left as it was"
        return ExportInterrupted(message, report)
    done = len(report.written) + len(report.unchanged) + len(report.skipped_edited)
    return ExportInterrupted(
        f"interrupted: wrote {done:,} of {plural(total, 'note')} to {report.folder}; "
        "run the export again to finish",
        report,
    )


def _journal_papers(
    library: Library, ids: Sequence[int], progress: Progress | None
) -> list[Paper] | None:
    """The papers of a journal, in order; None when progress cancelled."""
    papers = []
    for done, paper in enumerate(_papers(library, ids), 1):
        papers.append(paper)
        if progress is not None and progress(done, len(ids)) is False:
            return None
    return papers


def _stream_journal(
    library: Library, ids: Sequence[int], target: Path, progress: Progress | None
) -> ExportReport:
    """The journal into a FIFO, a device or /dev/stdout: no manifest, nothing to keep."""
    report = ExportReport(folder=target.parent)
    try:
        papers = _journal_papers(library, ids, progress)
    except KeyboardInterrupt:
        raise ExportInterrupted("interrupted: nothing was exported", report) from None
    if papers is None:
        report.cancelled = True
        return report
    write_output(target, render_journal(papers, journal_statistics(library)).encode("utf-8"))
    report.written.append(target)
    return report


def export_notes(
    library: Library,
    ids: Sequence[int],
    target: Path | str,
    layout: str = "single",
    progress: Progress | None = None,
) -> ExportReport:
    """Export the notes of ``ids`` (in that order) as Markdown.

    ``layout="single"``: one reading journal; ``target`` is a folder (the journal is
    ``reading-journal.md`` in it) or a ``.md`` file. ``layout="per-paper"``: ``target``
    is a folder that gets one ``KEY.md`` per paper. The folder is created if needed.
    A FIFO, a device or ``/dev/stdout`` gets the journal as a stream; a link to a file
    leads to that file.
    Raises ExportError (a LibraryError, with ``.report``) when the disk refuses a write,
    ExportInterrupted (a KeyboardInterrupt) on Ctrl-C; either way the files already
    written stay complete and recorded.
    """
    target = Path(target).expanduser()
    ids = list(ids)
    if layout == "single" and is_stream(target):
        return _stream_journal(library, ids, target, progress)
    folder, journal = _target(target, layout)
    folder = ensure_folder(folder)
    report = ExportReport(folder=folder)
    writer = _Writer(folder, report)
    try:
        if journal is not None:
            papers = _journal_papers(library, ids, progress)
            if papers is None:
                report.cancelled = True
                return report
            text = render_journal(papers, journal_statistics(library))
            writer.put(journal, text.encode("utf-8"), "")
        else:
            for done, paper in enumerate(_papers(library, ids), 1):
                data = render_paper(paper).encode("utf-8")
                writer.put(writer.choose_name(paper.key, data), data, paper.key)
                if progress is not None and progress(done, len(ids)) is False:
                    report.cancelled = True
                    break
        writer.manifest.save()
    except LibraryError as exc:
        with contextlib.suppress(LibraryError):
            writer.manifest.save()  # what was written is recorded, so it stays Papershelf's
        raise ExportError(str(exc), report) from exc
    except KeyboardInterrupt:
        writer.settle()
        with contextlib.suppress(LibraryError):
            writer.manifest.save()  # if this fails, the pending file still says it all
        raise _interrupted(report, len(ids), journal) from None
    return report
