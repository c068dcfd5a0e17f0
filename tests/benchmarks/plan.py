"""The scripted typing session, chosen from the library's own vocabulary.

Words are picked by how many papers of an even sample contain them, so the session
types a word from every frequency band of *this* library: a very common word (whose
one-letter prefixes match nearly everything), mid-frequency words, rare words and a
non-word, plus field filters, facet clicks, backspaces and Esc. Plain sqlite3 only:
the orchestrator builds the plan without importing Qt.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

Step = dict[str, Any]

SAMPLE = 2000
PREFERRED_COMMON = ("learning", "model")
NON_WORD = "wqzxv"
YEAR_RANGE = "year:2020..2022"
STATUS = "status:read"
HAS = "has:code"


def _sample_ids(conn: sqlite3.Connection, size: int) -> list[int]:
    low, high = conn.execute("SELECT min(id), max(id) FROM papers").fetchone()
    if low is None:
        return []
    step = max(1, (high - low + 1) // size)
    return list(range(low, high + 1, step))[:size]


def _rows(conn: sqlite3.Connection, ids: list[int], columns: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {columns} FROM papers WHERE id IN ({marks}) ORDER BY id"
        out.extend(conn.execute(sql, chunk))
    return out


def _spread(items: list[str], count: int) -> list[str]:
    """``count`` items evenly spaced through ``items`` (deterministic)."""
    if len(items) <= count:
        return items
    return [items[(i * (len(items) - 1)) // max(1, count - 1)] for i in range(count)]


def vocabulary_bands(path: Path, per_band: int) -> dict[str, Any]:
    """Words of each frequency band, with the share of sampled papers containing each."""
    conn = sqlite3.connect(path)
    try:
        ids = _sample_ids(conn, SAMPLE)
        rows = _rows(conn, ids, "title, abstract, first_author")
        categories = [c for (c,) in conn.execute(
            "SELECT category FROM papers WHERE category <> '' GROUP BY category "
            "ORDER BY count(*) DESC LIMIT 20")]  # fmt: skip
        tags = [t for (t,) in conn.execute("SELECT name FROM tags ORDER BY name")]
    finally:
        conn.close()
    docs = max(1, len(rows))
    df: Counter[str] = Counter()
    for title, abstract, _ in rows:
        df.update(set(re.findall(r"[a-z]{3,}", f"{title} {abstract}".lower())))
    share = {w: n / docs for w, n in df.items()}
    ranked = sorted((w for w in df if len(w) >= 5), key=lambda w: (-df[w], w))
    common = [w for w in PREFERRED_COMMON if share.get(w, 0) >= 0.10]
    common += [w for w in ranked if w not in common][: max(0, per_band - len(common))]
    long_words = [w for w in ranked if len(w) >= 6]
    middle = long_words[len(long_words) // 10 : len(long_words) // 3]  # if no word is 1-5%
    mid_pool = [w for w in long_words if 0.01 <= share[w] <= 0.05] or middle
    mid = _spread(sorted(mid_pool), per_band)
    rare_pool = long_words[-max(10, 5 * per_band) :]  # the fewest papers, in the sample
    rare = _spread(sorted(rare_pool), per_band)
    authors = [str(a) for _, _, a in rows if a]
    surname = authors[len(authors) // 2].split()[-1] if authors else "smith"
    phrase_source = next(
        (t for t, _, _ in rows[len(rows) // 3 :] if len(re.findall(r"[A-Za-z]{4,}", t)) >= 2),
        "neural network",
    )
    first, second = re.findall(r"[A-Za-z]{4,}", phrase_source)[:2]
    return {
        "common": common[:per_band],
        "mid": mid,
        "rare": rare,
        "non_word": NON_WORD,
        "author": surname,
        "phrase": f"{first.lower()} {second.lower()}",
        "category": "CV" if "CV" in categories else (categories[0] if categories else "CV"),
        "tag": "theory" if "theory" in tags else (tags[0] if tags else "theory"),
        "share": {w: round(share.get(w, 0.0), 4) for w in [*common, *mid, *rare]},
        "sampled_papers": docs,
    }


class _Script:
    """Accumulates steps, tracking the filter text each key should leave."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.text: str | None = ""

    def type(self, text: str, band: str) -> None:
        for char in text:
            if self.text is not None:
                self.text += char
            self.steps.append({"kind": "key", "key": char, "band": band, "expect": self.text})

    def backspace(self, count: int, band: str = "backspace") -> None:
        for _ in range(count):
            if self.text is not None:
                self.text = self.text[:-1]
            self.steps.append({"kind": "backspace", "band": band, "expect": self.text})

    def escape(self) -> None:
        self.text = ""
        self.steps.append({"kind": "escape", "band": "escape", "expect": ""})

    def facet(self, group: str, index: int = 0) -> None:
        self.text = None  # where toggle_filter_term puts the token is the window's business
        self.steps.append({"kind": "facet", "group": group, "index": index, "band": "facet"})

    def pause(self) -> None:
        self.steps.append({"kind": "pause"})


