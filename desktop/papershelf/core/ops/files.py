"""Operations on attached files: attach one, add a paper from a PDF, index a PDF's text.

Attaching copies the file into the files folder first (``files.folder``), then writes
the attachment in one recorded transaction: undo takes the row away (the file stays
until nothing can be undone, see ``folder.clean_up``) and redo brings it back. A copy
whose row could not be written is deleted at once.

The text of a PDF is read after the attach (the window on a background thread, the
command line at once) by ``index_text``; it is derived data, not an undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.files import folder
from papershelf.core.files.opener import Opener, Target, attachment_target, paper_target
from papershelf.core.io import pdf
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.papers import set_status
from papershelf.core.ops.undoable import run
from papershelf.core.same_paper import complete, find_same
from papershelf.core.store import attachments
from papershelf.core.store.library import Library

# Looks an identifier up (an arXiv id or a DOI) and says what describes its paper, or
# None when it knows nothing; raises LibraryError when the lookup failed (offline): the
# paper is then made from the PDF alone and tagged incomplete.
Lookup = Callable[[str], PaperFields | None]

INCOMPLETE_TAG = "incomplete"  # a paper made from a file name alone: complete it by hand


@dataclass(frozen=True)
class Attached:
    """What an attach did."""

    attachment_id: int
    path: str  # as stored: relative to the files folder, or absolute when linked
    kind: str
    changes: Changes


@dataclass(frozen=True)
class AddedFromPdf:
    """What ``add_pdf`` did: ``added`` or ``merged`` a paper, and how it knew it."""

    paper_id: int
    key: str
    action: str  # "added" or "merged"
    source: str  # "lookup", "identifiers", "metadata" or "file name"
    attachment_id: int
    changes: Changes
    lookup_error: str = ""  # why the lookup failed (offline), when it did

    @property
    def incomplete(self) -> bool:
        """True when only the file name, or a PDF whose lookup failed, said what it is."""
        return self.source == "file name" or bool(self.lookup_error)


def _kind(path: Path) -> str:
    return attachments.PDF if pdf.is_pdf_file(path) else attachments.OTHER


def _prepare(library: Library, source: Path, key: str, link: bool) -> tuple[str, int, str | None]:
    """(stored path, size, sha256): the file copied into the files folder, or linked."""
    source = source.expanduser()
    if source.is_dir():
        raise LibraryError(f"cannot attach {source}: it is a folder, not a file")
    if not source.is_file():
        raise LibraryError(f"cannot attach {source}: no such file")
    if link:
        absolute = source.expanduser().resolve()
        try:
            size = absolute.stat().st_size
        except OSError as exc:
            raise LibraryError(f"cannot attach {source}: {exc.strerror or exc}") from exc
        return str(absolute), size, None
    stored = folder.store_copy(library, source, key)
    return stored.name, stored.size, stored.sha256


def attach(library: Library, paper_id: int, source: Path | str, *, link: bool = False) -> Attached:
    """Attach a file to a paper: copied into ``files/`` as KEY.ext, or linked where it is.

    ``source`` may be a temporary file (a download): it is copied, and the caller
    deletes it. One undo step.
    """
    source = Path(source)
    [done], changes = attach_all(library, [(paper_id, source)], f"Attach {source.name[:40]}", link)
    return Attached(done.attachment_id, done.path, done.kind, changes)


def attach_all(
    library: Library,
    files: Sequence[tuple[int, Path]],
    label: str,
    link: bool = False,
) -> tuple[list[Attached], Changes]:
    """Attach each ``(paper_id, file)`` in one undo step (downloaded PDFs of a batch).

    Every file is copied first; when one copy or the write fails, the copies already
    made are deleted and nothing is attached.
    """
    prepared: list[tuple[int, str, int, str | None, str]] = []
    try:
        for paper_id, source in files:
            key = library.paper(paper_id).key  # raises when there is no such paper
            kind = _kind(Path(source))
            path, size, sha256 = _prepare(library, Path(source), key, link)
            prepared.append((paper_id, path, size, sha256, kind))

        def write() -> list[int]:
            return [
                attachments.insert(
                    library, paper_id, path, kind=kind, size=size, linked=link, sha256=sha256
                )
                for paper_id, path, size, sha256, kind in prepared
            ]

        ids, changes = run(library, label, write)
    except BaseException:
        if not link:
            for _, path, _, _, _ in prepared:
                folder.discard(library, path)
        raise
    done = [
        Attached(attachment_id, path, kind, changes)
        for attachment_id, (_, path, _, _, kind) in zip(ids, prepared, strict=True)
    ]
    return done, changes


def _describe(
    facts: pdf.PdfFacts, path: Path, lookup: Lookup | None
) -> tuple[PaperFields, str, str]:
    """What the PDF says of its paper, from where that came, and why a lookup failed."""
    failed = ""
    if lookup is not None:
        for identifier in (facts.arxiv_id, facts.doi):
            if not identifier:
                continue
            try:
                found = lookup(identifier)
            except LibraryError as exc:
                failed = failed or str(exc)
                continue
            if found is not None:
                found.arxiv_id = found.arxiv_id or facts.arxiv_id
                found.doi = found.doi or facts.doi
                return found, "lookup", ""
    if facts.title:
        source = "identifiers" if facts.arxiv_id or facts.doi else "metadata"
        fields = PaperFields(title=facts.title, doi=facts.doi, arxiv_id=facts.arxiv_id)
        return fields, source, failed
    if facts.arxiv_id or facts.doi:
        title = f"arXiv:{facts.arxiv_id}" if facts.arxiv_id else f"doi:{facts.doi}"
        fields = PaperFields(title=title, doi=facts.doi, arxiv_id=facts.arxiv_id)
        return fields, "identifiers", failed
    title = " ".join(path.stem.replace("_", " ").split()) or path.name
    return PaperFields(title=title), "file name", failed


def add_pdf(library: Library, path: Path | str, lookup: Lookup | None = None) -> AddedFromPdf:
    """Create or complete a paper from a PDF, and attach the PDF to it: one undo step.

    The paper is what ``lookup`` says of the arXiv id or DOI the PDF names (when a
    lookup is given); else the PDF's title metadata with its identifiers; else the
    file name, and the paper is tagged ``incomplete`` (so is a new paper whose lookup
    failed, offline: ``lookup_error`` says why). A paper the library already
    has (same DOI, arXiv id, or title and first author) is completed, not doubled;
    what the reader wrote in it is never replaced.
    """
    path = Path(path)
    facts = pdf.read_facts(path)  # PdfError (a LibraryError) when it cannot be read
    fields, source, failed = _describe(facts, path, lookup)
    existing = find_same(library, fields) if source != "file name" else None
    key = library.paper(existing).key if existing is not None else None
    stored: list[str] = []

    def write() -> tuple[int, int]:
        if existing is not None:
            old = library.paper(existing)
            merged = complete(old, fields)
            if merged != old.describing():
                library.update_paper(existing, merged)
            paper_id = existing
        else:
            paper_id = library.add_paper(fields)
            if source == "file name" or failed:
                library.add_tags([paper_id], [INCOMPLETE_TAG])
        name, size, sha256 = _prepare(library, path, key or library.paper(paper_id).key, False)
        stored.append(name)
        attachment_id = attachments.insert(
            library, paper_id, name, kind=_kind(path), size=size, linked=False, sha256=sha256
        )
        return paper_id, attachment_id

    label = f"Add {path.name[:40]}"
    try:
        (paper_id, attachment_id), changes = run(library, label, write)
    except BaseException:
        for name in stored:
            folder.discard(library, name)
        raise
    action = "merged" if existing is not None else "added"
    return AddedFromPdf(
        paper_id, library.paper(paper_id).key, action, source, attachment_id, changes, failed
    )


def index_text(
    library: Library, attachment_id: int, *, stop: Callable[[], bool] | None = None
) -> str:
    """Read a PDF attachment's text into the ``text:`` index; returns its state.

    The state is "indexed", or the one line saying why the text could not be read
    (kept, so the file is not tried again at every start).
    """
    found = attachments.get(library, attachment_id)
    if found is None or found.kind != attachments.PDF:
        return "gone"
    try:
        text = pdf.full_text(folder.location(library, found.path, found.linked), stop=stop)
    except pdf.PdfError as exc:
        attachments.set_text(library, attachment_id, None, str(exc))
        return str(exc)
    if attachments.get(library, attachment_id) is None:
        return "gone"  # undone while it was read
    attachments.set_text(library, attachment_id, text, "indexed")
    return "indexed"


# Opening a paper in these states means the reader started it.
_UNREAD = ("new", "to-read")


def open_paper(
    library: Library, paper_id: int, opener: Opener, *, mark_reading: bool = True
) -> tuple[Target, Changes | None]:
    """Open the paper (``opener.paper_target``); a new or to-read paper becomes reading.

    The status change is one undo step (the returned Changes; None when the status
    stayed). Nothing is marked when the opener fails (LibraryError).
    """
    paper = library.paper(paper_id)
    target = paper_target(library, paper)
    opener(target.url)
    if mark_reading and paper.status in _UNREAD:
        return target, set_status(library, [paper_id], "reading")
    return target, None


def open_attachment(library: Library, attachment_id: int, opener: Opener) -> Target:
    """Open one attachment: a PDF in the viewer, any other file shown in its folder."""
    found = attachments.get(library, attachment_id)
    if found is None:
        raise LibraryError("that attachment is gone")
    target = attachment_target(library, found)
    opener(target.url)
    return target
