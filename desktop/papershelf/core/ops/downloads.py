"""Downloading the arXiv PDF of papers that have an arXiv id and no PDF yet.

A download streams through ``PoliteClient`` (arXiv's pace for the PDF host, retries,
a size limit, ``%PDF-`` checked before a byte is written) into a temporary file in the
files folder, which is then attached (``ops.files``: copied under the paper's key, one
undo step) and deleted. A download that fails or is cancelled deletes its temporary
file, so it leaves nothing behind: no file, no attachment row.

The command line attaches each PDF as it arrives (Ctrl-C keeps what finished); the
window downloads the batch on its network lane and attaches what arrived in one
operation on the main thread (``attach_downloads``), so the batch is one undo step.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from papershelf.core.errors import LibraryError
from papershelf.core.files.folder import files_folder
from papershelf.core.ops import files
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import papers_phrase
from papershelf.core.plural import size_text
from papershelf.core.safety.safe_files import describe_os_error
from papershelf.core.store import attachments
from papershelf.core.store.library import Library

# httpx and feedparser load where a download runs: the window lists what to fetch on
# its main thread, which their import would stall.
if TYPE_CHECKING:
    from papershelf.core.net.http import PoliteClient

MAX_PDF_BYTES = 100 * 2**20  # arXiv's own upload limit is 50 MB; twice that is a broken answer
PDF_TYPES = ("application/pdf", "application/x-pdf", "application/octet-stream")
PDF_MAGIC = b"%PDF-"

# ``progress(received, total_or_None)`` of the one PDF on its way.
Bytes = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class Wanted:
    """A paper whose PDF is to be downloaded."""

    paper_id: int
    key: str
    arxiv_id: str


@dataclass(frozen=True)
class Downloaded:
    """A PDF on disk in the files folder under a temporary name, not attached yet."""

    wanted: Wanted
    temp: Path
    size: int


@dataclass(frozen=True)
class Fetched:
    """What became of one paper: ``fetched KEY (1.2 MB)`` or ``error KEY: reason``."""

    key: str
    result: Literal["fetched", "error"]
    size: int = 0
    reason: str = ""
    unreachable: bool = False  # the host could not be reached: the others will not be

    def line(self) -> str:
        if self.result == "error":
            return f"error {self.key}: {self.reason}"
        return f"fetched {self.key} ({size_text(self.size)})"


def papers_to_fetch(library: Library, query: str = "") -> list[Wanted]:
    """The papers matching ``query`` (all when empty) with an arXiv id and no PDF."""
    papers = [p for p in library.papers(library.search(query)) if p.arxiv_id]
    attached = attachments.of_papers(library, [p.id for p in papers])
    return [
        Wanted(p.id, p.key, p.arxiv_id or "")
        for p in papers
        if not any(a.kind == attachments.PDF for a in attached[p.id])
    ]


def download(
    folder: Path,
    wanted: Wanted,
    client: PoliteClient,
    *,
    max_bytes: int = MAX_PDF_BYTES,
    progress: Bytes | None = None,
) -> Downloaded:
    """Stream the paper's arXiv PDF into a temporary file in ``folder``.

    Raises NetError (a LibraryError) with a one-line reason, or NetCancelled; either
    way the temporary file is gone.
    """
    from papershelf.core.net import arxiv

    url = arxiv.prepare_pdf(client, wanted.arxiv_id)
    temp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Hidden, and ending .pdf: the copy into the folder takes its extension.
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".papershelf-download-", suffix=".pdf")
        with os.fdopen(fd, "wb") as sink:
            client.download(
                url,
                sink,
                accept=PDF_TYPES,
                max_bytes=max_bytes,
                starts_with=PDF_MAGIC,
                progress=progress,
            )
            sink.flush()
            os.fsync(sink.fileno())
        size = Path(temp).stat().st_size
    except OSError as exc:
        _remove(temp)
        raise LibraryError(f"cannot write into {folder}: {describe_os_error(exc)}") from exc
    except BaseException:
        _remove(temp)
        raise
    return Downloaded(wanted, Path(temp), size)


def discard(downloaded: Sequence[Downloaded]) -> None:
    """Delete downloads that will not be attached (or were attached: they are copies)."""
    for done in downloaded:
        _remove(str(done.temp))


def attach_downloads(
    library: Library, downloaded: Sequence[Downloaded]
) -> tuple[list[files.Attached], Changes]:
    """Attach the downloaded PDFs in one undo step, then delete the temporary files."""
    label = f"Download the PDF of {papers_phrase(len(downloaded))}"
    try:
        return files.attach_all(library, [(d.wanted.paper_id, d.temp) for d in downloaded], label)
    finally:
        discard(downloaded)


def fetch_one(
    library: Library,
    wanted: Wanted,
    client: PoliteClient,
    *,
    max_bytes: int = MAX_PDF_BYTES,
    progress: Bytes | None = None,
) -> tuple[Fetched, int | None]:
    """Download, attach and index one paper's PDF (the command line's way).

    Returns the outcome and the new attachment's id (None on an error). NetCancelled
    and KeyboardInterrupt pass through, leaving nothing of this paper behind.
    """
    try:
        done = download(
            files_folder(library.path), wanted, client, max_bytes=max_bytes, progress=progress
        )
        [attached], _ = attach_downloads(library, [done])
    except LibraryError as exc:  # NetError among them
        from papershelf.core.net.http import NetError  # loaded by ``download``

        unreachable = isinstance(exc, NetError) and exc.unreachable
        return Fetched(wanted.key, "error", reason=str(exc), unreachable=unreachable), None
    files.index_text(library, attached.attachment_id)
    return Fetched(wanted.key, "fetched", done.size), attached.attachment_id


def _remove(path: str | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)
