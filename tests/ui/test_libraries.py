"""More than one library: File > New Library (empty or seeded), Open Library, Recent
Libraries; each library in a window of its own, one window per file; the sidebar's
Library node counts the papers that came from the listing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from picking import pick_row
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from papershelf.core.fields import PaperFields
from papershelf.core.ops import papers as paper_ops
from papershelf.ui.window import libraries
from papershelf.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def opened(qtbot) -> Iterator[list[MainWindow]]:
    """Windows the test opened through the File menu, closed at the end."""
    found: list[MainWindow] = []
    yield found
    for win in found:
        if shiboken6.isValid(win) and win.isVisible():
            win.close()


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def window_on(path: Path, opened: list[MainWindow]) -> MainWindow:
    win = libraries.window_for(path)
    assert isinstance(win, MainWindow), path
    if win not in opened:
        opened.append(win)
    return win


def listing_line(win: MainWindow) -> str:
    win.refresh_facets()
    top = (win.facets.topLevelItem(i) for i in range(win.facets.topLevelItemCount()))
    library = next(item for item in top if item.text(0) == "Library")
    line = next(
        library.child(i)
        for i in range(library.childCount())
        if library.child(i).text(0) == "Papers"
    )
    return line.text(1)


@pytest.mark.parametrize(("seed", "papers"), [(False, 0), (True, 50)])
def test_new_library_empty_or_seeded_opens_in_its_own_window(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch, opened, seed: bool, papers: int
) -> None:
    target = tmp_path / "second" / "thesis.sqlite"
    target.parent.mkdir()
    monkeypatch.setattr(libraries, "ask_new_path", lambda parent, folder: target)
    monkeypatch.setattr(libraries, "ask_seed", lambda parent: seed)
    action(window, "actionNewLibrary").trigger()
    second = window_on(target, opened)
    assert second is not window and second.isVisible()
    assert second.library.count() == papers
    assert "thesis.sqlite" in second.windowTitle() and "Papershelf" in second.windowTitle()
    assert second.count_label.text() == f"{papers} of {papers} papers"
    # The first window is untouched: its own library, title, undo history.
    assert window.library.count() == 50 and "library.sqlite" in window.windowTitle()
    assert [p.name for p in libraries.recent()[:2]] == ["thesis.sqlite", "library.sqlite"]


def test_new_library_never_takes_an_existing_file(
    qtbot, window: MainWindow, library_path: Path, monkeypatch
) -> None:
    existing = library_path.with_name("taken.sqlite")
    existing.write_bytes(b"someone's data")
    told: list[str] = []
    monkeypatch.setattr(libraries, "ask_new_path", lambda parent, folder: existing)
    monkeypatch.setattr(libraries, "ask_seed", lambda parent: pytest.fail("asked to seed"))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    action(window, "actionNewLibrary").trigger()
    assert existing.read_bytes() == b"someone's data"
    assert libraries.window_for(existing) is None
    assert told and "already exists" in told[0]


def test_open_library_twice_gives_one_window_with_its_own_undo(
    qtbot, window: MainWindow, library_path: Path, monkeypatch, opened
) -> None:
    other = library_path.with_name("other.sqlite")
    shutil.copyfile(library_path, other)
    monkeypatch.setattr(libraries, "ask_open_path", lambda parent, folder: other)
    action(window, "actionOpenLibrary").trigger()
    second = window_on(other, opened)
    action(window, "actionOpenLibrary").trigger()  # again: the same window comes forward
    assert libraries.window_for(other) is second
    assert sum(isinstance(w, MainWindow) and w.isVisible() for w in libraries._KEEP) == 1
    # Opening this window's own library opens nothing either.
    monkeypatch.setattr(libraries, "ask_open_path", lambda parent, folder: library_path)
    action(window, "actionOpenLibrary").trigger()
    assert libraries.window_for(library_path) is window
    # Each window writes its own file and undoes its own steps.
    pick_row(second, 0)
    paper = second.current_paper_id() or 0
    second.paper_actions.set_status("read")
    assert second.library.paper(paper).status == "read"
    assert window.library.paper(paper).status == "new"
    assert not action(window, "actionUndo").isEnabled()
    action(window, "actionUndo").trigger()
    assert second.library.paper(paper).status == "read"
    action(second, "actionUndo").trigger()
    assert second.library.paper(paper).status == "new"
    # Closed, it can be opened again (and is a new window on the same file).
    second.close()
    assert libraries.window_for(other) is None
    monkeypatch.setattr(libraries, "ask_open_path", lambda parent, folder: other)
    action(window, "actionOpenLibrary").trigger()
    third = window_on(other, opened)
    assert third is not second and third.library.count() == 50


def test_recent_libraries_menu_opens_them(
    qtbot, window: MainWindow, library_path: Path, opened
) -> None:
    others = []
    for name in ("alpha.sqlite", "beta.sqlite"):
        path = library_path.with_name(name)
        shutil.copyfile(library_path, path)
        libraries.remember(path)
        others.append(path)
    gone = library_path.with_name("deleted.sqlite")
    shutil.copyfile(library_path, gone)
    libraries.remember(gone)
    gone.unlink()
    menu = window.findChild(QMenu, "menuRecentLibraries")
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if not a.isSeparator()]
    texts = [a.text() for a in entries]
    assert texts[0].startswith("&1 beta.sqlite") and texts[1].startswith("&2 alpha.sqlite")
    assert not any("deleted" in t for t in texts)  # a file that is gone is not offered
    own = next(a for a in entries if a.text().startswith("&3 library.sqlite"))
    assert not own.isEnabled()  # this window's own library
    entries[1].trigger()
    alpha = window_on(others[0], opened)
    assert alpha.library.path == others[0]


def test_the_listing_node_counts_papers_from_the_listing(qtbot, window: MainWindow) -> None:
    listed = window.facets.topLevelItem(0)
    assert listing_line(window) == "50 of 118 listed"
    fields = PaperFields(title="A paper typed in by hand", authors=["Ada Lovelace"])
    window.apply(lambda: paper_ops.add_paper(window.library, fields))
    assert window.library.count() == 51
    assert listing_line(window) == "50 of 118 listed"  # not one of the listing's
    from_listing = window.library.search('-title:"A paper typed in by hand"')[:2]
    window.apply(lambda: paper_ops.delete_papers(window.library, from_listing))
    assert listing_line(window) == "48 of 118 listed"
    assert window.count_label.text() == "49 of 49 papers"
    assert listed is not None


def test_a_library_open_in_another_process_is_raised_not_opened_twice(
    qtbot, window: MainWindow, library_path: Path, monkeypatch
) -> None:
    from papershelf.ui.single_instance import InstanceServer

    other = library_path.with_name("elsewhere.sqlite")
    shutil.copyfile(library_path, other)
    # Another process's window on that file: its socket, and nothing of it in this process.
    server = InstanceServer(other, window)  # owned by a window, as a real one is
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(libraries, "ask_open_path", lambda parent, folder: other)
    with qtbot.waitSignal(server.raiseRequested, timeout=2000):
        action(window, "actionOpenLibrary").trigger()
    assert libraries.window_for(other) is None
    assert told and "open in another Papershelf window" in told[0]
    server.close()
