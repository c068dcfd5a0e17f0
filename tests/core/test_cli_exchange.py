"""``papershelf import`` and ``papershelf export``, end to end through ``cli.main``."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_runner import run
from devices import dev_guard, null_device

from papershelf.core.io.export_notes import JOURNAL_NAME, MANIFEST_NAME
from papershelf.core.store.opening import open_library


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
    open_library(tmp_path / "fresh.sqlite", seed=False).close()
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
    with (tmp_path / "papers.csv").open(encoding="utf-8-sig", newline="") as handle:
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


def test_import_as_json_with_progress_for_programs(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{new1, title = {Über Quanten}, author = {Müller, Jürgen}, year = 2024}\n"
        "@article{new2, title = {Zwei}, author = {Doe, Jane}, year = 2024}\n"
        "@article{new3, title = {Drei}, author = {Roe, Jim}, year = 2024}\n"
        "@article{bad, title = {never closed\n",
        encoding="utf-8",
    )
    out, err = ok(capsys, "--library", library_path, "import", "--format", "json",
                  "--progress", bib)  # fmt: skip
    assert json.loads(out) == {
        "added": 3, "merged": 0, "unchanged": 0, "skipped": 1,
        "problems": [
            "refs.bib:4: malformed entry '@article{bad' skipped: Unexpectedly reached end of file."
        ],
        "merges": [],
    }  # fmt: skip
    # The first line while the file is read, then the entries: every stage's first and last.
    lines = err.splitlines()
    assert lines[:2] == ["progress 0 0", "progress 1 3"] and lines[-1] == "progress 3 3"
    # Nothing imported: the report still says why, and a program gets exit code 0.
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 100)
    out, err = ok(capsys, "--library", library_path, "import", "--format", "json", junk)
    assert json.loads(out)["added"] == 0 and json.loads(out)["problems"]
    assert err == ""  # no progress unless asked for


def test_the_windows_undo_record_is_not_offered_to_people(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    out, _ = ok(capsys, "--library", library_path, "import", "--help")
    assert "--progress" in out and "--undo-record" not in out


def test_real_process_prints_no_traceback_on_hostile_input(tmp_path: Path) -> None:
    hostile = tmp_path / "deep.bib"
    hostile.write_bytes(b"@article{k, title = {" + b"{" * 100_000 + b"\n" * 1000)
    library = tmp_path / "lib.sqlite"
    open_library(library, seed=False).close()
    result = subprocess.run(
        [sys.executable, "-m", "papershelf", "--library", str(library), "import", str(hostile)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "malformed entry" in result.stderr


# --- where --out leads (issue 13, item 6) -------------------------------------------------


def papershelf(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    """A real ``papershelf`` process."""
    command = [sys.executable, "-m", "papershelf", *map(str, argv)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(os.name != "posix", reason="POSIX links")
def test_export_through_a_link_keeps_the_link(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "synced").mkdir()
    real = tmp_path / "synced" / "refs.bib"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    for what in ("bibtex", "csv", "json"):
        ok(capsys, "--library", library_path, "export", what, "--out", link)
        assert link.is_symlink() and os.readlink(link) == str(real)
        assert real.stat().st_size > 1000
    dangling = tmp_path / "later.csv"
    dangling.symlink_to(tmp_path / "nowhere" / "x.csv")
    code, _, err = run(capsys, "--library", library_path, "export", "csv", "--out", dangling)
    assert code == 1 and "whose folder does not exist" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(os.name != "posix", reason="/dev/stdout is POSIX")
@pytest.mark.usefixtures(dev_guard.__name__)
def test_export_to_dev_stdout_is_the_same_as_dash(library_path: Path, tmp_path: Path) -> None:
    lib = ("--library", library_path)
    for what in ("csv", "notes"):
        dash = papershelf(*lib, "export", what, "--out", "-")
        dev = papershelf(*lib, "export", what, "--out", "/dev/stdout")
        assert dev.returncode == 0 and dev.stdout == dash.stdout != ""  # no summary in it
    null = null_device(tmp_path)
    for what in ("bibtex", "notes"):
        result = papershelf(*lib, "export", what, "--out", null)
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert os.listdir(null.parent) == [null.name] or null == Path("/dev/null")


@pytest.mark.skipif(shutil.which("bash") is None, reason="process substitution needs bash")
def test_export_into_a_process_substitution(library_path: Path, tmp_path: Path) -> None:
    counted = tmp_path / "count"
    command = (
        f"{shlex.quote(sys.executable)} -m papershelf --library {shlex.quote(str(library_path))}"
        f" export bibtex --out >(wc -c > {shlex.quote(str(counted))}); wait"
    )
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    reference = papershelf("--library", library_path, "export", "bibtex", "--out", "-")
    assert int(counted.read_text()) == len(reference.stdout.encode("utf-8")) > 1000


# --- Ctrl-C (issue 13, item 7) ------------------------------------------------------------

_SIGINT_AFTER = """
import os, signal, sys
import importlib
module = importlib.import_module("papershelf.core.{module}")
real, calls = module.{function}, 0
def counting(*args, **kwargs):
    global calls
    result = real(*args, **kwargs)
    calls += 1
    if calls == {count}:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it
    return result
