"""The first page of a filter, in display order, without listing the whole result.

Listing every match of a common word in order costs SQLite more than a second at a
million papers: it reads each match's row to sort them. The table only needs the top
rows at once (the full list follows on a thread), so ``first_page`` tries exact plans
in the order their expected costs say, from a sample of the highest-numbered matches
(how many there are, and how long FTS5 takes to list them):

* *the test walk*: along the sort column's index, testing each paper against the
  match (``EXISTS ... rowid = p.id``, a doclist seek each). It stops after a page,
  so a word in most papers costs a few hundred seeks, whatever the library's size.
* *the set walk*: the matches listed once into a set, then the same index walked,
  each paper looked up in the set. For words in a few percent of the papers: too
  many seeks for the test walk, too many rows to read for SQLite's own plan.
* *match-driven*: the ordinary query with a ``LIMIT`` (SQLite's plan). Its cost grows
  with the number of matches, so it is the plan for rare words.
* *SQLite's own, tested*, when another condition (a year, a status) may have an
  index that gives papers in order: each is tested against the match. Tried briefly.

A plan that runs past twice its expected time (and the next one's) gives way to the
next, and so does one whose rows come so slowly that the rest of its page would take
longer than the next plan is expected to take for all of it (its costs are estimates:
a per-paper test costs several times more on some libraries than on others); one
expected to take far longer than the deadline allows is not begun (the caller's
thread has more time). SQLite hands rows over in their final order, so rows
found when time runs out are the start of the page (``Page.cut``).

FTS5 answers a prefix query (``"lear"*``) by merging the doclists of every term with
that prefix in full, each time it is asked; per-paper tests would repeat that merge
for every paper. Prefixes of up to three letters have their own index; longer ones
are rewritten as an OR of the terms they stand for, read from a ``Vocabulary``
snapshot. A term written after the snapshot is missed only here, in the first page:
the full result, which never uses the snapshot, replaces it a moment later.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from papershelf.core.errors import QueryCancelled, is_cancelled
from papershelf.core.search.query import CompiledQuery
from papershelf.core.search.query_tree import MATCH_SUBQUERY
from papershelf.core.search.vocabulary import Vocabulary
from papershelf.core.store.library import Library
from papershelf.core.store.orders import SORT_COLUMNS, SORT_INDEXES

__all__ = ["Page", "Vocabulary", "expand_prefixes", "first_page"]

_MATCH_HEAD = MATCH_SUBQUERY.removesuffix("?)")  # what precedes a MATCH parameter
_IN_HEAD = "p.id IN " + _MATCH_HEAD
_NOT_IN_HEAD = "p.id NOT IN " + _MATCH_HEAD
_MATCH_EXISTS = "EXISTS (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? AND rowid = p.id)"
_PREFIX_TERM = re.compile(r'"((?:[^"]|"")*)"\*')
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_LONE_PREFIX = re.compile(r'"([A-Za-z0-9]{4,})"\*')
_INDEXED_PREFIX = 3  # the FTS table's prefix = '1 2 3'
MAX_EXPANSION = 64  # more terms than this: the prefix merge is the cheaper way

# Costs measured at a million papers on the 2-core machine, in seconds: one EXISTS
# test of a paper; one paper's row read; FTS5 listing one match (the least: phrases
# cost more, which the sample measures); one match put in a set; one index entry
# crossed and looked up in that set; one match's row read and sorted.
_TEST_COST_S = 6e-6
_ROW_COST_S = 2.5e-6
_LIST_COST_S = 0.03e-6
_SET_COST_S = 0.1e-6
_SCAN_COST_S = 0.06e-6
_LOOKUP_COST_S = 1.5e-6
_OWN_PLAN_S = 0.01  # the least time SQLite's own plan gets before the walk is tried
_SAMPLE_S = 0.005  # the most the density sample may take
_SLACK_S = 0.002  # on top of twice the expected time, before a plan gives way
_HOPELESS = 1.5  # expected to take this many times the time left: not tried
_SAMPLE = 128
_PACE_ROWS = 16  # rows found before their pace says how long the rest will take


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _prefix_terms(word: str, vocabulary: Vocabulary | None) -> list[str] | None:
    """The terms a long prefix stands for; None when FTS5 must merge it itself."""
    # Only a plain ASCII word is certain to be one token, folded just this way.
    if vocabulary is None or not (word.isascii() and word.isalnum()):
        return None
    terms = vocabulary.starting_with(word)
    return terms if len(terms) <= MAX_EXPANSION else None


def expand_prefixes(match: str, vocabulary: Vocabulary | None) -> tuple[str, bool]:
    """``match`` with long prefixes spelled out as ORs of terms (or of phrases).

    Returns the expression and whether it is cheap to test paper by paper: False when
    a long prefix is left for FTS5 to merge (no vocabulary yet, a prefix that is not
    one plain word, or one that stands for too many terms).
    """
    cheap = True

    def spell_out(found: re.Match[str]) -> str:
        nonlocal cheap
        # A phrase still being typed ("neural netw"*) ends in the prefix: only that
        # last word is spelled out, as the phrases it can complete to.
        head, _, word = found.group(1).replace('""', '"').lower().strip().rpartition(" ")
        if len(word) <= _INDEXED_PREFIX:
            return found.group(0)
        terms = _prefix_terms(word, vocabulary)
        if terms is None:
            cheap = False
            return found.group(0)
        if not terms:  # in no paper when the snapshot was read: FTS5's merge is cheap
            return found.group(0)
        return "(" + " OR ".join(_quote(f"{head} {t}".lstrip()) for t in terms) + ")"

    return _PREFIX_TERM.sub(spell_out, match), cheap


class _Budget:
    """When the running statement must stop: at the deadline, or sooner when limited."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.until = deadline

    def expired(self) -> bool:
        return time.perf_counter() > self.until

    def limit(self, seconds: float) -> None:
        self.until = min(self.deadline, time.perf_counter() + seconds)

    def stopped(self, exc: sqlite3.OperationalError) -> bool:
        """Whether ``exc`` is this budget's doing (a full-text index being opened when
        time ran out fails with "vtable constructor failed", not as interrupted)."""
        return is_cancelled(exc) or self.expired()


