"""What goes in comes out (issue 15): a varied corpus survives BibTeX and biblatex."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import run
from corpus import CORPUS

from papershelf.core.fields import DESCRIBING, Paper, PaperFields
from papershelf.core.io.bibtex import import_bibtex, parse_bibtex
from papershelf.core.io.interchange import export_biblatex, export_bibtex, export_csv
from papershelf.core.names import parts
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


@pytest.fixture
def corpus(tmp_path: Path):
    lib = open_library(tmp_path / "corpus.sqlite", seed=False)
    ids = lib.add_papers([f for _, f in CORPUS], cite_keys=[k for k, _ in CORPUS])
    lib.add_tags(ids[:2], ["transformers", "a,b; c"])
    lib.set_note(ids[0], "# My note\n\n100% sure {unbalanced and \\backslash")
    yield lib
    lib.close()


def described(lib: Library) -> dict[str, PaperFields]:
    return {p.key: p.describing() for p in lib.papers(lib.search(""))}


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_every_field_round_trips(corpus: Library, tmp_path: Path, flavour: str) -> None:
    render = export_bibtex if flavour == "bibtex" else export_biblatex
    bib = tmp_path / f"{flavour}.bib"
    bib.write_text(render(corpus.papers(corpus.search(""))), encoding="utf-8")
    with open_library(tmp_path / "again.sqlite", seed=False) as again:
        report = import_bibtex(again, [bib])
        assert (report.added, report.problems) == (len(CORPUS), [])
        before, after = described(corpus), described(again)
        for key in before:
            for field in DESCRIBING:
                if field.name in ("has_code", "code_urls", "score", "category"):
                    continue  # what BibTeX has no field for (code links come from the text)
                old, new = getattr(before[key], field.name), getattr(after[key], field.name)
                if field.kind == "names":  # "Shazeer, Noam" may come back as "Noam Shazeer"
                    old, new = [parts(n) for n in old], [parts(n) for n in new]
                assert new == old, (key, field.name)
        first = again.paper(again.resolve("vaswani2017attention"))
        assert first.tags == ["a,b; c", "transformers"]
        assert first.note == "# My note\n\n100% sure {unbalanced and \\backslash"


def test_types_and_venues_are_bibtex_s_own(corpus: Library) -> None:
    entries = {
        e.key: e for e in parse_bibtex(export_bibtex(corpus.papers(corpus.search("")))).entries
    }
    assert entries["vaswani2017attention"].entry_type == "inproceedings"
    assert "booktitle" in entries["vaswani2017attention"].fields
    assert entries["vaswani2017attention"].fields["pages"] == "5998--6008"  # BibTeX's dash
    assert entries["lecun1998gradient"].fields["journal"] == "Proceedings of the IEEE"
    assert "month" in entries["lecun1998gradient"].fields
    assert entries["doe2020thesis"].fields["school"] == "Universit{\\'e} de Paris" or (
        entries["doe2020thesis"].fields["school"] == "Université de Paris"
    )
    assert entries["beethoven1808"].fields["address"] == "Leipzig"  # kept as it came
    assert "month" not in entries["beethoven1808"].fields  # a year alone invents no month
    latex = {
        e.key: e for e in parse_bibtex(export_biblatex(corpus.papers(corpus.search("")))).entries
    }
    assert latex["lecun1998gradient"].fields["journaltitle"] == "Proceedings of the IEEE"
    assert latex["lecun1998gradient"].fields["date"] == "1998-11"
    assert latex["vaswani2017attention"].fields["eprinttype"] == "arXiv"
    assert latex["doe2020thesis"].fields["institution"]


def test_queries_find_the_new_fields(corpus: Library) -> None:
    key = corpus.resolve
    assert corpus.search("venue:ieee") == [key("lecun1998gradient")]
    assert sorted(corpus.search("type:thesis")) == [key("doe2020thesis")]
    assert corpus.search("type:article") == [key("lecun1998gradient")]
    assert corpus.search("venue:nowhere") == []


def test_csv_guards_formulas_and_reads_as_utf8(tmp_path: Path) -> None:
    papers = [
        Paper(id=1, key="k", title="=HYPERLINK(\"http://evil\")", authors=["@Ann", "-Bo"],
              note="+1 great", abstract="Müller")
    ]  # fmt: skip
    text = export_csv(papers, bom=True)
    assert text.startswith("\ufeff")
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["authors"] == "'@Ann; -Bo"
    assert row["note"] == "'+1 great"
    assert row["abstract"] == "Müller"  # the near miss: ordinary text is left alone
    assert row["score"] == ""


def test_json_keeps_what_csv_guards(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lib_path = tmp_path / "l.sqlite"
    with open_library(lib_path, seed=False) as lib:
        lib.add_paper(PaperFields(title="=1+1"))
    code, out, _ = run(capsys, "--library", str(lib_path), "list", "--format", "json")
    assert code == 0 and json.loads(out)[0]["title"] == "=1+1"
    csv_out = tmp_path / "out.csv"
    assert run(capsys, "--library", str(lib_path), "export", "csv", "--out", str(csv_out))[0] == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    plain = tmp_path / "plain.csv"
    assert (
        run(capsys, "--library", str(lib_path), "export", "csv", "--no-bom", "--out", str(plain))[0]
        == 0
    )
    assert plain.read_text(encoding="utf-8").startswith("id,")
