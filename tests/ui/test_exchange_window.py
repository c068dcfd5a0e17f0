"""Import and export from the window: dialogs, drag and drop, result summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QRadioButton

from papershelf.ui.window.exchange import ExportNotesDialog
from papershelf.ui.window.main_window import MainWindow

BIB = """@article{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  year = {2017},
  keywords = {transformers, classic},
  abstract = {The dominant sequence transduction models.}
}
@article{broken,
  title = {Unclosed
"""


@pytest.fixture
def summaries(monkeypatch) -> list[str]:
    """The text of every result box the window shows."""
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append(box.text() + "\n" + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def test_export_notes_per_paper_from_the_dialog(
    window: MainWindow, tmp_path: Path, monkeypatch, summaries
) -> None:
    window.filter_edit.setText("doremi")
    window.table.selectRow(0)
    window.notes.editor.setPlainText("Reweight domains: *minimax*.")  # saved on export

    def choose(dialog: ExportNotesDialog) -> int:
        dialog.folder.setText(str(tmp_path / "vault"))
        dialog.layout_choice.setCurrentIndex(1)  # per-paper
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportNotesDialog, "exec", choose)
    window.named_actions["actionExportNotes"].trigger()
    written = list((tmp_path / "vault").glob("*.md"))
    assert [p.name for p in written] == ["xie2023doremi.md"]
    text = written[0].read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"].startswith("DoReMi") and front["key"] == "xie2023doremi"
    assert "Reweight domains: *minimax*." in text
    assert "written 1" in summaries[-1]


def test_import_bib_by_drop_reports_added_and_skipped(
    window: MainWindow, tmp_path: Path, summaries
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bib))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(event)
    assert window.count_label.text() == "51 of 51 papers"
    assert "added 1" in summaries[-1]
    assert "refs.bib:8: malformed entry" in summaries[-1]  # with the line it starts on
    window.filter_edit.setText("tag:classic")
    assert window.model.rowCount() == 1


def test_export_references_as_bibtex(window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.bib"
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.filter_edit.setText("cat:CV")
    window.named_actions["actionExportReferences"].trigger()
    text = target.read_text(encoding="utf-8")
    assert text.count("@") == 7  # the current filter is the default scope
    assert "carion2026sam" in text


def test_export_references_through_a_link_keeps_it_and_refusals_are_shown(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "synced").mkdir()
    real = tmp_path / "synced" / "refs.bib"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    chosen = [link]
    warnings: list[str] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen[0]), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    window.named_actions["actionExportReferences"].trigger()
    assert link.is_symlink() and real.read_text(encoding="utf-8").count("\n@") == 50
    dangling = tmp_path / "later.bib"
    dangling.symlink_to(tmp_path / "missing" / "refs.bib")
    chosen[0] = dangling
    # A LibraryError: a message, never an exception.
    window.named_actions["actionExportReferences"].trigger()
    assert len(warnings) == 1 and "whose folder does not exist" in warnings[0]


def test_export_notes_into_a_linked_folder(
    window: MainWindow, tmp_path: Path, monkeypatch, summaries
) -> None:
    (tmp_path / "synced-vault").mkdir()
    (tmp_path / "vault").symlink_to("synced-vault")

    def choose(dialog: ExportNotesDialog) -> int:
        dialog.folder.setText(str(tmp_path / "vault"))
        dialog.layout_choice.setCurrentIndex(1)  # per-paper
        dialog.findChild(QRadioButton, "scope_library").setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportNotesDialog, "exec", choose)
    window.named_actions["actionExportNotes"].trigger()
    assert (tmp_path / "vault").is_symlink()
    assert len(list((tmp_path / "synced-vault").glob("*.md"))) == 50
    assert "written 50" in summaries[-1]
