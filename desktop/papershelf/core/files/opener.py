"""Opening a paper: its PDF, else its DOI or arXiv page, else its first code link.

Only two kinds of thing are ever handed to the system: a PDF (named .pdf and starting
with ``%PDF-``, checked again at the moment it is opened) and an http(s) URL. Any
other attached file is shown in its folder instead, so no ``.desktop`` file,
executable or script is ever launched from Papershelf.

The opener is a parameter everywhere, so tests record what would have been opened
instead of starting a browser; ``PAPERSHELF_OPENER`` names a command that receives
the URL as its one argument (the command line and the window both honour it).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from papershelf.core.errors import LibraryError
from papershelf.core.fields import Paper
from papershelf.core.files.folder import location
from papershelf.core.io.pdf import is_pdf_file
from papershelf.core.store import attachments
from papershelf.core.store.attachments import Attachment
from papershelf.core.store.library import Library

OPENER_ENV = "PAPERSHELF_OPENER"

# Opens one URL (https://..., or file:///... of a PDF or of a folder).
Opener = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """What opening a paper opens."""

    url: str  # what the opener is given
    kind: str  # "pdf", "doi", "arxiv", "code" or "folder"
    label: str  # for the reader: "the PDF", "the DOI page"...


def doi_url(doi: str) -> str:
    """The doi.org page of a DOI (its characters kept readable, the rest escaped)."""
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-<>")


def arxiv_url(arxiv_id: str) -> str:
    """arXiv's abstract page of an id."""
    return "https://arxiv.org/abs/" + quote(arxiv_id.strip(), safe="/.-")


def is_web_url(url: str) -> bool:
    """True for an http(s) URL with a host: the only links Papershelf opens."""
    lowered = url.strip().lower()
    return (
        lowered.startswith(("https://", "http://"))
        and len(lowered.split("/")) > 2
        and bool(lowered.split("/")[2])
    )


def attachment_target(library: Library, attachment: Attachment) -> Target:
    """Open a PDF; show any other file in its folder. LibraryError when it is missing."""
    path = location(library, attachment.path, attachment.linked)
    if not path.is_file():
        raise LibraryError(f"the attached file {path} is missing")
    if is_pdf_file(path):
        return Target(path.resolve().as_uri(), "pdf", "the PDF")
    return Target(path.resolve().parent.as_uri(), "folder", f"the folder of {path.name}")


def paper_target(library: Library, paper: Paper) -> Target:
    """What opening ``paper`` opens (see the module doc); LibraryError when nothing."""
    files = attachments.of_papers(library, [paper.id])[paper.id]
    for attachment in files:
        if attachment.kind == attachments.PDF:
            path = location(library, attachment.path, attachment.linked)
            if is_pdf_file(path):
                return Target(path.resolve().as_uri(), "pdf", "the PDF")
    if paper.doi and paper.doi.strip():
        return Target(doi_url(paper.doi), "doi", "the DOI page")
    if paper.arxiv_id and paper.arxiv_id.strip():
        return Target(arxiv_url(paper.arxiv_id), "arxiv", "the arXiv page")
    for url in paper.code_urls:
        if is_web_url(url):
            return Target(url.strip(), "code", "the code")
    if paper.url and is_web_url(paper.url):
        return Target(paper.url.strip(), "url", "the paper's page")
    for attachment in files:
        if location(library, attachment.path, attachment.linked).is_file():
            return attachment_target(library, attachment)
    raise LibraryError(f"{paper.key} has no PDF, DOI, arXiv id or link to open")


def system_opener() -> Opener:
    """``PAPERSHELF_OPENER``'s command when set, else the platform's own opener."""
    command = os.environ.get(OPENER_ENV, "").strip()
    if command:
        return command_opener(shlex.split(command), wait=True)
    if sys.platform == "darwin":
        return command_opener(["open"])
    if sys.platform == "win32":
        return _windows_opener
    return command_opener(["xdg-open"])


def command_opener(argv: list[str], *, wait: bool = False) -> Opener:
    """An opener that runs ``argv`` plus the URL (no shell).

    The system's opener is not waited for (some wait until the viewer closes);
    ``PAPERSHELF_OPENER``'s command is, so what it records is there when open returns.
    """

    def open_url(url: str) -> None:
        try:
            process = subprocess.Popen(
                [*argv, url],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=not wait,
            )
            if wait and process.wait(timeout=30) != 0:
                raise LibraryError(f"cannot open {url}: {argv[0]} failed")
        except subprocess.TimeoutExpired as exc:
            raise LibraryError(f"cannot open {url}: {argv[0]} did not finish") from exc
        except OSError as exc:
            raise LibraryError(f"cannot open {url}: {argv[0]}: {exc.strerror or exc}") from exc

    return open_url


def _windows_opener(url: str) -> None:  # pragma: no cover - Windows only
    try:
        os.startfile(url)  # type: ignore[attr-defined]
    except OSError as exc:
        raise LibraryError(f"cannot open {url}: {exc.strerror or exc}") from exc
