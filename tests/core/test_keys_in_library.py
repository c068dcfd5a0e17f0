"""Naming a paper by id or citation key: keys never pass for ids, ids are ASCII digits only,
and an entry's own key (in any script) is kept or replaced with a word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.io.bibtex import MAX_PROBLEMS, import_bibtex
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

WAR_AND_PEACE = PaperFields(title="Война и мир", authors=["Лев Толстой"], published="2006")


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Library]:
    with open_library(tmp_path / "lib.sqlite", seed=False) as library:
        yield library


def keys_by_title(library: Library) -> dict[str, str]:
    return {title: key for key, title in library.conn.execute("SELECT key, title FROM papers")}


def bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


# --- generated keys -------------------------------------------------------------------------


def test_a_cyrillic_paper_gets_a_key_that_is_not_a_number(empty: Library) -> None:
    paper_id = empty.add_paper(WAR_AND_PEACE)
    assert empty.record(paper_id)["key"] == "tolstoy2006voyna"
    # The key used to be "2006": "status 2006" changed this paper though it is not paper 2006.
    with pytest.raises(LibraryError, match="no paper with id or key '2006'"):
        empty.resolve("2006")
    assert empty.resolve("tolstoy2006voyna") == paper_id


def test_a_paper_with_only_a_year_gets_a_key_with_letters(empty: Library) -> None:
    paper_id = empty.add_paper(PaperFields(title="—", published="2006"))
    assert empty.record(paper_id)["key"] == "paper2006"


# --- resolve ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        ("²", "'²'"),  # int() reads it as 2 after isdigit() said yes: a ValueError before
        ("١", "'١'"),  # Arabic-Indic one: int() made it paper 1 without a word
        ("٠٠١", "'٠٠١'"),
        ("99999999999999999999999", "'99999999999999999999999'"),  # OverflowError before
        ("9223372036854775808", "'9223372036854775808'"),  # 2**63: one past SQLite's integers
        ("1" * 5000, "'111"),  # past int()'s 4300 digits
        ("", "''"),
        ("0", "'0'"),
    ],
)
def test_what_is_no_id_gets_one_clear_error(library: Library, ref: str, shown: str) -> None:
    with pytest.raises(LibraryError, match=f"^no paper with id or key {shown}"):
        library.resolve(ref)


def test_ids_are_ascii_digits_and_leading_zeros_do_not_matter(library: Library) -> None:
    assert library.resolve("7") == library.resolve("007") == library.resolve(" 7 ") == 7
    assert library.resolve("0" * 5000 + "7") == 7
    assert library.resolve(7) == 7
    with pytest.raises(LibraryError):
        library.resolve("9223372036854775807")  # the largest id SQLite has: no such paper


def test_a_key_of_other_digits_is_found_as_a_key(empty: Library) -> None:
    """A key like "١" (from an old library, or typed into the key column) is a key."""
    first = empty.add_paper(PaperFields(title="One"))
    second = empty.add_paper(PaperFields(title="Two"))
    empty.conn.execute("UPDATE papers SET key = '١' WHERE id = ?", (second,))
    assert empty.resolve("١") == second
    assert empty.resolve("1") == first


def test_keys_with_digits_and_letters_are_keys_not_ids(empty: Library) -> None:
    ids = empty.add_papers([PaperFields(title=f"Paper {n}") for n in range(3)])
    digits_first = empty.add_paper(PaperFields(title="Deep Nets", published="2022"))
    assert empty.record(digits_first)["key"] == "2022deep"
    assert empty.resolve("2022deep") == digits_first
    assert empty.resolve("2022DEEP") == digits_first
    assert empty.resolve("2") == ids[1]


def test_an_old_key_of_digits_alone_still_names_its_paper_when_no_id_is_that(
    empty: Library,
) -> None:
    """Libraries from before the fix may hold keys like "2006"; an id is asked first."""
    paper_id = empty.add_paper(WAR_AND_PEACE)
    other = empty.add_paper(PaperFields(title="Other"))
    empty.conn.execute("UPDATE papers SET key = '2006' WHERE id = ?", (paper_id,))
    empty.conn.execute("UPDATE papers SET key = '1' WHERE id = ?", (other,))
    assert empty.resolve("2006") == paper_id
    assert empty.resolve("1") == paper_id  # the id wins over another paper's key "1"


def test_a_key_in_another_script_is_found_whatever_its_case(empty: Library) -> None:
    paper_id = empty.add_paper(PaperFields(title="Война и мир"))
    empty.conn.execute("UPDATE papers SET key = 'Иванов2006' WHERE id = ?", (paper_id,))
    for typed in ("Иванов2006", "иванов2006", "ИВАНОВ2006"):
        assert empty.resolve(typed) == paper_id
        assert empty.search(f"key:{typed}") == [paper_id]
    assert empty.search("key:иван") == [paper_id]  # key: is a prefix
    assert empty.search("key:петров") == []
    with pytest.raises(LibraryError, match="no paper with id or key 'Иванов200'"):
        empty.resolve("Иванов200")  # near-miss: the whole key, not a prefix


def test_keys_that_differ_only_in_case_are_not_guessed_between(empty: Library) -> None:
    upper = empty.add_paper(PaperFields(title="One"))
    lower = empty.add_paper(PaperFields(title="Two"))
    empty.conn.execute("UPDATE papers SET key = 'ΩΣ1' WHERE id = ?", (upper,))
    empty.conn.execute("UPDATE papers SET key = 'ωσ1' WHERE id = ?", (lower,))
    assert empty.resolve("ΩΣ1") == upper  # the exact spelling first
    assert empty.resolve("ωσ1") == lower
    with pytest.raises(LibraryError, match=r"'Ωσ1' names more than one paper \(ΩΣ1, ωσ1\)"):
        empty.resolve("Ωσ1")


# --- an entry's own key --------------------------------------------------------------------


def test_an_entry_keeps_its_own_key_in_any_script(tmp_path: Path, empty: Library) -> None:
    path = bib(
        tmp_path,
        "@article{Иванов2006, title={Война и мир}, author={Иванов, Иван}, year={2006}}\n"
        "@article{Müller2020, title={Über Netze}, author={Müller, Eva}, year={2020}}\n"
        "@article{Zhang2021:王, title={深度学习}, author={王小明}, year={2021}}\n",
    )
    report = import_bibtex(empty, [path])
    assert (report.added, report.problems) == (3, [])
    assert sorted(keys_by_title(empty).values()) == ["Müller2020", "Zhang2021:王", "Иванов2006"]
    assert empty.record(empty.resolve("müller2020"))["title"] == "Über Netze"
    assert empty.record(empty.resolve("иванов2006"))["title"] == "Война и мир"


def test_a_decomposed_key_is_kept_composed(tmp_path: Path, empty: Library) -> None:
    path = bib(tmp_path, "@article{Mu\u0308ller2020, title={Netze}, year={2020}}\n")
    assert import_bibtex(empty, [path]).problems == []
    assert keys_by_title(empty) == {"Netze": "M\u00fcller2020"}


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("2006", "a key of digits alone would read as a paper id"),
        ("١٢", "a key of digits alone would read as a paper id"),
        ("a key", "not a usable citation key"),
        ("x" * 101, "not a usable citation key"),
    ],
)
def test_an_entry_key_that_cannot_be_kept_is_replaced_with_a_word(
    tmp_path: Path, empty: Library, key: str, why: str
) -> None:
    path = bib(tmp_path, f"@article{{{key}, title={{Война и мир}}, author={{Иванов, Иван}}}}\n")
    report = import_bibtex(empty, [path])
    assert report.added == 1
    assert keys_by_title(empty) == {"Война и мир": "ivanovvoyna"}
    [problem] = report.problems
    assert problem.startswith(f"entry {key!r} (refs.bib:1): {why}")
    assert problem.endswith("; its key is 'ivanovvoyna'")


def test_an_entry_key_another_paper_has_is_replaced_with_a_word(
    tmp_path: Path, empty: Library
) -> None:
    empty.add_papers([PaperFields(title="First")], cite_keys=["Иванов2006"])
    path = bib(
        tmp_path,
        "@article{иванов2006, title={Война и мир}, author={Иванов, Иван}, year={2006}}\n"
        "@article{Roe2021, title={Other}, author={Roe, Ann}, year={2021}}\n"
        "@article{roe2021, title={Another}, author={Roe, Ann}, year={2021}}\n",
    )
    report = import_bibtex(empty, [path])
    keys = keys_by_title(empty)
    assert keys["Other"] == "Roe2021"
    assert report.problems == [
        f"entry 'roe2021' (refs.bib:3): another paper already has this key; its key is "
        f"{keys['Another']!r}"
    ]
    # SQLite's NOCASE knows ASCII case only: a Cyrillic key in another case is kept, and
    # the exact spelling names each paper.
    assert keys["Война и мир"] == "иванов2006"
    assert empty.record(empty.resolve("Иванов2006"))["title"] == "First"
    assert empty.record(empty.resolve("иванов2006"))["title"] == "Война и мир"


def test_replaced_keys_are_counted_past_the_first_hundred(tmp_path: Path, empty: Library) -> None:
    entries = "".join(f"@misc{{{n}, title={{Paper {n}}}}}\n" for n in range(MAX_PROBLEMS + 5))
    report = import_bibtex(empty, [bib(tmp_path, entries)])
    assert report.added == MAX_PROBLEMS + 5
    assert len(report.problems) == MAX_PROBLEMS + 1
    assert report.problems[-1] == "5 more entries got a new key"
    assert not any(key.isdigit() for key in keys_by_title(empty).values())
