"""Names keep their parts and each paper its own spelling (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papershelf.core import names
from papershelf.core.fields import PaperFields
from papershelf.core.io.bibtex import import_bibtex, parse_bibtex
from papershelf.core.io.bibtex_fields import parse_names
from papershelf.core.io.interchange import export_bibtex, export_csl_json
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

NAMES_BIB = r"""
@book{beethoven, title = {Symphonies}, author = {van Beethoven, Ludwig}, year = 1808}
@article{king, title = {Letter}, author = {King, Jr., Martin Luther and de la Fontaine, Jean},
  year = 1963}
@book{bn, title = {Catalogue}, author = {{Barnes and Noble, Inc.}}, year = 2001}
@misc{chnm, title = {Zotero}, author = {{{Center for History and New Media}}}, year = 2006}
@article{a, title = {Paper A}, author = {Sch{\"u}tze, Hinrich}, year = 1998}
@article{b, title = {Paper B}, author = {Schutze, Hinrich}, year = 1999}
@article{c, title = {Paper C}, author = {Ann Smith and and D. C. Lin and Bo\x01b Wu}, year = 2000}
"""


@pytest.fixture
def imported(tmp_path: Path):
    bib = tmp_path / "names.bib"
    bib.write_text(NAMES_BIB.replace("\\x01", "\x01"), encoding="utf-8")
    lib = open_library(tmp_path / "l.sqlite", seed=False)
    report = import_bibtex(lib, [bib])
    assert report.added == 7, report.problems
    yield lib
    lib.close()


def shown(lib: Library, key: str) -> list[str]:
    return lib.record(lib.resolve(key))["authors"]


def test_names_show_in_reading_order(imported: Library) -> None:
    assert shown(imported, "beethoven") == ["Ludwig van Beethoven"]
    assert shown(imported, "king") == ["Martin Luther King Jr.", "Jean de la Fontaine"]
    assert shown(imported, "bn") == ["Barnes and Noble, Inc."]  # one name, not two
    assert shown(imported, "chnm") == ["Center for History and New Media"]


def test_and_and_and_control_bytes_make_no_strange_author(imported: Library) -> None:
    assert shown(imported, "c") == ["Ann Smith", "D. C. Lin", "Bo b Wu"]


def test_each_paper_keeps_its_own_spelling_of_one_person(imported: Library) -> None:
    assert shown(imported, "a") == ["Hinrich Schütze"]
    assert shown(imported, "b") == ["Hinrich Schutze"]  # not the other paper's accent
    people = imported.conn.execute("SELECT count(*) FROM authors WHERE name_norm LIKE '%sch%'")
    assert people.fetchone()[0] == 1  # still one person
    assert sorted(imported.search('author:"Hinrich Schutze"')) == sorted(
        [imported.resolve("a"), imported.resolve("b")]
    )


def test_names_come_out_the_way_they_came_in(imported: Library) -> None:
    text = export_bibtex(imported.papers(imported.search("", sort="key")))
    authors = {e.key: e.fields["author"] for e in parse_bibtex(text).entries}
    assert authors["beethoven"] == "van Beethoven, Ludwig"
    assert authors["king"] == "King, Jr., Martin Luther and de la Fontaine, Jean"
    assert authors["bn"] == "{Barnes and Noble, Inc.}"
    assert authors["a"] == 'Sch{\\"u}tze, Hinrich' or authors["a"] == "Schütze, Hinrich"
    items = {i["id"]: i for i in json.loads(export_csl_json(imported.papers(imported.search(""))))}
    assert items["beethoven"]["author"] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}
    ]
    assert items["king"]["author"][0] == {
        "family": "King", "given": "Martin Luther", "suffix": "Jr."
    }  # fmt: skip
    assert items["bn"]["author"] == [{"literal": "Barnes and Noble, Inc."}]


def test_the_more_careful_spelling_wins_for_the_person(tmp_path: Path) -> None:
    with open_library(tmp_path / "l.sqlite", seed=False) as lib:
        lib.add_paper(PaperFields(title="One", authors=["Jeff Z. Haochen"]))
        lib.add_paper(PaperFields(title="Two", authors=["Jeff Z. HaoChen"]))
        lib.add_paper(PaperFields(title="Three", authors=["JEFF Z. HAOCHEN"]))
        row = lib.conn.execute("SELECT name FROM authors").fetchall()
        assert row == [("Jeff Z. HaoChen",)]


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("Hans Mueller", "Hans Mueller"),  # plain: kept as it reads
        (r"M{\"u}ller, Hans", "Hans Müller"),  # no parts a reading order would lose
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("{van der Waals}, J. D.", "van der Waals, J. D."),
        ("others", None),
    ],
)
def test_one_name_read(raw: str, form: str | None) -> None:
    found, truncated = parse_names(raw)
    assert found == ([form] if form else [])
    assert truncated is (form is None)
    if form:
        assert names.display(form) == names.display(names.bibtex_form(names.parts(form)))
