"""Import and export from the window: dialogs, progress and result summaries.

The work itself is core's (export_notes, importer, interchange); this module asks the
reader what to do, runs it in the task manager's background lane, shows progress with
Cancel for large jobs, and says what happened. Exports run on the lane's own connection
to the library; an import runs as ``papershelf import`` in a process of its own,
watched from the lane, and writes in one transaction there while the window reads. A
cancelled import changes nothing.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.errors import ImportCancelled, LibraryError, QueryCancelled
from papershelf.core.fields import Paper
from papershelf.core.io.export_notes import JOURNAL_NAME, export_notes
from papershelf.core.io.interchange import (
    export_biblatex,
    export_bibtex,
    export_csl_json,
    export_csv,
    export_ris,
)
from papershelf.core.io.seed_import import ImportReport
from papershelf.core.ops.changes import Changes
from papershelf.core.ops.imports import recorded_changes
from papershelf.core.plural import plural
from papershelf.core.safety.safe_files import describe_os_error, write_output
from papershelf.core.search.query import CompiledQuery
from papershelf.core.store.library import Library
from papershelf.core.store.library_file import IMPORT_MARK_KEY
from papershelf.ui import own_process
from papershelf.ui.mnemonics import with_mnemonics
from papershelf.ui.panes.note_editor import NotePanel
from papershelf.ui.table.model import PaperTableModel
from papershelf.ui.tasks import BACKGROUND, TaskContext, TaskManager
from papershelf.ui.undo import UndoStack
from papershelf.ui.window.progress_job import ProgressJob


class ExchangeHost(Protocol):
    """What import and export use of the window (the main window provides it)."""

    @property
    def library(self) -> Library: ...
    @property
    def model(self) -> PaperTableModel: ...
    @property
    def tasks(self) -> TaskManager: ...
    @property
    def notes(self) -> NotePanel: ...
    @property
    def undo_stack(self) -> UndoStack: ...

    def selected_paper_ids(self) -> list[int]: ...
    def statusBar(self) -> QStatusBar: ...
    def library_changed(self) -> None: ...
    def dialog_parent(self) -> QWidget: ...


SCOPES = (
    ("library", "The whole library"),
    ("filter", "The current filter"),
    ("selection", "The selected papers"),
)
FORMATS: dict[str, tuple[str, Callable[[list[Paper]], str]]] = {
    "BibTeX (.bib)": (".bib", export_bibtex),
    "biblatex for biber (.bib)": (".bib", export_biblatex),
    "CSL-JSON for pandoc (.json)": (".json", export_csl_json),
    "RIS for Zotero, EndNote, Mendeley (.ris)": (".ris", export_ris),
    "CSV for spreadsheets (.csv)": (".csv", lambda papers: export_csv(papers, bom=True)),
}
_SHOW_PROBLEMS = 15


_RECORDS_CHUNK = 1000  # records read per progress report in a references export


class ScopeChooser(QWidget):
    """Whole library, current filter or selection, with the paper count of each."""

    def __init__(self, counts: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        labels = with_mnemonics([text for _, text in SCOPES])  # Alt+W, Alt+C, Alt+T
        for (name, _text), label in zip(SCOPES, labels, strict=True):
            button = QRadioButton(f"{label} ({plural(counts[name], 'paper')})")
            button.setObjectName(f"scope_{name}")
            button.setEnabled(counts[name] > 0)
            self.group.addButton(button)
            layout.addWidget(button)
        default = "selection" if counts["selection"] > 1 else "filter"
        self.findChild(QRadioButton, f"scope_{default}").setChecked(True)

    def scope(self) -> str:
        """The chosen scope's name."""
        checked = self.group.checkedButton()
        return checked.objectName().removeprefix("scope_") if checked else "library"


class ExportNotesDialog(QDialog):
    """Scope, layout and folder of a Markdown notes export."""

    def __init__(self, parent: QWidget, counts: dict[str, int], folder: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportNotesDialog")
        self.setWindowTitle("Export Notes to Markdown")
        self.scopes = ScopeChooser(counts)
        self.layout_choice = QComboBox()
        self.layout_choice.addItem(f"One reading journal ({JOURNAL_NAME})", "single")
        self.layout_choice.addItem("One file per paper, for Obsidian (KEY.md)", "per-paper")
        self.folder = QLineEdit(folder)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Papers", self.scopes)
        form.addRow("&Layout", self.layout_choice)
        folder_label = QLabel("F&older")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export notes into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)


