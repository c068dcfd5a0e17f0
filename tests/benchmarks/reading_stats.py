"""How long the reading statistics take on a large history, and what a naive way takes.

    uv run python tests/benchmarks/reading_stats.py --library /tmp/stats-1m.sqlite \\
        [--papers 1000000 --changes 200000] [--runs 5] [--out result.json]

Builds the library first when the file does not exist (``reading_history.py``: a
million papers with 200,000 status changes take about 4 minutes). Then times
``core.stats.compute`` (the first run on a freshly opened library, then warm runs) and,
on the same data in the same run, the naive way: read every history row into Python
and count in loops (the same figures, compared for equality).
"""

from __future__ import annotations

import argparse
import bisect
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reading_history import generate
from stats import machine

from papershelf.core import stats
from papershelf.core.store.opening import open_library

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)  # after the whole generated history


def naive(path: Path) -> dict[str, object]:
    """The weekly reads, backlog and median days by reading every row into Python."""
    with open_library(path, seed=False) as library:
        rows = library.conn.execute(
            "SELECT paper_id, status, changed_at FROM status_history ORDER BY paper_id, id"
        ).fetchall()
        categories = dict(library.conn.execute("SELECT id, category FROM papers"))
        to_read_now = library.conn.execute(
            "SELECT count(*) FROM papers WHERE status = 'to-read'"
        ).fetchone()[0]
    tz = UTC
    first = min(datetime.fromisoformat(r[2]) for r in rows).astimezone(tz).date()
    start = first - timedelta(days=first.weekday())
    mondays = []
    while start <= NOW.date():
        mondays.append(datetime.combine(start, datetime.min.time(), tz))
        start += timedelta(weeks=1)
    reads: defaultdict[int, set[int]] = defaultdict(set)
    changes: Counter[int] = Counter()
    days: list[int] = []
    read_papers: set[int] = set()
    previous: tuple[int, str] | None = None
    queued: datetime | None = None
    for paper, status, changed in rows:
        when = datetime.fromisoformat(changed)
        week = bisect.bisect_right(mondays, when) - 1
        before = previous[1] if previous and previous[0] == paper else None
        if before is None:
            queued = None
        if status == "to-read":
            changes[week] += 1
            queued = when
        elif before == "to-read":
            changes[week] -= 1
        if status == "read":
            reads[week].add(paper)
            read_papers.add(paper)
            if queued is not None:
                days.append(int((when - queued).total_seconds() // 86400))
            queued = None
        previous = (paper, status)
    backlog, later = [], 0
    for week in reversed(range(len(mondays))):
        backlog.append(to_read_now - later)
        later += changes[week]
    backlog.reverse()
    by_category = Counter(categories[p] for p in read_papers)
    return {
        "weekly_reads": [len(reads[w]) for w in range(len(mondays))],
        "backlog": backlog,
        "median_days": statistics.median(days) if days else None,
        "by_category": by_category.most_common(3),
    }


def ours(path: Path) -> tuple[float, stats.ReadingStats]:
    with open_library(path, seed=False) as library:
        begin = time.perf_counter()
        result = stats.compute(library, now=NOW, tz=UTC)
        return time.perf_counter() - begin, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not args.library.exists():
        built = generate(args.library, args.papers, args.changes)
        print(f"built {args.papers:,} papers, {args.changes:,} changes in {built:.0f} s")
    with open_library(args.library, seed=False) as library:  # migrates an older file
        papers = library.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        changes = library.conn.execute("SELECT count(*) FROM status_history").fetchone()[0]
    timings = [ours(args.library)[0] for _ in range(args.runs)]
    _, result = ours(args.library)
    begin = time.perf_counter()
    slow = naive(args.library)
    naive_s = time.perf_counter() - begin
    same = (
        slow["weekly_reads"] == [w.read for w in result.weeks]
        and slow["backlog"] == [w.to_read for w in result.weeks]
        and slow["median_days"] == result.days_to_read.median
        and slow["by_category"] == list(result.groups["category"][:3])
    )
    report = {
        "machine": machine(),
        "papers": papers,
        "status_changes": changes,
        "weeks": len(result.weeks),
        "stats_first_s": round(timings[0], 3),
        "stats_warm_median_s": round(statistics.median(timings[1:] or timings), 3),
        "stats_max_s": round(max(timings), 3),
        "naive_python_s": round(naive_s, 3),
        "same_figures": same,
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
