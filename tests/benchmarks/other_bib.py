"""A BibTeX file drawn differently from synthetic.py, to measure on data we did not make.

    uv run python tests/benchmarks/other_bib.py 100000 /tmp/other-100k.bib
    uv run papershelf --library /tmp/other-100k.sqlite --no-seed import /tmp/other-100k.bib
    uv run python tests/benchmarks/run.py --library /tmp/other-100k.sqlite

synthetic.py writes libraries from the seed abstracts' words, a dozen authors a paper
and long abstracts, straight through the core. This file is a bibliography as DBLP,
Zotero and JabRef export them, read through ``papershelf import``: words with the
frequencies of another text (the docstrings of Python's standard library), author
lists from one name to hundreds (consortium papers, "and others"), many short
abstracts and many papers without one, ``@string`` journals, year-only dates, braces,
accents and LaTeX, DBLP-style keys, and a few volumes cited by ``crossref``.
"""

from __future__ import annotations

import itertools
import pkgutil
import random
import re
import sys
import warnings
from collections import Counter
from importlib import import_module
from pathlib import Path

JOURNALS = {
    "jmlr": "Journal of Machine Learning Research",
    "tpami": "{IEEE} Transactions on Pattern Analysis and Machine Intelligence",
    "cacm": "Communications of the {ACM}",
    "nature": "Nature",
    "corr": "CoRR",
}
GIVEN = (
    "Ana", "Björn", "Chen", "Dmitri", "Élodie", "Fatima", "Giulia", "Hiroshi", "Ines",
    "Jürgen", "Kwame", "Lars", "María José", "Nguyễn", "Olga", "Priya", "Quentin", "Rosa",
    "Søren", "Tomás", "Ulrike", "Wei", "Xóchitl", "Yusuf", "Zoë",
)  # fmt: skip
FAMILY = (
    "Smith", "M{\\\"u}ller", "Zhang", "van der Berg", "de la Cruz", "O'Brien", "Nakamura",
    "Kowalski", "Rossi", "Ivanova", "Haddad", "Okafor", "Johansson", "Dubois", "Silva",
    "Kim", "Singh", "García", "Novak", "Schmidt", "Li", "Wang", "Papadopoulos", "Yilmaz",
)  # fmt: skip
SYLLABLES = (
    "ka",
    "mor",
    "li",
    "ten",
    "sa",
    "vo",
    "rin",
    "ba",
    "del",
    "ng",
    "u",
    "esh",
    "tor",
    "mi",
)


def stdlib_words() -> Counter[str]:
    """Words of the standard library's module docstrings, with how often each is used."""
    counts: Counter[str] = Counter()
    for module in sorted(m.name for m in pkgutil.iter_modules() if not m.name.startswith("_")):
        if module in {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo"}:
            continue  # opens a browser, prints, or needs a display
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                doc = import_module(module).__doc__ or ""
        except Exception:  # a module this Python cannot import is skipped
            continue
        counts.update(w.lower() for w in re.findall(r"[A-Za-z][a-z]{2,}", doc))
    return counts


class Words:
    """Words drawn as often as the standard library's docstrings use them."""

    def __init__(self, counts: Counter[str]) -> None:
        self.common = [w for w, _ in counts.most_common()]
        self.cumulative = list(itertools.accumulate(counts[w] for w in self.common))

    def sentence(self, rng: random.Random, size: int) -> str:
        return " ".join(rng.choices(self.common, cum_weights=self.cumulative, k=size)).capitalize()


def person(rng: random.Random) -> tuple[str, str]:
    """A given name and a family name; half the families are made of syllables, so
    there are tens of thousands of people, a few of them in many papers."""
    given = rng.choice(GIVEN) + (f" {rng.choice('ABCDEHJKLMPRSTW')}." if rng.random() < 0.4 else "")
    if rng.random() < 0.5:
        return given, rng.choice(FAMILY)
    syllables = rng.choices(SYLLABLES, k=rng.randint(2, 4))
    return given, "".join(syllables).capitalize()


def authors(rng: random.Random) -> str:
    many = rng.random()
    count = (
        rng.randint(40, 400)
        if many < 0.02
        else rng.randint(5, 30)
        if many < 0.2
        else rng.randint(1, 4)
    )
    people = []
    for _ in range(min(count, 150)):
        given, family = person(rng)
        people.append(f"{family}, {given}" if rng.random() < 0.7 else f"{given} {family}")
    if count > 150:
        people.append("others")
    if many < 0.01:
        people.insert(0, "{The " + rng.choice(("ATLAS", "CMS", "LIGO")) + " Collaboration}")
    return " and ".join(people)


def entry(rng: random.Random, words: Words, paper: int) -> str:
    title = words.sentence(rng, rng.randint(3, 14))
    if rng.random() < 0.1:
        title = f"{{{title.split()[0]}}}: " + title + " with $O(n \\log n)$ cost"
    year = rng.randint(1965, 2026)
    fields = [f"  author = {{{authors(rng)}}}", f"  title = {{{title}}}", f"  year = {year}"]
    kind = rng.random()
    if kind < 0.5:
        fields.append(f"  journal = {rng.choice(list(JOURNALS))}")
        fields.append(f"  volume = {{{rng.randint(1, 60)}}}")
        fields.append(f"  pages = {{{(p := rng.randint(1, 900))}--{p + rng.randint(3, 30)}}}")
        kind_name = "article"
    elif kind < 0.55:
        fields.append(f"  crossref = {{conf{year}}}")
        kind_name = "inproceedings"
    else:
        fields.append(f"  eprint = {{{year % 100:02d}{rng.randint(1, 12):02d}.{paper:05d}}}")
        kind_name = "misc"
    length = rng.random()
    if length < 0.3:
        pass  # no abstract, as most DBLP entries
    elif length < 0.8:
        fields.append(f"  abstract = {{{words.sentence(rng, rng.randint(8, 30))}.}}")
    else:
        parts = [words.sentence(rng, rng.randint(10, 30)) + "." for _ in range(rng.randint(3, 9))]
        fields.append("  abstract = {" + " \\par ".join(parts) + "}")
    if rng.random() < 0.15:
        fields.append(f"  doi = {{10.{rng.randint(1000, 9999)}/x{paper}}}")
    if rng.random() < 0.1:
        fields.append("  keywords = {" + ", ".join(rng.sample(words.common[:300], 3)) + "}")
    key = f"DBLP:{kind_name[:4]}/{rng.choice(words.common[:2000])}{year}-{paper}"
    return f"@{kind_name}{{{key},\n" + ",\n".join(fields) + "\n}\n"


def write(path: Path, n: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    words = Words(stdlib_words())
    with path.open("w", encoding="utf-8") as out:
        out.write("% Drawn by tests/benchmarks/other_bib.py\n")
        for name, journal in JOURNALS.items():
            out.write(f"@string{{{name} = {{{journal}}}}}\n")
        for year in range(1965, 2027):
            out.write(
                f"@proceedings{{conf{year},\n  title = {{Proceedings of the {year} Conference}},"
                f"\n  booktitle = {{Proc. {year}}},\n  year = {year},\n  publisher = {{ACM}}\n}}\n"
            )
        for paper in range(n):
            out.write(entry(rng, words, paper))


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: other_bib.py N FILE.bib")
    write(Path(sys.argv[2]), int(sys.argv[1]))


if __name__ == "__main__":
    main()