class Exchange(ProgressJob):
    """The window's import and export commands."""

    def __init__(self, window: ExchangeHost) -> None:
        super().__init__(window)
        self.window = window
        self.last_folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        self.import_process: subprocess.Popen[str] | None = None  # the latest import's

    # ------------------------------------------------------------ helpers

    def _counts(self) -> dict[str, int]:
        window = self.window
        return {
            "library": window.library.count(),
            # The table already holds the filter's result unless it is still coming.
            "filter": (
                window.model.rowCount()
                if not window.model.busy
                else len(self._ids("filter")(window.library))
            ),
            "selection": len(window.selected_paper_ids()),
        }

    def _ids(self, scope: str) -> Callable[[Library], list[int]]:
        """How to list the papers of ``scope`` (on whichever connection runs it)."""
        if scope == "selection":
            selected = self.window.selected_paper_ids()
            return lambda _library: selected
        query: str | CompiledQuery = "" if scope == "library" else self.window.model.query
        return lambda library: library.search(query, sort="published", descending=True)

    def _start(
        self,
        kind: str,
        text: str,
        title: str,
        work: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None],
        *,
        failed: str,
        on_cancelled: Callable[[], None] | None = None,
        cancelled_by: tuple[type[BaseException], ...] = (),
    ) -> None:
        """Imports and exports run on the background lane."""
        self._start_job(
            kind, text, title, work, on_done, lane=BACKGROUND, failed=failed,
            on_cancelled=on_cancelled, cancelled_by=cancelled_by,
        )  # fmt: skip

    def _busy(self, title: str) -> bool:
        if self.running():
            QMessageBox.information(
                self.window.dialog_parent(),
                title,
                "An import or export is still running; wait for it to end.",
            )
            return True
        return False

    def _tell(self, title: str, summary: str, details: Sequence[str]) -> None:
        shown = list(details[:_SHOW_PROBLEMS])
        if len(details) > _SHOW_PROBLEMS:
            shown.append(f"… and {len(details) - _SHOW_PROBLEMS} more")
        box = QMessageBox(
            QMessageBox.Icon.Information, title, summary, parent=self.window.dialog_parent()
        )
        box.setObjectName("exchangeResult")
        if shown:
            box.setInformativeText("\n".join(shown))
        box.exec()

    # ------------------------------------------------------------ commands

    def export_notes(self) -> None:
        """File > Export Notes: choose, export with progress, then say what happened."""
        if self._busy("Export Notes"):
            return
        self.window.notes.save()  # what is on screen is what gets exported
        dialog = ExportNotesDialog(self.window.dialog_parent(), self._counts(), self.last_folder)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        folder = dialog.folder.text().strip()
        if not folder:
            QMessageBox.warning(
                self.window.dialog_parent(), "Export Notes", "Choose a folder to export into."
            )
            return
        self.last_folder = folder
        ids_of, layout = self._ids(dialog.scopes.scope()), dialog.layout_choice.currentData()

        def work(context: TaskContext) -> tuple[int, Any]:
            ids = ids_of(context.library)
            return len(ids), export_notes(
                context.library, ids, Path(folder), layout, context.progress
            )

        def done(result: tuple[int, Any]) -> None:
            count, report = result
            details = [
                f"Left alone (edited since the last export): {p.name}"
                for p in report.skipped_edited
            ]
            details += [f"Not Papershelf's, so written beside it: {p.name}" for p in report.foreign]
            details += report.errors
            files = [*report.written, *report.unchanged, *report.skipped_edited]
            # The reading journal is one file: name it, not only its folder.
            where = files[0] if layout == "single" and files else report.folder
            self._tell(
                "Export Notes",
                f"Notes of {plural(count, 'paper')} in {where}: {report.summary()}.",
                details,
            )

        self._start(
            "export-notes", "Exporting notes…", "Export Notes", work, done,
            failed="Nothing was exported",
        )  # fmt: skip

    def export_references(self) -> None:
        """File > Export References: BibTeX, CSL-JSON, RIS or CSV of a scope, to one file."""
        if self._busy("Export References"):
            return
        counts = self._counts()
        dialog = QDialog(self.window.dialog_parent())
        dialog.setWindowTitle("Export References")
        scopes = ScopeChooser(counts)
        kind = QComboBox()
        kind.addItems(list(FORMATS))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow("Papers", scopes)
        form.addRow("Format", kind)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        extension, render = FORMATS[kind.currentText()]
        suggested = str(Path(self.last_folder) / f"papershelf{extension}")
        target, _ = QFileDialog.getSaveFileName(
            self.window.dialog_parent(), "Export References", suggested
        )
        if not target:
            return
        ids_of = self._ids(scopes.scope())

        def work(context: TaskContext) -> int:
            ids = ids_of(context.library)
            records = []
            for start in range(0, len(ids), _RECORDS_CHUNK):
                if not context.progress(start, len(ids)):
                    raise QueryCancelled("exporting references")
                records += context.library.papers(ids[start : start + _RECORDS_CHUNK])
            try:
                # Through a link to its target, into a FIFO as a stream: as on the command line.
                write_output(Path(target), render(records).encode("utf-8"))
            except OSError as exc:  # a FIFO whose reader went away
                raise LibraryError(describe_os_error(exc)) from exc
            return len(records)

        def done(count: int) -> None:
            self.last_folder = str(Path(target).parent)
            self.window.statusBar().showMessage(
                f"Exported {plural(count, 'paper')} to {target}", 8000
            )

        def cancelled() -> None:
            self.window.statusBar().showMessage("Export cancelled: nothing was written.", 8000)

        self._start(
            "export-references", "Exporting references…", "Export References", work, done,
            failed="Nothing was exported", on_cancelled=cancelled,
        )  # fmt: skip

    def choose_and_import(self) -> None:
        """File > Import: BibTeX, RIS or CSL-JSON files, or seed documents."""
        if self._busy("Import"):
            return
        files, _ = QFileDialog.getOpenFileNames(
            self.window.dialog_parent(),
            "Import",
            self.last_folder,
            "References and seed documents (*.bib *.bibtex *.ris *.json *.txt);;All files (*)",
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files (also from a drop) in one transaction, then report.

        The import is ``papershelf import`` in a process of its own, watched from the
        background lane: bibtexparser's and the import's Python on a thread here held the
        main thread for 66-284 ms at a time (``ui/own_process``). The window keeps
        reading (WAL); its own writes meanwhile fail fast as "busy" (a note is kept and
        retried). The process leaves what undoes the import in a folder made for it, for
        the window's Edit > Undo.
        """
        if self._busy("Import"):
            return
        library = self.window.library
        self.window.notes.save()
        paths = list(paths)

        def work(context: TaskContext) -> _Imported:
            made = tempfile.TemporaryDirectory(
                prefix="papershelf-import", ignore_cleanup_errors=True
            )
            with made as folder:
                record = Path(folder) / "undo"
                command = own_process.own_command(
                    library.path, "--no-seed", "import", "--format", "json", "--progress",
                    "--undo-record", str(record), "--", *map(str, paths),
                )  # fmt: skip
                process = self.import_process = own_process.start(command, watched=True)

                def saved() -> bool:
                    # Its transaction marks the library with the record's path: whatever
                    # else wrote meanwhile, that says whether the import was saved.
                    return context.library.meta(IMPORT_MARK_KEY) == str(record)

                def stop() -> bool:
                    # A Cancel after the commit (a large import then merges its search
                    # index for seconds) would only lose the report: it finishes. Quit
                    # never waits: the import is saved, the index merged next time.
                    return context.closing or (context.cancelled and not saved())

                def shown(done: int, total: int) -> None:
                    context.progress(done, total)

                try:
                    out = own_process.wait(
                        process, stop, kill=True, what="the import", progress=shown
                    )
                    failure = None
                except LibraryError as exc:
                    out, failure = None, exc
                if not saved():
                    if failure is not None:
                        raise failure
                    if out is None:
                        raise ImportCancelled("import cancelled; the library was not changed")
                report = ImportReport(**json.loads(out)) if out is not None else None
                late = context.cancelled and report is not None
                return _Imported(report, recorded_changes(record, library), late)

        def done(result: _Imported) -> None:
            self.window.undo_stack.push(result.changes)  # announces them: the table follows
            names = ", ".join(p.name for p in paths)
            if result.report is None:
                summary = (
                    f"Imported {names}: it was saved, then stopped before it said what it did."
                )
                self._tell("Import", summary, [])
                return
            when = " (saved before Cancel reached it)" if result.late_cancel else ""
            summary = f"Imported {names}{when}: {result.report.summary()}."
            self._tell("Import", summary, [*result.report.problems, *result.report.merges])

        def cancelled() -> None:
            self.window.statusBar().showMessage("Import cancelled: nothing was changed.", 8000)

        self._start(
            "import", "Importing…", "Import", work, done, failed="Nothing was imported",
            on_cancelled=cancelled, cancelled_by=(ImportCancelled,),
        )  # fmt: skip


@dataclass(frozen=True)
class _Imported:
    """What an import in its process did: no report when it was stopped (or failed)
    after it saved; ``late_cancel`` when Cancel came after it saved."""

    report: ImportReport | None
    changes: Changes
    late_cancel: bool = False
