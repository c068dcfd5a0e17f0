"""One rule decides "same paper" for every import (issue 14), with its near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.core.fields import PaperFields
from papershelf.core.same_paper import complete, find_same, identity
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


@pytest.fixture
def empty(tmp_path: Path):
    lib = open_library(tmp_path / "library.sqlite", seed=False)
    yield lib
    lib.close()


def paper(**given: object) -> PaperFields:
    base: dict[str, object] = {"title": "Attention Is All You Need", "authors": ["Ashish Vaswani"]}
    base.update(given)
    return PaperFields(**base)  # type: ignore[arg-type]


def one(lib: Library, fields: PaperFields) -> int:
    return lib.add_paper(fields)


SAME = {
    "same title and first author, other case and accents": (
        paper(),
        paper(title="attention is all you NEED!", authors=["Ashish Vaswáni", "Noam Shazeer"]),
    ),
    "same DOI in other case, other title": (
        paper(doi="10.5555/ABC.123"),
        paper(title="Something else", authors=["Nobody"], doi="10.5555/abc.123"),
    ),
    "same arXiv id, other version": (
        paper(arxiv_id="1706.03762v1"),
        paper(title="Retitled", authors=["Someone"], arxiv_id="1706.03762v5"),
    ),
    "one year known, the other inferred": (
        paper(published="2017-06-12"),
        paper(published="2026-06-12", date_inferred=True),
    ),
    "one year known, the other unknown": (paper(published="2017"), paper()),
}

APART = {
    "same title, other first author": (paper(), paper(authors=["Noam Shazeer"])),
    "same title and author, two DOIs": (paper(doi="10.1/a"), paper(doi="10.1/b")),
    "same title and author, two arXiv ids": (
        paper(arxiv_id="1706.03762"),
        paper(arxiv_id="1706.03763"),
    ),
    "journal and conference versions, other years": (
        paper(published="2017-12-04"),
        paper(published="2019-01-01"),
    ),
    "no authors, same title (proceedings volumes)": (
        paper(title="Proceedings of CASCON", authors=[], published="1999"),
        paper(title="Proceedings of CASCON", authors=[]),
    ),
    "a title that only starts the same": (paper(), paper(title="Attention Is All You Need 2")),
}


@pytest.mark.parametrize("case", sorted(SAME))
def test_the_same_paper_is_found(empty: Library, case: str) -> None:
    first, second = SAME[case]
    paper_id = one(empty, first)
    assert find_same(empty, second) == paper_id
    assert identity(first) & identity(second)  # the batch is written before the check


@pytest.mark.parametrize("case", sorted(APART))
def test_different_papers_stay_apart(empty: Library, case: str) -> None:
    first, second = APART[case]
    one(empty, first)
    assert find_same(empty, second) is None


def test_without_authors_the_own_key_decides(empty: Library) -> None:
    volume = paper(title="Proceedings of CASCON", authors=[])
    empty.add_papers([volume], cite_keys=["cascon1999"])
    assert find_same(empty, volume, "CASCON1999") is not None  # the same entry again
    assert find_same(empty, volume, "cascon2000") is None
    assert find_same(empty, volume) is None


def test_completing_fills_only_what_is_missing(empty: Library) -> None:
    paper_id = one(
        empty,
        paper(
            authors=["Ashish Vaswani", "Noam Shazeer"],
            authors_truncated=True,
            published="2026-06-12",
            date_inferred=True,
            category="CL",
            abstract="",
        ),
    )
    old = empty.paper(paper_id)
    new = paper(
        authors=["A. Vaswani", "N. Shazeer", "Niki Parmar"],
        published="2017-06-12",
        category="LG",
        abstract="The dominant models...",
        doi="10.5555/3295222",
    )
    merged = complete(old, new)
    assert merged.authors == ["A. Vaswani", "N. Shazeer", "Niki Parmar"]  # the longer list
    assert not merged.authors_truncated
    assert (merged.published, merged.date_inferred) == ("2017-06-12", False)
    assert merged.category == "CL"  # what the library has stays
    assert merged.abstract == "The dominant models..."
    assert merged.doi == "10.5555/3295222"
    assert merged.title == old.title


def test_completing_never_replaces_a_list_that_starts_otherwise(empty: Library) -> None:
    old = empty.paper(one(empty, paper(authors=["Ashish Vaswani"], authors_truncated=True)))
    merged = complete(old, paper(authors=["Noam Shazeer", "Ashish Vaswani"]))
    assert merged.authors == ["Ashish Vaswani"] and merged.authors_truncated
    real = empty.paper(one(empty, paper(title="Other", published="2017-06-12")))
    assert complete(real, paper(title="Other", published="2018-01-01")).published == "2017-06-12"


def test_a_doi_in_any_case_is_found_through_its_index(empty: Library) -> None:
    """A DOI stored in mixed case (another program's spelling) is found by any case, and
    by an index: a scan of every paper for each DOI made imports quadratic."""
    stored = one(empty, paper(doi="10.5555/MiXeD.Case"))
    one(empty, paper(title="Another", doi="10.5555/other"))
    statements: list[str] = []
    empty.conn.set_trace_callback(statements.append)
    for spelling in ("10.5555/mixed.case", "10.5555/MIXED.CASE", "10.5555/MiXeD.Case"):
        assert find_same(empty, paper(title="Else", authors=["X"], doi=spelling)) == stored
    assert find_same(empty, paper(title="Else", authors=["X"], doi="10.5555/mixed.cas")) is None
    empty.conn.set_trace_callback(None)
    doi_lookups = {s for s in statements if "lower(p.doi)" in s}
    assert doi_lookups
    for sql in doi_lookups:
        plan = " ".join(str(row) for row in empty.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "idx_papers_doi_lower" in plan and "SCAN p" not in plan, plan
