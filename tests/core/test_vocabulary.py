"""The search terms' cache (issue 20): read from the index once, then from the cache
file while the index is unchanged; never trusted when stale, damaged or another
library's, and never in the way when it cannot be written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from papershelf.core.fields import PaperFields
from papershelf.core.paths import CACHE_ENV
from papershelf.core.search.vocabulary import Vocabulary
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


def index_reads(library: Library) -> list[str]:
    """The statements that read the index's terms, as the connection runs them."""
    seen: list[str] = []
    library.conn.set_trace_callback(seen.append)
    return seen


def terms_read(seen: list[str]) -> int:
    return sum("papers_fts_terms" in sql and sql.lstrip().startswith("SELECT") for sql in seen)


def cache_files() -> list[Path]:
    return sorted(Path(os.environ[CACHE_ENV]).rglob("*.json"))


def test_an_unchanged_index_is_read_from_the_cache(library: Library) -> None:
    first = Vocabulary.load(library)
    assert "attention" in first.terms and len(first.terms) == len(first.papers)
    assert len(cache_files()) == 1
    seen = index_reads(library)
    assert Vocabulary.load(library) == first
    assert terms_read(seen) == 0


def test_a_write_to_the_index_reads_it_again(library: Library) -> None:
    Vocabulary.load(library)
    library.add_papers([PaperFields(title="Zyzzyvas of the quokka")])
    seen = index_reads(library)
    found = Vocabulary.load(library)
    assert terms_read(seen) == 1
    assert "zyzzyvas" in found.terms
    seen.clear()
    assert Vocabulary.load(library) == found and terms_read(seen) == 0  # kept again


def test_a_note_s_words_are_in_the_index_too(library: Library) -> None:
    Vocabulary.load(library)
    library.set_note(library.search("", sort="key")[0], "quokkaesque thoughts")
    assert "quokkaesque" in Vocabulary.load(library).terms


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"[]", b'{"index": 1}', b'{"index": "x", "terms": ["a"], "papers": [1]}'],
)
def test_a_damaged_cache_is_not_believed(library: Library, content: bytes) -> None:
    fresh = Vocabulary.load(library)
    (cache,) = cache_files()
    cache.write_bytes(content)
    seen = index_reads(library)
    assert Vocabulary.load(library) == fresh
    assert terms_read(seen) == 1


def test_a_cache_of_this_index_that_does_not_add_up_is_not_believed(library: Library) -> None:
    fresh = Vocabulary.load(library)
    (cache,) = cache_files()
    kept = json.loads(cache.read_bytes())
    cache.write_text(json.dumps({**kept, "papers": kept["papers"][1:]}))
    seen = index_reads(library)
    assert Vocabulary.load(library) == fresh
    assert terms_read(seen) == 1


def test_another_library_has_its_own(library: Library, tmp_path: Path) -> None:
    mine = Vocabulary.load(library)
    with open_library(tmp_path / "other.sqlite", seed=False) as other:
        other.add_papers([PaperFields(title="Quokkas only")])
        theirs = Vocabulary.load(other)
    assert theirs.terms == ("only", "quokkas")
    assert Vocabulary.load(library) == mine
    assert len(cache_files()) == 2


def test_a_cache_that_cannot_be_written_is_not_in_the_way(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    seen = index_reads(library)
    assert "attention" in Vocabulary.load(library).terms
    assert "attention" in Vocabulary.load(library).terms
    assert terms_read(seen) == 2  # read from the index each time
