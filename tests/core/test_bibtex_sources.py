"""BibTeX as BibTeX means it, over files shaped like the exports readers bring (issue 15).

Several files of one import are one database, as for BibTeX and biber: @string macros
and crossref parents of any file serve all of them, in any order. An undefined macro is
reported where it is used and left out, never imported as text. Each file below has the
shape its tool writes (JabRef, BibDesk, DBLP, ACL Anthology, biblatex).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

from papershelf.core.io import bibtex
from papershelf.core.io.importer import import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

# A group's shared author identifiers, kept apart from the bibliography that uses them.
AUTHOR_IDS = r"""% Author identifiers shared by the group's bibliographies
@string{jsmith = "Smith, John"}
@string{adoe = "Doe, Ann"}
@string{hmueller = "M{\"u}ller, Hans"}
@string{procneurips = "Advances in Neural Information Processing Systems"}
@string{both = jsmith # " and " # adoe}
"""

# JabRef 5: an encoding line, its own @String, entries aligned, a meta @Comment at the end.
JABREF_MAIN = r"""% Encoding: UTF-8

@String{jmlr = {Journal of Machine Learning Research}}

@Article{Smith2019,
  author  = jsmith # { and } # adoe,
  journal = jmlr,
  title   = {Learning Things from Data},
  year    = {2019},
  volume  = {20},
  pages   = {1--30},
}

@InProceedings{Mueller2020:deep,
  author    = hmueller,
  booktitle = procneurips # { 33},
  title     = {Deep Networks for {NASA}},
  year      = {2020},
  month     = dec,
}

@Article{Both2021,
  author  = both,
  journal = cacm,
  title   = {Two Authors from One Macro},
  year    = 2021,
}

@Comment{jabref-meta: databaseType:bibtex;}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def imported(tmp_path: Path, *files: Path, name: str = "l.sqlite") -> tuple[Library, Any]:
    lib = open_library(tmp_path / name, seed=False)
    return lib, import_files(lib, files)


def described(lib: Library) -> dict[str, dict[str, Any]]:
    """Each paper as its key and what describes it (no ids or dates of the import)."""
    mine = ("id", "uuid", "added", "modified", "status", "read_at")
    return {
        r["key"]: {k: v for k, v in r.items() if k not in mine} for r in lib.records(lib.search(""))
    }


# --- @string macros across files ---------------------------------------------------------


def test_macros_of_one_file_serve_the_others_in_any_order(tmp_path: Path) -> None:
    ids = write(tmp_path, "AuthorIDs.bib", AUTHOR_IDS)
    main = write(tmp_path, "Main.bib", JABREF_MAIN)
    first, report = imported(tmp_path, ids, main, name="a.sqlite")
    assert (report.added, report.skipped, report.problems) == (3, 0, [])
    records = described(first)
    assert records["Smith2019"]["authors"] == ["John Smith", "Ann Doe"]
    assert records["Smith2019"]["venue"] == "Journal of Machine Learning Research"
    assert records["Mueller2020:deep"]["authors"] == ["Hans Müller"]
    assert records["Mueller2020:deep"]["venue"] == (
        "Advances in Neural Information Processing Systems 33"
    )
    assert records["Mueller2020:deep"]["published"] == "2020-12"
    # A macro made of macros, and one the standard styles define (plain.bst's cacm).
    assert records["Both2021"]["authors"] == ["John Smith", "Ann Doe"]
    assert records["Both2021"]["venue"] == "Communications of the ACM"
    # The file that uses the macros named first: the same papers, nothing reported.
    second, report = imported(tmp_path, main, ids, name="b.sqlite")
    assert (report.added, report.problems) == (3, [])
    assert described(second) == records
    first.close()
    second.close()


def test_a_macro_used_before_its_definition_in_one_file_resolves() -> None:
    text = (
        "@article{early, title = {Early}, author = later, journal = j}\n"
        '@string{later = "Lee, Ann"}\n'
        "@string{j = {J. } # later}\n"
    )
    result = bibtex.parse_bibtex(text)
    assert result.problems == []
    assert result.entries[0].fields == {
        "title": "Early",
        "author": "Lee, Ann",
        "journal": "J. Lee, Ann",
    }


def test_an_undefined_macro_is_reported_where_it_is_used_and_left_out(tmp_path: Path) -> None:
    main = write(tmp_path, "Main.bib", JABREF_MAIN)  # without AuthorIDs.bib
    lib, report = imported(tmp_path, main)
    smith = line_of(JABREF_MAIN, "author  = jsmith")
    mueller = line_of(JABREF_MAIN, "author    = hmueller")
    assert report.problems == [
        f"Main.bib:{smith}: entry 'Smith2019': field 'author' uses @string jsmith, which is "
        "not defined; left out",
        f"Main.bib:{smith}: entry 'Smith2019': field 'author' uses @string adoe, which is "
        "not defined; left out",
        f"Main.bib:{mueller}: entry 'Mueller2020:deep': field 'author' uses @string "
        "hmueller, which is not defined; left out",
        f"Main.bib:{mueller + 1}: entry 'Mueller2020:deep': field 'booktitle' uses @string "
        "procneurips, which is not defined; left out",
        f"Main.bib:{line_of(JABREF_MAIN, 'author  = both')}: entry 'Both2021': field 'author' "
        "uses @string both, which is not defined; left out",
    ]
    records = described(lib)
    assert report.added == 3  # the entries are kept, without what the macros would give
    assert records["Smith2019"]["authors"] == []  # "and" alone is no author either
    assert records["Mueller2020:deep"]["authors"] == []
    assert records["Mueller2020:deep"]["venue"] == "33"
    everyone = [a for r in records.values() for a in r["authors"]]
    assert not any(name in " ".join(everyone) for name in ("jsmith", "adoe", "hmueller", "both"))
    lib.close()


def test_a_macro_on_a_later_line_of_a_value_is_reported_on_that_line() -> None:
    text = (
        "@article{late,\n"
        "  title  = {Late},\n"
        "  author =\n"
        "    {Lee, Ann} # { and } #\n"
        "    nobody # { and Roe, Bo},\n"
        "}\n"
    )
    result = bibtex.parse_bibtex(text)
    assert result.problems == [
        (5, "entry 'late': field 'author' uses @string nobody, which is not defined; left out")
    ]
    assert result.entries[0].fields["author"] == "Lee, Ann and  and Roe, Bo"


def test_numbers_month_names_and_style_macros_are_not_undefined() -> None:
    """Near misses: what BibTeX itself reads without a definition."""
    text = (
        "@article{a, title = {A}, year = 2019, month = sep, journal = tcs, volume = 12,\n"
        "  number = {3}, note = {Plain text}, pages = 3 # {--} # 9}\n"
    )
    result = bibtex.parse_bibtex(text)
    assert result.problems == []
    assert result.entries[0].fields == {
        "title": "A", "year": "2019", "month": "September",
        "journal": "Theoretical Computer Science", "volume": "12", "number": "3",
        "note": "Plain text", "pages": "3--9",
    }  # fmt: skip


def test_a_file_of_macros_alone_is_said_only_when_imported_alone(tmp_path: Path) -> None:
    ids = write(tmp_path, "AuthorIDs.bib", AUTHOR_IDS)
    lib, report = imported(tmp_path, ids)
    assert report.problems == [f"{ids}: only @string macros found; nothing imported"]
    lib.close()


def test_a_macro_defined_twice_differently_across_files_is_reported(tmp_path: Path) -> None:
    one = write(
        tmp_path, "one.bib", '@string{j = "Journal One"}\n@article{a, title={A}, journal=j}\n'
    )
    same = write(tmp_path, "same.bib", '@string{j = "Journal One"}\n')
    other = write(
        tmp_path, "other.bib", '\n@string{J = "Journal Two"}\n@article{b, title={B}, journal=j}\n'
    )
    lib, report = imported(tmp_path, one, same, other)
    assert report.problems == [
        "other.bib:2: @string J defined again: the first (in another file, line 1) is used"
    ]  # the same definition twice is common (shared abbreviations) and not said
    assert {r["venue"] for r in described(lib).values()} == {"Journal One"}
    lib.close()


def test_the_macro_budget_holds_across_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doubling macros spread over two files cannot add more than one file could."""
    monkeypatch.setattr(bibtex, "MIN_FILE_EXPANSION", 100_000)
    half = ['@string{s0 = "xx"}'] + [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 13)]
    rest = [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(13, 30)]
    uses = "@misc{big, title = {Big}, note = s29}\n@misc{small, title = {Small}, note = s3}\n"
    a = write(tmp_path, "a.bib", "\n".join(half) + "\n")
    b = write(tmp_path, "b.bib", "\n".join(rest) + "\n" + uses)
    for order in ((a, b), (b, a)):
        lib, report = imported(tmp_path, *order, name=f"{order[0].stem}.sqlite")
        assert sorted(described(lib)) == ["small"]
        assert report.skipped == 1
        [skip] = [p for p in report.problems if "skipped" in p]
        line = len(rest) + 1
        assert skip.startswith(f"b.bib:{line}: entry 'big' skipped: field 'note' uses @string s29")
        assert skip.endswith("100,000 characters to the files imported")
        lib.close()


def test_the_budget_is_one_for_the_import_not_one_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bibtex, "MIN_FILE_EXPANSION", 1000)
    a = write(tmp_path, "a.bib", "@string{m = {" + "m" * 300 + "}}\n"
              "@misc{a1, title = {A1}, note = m}\n@misc{a2, title = {A2}, note = m}\n")  # fmt: skip
    b = write(tmp_path, "b.bib", "@misc{b1, title = {B1}, note = m}\n"
              "@misc{b2, title = {B2}, note = m}\n")  # fmt: skip
    lib, report = imported(tmp_path, a, b)
    assert sorted(described(lib)) == ["a1", "a2", "b1"]  # 900 characters; a fourth is 1,200
    assert report.problems == [
        "b.bib:2: entry 'b2' skipped: field 'note': @string macros would add over 1,000 "
        "characters to the files imported"
    ]
    lib.close()


def test_the_command_line_reads_the_files_as_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = write(tmp_path, "AuthorIDs.bib", AUTHOR_IDS)
    main = write(tmp_path, "Main.bib", JABREF_MAIN)
    lib = tmp_path / "l.sqlite"
    open_library(lib, seed=False).close()
    assert run(capsys, "--library", lib, "import", main, ids) == (
        0, "added 3, merged 0, unchanged 0, skipped 0\n", "",
    )  # fmt: skip
    code, out, _ = run(capsys, "--library", lib, "list", "author:Müller", "--format", "json")
    assert code == 0 and '"Mueller2020:deep"' in out
    # Alone, the file says which macros it lacks, on stderr, and imports what it has.
    other = tmp_path / "other.sqlite"
    open_library(other, seed=False).close()
    code, out, err = run(capsys, "--library", other, "import", main)
    assert (code, out) == (0, "added 3, merged 0, unchanged 0, skipped 0\n")
    assert f"Main.bib:{line_of(JABREF_MAIN, 'author    = hmueller')}: entry " in err
    assert "uses @string hmueller, which is not defined; left out" in err
