"""RIS and CSL-JSON from the window: the Export References formats, import by drop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QMessageBox

from papershelf.ui.window.main_window import MainWindow


def finish(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.exchange.running(), timeout=30_000)


@pytest.fixture
def summaries(monkeypatch) -> list[str]:
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append(box.text() + "\n" + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def export_as(qtbot, window: MainWindow, monkeypatch, target: Path, prefix: str) -> None:
    """File > Export References with the format whose name starts with ``prefix``."""
    offered: list[str] = []

    def choose(dialog: QDialog) -> int:
        kind = dialog.findChild(QComboBox)
        offered.extend(kind.itemText(i) for i in range(kind.count()))
        kind.setCurrentIndex(next(i for i, t in enumerate(offered) if t.startswith(prefix)))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", choose)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.named_actions["actionExportReferences"].trigger()
    finish(qtbot, window)
    assert any(t.startswith("RIS") for t in offered)


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(event)


def test_export_references_as_ris(qtbot, window: MainWindow, tmp_path: Path, monkeypatch):
    target = tmp_path / "out.ris"
    window.filter_edit.setText("cat:CV")
    export_as(qtbot, window, monkeypatch, target, "RIS")
    text = target.read_bytes().decode("utf-8")
    assert text.count("TY  - GEN\r\n") == 7  # the current filter is the default scope
    assert "ID  - carion2026sam\r\n" in text


def test_a_ris_and_a_csl_json_file_dropped_import_and_say_what_they_did(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch, summaries
) -> None:
    ris = tmp_path / "zotero.ris"
    ris.write_text("TY  - JOUR\nTI  - Dropped RIS\nAU  - Doe, Jane\nPY  - 2019\nER  - \n"
                   "TY  - JOUR\nAU  - No, Title\nER  - \n", encoding="utf-8")  # fmt: skip
    drop(window, ris)
    finish(qtbot, window)
    assert "added 1" in summaries[-1] and "skipped 1" in summaries[-1]
    assert "zotero.ris: line 6: no title; skipped" in summaries[-1]
    items = [{"type": "book", "title": "Dropped CSL", "issued": {"date-parts": [[2020]]}}]
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps(items), encoding="utf-8")
    drop(window, csl)
    finish(qtbot, window)
    assert "added 1" in summaries[-1]
    assert window.count_label.text() == "52 of 52 papers"
    window.filter_edit.setText("type:book")
    assert window.model.rowCount() == 1
