"""The floor: the bare SQL behind each figure, on a plain sqlite3 connection, no Qt.

    python tests/benchmarks/sql_worker.py LIBRARY REPLAY.json OUT.json T0

Each filter text of the session is compiled with ``compile_query`` and its
``SELECT p.id ... ORDER BY p.published DESC, p.id DESC`` timed with every id fetched
(best of two: a floor, with warm caches);
each sort is the whole library's ids in that column's order; the cold start is the
interpreter plus a connection plus the first screenful of rows; the jump to the last
row is the last screenful. Runs in its own process so its peak RSS is its own.
"""

from __future__ import annotations

import sqlite3
import sys
import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from stats import FILTER_KINDS, distribution, peak_rss_mb, write_json  # noqa: E402

SCREEN = 50  # rows of a screenful
REPEAT = 2  # each query runs twice and the faster counts: the floor, with warm caches
SUMMARY = "p.id, p.title, p.authors_text, p.published, p.category, p.status, p.tags_text, p.score"
DEFAULT_ORDER = "p.published DESC, p.id DESC"


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def cold_start(library: str, t0: float) -> dict[str, float]:
    """Seconds from the parent's spawn to the first screenful of rows in Python."""
    conn = sqlite3.connect(library)
    conn.execute(
        f"SELECT {SUMMARY} FROM papers p ORDER BY {DEFAULT_ORDER} LIMIT {SCREEN}"
    ).fetchall()
    first = time.time() - t0
    conn.close()
    return {"interpreter_s": round(STARTED - t0, 4), "first_rows_s": round(first, 4)}


def filters(conn: sqlite3.Connection, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Time each step's filter text as the bare query (texts with an error are skipped)."""
    from papershelf.core.search.query import compile_query

    records = []
    for step in steps:
        if step.get("kind") not in FILTER_KINDS or step.get("skipped"):
            continue
        start = time.perf_counter()
        query = compile_query(step["text"])
        compile_ms = _ms(start)
        if query.error:
            records.append({**step, "skipped": True, "error": query.error})
            continue
        sql = f"SELECT p.id FROM papers p WHERE {query.where} ORDER BY {DEFAULT_ORDER}"
        runs, rows = best_of(conn, sql, query.params)
        timing = {"ms": min(runs), "runs": runs, "compile_ms": compile_ms, "rows": rows}
        records.append({**step, **timing})
    return records


def best_of(conn: sqlite3.Connection, sql: str, params: Any = ()) -> tuple[list[float], int]:
    """Milliseconds of ``REPEAT`` runs fetching every row (the floor is the fastest), rows."""
    runs, rows = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        rows = len(conn.execute(sql, params).fetchall())
        runs.append(_ms(start))
    return runs, rows


def sorts(conn: sqlite3.Connection, columns: dict[str, str | None]) -> dict[str, Any]:
    """Every id of the library in each column's order, both ways."""
    from papershelf.core.search.query import compile_query
    from papershelf.core.store.orders import SORT_COLUMNS

    where = compile_query("").where
    out: dict[str, Any] = {}
    for name, key in columns.items():
        order = SORT_COLUMNS.get(key or "")
        if order is None:
            continue
        entry = {}
        for label, direction in (("asc", "ASC"), ("desc", "DESC")):
            by = f"{order} {direction}, p.id {direction}"
            sql = f"SELECT p.id FROM papers p WHERE {where} ORDER BY {by}"
            runs, _ = best_of(conn, sql)
            entry[label] = {"ms": min(runs), "runs": runs}
        out[name] = entry
    times = [e[o]["ms"] for e in out.values() for o in ("asc", "desc")]
    return {"columns": out, "max_ms": max(times, default=0.0)}


def main() -> None:
    library, replay_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    cold = cold_start(library, float(sys.argv[4]))
    replay = json.loads(replay_path.read_text(encoding="utf-8"))
    conn = sqlite3.connect(library)
    records = filters(conn, replay["steps"])
    timed = [r["ms"] for r in records if not r.get("skipped")]
    start = time.perf_counter()
    sql = f"SELECT {SUMMARY} FROM papers p ORDER BY p.published ASC, p.id ASC LIMIT {SCREEN}"
    conn.execute(sql).fetchall()
    jump = {"ms": _ms(start)}
    result = {
        "cold_start_s": cold["first_rows_s"],
        "phases": cold,
        "steps": records,
        "filter": {**distribution(timed), "skipped": sum(1 for r in records if r.get("skipped"))},
        "sort": sorts(conn, replay["sorts"]),
        "jump_to_last": jump,
        "peak_rss_mb": peak_rss_mb(),
        "sqlite": sqlite3.sqlite_version,
    }
    conn.close()
    write_json(out, result)
    os._exit(0)


if __name__ == "__main__":
    main()
