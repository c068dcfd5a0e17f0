"""Import and export from the window: dialogs, drag and drop, result summaries."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QRadioButton

from papershelf.core.errors import LibraryError
from papershelf.core.store.opening import open_library
from papershelf.ui.tasks import MAIN_THREAD_BUSY_TIMEOUT_MS, ProgressDialog
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


def finish(qtbot, window: MainWindow) -> None:
    """Imports and exports run in the background: wait for the one started to end."""
    qtbot.waitUntil(lambda: not window.exchange.running(), timeout=30_000)


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
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch, summaries
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
    finish(qtbot, window)
    written = list((tmp_path / "vault").glob("*.md"))
    assert [p.name for p in written] == ["xie2023doremi.md"]
    text = written[0].read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"].startswith("DoReMi") and front["key"] == "xie2023doremi"
    assert "Reweight domains: *minimax*." in text
    assert "written 1" in summaries[-1]


def test_import_bib_by_drop_reports_added_and_skipped(
    qtbot, window: MainWindow, tmp_path: Path, summaries
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bib))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(event)
    finish(qtbot, window)
    assert window.count_label.text() == "51 of 51 papers"
    assert "added 1" in summaries[-1]
    assert "refs.bib:8: malformed entry" in summaries[-1]  # with the line it starts on
    window.filter_edit.setText("tag:classic")
    assert window.model.rowCount() == 1


def test_export_references_as_bibtex(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "out.bib"
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.filter_edit.setText("cat:CV")
    window.named_actions["actionExportReferences"].trigger()
    finish(qtbot, window)
    text = target.read_text(encoding="utf-8")
    assert text.count("@") == 7  # the current filter is the default scope
    assert "carion2026sam" in text


def test_export_references_through_a_link_keeps_it_and_refusals_are_shown(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
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
    finish(qtbot, window)
    assert link.is_symlink() and real.read_text(encoding="utf-8").count("\n@") == 50
    dangling = tmp_path / "later.bib"
    dangling.symlink_to(tmp_path / "missing" / "refs.bib")
    chosen[0] = dangling
    # A LibraryError: a message, never an exception.
    window.named_actions["actionExportReferences"].trigger()
    finish(qtbot, window)
    assert len(warnings) == 1 and "whose folder does not exist" in warnings[0]
    assert warnings[0].startswith("Nothing was exported: ")


def test_export_notes_into_a_linked_folder(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch, summaries
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
    finish(qtbot, window)
    assert (tmp_path / "vault").is_symlink()
    assert len(list((tmp_path / "synced-vault").glob("*.md"))) == 50
    assert "written 50" in summaries[-1]


BIG = 2000


def big_bib(folder: Path) -> Path:
    path = folder / "big.bib"
    path.write_text(
        "".join(
            f"@article{{synthetic{i},\n  title = {{Synthetic study number {i}}},\n"
            f"  author = {{Writer, Ann and Other, Bo}},\n  year = {{2020}}\n}}\n"
            for i in range(BIG)
        ),
        encoding="utf-8",
    )
    return path


def _state(pid: int) -> str:
    """The process's state letter (T: stopped, Z: ended, unreaped), "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return ""


def stop_the_import_when(
    qtbot, window: MainWindow, library_path: Path, caught: Callable[[sqlite3.Connection], bool]
) -> int:
    """Stop the window's import process at a moment ``caught`` sees in the library (its
    own connection, the process stopped meanwhile); its pid. It is stopped and looked at
    again and again until caught so."""
    qtbot.waitUntil(lambda: window.exchange.import_process is not None, timeout=30_000)
    process = window.exchange.import_process
    probe = sqlite3.connect(library_path, timeout=0, isolation_level=None)
    try:
        while process.poll() is None:
            try:
                os.kill(process.pid, signal.SIGSTOP)
            except ProcessLookupError:
                break
            while _state(process.pid) not in ("T", "t", "Z", ""):
                time.sleep(0.0005)
            if _state(process.pid) in ("T", "t") and caught(probe):
                return process.pid
            os.kill(process.pid, signal.SIGCONT)
            time.sleep(0.0005)
    finally:
        probe.close()
    pytest.fail("the import ended before the moment it was to be stopped at")


