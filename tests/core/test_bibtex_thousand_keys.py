"""Importing a Zotero Better BibTeX file of a thousand entries loses no citation key (issue 15).

The file is generated in Better BibTeX's biblatex shape: varied entry types, ``date``,
``journaltitle``, double-braced protected words, ``file`` and ``langid`` fields, a few
``@string`` journal macros, keys with ``:`` and ``+``, ``ids`` with keys an item had
before, the same work twice under two keys (same DOI: one paper, both keys find it),
look-alikes that are two works (same title and author, another year and venue), and
keys that differ only in case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from cli_runner import run

from papershelf.core.io.importer import import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

TYPES = {
    "article": "journaltitle",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "book": None,
    "thesis": None,
    "report": None,
    "online": None,
    "misc": None,
    "unpublished": None,
}
STRINGS = {
    "jmlr": "Journal of Machine Learning Research",
    "tacl": "Transactions of the Association for Computational Linguistics",
    "pami": "{IEEE} Transactions on Pattern Analysis and Machine Intelligence",
}
SURNAMES = ["Smith", "Lee", "Müller", "van der Berg", "O'Neil", "Nguyen", "Ødegaard", "Kim"]
WORDS = ["Deep", "Sparse", "Bayesian", "Graph", "Robust", "Neural", "Causal", "Fast"]
NOUNS = ["Learning", "Inference", "Networks", "Models", "Retrieval", "Parsing"]


@dataclass
class Entry:
    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def entry_text(kind: str, key: str, title: str, fields: dict[str, str]) -> list[str]:
    lines = [f"@{kind}{{{key},", f"  title = {{{title}}},"]
    for name, value in fields.items():
        lines.append(f"  {name} = {value},")
    lines[-1] = lines[-1].rstrip(",")
    return [*lines, "}", ""]


def letters(n: int) -> str:
    """Better BibTeX's postfix for keys its formula gives twice: a, b, ..., z, aa, ..."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def better_bibtex(count: int = 1000, seed: int = 15) -> tuple[str, list[Entry]]:
    """A Better BibTeX-shaped file of ``count`` entries, and what each one is."""
    rng = random.Random(seed)
    lines = [f"@string{{{name} = {{{value}}}}}" for name, value in STRINGS.items()] + [""]
    entries: list[Entry] = []
    while len(entries) < count:
        n = len(entries)
        surname = rng.choice(SURNAMES)
        year = 1990 + n % 35
        word, noun = rng.choice(WORDS), rng.choice(NOUNS)
        title = f"{word} {{{{{noun}}}}} for {{{{NASA}}}} Problem {n}"
        plain = surname.replace(" ", "").replace("'", "").replace("ø", "o").replace("ü", "u")
        plain = plain.replace("Ø", "O")
        key = [
            f"{plain.lower()}{word}{noun}{year}{letters(n)}",  # Better BibTeX's formula
            f"{plain}:{year}:{word.lower()}{n}",  # with colons
            f"{plain}+{rng.choice(WORDS)[:3]}{year}{n}",  # with a plus
            f"DBLP:journals/x/{plain}{year % 100:02d}{n}",  # with slashes
        ][n % 4]
        kind = list(TYPES)[n % len(TYPES)]
        fields = {
            "author": f"{{{surname}, Ann and Roe, Bo}}",
            "date": f"{{{year}-{1 + n % 12:02d}}}",
            "abstract": "{We study $x_i$ and $$y$$.\n\nA second paragraph.}",
            "langid": "{english}",
            "file": f"{{/home/ann/Zotero/storage/K{n:05d}/{plain} - {year}.pdf}}",
        }
        venue = TYPES[kind]
        if venue == "journaltitle":
            fields[venue] = rng.choice(list(STRINGS))
        elif venue:
            fields[venue] = "{Proceedings of {{ICML}} " + str(year) + "}"
        if n % 7 == 0:
            fields["doi"] = f"{{10.1000/bbt.{n}}}"
        entry = Entry(key, title)
        if n % 50 == 3:
            entry.aliases = [f"{plain.lower()}{year}old{n}", f"Old:{n}"]
            fields["ids"] = "{" + ", ".join(entry.aliases) + "}"
        entry.lines = entry_text(kind, key, title, fields)
        entries.append(entry)
        if n % 97 == 5 and len(entries) < count:  # the same item twice: same DOI, new key
            twin_fields = {**fields, "doi": f"{{10.1000/twin.{n}}}"}
            entry.lines = entry_text(kind, key, title, twin_fields)
            twin = Entry(f"{key}-dup", title)
            twin.lines = entry_text(kind, twin.key, title, twin_fields)
            entries.append(twin)
        if n % 89 == 11 and len(entries) < count:  # the same title and author, another work
            later = Entry(f"{key}b", title)
            later.lines = entry_text(
                "article",
                later.key,
                title,
                {**fields, "date": f"{{{year + 3}}}", "journaltitle": "jmlr", "doi": "{}"},
            )
            entries.append(later)
        if n % 113 == 17 and len(entries) < count:  # a key differing only in case
            other = Entry(key.swapcase(), f"Another Work {n}")
            other.lines = entry_text("misc", other.key, other.title, {"date": str(year)})
            entries.append(other)
    for entry in entries:
        lines += entry.lines
    return "\n".join(lines) + "\n", entries


