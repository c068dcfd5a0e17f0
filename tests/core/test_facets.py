"""The sidebar's facet counts and the filter-text edits a facet click makes."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from papershelf.core.fields import PaperFields
from papershelf.core.search import facets as facets_module
from papershelf.core.search.facets import (
    Facet,
    _json_ids,
    _two_figures,
    estimated_facet_counts,
    facet_counts,
    quote_value,
    worth_estimating,
)
from papershelf.core.search.filter_text import has_term, split_terms, toggle_term
from papershelf.core.search.query import compile_query
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.store.schema import STATUSES


def counts(facets: list[Facet]) -> dict[str, int]:
    return {f.label: f.count for f in facets}


def facet(groups: dict[str, list[Facet]], group: str, label: str) -> Facet:
    found = [f for f in groups[group] if f.label == label]
    assert len(found) == 1, (group, label)
    return found[0]


# --- counts -------------------------------------------------------------------------------


def test_counts_of_the_seeded_library(library: Library) -> None:
    groups = facet_counts(library, compile_query(""))
    assert counts(groups["Category"]) == {"LG": 37, "CV": 7, "CL": 5, "LO": 1}
    assert [f.label for f in groups["Category"]] == ["LG", "CV", "CL", "LO"]  # biggest first
    years = counts(groups["Year"])
    assert sum(years.values()) == 50
    assert years["2022"] == 14
    assert [f.label for f in groups["Year"]] == sorted(years, reverse=True)  # newest first
    assert counts(groups["Status"]) == {s: (50 if s == "new" else 0) for s in STATUSES}
    assert [f.label for f in groups["Status"]] == list(STATUSES)  # every status, in order
    assert groups["Tags"] == []
    authors = groups["Authors"]
    assert authors[0] == Facet("Tengyu Ma", 32, 'author:"Tengyu Ma"')
    assert [f.count for f in authors] == sorted((f.count for f in authors), reverse=True)
    assert counts(groups["Affiliations"])["stanford"] == 10


def test_the_whole_library_counted_from_its_tables_equals_counting_a_result(
    library: Library,
) -> None:
    """An empty filter is counted without the join to its result (25 times faster at
    100k); a filter that also matches every paper goes the general way: same counts."""
    library.add_tags([1, 2, 3], ["theory"])
    library.add_tags([2], ["to-cite"])
    library.set_status([4, 5], "read")
    everything = compile_query("")
    assert everything.where.strip() == "1"
    also_everything = compile_query("-zzqxwv")
    assert also_everything.where.strip() != "1"
    assert len(library.search(also_everything)) == len(library.search(everything)) == 50
    for limit in (3, 50):  # a limit that cuts through tied counts too
        fast = facet_counts(library, everything, author_limit=limit)
        slow = facet_counts(library, also_everything, author_limit=limit)
        assert fast == slow
    assert counts(fast["Tags"]) == {"theory": 3, "to-cite": 1}


def test_one_author_row_for_two_spellings(library: Library) -> None:
    authors = facet_counts(library, compile_query(""), author_limit=500)["Authors"]
    haochen = [f for f in authors if f.label.casefold() == "jeff z. haochen"]
    assert len(haochen) == 1
    assert haochen[0].count == 4


def test_counts_within_a_query(library: Library) -> None:
    groups = facet_counts(library, compile_query("cat:CV"))
    assert counts(groups["Category"]) == {"CV": 7}
    assert sum(counts(groups["Year"]).values()) == 7
    assert counts(groups["Status"])["new"] == 7
    assert facet(groups, "Authors", "Tengyu Ma").count == 3

    library.set_status(library.search("cat:CV")[:2], "read")
    library.add_tags(library.search("cat:CV year:2026"), ["segmentation"])
    groups = facet_counts(library, compile_query("cat:CV"))
    assert counts(groups["Status"])["read"] == 2
    assert counts(groups["Status"])["new"] == 5
    assert counts(groups["Tags"]) == {"segmentation": 1}
    everything = facet_counts(library, compile_query(""))
    assert counts(everything["Status"])["read"] == 2
    nothing = facet_counts(library, compile_query("cat:XX"))
    assert nothing["Category"] == [] and nothing["Authors"] == []
    assert all(f.count == 0 for f in nothing["Status"])


def test_author_limit(library: Library) -> None:
    groups = facet_counts(library, compile_query(""), author_limit=3)
    assert groups["Authors"][0].label == "Tengyu Ma"
    assert len(groups["Authors"]) == 3


def test_every_token_finds_exactly_its_count(library: Library) -> None:
    ids = library.search("")
    library.add_tags(ids[:3], ["to read", "theory"])
    library.add_tags(ids[3:4], ["C++ & Rust"])
    library.set_status(ids[:4], "reading")
    for query in ("", "cat:CV", "year:2022"):
        base = set(library.search(query))
        for group, facets in facet_counts(library, compile_query(query), author_limit=500).items():
            for f in facets:
                found = set(library.search(f.token))
                assert len(found & base) == f.count, (query, group, f)


def test_tokens_quote_values_with_spaces(library: Library) -> None:
    library.add_tags(library.search("")[:2], ["to read"])
    groups = facet_counts(library, compile_query(""))
    assert facet(groups, "Authors", "Tengyu Ma").token == 'author:"Tengyu Ma"'
    assert facet(groups, "Tags", "to read").token == 'tag:"to read"'
    assert facet(groups, "Category", "CV").token == "cat:CV"
    assert facet(groups, "Year", "2022").token == "year:2022"
    assert facet(groups, "Status", "to-read").token == "status:to-read"
    assert facet(groups, "Affiliations", "microsoft-research").token == "aff:microsoft-research"


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("LG", "LG"),
        ("to-read", "to-read"),
        ("Tengyu Ma", '"Tengyu Ma"'),
        ("a:b", '"a:b"'),
        ('say "hi"', '"say hi"'),
        ("", '""'),
    ],
)
def test_quote_value(value: str, quoted: str) -> None:
    assert quote_value(value) == quoted


# --- filter text edits -------------------------------------------------------------------


def test_toggle_adds_then_removes() -> None:
    assert toggle_term("", "cat:CV") == "cat:CV"
    assert toggle_term("cat:CV", "cat:CV") == ""
    assert toggle_term("transformer", "cat:CV") == "transformer cat:CV"
    assert toggle_term("transformer cat:CV year:2022", "cat:CV") == "transformer year:2022"
    assert toggle_term("transformer CAT:cv", "cat:CV") == "transformer"  # case-insensitive


def test_toggle_exclude() -> None:
    assert toggle_term("year:2022", "cat:CV", exclude=True) == "year:2022 -cat:CV"
    assert toggle_term("year:2022 -cat:CV", "cat:CV") == "year:2022"
    # Excluding what is included takes the term away rather than contradicting it.
    assert toggle_term("cat:CV", "cat:CV", exclude=True) == ""


def test_toggle_quoted_values() -> None:
    token = 'author:"Tengyu Ma"'
    text = toggle_term("transformer", token)
    assert text == 'transformer author:"Tengyu Ma"'
    assert split_terms(text) == ["transformer", token]
    assert toggle_term(text, token) == "transformer"
    assert toggle_term('-author:"Tengyu Ma" x', token) == "x"
    # Another author whose name starts the same is a different term.
    assert toggle_term('author:"Tengyu"', token) == f'author:"Tengyu" {token}'


def test_removing_an_or_operand_leaves_a_valid_query() -> None:
    assert toggle_term("cat:CL OR cat:CV", "cat:CV") == "cat:CL"
    assert toggle_term("cat:CV OR cat:CL year:2022", "cat:CV") == "cat:CL year:2022"
    assert toggle_term("a OR cat:CV OR b", "cat:CV") == "a OR b"
    for text in ("cat:CL OR cat:CV", "cat:CV OR cat:CL", "x cat:CV OR"):
        assert compile_query(toggle_term(text, "cat:CV")).error is None


def test_has_term() -> None:
    token = 'author:"Tengyu Ma"'
    assert has_term(f"x {token} y", token)
    assert has_term('author:"tengyu ma"', token)
    assert has_term(f"-{token}", token)
    assert not has_term('author:"Tengyu"', token)
    assert not has_term("cat:CVX", "cat:CV")
    assert not has_term("", "cat:CV")
    assert has_term("year:2022 cat:CV", "cat:CV")


def test_toggled_text_filters_like_the_count_said(library: Library) -> None:
    text = "cat:CV"
    token = facet(facet_counts(library, compile_query(text)), "Authors", "Tengyu Ma").token
    narrowed = toggle_term(text, token)
    assert len(library.search(narrowed)) == 3
    excluded = toggle_term(text, token, exclude=True)
    assert len(library.search(excluded)) == 4
    assert toggle_term(narrowed, token) == text


# --- a large result counted through what it leaves out -----------------------------------


def _both_ways(library: Library, query: str, limit: int) -> tuple[dict, dict]:
    """The counts of ``query`` counted directly and through the papers it leaves out."""
    compiled = compile_query(query)
    result = library.search(compiled)
    direct = facet_counts(library, compiled, author_limit=limit)
    complement = facet_counts(library, compiled, author_limit=limit, result=result)
    return direct, complement


def test_a_large_result_counted_through_what_it_leaves_out_has_the_same_counts(
    library: Library,
) -> None:
    ids = library.search("")
    library.add_tags(ids[:12], ["theory"])
    library.add_tags(ids[40:], ["to-cite"])
    library.set_status(ids[:20], "read")
    undated = library.add_paper(PaperFields(title="Undated", authors=["Tengyu Ma", "Zed Zed"]))
    assert library.paper(undated).year is None  # its `year:` filters are NULL, not false
    for query in ("-zzqxwv", "year:>=2019", "-year:<2019", "-cat:CV", "-tag:theory", "learning"):
        size = len(library.search(query))
        assert 2 * size > library.count(), query  # large: counted by complement
        for limit in (3, 50):  # a limit that cuts through tied counts too
            direct, complement = _both_ways(library, query, limit)
            assert complement == direct, (query, limit)
    direct, _ = _both_ways(library, "year:>=2019", 500)
    assert "Zed Zed" not in counts(direct["Authors"])  # the undated paper is left out
    assert counts(direct["Tags"])["to-cite"] == len(library.search("year:>=2019 tag:to-cite"))


def test_counts_by_complement_follow_every_change_to_the_library(
    library: Library, library_path: Path
) -> None:
    """The whole library's counts are kept between counts: a change made here, and one
    another process commits, are in the next count."""
    _, before = _both_ways(library, "-zzqxwv", 50)
    library.add_tags(library.search("")[:5], ["fresh"])
    direct, complement = _both_ways(library, "-zzqxwv", 50)
    assert complement == direct and counts(complement["Tags"]) == {"fresh": 5}
    other = open_library(library_path)
    try:
        other.set_status(other.search("")[:7], "reading")
    finally:
        other.close()
    direct, complement = _both_ways(library, "-zzqxwv", 50)
    assert complement == direct and counts(complement["Status"])["reading"] == 7
    assert before != complement


def test_the_first_authors_by_complement_follow_new_authors_and_papers(
    library: Library, library_path: Path
) -> None:
    """The whole library's authors, most papers first, are kept between counts too: a
    new author with the most papers, added here or by another process, leads the next
    count, and one whose papers are left out is not shown."""
    _both_ways(library, "-zzqxwv", 5)  # the order is read and kept
    library.add_papers(
        [PaperFields(title=f"Prolific {i}", authors=["Aaa Newcomer"]) for i in range(40)]
    )
    direct, complement = _both_ways(library, "-zzqxwv", 5)
    assert complement == direct and complement["Authors"][0] == facet(
        direct, "Authors", "Aaa Newcomer"
    )
    other = open_library(library_path)
    try:
        other.add_papers(
            [PaperFields(title=f"Later {i}", authors=["Aab Other"]) for i in range(45)]
        )
    finally:
        other.close()
    direct, complement = _both_ways(library, "-zzqxwv", 5)
    assert complement == direct and complement["Authors"][0].label == "Aab Other"
    direct, complement = _both_ways(library, "-later", 5)
    assert complement == direct and "Aab Other" not in counts(complement["Authors"])
    assert complement["Authors"][0].label == "Aaa Newcomer"


def test_a_small_result_is_counted_directly(library: Library, monkeypatch) -> None:
    """Only a result of more than half the library goes through its complement."""
    import papershelf.core.search.facets as facets_module

    def refuse(*_: object) -> None:
        raise AssertionError("counted by complement")

    monkeypatch.setattr(facets_module, "_by_complement", refuse)
    half = library.search("")[:25]
    library.add_tags(half, ["half"])
    for query in ("cat:CV", "tag:half", "learning -ablation year:2020..2022"):
        compiled = compile_query(query)
        result = library.search(compiled)
        by_filter = facet_counts(library, compiled, author_limit=10)
        assert facet_counts(library, compiled, author_limit=10, result=result) == by_filter
    facet_counts(library, compile_query(""), result=half)  # everything: the tables


def test_a_small_result_is_counted_from_the_ids_the_table_shows(library: Library) -> None:
    """Given the result's ids, the filter is not run again: the counts are those of the
    rows the table shows (here fewer than the filter would find)."""
    compiled = compile_query("cat:LG")
    shown = library.search(compiled)[:6]
    library.set_status(shown[:2], "read")
    groups = facet_counts(library, compiled, result=shown)
    assert sum(counts(groups["Category"]).values()) == 6
    assert counts(groups["Status"])["read"] == 2 and counts(groups["Status"])["new"] == 4
    assert sum(counts(groups["Year"]).values()) == sum(
        1 for paper in library.papers(shown) if paper.year is not None
    )
    authors = facet_counts(library, compiled, author_limit=500, result=shown)["Authors"]
    expected: dict[str, int] = {}
    for paper in library.papers(shown):
        for name in paper.authors:  # as this paper writes it; the facet, as most do
            expected[name.casefold()] = expected.get(name.casefold(), 0) + 1
    assert {f.label.casefold(): f.count for f in authors} == expected


def test_the_first_authors_of_a_large_result_are_found_past_ties(library: Library) -> None:
    """The whole library's authors are read most papers first, and the reading stops
    once no later author can be shown: one with as many papers as the last shown, who
    comes first by name, is still read."""

    def papers(author: str, count: int, skipped: int) -> list[PaperFields]:
        return [
            PaperFields(title=f"{'Skipme' if i < skipped else 'Kept'} {i}", authors=[author])
            for i in range(count)
        ]

    library.add_papers(papers("Zzz X", 6, 1) + papers("Bbb Tie", 5, 1) + papers("Bbc Tie", 5, 0))
    shown = [
        f.label
        for f in facet_counts(library, compile_query("-skipme"), author_limit=500)["Authors"]
    ]
    assert shown.index("Bbc Tie") + 1 == shown.index("Zzz X")  # five each; B before Z
    for limit in range(1, shown.index("Bbb Tie") + 2):
        direct, complement = _both_ways(library, "-skipme", limit)
        assert complement == direct, limit
    _, complement = _both_ways(library, "-skipme", shown.index("Bbc Tie") + 1)
    assert complement["Authors"][-1].label == "Bbc Tie"
    whole = facet_counts(library, compile_query("-zzqxwv"), author_limit=500)["Authors"]
    for limit in (1, 2, 3, 7, 500):
        everything = facet_counts(library, compile_query(""), author_limit=limit)["Authors"]
        assert everything == whole[:limit]


@pytest.mark.parametrize("size", [0, 1, 9_999, 10_000, 10_001, 25_000])
def test_a_result_s_ids_are_given_to_sqlite_as_one_json_list(size: int) -> None:
    """Made in pieces (so that the window's thread is not held up), joined whole."""
    ids = array("q", range(7, 7 + 3 * size, 3))
    assert json.loads(_json_ids(ids)) == list(ids)


# --- estimates, shown first when exact counts take a second -------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.2, 1), (7, 7), (87.4, 87), (99.6, 100), (123, 120), (12_345, 12_000), (987_654, 990_000)],
)
def test_an_estimate_keeps_two_figures(value: float, shown: int) -> None:
    assert _two_figures(value) == shown


