"""BibTeX and size: long values come back whole; what @string macros add is bounded.

A value the file spells out is kept however long it is (the file's size bounds it); what
macros add has a budget per entry and per file, checked before anything is built, so a
few kilobytes of doubling macros cannot make a gigabyte library. Entries past a budget
are skipped and reported with their line, key and field.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex, bibtex_text
from papershelf.core.io.bibtex import MIN_FILE_EXPANSION, import_bibtex, parse_bibtex
from papershelf.core.io.bibtex_macros import MAX_ENTRY_EXPANSION
from papershelf.core.io.interchange import export_bibtex
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


def records(lib: Library) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in lib.records(lib.search(""))}


def library_bytes(path: Path) -> int:
    """The library file with its journal and write-ahead log."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def doubling(count: int, seed: str = "xx") -> str:
    """``count`` @strings, each twice the one before: 30 bytes a line, 2**count characters."""
    lines = [f'@string{{s0 = "{seed}"}}']
    lines += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, count + 1)]
    return "\n".join(lines) + "\n"


def line_of(text: str, key: str) -> int:
    return text[: text.index("{" + key + ",")].count("\n") + 1


# --- long values -------------------------------------------------------------------------


def long_note(size: int) -> str:
    """Markdown with everything BibTeX escapes; the first half has no math, so the
    decoder meets one stretch of megabytes, the second half math every few kilobytes."""
    prose = "Plain words of a reading note, " * 8 + "100% & #2 ~x^2 {b} \\a_b -- ``q'' Café.\n"
    half = (prose * (size // 2 // len(prose) + 1))[: size // 2]
    part = "\n\n## Section\n\n- item with `code` and $x_1^2$ math\n" + prose * 30
    rest = (part * (size // 2 // len(part) + 1))[: size - len(half)]
    return (half + rest).rstrip() + "."


def test_a_10_mb_note_papershelf_exported_comes_back_whole(tmp_path: Path) -> None:
    note = long_note(10_000_000)
    abstract = " ".join(["An abstract sentence with $n^2$ and 5% of it."] * 5000)
    with open_library(tmp_path / "a.sqlite", seed=False) as lib:
        paper = lib.add_paper(PaperFields(title="Long", authors=["Ann Lee"], abstract=abstract))
        lib.set_note(paper, note)
        text = export_bibtex(lib.papers(lib.search("")))
    path = tmp_path / "long.bib"
    path.write_text(text, encoding="utf-8")
    with open_library(tmp_path / "b.sqlite", seed=False) as fresh:
        report = import_bibtex(fresh, [path])
        assert (report.added, report.skipped, report.problems) == (1, 0, [])
        (got,) = records(fresh).values()
    assert len(got["note"]) == len(note)
    assert got["note"] == note
    assert got["abstract"] == abstract


def test_a_long_stretch_without_math_decodes_what_export_wrote() -> None:
    # Past MAX_LATEX_CHARS pylatexenc is not used; the linear path must still read
    # \\textasciitilde{}, \\textasciicircum{} and the escapes that export writes.
    text = "A ~x^2 {b} \\a_b 100% & #1 -- ``q'' Café ü.\n" * 5000
    assert len(text) > bibtex_text.MAX_LATEX_CHARS and "$" not in text
    assert bibtex_text.decode(bibtex_text.encode(text)) == text


def test_a_long_literal_value_in_a_foreign_file_is_kept(tmp_path: Path) -> None:
    body = "x" * 1_500_000
    text = f"@misc{{k, title = {{Long}}, annote = {{{body}}} # {{ and more}}}}\n"
    path = tmp_path / "f.bib"
    path.write_text(text, encoding="utf-8")
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_bibtex(lib, [path])
        assert report.problems == []
        assert records(lib)["k"]["note"] == body + " and more"


# --- the per-entry budget ----------------------------------------------------------------


def test_the_400_doubling_strings_file_ends_quickly_with_entries_reported(
    tmp_path: Path,
) -> None:
    """The issue's file: 30 KB, 400 doubling @strings; it took 58 s and made 1.35 GB."""
    text = doubling(400)
    text += "".join(
        f"@misc{{k{i}, title = {{Paper {i}}}, abstract = s400, annote = s{400 - i % 7}}}\n"
        for i in range(400)
    )
    text += "@misc{fine, title = {An ordinary paper}, annote = s3}\n"
    assert len(text) < 40_000
    path = tmp_path / "bomb.bib"
    path.write_text(text, encoding="utf-8")
    library = tmp_path / "l.sqlite"
    with open_library(library, seed=False) as lib:
        start = time.monotonic()
        report = import_bibtex(lib, [path])
        elapsed = time.monotonic() - start
        assert elapsed < 30, f"took {elapsed:.1f}s"  # the bound: a hang guard
        assert (report.added, report.skipped) == (1, 400)
        assert records(lib)["fine"]["note"] == "x" * 16  # s3: 2 * 2**3 characters
    first = report.problems[0]
    assert first == (
        f"bomb.bib:{line_of(text, 'k0')}: entry 'k0' skipped: field 'abstract' uses "
        f"@string s400, which would add over {MAX_ENTRY_EXPANSION:,} characters to one entry"
    )
    assert report.problems[-1] == "bomb.bib: 300 more problems not shown"
    assert library_bytes(library) < 5_000_000


def test_an_entry_may_take_up_to_its_budget_from_macros_and_no_more(tmp_path: Path) -> None:
    half = MAX_ENTRY_EXPANSION // 2
    text = (
        f"@string{{half = {{{'h' * half}}}}}\n"
        "@string{one = {1}}\n"
        "@misc{full, title = {Full}, abstract = half, annote = half}\n"  # exactly the budget
        "@misc{over, title = {Over}, abstract = half,\n"
        "  annote = half # one}\n"  # one character past it
        "@misc{plain, title = {Plain}, annote = one # { and } # one}\n"
    )
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["full", "plain"]
    full = result.entries[0].fields
    assert (len(full["abstract"]), len(full["annote"])) == (half, half)  # not cut
    assert result.entries[1].fields["annote"] == "1 and 1"
    assert result.skipped == 1
    assert result.problems == [
        (
            4,
            "entry 'over' skipped: field 'annote': @string macros would add over "
            f"{MAX_ENTRY_EXPANSION:,} characters to one entry",
        )
    ]


def test_a_macro_past_the_budget_is_never_built_and_its_users_are_named(tmp_path: Path) -> None:
    text = doubling(25) + "@misc{a, title = s25}\n@misc{b, title = {B}, note = s24 # s0}\n"
    result = parse_bibtex(text)
    assert result.entries == []
    assert [(line, message.split(":")[0]) for line, message in result.problems] == [
        (27, "entry 'a' skipped"),
        (28, "entry 'b' skipped"),
    ]
    assert "field 'title' uses @string s25" in result.problems[0][1]
    assert "field 'note' uses @string s24" in result.problems[1][1]


# --- the per-file budget -----------------------------------------------------------------


def test_a_file_may_take_its_budget_from_macros_and_then_entries_are_skipped() -> None:
    # A macro as large as one entry may take (spelled out once) used by twenty entries.
    big = MAX_ENTRY_EXPANSION
    text = "@string{big = {" + "b" * big + "}}\n"
    text += "".join(f"@misc{{e{i}, title = {{E{i}}}, abstract = big}}\n" for i in range(20))
    text += "@misc{after, title = {After}, journal = {J}}\n"
    assert len(text) < MIN_FILE_EXPANSION  # the floor is the budget
    result = parse_bibtex(text)
    fits = MIN_FILE_EXPANSION // big  # exactly the budget: all of them fit
    assert fits * big == MIN_FILE_EXPANSION
    assert [e.key for e in result.entries] == [f"e{i}" for i in range(fits)] + ["after"]
    assert [len(e.fields.get("abstract", "")) for e in result.entries] == [big] * fits + [0]
    assert result.skipped == 20 - fits
    assert result.problems[0] == (
        2 + fits,
        f"entry 'e{fits}' skipped: field 'abstract': @string macros would add over "
        f"{MIN_FILE_EXPANSION:,} characters to the file",
    )


def test_macros_count_against_the_file_budget_where_defined_and_where_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bibtex, "MIN_FILE_EXPANSION", 1000)
    text = (
        "@string{a = {" + "a" * 300 + "}}\n"  # spelled out: adds nothing
        "@string{b = a # a}\n"  # adds 600
        "@string{c = a # a}\n"  # would add 600 more: past 1,000, so never built
        "@misc{k, title = {K}, note = c}\n"  # line 4
        "@misc{m, title = {M}, note = {plain}}\n"
        "@misc{n, title = {N}, note = a}\n"  # 900 in all: fits
        "@misc{o, title = {O}, note = a}\n"  # line 7: 1,200
    )
    assert len(text) < 1000  # the floor is the budget, not the file's length
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["m", "n"]
    assert result.problems == [
        (4, "entry 'k' skipped: field 'note' uses @string c, which would add over "
            "1,000 characters to the file"),
        (7, "entry 'o' skipped: field 'note': @string macros would add over "
            "1,000 characters to the file"),
    ]  # fmt: skip


def test_a_large_file_may_add_as_much_as_its_own_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex, "MIN_FILE_EXPANSION", 1000)
    entries = "".join(f"@misc{{e{i}, title = {{T{i}}}, journal = j}}\n" for i in range(500))
    text = "@string{j = {" + "J" * 40 + "}}\n" + entries
    result = parse_bibtex(text)  # 20,000 characters added by macros to a 20 KB file
    assert (len(result.entries), result.skipped) == (500, 0)
    assert len(text) > 500 * 40


# --- near misses: ordinary macros, however many ------------------------------------------

JOURNALS = 2000


def ordinary_file(entries: int) -> str:
    """Many journal and conference macros, used with concatenation as real files do."""
    lines = [f"@string{{j{n} = {{Journal of Things Number {n}}}}}" for n in range(JOURNALS)]
    lines.append('@string{proc = "Proceedings of the "}')
    for i in range(entries):
        lines.append(
            f"@inproceedings{{p{i}, title = {{Paper {i}}}, author = {{Lee, Ann}},\n"
            f'  journal = j{i % JOURNALS}, booktitle = proc # j{(i * 7) % JOURNALS} # " " # '
            f"{{{2000 + i % 25}}}, month = mar, year = {2000 + i % 25}}}"
        )
    return "\n".join(lines) + "\n"


def test_a_large_file_of_ordinary_macros_imports_fully(tmp_path: Path) -> None:
    path = tmp_path / "ordinary.bib"
    path.write_text(ordinary_file(5000), encoding="utf-8")
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        report = import_bibtex(lib, [path])
        assert (report.added, report.skipped, report.problems) == (5000, 0, [])
        assert records(lib)["p7"]["published"] == "2007-03"


# --- other hostile shapes ----------------------------------------------------------------


def hostile(name: str) -> str:
    return {
        # The first definition of a name is kept (and the others reported): no doubling.
        "redefined self": '@string{a = "xx"}\n' + "@string{a = a # a}\n" * 400
        + "@misc{k, title = {K}, note = a}\n@misc{m, title = {M}}\n",
        "cycle": "@string{a = b}\n@string{b = a}\n@string{a = a # b}\n"
        "@misc{k, title = {K} # a # b}\n@misc{m, title = {M}}\n",
        "long chain": '@string{w = "twenty characters..."}\n'
        + "@misc{k, title = {K}, note = " + " # ".join(["w"] * 100_000) + "}\n"
        + "@misc{m, title = {M}}\n",
        "literal chain": "@misc{m, title = {M}, note = " + " # ".join(["{a}"] * 200_000) + "}\n",
        "deep braces in a macro": "@string{d = {" + "{" * 50_000 + "x" + "}" * 50_000 + "}}\n"
        + "@misc{m, title = {M}, note = d # d}\n",
    }[name]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "keys", "skipped"),
    [
        ("redefined self", ["k", "m"], 0),
        ("cycle", ["k", "m"], 0),
        ("long chain", ["m"], 1),
        ("literal chain", ["m"], 0),
        ("deep braces in a macro", ["m"], 0),
    ],
)
def test_hostile_macro_shapes_end_quickly_and_bounded(
    tmp_path: Path, name: str, keys: list[str], skipped: int
) -> None:
    path = tmp_path / "hostile.bib"
    path.write_text(hostile(name), encoding="utf-8")
    library = tmp_path / "l.sqlite"
    with open_library(library, seed=False) as lib:
        start = time.monotonic()
        report = import_bibtex(lib, [path])
        assert time.monotonic() - start < 30  # a hang guard, not a benchmark
        assert sorted(records(lib)) == keys
        got = records(lib)
    assert library_bytes(library) < 20_000_000
    assert report.skipped == skipped
    skips = [p for p in report.problems if "skipped" in p]
    assert len(skips) == skipped
    for problem in skips:
        assert re.match(r"hostile\.bib:\d+: entry 'k' skipped: field '(note|title)'", problem)
    if name == "cycle":  # a macro defined through itself gives nothing, and is said once
        assert got["k"]["title"] == "K"
        assert report.problems == [
            "hostile.bib:1: @string a is defined through itself (a → b → a); it is left empty",
            "hostile.bib:3: @string a defined again: the first is used",
            "hostile.bib:4: entry 'k': field 'title' uses @string a, which is defined "
            "through itself (a → b → a); left out",
            "hostile.bib:4: entry 'k': field 'title' uses @string b, which is defined "
            "through itself (a → b → a); left out",
        ]
    if name == "redefined self":
        assert got["k"]["note"] == "xx"
        assert report.problems[0] == "hostile.bib:2: @string a defined again: the first is used"
    if name == "literal chain":
        assert got["m"]["note"] == "a" * 200_000
