"""The window on small, large and HiDPI screens: the table gets the width, the window
fits its screen, and hints and labels fit their places.

Screen sizes and scales are real: a subprocess opens the window on an offscreen screen
of that size (``offscreen:configfile``) at ``QT_SCALE_FACTOR``, as a reader's would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QToolBar, QToolButton

from papershelf.ui import open_main_window
from papershelf.ui.table.model import COLUMN_INDEX
from papershelf.ui.window.main_window import FILTER_HINTS, TAG_HINTS, MainWindow

PROBE = Path(__file__).with_name("window_probe.py")


def probe(
    tmp_path: Path, library: Path, width: int, height: int, scale: float = 1, *extra: str
) -> dict:
    screen = tmp_path / f"screen-{width}x{height}.json"
    screen.write_text(json.dumps({"screens": [
        {"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "dpr": 1},
    ]}))  # fmt: skip
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "QT_SCALE_FACTOR": str(scale),
    }
    settings = tmp_path / "settings"
    settings.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(PROBE), str(library), str(settings), *extra],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def inside(window: list[int], screen: list[int]) -> bool:
    x, y, w, h = window
    sx, sy, sw, sh = screen
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh


def assert_table_gets_the_width(seen: dict) -> None:
    sidebar, table, details = seen["splitter"]
    assert table >= 0.55 * (sidebar + table + details), seen
    assert details >= seen["minimums"][2], seen  # the details shrink only to a minimum
    assert sidebar == 0 or sidebar >= seen["minimums"][0], seen
    columns = seen["columns"]
    assert columns["title"] == max(columns.values()), columns  # the title is widest
    assert columns["title"] >= 20 * seen["char"], columns


def test_scale_2_on_a_small_screen_opens_inside_it_with_the_table_first(
    tmp_path: Path, library_path: Path
) -> None:
    # The reported case: QT_SCALE_FACTOR=2 on 1600x1000 opened a 2760x1640 window.
    seen = probe(tmp_path, library_path, 1600, 1000, 2)
    assert seen["scale"] == 2 and seen["screen"] == [0, 0, 800, 500]
    assert inside(seen["window"], seen["screen"]), seen
    assert_table_gets_the_width(seen)
    assert seen["splitter"][0] == 0  # too narrow for the sidebar too: it folds away
    assert seen["side_splitter"][0] >= seen["side_splitter"][1]  # details over the note
    # Title, authors, date, category and status are on screen; the rest may scroll.
    columns = seen["columns"]
    on_screen = sum(columns[n] for n in ("title", "authors", "published", "category"))
    assert on_screen + columns["status"] // 2 <= seen["viewport"]


def test_1024x700_shows_every_column_without_scrolling(tmp_path: Path, library_path: Path) -> None:
    seen = probe(tmp_path, library_path, 1600, 1000, 1, "--resize", "1024", "700")
    assert seen["window"][2:] == [1024, 700]
    assert_table_gets_the_width(seen)
    assert seen["splitter"][0] > 0  # the sidebar is still there, at its minimum or more
    assert seen["cut_labels"] == []  # "to-read", not "to-r…"
    assert seen["scroll"] == 0
    assert sum(seen["columns"].values()) <= seen["viewport"]
    assert set(seen["columns"]) >= {"title", "authors", "published", "status", "has_code", "score"}


def test_default_size_shows_code_and_score(tmp_path: Path, library_path: Path) -> None:
    seen = probe(tmp_path, library_path, 1920, 1200)
    assert seen["window"][2:] == [1380, 820]  # the default, centred on a desktop screen
    x, y, w, h = seen["window"]
    assert abs((x + w / 2) - 960) <= 20 and abs((y + h / 2) - 600) <= 40
    assert seen["scroll"] == 0 and sum(seen["columns"].values()) <= seen["viewport"]
    assert seen["splitter"][0] >= 200 and seen["splitter"][2] >= 300  # room: no squeeze


def test_a_geometry_saved_on_a_larger_screen_is_clamped(tmp_path: Path, library_path: Path) -> None:
    big = probe(tmp_path, library_path, 2560, 1440, 1, "--resize", "2400", "1350", "--close")
    assert big["window"][2:] == [2400, 1350]
    small = probe(tmp_path, library_path, 1366, 768)
    assert inside(small["window"], small["screen"]), small
    assert small["window"][2] >= 1300 and small["window"][3] >= 700  # clamped, not reset
    assert_table_gets_the_width(small)


def test_side_panes_give_way_before_the_table_and_come_back(qtbot, window: MainWindow) -> None:
    sidebar, _table, details = window.splitter.sizes()
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.splitter.sizes()[1] >= 0.6 * sum(window.splitter.sizes()) - 2)
    narrow = window.splitter.sizes()
    mins = window.splitter.minimums()
    assert mins[0] <= narrow[0] <= sidebar
    assert mins[2] <= narrow[2] < details
    window.resize(600, 600)  # too narrow for both panes and a fair table: the sidebar folds
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 0)
    assert window.splitter.sizes()[2] >= mins[2] and window.facets.isVisibleTo(window)
    window.resize(1380, 820)  # and comes back at the width it had
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == sidebar)
    assert window.splitter.sizes()[2] == details


def test_a_pane_the_reader_closed_stays_closed(qtbot, window: MainWindow) -> None:
    window.splitter.setSizes([0, 1000, 350])  # dragged shut by the reader
    window.splitter.splitterMoved.emit(0, 1)
    window.resize(1300, 800)
    qtbot.wait(50)
    assert window.splitter.sizes()[0] == 0


def test_columns_follow_the_width_and_a_width_set_by_hand_stays(qtbot, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    title, authors = COLUMN_INDEX["title"], COLUMN_INDEX["authors"]
    wide = header.sectionSize(title)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: header.sectionSize(title) < wide)
    assert window.table.horizontalScrollBar().maximum() == 0
    header.resizeSection(authors, 200)  # the reader drags Authors wider
    window.resize(1380, 820)
    qtbot.waitUntil(lambda: header.sectionSize(title) > 150)
    assert header.sectionSize(authors) == 200
    window.named_actions["actionFitColumns"].trigger()  # View > Fit Columns to Width
    assert header.sectionSize(authors) < 200
    assert header.sectionSize(title) == max(
        header.sectionSize(i) for i in range(header.count()) if not header.isSectionHidden(i)
    )


def test_showing_a_column_shares_the_width_instead_of_scrolling(qtbot, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    header.setSectionHidden(COLUMN_INDEX["key"], False)
    visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    qtbot.waitUntil(
        lambda: sum(header.sectionSize(i) for i in visible) <= window.table.viewport().width()
    )
    assert header.sectionSize(COLUMN_INDEX["key"]) > 0
    assert "key" not in window.column_fitter.pinned  # shown, not set by hand


def test_undo_keeps_a_short_toolbar_label_and_says_it_all_elsewhere(
    window: MainWindow,
) -> None:
    model, selection = window.model, window.table.selectionModel()
    flags = selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
    selection.select(QItemSelection(model.index(0, 0), model.index(3, 0)), flags)
    assert len(window.selected_paper_ids()) == 4
    window.paper_actions.add_tags(["theory"])
    undo = window.named_actions["actionUndo"]
    toolbar = window.findChild(QToolBar, "mainToolbar")
    button = toolbar.widgetForAction(undo)
    assert isinstance(button, QToolButton)
    assert button.text() == "Undo"
    assert undo.text().replace("&", "").startswith("Undo ") and "4 papers" in undo.text()
    assert undo.toolTip() == undo.text().replace("&", "")
    window.undo()  # now Redo says it all, and its button stays short
    redo = window.named_actions["actionRedo"]
    assert toolbar.widgetForAction(redo).text() == "Redo"
    assert "4 papers" in redo.toolTip() and "4 papers" in redo.text()
    assert toolbar.widgetForAction(undo).text() == "Undo" and not undo.isEnabled()


@pytest.mark.parametrize("size", [(1380, 820), (1024, 700), (760, 560)])
def test_hints_fit_their_boxes(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    qtbot.wait(30)
    for edit, hints in ((window.filter_edit, FILTER_HINTS), (window.tag_edit, TAG_HINTS)):
        shown = edit.placeholderText()
        assert shown in hints
        fits = edit.fontMetrics().horizontalAdvance(shown) <= edit.width() - 24
        assert fits or shown == hints[-1], (size, shown, edit.width())
        assert edit.toolTip() == hints[0]  # the whole hint is one hover away
    if size == (1380, 820):
        assert window.filter_edit.placeholderText() == FILTER_HINTS[0]


def test_an_empty_note_does_not_say_saved(qtbot, window: MainWindow) -> None:
    notes = window.notes
    assert notes.paper_id is not None and notes.editor.toPlainText() == ""
    assert notes.state.text() == ""
    notes.save()  # leaving the editor saves: nothing was there to save
    assert notes.state.text() == ""
    notes.editor.setPlainText("A thought")
    notes.save()
    assert notes.state.text() == "Saved"  # the near miss: a note that has text says so
    assert window.library.note(notes.paper_id) == "A thought"
    notes.editor.setPlainText("")
    notes.save()
    assert window.library.note(notes.paper_id) == ""
    assert notes.state.text() == ""


def test_text_size_changes_row_height_and_column_widths(qtbot, window: MainWindow) -> None:
    rows = window.table.verticalHeader()
    before_row = rows.defaultSectionSize()
    before_date = window.table.horizontalHeader().sectionSize(COLUMN_INDEX["published"])
    for _ in range(4):
        window.named_actions["actionTextLarger"].trigger()
    qtbot.waitUntil(lambda: rows.defaultSectionSize() > before_row)
    date = window.table.horizontalHeader().sectionSize(COLUMN_INDEX["published"])
    assert date > before_date  # measured in the new font, not fixed pixels
    window.named_actions["actionTextReset"].trigger()
    qtbot.waitUntil(lambda: rows.defaultSectionSize() == before_row)


def test_restored_window_is_not_off_screen(qtbot, library_path: Path) -> None:
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    win.move(5000, 4000)  # saved on a second monitor that is gone now
    win.close()
    again = open_main_window(library_path)
    qtbot.addWidget(again)
    area = again.screen().availableGeometry()
    assert area.contains(again.geometry()), (again.geometry(), area)
    assert again.windowState() != Qt.WindowState.WindowMinimized
    again.close()


def test_larger_text_widens_the_sidebar_so_its_labels_stay_whole(qtbot, window: MainWindow) -> None:
    tree = window.facets
    sidebar = window.splitter.sizes()[0]

    def cut_labels() -> list[str]:
        """Top-level labels narrower on screen than their text in the current font."""
        metrics = tree.fontMetrics()
        cut = []
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            shown = tree.visualItemRect(item).width()
            shown = min(shown, tree.header().sectionSize(0) - tree.indentation())
            if shown < metrics.horizontalAdvance(item.text(0)):
                cut.append(item.text(0))
        return cut

    assert cut_labels() == []
    for _ in range(3):
        window.named_actions["actionTextLarger"].trigger()
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > sidebar)
    assert cut_labels() == []
    window.named_actions["actionTextReset"].trigger()  # and back to the reader's width
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == sidebar)


def test_in_a_small_window_larger_text_folds_the_sidebar_and_normal_brings_it_back(
    qtbot, window: MainWindow
) -> None:
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > 0)
    sidebar = window.splitter.sizes()[0]
    for _ in range(3):
        window.named_actions["actionTextLarger"].trigger()
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 0)  # no room beside the table
    window.named_actions["actionTextReset"].trigger()
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == sidebar)
