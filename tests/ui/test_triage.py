"""Following and triage in the window: the inbox, single-key triage with undo, the Follow
dialog, background refreshes against a server on 127.0.0.1 and the sidebar's Following
group."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

from feed_fixtures import ATOM, RSS, Item, arxiv_atom, rss
from net_server import FixtureServer, Reply
from papershelf.core.ops import follow as follow_ops
from papershelf.core.store import sources
from papershelf.ui.panes.triage import TriageView
from papershelf.ui.window.following import FollowDialog
from papershelf.ui.window.main_window import MainWindow


def _state(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Every paper row and every history row, as another process reads them."""
    with sqlite3.connect(path) as raw:
        papers = raw.execute("SELECT * FROM papers ORDER BY id").fetchall()
        history = raw.execute("SELECT * FROM status_history ORDER BY id").fetchall()
    return papers, history


def _statuses(path: Path, ids: list[int]) -> list[str]:
    with sqlite3.connect(path) as raw:
        found = dict(raw.execute("SELECT id, status FROM papers").fetchall())
    return [found[i] for i in ids]


def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a dialog opened: {args[1:3]}")

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, refuse)


def test_triage_twenty_papers_with_single_keys_then_undo_one(
    qtbot, window: MainWindow, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_dialogs(monkeypatch)
    window.named_actions["actionTriage"].trigger()
    view = window.findChild(QWidget, "triageView")
    assert isinstance(view, TriageView) and view.isVisible()
    queue = list(view.queue)
    total = len(queue)
    assert total == window.library.count() == 50  # the seeded papers are all new: the inbox
    assert view.progress.text() == f"{total} of {total} left, 0 to-read today"
    first = window.library.paper(queue[0])
    assert first.title in view.page.toPlainText()

    keys = "tgrs" * 5  # to-read, reading, read, skip: twenty papers, one key each
    for key in keys[:-1]:
        qtbot.keyClick(view, key)
    before_last = _state(library_path)
    qtbot.keyClick(view, keys[-1])
    wanted = {"t": "to-read", "g": "reading", "r": "read", "s": "skipped"}
    assert _statuses(library_path, queue[:20]) == [wanted[k] for k in keys]
    assert _statuses(library_path, queue[20:22]) == ["new", "new"]
    assert view.current_paper_id() == queue[20]
    assert view.progress.text() == f"{total - 20} of {total} left, 5 to-read today"

    qtbot.keyClick(view, "u")  # one step back: the twentieth paper is new again
    assert _state(library_path) == before_last
    assert view.current_paper_id() == queue[19]
    assert view.progress.text() == f"{total - 19} of {total} left, 5 to-read today"

    qtbot.keyClick(view, "j")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_paper_id() == queue[21]
    qtbot.keyClick(view, "k")
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.current_paper_id() == queue[19]
    assert _state(library_path) == before_last  # moving decides nothing

    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()
    assert window.findChild(QWidget, "paperTable").isVisible()
    window.undo()  # the window's history holds the triage steps
    assert _statuses(library_path, queue[18:19]) == ["new"]


def test_inbox_shortcut_and_sidebar(window: MainWindow) -> None:
    action = window.named_actions["actionInbox"]
    assert action.shortcut().toString() == "Ctrl+Shift+I"
    window.filter_edit.setText("cat:CV")
    action.trigger()
    assert window.filter_edit.text() == "status:new"
    window.refresh_facets()
    inbox = window.facets.item_for("status:new")
    assert inbox is not None and inbox.text(0) == "Inbox" and inbox.text(1) == "50"


def test_the_inbox_opens_on_its_newest_paper(window: MainWindow) -> None:
    """Keys act at once: the newest untriaged paper is current, unless the current paper
    is in the inbox too (then it stays current)."""
    window.paper_actions.set_status("read")  # the current paper leaves the inbox
    assert window.current_paper_id() is not None
    window.named_actions["actionInbox"].trigger()
    newest = window.library.search("status:new", sort="published", descending=True)[0]
    assert window.model.paper_id(0) == newest
    assert window.current_paper_id() == newest
    assert window.place.selected_paper_ids() == [newest]

    window.table.selectRow(3)  # a paper in the inbox stays current
    kept = window.current_paper_id()
    window.filter_edit.setText("cat:CV")
    window.named_actions["actionInbox"].trigger()
    assert window.current_paper_id() == kept


def test_follow_refresh_and_the_following_group(
    qtbot,
    window: MainWindow,
    fixture_server: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_dialogs(monkeypatch)
    fixture_server.route("/blog.xml", Reply(200, rss([Item("Post one", guid="1")]), RSS))
    fixture_server.route("/page", Reply(200, b"<html><body>no</body></html>", "text/html"))
    fixture_server.route(
        "/slow", Reply(200, arxiv_atom([Item("Slow one", arxiv="2605.00001v1")]), ATOM, delay_s=1)
    )
    asked: list[tuple[str, str]] = []

    def accept(self: FollowDialog) -> int:
        asked.append((self.name.text(), self.spec.text()))
        if not self.name.text():
            self.name.setText("Blog")
            self.spec.setText(fixture_server.url + "/blog.xml")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FollowDialog, "exec", accept)
    window.named_actions["actionFollow"].trigger()  # follows, then refreshes it
    qtbot.waitUntil(
        lambda: (
            window.facets.item_for("from:Blog") is not None
            and window.facets.item_for("from:Blog").text(1) == "1"
        ),
        timeout=10_000,
    )

    # "Follow the listing's author" fills in the listing's author as an arXiv query.
    listed = str((sources.listing_header(window.library) or {})["name"])
    monkeypatch.setattr(FollowDialog, "exec", lambda self: asked.append(
        (self.name.text(), self.spec.text())) or QDialog.DialogCode.Rejected)  # fmt: skip
    window.named_actions["actionFollowListingAuthor"].trigger()
    assert asked[-1] == (listed, f'arxiv:au:"{listed}"')
    window.details.author_menu("Ekin Akyürek").findChild(
        type(window.named_actions["actionFollow"]), "actionFollowThisAuthor"
    ).trigger()
    assert asked[-1] == ("Ekin Akyürek", 'arxiv:au:"Ekin Akyürek"')

    # A failing source is marked; a slow one delays nothing on the main thread.
    follow_ops.add_follow(window.library, "Page", fixture_server.url + "/page")
    follow_ops.add_follow(window.library, "Slow", fixture_server.url + "/slow")
    window.named_actions["actionRefreshFeeds"].trigger()
    assert window.filter_edit.isEnabled()  # the window goes on while the server waits
    qtbot.waitUntil(
        lambda: (
            window.facets.item_for("from:Slow") is not None
            and window.facets.item_for("from:Slow").text(1) == "1"
        ),
        timeout=15_000,
    )
    page = window.facets.item_for("from:Page")
    assert "⚠" in page.text(0) and "web page" in page.toolTip(0)
    assert "1 source failing" in window.following.state.text()

    window.facets.itemClicked.emit(window.facets.item_for("from:Blog"), 0)
    assert window.filter_edit.text() == "from:Blog"
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)


