"""A library of N papers with a reading history of M status changes, written fast.

    uv run python tests/benchmarks/reading_history.py 1000000 200000 /tmp/stats-1m.sqlite

Papers are written with bare SQL (only the columns statistics read: the full text and
authors are not needed, and synthetic.py takes 9 minutes for a million). The history
is what ``Library.set_status`` writes: each chosen paper goes through a plausible
lifecycle (new -> to-read -> reading -> read, sometimes skipped or back to to-read)
over three years, in UTC ISO times, and its ``status`` column ends where its history does.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from papershelf.core.store.opening import open_library

CATEGORIES = ("LG", "CL", "CV", "LO", "AI", "IR", "RO", "NE", "CR", "DS")
TAGS = ("theory", "benchmark", "survey", "to-cite", "reproduce", "vision", "rl", "nlp")
START = datetime(2023, 6, 1, tzinfo=UTC)
SPAN_DAYS = 3 * 365


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def lifecycle(rng: random.Random) -> list[str]:
    """The statuses one paper passes through after 'new'."""
    path = ["to-read"]
    roll = rng.random()
    if roll < 0.55:
        path += ["reading", "read"] if rng.random() < 0.6 else ["read"]
    elif roll < 0.7:
        path += ["skipped"]
    elif roll < 0.8:
        path += ["reading", "to-read", "read"]
    return path


def generate(path: Path, papers: int, changes: int, seed: int = 19) -> float:
    """Write the library; return the seconds it took."""
    begin = time.perf_counter()
    rng = random.Random(seed)
    library = open_library(path, seed=False)
    conn = library.conn
    conn.execute("PRAGMA cache_size = -1000000")  # a million rows through 20 indexes
    history: list[tuple[int, str, str]] = []
    final: dict[int, str] = {}
    while len(history) < changes:
        paper_id = rng.randint(1, papers)
        if paper_id in final:
            continue
        moment = START + timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400))
        for status in lifecycle(rng):
            history.append((paper_id, status, _stamp(moment)))
            moment += timedelta(seconds=rng.randint(600, 90 * 86400))
        final[paper_id] = history[-1][1]
    history = history[:changes]
    history.sort(key=lambda row: row[2])  # written in time order, as a reader writes
    final = {paper_id: status for paper_id, status, _ in history}
    added = _stamp(START - timedelta(days=30))
    with library.write():
        conn.executemany(
            "INSERT INTO papers(id, key, title, status, added, modified, category, uuid, "
            "year, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (i, f"k{i}", f"Paper {i}", final.get(i, "new"), added, added,
                 CATEGORIES[i % len(CATEGORIES)], f"u{i}", 2000 + i % 26, f"{2000 + i % 26}-01-01")
                for i in range(1, papers + 1)
            ),
        )  # fmt: skip
        conn.executemany("INSERT INTO tags(id, name, name_norm) VALUES (?, ?, ?)",
                         [(n + 1, t, t) for n, t in enumerate(TAGS)])  # fmt: skip
        conn.executemany(
            "INSERT INTO paper_tags(paper_id, tag_id) VALUES (?, ?)",
            ((i, 1 + (i * 7) % len(TAGS)) for i in range(1, papers + 1) if i % 20 == 0),
        )
        conn.executemany(
            "INSERT INTO status_history(paper_id, status, changed_at) VALUES (?, ?, ?)", history
        )
        conn.execute(
            "UPDATE papers SET read_at = (SELECT max(changed_at) FROM status_history h "
            "WHERE h.paper_id = papers.id AND h.status = 'read') WHERE status = 'read'"
        )
    library.close()
    return time.perf_counter() - begin


def main(argv: list[str]) -> int:
    papers, changes, target = int(argv[0]), int(argv[1]), Path(argv[2])
    if target.exists():
        print(f"{target} exists; give a new file", file=sys.stderr)
        return 2
    seconds = generate(target, papers, changes)
    print(f"{papers:,} papers, {changes:,} status changes in {seconds:.1f} s -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
