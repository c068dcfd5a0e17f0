"""The window on a library larger than one page: results finish on the query thread."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from papershelf.core.fields import PaperFields
from papershelf.core.ops import papers
from papershelf.core.search import facets as facets_module
from papershelf.core.search.first_page import Page
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.ui import open_main_window
from papershelf.ui.panes.facet_tree import estimate_text
from papershelf.ui.table import model as table_model_module
from papershelf.ui.table.model import FIRST_PAGE, SCREENFUL
from papershelf.ui.theme import search_mark
from papershelf.ui.window import filtering, following

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import generate
from window_probe import cut_labels


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "library.sqlite"
    generate(path, 2000)
    return path


@pytest.fixture
def big_window(qtbot, big_template: Path, tmp_path: Path, monkeypatch):
    path = tmp_path / "library.sqlite"
    path.write_bytes(big_template.read_bytes())
    monkeypatch.setattr(filtering, "_SYNC_FACETS_LIMIT", 100)
    win = open_main_window(path)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: not win.model.busy, timeout=5000)
    yield win
    win.close()


def expected_ids(path: Path, query: str) -> list[int]:
    with open_library(path, seed=False) as library:
        return library.search(query, sort="published", descending=True)


def test_whole_result_arrives_after_first_page(qtbot, big_window) -> None:
    assert big_window.count_label.text() == "2,000 of 2,000 papers"
    assert big_window.model.rowCount() == 2000
    edit = big_window.findChild(QLineEdit, "filterEdit")
    with qtbot.waitSignal(big_window.model.resultApplied, timeout=5000):
        edit.setText("the")
    qtbot.waitUntil(lambda: not big_window.model.busy, timeout=5000)
    ids = expected_ids(big_window.library.path, "the")
    assert len(ids) > FIRST_PAGE
    assert big_window.count_label.text() == f"{len(ids):,} of 2,000 papers"
    model = big_window.model
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids


def test_superseded_queries_never_show(qtbot, big_window) -> None:
    edit = big_window.findChild(QLineEdit, "filterEdit")
    for text in ("t", "th", "the", "the a", "cat:CV"):
        edit.setText(text)
    qtbot.waitUntil(lambda: not big_window.model.busy, timeout=5000)
    qtbot.wait(100)  # any late result of an earlier query would land here
    ids = expected_ids(big_window.library.path, "cat:CV")
    model = big_window.model
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids


def test_facets_are_counted_off_the_main_thread(qtbot, big_window) -> None:
    def counted() -> None:
        item = big_window.facets.item_for("status:read")
        assert item is not None
        assert int(item.text(1).replace(",", "")) == len(
            expected_ids(big_window.library.path, "status:read")
        )

    qtbot.waitUntil(counted, timeout=5000)


def test_a_result_of_most_papers_is_counted_through_those_it_leaves_out(
    qtbot, big_window, monkeypatch
) -> None:
    """The window tells the counts how large the complete result is, so that a word in
    most papers is counted by its complement (9 s -> 2 s at a million): same counts."""
    calls: list[str] = []
    complement = facets_module._by_complement

    def spying(library, query, limit):  # type: ignore[no-untyped-def]
        calls.append(query.where)
        return complement(library, query, limit)

    monkeypatch.setattr(facets_module, "_by_complement", spying)
    text = "-cat:LG"
    ids = expected_ids(big_window.library.path, text)
    assert 2 * len(ids) > 2000  # most papers
    with open_library(big_window.library.path, seed=False) as library:
        expected = facets_module.facet_counts(library, library.compile(text))
    shown = [f for group in ("Status", "Category", "Year", "Tags") for f in expected[group]]
    shown = [f for f in shown if f.token != "status:new"]  # the inbox's token: whole library
    assert sum(f.count for f in expected["Category"]) == len(ids)
    big_window.findChild(QLineEdit, "filterEdit").setText(text)

    def counted() -> None:
        for facet in shown:
            item = big_window.facets.item_for(facet.token)
            assert item is not None and int(item.text(1).replace(",", "")) == facet.count

    qtbot.waitUntil(counted, timeout=5000)
    assert len(calls) == 1


def test_a_small_result_is_counted_from_the_tables_ids(qtbot, big_window, monkeypatch) -> None:
    """The window hands the counts the complete result's ids, so that a filter costly
    to run (1 s at a million) is not run again to count: the same counts."""
    given: list[list[int] | None] = []
    counted_by = facets_module._counted

    def spying(library, query, limit, **options):  # type: ignore[no-untyped-def]
        result = options.get("result")
        given.append(None if result is None else list(result))
        return counted_by(library, query, limit, **options)

    monkeypatch.setattr(facets_module, "_counted", spying)
    text = "cat:LG year:>2015"
    ids = expected_ids(big_window.library.path, text)
    assert 0 < 2 * len(ids) < 2000  # fewer than half: counted directly
    with open_library(big_window.library.path, seed=False) as library:
        expected = facets_module.facet_counts(library, library.compile(text))
    big_window.findChild(QLineEdit, "filterEdit").setText(text)

    def counted() -> None:
        for facet in expected["Year"] + expected["Category"]:
            item = big_window.facets.item_for(facet.token)
            assert item is not None and int(item.text(1).replace(",", "")) == facet.count

    qtbot.waitUntil(counted, timeout=5000)
    assert sorted(given[-1] or []) == sorted(ids)


def test_a_first_page_that_takes_long_never_holds_up_the_main_thread(
    qtbot, big_window, monkeypatch
) -> None:
    """The first page is found on a thread of its own; the main thread waits for it
    FIRST_PAGE_WAIT_S at most and goes on, and the thread's answer is shown when it
    comes. Here that thread is held until the window has gone on: the result still
    arrives, exact, and a filter typed meanwhile supersedes it."""
    model = big_window.model
    held, release = threading.Event(), threading.Event()
    real = table_model_module.first_page

    def slow_on_its_thread(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "papershelf-first":
            held.set()
            release.wait(10)  # a long FTS5 step, which no deadline interrupts
        return real(*args, **kwargs)

    monkeypatch.setattr(table_model_module, "first_page", slow_on_its_thread)
    monkeypatch.setattr(table_model_module, "FIRST_PAGE_WAIT_S", 0.01)
    count_before = big_window.count_label.text()
    big_window.findChild(QLineEdit, "filterEdit").setText("cat:CV")
    assert held.is_set() and not release.is_set()  # back while that thread is held
    assert model.busy and model.stale  # the last rows stay, marked as the last filter's
    # Their count stays a moment too (no flicker at every key), then says it searches.
    assert big_window.count_label.text() == count_before
    qtbot.waitUntil(lambda: big_window.count_label.text() == "Searching 2,000 papers…")
    assert model.busy and model.stale  # nothing else looked for it meanwhile
    release.set()
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    ids = expected_ids(big_window.library.path, "cat:CV")
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids
    # Held again, and superseded by the next filter: only the next one's rows show.
    held.clear()
    release.clear()
    big_window.findChild(QLineEdit, "filterEdit").setText("cat:CL")
    assert held.wait(5)
    monkeypatch.setattr(table_model_module, "FIRST_PAGE_WAIT_S", 30.0)
    release.set()
    big_window.findChild(QLineEdit, "filterEdit").setText("cat:LG year:2020")
    ids = expected_ids(big_window.library.path, "cat:LG year:2020")
    assert len(ids) <= FIRST_PAGE and not model.busy
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids


@pytest.mark.parametrize(("page_share", "list_s", "early"), [
    (0.5, 0.05, True),  # a page expected to take half its deadline, a list expected soon
    (1.0, 1.0, False),  # the list expected later: the query thread may find the page first
    (0.4, 0.05, False),  # a page expected sooner, which the list would only slow down
])  # fmt: skip
def test_a_late_first_page_whose_list_is_expected_soon_has_the_list_started_at_once(
    qtbot, big_window, monkeypatch, page_share: float, list_s: float, early: bool
) -> None:
    """Past the main thread's wait, a page expected to take half its deadline or more,
    whose list is expected within EARLY_LIST_S, has the list started beside it (which
    brings the rows while that page is held); otherwise the list waits for the page."""
    assert 0.05 < table_model_module.EARLY_LIST_S < 1.0
    page_s = page_share * table_model_module.FIRST_PAGE_DEADLINE_S
    model = big_window.model
    held, release = threading.Event(), threading.Event()
    real = table_model_module.first_page

    def late(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "papershelf-first":
            kwargs["expected"](page_s, list_s)  # planned: then a long FTS5 step
            held.set()
            release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(table_model_module, "first_page", late)
    monkeypatch.setattr(table_model_module, "FIRST_PAGE_WAIT_S", 0.01)
    ids = expected_ids(big_window.library.path, "learning")
    assert len(ids) > FIRST_PAGE
    big_window.findChild(QLineEdit, "filterEdit").setText("learning")
    assert held.is_set() and model.busy and model.stale
    if early:
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
        assert not release.is_set()  # the page is still being looked for
    else:
        qtbot.wait(300)
        assert model.busy and model.stale  # nothing else looked for it meanwhile
    release.set()
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    qtbot.wait(100)  # the first page's late answer, if any, changes nothing
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids
    assert not model.stale and not model.busy


def test_a_list_started_early_is_the_only_one(qtbot, big_window, monkeypatch) -> None:
    """The late page that arrives while its early list runs is shown, and the list goes
    on: no page task or second list is queued behind it on the query lane."""
    model = big_window.model
    page_held, list_started, list_held = threading.Event(), threading.Event(), threading.Event()
    real_page, real_search = table_model_module.first_page, Library.search
    lists: list[str] = []

    def late(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "papershelf-first":
            kwargs["expected"](table_model_module.FIRST_PAGE_DEADLINE_S, 0.05)
            page_held.set()
            list_started.wait(10)
        return real_page(*args, **kwargs)

    def held_list(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "papershelf-query":
            lists.append(str(args[0]))
            list_started.set()
            list_held.wait(10)
        return real_search(self, *args, **kwargs)

    monkeypatch.setattr(table_model_module, "first_page", late)
    monkeypatch.setattr(Library, "search", held_list)
    monkeypatch.setattr(table_model_module, "FIRST_PAGE_WAIT_S", 0.01)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    for text in ("learning", "trajectories"):  # more than a page; a page or less
        ids = expected_ids(big_window.library.path, text)
        for event in (page_held, list_started, list_held):
            event.clear()
        lists.clear()
        resets.clear()
        big_window.findChild(QLineEdit, "filterEdit").setText(text)
        assert page_held.is_set()
        qtbot.waitUntil(list_started.is_set, timeout=5000)
        # The page, found while the list is held, is shown; the list is still to come.
        qtbot.waitUntil(lambda: not model.stale, timeout=5000)
        shown = [model.paper_id(r) for r in range(model.rowCount())]
        assert shown == ids[:FIRST_PAGE] and model.busy == (len(ids) > FIRST_PAGE)
        list_held.set()
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
        qtbot.wait(100)  # the held list's answer, had it been kept
        assert [model.paper_id(r) for r in range(model.rowCount())] == ids
        assert len(lists) == 1, text
        if len(ids) <= FIRST_PAGE:  # the page was the whole result: the list is not applied
            assert len(ids) > 0 and resets == [len(ids)]


def test_a_common_word_shows_its_first_page_at_once_then_the_exact_count(qtbot, big_window) -> None:
    model = big_window.model
    qtbot.waitUntil(lambda: model._vocabulary is not None, timeout=5000)
    ids = expected_ids(big_window.library.path, "learn")
    assert len(ids) > FIRST_PAGE
    big_window.findChild(QLineEdit, "filterEdit").setText("learn")
    # Before any event is processed: the right top rows, marked as more to come. A
    # plan that runs past its expected time hands over a screenful early (the rest
    # comes from the thread), so how many rows depends on the machine's load.
    assert not model.stale and model.busy
    shown = [model.paper_id(r) for r in range(model.rowCount())]
    assert SCREENFUL <= len(shown) <= FIRST_PAGE and shown == ids[: len(shown)]
    assert big_window.count_label.text() == f"{len(shown):,}+ of 2,000 papers"
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids
    assert big_window.count_label.text() == f"{len(ids):,} of 2,000 papers"


def test_a_paper_added_after_the_terms_were_read_still_shows(qtbot, big_window) -> None:
    model = big_window.model
    qtbot.waitUntil(lambda: model._vocabulary is not None, timeout=5000)
    with open_library(big_window.library.path, seed=False) as other:
        [new_id] = other.add_papers(
            [PaperFields(title="Learnification of everything", published="2099-01-01")]
        )
    big_window.library_changed()
    big_window.findChild(QLineEdit, "filterEdit").setText("learn")
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    assert model.paper_id(0) == new_id  # newest first, whatever the terms snapshot said
    assert [model.paper_id(r) for r in range(model.rowCount())] == expected_ids(
        big_window.library.path, "learn"
    )


def test_past_the_deadline_the_query_thread_finds_the_first_page(
    qtbot, big_window, monkeypatch
) -> None:
    monkeypatch.setattr(table_model_module, "FIRST_PAGE_DEADLINE_S", 0.0)
    model = big_window.model
    pages: list[tuple[bool, list[int]]] = []
    model.resultApplied.connect(
        lambda: pages.append((model.busy, [model.paper_id(r) for r in range(model.rowCount())]))
    )
    ids = expected_ids(big_window.library.path, "learning")
    big_window.findChild(QLineEdit, "filterEdit").setText("learning")
    assert model.stale and model.busy  # the previous rows, until the thread answers
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    assert pages[0] == (True, ids[:FIRST_PAGE])  # the first page, marked as more to come
    assert pages[-1] == (False, ids)


def test_a_screenful_found_in_time_shows_then_grows_to_the_page_and_the_list(
    qtbot, big_window, monkeypatch
) -> None:
    real = table_model_module.first_page

    def short_of_time(
        conn, query, sort, descending, page, vocabulary, deadline_s, at_least=0, **kw
    ):
        found = real(conn, query, sort, descending, page, vocabulary, deadline_s, at_least, **kw)
        if at_least and found is not None:  # the main thread's call: time ran out midway
            return Page(found.ids[:at_least], cut=True)
        return found

    monkeypatch.setattr(table_model_module, "first_page", short_of_time)
    model = big_window.model
    sizes: list[int] = []
    model.resultApplied.connect(lambda: sizes.append(model.rowCount()))
    ids = expected_ids(big_window.library.path, "learning")
    big_window.findChild(QLineEdit, "filterEdit").setText("learning")
    assert not model.stale and model.busy
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids[:SCREENFUL]
    qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    assert sizes == [SCREENFUL, FIRST_PAGE, len(ids)]
    assert [model.paper_id(r) for r in range(model.rowCount())] == ids


def test_typing_a_filter_that_keeps_the_current_paper_leaves_the_panes_alone(
    qtbot, big_window
) -> None:
    """Each key resets the table and the current paper's row comes back with the new
    result: the details pane and note editor are not emptied and drawn again for it
    (2-3 ms a key, and a flicker), but do empty when the complete result lacks it. The
    filter's words are marked in it once typing pauses."""
    win = big_window
    current = win.current_paper_id()
    assert current is not None
    title = win.library.record(current)["title"]
    word = max(title.split(), key=len).strip(".,:;()").lower()
    drawn: list[object] = []
    show_paper, show_empty = win.details.show_paper, win.details.show_empty
    win.details.show_paper = lambda paper, *a: (drawn.append(paper.id), show_paper(paper, *a))
    win.details.show_empty = lambda *a: (drawn.append(None), show_empty(*a))
    edit = win.findChild(QLineEdit, "filterEdit")
    for end in range(1, len(word) + 1):
        edit.setText(word[:end])
        qtbot.waitUntil(lambda: not win.model.busy, timeout=5000)
        assert win.current_paper_id() == current
    assert drawn == []
    assert title in win.details.toPlainText()
    mark = search_mark(win.details.palette())[0].name()
    qtbot.waitUntil(lambda: f"background-color:{mark};" in win.details.toHtml(), timeout=5000)

    edit.setText(f"-{word}")  # a result of many pages without it
    qtbot.waitUntil(lambda: not win.model.busy, timeout=5000)
    assert win.model.rowCount() > FIRST_PAGE and win.model.row_of(current) < 0
    assert win.current_paper_id() is None and drawn == [None]
    assert title not in win.details.toPlainText()