def test_a_refresh_runs_in_a_process_of_its_own(
    qtbot, window: MainWindow, fixture_server: FixtureServer, monkeypatch
) -> None:
    """feedparser is Python: a 10,000-entry feed read on one of the window's threads held
    its main thread for seconds (``ui/own_process``). Here it cannot even run in this
    process, and the sidebar, the count and the status still follow the refresh."""
    from papershelf.core.net import refresh

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a feed was read in the window's process")

    monkeypatch.setattr(refresh, "refresh", not_here)
    monkeypatch.setattr(refresh, "parse_feed", not_here)
    posts = [Item(f"Post {i}", guid=f"p{i}") for i in range(3)]
    fixture_server.route("/blog.xml", Reply(200, rss(posts), RSS))
    follow_ops.add_follow(window.library, "Blog", fixture_server.url + "/blog.xml")
    before = window.library.count()
    window.named_actions["actionRefreshFeeds"].trigger()
    qtbot.waitUntil(lambda: "Feeds refreshed" in window.following.state.text(), timeout=30_000)
    assert window.following.state.text() == "Feeds refreshed: 3 new papers"
    assert window.library.count() == before + 3
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 3, timeout=10_000)


def test_offline_is_a_quiet_status(qtbot, window: MainWindow, monkeypatch) -> None:
    _no_dialogs(monkeypatch)
    follow_ops.add_follow(window.library, "Away", "http://127.0.0.1:9/feed.xml")
    window.named_actions["actionRefreshFeeds"].trigger()
    qtbot.waitUntil(lambda: "Offline" in window.following.state.text(), timeout=10_000)
    window.refresh_facets()
    assert "⚠" not in window.facets.item_for("from:Away").text(0)


def test_automatic_refreshes_are_set_from_the_follow_menu(
    qtbot, window: MainWindow, library_path, monkeypatch
) -> None:
    """Follow > Refresh Automatically: the hours apart are kept for the next start and
    applied at once; 0 stops them; Cancel changes nothing."""
    from papershelf.ui import open_main_window
    from papershelf.ui.window import following

    timer = window.following._timer
    assert following.refresh_hours() == following.DEFAULT_REFRESH_HOURS
    assert timer.isActive() and timer.interval() == 4 * 3600 * 1000
    asked: list[float] = []

    def answer(value: float, ok: bool = True):  # type: ignore[no-untyped-def]
        def get(*args: object) -> tuple[float, bool]:
            asked.append(float(args[3]))  # shown: the current setting
            return value, ok

        return get

    monkeypatch.setattr(QInputDialog, "getDouble", answer(0.5))
    window.named_actions["actionRefreshEvery"].trigger()
    assert asked == [4.0]
    assert timer.isActive() and timer.interval() == 30 * 60 * 1000
    assert following.refresh_hours() == 0.5
    assert window.statusBar().currentMessage() == "Followed sources refresh every 0.5 hours"

    monkeypatch.setattr(QInputDialog, "getDouble", answer(12, ok=False))
    window.named_actions["actionRefreshEvery"].trigger()
    assert asked[-1] == 0.5 and following.refresh_hours() == 0.5
    assert timer.interval() == 30 * 60 * 1000

    monkeypatch.setattr(QInputDialog, "getDouble", answer(0))
    window.named_actions["actionRefreshEvery"].trigger()
    assert not timer.isActive() and following.refresh_hours() == 0
    assert window.statusBar().currentMessage() == "Followed sources refresh only when asked"

    again = open_main_window(library_path)  # the next start reads it
    qtbot.addWidget(again)
    assert not again.following._timer.isActive()
    monkeypatch.setattr(QInputDialog, "getDouble", answer(1))
    again.named_actions["actionRefreshEvery"].trigger()
    assert asked[-1] == 0
    assert again.statusBar().currentMessage() == "Followed sources refresh every 1 hour"
    again.close()
