"""The ``files/`` folder beside the library, where attached files are copied.

A copy is named after the paper's citation key (``KEY.pdf``, ``KEY-2.pdf`` when that
name is taken) and appears whole or not at all: it is written to a temporary name,
synced, then given its name with a hard link, which fails rather than replace a file
that is already there (another library may share the folder).

Files are deleted only when no undo can bring back an attachment that names them:
deleting a paper (or undoing an attach) leaves its file in place, and ``clean_up``
deletes the files Papershelf stored that no attachment names, when nothing can be
undone any more (the window calls it when it starts and when it closes; the command
line undoes nothing, but a window may be open, so it never cleans).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from papershelf.core.errors import LibraryError
from papershelf.core.safety.safe_files import (
    describe_os_error,
    name_identity,
    numbered_filename,
    sync_folder,
)
from papershelf.core.store import attachments
from papershelf.core.store.library import Library

FOLDER_NAME = "files"
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """A file copied into the files folder."""

    name: str  # relative to the files folder
    size: int
    sha256: str


def files_folder(library_path: Path | str) -> Path:
    """``files/`` beside the library file."""
    return Path(library_path).expanduser().resolve().parent / FOLDER_NAME


def location(library: Library, path: str, linked: bool) -> Path:
    """Where an attachment's file is on disk."""
    return Path(path) if linked else files_folder(library.path) / path


def file_facts(path: Path) -> tuple[int, str]:
    """(size, sha256) of a file, read once."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def store_copy(library: Library, source: Path, key: str) -> StoredFile:
    """Copy ``source`` into the files folder under the paper's key; the folder records it.

    Raises LibraryError (and leaves nothing behind) when the file cannot be read or
    the folder cannot be written.
    """
    folder = files_folder(library.path)
    if not source.is_file():
        raise LibraryError(f"cannot attach {source}: it is not a file")
    extension = source.suffix.lower() if source.suffix.isascii() else ""
    extension = extension if 1 < len(extension) <= 10 and extension[1:].isalnum() else ""
    temp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".papershelf-", suffix=".partial")
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_COPY_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        name = _claim(folder, Path(temp), key, extension)
        temp = None if name else temp
    except OSError as exc:
        raise LibraryError(f"cannot attach {source.name}: {describe_os_error(exc)}") from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    sync_folder(folder)
    attachments.note_stored(library, name)
    return StoredFile(name, size, digest.hexdigest())


def _claim(folder: Path, temp: Path, key: str, extension: str) -> str:
    """Give ``temp`` the first free name KEY.ext, KEY-2.ext...; returns that name."""
    taken = {name_identity(p.name) for p in folder.iterdir()}
    number = 1
    while True:
        name = numbered_filename(key, number, extension)
        number += 1
        if name_identity(name) in taken:
            continue
        try:
            os.link(temp, folder / name)  # fails when the name exists: never replaces
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            if (folder / name).exists():
                continue
            os.replace(temp, folder / name)
            return name
        os.unlink(temp)
        return name


def discard(library: Library, name: str) -> None:
    """Delete a file just stored whose attachment was not written."""
    with contextlib.suppress(OSError):
        (files_folder(library.path) / name).unlink()
    attachments.forget_stored(library, [name])


def clean_up(library: Library) -> list[str]:
    """Delete the files Papershelf stored that no attachment names; return their names.

    Only when no undo can bring such an attachment back: see the module doc.
    """
    folder = files_folder(library.path)
    unused = sorted(attachments.stored_paths(library) - attachments.paths_in_use(library))
    gone: list[str] = []
    for name in unused:
        target = folder / name
        if target.parent != folder:
            continue  # a name from a damaged row: never delete outside the folder
        try:
            target.unlink(missing_ok=True)
        except OSError:
            continue  # kept one more time; tried again at the next start
        gone.append(name)
    attachments.forget_stored(library, gone)
    attachments.drop_orphan_text(library)
    return gone
