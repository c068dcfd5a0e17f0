"""Undoable edits of the library, after Orange's small QUndoCommands.

Each command records what it needs to undo when it is created (old statuses, who had
a tag, whole-paper snapshots), so undo restores exactly what was there, also for many
papers at once. Every command is one transaction each way, and calls ``changed`` so
the window can show the new state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from papershelf.core.errors import LibraryError
from papershelf.core.paper_fields import PaperFields
from papershelf.core.store import snapshots, tags
from papershelf.core.store.library import Library

Changed = Callable[[], None]


def _papers(n: int) -> str:
    return "1 paper" if n == 1 else f"{n:,} papers"


class LibraryCommand(QUndoCommand):
    """Base: holds the library and the window's refresh callback."""

    def __init__(self, library: Library, changed: Changed, text: str) -> None:
        super().__init__(text)
        self.library = library
        self.changed = changed

    def _apply(self) -> None:
        raise NotImplementedError

    def _revert(self) -> None:
        raise NotImplementedError

    def apply_first(self) -> None:
        """Do the command before it goes on the stack, so a failure never reaches it."""
        self._apply()
        self.changed()
        self._pushed_after_apply = True

    def redo(self) -> None:
        if getattr(self, "_pushed_after_apply", False):
            self._pushed_after_apply = False  # QUndoStack.push redoes once: already done
            return
        self._run(self._apply, "redone")

    def undo(self) -> None:
        self._run(self._revert, "undone")

    def _run(self, step: Callable[[], None], done: str) -> None:
        try:
            step()
        except (LibraryError, sqlite3.Error) as exc:
            QMessageBox.warning(None, "Papershelf", f"“{self.text()}” could not be {done}: {exc}")
        self.changed()


class SetStatusCommand(LibraryCommand):
    """Set the reading status of papers; undo restores each one's previous status."""

    def __init__(self, library: Library, changed: Changed, ids: Sequence[int], status: str) -> None:
        super().__init__(library, changed, f"Mark {_papers(len(ids))} as {status}")
        self.ids = list(ids)
        self.status = status
        self.before = snapshots.status_states(library, self.ids)

    def _apply(self) -> None:
        self.library.set_status(self.ids, self.status)

    def _revert(self) -> None:
        snapshots.restore_status(self.library, self.before)


class AddTagsCommand(LibraryCommand):
    """Tag papers; undo removes a tag only from the papers that did not have it."""

    def __init__(
        self, library: Library, changed: Changed, ids: Sequence[int], names: Sequence[str]
    ) -> None:
        label = ", ".join(names)
        super().__init__(library, changed, f"Tag {_papers(len(ids))} with {label}")
        self.ids = list(ids)
        self.names = [tags.tag_name(library, n) or n for n in names]
        self.had = {n: set(tags.tagged_ids(library, n)) for n in self.names}

    def _apply(self) -> None:
        self.library.add_tags(self.ids, self.names)

    def _revert(self) -> None:
        with self.library.write():
            for name in self.names:
                self.library.remove_tags([i for i in self.ids if i not in self.had[name]], [name])


class RemoveTagsCommand(LibraryCommand):
    """Untag papers; undo gives the tag back to exactly the papers that had it."""

    def __init__(
        self, library: Library, changed: Changed, ids: Sequence[int], names: Sequence[str]
    ) -> None:
        super().__init__(library, changed, f"Remove {', '.join(names)} from {_papers(len(ids))}")
        self.ids = list(ids)
        self.names = [tags.tag_name(library, n) or n for n in names]
        self.had = {n: sorted(set(tags.tagged_ids(library, n)) & set(ids)) for n in self.names}

    def _apply(self) -> None:
        self.library.remove_tags(self.ids, self.names)

    def _revert(self) -> None:
        with self.library.write():
            for name, ids in self.had.items():
                self.library.add_tags(ids, [name])


class RenameTagCommand(LibraryCommand):
    """Rename (or merge into another) tag; undo splits a merge back apart."""

    def __init__(self, library: Library, changed: Changed, old: str, new: str) -> None:
        self.old = tags.tag_name(library, old) or old
        self.new = new.strip()
        target = tags.tag_name(library, self.new)
        merging = target is not None and target.casefold() != self.old.casefold()
        verb = "Merge" if merging else "Rename"
        super().__init__(library, changed, f"{verb} tag {self.old} into {self.new}")
        self.old_ids = tags.tagged_ids(library, self.old)
        self.target_ids = set(tags.tagged_ids(library, self.new)) if merging else set()
        self.target_name = target if merging else None

    def _apply(self) -> None:
        tags.rename_tag(self.library, self.old, self.new)

    def _revert(self) -> None:
        with self.library.write():
            if self.target_name is None:
                tags.rename_tag(self.library, self.new, self.old)
                return
            gained = [i for i in self.old_ids if i not in self.target_ids]
            self.library.remove_tags(gained, [self.target_name])
            self.library.add_tags(self.old_ids, [self.old])


class DeleteTagCommand(LibraryCommand):
    """Delete a tag from every paper; undo puts it back on those papers."""

    def __init__(self, library: Library, changed: Changed, name: str) -> None:
        self.name = tags.tag_name(library, name) or name
        super().__init__(library, changed, f"Delete tag {self.name}")
        self.ids = tags.tagged_ids(library, self.name)

    def _apply(self) -> None:
        tags.delete_tag(self.library, self.name)

    def _revert(self) -> None:
        self.library.add_tags(self.ids, [self.name])


class EditPaperCommand(LibraryCommand):
    """Replace what is known about a paper; undo puts the old fields back."""

    def __init__(
        self,
        library: Library,
        changed: Changed,
        paper_id: int,
        before: PaperFields,
        after: PaperFields,
    ) -> None:
        super().__init__(library, changed, f"Edit {after.title[:40]}")
        self.paper_id, self.before, self.after = paper_id, before, after

    def _apply(self) -> None:
        self.library.update_paper(self.paper_id, self.after)

    def _revert(self) -> None:
        self.library.update_paper(self.paper_id, self.before)


class AddPaperCommand(LibraryCommand):
    """Add a typed-in paper; redo after undo brings back the same id and key."""

    def __init__(self, library: Library, changed: Changed, fields: PaperFields) -> None:
        super().__init__(library, changed, f"Add {fields.title[:40]}")
        self.fields = fields
        self.paper_id: int | None = None
        self.snapshot: list[snapshots.PaperSnapshot] = []

    def _apply(self) -> None:
        if self.snapshot:
            snapshots.restore(self.library, self.snapshot)
        else:
            self.paper_id = self.library.add_paper(self.fields)

    def _revert(self) -> None:
        assert self.paper_id is not None
        self.snapshot = snapshots.take(self.library, [self.paper_id])
        self.library.delete_papers([self.paper_id])


class DeletePapersCommand(LibraryCommand):
    """Delete papers with their notes and tags; undo restores them whole."""

    def __init__(self, library: Library, changed: Changed, ids: Sequence[int]) -> None:
        super().__init__(library, changed, f"Delete {_papers(len(ids))}")
        self.ids = list(ids)
        self.snapshot = snapshots.take(library, self.ids)

    def _apply(self) -> None:
        self.library.delete_papers(self.ids)

    def _revert(self) -> None:
        snapshots.restore(self.library, self.snapshot)
