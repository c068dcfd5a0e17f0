"""first_page: the top rows of a filter, found without listing the whole result.

Every plan must give exactly the first rows ``Library.search`` gives; the planner must
walk the sort index for common words and list the matches for rare ones.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from papershelf.core.errors import QueryCancelled
from papershelf.core.fields import PaperFields
from papershelf.core.search import first_page as first_page_module
from papershelf.core.search.first_page import (
    Page,
    Vocabulary,
    _Budget,
    _Plan,
    _plans,
    expand_prefixes,
    first_page,
)
from papershelf.core.search.query import compile_query
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.store.orders import SORT_COLUMNS, SORT_INDEXES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import generate

PAGE = 50
QUERIES = [
    "",
    "l",  # a one-letter prefix: nearly every paper, through the prefix index
    "lear",  # a long prefix: spelled out from the vocabulary
    "learning",
    "model c",
    "learning -ablation",
    "-model",
    "ablation",  # a few percent of the papers
    "trajectories",
    "wqzxv",  # nothing
    '"deep learning"',
    '"the lea',  # a phrase still being typed
    '"this ',
    '"in-context lear',
    "title:learn",
    "author:a",
    "learning status:read",
    "model year:2020",
    "learning year:2000..2010",
    "model OR ablation",
    "learn has:code",
    "tag:theory learning",
]


@pytest.fixture(scope="module")
def synthetic_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-page") / "library.sqlite"
    generate(path, 3000)
    return path


@pytest.fixture(scope="module")
def vocabulary(synthetic_library: Path) -> Vocabulary:
    with open_library(synthetic_library, seed=False) as library:
        return Vocabulary.load(library)


def _expected(path: Path, text: str, sort: str, descending: bool) -> list[int]:
    with open_library(path, seed=False) as library:
        return library.search(text, sort=sort, descending=descending, limit=PAGE)


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("with_vocabulary", [True, False])
def test_first_page_is_the_top_of_the_full_result(
    synthetic_library: Path, vocabulary: Vocabulary, text: str, with_vocabulary: bool
) -> None:
    query = compile_query(text)
    assert query.error is None
    with open_library(synthetic_library, seed=False) as library:
        for sort in ("published", "title", "status", "score", "authors"):
            for descending in (True, False):
                expected = library.search(query, sort=sort, descending=descending, limit=PAGE)
                found = first_page(
                    library,
                    query,
                    sort,
                    descending,
                    PAGE,
                    vocabulary if with_vocabulary else None,
                    deadline_s=60,
                )
                assert found == Page(expected, cut=False), (text, sort, descending)


@pytest.fixture(scope="module")
def planned_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that the right plan is faster by several times, not by noise."""
    path = tmp_path_factory.mktemp("planned") / "library.sqlite"
    generate(path, 20_000)
    return path


def _kind(plan: _Plan) -> str:
    if not plan.walk:
        return "own, tested" if "EXISTS" in plan.where else "match-driven"
    return "test walk" if "EXISTS" in plan.where else "set walk"


def test_each_band_of_words_has_its_plan_first(planned_library: Path) -> None:
    with open_library(planned_library, seed=False) as library:
        vocabulary = Vocabulary.load(library)

        def kinds(text: str) -> list[str]:
            budget = _Budget(time.perf_counter() + 60)
            plans = _plans(library.conn, compile_query(text), vocabulary, PAGE, budget)
            assert plans[-1].give_up_s == float("inf")  # the last one always finishes
            assert all(p.give_up_s < 1 for p in plans[:-1])  # the others give way
            return [_kind(plan) for plan in plans]

        shares = dict(zip(vocabulary.terms, vocabulary.papers, strict=True))
        assert shares["learning"] > 0.8 * 20_000  # a few papers tested, one by one
        assert kinds("learning")[0] == "test walk"
        assert 0.05 < shares["vision"] / 20_000 < 0.15  # its matches as a set, then walk
        assert kinds("vision")[0] == "set walk"
        assert kinds("stores zeroth")[0] == "match-driven"  # a handful: list and sort them
        assert kinds("status:read") == ["match-driven"]  # no full-text match to plan for
        # Another condition with an index of its own: SQLite's plan first, briefly.
        both = kinds("learning status:reading")
        assert both[0] == "own, tested" and len(both) == 4