def _sample(
    conn: sqlite3.Connection, match: str, id_span: int, budget: _Budget
) -> tuple[float, float] | None:
    """The share of papers matching ``match`` and the time listing all of them takes.

    Both read from its highest-numbered matches: FTS5 lists matches in rowid order, so
    the time per rowid crossed, past the first few (the fixed cost of the query), is
    the time per rowid of the whole list. That covers phrases and negations too, whose
    cost is not in their number of matches. None when even that is slow: few matches
    among many candidates (``learning -a``), which only listing them finds.
    """
    rows: list[int] = []
    start = mark = time.perf_counter()
    budget.limit(_SAMPLE_S)
    try:
        cursor = conn.execute(
            "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, _SAMPLE),
        )
        for row in cursor:
            rows.append(row[0])
            if len(rows) == _SAMPLE // 8:
                mark = time.perf_counter()
    except sqlite3.OperationalError as exc:
        if not budget.stopped(exc) or time.perf_counter() > budget.deadline:
            raise
        return None
    finally:
        budget.limit(float("inf"))
    spent = time.perf_counter()
    if len(rows) < _SAMPLE:  # the whole list, already
        return len(rows) / max(id_span, 1), spent - start
    density = _SAMPLE / max(rows[0] - rows[-1] + 1, _SAMPLE)
    crossed = max(rows[_SAMPLE // 8 - 1] - rows[-1], 1)
    return density, max((spent - mark) / crossed * id_span, density * id_span * _LIST_COST_S)


@dataclass(frozen=True)
class _Plan:
    where: str
    params: list[object]
    expected_s: float
    walk: bool = False  # along the sort's index
    give_up_s: float = float("inf")  # past this, a plan gives way to the next
    lists: bool = False  # lists and sorts every match: as costly as the complete result


def _rest_density(
    conn: sqlite3.Connection, pieces: list[str], params: list[object], slots: list[int], span: int
) -> float:
    """The share of papers that pass the query's other conditions (status, year, tag...).

    Tests a fixed spread of papers with every full-text match taken as true.
    """
    sql = [pieces[0]]
    values: list[object] = []
    for i, value in enumerate(params):
        if i in slots:
            head = _NOT_IN_HEAD if pieces[i].endswith(_NOT_IN_HEAD) else _IN_HEAD
            sql[-1] = sql[-1][: -len(head)]
            sql.append("1" + pieces[i + 1][1:])
        else:
            values.append(value)
            sql.append("?" + pieces[i + 1])
    found = conn.execute(
        f"WITH RECURSIVE spread(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM spread "
        f"WHERE n < {_SAMPLE}) SELECT count(*), sum({''.join(sql)}) FROM papers p "
        f"WHERE p.id IN (SELECT n * {max(span // _SAMPLE, 1)} FROM spread)",
        values,
    ).fetchone()
    return float(found[1] or 0) / max(int(found[0]), 1)


def _plans(
    conn: sqlite3.Connection,
    query: CompiledQuery,
    vocabulary: Vocabulary | None,
    page: int,
    budget: _Budget,
) -> list[_Plan]:
    """Exact plans for the first ``page`` rows, the one expected to be fastest first."""
    pieces = query.where.split("?")
    slots = [i for i in range(len(query.params)) if pieces[i].endswith(_MATCH_HEAD)]
    if not slots:
        return [_Plan(query.where, list(query.params), 0.0)]
    params = list(query.params)
    cheap = True
    for i in slots:
        params[i], ok = expand_prefixes(str(params[i]), vocabulary)
        cheap = cheap and ok
    if not cheap:
        return [_Plan(query.where, params, 0.0)]
    id_span = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])
    passing, listing, read = 1.0, 0.0, float(id_span)
    for i in slots:
        sampled = _sample(conn, str(params[i]), id_span, budget)
        if sampled is None:
            return [_Plan(query.where, params, 0.0)]
        share, seconds = sampled
        listing += seconds
        if pieces[i].endswith(_NOT_IN_HEAD):
            passing *= 1 - share
        else:
            passing *= share
            read = min(read, share * id_span)
    rest = _rest_density(conn, pieces, params, slots, id_span)
    # A walk crosses this many papers in sort order before it has a page. Each costs an
    # index entry, and a row read when other conditions need the row.
    crossed = min(page / max(passing * rest, 1e-9), id_span)
    # The per-paper test costs a doclist seek per word (of each term or phrase) for a
    # paper that fails it.
    terms = sum(len(term.split()) for i in slots for term in _QUOTED.findall(str(params[i])))
    per_test = _TEST_COST_S * (1 + 2 * (1 - passing) * (terms - 1))
    tests = crossed * rest
    row_cost = _ROW_COST_S if rest < 1 else 0.0
    test_walk = tests * per_test + crossed * row_cost
    # The matches listed once into a set, which each paper crossed is looked up in.
    set_walk = listing + read * _SET_COST_S + crossed * _SCAN_COST_S + tests * row_cost
    # SQLite's own plan reads every match's row to sort them.
    match_cost = listing + read * _LOOKUP_COST_S
    tested = _tested_per_paper(pieces, query.params, params, slots, vocabulary)
    plans = sorted(
        [
            _Plan(tested.where, tested.params, test_walk, walk=True),
            _Plan(query.where, params, set_walk, walk=True),
            _Plan(query.where, params, match_cost, lists=True),
        ],
        key=lambda plan: plan.expected_s,
    )
    # A plan gives way once it has taken twice its expected time, and as long as the
    # next is expected to take: tiny expectations are mostly fixed costs and noise.
    plans = [
        replace(plan, give_up_s=max(2 * plan.expected_s + _SLACK_S, after.expected_s))
        for plan, after in itertools.pairwise(plans)
    ] + [replace(plans[-1], give_up_s=float("inf"))]
    if rest < 1 and tests * per_test < plans[0].expected_s:
        # Other conditions (a year, a status, a category) may have an index that gives
        # the papers in sort order, which beats any walk: SQLite knows, so ask it first,
        # briefly, since for a range it may test every paper in the range instead.
        own = max(4 * tests * per_test, _OWN_PLAN_S)
        plans.insert(0, _Plan(tested.where, tested.params, tests * per_test, give_up_s=own))
    return plans


