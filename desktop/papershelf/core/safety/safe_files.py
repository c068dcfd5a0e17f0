"""File names that are valid everywhere, and writes that never leave half a file.

Exports land in folders a reader syncs between Windows, macOS and Linux (Obsidian
vaults, git repositories), so a name must be legal on all three, stay inside the
chosen folder whatever a title or key contains, and not collide with another name on
a case-insensitive file system. A write goes to a temporary file in the same folder
that replaces the target only once it is complete on disk, so a full disk or a killed
process leaves the old file (or none), never a truncated one.

A path the reader names (``--out``) is written where it leads: through a symbolic link
to the link's target (the link stays), into a FIFO, a device or ``/dev/stdout`` as a
stream (they are not files to replace).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import unicodedata
from pathlib import Path

from papershelf.core.errors import LibraryError

MAX_NAME_BYTES = 255  # ext4, APFS and NTFS all stop at 255 (bytes or UTF-16 units)
TEMP_SUFFIX = ".papershelf-tmp"

# Characters Windows forbids in names, plus every control character (C0, DEL, C1).
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f]')
# Windows refuses these as a name, with or without an extension ("CON.md" too), and
# treats the superscript-digit forms of COM and LPT the same way.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "123456789¹²³"]
)


def _cut_to_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 form fits in ``limit`` bytes."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def safe_filename(stem: str, extension: str = ".md", *, reserve: int = 0) -> str:
    """A file name for ``stem`` that is legal on Windows, macOS and Linux.

    Forbidden characters become ``_``; a leading dot (hidden files, ``..``) and
    trailing dots and spaces (Windows drops them) are removed; reserved device names
    get a ``_`` prefix; the result fits in 255 UTF-8 bytes with ``reserve`` bytes to
    spare for a uniqueness suffix. Never empty, never a path.
    """
    name = unicodedata.normalize("NFC", stem)
    name = _FORBIDDEN.sub("_", name)
    name = " ".join(name.split())  # newlines and runs of spaces read badly in a file list
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        name = "paper"
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    budget = MAX_NAME_BYTES - len(extension.encode("utf-8")) - reserve
    name = _cut_to_bytes(name, budget).rstrip(". ") or "paper"
    return name + extension


def name_identity(name: str) -> str:
    """What two names must differ in to be two files on every file system.

    macOS normalises names to NFD and, like Windows, ignores case by default.
    """
    return unicodedata.normalize("NFC", name).casefold()


def numbered_filename(stem: str, number: int, extension: str = ".md") -> str:
    """``safe_filename(stem)`` for 1, then the same name suffixed ``-2``, ``-3``..."""
    if number <= 1:
        return safe_filename(stem, extension)
    suffix = f"-{number}"
    base = safe_filename(stem, "", reserve=len(suffix) + len(extension.encode("utf-8")))
    return f"{base}{suffix}{extension}"


def unique_filename(stem: str, taken: set[str], extension: str = ".md") -> str:
    """The first of ``numbered_filename(stem, 1, 2, ...)`` not in ``taken``.

    ``taken`` holds :func:`name_identity` values; the chosen name's is added to it.
    """
    number = 1
    while name_identity(name := numbered_filename(stem, number, extension)) in taken:
        number += 1
    taken.add(name_identity(name))
    return name


def describe_os_error(exc: OSError) -> str:
    """The reason of an OSError in words a reader acts on."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    hints = {
        28: "the disk is full",  # ENOSPC
        30: "the disk is read-only",  # EROFS
        13: "permission denied",  # EACCES
        1: "permission denied",  # EPERM
        20: "a part of the path is a file, not a folder",  # ENOTDIR
        122: "the disk quota is exceeded",  # EDQUOT
    }
    return hints.get(exc.errno or 0, reason)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an export or an import; ``str()`` is the one line saying how far it got.

    A KeyboardInterrupt still, so whatever stops on Ctrl-C stops on this too.
    """


def ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) or say clearly why it cannot be used.

    A link to a folder that does not exist yet creates that folder, so the link keeps
    leading there.
    """
    if folder.exists() and not folder.is_dir():
        raise LibraryError(f"cannot export to {folder}: it is a file, not a folder")
    try:
        if folder.is_symlink() and not folder.exists():
            resolve_link(folder).mkdir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(f"cannot create the folder {folder}: {describe_os_error(exc)}") from exc
    return folder


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once; on failure nothing new is left behind.

    Raises LibraryError naming the file and the reason (disk full, read-only...).
    """
    folder = path.parent
    fd = -1
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".papershelf-", suffix=TEMP_SUFFIX)
        with os.fdopen(fd, "wb") as handle:
            fd = -1  # the file object owns it now
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); an export is an ordinary file.
        with contextlib.suppress(OSError):
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        os.replace(temp, path)
        temp = None
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {describe_os_error(exc)}") from exc
    finally:
        if fd >= 0:
            os.close(fd)
        if temp is not None:
            with contextlib.suppress(OSError):  # the folder may have vanished with it
                os.unlink(temp)
    sync_folder(folder)


def resolve_link(path: Path) -> Path:
    """The file a link (or a chain of links) named ``path`` ends at; ``path`` if no link.

    Writing there instead of replacing ``path`` keeps the link a link. The target need
    not exist yet, but its folder must: a link is not a reason to create folders.
    """
    if not path.is_symlink():
        return path
    real = Path(os.path.realpath(path))
    if real.is_symlink():  # realpath stops where the links go round in a circle
        raise LibraryError(f"cannot use {path}: its links lead round in a circle")
    if not real.parent.is_dir():
        raise LibraryError(f"cannot use {path}: it links to {real}, whose folder does not exist")
    return real


# /dev/stdout, /dev/fd/63 (what bash's >(...) passes) and their /proc forms.
_DESCRIPTOR_PATH = re.compile(
    r"/dev/std(?P<std>in|out|err)|/dev/fd/(?P<fd>\d+)|/proc/(?P<pid>self|\d+)/fd/(?P<pfd>\d+)"
)
_STANDARD = {"in": 0, "out": 1, "err": 2}


def descriptor_of(path: Path) -> int | None:
    """The descriptor of this process ``path`` names (1 for ``/dev/stdout``), else None.

    A link to such a path names it too. It is written through the descriptor itself,
    which keeps the shell's ``>>`` and its position in a file; opening the path anew
    would start at the top.
    """
    if os.name != "posix":
        return None
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links in a row
        match = _DESCRIPTOR_PATH.fullmatch(current)
        if match is not None:
            if match["std"]:
                return _STANDARD[match["std"]]
            if match["pid"] not in (None, "self", str(os.getpid())):
                return None  # another process's descriptor: an ordinary path
            return int(match["fd"] or match["pfd"])
        try:
            link = os.readlink(current)
        except OSError:
            return None  # not a link (or gone): an ordinary path
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def is_stream(path: Path) -> bool:
    """Whether ``path`` is written as a stream: a descriptor, a FIFO, a device, a socket."""
    if descriptor_of(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_stream(path: Path, data: bytes) -> None:
    """Write ``data`` into a stream; a reader that stops early raises BrokenPipeError."""
    descriptor = descriptor_of(path)
    try:
        if descriptor is not None:
            for handle in (sys.stdout, sys.stderr):
                if handle is not None:
                    handle.flush()  # what was printed before comes before the export
            _write_all(descriptor, data)
            return
        # No O_CREAT or O_TRUNC: a FIFO or a device is written, never made or emptied.
        # Opening a FIFO waits for its reader, as ``cat > fifo`` does.
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except BrokenPipeError:
        raise  # the reader stopped reading, as with "| head": its choice, not an error
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {describe_os_error(exc)}") from exc


def write_output(path: Path, data: bytes) -> None:
    """Write an export to the path the reader named, wherever it leads.

    A regular file, or a link (through any chain of links) to one, is replaced
    atomically at the link's target, keeping its permission bits, so the link stays a
    link and a failure leaves the old content. A FIFO, a device or ``/dev/stdout`` is
    written as a stream. A folder, a read-only file or a broken path is refused with a
    LibraryError; Ctrl-C raises Interrupted saying what the target holds.
    """
    streaming = is_stream(path)
    if not streaming:
        try:
            mode: int | None = os.stat(path).st_mode
        except FileNotFoundError:
            mode = None  # a new file, or a link to one
        except OSError as exc:
            raise LibraryError(f"cannot write {path}: {describe_os_error(exc)}") from exc
        if mode is not None and stat.S_ISDIR(mode):
            raise LibraryError(f"{path} is a folder; give a file name")
        target = resolve_link(path)
        if mode is not None and not os.access(target, os.W_OK):
            # Replacing would succeed in a writable folder; the reader protected the file.
            raise LibraryError(f"cannot write {path}: the file is read-only")
    try:
        if streaming:
            _write_stream(path, data)
        else:
            atomic_write(target, data)
    except KeyboardInterrupt:
        if streaming:
            message = f"interrupted while writing to {path}: the output is incomplete"
            raise Interrupted(message) from None
        raise Interrupted(
            f"interrupted while writing {path}: it holds its old content or the whole "
            "export, never a part"
        ) from None


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows has no directory handles)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network, FUSE) refuse; the data itself is synced
    finally:
        os.close(fd)