def test_before_the_list_only_a_plan_expected_sooner_is_tried(
    planned_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query thread lists the whole result after the page: a page expected no
    sooner than that list is left to it (None), one expected sooner is the same page."""
    ran: list[str] = []
    with open_library(planned_library, seed=False) as library:
        vocabulary = Vocabulary.load(library)
        real = first_page_module._plans

        def kinds(*args, **options):  # type: ignore[no-untyped-def]
            plans = real(*args, **options)
            ran.append(" / ".join(_kind(plan) for plan in plans))
            return plans

        monkeypatch.setattr(first_page_module, "_plans", kinds)
        for text, found in (("learning", True), ("vision", True), ("stores zeroth", False)):
            query = compile_query(text)
            expected = library.search(query, sort="published", descending=True, limit=PAGE)
            assert first_page(library, query, "published", True, PAGE, vocabulary, 60) == Page(
                expected, cut=False
            )
            before = first_page(
                library, query, "published", True, PAGE, vocabulary, 60, before_the_list=True
            )
            assert before == (Page(expected, cut=False) if found else None), text
        assert ran[-1].startswith("match-driven")  # the list itself is the quickest
        # Without an estimate of the list (no full-text match), SQLite's plan with a
        # limit still beats listing everything.
        query = compile_query("status:new")
        expected = library.search(query, sort="title", limit=PAGE)
        page = first_page(
            library, query, "title", False, PAGE, vocabulary, 60, before_the_list=True
        )
        assert page == Page(expected, cut=False)


def test_before_the_list_the_deadline_is_when_the_list_is_expected() -> None:
    budget = _Budget(time.perf_counter() + 30)
    plans = [
        _Plan("walk", [], 0.01, walk=True),
        _Plan("walk a little sooner", [], 0.15, walk=True),  # would only delay the list
        _Plan("list", [], 0.2, lists=True),
        _Plan("slow walk", [], 0.5, walk=True),
    ]
    kept = first_page_module._sooner_than_the_list(plans, budget)
    assert [plan.where for plan in kept] == ["walk"]
    assert budget.deadline <= time.perf_counter() + 0.2


def test_a_slow_sample_leaves_the_page_to_the_listed_matches(
    synthetic_library: Path, vocabulary: Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_page_module, "_SAMPLE_S", -1.0)  # every sample runs out
    query = compile_query("learning")
    with open_library(synthetic_library, seed=False) as library:
        budget = _Budget(time.perf_counter() + 60)
        library.conn.set_progress_handler(budget.expired, 1)
        plans = _plans(library.conn, query, vocabulary, PAGE, budget)
        library.conn.set_progress_handler(None, 0)
        assert [_kind(plan) for plan in plans] == ["match-driven"]
        expected = library.search(query, sort="title", limit=PAGE)
        found = first_page(library, query, "title", False, PAGE, vocabulary, 60)
        assert found == Page(expected, cut=False)


def test_a_long_prefix_is_spelled_out_as_its_terms_most_common_first(
    vocabulary: Vocabulary,
) -> None:
    terms = vocabulary.starting_with("learn")
    assert "learning" in terms and "learned" in terms
    assert all(t.startswith("learn") for t in terms)
    counts = dict(zip(vocabulary.terms, vocabulary.papers, strict=True))
    assert [counts[t] for t in terms] == sorted((counts[t] for t in terms), reverse=True)
    expanded, cheap = expand_prefixes('("lear"* AND "c"*)', vocabulary)
    assert cheap and '"learning"' in expanded and '"c"*' in expanded and '"lear"*' not in expanded
    # Without a vocabulary, or for text that may not be one plain token, FTS5 merges it.
    assert expand_prefixes('"lear"*', None) == ('"lear"*', False)
    assert expand_prefixes('"léar"*', vocabulary) == ('"léar"*', False)
    assert expand_prefixes('"le"*', None) == ('"le"*', True)  # the prefix index has it
    # A phrase being typed: its last word is spelled out as whole phrases.
    phrase, cheap = expand_prefixes('"in-context lear"*', vocabulary)
    assert cheap and '"in-context learning"' in phrase and 'lear"*' not in phrase
    phrase, cheap = expand_prefixes('"learning "*', vocabulary)  # the space just typed
    assert cheap and phrase.startswith('("learning"')


def test_a_term_written_after_the_snapshot_is_found_by_the_full_result(
    synthetic_library: Path, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(synthetic_library.read_bytes())
    with open_library(path, seed=False) as library:
        [new_id] = library.add_papers(
            [PaperFields(title="Learnification at scale", published="2030-01-01")]
        )
        query = compile_query("learnif")
        assert library.search(query, sort="published", descending=True) == [new_id]
        # The stale snapshot has no such term, so the prefix is left to FTS5: still found.
        assert vocabulary.starting_with("learnif") == []
        found = first_page(library, query, "published", True, PAGE, vocabulary, 60)
        assert found == Page([new_id], cut=False)


def test_past_the_deadline_there_is_no_page(synthetic_library: Path) -> None:
    with open_library(synthetic_library, seed=False) as library:
        found = first_page(library, compile_query("l"), "title", False, PAGE, None, 0)
    assert found is None


def test_out_of_time_the_rows_found_so_far_are_the_start_of_the_page(
    synthetic_library: Path, vocabulary: Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]

    def tick() -> float:  # every look at the clock (one a row found) costs 0.1 ms
        clock[0] += 0.0001
        return clock[0]

    monkeypatch.setattr(first_page_module.time, "perf_counter", tick)
    # At a row a millisecond, plans would give way at their pace (tested below).
    monkeypatch.setattr(first_page_module, "_PACE_ROWS", PAGE + 1)
    query = compile_query("learning")
    with open_library(synthetic_library, seed=False) as library:
        expected = library.search(query, sort="title", limit=PAGE)
        outcomes = set()
        for deadline in [tenths / 10_000 for tenths in range(1, 400, 3)]:
            found = first_page(library, query, "title", False, PAGE, vocabulary, deadline, 10)
            if found is None:
                outcomes.add("none")
            elif found.cut:
                outcomes.add("cut")
                assert 10 <= len(found.ids) < PAGE and found.ids == expected[: len(found.ids)]
            else:
                outcomes.add("whole")
                assert found.ids == expected
    assert {"cut", "whole"} <= outcomes


def test_every_sort_has_its_index(library: Library) -> None:
    indexes = {
        row[0]
        for row in library.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert set(SORT_INDEXES) == set(SORT_COLUMNS)
    assert set(SORT_INDEXES.values()) <= indexes


def test_merging_the_search_index_leaves_one_segment_and_the_same_results(
    synthetic_library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(synthetic_library.read_bytes())
    with open_library(path, seed=False) as library:
        library.add_papers([PaperFields(title=f"Extra paper {i}") for i in range(30)])
        library.add_papers([PaperFields(title=f"Another paper {i}") for i in range(30)])

        def segments() -> int:
            sql = "SELECT count(DISTINCT segid) FROM papers_fts_idx"
            return int(library.conn.execute(sql).fetchone()[0])

        before = [library.search(q) for q in ("paper", "learning", "extra")]
        assert segments() > 1
        library.merge_search_index()
        assert segments() == 1
        assert [library.search(q) for q in ("paper", "learning", "extra")] == before


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("year:2020", "year = 2020"),
        ("year:>=2020", "year >= 2020"),
        ("year:>2020", "year > 2020"),
        ("year:<2000", "year < 2000"),
        ("year:2000..2010", "year BETWEEN 2000 AND 2010"),
        ("year:2010..", "year >= 2010"),
        ("year:..2010", "year <= 2010"),
        ("year:<=999", "year <= 999"),
        ("year:2..2020", "year BETWEEN 2 AND 2020"),  # typing 2022 as the lower bound
        ("year:0", "year = 0"),
        ("-year:2020..2022", "NOT coalesce(year BETWEEN 2020 AND 2022, 0)"),
    ],
)
def test_year_filters_mean_the_year_whatever_dates_they_add(
    synthetic_library: Path, tmp_path: Path, text: str, condition: str
) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(synthetic_library.read_bytes())
    with open_library(path, seed=False) as library:
        odd = [
            PaperFields(title="Undated"),
            PaperFields(title="Ancient", published="0999-01-01"),
            PaperFields(title="Year zero", published="0000-06-01"),
            PaperFields(title="Year only", published="2020"),
        ]
        library.add_papers(odd)
        sql = f"SELECT id FROM papers WHERE {condition} ORDER BY published DESC, id DESC"
        expected = [row[0] for row in library.conn.execute(sql)]
        assert library.search(text, sort="published", descending=True) == expected


def test_a_cancel_is_not_taken_for_the_deadline(synthetic_library: Path) -> None:
    # The window's lane stops a superseded query through the library's stop check; the
    # first page must not swallow that as its own deadline and try the next plan.
    with open_library(synthetic_library, seed=False) as library:
        library.stop_when(lambda: True, 1)
        with pytest.raises(QueryCancelled):
            first_page(library, compile_query("learning"), "title", False, PAGE, None, 60)
        library.stop_when(None)
        found = first_page(library, compile_query("learning"), "title", False, PAGE, None, 60)
        assert found is not None and found.ids == library.search(
            "learning", sort="title", limit=PAGE
        )


def test_a_plan_gives_way_when_the_rest_of_its_page_would_take_longer_than_the_next() -> None:
    gives_way = first_page_module._gives_way
    # 16 rows in 15 ms after the first: 1 ms a row, 34 ms for the other 34 of 50.
    assert gives_way(16, 0.015, 50, 0.033)
    assert not gives_way(16, 0.015, 50, 0.035)  # the next is no quicker
    assert not gives_way(15, 0.014, 50, 0.001)  # too few rows to know their pace
    assert not gives_way(16, 0.015, 50, float("inf"))  # the last plan never does
    assert not gives_way(50, 0.049, 50, 0.001)  # the page is found


def _timed_plans(
    monkeypatch: pytest.MonkeyPatch, choose: Callable[[dict[str, _Plan]], list[_Plan]]
) -> None:
    """``first_page`` runs the plans ``choose`` makes of the real ones (by kind); each
    look at the clock costs 1 ms, so a plan finds about a row a millisecond."""
    real = first_page_module._plans

    def timed(*args, **options):  # type: ignore[no-untyped-def]
        return choose({_kind(plan): plan for plan in real(*args, **options)})

    clock = [0.0]

    def tick() -> float:
        clock[0] += 0.001
        return clock[0]

    monkeypatch.setattr(first_page_module, "_plans", timed)
    monkeypatch.setattr(first_page_module.time, "perf_counter", tick)


def _walk_then_set_walk(next_s: float) -> Callable[[dict[str, _Plan]], list[_Plan]]:
    def choose(plans: dict[str, _Plan]) -> list[_Plan]:
        walk = replace(plans["test walk"], expected_s=0.001, give_up_s=float("inf"))
        return [walk, replace(plans["set walk"], expected_s=next_s, give_up_s=float("inf"))]

    return choose


def _run_timed(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    choose: Callable[[dict[str, _Plan]], list[_Plan]],
    at_least: int = 0,
) -> tuple[Page | None, list[int], list[str]]:
    """``first_page`` of ``text`` with the plans ``choose`` makes (``_timed_plans``):
    what it found, the full result's first rows, and the page statements it ran."""
    query = compile_query(text)
    with open_library(path, seed=False) as library:
        vocabulary = Vocabulary.load(library)
        expected = library.search(query, sort="published", descending=True, limit=PAGE)
        _timed_plans(monkeypatch, choose)
        statements: list[str] = []
        library.conn.set_trace_callback(statements.append)
        found = first_page(library, query, "published", True, PAGE, vocabulary, 60, at_least)
        library.conn.set_trace_callback(None)
    pages = [s for s in statements if s.startswith("SELECT p.id FROM papers p")]
    return found, expected, pages


@pytest.mark.parametrize(("next_s", "ran"), [(0.005, 2), (1.0, 1)])
def test_a_walk_slower_than_its_estimate_gives_way_to_a_quicker_plan(
    planned_library: Path, monkeypatch: pytest.MonkeyPatch, next_s: float, ran: int
) -> None:
    """Its rows' pace, not its estimate, says when: the rest of the page at that pace
    (34 ms) against the set walk's expected time. The page is the same either way."""
    found, expected, walks = _run_timed(
        planned_library, monkeypatch, "learning", _walk_then_set_walk(next_s)
    )
    assert found == Page(expected, cut=False)
    assert len(walks) == ran and all("INDEXED BY" in walk for walk in walks)
    assert "EXISTS" in walks[0] and all("EXISTS" not in walk for walk in walks[1:])


def test_a_plan_that_gives_way_with_a_screenful_found_shows_it_at_once(
    planned_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found, expected, walks = _run_timed(
        planned_library, monkeypatch, "learning", _walk_then_set_walk(0.005), at_least=10
    )
    # The walk gave way after 16 rows, 10 were asked for early: those, not the set walk.
    assert found == Page(expected[:16], cut=True)
    assert len(walks) == 1


def test_plans_testing_papers_as_one_that_gave_way_are_expected_as_much_slower() -> None:
    tested = f"{first_page_module._MATCH_EXISTS} AND p.year = ?"
    own = _Plan(tested, ["learning", 2020], 0.001)
    walk = _Plan(tested, ["learning", 2020], 0.002, walk=True)
    other_test = _Plan(tested, ["learning", 2021], 0.003, walk=True)
    set_walk = _Plan("p.id IN (...)", ["learning", 2020], 0.010, walk=True)
    plans = [walk, other_test, set_walk]
    # The own plan's page would have taken 50 ms, 50 times its estimate: so would the
    # walk's tests; not another match's, nor the set walk, which tests nothing.
    slower = first_page_module._as_slow_as(plans, own, 0.05)
    assert slower == [other_test, set_walk, replace(walk, expected_s=0.1)]
    assert first_page_module._as_slow_as(plans, set_walk, 0.5) == plans
    assert first_page_module._as_slow_as(plans, own, 0.0001) == plans  # never quicker


def test_after_a_slow_per_paper_test_the_next_plan_is_one_without_it(
    planned_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own plan gives way at the pace of its tests: the test walk, which
    would test papers the same way, is passed over for the set walk."""
    text = "learning year:2000..2030"

    def choose(plans: dict[str, _Plan]) -> list[_Plan]:
        expected = {"own, tested": 0.001, "test walk": 0.002, "set walk": 0.010}
        return [
            replace(plans[kind], expected_s=seconds, give_up_s=float("inf"))
            for kind, seconds in expected.items()
        ]

    found, expected, pages = _run_timed(planned_library, monkeypatch, text, choose)
    assert found == Page(expected, cut=False)
    assert ["INDEXED BY" in s for s in pages] == [False, True]
    assert "EXISTS" in pages[0] and "EXISTS" not in pages[1]


def test_the_caller_is_told_what_the_page_and_the_list_are_expected_to_take(
    planned_library: Path,
) -> None:
    with open_library(planned_library, seed=False) as library:
        vocabulary = Vocabulary.load(library)

        def told(text: str) -> list[tuple[float, float]]:
            heard: list[tuple[float, float]] = []
            first_page(
                library, compile_query(text), "published", True, PAGE, vocabulary, 60,
                expected=lambda page_s, list_s: heard.append((page_s, list_s)),
            )  # fmt: skip
            return heard

        [(page_s, list_s)] = told("learning")  # a walk finds its page long before the list
        assert 0 < page_s < list_s / 4
        [(page_s, list_s)] = told("stores zeroth")  # a handful: the list is the page's plan
        assert page_s == list_s
        assert told("status:read") == []  # no full-text match to estimate them by