def test_a_write_while_a_result_is_coming_shows_the_written_row(qtbot, big_window) -> None:
    """The table keeps rows it has read across new results; a write that lands while the
    rest of a result is still coming must still show what it wrote."""
    win = big_window
    edit = win.findChild(QLineEdit, "filterEdit")
    edit.setText("the")
    assert win.model.busy  # the first page shows; the complete list is on its way
    top = win.model.paper_id(0)
    assert win.model.index(0, 0).data()  # its row is read (and kept)
    win.apply(lambda: papers.set_status(win.library, [top], "skipped"))
    qtbot.waitUntil(lambda: not win.model.busy and not win.model.refreshing, timeout=5000)
    row = win.model.row_of(top)
    assert row >= 0
    status = win.model.index(row, 0).data(table_model_module.STATUS_ROLE)
    assert status == "skipped"


def test_a_result_slow_to_count_shows_estimates_until_the_exact_counts(
    qtbot, big_window, monkeypatch
) -> None:
    """At a million papers exact counts of a large result take seconds: estimates from a
    sample come first, shown as such ("≈"), then the exact counts replace them."""
    monkeypatch.setattr(facets_module, "ESTIMATE_ABOVE", 100)
    monkeypatch.setattr(facets_module, "ESTIMATE_SAMPLE", 50)
    monkeypatch.setattr(facets_module, "ESTIMATE_SEEN", 1)
    release = threading.Event()
    exact_counts = following.facet_counts

    def held(*args, **options):  # type: ignore[no-untyped-def]
        release.wait(10)
        return exact_counts(*args, **options)

    monkeypatch.setattr(following, "facet_counts", held)
    text = "cat:LG"
    ids = expected_ids(big_window.library.path, text)
    assert len(ids) > 100  # a large result
    with open_library(big_window.library.path, seed=False) as library:
        compiled = library.compile(text)
        estimated = facets_module.estimated_facet_counts(library, compiled, ids, sample=50)
        exact = facets_module.facet_counts(library, compiled)
    big_window.findChild(QLineEdit, "filterEdit").setText(text)

    def shown(expected: dict, text: Callable[[int], str]) -> None:  # type: ignore[type-arg]
        for facet in expected["Year"] + expected["Category"]:
            item = big_window.facets.item_for(facet.token)
            assert item is not None and item.text(1) == text(facet.count)

    qtbot.waitUntil(lambda: shown(estimated, estimate_text), timeout=5000)
    assert big_window.facets.estimated
    item = big_window.facets.item_for("cat:LG")
    assert item is not None and "exact counts" in item.toolTip(1)
    assert "counting…" in rows_of(big_window.facets, "Year")  # values may yet appear
    assert "counting…" not in rows_of(big_window.facets, "Status")  # every status is there
    release.set()
    qtbot.waitUntil(lambda: shown(exact, lambda count: f"{count:,}"), timeout=5000)
    assert not big_window.facets.estimated
    assert big_window.facets.item_for("cat:LG").toolTip(1) == ""
    assert "counting…" not in rows_of(big_window.facets, "Year")


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "≈0"),
        (7, "≈7"),
        (999, "≈999"),
        (1_000, "≈1k"),
        (3_700, "≈3.7k"),
        (29_000, "≈29k"),
        (990_000, "≈990k"),
        (1_000_000, "≈1M"),
        (1_200_000, "≈1.2M"),
    ],
)
def test_an_estimate_is_shown_in_as_few_characters_as_its_two_figures(
    count: int, text: str
) -> None:
    assert estimate_text(count) == text


