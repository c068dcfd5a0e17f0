"""An import reads what the library holds for a chunk of entries at once
(``same_paper.ImportLookups``); what it read must never decide an entry that an earlier
entry of the chunk changed the answer for. Each case here is decided otherwise by a
lookup read before the chunk's writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf.core.fields import PaperFields
from papershelf.core.io import bibtex, record_import
from papershelf.core.io.importer import import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Library]:
    library = open_library(tmp_path / "library.sqlite", seed=False)
    yield library
    library.close()


def _bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def _csl(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _titles(library: Library) -> list[str]:
    return sorted(paper.title for paper in library.papers(library.search("")))


def _merge_then_same_title(tmp_path: Path, kind: str) -> Path:
    """A merges into the library's paper by its DOI and gives it a venue; B has that
    paper's title and first author but another venue: a conference and a journal
    version, two papers, which the paper as read before A's merge would not say."""
    if kind == "bibtex":
        return _bib(
            tmp_path,
            "@inproceedings{a, title = {A Retitled Preprint}, author = {Smith, Jo}, "
            "doi = {10.1/shared}, booktitle = {NeurIPS}}\n"
            "@article{b, title = {Shared Title}, author = {Smith, Jo}, journal = {JMLR}}\n",
        )
    return _csl(
        tmp_path,
        [
            {"id": "a", "type": "paper-conference", "title": "A Retitled Preprint",
             "author": [{"family": "Smith", "given": "Jo"}], "DOI": "10.1/shared",
             "container-title": "NeurIPS"},
            {"id": "b", "type": "article-journal", "title": "Shared Title",
             "author": [{"family": "Smith", "given": "Jo"}], "container-title": "JMLR"},
        ],
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["bibtex", "csl"])
def test_an_entry_after_a_merge_sees_what_the_merge_gave(
    tmp_path: Path, empty: Library, kind: str
) -> None:
    known = empty.add_paper(
        PaperFields(title="Shared Title", authors=["Jo Smith"], doi="10.1/shared")
    )
    report = import_files(empty, [_merge_then_same_title(tmp_path, kind)])
    assert (report.merged, report.added) == (1, 1)
    assert empty.paper(known).venue == "NeurIPS"
    assert _titles(empty) == ["Shared Title", "Shared Title"]  # the journal version apart


@pytest.mark.parametrize("kind", ["bibtex", "csl"])
def test_an_entry_meets_one_added_earlier_in_its_chunk(
    tmp_path: Path, empty: Library, kind: str
) -> None:
    """The second spells the first's DOI otherwise and has another title: found through
    the paper just added, not through what was read before it was."""
    if kind == "bibtex":
        path = _bib(
            tmp_path,
            "@misc{one, title = {First Title}, doi = {10.1/ABC}}\n"
            "@misc{two, title = {Second Title}, doi = {10.1/abc}}\n",
        )
    else:
        path = _csl(
            tmp_path,
            [
                {"id": "one", "type": "article", "title": "First Title", "DOI": "10.1/ABC"},
                {"id": "two", "type": "article", "title": "Second Title", "DOI": "10.1/abc"},
            ],
        )
    report = import_files(empty, [path])
    assert (report.added, report.merged + report.unchanged) == (1, 1)
    assert _titles(empty) == ["First Title"]


@pytest.mark.parametrize("kind", ["bibtex", "csl"])
def test_the_next_chunk_is_read_after_the_last_one_is_written(
    tmp_path: Path, empty: Library, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of two: the third entry repeats the first, which the chunk before wrote."""
    monkeypatch.setattr(bibtex, "_BATCH", 2)
    monkeypatch.setattr(record_import, "_BATCH", 2)
    if kind == "bibtex":
        path = _bib(
            tmp_path,
            "@misc{one, title = {Repeated Paper}, author = {Lee, Ann}}\n"
            "@misc{two, title = {Between}, author = {Kim, Bo}}\n"
            "@misc{three, title = {Repeated paper}, author = {Lee, A.}, year = 2020}\n",
        )
    else:
        path = _csl(
            tmp_path,
            [
                {"id": "one", "type": "article", "title": "Repeated Paper",
                 "author": [{"family": "Lee", "given": "Ann"}]},
                {"id": "two", "type": "article", "title": "Between",
                 "author": [{"family": "Kim", "given": "Bo"}]},
                {"id": "three", "type": "article", "title": "Repeated paper",
                 "author": [{"family": "Lee", "given": "A."}], "issued": {"date-parts": [[2020]]}},
            ],
        )  # fmt: skip
    report = import_files(empty, [path])
    assert (report.added, report.merged) == (2, 1)
    assert _titles(empty) == ["Between", "Repeated Paper"]
