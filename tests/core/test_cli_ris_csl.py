"""``papershelf export ris|json`` and ``import`` of .ris and CSL-JSON, through ``cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

from papershelf.core.store.opening import open_library

# What both formats carry of the seed papers; RIS loses some of the rest (the "et al.",
# inferred dates, categories), CSL-JSON keeps all of it.
CARRIED = ("key", "entry_type", "title", "authors", "published", "abstract", "tags", "note",
           "doi", "url")  # fmt: skip


def ok(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[str, str]:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out, err


def listed(capsys: pytest.CaptureFixture[str], library: Path) -> dict[str, dict[str, object]]:
    out, _ = ok(capsys, "--library", library, "list", "--format", "json")
    return {r["key"]: r for r in json.loads(out)}


@pytest.mark.parametrize(("what", "name"), [("ris", "refs.ris"), ("json", "refs.json")])
def test_out_and_back_in_through_the_command_line(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path, what: str, name: str
) -> None:
    lib = ("--library", library_path)
    ok(capsys, *lib, "tag", "akyurek2022learning", "to cite")
    ok(capsys, *lib, "note", "akyurek2022learning", "--set", "ER  - no end\n\n50% {sure}")
    out_file = tmp_path / name
    _, err = ok(capsys, *lib, "export", what, "--out", out_file)
    assert "exported 50 papers" in err
    fresh = tmp_path / "fresh.sqlite"
    open_library(fresh, seed=False).close()
    out, _ = ok(capsys, "--library", fresh, "import", out_file)
    assert out.strip() == "added 50, merged 0, unchanged 0, skipped 0"
    before, after = listed(capsys, library_path), listed(capsys, fresh)
    assert set(before) == set(after)
    for key, record in before.items():
        for field in CARRIED:
            assert after[key][field] == record[field], (key, field)
    if what == "json":  # CSL-JSON carries all the rest too
        assert after == {k: {**v, **{f: after[k][f] for f in ("id", "uuid", "added",
                             "modified")}} for k, v in before.items()}  # fmt: skip
    out, _ = ok(capsys, "--library", fresh, "import", out_file)
    assert out.strip() == "added 0, merged 0, unchanged 50, skipped 0"


def test_ris_to_stdout_with_a_query(capsys: pytest.CaptureFixture[str], library_path: Path):
    out, err = ok(capsys, "--library", library_path, "export", "ris", "--out", "-", "cat:CV")
    assert out.count("TY  - GEN\r\n") == 7 and out.count("ER  - \r\n") == 7
    assert "exported 7 papers to stdout" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.ris", b"TY  - JOUR\nAU  - Doe, J", "line 1: no title; skipped"),
        ("list.json", b'{"items": []}', "is an object, not a CSL-JSON list of items"),
        ("deep.json", b"[" * 100_000, "nested too deeply to be CSL-JSON"),
        ("junk.ris", bytes(range(256)) * 64, "no RIS references found"),
        ("nul.ris", b"\x00" * 4096, "is a binary file, not RIS"),
    ],
)
def test_a_file_that_cannot_be_imported_gives_one_line_and_fails(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path, name: str,
    content: bytes, message: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "--library", library_path, "import", path)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) <= 2
    assert out.strip() == "added 0, merged 0, unchanged 0, skipped " + (
        "1" if name == "cut.ris" else "0"
    )
