"""The first page of a filter, in display order, without listing the whole result.

Listing every match of a common word in order costs SQLite more than a second at a
million papers: FTS5 must build the whole match set before ``ORDER BY ... LIMIT`` can
stop. The table only needs the top rows at once (the full list follows on a thread),
so ``first_page`` tries exact plans in the order a cheap density sample predicts:

* *SQLite's own*, when another condition (a year, a status) may have an index that
  gives papers in order: each is tested against the full-text match
  (``EXISTS ... rowid = p.id``, one doclist seek). Tried briefly.
* *the walk*: along the sort column's index, testing each paper the same way. It
  stops after a page, so a word in most papers costs a few hundred seeks, whatever
  the library's size.
* *match-driven*: the ordinary query with a ``LIMIT``. Its cost grows with the number
  of matches, so it is the plan for rare words.

SQLite hands rows over in their final order, so rows found when time runs out are
the start of the page (``Page.cut``).

FTS5 answers a prefix query (``"lear"*``) by merging the doclists of every term with
that prefix in full, each time it is asked; per-paper tests would repeat that merge
for every paper. Prefixes of up to three letters have their own index; longer ones
are rewritten as an OR of the terms they stand for, read from a ``Vocabulary``
snapshot. A term written after the snapshot is missed only here, in the first page:
the full result, which never uses the snapshot, replaces it a moment later.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import time
from dataclasses import dataclass
from typing import NamedTuple

from papershelf.core.library import SORT_COLUMNS, SORT_INDEXES
from papershelf.core.query import MATCH_SUBQUERY, CompiledQuery

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

# Costs measured on the 2-core machine (tests/benchmarks), in seconds: one EXISTS test
# of a paper, one match listed by the match-driven plan, one row read by the walk.
_TEST_COST_S = 6e-6
_MATCH_COST_S = 1.3e-6
_ROW_COST_S = 2.5e-6
_OWN_PLAN_S = 0.01  # the least time SQLite's own plan gets before the walk is tried
_SAMPLE = 128


@dataclass(frozen=True)
class Vocabulary:
    """Every term of the full-text index with the number of papers holding it, sorted."""

    terms: tuple[str, ...]
    papers: tuple[int, ...]

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Vocabulary:
        """Read the index's terms (seconds at a million papers: call it off the main thread)."""
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.papers_fts_terms "
            "USING fts5vocab(main, papers_fts, row)"
        )
        rows = conn.execute("SELECT term, doc FROM temp.papers_fts_terms").fetchall()
        return cls(tuple(r[0] for r in rows), tuple(int(r[1]) for r in rows))

    def starting_with(self, prefix: str) -> list[str]:
        """The terms that begin with ``prefix``, the most widely used first."""
        start = bisect.bisect_left(self.terms, prefix)
        end = start
        while end < len(self.terms) and self.terms[end].startswith(prefix):
            end += 1
        found = sorted(range(start, end), key=lambda i: -self.papers[i])
        return [self.terms[i] for i in found]


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


def _density(conn: sqlite3.Connection, match: str, id_span: int) -> float:
    """The share of papers matching ``match``, from its highest-numbered matches."""
    rows = conn.execute(
        "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        (match, _SAMPLE),
    ).fetchall()
    if len(rows) < _SAMPLE:
        return len(rows) / max(id_span, 1)
    return _SAMPLE / max(int(rows[0][0]) - int(rows[-1][0]) + 1, _SAMPLE)