module.{function} = counting
from papershelf.cli import main
sys.exit(main(sys.argv[1:]))
"""


def interrupted(
    module: str, function: str, count: int, *argv: str | Path
) -> subprocess.CompletedProcess[str]:
    """A real process that gets SIGINT after ``module.function`` ran ``count`` times."""
    code = _SIGINT_AFTER.format(module=module, function=function, count=count)
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ctrl_c_during_a_per_paper_export_says_how_far_it_got(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "vault"
    lib = ("--library", library_path)
    result = interrupted(
        "io.export_notes", "atomic_write", 12, *lib, "export", "notes", "--layout", "per-paper",
        "--out", folder,
    )  # fmt: skip
    assert result.returncode == 130
    assert result.stderr == (
        f"papershelf: interrupted: wrote 12 of 50 notes to {folder}; "
        "run the export again to finish\n"
    )
    written = sorted(folder.glob("*.md"))
    assert len(written) == 12
    ok(capsys, *lib, "note", written[0].stem, "--set", "changed meanwhile")
    out, err = ok(capsys, *lib, "export", "notes", "--layout", "per-paper", "--out", folder)
    assert "written 39, unchanged 11, skipped as edited 0" in out  # 38 new + the changed one
    assert "changed meanwhile" in written[0].read_text(encoding="utf-8")
    assert err == "" and not list(folder.glob("*-2.md"))


def test_ctrl_c_before_a_reference_export_writes_leaves_the_file(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from papershelf.cli import exchange as cli_exchange

    target = tmp_path / "refs.bib"
    target.write_text("old\n", encoding="utf-8")

    def ctrl_c(records: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_exchange, "export_bibtex", ctrl_c)
    code, _, err = run(capsys, "--library", library_path, "export", "bibtex", "--out", target)
    assert code == 130 and err == "papershelf: interrupted: nothing was exported\n"
    assert target.read_text(encoding="utf-8") == "old\n"


def _library_state(capsys: pytest.CaptureFixture[str], library_path: Path) -> str:
    out, _ = ok(capsys, "--library", library_path, "list", "--format", "json", "--sort", "key")
    return out


def test_ctrl_c_during_an_import_leaves_the_library_unchanged(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "new.bib"
    bib.write_text(
        "".join(
            f"@article{{new{i}, title = {{A new paper number {i}}}, author = {{Doe, Jane}},"
            f" year = 2024}}\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    before = _library_state(capsys, library_path)
    # SIGINT once the entries are in the library's open transaction, before its commit.
    result = interrupted("io.importer", "apply_bibtex", 1, "--library", library_path, "import", bib)
    assert result.returncode == 130
    assert result.stderr == (
        "papershelf: interrupted: nothing was imported; the library was left unchanged\n"
    )
    assert _library_state(capsys, library_path) == before
    out, _ = ok(capsys, "--library", library_path, "import", bib)  # and it still works
    assert out.strip() == "added 300, merged 0, unchanged 0, skipped 0"


def test_ctrl_c_after_an_import_was_saved_does_not_claim_otherwise(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from papershelf.core.io import importer
    from papershelf.core.store.library import Library as LibraryClass

    bib = tmp_path / "one.bib"
    bib.write_text("@article{solo, title = {Alone}, author = {Doe, Jane}, year = 2024}\n")

    def ctrl_c(self: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "LARGE_IMPORT", 1)  # the index merge runs after the commit
    monkeypatch.setattr(LibraryClass, "merge_search_index", ctrl_c)
    code, _, err = run(capsys, "--library", library_path, "import", bib)
    assert code == 130 and err == "papershelf: interrupted after the import was saved\n"
    monkeypatch.undo()
    out, _ = ok(capsys, "--library", library_path, "list", "key:solo", "--format", "json")
    assert len(json.loads(out)) == 1
