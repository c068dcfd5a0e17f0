"""crossref and xdata: a paper takes what it lacks from the entry it refers to (issue 15).

DBLP's "BibTeX with crossref" puts the year, editors, publisher, series and volume of a
conference paper in the @proceedings entry only. Read as BibTeX reads it, the paper gets
them, the volume's title becomes its booktitle, and the volume, an edited container, is
not imported as a paper of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from papershelf.core.io import bibtex
from papershelf.core.io.bibtex import parse_bibtex
from papershelf.core.io.importer import import_files
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library

# DBLP's "with crossref" shape: the papers lack year and booktitle; the volume has them.
DBLP = r"""@inproceedings{DBLP:conf/esa/Henzinger0P020,
  author       = {Monika Henzinger and
                  Shahbaz Khan and
                  Richard Paul and
                  Christian Schulz},
  title        = {Dynamic Matching Algorithms in Practice},
  pages        = {58:1--58:20},
  crossref     = {DBLP:conf/esa/2020},
  url          = {https://doi.org/10.4230/LIPIcs.ESA.2020.58},
  doi          = {10.4230/LIPIcs.ESA.2020.58},
  timestamp    = {Wed, 26 Aug 2020 16:56:07 +0200},
  biburl       = {https://dblp.org/rec/conf/esa/Henzinger0P020.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}

@inproceedings{DBLP:conf/esa/Other20,
  author       = {Ann Other},
  title        = {Another Paper in the Same Volume},
  pages        = {1:1--1:12},
  crossref     = {DBLP:conf/esa/2020},
  timestamp    = {Wed, 26 Aug 2020 16:56:07 +0200}
}

@proceedings{DBLP:conf/esa/2020,
  editor       = {Fabrizio Grandoni and
                  Grzegorz Herman and
                  Peter Sanders},
  title        = {28th Annual European Symposium on Algorithms, {ESA} 2020, September
                  7-9, 2020, Pisa, Italy (Virtual Conference)},
  series       = {LIPIcs},
  volume       = {173},
  publisher    = {Schloss Dagstuhl - Leibniz-Zentrum f{\"{u}}r Informatik},
  year         = {2020},
  url          = {https://www.dagstuhl.de/dagpub/978-3-95977-162-7},
  doi          = {10.4230/LIPIcs.ESA.2020},
  isbn         = {978-3-95977-162-7},
  timestamp    = {Fri, 07 Aug 2020 16:06:36 +0200},
  biburl       = {https://dblp.org/rec/conf/esa/2020.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}
"""

# DBLP's older shape: the paper has a short booktitle; the volume a booktitle and a title.
DBLP_OLD = r"""@inproceedings{DBLP:conf/ijcai/WangCL13,
  author    = {Hao Wang and
               Binyi Chen and
               Wu-Jun Li},
  title     = {Collaborative Topic Regression with Social Regularization
               for Tag Recommendation},
  booktitle = {IJCAI},
  ee        = {http://www.aaai.org/ocs/index.php/IJCAI/IJCAI13/paper/view/7006},
  crossref  = {DBLP:conf/ijcai/2013},
  bibsource = {DBLP, http://dblp.uni-trier.de}
}

@proceedings{DBLP:conf/ijcai/2013,
  editor    = {Francesca Rossi},
  title     = {IJCAI 2013, Proceedings of the 23rd International Joint
               Conference on Artificial Intelligence, Beijing, China, August
               3-9, 2013},
  booktitle = {IJCAI},
  publisher = {IJCAI/AAAI},
  year      = {2013},
  isbn      = {978-1-57735-633-2},
  bibsource = {DBLP, http://dblp.uni-trier.de}
}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def imported(tmp_path: Path, *files: Path) -> tuple[Library, Any]:
    lib = open_library(tmp_path / "l.sqlite", seed=False)
    return lib, import_files(lib, files)


def records(lib: Library) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in lib.records(lib.search(""))}


def test_dblp_papers_take_year_and_venue_from_their_volume(tmp_path: Path) -> None:
    lib, report = imported(tmp_path, write(tmp_path, "dblp.bib", DBLP))
    got = records(lib)
    assert sorted(got) == ["DBLP:conf/esa/Henzinger0P020", "DBLP:conf/esa/Other20"]
    paper = got["DBLP:conf/esa/Henzinger0P020"]
    assert paper["published"] == "2020"
    assert paper["venue"] == (
        "28th Annual European Symposium on Algorithms, ESA 2020, September 7-9, 2020, "
        "Pisa, Italy (Virtual Conference)"
    )  # the volume's title is the paper's booktitle
    assert paper["editors"] == ["Fabrizio Grandoni", "Grzegorz Herman", "Peter Sanders"]
    assert paper["publisher"] == "Schloss Dagstuhl - Leibniz-Zentrum für Informatik"
    assert paper["volume"] == "173"
    assert paper["extra"]["series"] == "LIPIcs"
    assert paper["isbn"] == "978-3-95977-162-7"
    # What is the paper's own stays its own; the volume's identifiers are never taken.
    assert paper["doi"] == "10.4230/LIPIcs.ESA.2020.58"
    assert paper["url"] == "https://doi.org/10.4230/LIPIcs.ESA.2020.58"
    assert paper["pages"] == "58:1–58:20"
    assert paper["extra"]["biburl"] == "https://dblp.org/rec/conf/esa/Henzinger0P020.bib"
    other = got["DBLP:conf/esa/Other20"]
    assert (other["published"], other["volume"], other["doi"], other["url"]) == (
        "2020", "173", None, None,
    )  # fmt: skip
    assert "biburl" not in other["extra"]  # the volume's record, not the paper's
    assert "crossref" not in paper["extra"]  # its fields are in the paper now
    # The volume is not a paper, and the report says so once, by key and line.
    assert report.added == 2
    assert report.problems == [
        "dblp.bib: not imported as papers, their fields filled in the papers that refer to "
        f"them by crossref: DBLP:conf/esa/2020 (line {line_of(DBLP, '@proceedings')})"
    ]
    lib.close()


def test_the_volume_may_be_in_another_file_named_first(tmp_path: Path) -> None:
    paper, volume = DBLP.split("@proceedings")
    volumes = write(tmp_path, "volumes.bib", "@proceedings" + volume)
    papers = write(
        tmp_path, "papers.bib", paper.replace("DBLP:conf/esa/2020", "dblp:CONF/esa/2020")
    )
    lib, report = imported(tmp_path, volumes, papers)
    got = records(lib)
    assert sorted(got) == ["DBLP:conf/esa/Henzinger0P020", "DBLP:conf/esa/Other20"]
    assert {r["published"] for r in got.values()} == {"2020"}  # found in any case, as BibTeX
    assert report.problems == [
        "volumes.bib: not imported as papers, their fields filled in the papers that refer to "
        "them by crossref: DBLP:conf/esa/2020 (line 1)"
    ]
    lib.close()


def test_what_the_paper_has_stays_and_the_volumes_own_booktitle_comes_first() -> None:
    result = parse_bibtex(DBLP_OLD.replace("IJCAI}", "IJCAI 2013}", 1))
    [paper] = result.entries
    assert paper.fields["booktitle"] == "IJCAI 2013"  # the paper's own
    assert (paper.fields["year"], paper.fields["publisher"]) == ("2013", "IJCAI/AAAI")
    assert paper.fields["editor"] == "Francesca Rossi"
    assert [v.key for v in result.volumes] == ["DBLP:conf/ijcai/2013"]
    # Without one, BibTeX copies the volume's field of the same name before its title.
    [paper] = parse_bibtex(DBLP_OLD.replace("  booktitle = {IJCAI},\n", "", 1)).entries
    assert paper.fields["booktitle"] == "IJCAI"


def test_a_missing_parent_is_reported_and_the_paper_kept(tmp_path: Path) -> None:
    paper = DBLP.split("@proceedings")[0]
    lib, report = imported(tmp_path, write(tmp_path, "dblp.bib", paper))
    assert report.added == 2
    assert report.problems == [
        "dblp.bib:1: entry 'DBLP:conf/esa/Henzinger0P020': crossref 'DBLP:conf/esa/2020' is "
        "not among the entries imported; the fields it would give are missing",
        f"dblp.bib:{line_of(DBLP, '@inproceedings{DBLP:conf/esa/Other20')}: "
        "entry 'DBLP:conf/esa/Other20': crossref 'DBLP:conf/esa/2020' is not "
        "among the entries imported; the fields it would give are missing",
    ]
    assert records(lib)["DBLP:conf/esa/Other20"]["published"] is None
    lib.close()


def test_volumes_that_stand_alone_or_have_authors_are_papers() -> None:
    """Near misses: a volume nobody refers to, and a monograph its chapters refer to."""
    text = (
        "@proceedings{cascon1999, title = {CASCON 1999}, editor = {Lee, Ann}, year = 1999}\n"
        "@book{knuth1997, author = {Knuth, Donald E.}, title = {Fundamental Algorithms},\n"
        "  publisher = {Addison-Wesley}, year = 1997, edition = {Third}}\n"
        "@inbook{knuth1997ch1, title = {Basic Concepts}, author = {Knuth, Donald E.},\n"
        "  chapter = 1, crossref = {knuth1997}}\n"
    )
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["cascon1999", "knuth1997", "knuth1997ch1"]
    chapter = result.entries[2].fields
    assert chapter["booktitle"] == "Fundamental Algorithms"
    assert (chapter["publisher"], chapter["year"], chapter["edition"]) == (
        "Addison-Wesley", "1997", "Third",
    )  # fmt: skip
    assert chapter["title"] == "Basic Concepts"
    assert result.volumes == [] and result.problems == []


def test_biblatex_xdata_gives_its_fields_and_is_no_paper() -> None:
    text = (
        "@xdata{springer, publisher = {Springer}, location = {Berlin}, series = {LNCS}}\n"
        "@xdata{y2020, date = {2020-06}, xdata = {springer}}\n"
        "@inproceedings{a, title = {A}, author = {Lee, Ann}, xdata = {y2020},\n"
        "  location = {Heidelberg}, doi = {10.1/a}}\n"
        "@incollection{b, title = {B}, author = {Roe, Bo}, xdata = {springer, y2020}}\n"
    )
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["a", "b"]
    a, b = (e.fields for e in result.entries)
    assert (a["publisher"], a["series"], a["date"]) == ("Springer", "LNCS", "2020-06")
    assert a["location"] == "Heidelberg"  # its own comes first
    assert b["location"] == "Berlin"
    assert result.problems == [] and result.volumes == []


def test_references_in_a_circle_end_and_are_reported() -> None:
    text = (
        "@book{a, title = {A}, author = {Lee, Ann}, crossref = {b}}\n"
        "@book{b, title = {B}, author = {Roe, Bo}, year = 2001, crossref = {a}}\n"
        "@misc{c, title = {C}, crossref = {c}}\n"
    )
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["a", "b", "c"]
    assert result.entries[0].fields["year"] == "2001"
    assert result.problems == [
        (2, "entry 'b': crossref 'a' leads back to itself (a → b → a); not followed"),
        (3, "entry 'c': crossref 'c' leads back to itself (c → c); not followed"),
    ]


def test_a_long_chain_of_references_ends() -> None:
    """A hostile file: 50,000 entries each the crossref parent of the one before; no
    recursion, and a chain is followed 20 steps at most."""
    count = 50_000
    text = "".join(
        f"@misc{{e{i}, title = {{E{i}}}, crossref = {{e{i + 1}}}}}\n" for i in range(count)
    )
    text += f"@misc{{e{count}, title = {{Last}}, year = 1999, publisher = {{P}}}}\n"
    result = parse_bibtex(text)
    assert len(result.entries) == count + 1
    assert result.entries[-2].fields["year"] == "1999"
    deep = [line for line, message in result.problems if "references deep" in message]
    assert 0 < len(deep) <= count // 20


def test_what_parents_give_counts_against_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A volume's fields copied into each paper are paid for like macros: a long one
    shared by many papers cannot multiply the library's size."""
    monkeypatch.setattr(bibtex, "MIN_FILE_EXPANSION", 1000)
    text = "@proceedings{v, title = {V}, editor = {Lee, Ann}, publisher = {" + "p" * 300 + "}}\n"
    child = "@inproceedings{{c{0}, title = {{C{0}}}, crossref = {{v}}}}\n"
    text += "".join(child.format(i) for i in range(4))
    result = parse_bibtex(text)
    assert [e.key for e in result.entries] == ["c0", "c1", "c2"]  # 309 characters each
    assert result.skipped == 1
    assert result.problems == [
        (5, "entry 'c3' skipped: what it takes by crossref or xdata would add over 1,000 "
         "characters to the file"),
    ]  # fmt: skip
