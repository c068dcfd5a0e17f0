"""Tests for the seed document parsers, on the real seed files and damaged copies of them."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.core.io.seeds import (
    AuthorAbstract,
    Listing,
    SeedEntry,
    detect_kind,
    match_full_authors,
    parse_author_abstracts,
    parse_listing,
)

SEEDS = Path(__file__).parents[2] / "seeds"
LISTING_TEXT = (SEEDS / "000_028a7e986f3da8b4.txt").read_text(encoding="utf-8")
PAIRS_TEXT = (SEEDS / "001_c327793b78459269.txt").read_text(encoding="utf-8")
LISTING = parse_listing(LISTING_TEXT)
PAIRS, PAIR_PROBLEMS = parse_author_abstracts(PAIRS_TEXT)


def entry(title_start: str, listing: Listing = LISTING) -> SeedEntry:
    found = [e for e in listing.entries if e.title.startswith(title_start)]
    assert len(found) == 1, title_start
    return found[0]


def pair(first_author: str, abstract_start: str = "") -> AuthorAbstract:
    found = [
        p for p in PAIRS if p.authors[0] == first_author and p.abstract.startswith(abstract_start)
    ]
    assert len(found) == 1, first_author
    return found[0]


# --- the real listing -------------------------------------------------------------------


def test_header_figures() -> None:
    header = LISTING.header
    assert header is not None
    assert header.name == "Tengyu Ma"
    assert header.field == "LG"
    assert header.h_index == 36
    assert header.papers == 118
    assert header.citations == 30775
    assert header.novelty == "62%"
    assert header.ai_score == 64
    assert header.listed_papers == 118


def test_fifty_entries_without_problems() -> None:
    assert len(LISTING.entries) == 50
    assert LISTING.problems == []
    assert [e.index for e in LISTING.entries] == list(range(50))
    assert len({e.title for e in LISTING.entries}) == 50
    assert all(e.abstract and e.authors and e.title for e in LISTING.entries)


def test_categories() -> None:
    assert {e.category for e in LISTING.entries} == {"LG", "CL", "CV", "LO"}


def test_first_entry_in_full() -> None:
    first = LISTING.entries[0]
    assert first.line == 12
    assert (first.score, first.category, first.month, first.day, first.year) == (
        None,
        "LG",
        11,
        28,
        2022,
    )
    assert first.has_code is True
    assert first.title.startswith("What learning algorithm is in-context learning?")
    assert first.authors == ["Ekin Akyürek", "Dale Schuurmans", "Jacob Andreas"]
    assert first.authors_truncated is True
    assert first.affiliations == ["microsoft-research", "mit"]
    assert first.abstract.startswith("Neural sequence models, especially transformers")
    assert first.abstract.endswith("incontext.")


@pytest.mark.parametrize(
    ("title", "line", "score", "category", "month", "day", "year", "code"),
    [
        ("SAM 3: Segment Anything with Concepts", 26, 99.8, "CV", 3, 28, None, True),
        ("Larger language models do in-context", 33, None, "CL", 3, 7, 2023, False),
        ("Scaling Self-Play with Self-Guidance", None, 95.8, "LG", 4, 22, None, False),
        ("Pseudo-Formalization for Automatic", None, 98.5, "LO", 5, 19, None, False),
        ("Divide-and-Conquer CoT", None, None, "LG", 1, 30, None, True),
        ("Configuration-to-Performance Scaling", None, None, "LG", 2, 10, None, True),
        ("MOPO: Model-based Offline Policy", None, None, "LG", 5, 27, 2020, True),
    ],
)
def test_marker_lines(
    title: str,
    line: int | None,
    score: float | None,
    category: str,
    month: int,
    day: int,
    year: int | None,
    code: bool,
) -> None:
    e = entry(title)
    if line is not None:
        assert e.line == line
    assert e.score == score
    assert (e.category, e.month, e.day, e.year, e.has_code) == (category, month, day, year, code)


def test_no_year_entries() -> None:
    no_year = sorted((e.month, e.day) for e in LISTING.entries if e.year is None)
    assert no_year == [(1, 30), (2, 10), (3, 28), (4, 22), (5, 19)]


def test_et_al_flag_and_affiliations() -> None:
    sharp = entry("Sharpness Minimization Algorithms")
    assert sharp.authors == ["Kaiyue Wen", "Zhiyuan Li", "Tengyu Ma"]
    assert sharp.authors_truncated is False
    assert sharp.affiliations == ["stanford"]
    sam = entry("SAM 3")
    assert sam.authors_truncated is True
    assert sam.affiliations == []
    assert sum(e.authors_truncated for e in LISTING.entries) == 33


# --- the real pairs and matching ---------------------------------------------------------


def test_pairs_document() -> None:
    assert PAIR_PROBLEMS == []
    assert len(PAIRS) == 10
    assert [p.line for p in PAIRS] == list(range(1, 41, 4))
    assert PAIRS[0].authors[:2] == ["Xiaohan Cui", "Long Ma"]
    assert PAIRS[-1].abstract.startswith("Many machine learning applications")


def test_detect_kind() -> None:
    assert detect_kind(LISTING_TEXT) == "listing"
    assert detect_kind(PAIRS_TEXT) == "author-abstracts"
    assert detect_kind("") is None
    assert detect_kind("just some words\n\nand more words here") is None


def test_all_ten_pairs_match_the_right_papers() -> None:
    matches, problems = match_full_authors(LISTING.entries, PAIRS)
    assert problems == []
    got = {
        LISTING.entries[i].title[:30]: (p.authors[0], len(p.authors)) for i, p in matches.items()
    }
    assert got == {
        "Trash to Treasure: Low-Light O": ("Xiaohan Cui", 6),
        "Sharpness Minimization Algorit": ("Kaiyue Wen", 3),
        "One Step of Gradient Descent i": ("Arvind Mahankali", 3),
        "Beyond NTK with Vanilla Gradie": ("Arvind Mahankali", 5),
        "The Inductive Bias of Flatness": ("Khashayar Gatmiry", 6),
        "Large Language Models as Tool ": ("Tianle Cai", 5),
        "DoReMi: Optimizing Data Mixtur": ("Sang Michael Xie", 10),
        "Sophia: A Scalable Stochastic ": ("Hong Liu", 5),
        "Symbol tuning improves in-cont": ("Jerry Wei", 11),
        "Toward $L_\\infty$-recovery of ": ("Kefan Dong", 2),
    }
    doremi = matches[entry("DoReMi").index]
    assert doremi.authors[0] == "Sang Michael Xie"
    assert doremi.authors[-1] == "Adams Wei Yu"
    assert len(doremi.authors) == 10


def test_every_match_extends_the_listed_authors() -> None:
    matches, _ = match_full_authors(LISTING.entries, PAIRS)
    for index, p in matches.items():
        listed = LISTING.entries[index].authors
        assert p.authors[: len(listed)] == listed


def test_old_abstract_version_still_matches() -> None:
    # The Tool Makers pair carries an older abstract (about 37% similar); the authors
    # match exactly, so it is accepted.
    tool = entry("Large Language Models as Tool Makers")
    matches, problems = match_full_authors([tool], [pair("Tianle Cai")])
    assert problems == []
    assert matches[tool.index].authors[-1] == "Denny Zhou"


def test_same_authors_four_papers_abstract_decides() -> None:
    dong = [e for e in LISTING.entries if e.authors == ["Kefan Dong", "Tengyu Ma"]]
    assert len(dong) == 4
    matches, problems = match_full_authors(dong, [pair("Kefan Dong")])
    assert problems == []
    assert [LISTING.entries[i].title[:10] for i in matches] == ["Toward $L_"]


def test_case_and_diacritics_are_ignored() -> None:
    first = LISTING.entries[0]
    shouted = AuthorAbstract(
        1, ["EKIN AKYUREK", "dale  schuurmans", "Jacob Andreas", "Tengyu Ma"], first.abstract
    )
    ntk = pair("Arvind Mahankali", "Despite recent")
    haochen = AuthorAbstract(
        5, [a.replace("Haochen", "HaoChen") for a in ntk.authors], ntk.abstract
    )
    matches, problems = match_full_authors(LISTING.entries, [shouted, haochen])
    assert problems == []
    assert matches[0] is shouted
    assert matches[entry("Beyond NTK").index] is haochen


def test_matching_authors_with_unrelated_abstract_is_not_merged() -> None:
    doremi = pair("Sang Michael Xie")
    wrong = AuthorAbstract(7, doremi.authors, entry("SAM 3").abstract)
    matches, problems = match_full_authors(LISTING.entries, [wrong])
    assert matches == {}
    assert [p.line for p in problems] == [7]
    assert "not merged" in problems[0].message
    assert "DoReMi" in problems[0].message


def test_similar_abstract_with_other_authors_is_not_merged() -> None:
    doremi = pair("Sang Michael Xie")
    wrong = AuthorAbstract(
        3, ["Hieu Pham", "Sang Michael Xie", *doremi.authors[2:]], doremi.abstract
    )
    matches, problems = match_full_authors(LISTING.entries, [wrong])
    assert matches == {}
    assert len(problems) == 1
    assert problems[0].line == 3


def test_weaker_author_evidence_needs_a_closer_abstract() -> None:
    # The listing claims a complete author list, yet the pair has more names: weaker
    # evidence, so the 37%-similar old abstract no longer suffices ...
    tool = replace(entry("Large Language Models as Tool Makers"), authors_truncated=False)
    matches, problems = match_full_authors([tool], [pair("Tianle Cai")])
    assert matches == {}
    assert len(problems) == 1
    # ... while a near-identical abstract does.
    dong = replace(entry("Toward $L_"), authors_truncated=False)
    longer = AuthorAbstract(9, ["Kefan Dong", "Tengyu Ma", "Someone Else"], dong.abstract)
    matches, problems = match_full_authors([dong], [longer])
    assert matches == {dong.index: longer}
    assert problems == []


def test_each_pair_and_entry_used_once() -> None:
    doremi = pair("Sang Michael Xie")
    twin = AuthorAbstract(99, doremi.authors, doremi.abstract + " Extra sentence.")
    matches, problems = match_full_authors(LISTING.entries, [doremi, twin])
    assert list(matches.values()) == [doremi]
    assert [p.line for p in problems] == [99]


def test_pair_is_never_moved_to_a_runner_up() -> None:
    # The real DoReMi pair fits the DoReMi entry best and a half-similar sibling second.
    # When a closer pair takes DoReMi, the real pair must not fall back to the sibling.
    doremi = entry("DoReMi")
    words = doremi.abstract.split()
    other = entry("SAM 3").abstract.split()
    sibling = replace(
        doremi,
        index=50,
        title="A sibling",
        abstract=" ".join(words[: len(words) // 2] + other[len(other) // 2 :]),
    )
    closer = AuthorAbstract(77, pair("Sang Michael Xie").authors, doremi.abstract)
    real = pair("Sang Michael Xie")
    matches, problems = match_full_authors([doremi, sibling], [real, closer])
    assert matches == {doremi.index: closer}
    assert [(p.line, "closer match" in p.message) for p in problems] == [(real.line, True)]
    # Alone, the real pair does take the sibling: it is a candidate, not a non-match.
    assert match_full_authors([sibling], [real])[0] == {50: real}


def test_pair_fitting_two_papers_is_not_merged() -> None:
    dong = entry("Toward $L_")
    copy = replace(dong, index=50, title="A copy with another title")
    matches, problems = match_full_authors([*LISTING.entries, copy], [pair("Kefan Dong")])
    assert matches == {}
    assert len(problems) == 1
    assert "several papers" in problems[0].message


# --- damaged copies of the listing ---------------------------------------------------------


def assert_same_entries(listing: Listing) -> None:
    assert listing.problems == []
    assert listing.entries == LISTING.entries
    assert listing.header == LISTING.header


def test_crlf_bom_trailing_whitespace_and_control_chars() -> None:
    assert_same_entries(parse_listing(LISTING_TEXT.replace("\n", "\r\n")))
    assert_same_entries(parse_listing("\ufeff" + LISTING_TEXT))
    assert_same_entries(parse_listing(LISTING_TEXT.replace("\n", " \t \n")))
    assert_same_entries(parse_listing(LISTING_TEXT.replace("Tengyu Ma", "Tengyu\x00 Ma\x07")))


def test_missing_blank_lines() -> None:
    lines = LISTING_TEXT.split("\n")
    assert lines[12].startswith("What learning algorithm") and lines[13] == ""
    assert lines[22] == "" and lines[23].startswith("Selecting a suitable")
    del lines[22]
    del lines[13]
    listing = parse_listing("\n".join(lines))
    assert listing.problems == []
    assert [e.title for e in listing.entries] == [e.title for e in LISTING.entries]
    assert listing.entries[0] == LISTING.entries[0]
    assert listing.entries[1] == replace(LISTING.entries[1], line=18)
    assert listing.entries[2:] == [replace(e, line=e.line - 2) for e in LISTING.entries[2:]]


@pytest.mark.parametrize(
    ("cut_before", "message"),
    [
        ("A common lens to theoretically study neural net", "no abstract"),
        ("Colin Wei, Yining Chen, Tengyu Ma", "no authors or abstract"),
    ],
)
def test_truncated_final_entry_is_skipped(cut_before: str, message: str) -> None:
    cut = LISTING_TEXT.rindex(cut_before)
    listing = parse_listing(LISTING_TEXT[:cut])
    assert len(listing.entries) == 49
    assert listing.entries == LISTING.entries[:49]
    assert len(listing.problems) == 1
    assert listing.problems[0].line == LISTING.entries[49].line
    assert message in listing.problems[0].message
    assert "Statistically Meaningful" in listing.problems[0].message


def test_unknown_category_is_kept() -> None:
    text = LISTING_TEXT.replace("LGNov 28, 2022Code", "QXNov 1, 2022", 1)
    listing = parse_listing(text)
    assert listing.problems == []
    assert len(listing.entries) == 50
    first = listing.entries[0]
    assert (first.category, first.month, first.day, first.year) == ("QX", 11, 1, 2022)
    assert first.has_code is False
    assert first.title == LISTING.entries[0].title


def test_repeated_entry_is_kept_once() -> None:
    lines = LISTING_TEXT.split("\n")
    block = lines[46:53]  # the "Sharpness Minimization" entry, blank line included
    assert block[0] == "LGJul 20, 2023" and block[-1] == ""
    text = "\n".join(lines[:53] + block + lines[53:])
    listing = parse_listing(text)
    assert len(listing.entries) == 50
    assert listing.entries[:6] == LISTING.entries[:6]
    assert listing.entries[6:] == [replace(e, line=e.line + 7) for e in LISTING.entries[6:]]
    assert len(listing.problems) == 1
    assert listing.problems[0].line == 54
    assert "repeated" in listing.problems[0].message
    assert "line 47" in listing.problems[0].message


def test_impossible_date_is_reported() -> None:
    listing = parse_listing(LISTING_TEXT.replace("LGNov 28, 2022Code", "LGFeb 30, 2022Code", 1))
    assert len(listing.entries) == 49
    assert [(p.line, "impossible date" in p.message) for p in listing.problems] == [(12, True)]


def test_header_is_optional() -> None:
    listing = parse_listing(LISTING_TEXT[LISTING_TEXT.index("LGNov 28") :])
    assert listing.header is None
    assert listing.entries == [replace(e, line=e.line - 11) for e in LISTING.entries]


def test_empty_and_blank_text() -> None:
    for text in ("", "\n\n \r\n", "\ufeff"):
        listing = parse_listing(text)
        assert listing.header is None
        assert listing.entries == []
        assert [p.message for p in listing.problems] == ["document is empty"]
        assert parse_author_abstracts(text)[0] == []


def test_binary_junk() -> None:
    rng = random.Random(7)
    raw = bytes(rng.randrange(256) for _ in range(200_000))
    for text in (raw.decode("latin-1"), raw.decode("utf-8", "replace")):
        listing = parse_listing(text)
        assert listing.entries == []
        assert 1 <= len(listing.problems) <= 101
        assert detect_kind(text) is None
        pairs, problems = parse_author_abstracts(text)
        assert len(problems) <= 101
        assert match_full_authors(listing.entries, pairs)[0] == {}


def test_hostile_sizes_are_fast() -> None:
    texts = [
        "\n" * 100_000,
        LISTING_TEXT + "\n" * 100_000,
        "1." + "1" * 100_000 + "LGNov 1",
        "LGNov 1\n" * 100_000,
        "Ab Cd, " * 100_000 + "et al",
        "a" + " " * 100_000 + "et al\n" + "x" * 100_000,
    ]
    for text in texts:
        start = time.perf_counter()
        listing = parse_listing(text)
        parse_author_abstracts(text)
        detect_kind(text)
        # Linear work ends in milliseconds; a quadratic scan of these would take minutes.
        # The bound is the for any hostile input, far from a timing measurement.
        assert time.perf_counter() - start < 30
        assert len(listing.problems) <= 101
    assert len(parse_listing(texts[1]).entries) == 50


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300), st.integers(0, 400))
def test_never_raises(noise: str, at: int) -> None:
    text = LISTING_TEXT[: at * 40] + noise + LISTING_TEXT[at * 40 :]
    listing = parse_listing(text)
    assert all(e.title and e.authors and e.abstract for e in listing.entries)
    pairs, _ = parse_author_abstracts(PAIRS_TEXT[: at * 40] + noise)
    match_full_authors(listing.entries, pairs)
    detect_kind(noise)
