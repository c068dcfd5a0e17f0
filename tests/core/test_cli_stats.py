"""``papershelf stats`` in its three forms, and the journal's summary table (issue 19).

The command counts up to the real now, so these tests write a history in the past
and check what no later day changes: past weeks and months, totals, days to read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import run

from papershelf.core.fields import PaperFields
from papershelf.core.store.opening import open_library


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The system zone the command buckets in, fixed for the test."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "stats.sqlite"
    with open_library(path, seed=False) as lib:
        a, b, c, d = lib.add_papers(
            [PaperFields(title=f"Paper {i}", category=cat) for i, cat in enumerate("AABC")]
        )
        lib.add_tags([a, b], ["theory"])
        lib.set_status([a, b, c, d], "to-read", at="2025-03-03T09:00:00+00:00")  # Monday W10
        lib.set_status([a], "read", at="2025-03-05T09:00:00+00:00")  # 2 days
        lib.set_status([b], "read", at="2025-03-13T09:00:00+00:00")  # W11, 10 days
        lib.set_status([c], "read", at="2025-04-02T09:00:00+00:00")  # April, 30 days
    return path


def test_json_has_every_figure(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, err = run(capsys, "--library", history, "stats", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["read"] == 3 and data["to_read"] == 1
    assert data["timezone"] == "UTC" and data["since"] is None
    weeks = {w["week"]: (w["read"], w["to_read"]) for w in data["weeks"]}
    assert weeks["2025-W10"] == (1, 3) and weeks["2025-W11"] == (1, 2)
    assert weeks["2025-W12"] == (0, 2) and weeks["2025-W14"] == (1, 1)
    assert data["weeks"][0]["start"] == "2025-03-03"
    months = {m["month"]: m["read"] for m in data["months"]}
    assert (months["2025-03"], months["2025-04"]) == (2, 1)
    assert data["days_to_read"]["count"] == 3 and data["days_to_read"]["median"] == 10
    histogram = {h["days"]: h["read"] for h in data["days_to_read"]["histogram"]}
    assert histogram["2-3 days"] == 1 and histogram["1-2 weeks"] == 1
    assert histogram["2-4 weeks"] == 1
    assert data["by_category"] == [{"name": "A", "read": 2}, {"name": "B", "read": 1}]
    assert data["by_tag"] == [{"name": "theory", "read": 2}]
    assert set(data["streak"]) == {"current_weeks", "longest_weeks"}
    assert data["streak"]["longest_weeks"] == 2


def test_since_counts_from_that_day(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(
        capsys, "--library", history, "stats", "--format", "json", "--since", "2025-03-10"
    )
    assert code == 0
    data = json.loads(out)
    assert data["since"] == "2025-03-10" and data["read"] == 2
    assert data["weeks"][0]["week"] == "2025-W11"
    assert data["days_to_read"]["count"] == 2
    assert data["by_category"] == [{"name": "A", "read": 1}, {"name": "B", "read": 1}]


def test_markdown_and_table(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(capsys, "--library", history, "stats", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Reading statistics\n")
    assert "| Papers read in all | 3 |" in out
    assert "| To read now | 1 |" in out
    assert "| Median time from to-read to read | 10 days (3 reads) |" in out
    assert "| A | 2 |" in out and "| theory | 2 |" in out
    code, table, _ = run(capsys, "--library", history, "stats")
    assert code == 0
    assert table.splitlines()[0].split() == ["Papers", "read", "in", "all", "3"]
    assert "|" not in table  # a terminal's table, not Markdown


def test_bad_since_is_one_line(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, err = run(capsys, "--library", history, "stats", "--since", "March")
    assert code == 1 and out == ""
    assert err.strip() == (
        "papershelf: --since wants a day, month or year (2026-01-31, 2026-01, 2026) or a "
        "period (this-month, last-week), not 'March'"
    )
    code, _, err = run(capsys, "--library", history, "stats", "--format", "yaml")
    assert code == 2 and "invalid choice" in err


def test_empty_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    code, out, _ = run(capsys, "--library", path, "--no-seed", "stats", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["read"] == 0 and data["to_read"] == 0 and data["days_to_read"]["median"] is None
    assert len(data["weeks"]) == 1 and data["by_category"] == []


def test_the_journal_starts_with_the_summary_table(
    capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path
) -> None:
    out = tmp_path / "journal.md"
    code, _, err = run(capsys, "--library", history, "export", "notes", "--out", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    head, rest = text.split("## Reading statistics\n", 1)
    assert head.startswith("# Reading journal\n")
    assert "| Papers read in all | 3 |" in rest.split("## ")[0]
    assert rest.index("| To read now | 1 |") < rest.index("## Read (3)")


def test_a_journal_without_any_reading_has_no_statistics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "lib.sqlite"
    with open_library(path, seed=False) as lib:
        lib.add_papers([PaperFields(title="Unread")])
    out = tmp_path / "journal.md"
    assert run(capsys, "--library", path, "export", "notes", "--out", out)[0] == 0
    assert "Reading statistics" not in out.read_text(encoding="utf-8")