def holding_the_write_lock(probe: sqlite3.Connection) -> bool:
    """Inside its transaction: nobody else can begin to write."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    probe.execute("ROLLBACK")
    return False


def stop_inside_its_transaction(qtbot, window: MainWindow, library_path: Path) -> int:
    return stop_the_import_when(qtbot, window, library_path, holding_the_write_lock)


def stop_once_saved(qtbot, window: MainWindow, library_path: Path) -> int:
    """Stop the import just after its commit (the library marked with its record), before
    it ends."""
    qtbot.waitUntil(lambda: window.exchange.import_process is not None, timeout=30_000)
    mark = str(its_record(window))

    def saved(probe: sqlite3.Connection) -> bool:
        row = probe.execute("SELECT value FROM meta WHERE key = 'last_import'").fetchone()
        return row is not None and row[0] == mark

    return stop_the_import_when(qtbot, window, library_path, saved)


def its_record(window: MainWindow) -> Path:
    arguments = window.exchange.import_process.args
    return Path(arguments[arguments.index("--undo-record") + 1])


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_a_large_import_runs_in_a_process_while_the_window_keeps_working(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path, monkeypatch, summaries
) -> None:
    shown_progress: list[tuple[int, int]] = []
    step = ProgressDialog.step
    monkeypatch.setattr(
        ProgressDialog, "step", lambda self, d, t: (shown_progress.append((d, t)), step(self, d, t))
    )
    paper_id = window.current_paper_id()
    assert paper_id is not None
    ticks: list[int] = []
    timer = QTimer(window, interval=0)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    window.exchange.import_paths([big_bib(tmp_path)])
    assert window.exchange.running()  # it returned at once: the import is in the background
    pid = stop_inside_its_transaction(qtbot, window, library_path)
    assert pid != os.getpid()

    # Halfway through the import's transaction the main thread runs its timers...
    seen = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= seen + 3, timeout=30_000)
    # ...reads the library as it was before the import (WAL)...
    assert window.library.count() == 50
    # ...and its own writes say "busy" at once instead of waiting 5 s for the lock.
    busy_ms = window.library.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    assert busy_ms == MAIN_THREAD_BUSY_TIMEOUT_MS
    with pytest.raises(LibraryError, match="busy"):
        window.library.set_status([paper_id], "read")
    window.notes.editor.setPlainText("typed during the import")  # kept, retried
    qtbot.waitUntil(lambda: window.notes.state.text() == "Not saved", timeout=30_000)

    os.kill(pid, signal.SIGCONT)
    finish(qtbot, window)
    timer.stop()
    qtbot.waitUntil(lambda: not window.model.refreshing, timeout=30_000)  # 2,050 rows: a lane
    assert window.count_label.text() == f"{50 + BIG:,} of {50 + BIG:,} papers"
    assert f"added {BIG}" in summaries[-1]
    # The process's progress reached the dialog: reading, then its entries to the last.
    assert shown_progress[0] == (0, 0) and shown_progress[-1] == (BIG, BIG)
    qtbot.waitUntil(lambda: window.notes.state.text() == "Saved", timeout=30_000)
    assert window.library.note(paper_id) == "typed during the import"


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_cancel_during_an_import_leaves_the_library_unchanged(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path, summaries
) -> None:
    bib = big_bib(tmp_path)
    before = dump(library_path)
    window.exchange.import_paths([bib])
    stop_inside_its_transaction(qtbot, window, library_path)
    progress = window.exchange.progress
    assert progress is not None
    qtbot.waitUntil(progress.isVisible, timeout=30_000)  # a long import shows its progress
    progress.cancel_button.click()
    assert progress.label.text() == "Cancelling…"
    finish(qtbot, window)  # the stopped process was killed: its transaction never ends
    assert window.exchange.import_process.returncode == -signal.SIGKILL
    assert window.exchange.progress is None  # the dialog went with the import
    assert summaries == []  # no "Imported" summary
    assert window.statusBar().currentMessage() == "Import cancelled: nothing was changed."
    assert dump(library_path) == before
    assert window.count_label.text() == "50 of 50 papers"


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_a_second_import_waits_for_the_first(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path, monkeypatch, summaries
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    window.exchange.import_paths([big_bib(tmp_path)])
    pid = stop_inside_its_transaction(qtbot, window, library_path)
    window.exchange.import_paths([big_bib(tmp_path)])
    assert told and "still running" in told[0]
    os.kill(pid, signal.SIGCONT)
    finish(qtbot, window)
    assert window.library.count() == 50 + BIG


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_cancel_after_the_import_was_saved_lets_it_finish_and_keeps_its_undo(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path, summaries
) -> None:
    before = window.library.records(window.library.search(""))
    window.exchange.import_paths([big_bib(tmp_path)])
    pid = stop_once_saved(qtbot, window, library_path)
    window.exchange.progress.cancel_button.click()
    qtbot.wait(1000)  # five looks of the lane at Cancel: the saved import is not killed
    assert window.exchange.import_process.poll() is None
    os.kill(pid, signal.SIGCONT)
    finish(qtbot, window)
    assert window.exchange.import_process.returncode == 0
    shown = f"{50 + BIG:,} of {50 + BIG:,} papers"
    qtbot.waitUntil(lambda: window.count_label.text() == shown, timeout=30_000)  # a lane's
    assert summaries[-1].startswith(
        f"Imported big.bib (saved before Cancel reached it): added {BIG}, merged 0"
    )
    undo = window.named_actions["actionUndo"]
    assert undo.isEnabled() and undo.text().endswith("Import big.bib")
    undo.trigger()
    qtbot.waitUntil(lambda: window.count_label.text() == "50 of 50 papers")
    assert window.library.records(window.library.search("")) == before


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_closing_the_window_does_not_wait_for_a_saved_import(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path
) -> None:
    window.exchange.import_paths([big_bib(tmp_path)])
    stop_once_saved(qtbot, window, library_path)
    window.tasks.stop(timeout=30)  # as closing does: the lanes are asked to end
    assert window.exchange.import_process.returncode == -signal.SIGKILL
    with open_library(library_path, seed=False) as shelf:
        assert shelf.count() == 50 + BIG  # saved before it was stopped: kept


@pytest.mark.skipif(sys.platform != "linux", reason="stops the process through /proc")
def test_an_import_whose_undo_record_cannot_be_written_changes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, library_path: Path, monkeypatch, summaries
) -> None:
    failures: list[str] = []
    monkeypatch.setattr(window.tasks, "report", lambda exc, _title: failures.append(str(exc)))
    before = dump(library_path)
    window.exchange.import_paths([big_bib(tmp_path)])
    pid = stop_inside_its_transaction(qtbot, window, library_path)
    record = its_record(window)
    record.with_name(record.name + ".part").mkdir()  # where it writes the record first
    os.kill(pid, signal.SIGCONT)
    finish(qtbot, window)
    assert window.exchange.import_process.returncode == 1
    assert failures == [
        f"Nothing was imported: its undo record {record} could not be written: Is a directory"
    ]
    assert summaries == []
    assert dump(library_path) == before
    assert not window.named_actions["actionUndo"].isEnabled()


def test_an_import_in_the_window_is_one_undo_step(
    qtbot, window: MainWindow, tmp_path: Path, summaries
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    before = window.library.records(window.library.search(""))
    window.exchange.import_paths([bib])
    finish(qtbot, window)
    qtbot.waitUntil(lambda: window.count_label.text() == "51 of 51 papers")
    assert window.named_actions["actionUndo"].isEnabled()
    window.named_actions["actionUndo"].trigger()
    qtbot.waitUntil(lambda: window.count_label.text() == "50 of 50 papers")
    assert window.library.records(window.library.search("")) == before
    window.named_actions["actionRedo"].trigger()
    qtbot.waitUntil(lambda: window.count_label.text() == "51 of 51 papers")
    window.filter_edit.setText("tag:classic")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)


def test_the_journal_export_names_the_file_it_wrote(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch, summaries
) -> None:
    offered: list[str] = []

    def choose(dialog: ExportNotesDialog) -> int:
        offered.append(dialog.layout_choice.itemText(0))
        dialog.folder.setText(str(tmp_path / "notes"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportNotesDialog, "exec", choose)
    window.named_actions["actionExportNotes"].trigger()
    finish(qtbot, window)
    journal = tmp_path / "notes" / "reading-journal.md"
    assert journal.is_file()
    assert "reading-journal.md" in offered[0]  # the dialog says the name it will write
    assert str(journal) in summaries[-1]  # and the summary the file it wrote
