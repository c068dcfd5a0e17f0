"""A BibTeX import's fast path gives the library its careful path gives (issue 20).

The fast path: ``bibtex_split`` reads regular entries itself, ``names.plain_parts`` reads
plain names, ``_structured`` caches names, a large import drops and makes again the
sort indexes (``store.bulk``), a batch writes its search-index rows once, and what the
library holds for a chunk of entries is read at once (``same_paper.ImportLookups``, and
the entries' own keys in ``add_papers``). The careful path: bibtexparser splits
everything, reads every name, every index is kept up to date row by row, every
search-index row is written when its paper changes, each entry asks the library. A varied
file (macros, crossref, braces, accents, corporate names, von/Jr, "and others",
``$$`` math, ``\\par``, broken entries, repeated keys and fields, odd line ends) goes
through both, and the two libraries are compared whole.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from corpus import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bibtex import FOREIGN
from test_bibtex_lines import BIBDESK
from test_fast_names import careful as careful_name

from papershelf.core import names
from papershelf.core.errors import LibraryError
from papershelf.core.fields import Paper
from papershelf.core.io import bibtex, bibtex_fields, bibtex_split
from papershelf.core.io.bibtex import _normalized, import_bibtex
from papershelf.core.io.interchange import export_bibtex
from papershelf.core.same_paper import ImportLookups
from papershelf.core.store import bulk, index_alongside
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

# What the fast path must not be fooled by; each piece alone and all of them together.
TRICKY = [
    r"""@string{acm = {ACM}}
