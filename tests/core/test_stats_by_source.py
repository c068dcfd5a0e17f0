"""Reading by followed source (issue 19 x 18): which source brought the papers read, in
``papershelf stats`` as JSON, Markdown and a table."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import run

from papershelf.core.fields import PaperFields
from papershelf.core.ops import follow as follow_ops
from papershelf.core.stats import compute
from papershelf.core.store import follows
from papershelf.core.store.opening import open_library


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Ma brought a, b, e; Blog brought b and d; c came from no source. a, b, c read
    (a twice), d skipped, e still to-read."""
    path = tmp_path / "stats.sqlite"
    with open_library(path, seed=False) as lib:
        a, b, c, d, e = lib.add_papers([PaperFields(title=f"Paper {i}") for i in range(5)])
        follow_ops.add_follow(lib, "Ma", "arxiv:au:Ma")
        follow_ops.add_follow(lib, "Blog", "https://example.org/feed.xml")
        ma, blog = follows.get(lib, "Ma").id, follows.get(lib, "Blog").id
        for paper, source in ((a, ma), (b, ma), (e, ma), (b, blog), (d, blog)):
            follows.link(lib, paper, source, f"entry-{paper}")
        lib.set_status([a, b, c, e], "to-read", at="2025-03-03T09:00:00+00:00")
        lib.set_status([d], "skipped", at="2025-03-03T09:00:00+00:00")
        lib.set_status([a], "read", at="2025-03-05T09:00:00+00:00")
        lib.set_status([a], "to-read", at="2025-03-06T09:00:00+00:00")
        lib.set_status([a], "read", at="2025-03-20T09:00:00+00:00")
        lib.set_status([b, c], "read", at="2025-03-13T09:00:00+00:00")
    return path


def test_json_counts_each_source_once_per_paper(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    code, out, err = run(capsys, "--library", history, "stats", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["read"] == 3
    # a read twice counts once; b under both sources; c (no source), d (skipped) and e
    # (unread) under none.
    assert data["by_source"] == [{"name": "Ma", "read": 2}, {"name": "Blog", "read": 1}]

    code, out, _ = run(
        capsys, "--library", history, "stats", "--format", "json", "--since", "2025-03-14"
    )
    assert json.loads(out)["by_source"] == [{"name": "Ma", "read": 1}]  # a's second read


def test_markdown_and_table_name_the_sources(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    code, out, _ = run(capsys, "--library", history, "stats", "--format", "markdown")
    assert code == 0
    section = out.split("## Read by followed source\n", 1)[1].split("\n## ")[0]
    assert "| Followed source | Read |" in section
    assert "| Ma | 2 |" in section and "| Blog | 1 |" in section
    code, table, _ = run(capsys, "--library", history, "stats")
    assert code == 0
    lines = [line.split() for line in table.splitlines()]
    at = lines.index(["source", "read"])
    assert lines[at + 1 : at + 3] == [["Ma", "2"], ["Blog", "1"]]


def test_a_renamed_source_counts_under_its_new_name_a_removed_one_not_at_all(
    history: Path,
) -> None:
    with open_library(history) as lib:
        follow_ops.rename_follow(lib, "Ma", "Tengyu Ma")
        assert compute(lib).groups["source"] == (("Tengyu Ma", 2), ("Blog", 1))
        follow_ops.remove_follow(lib, "Blog")
        assert compute(lib).groups["source"] == (("Tengyu Ma", 2),)


def test_no_sources_no_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    with open_library(path, seed=False) as lib:
        (a,) = lib.add_papers([PaperFields(title="Alone")])
        lib.set_status([a], "read", at="2025-03-05T09:00:00+00:00")
    code, out, _ = run(capsys, "--library", path, "stats", "--format", "json")
    assert code == 0 and json.loads(out)["by_source"] == []
    code, out, _ = run(capsys, "--library", path, "stats", "--format", "markdown")
    assert code == 0 and "followed source" not in out
