"""A date is kept at the precision it was given (issue 15): nothing is invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papershelf.core.dates import real_date
from papershelf.core.fields import PaperFields
from papershelf.core.io.bibtex import import_bibtex
from papershelf.core.io.bibtex_fields import parse_date
from papershelf.core.io.interchange import export_bibtex, export_csl_json
from papershelf.core.store.opening import open_library


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"year": "2017"}, "2017"),
        ({"year": "2017", "month": "jun"}, "2017-06"),
        ({"year": "2017", "month": "June"}, "2017-06"),
        ({"year": "2017", "month": "6"}, "2017-06"),
        ({"year": "2017", "month": "13"}, "2017"),  # no such month: the year alone
        ({"date": "2017-06-12"}, "2017-06-12"),
        ({"date": "2017-06"}, "2017-06"),
        ({"date": "2017"}, "2017"),
        ({"date": "2017-02-30", "year": "2017"}, "2017"),  # not a real day
        ({"year": "{2017}a"}, "2017"),
        ({"year": "in press"}, None),
        ({}, None),
    ],
)
def test_bibtex_dates_keep_their_precision(fields: dict[str, str], expected: str | None) -> None:
    assert parse_date(fields) == expected


def test_real_dates_only() -> None:
    assert real_date([2024, 2, 29]) == "2024-02-29"
    assert real_date([2023, 2, 29]) is None
    assert real_date([999]) == "0999"
    assert real_date([]) is None and real_date([2020, 1, 1, 1]) is None


def test_a_year_alone_round_trips_and_still_sorts_and_filters(tmp_path: Path) -> None:
    with open_library(tmp_path / "a.sqlite", seed=False) as lib:
        ids = lib.add_papers(
            [
                PaperFields(title="Year only", published="2017"),
                PaperFields(title="Month only", published="2017-06"),
                PaperFields(title="A day", published="2017-06-12"),
                PaperFields(title="Earlier", published="2016-12-31"),
                PaperFields(title="Later", published="2018"),
            ]
        )
        assert lib.search("", sort="published") == [ids[3], ids[0], ids[1], ids[2], ids[4]]
        assert sorted(lib.search("year:2017")) == ids[:3]
        assert lib.search("year:>=2018") == [ids[4]]
        bib = export_bibtex(lib.papers(ids))
        assert "month" not in bib.split("Year only")[1].split("@")[0]
        items = {i["title"]: i for i in json.loads(export_csl_json(lib.papers(ids)))}
        assert items["Year only"]["issued"] == {"date-parts": [[2017]]}
        assert items["Month only"]["issued"] == {"date-parts": [[2017, 6]]}
    (tmp_path / "out.bib").write_text(bib, encoding="utf-8")
    with open_library(tmp_path / "b.sqlite", seed=False) as again:
        import_bibtex(again, [tmp_path / "out.bib"])
        back = {p.title: p.published for p in again.papers(again.search(""))}
    assert back == {
        "Year only": "2017", "Month only": "2017-06", "A day": "2017-06-12",
        "Earlier": "2016-12-31", "Later": "2018",
    }  # fmt: skip