def build_plan(path: Path, quick: bool = False) -> dict[str, Any]:
    """The session for the library at ``path``; ``quick`` types fewer words (smoke test)."""
    words = vocabulary_bands(path, 1 if quick else 3)
    s = _Script()
    common, mid, rare = words["common"], words["mid"], words["rare"]
    # A very common word, typed then deleted letter by letter: its one- and two-letter
    # prefixes match most of the library, the hard case.
    s.type(common[0], "common")
    s.pause()
    s.backspace(len(common[0]))
    # Field filters added to a common word, then swapped.
    second = common[1] if len(common) > 1 else common[0]
    s.type(second, "common")
    s.type(f" cat:{words['category']}", "field")
    s.pause()
    s.backspace(len(words["category"]) + 4)
    s.type(YEAR_RANGE, "field")
    s.pause()
    s.facet("Category")
    s.pause()
    s.escape()
    # A mid-frequency word narrowed by sidebar clicks.
    s.type(mid[0], "mid")
    s.pause()
    s.facet("Status")
    s.pause()
    s.facet("Year")
    s.pause()
    s.escape()
    # A rare word with a field.
    s.type(rare[0], "rare")
    s.type(f" {HAS}", "field")
    s.pause()
    s.escape()
    # Fields alone, then an author from the sidebar.
    s.type(f"{STATUS} tag:{words['tag']}", "field")
    s.pause()
    s.facet("Authors")
    s.pause()
    s.escape()
    # A word that is in no paper, typed and deleted.
    s.type(words["non_word"], "non-word")
    s.pause()
    s.backspace(len(words["non_word"]))
    s.type(f"author:{words['author']}", "field")
    s.pause()
    s.escape()
    s.type(f'"{words["phrase"]}"', "phrase")
    s.pause()
    s.escape()
    if not quick:
        for band, word in [("common", w) for w in common[2:]] + [
            *(("mid", w) for w in mid[1:]),
            *(("rare", w) for w in rare[1:]),
        ]:
            s.type(word, band)
            s.pause()
            s.backspace(len(word))
        # Three bands ANDed, then deleted back to nothing.
        for band, word in (("common", common[0]), ("mid", mid[-1]), ("rare", rare[-1])):
            s.type(word + " ", band)
        s.pause()
        s.backspace(len(s.text or ""))
        s.type(f"{common[0]} -{mid[0]} {YEAR_RANGE}", "field")
        s.pause()
        s.escape()
    keys = sum(1 for step in s.steps if step["kind"] in ("key", "backspace", "escape"))
    return {"steps": s.steps, "words": words, "keystrokes": keys, "quick": quick}


if __name__ == "__main__":
    import json
    import sys

    plan = build_plan(Path(sys.argv[1]), quick="--quick" in sys.argv)
    print(json.dumps(plan["words"], indent=1), plan["keystrokes"], "keystrokes")
