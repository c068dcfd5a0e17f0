"""Import and export from the window: dialogs, drag and drop, result summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

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
    window.findChild(type(window.action_import), "actionExportNotes").trigger()
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
    window.action_export_refs.trigger()
    text = target.read_text(encoding="utf-8")
    assert text.count("@") == 7  # the current filter is the default scope
    assert "carion2026sam" in text