def test_estimates_from_every_paper_of_the_result_are_its_counts_marked_estimated(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facets_module, "ESTIMATE_SEEN", 1)
    library.add_tags(library.search("")[:12], ["theory"])
    compiled = compile_query("year:>=2019")
    result = library.search(compiled, sort="published", descending=True)
    exact = facet_counts(library, compiled, result=result)
    estimated = estimated_facet_counts(library, compiled, result, sample=len(result))
    for group in ("Status", "Tags", "Category", "Year", "Authors", "Affiliations"):
        assert [(f.label, f.count, f.token) for f in estimated[group]] == [
            (f.label, _two_figures(f.count) if f.count else 0, f.token) for f in exact[group]
        ], group
        assert all(f.estimated for f in estimated[group]) and not any(
            f.estimated for f in exact[group]
        )
    # The queue and saved searches do not depend on the result: exact either way.
    assert estimated["Up next"] == exact["Up next"]
    assert estimated["Saved searches"] == exact["Saved searches"]


def test_estimates_scale_an_even_spread_of_the_result(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every 5th paper of 50, each counted for five: a category held by every paper is
    estimated right, one held by a paper outside the spread is not listed."""
    monkeypatch.setattr(facets_module, "ESTIMATE_SEEN", 1)
    compiled = compile_query("-zzqxwv")
    result = library.search(compiled, sort="published", descending=True)
    spread = result[::5]
    by_category: dict[str, int] = {}
    for paper_id in spread:
        category = library.paper(paper_id).category
        by_category[category] = by_category.get(category, 0) + 1
    estimated = estimated_facet_counts(library, compiled, result, sample=10)
    assert counts(estimated["Category"]) == {c: 5 * n for c, n in by_category.items()}
    assert sum(f.count for f in estimated["Status"]) == len(result)


@pytest.mark.parametrize(
    ("query", "found", "papers", "worth"),
    [
        ("neural", 36_000, 100_000, True),  # 36,000 papers counted: 0.4 s
        ("vision", 10_000, 100_000, False),
        ("learning", 20_000, 1_000_000, False),  # exactly the limit: counted at once
        ("learning", 20_001, 1_000_000, True),
        # More than half: every paper tested (16 in the time one is counted), those left
        # out counted.
        ("model", 99_700, 100_000, False),  # 6,250 + 300
        ("model", 997_000, 1_000_000, True),  # 62,500 + 3,000: 1.1-1.3 s
        ("learning", 192_500, 200_000, False),  # 12,500 + 7,500: at the limit
        ("learning", 192_499, 200_000, True),
        ("-zzqxwv", 5_000, 5_000, False),
        ("", 1_000_000, 1_000_000, False),  # everything: the tables' indexes, kept
    ],
)
def test_an_estimate_comes_first_only_when_exact_counts_read_many_papers(
    query: str, found: int, papers: int, worth: bool
) -> None:
    assert worth_estimating(compile_query(query), found, papers) is worth


def test_an_estimate_leaves_out_values_too_few_papers_of_the_spread_have(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scaled from a paper or two, a value's estimate is noise: it waits for the exact
    count. Every status is listed all the same (the group is always whole)."""
    monkeypatch.setattr(facets_module, "ESTIMATE_SEEN", 5)
    compiled = compile_query("-zzqxwv")
    result = library.search(compiled)
    exact = facet_counts(library, compiled, result=result, author_limit=500)
    estimated = estimated_facet_counts(
        library, compiled, result, sample=len(result), author_limit=500
    )
    for group in ("Category", "Year", "Authors"):
        assert counts(estimated[group]) == {
            f.label: f.count for f in exact[group] if f.count >= 5
        }, group
    assert 0 < len(estimated["Authors"]) < len(exact["Authors"])
    assert [f.label for f in estimated["Status"]] == list(STATUSES)