def _gives_way(found: int, since_first_s: float, page: int, next_s: float) -> bool:
    """Whether a plan that found ``found`` rows in ``since_first_s`` since its first
    would, at that pace, take longer for the rest of its page than the next plan is
    expected to take for all of it. The first row's wait is left out: it is the
    statement's fixed cost, not its pace."""
    if found < _PACE_ROWS:
        return False
    return since_first_s / (found - 1) * (page - found) > next_s


def _collect(cursor: sqlite3.Cursor, ids: list[int], page: int, next_s: float) -> float | None:
    """Adds the cursor's rows to ``ids`` one by one (kept if time runs out midway).

    Returns None when they are all in, or, when their pace says the plan should give
    way (``_gives_way``), the time the whole page would have taken at that pace.
    """
    start = first = time.perf_counter()
    for row in cursor:
        ids.append(row[0])
        now = time.perf_counter()
        if len(ids) == 1:
            first = now
        elif _gives_way(len(ids), now - first, page, next_s):
            cursor.close()
            return now - start + (now - first) / (len(ids) - 1) * (page - len(ids))
    return None


def _as_slow_as(plans: list[_Plan], slow: _Plan, page_s: float) -> list[_Plan]:
    """The plans left, cheapest first, those testing each paper as ``slow`` did
    expected to be as many times slower as it was: the test is what cost more."""
    if _MATCH_EXISTS not in slow.where:
        return plans
    factor = max(page_s / max(slow.expected_s, 1e-9), 1.0)
    slower = [
        replace(plan, expected_s=plan.expected_s * factor)
        if (plan.where, plan.params) == (slow.where, slow.params)
        else plan
        for plan in plans
    ]
    return sorted(slower, key=lambda plan: plan.expected_s)