def rows_of(tree, group: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The rows under ``group`` (none while the tree has not been filled yet)."""
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        if top.text(0) == group:
            return [top.child(c).text(0) for c in range(top.childCount())]
    return []


def test_more_authors_are_counted_off_the_main_thread(qtbot, big_window) -> None:
    """ "more..." under Authors counts 200 more in the counts lane: at a million papers
    counting on the main thread froze the window for seconds."""
    tree = big_window.facets
    qtbot.waitUntil(lambda: len(rows_of(tree, "Authors")) == 51, timeout=5000)  # 50, "more..."
    tree.moreAuthorsRequested.emit()
    assert len(rows_of(tree, "Authors")) == 51  # nothing counted on this thread
    qtbot.waitUntil(lambda: len(rows_of(tree, "Authors")) > 51, timeout=5000)
    with open_library(big_window.library.path, seed=False) as library:
        expected = facets_module.facet_counts(library, library.compile(""), author_limit=250)
    shown = [row for row in rows_of(tree, "Authors") if row != "more..."]
    assert shown == [f.label for f in expected["Authors"]][: len(shown)]
    assert len(shown) == min(250, len(expected["Authors"]))


def test_the_whole_library_s_counts_are_not_begun_again_for_the_same_library(
    qtbot, big_window, monkeypatch
) -> None:
    """At start the counts begin before the complete result; when it comes, the whole
    library's counts (which it does not change) go on instead of starting over."""
    asked: list[str] = []
    tasks = big_window.tasks
    run = tasks.run

    def counting(kind, work, **options):  # type: ignore[no-untyped-def]
        asked.append(kind)
        return run(kind, work, **options)

    monkeypatch.setattr(tasks, "run", counting)

    def counted() -> bool:
        return not big_window.model.busy and not tasks.pending("facets")

    qtbot.waitUntil(counted, timeout=5000)
    asked.clear()
    big_window.recount_facets()
    big_window.recount_facets()  # the same counts, still to come: not asked again
    assert asked.count("facets") == 1
    qtbot.waitUntil(counted, timeout=5000)
    with open_library(big_window.library.path, seed=False) as other:
        other.set_status([other.search("")[0]], "read")
    big_window.recount_facets()  # the library changed: counted again
    assert asked.count("facets") == 2
    big_window.findChild(QLineEdit, "filterEdit").setText("cat:LG")
    qtbot.waitUntil(counted, timeout=5000)
    asked.clear()
    big_window.recount_facets()
    big_window.recount_facets()  # another filter's counts use its ids: asked again
    assert asked.count("facets") == 2


def test_counts_that_come_after_the_panes_were_sized_leave_the_labels_whole(
    qtbot, big_window
) -> None:
    """At 1024x700 the sidebar is at its minimum; the counts came from the lane after
    it was sized, and a wider count column ("2,000") cut the labels ("to-r…")."""
    big_window.resize(1024, 700)
    qtbot.waitUntil(lambda: big_window.splitter.sizes()[0] == big_window.splitter.minimums()[0])
    big_window.filter_edit.setText("the")
    qtbot.waitUntil(lambda: not big_window.model.busy, timeout=5000)
    qtbot.waitUntil(lambda: not big_window.tasks.pending("facets"), timeout=5000)
    qtbot.wait(50)  # the count column takes its width from the counts shown
    assert cut_labels(big_window.facets) == []