@dataclass(frozen=True)
class _Plan:
    where: str
    params: list[object]
    give_up_s: float  # a plan that may be slow gives way to the next after this long
    walk: bool = False  # along the sort's index, testing each paper


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
    conn: sqlite3.Connection, query: CompiledQuery, vocabulary: Vocabulary | None, page: int
) -> list[_Plan]:
    """Exact plans for the first ``page`` rows, the one expected to be fastest first."""
    pieces = query.where.split("?")
    slots = [i for i in range(len(query.params)) if pieces[i].endswith(_MATCH_HEAD)]
    if not slots:
        return [_Plan(query.where, list(query.params), float("inf"))]
    params = list(query.params)
    cheap = True
    for i in slots:
        params[i], ok = expand_prefixes(str(params[i]), vocabulary)
        cheap = cheap and ok
    match_driven = _Plan(query.where, params, float("inf"))
    if not cheap:
        return [match_driven]
    id_span = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])
    density = _density(conn, str(params[slots[0]]), id_span)
    match_cost = density * id_span * _MATCH_COST_S
    rest = _rest_density(conn, pieces, params, slots, id_span)
    # Papers that fail a cheap condition cost a row read; the others a full-text test,
    # which for a paper that fails it costs a doclist seek per term.
    terms = sum(len(_QUOTED.findall(str(params[i]))) for i in slots)
    tests = page / max(density, 1e-9)
    per_test = _TEST_COST_S * (1 + 2 * (1 - density) * (terms - 1))
    walk_cost = tests * per_test + tests / max(rest, 1e-9) * _ROW_COST_S
    tested = _tested_per_paper(pieces, query.params, params, slots, vocabulary)
    plans = []
    if rest < 1 and tests * per_test < match_cost:
        # Other conditions (a year, a status, a category) may have an index that gives
        # the papers in sort order, which beats any walk: SQLite knows, so ask it first,
        # briefly, since for a range it may test every paper in the range instead.
        own = min(match_cost, max(4 * tests * per_test, _OWN_PLAN_S))
        plans.append(_Plan(tested.where, tested.params, own))
    if walk_cost < match_cost:
        plans.append(_Plan(tested.where, tested.params, match_cost, walk=True))
    return [*plans, match_driven]


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
    return _Plan("".join(sql), params, float("inf"))


class Page(NamedTuple):
    """Ids in display order, exactly the first rows of the full result."""

    ids: list[int]
    cut: bool  # stopped short of the page asked for: more rows may follow


def first_page(
    conn: sqlite3.Connection,
    query: CompiledQuery,
    sort: str,
    descending: bool,
    page: int,
    vocabulary: Vocabulary | None,
    deadline_s: float,
    at_least: int = 0,
) -> Page | None:
    """The first ``page`` ids of ``query`` in ``sort`` order, or None past the deadline.

    ``sort`` is a key of SORT_COLUMNS. The ids are exactly the first rows of the full
    result (``Library.search``); only the way of finding them differs. SQLite hands
    rows over in their final order, so when time runs out after ``at_least`` (>0) rows
    they are returned, ``cut``: a screenful shown early beats a page shown late.
    """
    order = SORT_COLUMNS[sort]
    deadline = time.perf_counter() + deadline_s
    direction = "DESC" if descending else "ASC"
    give_up = deadline
    conn.set_progress_handler(lambda: time.perf_counter() > give_up, 1000)
    try:
        for plan in _plans(conn, query, vocabulary, at_least or page):
            give_up = min(deadline, time.perf_counter() + plan.give_up_s)
            # The index walk must follow the sort, not an index for another condition.
            table = f"papers p INDEXED BY {SORT_INDEXES[sort]}" if plan.walk else "papers p"
            sql = (
                f"SELECT p.id FROM {table} WHERE {plan.where} "
                f"ORDER BY {order} {direction}, p.id {direction} LIMIT ?"
            )
            ids: list[int] = []
            try:
                for row in conn.execute(sql, [*plan.params, page]):
                    ids.append(row[0])  # one by one: kept if time runs out midway
                return Page(ids, cut=False)
            except sqlite3.OperationalError as exc:
                if "interrupt" not in str(exc):
                    raise
            if at_least and len(ids) >= at_least:
                return Page(ids, cut=True)
            if time.perf_counter() >= deadline:
                break
        return None
    except sqlite3.OperationalError as exc:  # interrupted while planning
        if "interrupt" not in str(exc):
            raise
        return None
    finally:
        conn.set_progress_handler(None, 0)
