"""Import and export from the window: dialogs, progress and result summaries.

The work itself is core's (export_notes, importer, interchange); this module asks the
reader what to do, shows progress for large jobs, and says what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.core.errors import LibraryError
from papershelf.core.io.export_notes import export_notes
from papershelf.core.io.interchange import export_bibtex, export_csl_json, export_csv
from papershelf.core.safety.safe_files import describe_os_error, write_output

if TYPE_CHECKING:
    from papershelf.ui.window.main_window import MainWindow

SCOPES = (
    ("library", "The whole library"),
    ("filter", "The current filter"),
    ("selection", "The selected papers"),
)
FORMATS = {
    "BibTeX (.bib)": (".bib", export_bibtex),
    "CSL-JSON for pandoc (.json)": (".json", export_csl_json),
    "CSV (.csv)": (".csv", export_csv),
}
_SHOW_PROBLEMS = 15


class ScopeChooser(QWidget):
    """Whole library, current filter or selection, with the paper count of each."""

    def __init__(self, counts: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        for name, text in SCOPES:
            button = QRadioButton(f"{text} ({counts[name]:,} papers)")
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
        self.layout_choice.addItem("One reading journal (notes.md)", "single")
        self.layout_choice.addItem("One file per paper, for Obsidian (KEY.md)", "per-paper")
        self.folder = QLineEdit(folder)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Papers", self.scopes)
        form.addRow("Layout", self.layout_choice)
        form.addRow("Folder", row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export notes into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)


class Exchange:
    """The window's import and export commands."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )

    # ------------------------------------------------------------ helpers

    def _counts(self) -> dict[str, int]:
        return {
            "library": self.window.library.count(),
            # The table already holds the filter's result unless it is still coming.
            "filter": (
                self.window.model.rowCount()
                if not self.window.model.busy
                else len(self._ids("filter"))
            ),
            "selection": len(self.window.selected_paper_ids()),
        }

    def _ids(self, scope: str) -> list[int]:
        library = self.window.library
        if scope == "selection":
            return self.window.selected_paper_ids()
        query = "" if scope == "library" else self.window.model.query
        return library.search(query, sort="published", descending=True)

    def _progress(self, title: str) -> tuple[QProgressDialog, Callable[[int, int], bool]]:
        dialog = QProgressDialog(title, "Cancel", 0, 0, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # quick jobs never flash a dialog

        def step(done: int, total: int) -> bool:
            dialog.setMaximum(total)
            dialog.setValue(done)
            QApplication.processEvents()
            return not dialog.wasCanceled()

        return dialog, step

    def _tell(self, title: str, summary: str, details: Sequence[str]) -> None:
        shown = list(details[:_SHOW_PROBLEMS])
        if len(details) > _SHOW_PROBLEMS:
            shown.append(f"… and {len(details) - _SHOW_PROBLEMS} more")
        box = QMessageBox(QMessageBox.Icon.Information, title, summary, parent=self.window)
        box.setObjectName("exchangeResult")
        if shown:
            box.setInformativeText("\n".join(shown))
        box.exec()

    # ------------------------------------------------------------ commands

    def export_notes(self) -> None:
        """File > Export Notes: choose, export with progress, then say what happened."""
        self.window.notes.save()  # what is on screen is what gets exported
        dialog = ExportNotesDialog(self.window, self._counts(), self.last_folder)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        folder = dialog.folder.text().strip()
        if not folder:
            QMessageBox.warning(self.window, "Export Notes", "Choose a folder to export into.")
            return
        self.last_folder = folder
        ids = self._ids(dialog.scopes.scope())
        progress, step = self._progress("Exporting notes…")
        try:
            report = export_notes(
                self.window.library, ids, Path(folder), dialog.layout_choice.currentData(), step
            )
        except LibraryError as exc:
            QMessageBox.warning(self.window, "Export Notes", f"Nothing was exported: {exc}")
            return
        finally:
            progress.close()
        details = [
            f"Left alone (edited since the last export): {p.name}" for p in report.skipped_edited
        ]
        details += [f"Not Papershelf's, so written beside it: {p.name}" for p in report.foreign]
        details += report.errors
        self._tell(
            "Export Notes",
            f"Notes of {len(ids):,} papers in {report.folder}: {report.summary()}.",
            details,
        )

    def export_references(self) -> None:
        """File > Export References: BibTeX, CSL-JSON or CSV of a scope, to one file."""
        counts = self._counts()
        dialog = QDialog(self.window)
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
        target, _ = QFileDialog.getSaveFileName(self.window, "Export References", suggested)
        if not target:
            return
        records = self.window.library.papers(self._ids(scopes.scope()))
        try:
            # Through a link to its target, into a FIFO as a stream: as on the command line.
            write_output(Path(target), render(records).encode("utf-8"))
        except LibraryError as exc:
            QMessageBox.warning(self.window, "Export References", f"Nothing was exported: {exc}")
            return
        except OSError as exc:  # a FIFO whose reader went away
            QMessageBox.warning(self.window, "Export References", describe_os_error(exc))
            return
        self.last_folder = str(Path(target).parent)
        self.window.statusBar().showMessage(f"Exported {len(records):,} papers to {target}", 8000)

    def choose_and_import(self) -> None:
        """File > Import: BibTeX files or seed documents."""
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import",
            self.last_folder,
            "BibTeX and seed documents (*.bib *.bibtex *.txt);;All files (*)",
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files (also from a drop) in one transaction, then report."""
        # bibtexparser is imported here, not at start-up: most sessions import nothing.
        from papershelf.core.io.bibtex import ImportCancelled
        from papershelf.core.io.importer import import_files

        self.window.notes.save()
        progress, step = self._progress("Importing…")
        try:
            report = import_files(self.window.library, paths, progress=step)
        except ImportCancelled:
            self.window.statusBar().showMessage("Import cancelled: nothing was changed.", 8000)
            return
        except LibraryError as exc:
            QMessageBox.warning(self.window, "Import", f"Nothing was imported: {exc}")
            return
        finally:
            progress.close()
        self.window.library_changed()
        self._tell(
            "Import",
            f"Imported {', '.join(p.name for p in paths)}: {report.summary()}.",
            report.problems,
        )
