"""Deterministic synthetic libraries of N papers, written through the real core.

    uv run python tests/benchmarks/synthetic.py 100000 /tmp/bench-100k.sqlite

Words come from the seed abstracts with a Zipf distribution (a few words in most
papers, most words in few), so filters hit every frequency band as real text does.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
import time
from pathlib import Path

from papershelf.core.fields import PaperFields
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.store.schema import STATUSES

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CATEGORIES = ("LG", "CL", "CV", "LO", "AI", "IR", "RO", "NE", "CR", "DS")
TAGS = ("theory", "benchmark", "survey", "to-cite", "reproduce", "vision", "rl", "nlp")
BATCH = 5000


def vocabulary() -> list[str]:
    """Distinct words of the seed documents, most frequent first."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    counts: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z][a-z]{2,}", text):
        counts[word.lower()] = counts.get(word.lower(), 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def author_pool(rng: random.Random, size: int) -> list[str]:
    """``size`` distinct names made from the seed authors' given names and surnames."""
    text = (SEEDS / "001_c327793b78459269.txt").read_text(encoding="utf-8")
    names = [n.strip() for line in text.splitlines() if line.count(",") >= 1 and len(line) < 300
             for n in line.split(",")]  # fmt: skip
    given = sorted({n.split()[0] for n in names if len(n.split()) >= 2})
    family = sorted({n.split()[-1] for n in names if len(n.split()) >= 2})
    initials = [f"{c}." for c in "ABCDEFGHJKLMNPRSTVWZ"]
    combos = [f"{g} {m} {f}" for g, m, f in itertools.product(given, ["", *initials], family)]
    rng.shuffle(combos)
    return [" ".join(c.split()) for c in combos[:size]]


def generate(path: Path, n: int, seed: int = 7) -> float:
    """Write a library of ``n`` papers to ``path`` (a new file); return the seconds taken."""
    start = time.perf_counter()
    rng = random.Random(seed)
    words = vocabulary()
    weights = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(words))))
    pool = author_pool(rng, 200_000)
    library = open_library(path, seed=False)
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        papers = []
        for _ in range(size):
            title_words = rng.choices(words, cum_weights=weights, k=rng.randint(5, 12))
            abstract_words = rng.choices(words, cum_weights=weights, k=rng.randint(120, 170))
            year = rng.randint(1990, 2026)
            papers.append(
                PaperFields(
                    title=" ".join(title_words).capitalize(),
                    authors=rng.sample(pool, rng.randint(1, 15)),
                    abstract=" ".join(abstract_words).capitalize() + ".",
                    published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    category=rng.choice(CATEGORIES),
                    has_code=rng.random() < 0.2,
                    score=round(rng.uniform(50, 100), 1) if rng.random() < 0.1 else None,
                )
            )
        ids = library.add_papers(papers)
        _reading_state(library, ids, rng)
        done += size
    library.merge_search_index()  # as an import of this size does
    library.close()
    return time.perf_counter() - start


def _reading_state(library: Library, ids: list[int], rng: random.Random) -> None:
    """A spread of statuses, 5% tagged, 2% with notes, like a real reader's library."""
    by_status: dict[str, list[int]] = {}
    for paper_id in ids:
        status = rng.choices(STATUSES, weights=(80, 8, 2, 8, 2))[0]
        by_status.setdefault(status, []).append(paper_id)
    with library.write():
        for status, members in by_status.items():
            if status != "new":
                library.set_status(members, status)
        tagged = [i for i in ids if rng.random() < 0.05]
        for tag in TAGS:
            library.add_tags([i for i in tagged if rng.random() < 0.3], [tag])
        for paper_id in (i for i in ids if rng.random() < 0.02):
            library.set_note(paper_id, f"Read section {rng.randint(1, 9)}; compare baselines.")


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    if out.exists():
        sys.exit(f"{out} exists; give a new path")
    seconds = generate(out, count)
    print(f"{count:,} papers in {seconds:.1f} s -> {out}")
