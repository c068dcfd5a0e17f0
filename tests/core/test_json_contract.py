"""The ``list --format json`` contract (design.md, "Second round"): every field a tool
outside this repository reads, with its type and value, over one paper that has them
all, and papers whose fields are empty (null or [] rather than missing)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run
from pdfs import make_pdf

from papershelf.core.fields import PaperFields
from papershelf.core.ops import files as file_ops
from papershelf.core.ops import follow as follow_ops
from papershelf.core.ops import reading
from papershelf.core.store import follows
from papershelf.core.store.opening import open_library

CONTRACT = {
    "uuid", "entry_type", "venue", "volume", "number", "pages", "publisher", "doi",
    "arxiv_id", "url", "attachments", "priority", "queue_position", "sources", "aliases",
    "published",
}  # fmt: skip
# What the first round's records had, still there.
FIRST_ROUND = {"id", "key", "title", "authors", "year", "status", "tags", "note", "abstract"}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "contract.sqlite"
    linked = make_pdf(tmp_path / "elsewhere.pdf", [["Linked"]])
    with open_library(path, seed=False) as lib:
        full, first, _year_only, day = lib.add_papers(
            [
                PaperFields(
                    title="Everything Known",
                    authors=["Ma, Tengyu", "Ada Lovelace"],
                    published="2024-03",
                    entry_type="article",
                    venue="Journal of Tests",
                    volume="12",
                    number="3",
                    pages="101-117",
                    publisher="Test Press",
                    doi="10.1000/contract.1",
                    arxiv_id="2403.01234",
                    url="https://example.org/everything",
                ),
                PaperFields(title="First in the queue", published="2023-11-02"),
                PaperFields(title="A year alone", published="2019"),
                PaperFields(title="A day", published="2021-07-15"),
            ]
        )
        lib.set_status([first], "to-read")
        lib.set_status([full], "to-read")  # joins the queue at the end: second
        reading.set_priority(lib, [full], "high")
        reading.set_priority(lib, [day], "low")
        follow_ops.add_follow(lib, "Tengyu Ma", "arxiv:au:Ma")
        follow_ops.add_follow(lib, "Lab blog", "https://example.org/feed.xml")
        for name in ("Tengyu Ma", "Lab blog"):
            follows.link(lib, full, follows.get(lib, name).id, f"entry-{name}")
        assert lib.add_aliases(full, ["lovelace2024old", "Ma:2024:EK"])
        file_ops.attach(lib, full, make_pdf(tmp_path / "paper.pdf", [["Copied"]]))
        file_ops.attach(lib, full, tmp_path / "elsewhere.pdf", link=True)
        notes = tmp_path / "notes.txt"
        notes.write_text("margin notes\n", encoding="utf-8")
        file_ops.attach(lib, full, notes)
    (tmp_path / "linked_size").write_text(str(linked.stat().st_size))
    return path


def records(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, dict[str, Any]]:
    code, out, err = run(capsys, "--library", path, "list", "--format", "json")
    assert code == 0, err
    return {r["title"]: r for r in json.loads(out)}


def test_every_contract_field_of_a_paper_that_has_them_all(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    full = records(capsys, library)["Everything Known"]
    assert set(full) >= CONTRACT | FIRST_ROUND
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", full["uuid"]
    )
    assert full["entry_type"] == "article"
    assert (full["venue"], full["volume"], full["number"]) == ("Journal of Tests", "12", "3")
    assert (full["pages"], full["publisher"]) == ("101-117", "Test Press")
    assert full["doi"] == "10.1000/contract.1" and full["arxiv_id"] == "2403.01234"
    assert full["url"] == "https://example.org/everything"
    assert full["published"] == "2024-03" and full["year"] == 2024  # not widened to a day
    assert full["priority"] == "high"
    assert full["queue_position"] == 2 and isinstance(full["queue_position"], int)
    assert sorted(full["sources"]) == ["Lab blog", "Tengyu Ma"]
    assert sorted(full["aliases"]) == ["Ma:2024:EK", "lovelace2024old"]
    assert full["authors"] == ["Tengyu Ma", "Ada Lovelace"]

    files = full["attachments"]
    assert all(set(a) == {"path", "size", "kind"} for a in files)
    by_kind = sorted((a["kind"], a["path"]) for a in files)
    key = full["key"]
    linked = str((tmp_path / "elsewhere.pdf").resolve())
    assert by_kind == sorted([("pdf", f"{key}.pdf"), ("pdf", linked), ("other", f"{key}.txt")])
    sizes = {a["path"]: a["size"] for a in files}
    stored = library.parent / "files"
    assert sizes[f"{key}.pdf"] == (stored / f"{key}.pdf").stat().st_size
    assert sizes[linked] == int((tmp_path / "linked_size").read_text())
    assert sizes[f"{key}.txt"] == len("margin notes\n")


def test_empty_fields_are_null_or_empty_never_missing(
    capsys: pytest.CaptureFixture[str], library: Path
) -> None:
    found = records(capsys, library)
    first, year_only, day = found["First in the queue"], found["A year alone"], found["A day"]
    for record in (first, year_only, day):
        assert set(record) >= CONTRACT | FIRST_ROUND
        assert record["attachments"] == [] and record["sources"] == []
        assert record["aliases"] == []
        assert record["doi"] is None and record["arxiv_id"] is None and record["url"] is None
        assert record["entry_type"] == "misc" and record["venue"] == ""
    assert first["queue_position"] == 1 and first["priority"] == "none"
    assert first["published"] == "2023-11-02"
    assert year_only["queue_position"] is None  # new, not in the queue
    assert year_only["published"] == "2019" and year_only["year"] == 2019
    assert day["published"] == "2021-07-15" and day["priority"] == "low"
    assert len({r["uuid"] for r in found.values()}) == 4  # each paper its own


def test_priority_words_and_the_queue_follow_changes(
    capsys: pytest.CaptureFixture[str], library: Path
) -> None:
    with open_library(library) as lib:
        (full,) = lib.search('title:"Everything Known"')
        reading.read_next(lib, [full])
        reading.set_priority(lib, [full], "medium")
    found = records(capsys, library)
    assert found["Everything Known"]["queue_position"] == 1
    assert found["First in the queue"]["queue_position"] == 2
    assert found["Everything Known"]["priority"] == "medium"
    with open_library(library) as lib:
        lib.set_status(lib.search('title:"Everything Known"'), "read")
    found = records(capsys, library)
    assert found["Everything Known"]["queue_position"] is None  # read: out of the queue
    assert found["First in the queue"]["queue_position"] == 1
