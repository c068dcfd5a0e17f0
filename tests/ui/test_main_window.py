"""The main window over the seeded library, driven as a reader drives it."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTableView, QTextBrowser, QTreeWidget

from papershelf.core.fields import PaperFields
from papershelf.core.store.opening import open_library
from papershelf.ui import open_main_window
from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import MainWindow


def count_text(win: MainWindow) -> str:
    return win.findChild(QLabel, "countLabel").text()


def type_filter(qtbot, win: MainWindow, text: str) -> None:
    edit = win.findChild(QLineEdit, "filterEdit")
    edit.clear()
    qtbot.keyClicks(edit, text)


def titles(win: MainWindow) -> list[str]:
    model = win.findChild(QTableView, "paperTable").model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_contract_widgets_exist(window: MainWindow) -> None:
    assert window.objectName() == "mainWindow"
    assert "Papershelf" in window.windowTitle()
    for name, kind in (
        ("filterEdit", QLineEdit),
        ("paperTable", QTableView),
        ("countLabel", QLabel),
        ("facetTree", QTreeWidget),
        ("detailsPane", QTextBrowser),
    ):
        assert window.findChild(kind, name) is not None, name
    assert count_text(window) == "50 of 50 papers"


def test_typed_filters_update_table_and_count(qtbot, window: MainWindow) -> None:
    type_filter(qtbot, window, "cat:CV")
    assert count_text(window) == "7 of 50 papers"
    type_filter(qtbot, window, "year:2023")
    assert count_text(window) == "12 of 50 papers"
    type_filter(qtbot, window, "has:code")
    assert count_text(window) == "10 of 50 papers"
    type_filter(qtbot, window, "sharpness")
    records = window.library.records(window.library.search(""))
    expected = [
        r for r in records if re.search(r"\bsharpness", r["abstract"] + " " + r["title"], re.I)
    ]
    assert len(expected) == 3
    assert count_text(window) == "3 of 50 papers"
    assert sorted(titles(window)) == sorted(r["title"] for r in expected)


def test_malformed_filter_keeps_last_result_and_says_why(qtbot, window: MainWindow) -> None:
    type_filter(qtbot, window, "cat:CV")
    before = titles(window)
    window.filter_edit.insert(" year:abc")  # pasted
    assert titles(window) == before
    assert count_text(window) == "7 of 50 papers"
    error = window.findChild(QLabel, "filterError")
    assert error.isVisible() and "year" in error.text()
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert window.filter_edit.text() == ""
    assert not error.isVisible()
    assert count_text(window) == "50 of 50 papers"


def test_ctrl_f_focuses_filter(qtbot, window: MainWindow) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_edit.hasFocus()


def click_facet(qtbot, win: MainWindow, token: str, ctrl: bool = False) -> None:
    tree = win.findChild(QTreeWidget, "facetTree")
    item = win.facets.item_for(token)
    assert item is not None, token
    tree.scrollToItem(item)
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    center = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, modifier, center)


def test_facet_click_toggles_filter_term(qtbot, window: MainWindow) -> None:
    item = window.facets.item_for("cat:CV")
    assert item is not None and item.text(1) == "7"
    click_facet(qtbot, window, "cat:CV")
    assert window.filter_edit.text() == "cat:CV"
    assert count_text(window) == "7 of 50 papers"
    qtbot.wait(200)  # facets follow after typing pauses
    year = window.facets.item_for("year:2025")
    assert year is not None
    assert int(year.text(1)) == len(window.library.search("cat:CV year:2025"))
    click_facet(qtbot, window, "cat:CV")
    assert window.filter_edit.text() == ""
    qtbot.wait(200)
    click_facet(qtbot, window, "cat:CV", ctrl=True)
    assert window.filter_edit.text() == "-cat:CV"
    assert count_text(window) == "43 of 50 papers"


def test_details_pane_shows_abstract_with_latex_as_text(qtbot, window: MainWindow) -> None:
    type_filter(qtbot, window, "recovery nonlinear")
    assert count_text(window) == "1 of 50 papers"
    window.table.selectRow(0)
    text = window.details.toPlainText()
    assert "L∞-recovery of Nonlinear Functions" in text
    assert "\\infty" not in text and "$" not in text
    assert "Abstract" in text and "Gaussian" in text
    assert "L∞-recovery" in titles(window)[0]


def test_keyboard_navigation_updates_details(qtbot, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    first = window.details.toPlainText()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.details.toPlainText() != first
    assert titles(window)[1] in window.details.toPlainText()


def test_hostile_title_is_shown_as_text(qtbot, library_path: Path) -> None:
    with open_library(library_path) as lib:
        lib.add_paper(
            PaperFields(
                title="<img src=file:///etc/passwd> <b>bold</b>",
                authors=["<script>x</script>"],
                abstract="<a href='file:///etc'>x</a>",
            )
        )
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    type_filter(qtbot, win, "passwd")
    assert count_text(win) == "1 of 51 papers"
    win.table.selectRow(0)
    text = win.details.toPlainText()
    assert "<img src=file:///etc/passwd> <b>bold</b>" in text
    assert "<script>x</script>" in text
    assert "<img" not in win.details.toHtml().replace("&lt;img", "")
    win.close()


def test_author_link_filters_by_author(qtbot, window: MainWindow) -> None:
    type_filter(qtbot, window, "doremi")
    window.table.selectRow(0)
    window.details.authorClicked.emit("Adams Wei Yu")
    assert window.filter_edit.text() == 'doremi author:"Adams Wei Yu"'
    assert count_text(window) == "1 of 50 papers"


def test_sort_and_columns_survive_restart(qtbot, library_path: Path) -> None:
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    header = win.table.horizontalHeader()
    header.setSortIndicator(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    first = titles(win)
    raw = [r["title"] for r in win.library.records([win.model.paper_id(i) for i in range(50)])]
    assert raw == sorted(raw, key=str.casefold)
    assert first[0].startswith("A ") and first[-1].startswith("What")
    header.setSectionHidden(COLUMN_INDEX["key"], False)
    header.resizeSection(COLUMN_INDEX["authors"], 234)
    win.close()

    again = open_main_window(library_path)
    qtbot.addWidget(again)
    header = again.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMN_INDEX["title"]
    assert titles(again) == first
    assert not header.isSectionHidden(COLUMN_INDEX["key"])
    assert header.sectionSize(COLUMN_INDEX["authors"]) == 234
    again.close()


def test_table_model_passes_qtmodeltester(qtmodeltester, window: MainWindow) -> None:
    qtmodeltester.check(window.model, force_py=True)
    window.filter_edit.setText("cat:CV")
    qtmodeltester.check(window.model, force_py=True)


def test_about_names_version_and_library(window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from papershelf import __version__

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.menus.about()
    assert __version__ in shown[0] and window.library.path.name in shown[0]