def _sooner_than_the_list(plans: list[_Plan], budget: _Budget) -> list[_Plan]:
    """The plans expected to find the page in half the time the complete list takes,
    with the deadline brought to when the list is expected: the list waits for the
    page, so a page expected a little sooner only delays it. A walk that overran its
    estimate cost a key at a million papers 0.9 s where the list took 0.08 s."""
    listing = next((plan for plan in plans if plan.lists), None)
    if listing is None:
        return plans  # no estimate of the list: its own plan with a limit is quicker
    budget.deadline = min(budget.deadline, time.perf_counter() + listing.expected_s)
    return [plan for plan in plans if plan.expected_s < listing.expected_s / 2]


def _tests(typed: str, expanded: str, vocabulary: Vocabulary | None) -> list[str]:
    """The MATCH expressions whose OR is the paper-by-paper test for one match.

    A lone long prefix is tested as its most common term first, then the rest in one
    expression: most papers that match cost one doclist seek, the others two.
    """
    lone = _LONE_PREFIX.fullmatch(typed)
    terms = _prefix_terms(lone.group(1).lower(), vocabulary) if lone else None
    if not terms or len(terms) == 1:
        return [expanded]
    rest = " OR ".join(_quote(t) for t in terms[1:])
    return [_quote(terms[0]), f"({rest})"]


