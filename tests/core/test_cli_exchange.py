"""``papershelf import`` and ``papershelf export``, end to end through ``cli.main``."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_runner import run

from papershelf.core.io.export_notes import JOURNAL_NAME, MANIFEST_NAME
from papershelf.core.store.library import Library


def ok(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[str, str]:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out, err


def test_bibtex_out_and_back_in(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    lib = ("--library", library_path)
    ok(capsys, *lib, "tag", "akyurek2022learning", "to cite")
    ok(capsys, *lib, "note", "akyurek2022learning", "--set", "Read *twice*; 100% worth it.")
    bib = tmp_path / "refs.bib"
    _, err = ok(capsys, *lib, "export", "bibtex", "--out", bib)
    assert "exported 50 papers" in err
    assert bib.read_text(encoding="utf-8").count("\n@misc{") == 50
    fresh = ("--library", tmp_path / "fresh.sqlite")
    Library.open(tmp_path / "fresh.sqlite", seed=False).close()
    out, _ = ok(capsys, *fresh, "import", bib)
    assert out.strip() == "added 50, merged 0, unchanged 0, skipped 0"
    out, _ = ok(capsys, *fresh, "list", "key:akyurek2022learning", "--format", "json")
    paper = json.loads(out)[0]
    assert paper["tags"] == ["to cite"]
    assert paper["note"] == "Read *twice*; 100% worth it."
    out, _ = ok(capsys, *lib, "import", bib)
    assert out.strip() == "added 0, merged 0, unchanged 50, skipped 0"


def test_export_to_stdout_with_a_query(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    out, err = ok(capsys, "--library", library_path, "export", "bibtex", "--out", "-", "cat:CV")
    assert out.count("@misc{") == 7 and "exported 7 papers to stdout" in err
    out, _ = ok(capsys, "--library", library_path, "export", "csv", "--out", "-", "--", "-cat:CV")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 43 and all(r["category"] != "CV" for r in rows)


def test_csv_and_csl_json_files(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    lib = ("--library", library_path)
    ok(capsys, *lib, "export", "csv", "--out", tmp_path / "papers.csv")
    with (tmp_path / "papers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50
    assert {"id", "key", "title", "authors", "tags", "note", "abstract"} <= set(rows[0])
    ok(capsys, *lib, "export", "json", "--out", tmp_path / "refs.json")
    items = json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))
    assert len(items) == 50
    keys = {r["key"] for r in rows}
    for item in items:
        assert {"id", "type", "title", "author", "issued"} <= set(item)
        assert item["id"] in keys
        assert item["author"][0]["family"]
        assert item["issued"]["date-parts"][0][0] >= 2000


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_citeproc_reads_both_reference_exports(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    lib = ("--library", library_path)
    ok(capsys, *lib, "export", "json", "--out", tmp_path / "refs.json")
    ok(capsys, *lib, "export", "bibtex", "--out", tmp_path / "refs.bib")
    doc = tmp_path / "doc.md"
    doc.write_text("See [@akyurek2022learning] and [@carion2026sam].\n", encoding="utf-8")
    for bibliography in ("refs.json", "refs.bib"):
        result = subprocess.run(
            ["pandoc", doc, "--citeproc", "--bibliography", tmp_path / bibliography, "-t", "plain"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "citation" not in result.stderr.lower(), result.stderr  # no missing keys
        assert "Akyürek" in result.stdout and "SAM 3" in result.stdout


def test_notes_single_and_per_paper(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    lib = ("--library", library_path)
    ok(capsys, *lib, "status", "akyurek2022learning", "reading")
    ok(capsys, *lib, "note", "akyurek2022learning", "--set", "Key idea: ICL is GD.")
    out, _ = ok(capsys, *lib, "export", "notes", "--out", tmp_path / "j")
    journal = (tmp_path / "j" / JOURNAL_NAME).read_text(encoding="utf-8")
    assert journal.index("## Reading (1)") < journal.index("## New (49)")
    assert "Key idea: ICL is GD." in journal
    assert "written 1" in out
    out, _ = ok(capsys, *lib, "export", "notes", "--out", tmp_path / "mine.md", "status:reading")
    assert (tmp_path / "mine.md").read_text(encoding="utf-8").count("\n### ") == 1

    folder = tmp_path / "vault"
    out, _ = ok(capsys, *lib, "export", "notes", "--layout", "per-paper", "--out", folder)
    assert "written 50, unchanged 0, skipped as edited 0" in out
    assert len(list(folder.glob("*.md"))) == 50 and (folder / MANIFEST_NAME).is_file()
    note = (folder / "akyurek2022learning.md").read_text(encoding="utf-8")
    front = yaml.safe_load(note.split("---\n")[1])
    assert front["status"] == "reading" and front["key"] == "akyurek2022learning"
    (folder / "akyurek2022learning.md").write_text(note + "\nhand edit\n", encoding="utf-8")
    out, err = ok(capsys, *lib, "export", "notes", "--layout", "per-paper", "--out", folder)
    assert "written 0, unchanged 49, skipped as edited 1" in out
    assert "akyurek2022learning.md" in err and "edited" in err
    out, _ = ok(capsys, *lib, "export", "notes", "--out", "-", "has:note")
    assert out.startswith("# Reading journal") and "Key idea" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "notes", "--layout", "per-paper", "--out", "-"], "need a folder"),
        (["export", "bibtex", "--out", "{tmp}"], "is a folder"),
        (["export", "json", "--out", "-", "year:abc"], "bad query"),
        (["export", "notes", "--out", "{tmp}/bad:name.md"], "not a file name"),
        (["export", "csv", "--out", "{file}/x.csv"], "not a folder"),
        (["export", "xml", "--out", "x"], "invalid choice"),
        (["export", "bibtex"], "--out"),
    ],
)
def test_export_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    tmp_path: Path,
    argv: list[str],
    message: str,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    argv = [a.format(tmp=tmp_path, file=blocker) for a in argv]
    code, _, err = run(capsys, "--library", library_path, *argv)
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1, err


def test_import_reports_problems_and_fails_only_when_nothing_imported(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    lib = ("--library", library_path)
    good = tmp_path / "good.bib"
    good.write_text(
        "@article{new1, title = {A brand new paper}, author = {Doe, Jane}, year = 2024}\n"
        "@article{bad, title = {never closed\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, *lib, "import", good, tmp_path / "missing.bib")
    assert code == 0
    assert out.strip() == "added 1, merged 0, unchanged 0, skipped 1"
    assert "good.bib:2: malformed entry" in err and "missing.bib: cannot be read" in err
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 100)
    code, out, err = run(capsys, *lib, "import", junk, tmp_path)
    assert code == 1
    assert "added 0" in out


def test_real_process_prints_no_traceback_on_hostile_input(tmp_path: Path) -> None:
    hostile = tmp_path / "deep.bib"
    hostile.write_bytes(b"@article{k, title = {" + b"{" * 100_000 + b"\n" * 1000)
    library = tmp_path / "lib.sqlite"
    Library.open(library, seed=False).close()
    result = subprocess.run(
        [sys.executable, "-m", "papershelf", "--library", str(library), "import", str(hostile)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "malformed entry" in result.stderr