def line_of(text: str, key: str) -> int:
    return text[: text.index("{" + key + ",\n")].count("\n") + 1


def title_of(lib: Library, ref: str) -> str:
    return str(lib.record(lib.resolve(ref))["title"])


def test_a_thousand_entries_lose_no_citation_key(tmp_path: Path) -> None:
    text, entries = better_bibtex()
    assert len(entries) == 1000
    keys = [e.key for e in entries]
    assert len(set(keys)) == 1000
    folded = {}
    for entry in entries:
        folded.setdefault(entry.key.casefold(), []).append(entry)
    twins = {k: v for k, v in folded.items() if len(v) > 1}
    assert len(twins) >= 5 and any(":" in k for k in keys) and any("+" in k for k in keys)
    path = tmp_path / "My Library.bib"
    path.write_text(text, encoding="utf-8")
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert report.skipped == 0
        assert report.added + report.merged == 1000
        shown = {t: t.replace("{", "").replace("}", "") for t in {e.title for e in entries}}
        renamed = [p for p in report.problems if "another paper already has this key" in p]
        assert len(renamed) == len(twins)
        assert len(report.problems) == len(renamed)
        for entry in entries:
            # Every key and every alias an entry carried finds a paper.
            for ref in [entry.key, *entry.aliases]:
                lib.resolve(ref)
            first = folded[entry.key.casefold()][0]
            if entry is first:  # its own key finds its own work
                assert title_of(lib, entry.key) == shown[entry.title]
                for alias in entry.aliases:
                    assert title_of(lib, alias) == shown[entry.title]
                continue
            # The library's keys ignore case (as BibTeX's do): a key differing from
            # another only in case finds that paper, and the entry's paper gets a key
            # of its own, said with the file and line of the entry.
            [said] = [p for p in renamed if p.startswith(f"entry {entry.key!r} ")]
            where = f"(My Library.bib:{line_of(text, entry.key)})"
            assert said.startswith(f"entry {entry.key!r} {where}: another paper already")
            new_key = said.rsplit("its key is ", 1)[1].strip("'")
            assert title_of(lib, new_key) == shown[entry.title]
        # The same item under two keys is one paper that both keys find.
        for entry in entries:
            if entry.key.endswith("-dup"):
                original = entry.key.removesuffix("-dup")
                assert lib.resolve(entry.key) == lib.resolve(original)
        # Look-alikes of another year and venue stay two papers.
        for entry in entries:
            if entry.key.endswith("b") and entry.key[:-1] in folded:
                assert lib.resolve(entry.key) != lib.resolve(entry.key[:-1])
        merged = sum(1 for e in entries if e.key.endswith("-dup"))
        assert report.merged == merged
        assert lib.count() == 1000 - merged


def test_the_command_line_imports_it_and_finds_each_key(capsys: object, tmp_path: Path) -> None:
    text, entries = better_bibtex(count=120, seed=3)
    path = tmp_path / "export.bib"
    path.write_text(text, encoding="utf-8")
    lib = tmp_path / "l.sqlite"
    open_library(lib, seed=False).close()
    code, out, _ = run(capsys, "--library", lib, "import", path)  # type: ignore[arg-type]
    assert code == 0 and out.endswith("skipped 0\n")
    for entry in entries[:40]:
        code, out, err = run(capsys, "--library", lib, "list", f"key:{entry.key}")  # type: ignore[arg-type]
        assert code == 0 and out.strip(), (entry.key, err)


def test_a_citable_key_the_library_cannot_take_still_finds_its_paper(tmp_path: Path) -> None:
    """JabRef and BibDesk keys may hold what LaTeX cites but a library key may not."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{O'Neil2019, title = {Apostrophes}, author = {O'Neil, Ann}, year = 2019}\n"
        "@article{2006, title = {Digits}, author = {Roe, Bo}, year = 2006}\n"
        "@article{two words, title = {Spaces}, author = {Lee, Cy}, year = 2001}\n",
        encoding="utf-8",
    )
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_files(lib, [path])
        assert title_of(lib, "O'Neil2019") == "Apostrophes"
        assert report.problems[0] == (
            'entry "O\'Neil2019" (refs.bib:1): not a usable citation key (letters, digits '
            "and _:.+-/ only); its key is 'oneil2019apostrophes', and \"O'Neil2019\" still "
            "finds it"
        )
        # Near misses: digits would read as a paper id, and a key with a space is no key.
        assert [p.endswith("still finds it") for p in report.problems] == [True, False, False]
        assert lib.record(lib.resolve("roe2006digits"))["title"] == "Digits"