def _tested_per_paper(
    pieces: list[str],
    typed: tuple[object, ...],
    expanded: list[object],
    slots: list[int],
    vocabulary: Vocabulary | None,
) -> _Plan:
    """The query with each full-text match tested paper by paper."""
    sql: list[str] = [pieces[0]]
    params: list[object] = []
    for i, value in enumerate(expanded):
        if i not in slots:
            params.append(value)
            sql.append("?" + pieces[i + 1])
            continue
        negated = pieces[i].endswith(_NOT_IN_HEAD)
        sql[-1] = sql[-1][: -len(_NOT_IN_HEAD if negated else _IN_HEAD)]
        tests = _tests(str(typed[i]), str(value), vocabulary)
        either = " OR ".join([_MATCH_EXISTS] * len(tests))
        sql.append(("NOT " if negated else "") + f"({either})" + pieces[i + 1][1:])
        params.extend(tests)
    return _Plan("".join(sql), params, 0.0)


class Page(NamedTuple):
    """Ids in display order, exactly the first rows of the full result."""

    ids: list[int]
    cut: bool  # stopped short of the page asked for: more rows may follow


def first_page(
    library: Library,
    query: CompiledQuery,
    sort: str,
    descending: bool,
    page: int,
    vocabulary: Vocabulary | None,
    deadline_s: float,
    at_least: int = 0,
    before_the_list: bool = False,
    expected: Callable[[float, float], None] | None = None,
) -> Page | None:
    """The first ``page`` ids of ``query`` in ``sort`` order, or None past the deadline.

    ``sort`` is a key of SORT_COLUMNS. The ids are exactly the first rows of the full
    result (``Library.search``); only the way of finding them differs. SQLite hands
    rows over in their final order, so when time runs out after ``at_least`` (>0) rows
    they are returned, ``cut``: a screenful shown early beats a page shown late.
    ``before_the_list``: the caller lists the whole result next, so a page that is not
    expected sooner than that list is given up (None) once the list would have come.
    ``expected`` is told, once the plans are made, how long the quickest plan for the
    page and listing the whole result are expected to take (when there is a full-text
    match to estimate them by), so a caller can start that list beside a slow page.
    Raises QueryCancelled when the library's own stop check (``Library.stop_when``)
    stopped it: that is the caller's cancel, not this deadline.
    """
    conn = library.conn
    order = SORT_COLUMNS[sort]
    direction = "DESC" if descending else "ASC"
    budget = _Budget(time.perf_counter() + deadline_s)
    library.watch_steps(budget.expired, 1000)
    try:
        plans = _plans(conn, query, vocabulary, at_least or page, budget)
        listing = next((plan for plan in plans if plan.lists), None)
        if expected is not None and listing is not None:
            expected(min(plan.expected_s for plan in plans), listing.expected_s)
        if before_the_list:
            plans = _sooner_than_the_list(plans, budget)
        left = budget.deadline - time.perf_counter()
        if not plans or min(plan.expected_s for plan in plans) > _HOPELESS * left:
            return None  # leave it at once to a caller with more time
        while plans:
            plan, plans = plans[0], plans[1:]
            budget.limit(plan.give_up_s)
            # The index walk must follow the sort, not an index for another condition.
            table = f"papers p INDEXED BY {SORT_INDEXES[sort]}" if plan.walk else "papers p"
            sql = (
                f"SELECT p.id FROM {table} WHERE {plan.where} "
                f"ORDER BY {order} {direction}, p.id {direction} LIMIT ?"
            )
            ids: list[int] = []
            next_s = plans[0].expected_s if plans else float("inf")
            try:
                page_s = _collect(conn.execute(sql, [*plan.params, page]), ids, page, next_s)
                if page_s is None:
                    return Page(ids, cut=False)
                plans = _as_slow_as(plans, plan, page_s)
            except sqlite3.OperationalError as exc:
                if library.should_stop():
                    raise QueryCancelled("the first page") from exc
                if not budget.stopped(exc):
                    raise
            if at_least and len(ids) >= at_least:
                return Page(ids, cut=True)
            if time.perf_counter() >= budget.deadline:
                break
        return None
    except sqlite3.OperationalError as exc:  # interrupted while planning
        if library.should_stop():
            raise QueryCancelled("the first page") from exc
        if not budget.stopped(exc):
            raise
        return None
    finally:
        library.unwatch_steps()