@string{pub = acm # " Press"}
@book{parent, title = {The Volume}, publisher = pub, year = 2001, editor = {Ed, Ann}}
@inproceedings{child, crossref = {parent}, title = {In the {Volume}}, author = {Zed, A.},
  pages = {1--2}}
""",
    r"""@article{math, title = {$$\sum_i x_i$$ and $L_\infty$}, author = {M{\"u}ller, J{\"o}rg
  and {Barnes and Noble, Inc.} and van der Waals, J. D. and King, Jr., Martin Luther
  and others}, abstract = {One.\par Two \par\par Three}, year = {1999}}
""",
    '@misc{quoted, title = "Quoted, with = and } inside", author = "Doe, J.", year = 2000}\n',
    "@misc{paren, title = {Paren block}}\n@misc(p2, title = {In parens}, year = 2001)\n",
    "@misc{esc, title = {Escaped \\{ brace \\} and \\\\{x} ok}, year = 2002}\n",
    "@misc{esc2, title = {x \\{ y} z}, year = 1}\n@misc{esc3, title = {a \\}}, b = {\\\\}}}\n",
    "@misc{escnl, title = {Line end after a backslash\\\n goes on}, year = 2003}\n",
    "@misc{dup, title = {One}, title = {Two}, year = 2004}\n",
    "@misc{dupkey, title = {First of two}}\n@misc{dupkey, title = {Second of two}}\n",
    "@misc{unclosed, title = {Never closed,\n  year = 2005\n\n@misc{after, title = {After}}\n",
    "@misc{deep, title = {a{b{c{d{e{f{g{h}}}}}}}}}}\n",
    "@misc{at, title = {An @ sign @home{x}, and a mail a@b.org}}\n",
    "@misc{atline, title = {Text\n  @misc{inner, title = {x}}\n}}\n",
    "@misc{trailing, title = {Trailing comma},\n}\ntrailing text @ mid{line}\n",
    "junk before @misc{mid, title = {Mid-line start}}\n",
    "@COMMENT{a comment with @misc{x, title={y}}}\n@commentary{k, title = {Odd type}}\n",
    '@preamble{"\\newcommand{\\x}{y}"}\n@misc{afterpre, title = {After preamble}}\n',
    "@misc{nokey title = {No comma}}\n@misc{, title = {Empty key}}\n",
    '@misc{concat, title = {A} # { B} # " C", month = jan # "~1", year = 2006}\n',
    "@misc{spaces ,  title   =   {Spaced}  ,  year=2007  }\n",
    "@misc{tabs,\n\ttitle\t=\t{Tabbed},\n\tyear\t=\t{2008}}\n",
    "   @misc{indented, title = {Indented start}}\n",
    "@misc{sp1, title = {Spelling one}, author = {Haochen, Jeff and Muller, Hans}}\n"
    '@misc{sp2, title = {Spelling two}, author = {HaoChen, Jeff and M{\\"u}ller, Hans and '
    "Haochen, Jeff}}\n@misc{sp3, title = {Spelling three}, author = {HAOCHEN, JEFF}}\n",
    "@misc{uni, title = {Ünïcödé — 中文 title}, author = {Иванов, Иван and 王小明}}\n",
    "@misc{nbsp, title = {Non\u00a0breaking}, author = {Jean\u00a0Paul Sartre}}\n",
    "@misc{dangling, title = {T}, year}\n",
    "@misc{numkey2, title = {Digits}, year = 2009}\n@misc{2009, title = {Key of digits}}\n",
    "@misc{ids, title = {With ids}, ids = {old1, old2}, keywords = {a; b, {c, d}}}\n",
    "@misc{notes, title = {With notes}, note = {A note}, annote = {Another}, "
    "readstatus = {read}, readdate = {2020-01-02}}\n",
    "@misc{other, title = {Other fields}, howpublished = {web}, address = {Here}}\n",
    "@misc{emptyval, title = {Empty}, note = {}, author = {}}\n",
    "@misc{{bad}, title = {Braced key}}\n",
    "@misc{doi1, title = {Same DOI}, doi = {10.1/ABC}}\n@misc{doi2, title = {Same DOI again}, "
    "doi = {10.1/abc}}\n",
    "@misc{again, title = {Attention Is All You Need}, author = {Vaswani, Ashish}}\n",
    # Merged into a paper far above it: its search-index row, written already, changes.
    "@misc{again2, title = {Attention Is All You Need}, author = {Vaswani, Ashish}, "
    "keywords = {late tag}, annote = {Quokkas attend}}\n",
]


def varied_bibtex() -> str:
    papers = [Paper(id=i + 1, key=key, **vars(fields)) for i, (key, fields) in enumerate(CORPUS)]
    exported = export_bibtex(papers)
    return "\n".join([exported, FOREIGN, BIBDESK, *TRICKY, exported.replace("\n", "\r\n")])


@contextmanager
def careful_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Everything as before the fast path: bibtexparser splits and reads every name, no
    index is dropped, every search-index row is written at once."""
    monkeypatch.setattr(
        bibtex_split, "split", lambda text: list(parse_string(text, parse_stack=[]).blocks)
    )
    monkeypatch.setattr(names, "plain_parts", careful_name)
    monkeypatch.setattr(bulk, "BULK_MIN", 10**9)
    monkeypatch.setattr(Library, "deferred_search_index", lambda self: nullcontext())
    monkeypatch.setattr(Library, "_find_names", lambda self, table, wanted: None)
    monkeypatch.setattr(ImportLookups, "ahead", lambda self, papers: None)  # each asks
    one_at_a_time = Library._keys_taken
    monkeypatch.setattr(
        Library,
        "_keys_taken",
        lambda self, wanted: {k for k in wanted if one_at_a_time(self, [k])},
    )
    names.parts.cache_clear()
    bibtex_fields._structured.cache_clear()
    try:
        yield
    finally:
        names.parts.cache_clear()
        bibtex_fields._structured.cache_clear()


def snapshot(path: Path) -> dict[str, Any]:
    """All a reader could see of a library, and its search index and schema."""
    with open_library(path, seed=False) as library:
        ids = library.search("")
        records = []
        for record in library.records(ids):
            for moving in ("uuid", "added", "modified", "status_changed"):
                record.pop(moving, None)
            records.append(record)
        searches = {
            q: [library.keys_of([i])[i] for i in library.search(q, sort="key")]
            for q in ("volume", "müller", "mull*", "author:waals", "tag:a", "note", "par*",
                      "\"all you need\"", "sum", "ivanov", "key:old1", "barnes", "l∞", "x*",
                      "tag:late", "quokkas")
        }  # fmt: skip
    conn = sqlite3.connect(path)
    try:
        tables = {
            name: conn.execute(sql).fetchall()
            for name, sql in {
                "authors": "SELECT id, name, name_norm FROM authors ORDER BY id",
                "paper_authors": "SELECT * FROM paper_authors ORDER BY paper_id, position",
                "tags": "SELECT id, name, name_norm FROM tags ORDER BY id",
                "aliases": "SELECT key, paper_id FROM aliases ORDER BY key",
                "notes": "SELECT paper_id, body FROM notes ORDER BY paper_id",
                "history": "SELECT paper_id, status FROM status_history ORDER BY id",
                # Counted once after a bulk import, by triggers row by row otherwise.
                "whole counts": "SELECT * FROM whole_counts ORDER BY facet, value",
                "fts": "SELECT rowid, * FROM papers_fts ORDER BY rowid",
                # Restored after a bulk import (FTS5's defaults may then be written out).
                "fts settings": "SELECT k, v FROM papers_fts_config WHERE (k, v) NOT IN "
                "(VALUES ('automerge', 4), ('hashsize', 1048576)) ORDER BY k",
                "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
                "check": "PRAGMA integrity_check",
                "keys": "SELECT id, key, title, abstract FROM papers ORDER BY id",
            }.items()
        }
    finally:
        conn.close()
    return {"records": records, "searches": searches, **tables}


def import_into(path: Path, files: list[Path]) -> Any:
    with open_library(path, seed=False) as library:
        report = import_bibtex(library, files)
        # Nothing left behind on the connection (the search index's staging table).
        assert library.conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []
    return report


def test_fast_and_careful_paths_make_the_same_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = varied_bibtex()
    first, second = tmp_path / "a.bib", tmp_path / "b.bib"
    first.write_text(text, encoding="utf-8")
    second.write_text(TRICKY[0] + "@misc{late, title = {Uses acm}, publisher = acm}\n")
    monkeypatch.setattr(bulk, "BULK_MIN", 1)  # the bulk path, on a small file
    # The search index written on a thread every few entries, while the next are read;
    # merges and tags then change rows already written there.
    monkeypatch.setattr(bibtex, "_AHEAD", 7)
    fast_report = import_into(tmp_path / "fast.sqlite", [first, second])
    with careful_path(monkeypatch):
        careful_report = import_into(tmp_path / "careful.sqlite", [first, second])
    assert fast_report.added > 40 and fast_report.problems  # it did read a varied file
    assert vars(fast_report) == vars(careful_report)
    fast, careful = snapshot(tmp_path / "fast.sqlite"), snapshot(tmp_path / "careful.sqlite")
    assert fast["check"] == [("ok",)]
    for part in careful:
        assert fast[part] == careful[part], part


def test_a_second_import_into_a_library_matches_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a library that has papers already: merges, renamed keys, and the bulk path
    (the import doubles the library) around existing rows."""
    path = tmp_path / "a.bib"
    path.write_text(varied_bibtex(), encoding="utf-8")
    more = tmp_path / "more.bib"
    more.write_text(
        "".join(
            f"@article{{gen{i}, title = {{Generated paper {i} on {random.Random(i).random()}}},"
            f" author = {{Author{i % 7}, A. and van Der{i % 3}, B.}}, year = {{{1990 + i % 30}}},"
            f" keywords = {{k{i % 4}}}}}\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(bulk, "BULK_MIN", 50)
    monkeypatch.setattr(bibtex, "_AHEAD", 11)
    for name in ("fast", "careful"):
        with careful_path(monkeypatch) if name == "careful" else nullcontext():
            import_into(tmp_path / f"{name}.sqlite", [path])
            import_into(tmp_path / f"{name}.sqlite", [more, path])
    fast, careful = snapshot(tmp_path / "fast.sqlite"), snapshot(tmp_path / "careful.sqlite")
    for part in careful:
        assert fast[part] == careful[part], part


def a_bulk_import(tmp_path: Path) -> tuple[Path, Path]:
    """A .bib large enough for the bulk path, and an empty library to import it into."""
    path = tmp_path / "many.bib"
    path.write_text(
        "".join(f"@misc{{m{i}, title = {{Paper {i}}}}}\n" for i in range(bulk.BULK_MIN + 10)),
        encoding="utf-8",
    )
    return path, tmp_path / "lib.sqlite"


def test_a_cancelled_bulk_import_leaves_the_library_and_its_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexes are dropped inside the import's transaction: a cancel rolls back,
    also the search-index rows written on a thread meanwhile."""
    monkeypatch.setattr(bibtex, "_AHEAD", 1000)
    path, library_path = a_bulk_import(tmp_path)
    before = snapshot(library_path)
    with open_library(library_path, seed=False) as library:
        with pytest.raises(Exception, match="cancelled"):
            import_bibtex(library, [path], progress=lambda done, total: done < bulk.BULK_MIN)
        assert library.count() == 0
    assert snapshot(library_path) == before


def test_a_failure_writing_the_search_index_on_its_thread_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What stops the thread that writes the search index stops the import, in one line,
    and nothing of it is saved; the staging table goes too."""
    monkeypatch.setattr(bibtex, "_AHEAD", 1000)
    monkeypatch.setattr(index_alongside, "_COPY", "INSERT INTO papers_fts(nothing) VALUES (1)")
    path, library_path = a_bulk_import(tmp_path)
    before = snapshot(library_path)
    with open_library(library_path, seed=False) as library:
        with pytest.raises(LibraryError, match=r"could not write the library .* not saved"):
            import_bibtex(library, [path])
        assert library.conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []
    assert snapshot(library_path) == before


# --- the splitter, block by block ---------------------------------------------------------


def blocks_seen(blocks: list[Any]) -> list[tuple[Any, ...]]:
    """What the import reads of each block: implicit comments are never read, and an
    entry or @string whose key came before is read as any other."""
    out: list[tuple[Any, ...]] = []
    for block in blocks:
        if isinstance(block, model.ImplicitComment):
            continue
        if isinstance(block, model.DuplicateBlockKeyBlock):
            block = block.ignore_error_block
        row: tuple[Any, ...] = (block.start_line, block.raw)
        if isinstance(block, (model.Entry, bibtex_split.FastEntry)):
            row += ("entry", block.entry_type, block.key)
            row += tuple((f.key, f.value, f.start_line) for f in block.fields)
        elif isinstance(block, model.ParsingFailedBlock):
            row += (type(block).__name__, getattr(block.error, "abort_reason", str(block.error)))
            inner = block.ignore_error_block
            row += tuple(blocks_seen([inner] if inner is not None else []))
        elif isinstance(block, model.String):
            row += ("string", block.key, block.value)
        else:
            row += (type(block).__name__,)
        out.append(row)
    return out


def assert_split_as_bibtexparser(text: str) -> None:
    text = _normalized(text)
    careful = blocks_seen(list(parse_string(text, parse_stack=[]).blocks))
    assert blocks_seen(bibtex_split.split(text)) == careful


@pytest.mark.parametrize("index", range(len(TRICKY)))
def test_each_tricky_piece_splits_as_bibtexparser_splits_it(index: int) -> None:
    assert_split_as_bibtexparser(TRICKY[index])


def test_the_varied_file_splits_as_bibtexparser_splits_it() -> None:
    text = varied_bibtex()
    assert_split_as_bibtexparser(text)
    fast = bibtex_split.split(_normalized(text))
    assert sum(isinstance(b, bibtex_split.FastEntry) for b in fast) > 30  # the fast path ran


def test_the_fast_readers_value_lines_are_the_readers_own() -> None:
    """``FastEntry.value_lines`` is what ``bibtex._value_lines`` finds in the raw text."""
    from papershelf.core.io.bibtex import _value_lines

    text = _normalized(varied_bibtex())
    for block in bibtex_split.split(text):
        if isinstance(block, bibtex_split.FastEntry):
            entry = model.Entry(block.entry_type, block.key, [], block.start_line, block.raw)
            entry.fields = [model.Field(f.key, f.value, f.start_line) for f in block.fields]
            assert _value_lines(entry) == block.value_lines


FRAGMENTS = [
    "@misc{k, title = {T}}", "@article{a1,\n  title = {A title},\n  year = {2001}\n}",
    "@misc{q, title = \"Q\"}", "@string{s = {S}}", "@comment{c}", "@preamble{p}",
    "{", "}", "\"", ",", "=", "#", "@", "@misc{", "@misc(", ")", "\\", "\\{", "\\}", "\\\n",
    "\n", "\n\n", "  ", "\t", "text", "title = {x}", "{{nested}}", "@x{k,}", "%", "\u00a0",
]  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_generated_texts_split_as_bibtexparser_splits_them(pieces: list[str]) -> None:
    assert_split_as_bibtexparser("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6), st.sampled_from(["", "\n", " "]))
def test_tricky_pieces_in_any_order_split_as_bibtexparser_splits_them(
    pieces: list[str], glue: str
) -> None:
    assert_split_as_bibtexparser(glue.join(pieces))
