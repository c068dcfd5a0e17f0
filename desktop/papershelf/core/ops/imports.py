"""Importing files as an operation: undo deletes the papers the import added and puts
back, row by row, what it changed in the papers it merged into.

The importer (``core.io.importer``) is not recorded through the journal, which would
slow a large import by half; it runs as it always does, in its one transaction (the
search index is merged after it commits), and the papers it merges into are
snapshotted just before it merges (``store.snapshots``), when it says it is about to
(``Library.before_merge``).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from papershelf.core.errors import BugError, LibraryError
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.undoable import aspects_of, run
from papershelf.core.plural import plural
from papershelf.core.safety.safe_files import describe_os_error
from papershelf.core.store.library import Library
from papershelf.core.store.library_file import IMPORT_MARK_KEY
from papershelf.core.store.snapshots import ImportSnapshots, ImportUndo

if TYPE_CHECKING:
    from papershelf.core.io.bibtex import Progress
    from papershelf.core.io.seed_import import ImportReport


class _Watched:
    """The library as the importer sees it. Its transaction notes the library's marks
    when it begins and compares at its end; a paper it is about to merge into is
    snapshotted first. Everything else is the library itself."""

    def __init__(
        self, library: Library, on_found: Callable[[ImportUndo], None] | None = None
    ) -> None:
        self._library = library
        self._snapshots: ImportSnapshots | None = None
        self._depth = 0
        self._on_found = on_found  # told inside the transaction, before it commits
        self.found: ImportUndo | None = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._library.write() as conn:
            self._depth += 1
            try:
                if self._depth == 1:
                    if self.found is not None:
                        raise BugError("an import wrote in two transactions: it undoes as one")
                    self._snapshots = ImportSnapshots(self._library)
                    self._library.merge_watcher = self._snapshots.take
                yield conn
                if self._depth == 1 and self._snapshots is not None:
                    self.found = self._snapshots.finish()
                    if self._on_found is not None:
                        self._on_found(self.found)
            finally:
                if self._depth == 1:
                    self._library.merge_watcher = None
                self._depth -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)


def import_files(
    library: Library,
    paths: Sequence[Path | str],
    *,
    progress: Progress | None = None,
) -> tuple[ImportReport, Changes]:
    """Import BibTeX files and seed documents in one transaction (``importer.import_files``).

    Raises ImportCancelled, with nothing changed, when ``progress`` returns False.
    """
    label = _label(paths)
    watched = _Watched(library)
    report = _run(watched, paths, progress)
    return report, _changes(label, watched.found, library)


def import_files_recorded(
    library: Library, paths: Sequence[Path | str], record: Path, *, progress: Progress | None
) -> ImportReport:
    """``import_files`` for another process, the window's. Inside the import's
    transaction, what undoes it is written to ``record`` (for ``recorded_changes`` to
    read there) and the library is marked with the record's path (``IMPORT_MARK_KEY``):
    whatever else writes meanwhile, the mark says whether the import was saved, and
    when it was, the record is there."""
    label = _label(paths)

    def keep(found: ImportUndo) -> None:
        # pickle: the record goes from this program to itself, through a folder the
        # window made for it alone; rows keep their SQLite types (bytes, floats) exactly.
        unfinished = record.with_name(record.name + ".part")
        try:
            unfinished.write_bytes(pickle.dumps((label, found)))
            unfinished.replace(record)
        except OSError as exc:
            reason = describe_os_error(exc)
            raise LibraryError(f"its undo record {record} could not be written: {reason}") from exc
        library.set_meta(IMPORT_MARK_KEY, str(record))  # joins the import's transaction

    return _run(_Watched(library, keep), paths, progress)


def recorded_changes(record: Path, library: Library) -> Changes:
    """The undo step of an import another process ran with ``import_files_recorded``."""
    label, found = pickle.loads(record.read_bytes())  # our own record: see above
    return _changes(label, found, library)


def _label(paths: Sequence[Path | str]) -> str:
    names = [Path(p).name for p in paths]
    return f"Import {names[0]}" if len(names) == 1 else f"Import {plural(len(names), 'file')}"


def _run(watched: _Watched, paths: Sequence[Path | str], progress: Progress | None) -> ImportReport:
    from papershelf.core.io import importer  # bibtexparser: only when importing

    return importer.import_files(cast(Library, watched), paths, progress=progress)


def _changes(label: str, found: ImportUndo | None, library: Library) -> Changes:
    if found is None or found.empty:
        return Changes(label)
    used: list[bool] = []

    def undo() -> Changes:
        if used:
            raise BugError(f"undoing “{label}”: it was undone already")
        _, changes = run(library, label, lambda: found.apply(library), replaying=True)
        used.append(True)
        return changes

    return Changes(
        label,
        found.added | frozenset(found.merged),
        frozenset(),
        aspects_of(found.touched_tables, found.paper_columns),
        undo,
    )
