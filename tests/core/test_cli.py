"""The command line: in-process through ``main(argv)`` and as a real ``python -m papershelf``."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import sqlite3
import string
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

from papershelf.core import paths
from papershelf.core.fields import PaperFields
from papershelf.core.store import schema
from papershelf.core.store.opening import open_library
from papershelf.core.store.schema import STATUSES

SEEDS = Path(__file__).parents[2] / "seeds"
PAIRS_NAME = "001_c327793b78459269.txt"
CONTRACT = (
    "id",
    "key",
    "title",
    "authors",
    "affiliations",
    "published",
    "category",
    "has_code",
    "code_urls",
    "score",
    "status",
    "tags",
    "note",
    "abstract",
    "added",
    "read_at",
)


def run_ok(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "Traceback" not in err
    return out


def listed(capsys: pytest.CaptureFixture[str], lib: Path, *query: str) -> list[dict[str, Any]]:
    out = run_ok(capsys, "--library", lib, "list", *query, "--format", "json")
    records = json.loads(out)
    assert isinstance(records, list)
    return records


def one(capsys: pytest.CaptureFixture[str], lib: Path, key: str) -> dict[str, Any]:
    found = listed(capsys, lib, f"key:{key}")
    assert len(found) == 1
    return found[0]


def is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value


def assert_contract(record: dict[str, Any]) -> None:
    missing = [name for name in CONTRACT if name not in record]
    assert not missing, missing
    assert isinstance(record["id"], int) and not isinstance(record["id"], bool)
    assert isinstance(record["key"], str) and record["key"]
    assert isinstance(record["title"], str) and record["title"]
    for name in ("authors", "affiliations", "code_urls", "tags"):
        assert isinstance(record[name], list), name
        assert all(isinstance(v, str) for v in record[name]), name
    assert record["authors"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["published"])
    datetime.strptime(record["published"], "%Y-%m-%d")
    assert record["category"] in {"LG", "CL", "CV", "LO"}
    assert isinstance(record["has_code"], bool)
    score = record["score"]
    assert score is None or (isinstance(score, int | float) and not isinstance(score, bool))
    assert record["status"] in STATUSES
    assert isinstance(record["note"], str)
    assert isinstance(record["abstract"], str) and record["abstract"]
    assert is_iso(record["added"])
    assert record["read_at"] is None or is_iso(record["read_at"])


# --- list ---------------------------------------------------------------------------------


def test_list_json_has_every_contract_field(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    records = listed(capsys, library_path)
    assert len(records) == 50
    for record in records:
        assert_contract(record)
    assert len({r["id"] for r in records}) == len({r["key"] for r in records}) == 50
    assert any(r["score"] is not None for r in records)
    assert all(r["note"] == "" and r["tags"] == [] and r["status"] == "new" for r in records)
    first = next(r for r in records if r["key"] == "akyurek2022learning")
    assert first["affiliations"] == ["microsoft-research", "mit"]
    assert first["has_code"] is True
    assert first["authors"][0] == "Ekin Akyürek"  # UTF-8, not \u escapes, survives


def test_environment_variable_picks_the_library(
    capsys: pytest.CaptureFixture[str], library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.LIBRARY_ENV, str(library_path))
    run_ok(capsys, "status", "akyurek2022learning", "read")
    records = json.loads(run_ok(capsys, "list", "status:read", "--format", "json"))
    assert [r["key"] for r in records] == ["akyurek2022learning"]
    with open_library(library_path) as lib:
        assert lib.search("status:read") == [lib.resolve("akyurek2022learning")]


def test_library_option_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = tmp_path / "elsewhere" / "other.sqlite"
    monkeypatch.setenv(paths.LIBRARY_ENV, str(other))
    run_ok(capsys, "--library", library_path, "tag", "akyurek2022learning", "chosen")
    assert not other.exists()
    assert listed(capsys, library_path, "tag:chosen")[0]["key"] == "akyurek2022learning"


def test_missing_library_is_created_and_seeded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new" / "library.sqlite"
    assert len(listed(capsys, path)) == 50
    assert path.is_file()


def test_list_csv_parses(capsys: pytest.CaptureFixture[str], library_path: Path) -> None:
    out = run_ok(capsys, "--library", library_path, "list", "cat:CV", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == 7
    assert all(row["category"] == "CV" for row in rows)
    assert set(CONTRACT) <= set(rows[0])
    sam = next(row for row in rows if row["key"] == "carion2026sam")
    assert sam["authors"] == "Nicolas Carion; Laura Gustafson; Yuan-Ting Hu"
    assert sam["title"] == "SAM 3: Segment Anything with Concepts"
    by_key = {r["key"]: r for r in listed(capsys, library_path, "cat:CV")}
    for row in rows:
        assert row["abstract"] == by_key[row["key"]]["abstract"]  # commas, quotes survive


def _nocase(value: str) -> str:
    return value.translate(str.maketrans(string.ascii_uppercase, string.ascii_lowercase))


def test_sort_and_limit(capsys: pytest.CaptureFixture[str], library_path: Path) -> None:
    titles = sorted((r["title"] for r in listed(capsys, library_path)), key=_nocase)
    first = listed(capsys, library_path, "--sort", "title", "--limit", "3")
    assert [r["title"] for r in first] == titles[:3]
    last = listed(capsys, library_path, "--sort", "title", "--desc", "--limit", "3")
    assert [r["title"] for r in last] == titles[::-1][:3]
    table = run_ok(capsys, "--library", library_path, "list", "--sort", "title", "--limit", "3")
    lines = table.splitlines()
    assert len(lines) == 3
    assert titles[0][:60] in lines[0]
    assert listed(capsys, library_path, "--limit", "0") == []


def test_query_words_are_joined(capsys: pytest.CaptureFixture[str], library_path: Path) -> None:
    assert len(listed(capsys, library_path, "cat:CV", "year:2025")) == 2
    assert len(listed(capsys, library_path, "cat:CV year:2025")) == 2


# --- writes -------------------------------------------------------------------------------


def test_status_by_number_and_key(capsys: pytest.CaptureFixture[str], library_path: Path) -> None:
    paper = one(capsys, library_path, "xie2023doremi")
    run_ok(capsys, "--library", library_path, "status", str(paper["id"]), "reading")
    assert one(capsys, library_path, "xie2023doremi")["status"] == "reading"
    assert one(capsys, library_path, "xie2023doremi")["read_at"] is None
    run_ok(capsys, "--library", library_path, "status", "xie2023doremi", "read")
    record = one(capsys, library_path, "xie2023doremi")
    assert record["status"] == "read"
    assert is_iso(record["read_at"])
    for status in STATUSES:
        run_ok(capsys, "--library", library_path, "status", "XIE2023DOREMI", status)
        assert one(capsys, library_path, "xie2023doremi")["status"] == status


def test_tag_and_untag(capsys: pytest.CaptureFixture[str], library_path: Path) -> None:
    paper = one(capsys, library_path, "akyurek2022learning")
    run_ok(capsys, "--library", library_path, "tag", "akyurek2022learning", "icl", "to read")
    run_ok(capsys, "--library", library_path, "tag", str(paper["id"]), " ICL ")
    assert one(capsys, library_path, "akyurek2022learning")["tags"] == ["icl", "to read"]
    assert [r["id"] for r in listed(capsys, library_path, 'tag:"to read"')] == [paper["id"]]
    run_ok(capsys, "--library", library_path, "untag", str(paper["id"]), "ICL")
    assert one(capsys, library_path, "akyurek2022learning")["tags"] == ["to read"]
    run_ok(capsys, "--library", library_path, "untag", "akyurek2022learning", "to read")
    assert one(capsys, library_path, "akyurek2022learning")["tags"] == []
    assert listed(capsys, library_path, "has:tags") == []


def test_note_set_append_file_and_read(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    paper = one(capsys, library_path, "xie2023doremi")
    number = str(paper["id"])
    lib = ("--library", library_path)

    run_ok(capsys, *lib, "note", "xie2023doremi", "--set", "# DoReMi\n\nGroup DRO proxy.")
    assert run_ok(capsys, *lib, "note", number) == "# DoReMi\n\nGroup DRO proxy.\n"
    run_ok(capsys, *lib, "note", number, "--append", "Try on *The Pile*.")
    expected = "# DoReMi\n\nGroup DRO proxy.\n\nTry on *The Pile*."
    assert one(capsys, library_path, "xie2023doremi")["note"] == expected
    assert run_ok(capsys, *lib, "note", "xie2023doremi") == expected + "\n"
    assert [r["id"] for r in listed(capsys, library_path, "Pile", "has:note")] == [paper["id"]]

    source = tmp_path / "note.md"
    source.write_text("Ünïcode from a *file*\n- with a list\n", encoding="utf-8")
    run_ok(capsys, *lib, "note", "xie2023doremi", "--file", source)
    assert run_ok(capsys, *lib, "note", number) == "Ünïcode from a *file*\n- with a list\n\n"
    assert one(capsys, library_path, "xie2023doremi")["note"] == source.read_text("utf-8")

    run_ok(capsys, *lib, "note", number, "--set", "")
    assert run_ok(capsys, *lib, "note", number) == "\n"
    assert listed(capsys, library_path, "has:note") == []
    # Appending to no note starts one, without a leading blank paragraph.
    run_ok(capsys, *lib, "note", number, "--append", "first line")
    assert one(capsys, library_path, "xie2023doremi")["note"] == "first line"


def test_import_again_reports_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    before = listed(capsys, library_path)
    code, out, err = run(capsys, "--library", library_path, "import", *sorted(SEEDS.glob("*.txt")))
    assert (code, err) == (0, "")
    assert out.strip() == "added 0, merged 0, unchanged 50, skipped 0"
    code, out, err = run(capsys, "--library", library_path, "import", SEEDS / PAIRS_NAME)
    assert (code, err) == (0, "")
    assert out.strip() == "added 0, merged 0, unchanged 10, skipped 0"
    assert listed(capsys, library_path) == before


# --- errors -------------------------------------------------------------------------------


def _junk(tmp_path: Path) -> Path:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def _foreign(tmp_path: Path) -> Path:
    path = tmp_path / "places.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE bookmarks(url TEXT)")
    raw.commit()
    raw.close()
    return path


def _newer(library_path: Path) -> Path:
    raw = sqlite3.connect(library_path)
    raw.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    raw.close()
    return library_path


def _binary_note(tmp_path: Path) -> Path:
    path = tmp_path / "note.bin"
    path.write_bytes(b"\xff\xfe\x00\xd8 not utf-8 \xc3\x28")
    return path


# name -> (argv after the program name, what the one line must say)
ERRORS: dict[str, tuple[list[str], str]] = {
    "unknown id": (["--library", "{lib}", "status", "99999", "read"], "no paper with id or key"),
    "unknown key": (["--library", "{lib}", "tag", "nobody2099nothing", "x"], "nobody2099nothing"),
    # int() reads these as numbers: a ValueError, an OverflowError, and paper 1 changed.
    "superscript id": (
        ["--library", "{lib}", "status", "²", "read"],
        "no paper with id or key '²'",
    ),
    "arabic-indic id": (["--library", "{lib}", "status", "١", "read"], "id or key '١'"),
    "huge id": (
        ["--library", "{lib}", "status", "99999999999999999999999", "read"],
        "no paper with id or key '99999999999999999999999'",
    ),
    "bad status": (["--library", "{lib}", "status", "1", "done"], "invalid choice: 'done'"),
    "bad query": (["--library", "{lib}", "list", "year:abc"], "bad query"),
    "bad sort": (["--library", "{lib}", "list", "--sort", "colour"], "colour"),
    "bad limit": (["--library", "{lib}", "list", "--limit", "many"], "many"),
    "unknown command": (["--library", "{lib}", "frobnicate"], "frobnicate"),
    "missing note file": (
        ["--library", "{lib}", "note", "1", "--file", "{tmp}/missing.md"],
        "missing.md",
    ),
    "note file is a folder": (["--library", "{lib}", "note", "1", "--file", "{tmp}"], "{tmp}"),
    "note file not utf-8": (["--library", "{lib}", "note", "1", "--file", "{binary}"], "note.bin"),
    "library is a folder": (["--library", "{tmp}", "list"], "is a folder"),
    "junk library": (["--library", "{junk}", "list"], "is damaged"),
    "another program's database": (["--library", "{foreign}", "list"], "not a Papershelf"),
    "newer library": (["--library", "{newer}", "list"], "update Papershelf"),
    "nothing importable": (["--library", "{lib}", "import", "{tmp}/missing.txt"], "missing.txt"),
}


def _argv(template: list[str], tmp_path: Path, library_path: Path) -> list[str]:
    values = {
        "lib": str(library_path),
        "tmp": str(tmp_path),
        "junk": str(_junk(tmp_path)),
        "foreign": str(_foreign(tmp_path)),
        "binary": str(_binary_note(tmp_path)),
        "newer": "",
    }
    if any("{newer}" in a for a in template):
        values["newer"] = str(_newer(library_path))
    return [a.format(**values) for a in template]


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_are_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, library_path: Path, case: str
) -> None:
    template, needle = ERRORS[case]
    code, out, err = run(capsys, *_argv(template, tmp_path, library_path))
    assert code != 0
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert needle.format(tmp=tmp_path) in err
    if case != "nothing importable":  # an import reports each problem by its file
        assert err.startswith("papershelf")
        assert out == ""
    if case in (
        "bad status",
        "unknown id",
        "superscript id",
        "arabic-indic id",
        "huge id",
        "missing note file",
        "note file not utf-8",
    ):
        with open_library(library_path) as lib:
            assert lib.search("status:new") == lib.search("")
            assert lib.search("has:note") == []
    if case == "junk library":
        assert (tmp_path / "junk.sqlite").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- as a real process --------------------------------------------------------------------


def _process(tmp_path: Path, *argv: str | Path, env: dict[str, str] | None = None) -> Any:
    environment = {k: v for k, v in os.environ.items() if k != paths.LIBRARY_ENV}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "papershelf", *map(str, argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=environment,
        timeout=120,
    )


def test_process_seeds_a_new_library_and_lists_json(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    done = _process(tmp_path, "--library", path, "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    records = json.loads(done.stdout)
    assert len(records) == 50
    for record in records:
        assert_contract(record)
    doremi = next(r for r in records if r["key"] == "xie2023doremi")
    assert len(doremi["authors"]) == 10


def test_process_uses_the_environment_and_writes(tmp_path: Path, library_path: Path) -> None:
    env = {paths.LIBRARY_ENV: str(library_path)}
    done = _process(tmp_path, "status", "akyurek2022learning", "read", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    done = _process(tmp_path, "note", "akyurek2022learning", "--set", "linear models", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    done = _process(tmp_path, "list", "status:read", "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert [(r["key"], r["status"], r["note"]) for r in rows] == [
        ("akyurek2022learning", "read", "linear models")
    ]


@pytest.mark.parametrize("case", ["junk library", "bad status", "bad query", "superscript id"])
def test_process_errors_are_one_line(tmp_path: Path, library_path: Path, case: str) -> None:
    template, needle = ERRORS[case]
    done = _process(tmp_path, *_argv(template, tmp_path, library_path))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert needle in done.stderr
    assert done.stdout == ""


def test_an_id_with_leading_zeros_is_that_id(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    run_ok(capsys, "--library", library_path, "status", "007", "read")
    [record] = listed(capsys, library_path, "status:read")
    assert record["id"] == 7


def test_status_2006_does_not_change_a_cyrillic_paper(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Its key used to be "2006" (the Cyrillic letters dropped), which "status 2006" found."""
    lib = tmp_path / "lib.sqlite"
    bib = tmp_path / "tolstoy.bib"
    entry = "@book{Толстой1878, title={Анна Каренина}, author={Лев Толстой}, year={1878}}"
    bib.write_text(entry, encoding="utf-8")
    with open_library(lib, seed=False) as library:
        library.add_paper(
            PaperFields(title="Война и мир", authors=["Лев Толстой"], published="2006")
        )
    code, _, err = run(capsys, "--library", lib, "status", "2006", "read")
    assert (code, err) == (1, "papershelf: no paper with id or key '2006'\n")
    assert [r["key"] for r in listed(capsys, lib, "status:new")] == ["tolstoy2006voyna"]
    run_ok(capsys, "--library", lib, "import", bib)
    run_ok(capsys, "--library", lib, "status", "толстой1878", "read")  # its own key, any case
    [record] = listed(capsys, lib, "key:ТОЛСТОЙ")
    assert (record["key"], record["status"]) == ("Толстой1878", "read")


def test_an_entry_key_of_digits_alone_is_replaced_with_a_word(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = tmp_path / "lib.sqlite"
    bib = tmp_path / "refs.bib"
    entry = "@book{2006, title={Война и мир}, author={Лев Толстой}, year={2006}}"
    bib.write_text(entry, encoding="utf-8")
    open_library(lib, seed=False).close()
    code, out, err = run(capsys, "--library", lib, "import", bib)
    assert (code, out) == (0, "added 1, merged 0, unchanged 0, skipped 0\n")
    assert "entry '2006' (refs.bib:1): a key of digits alone would read as a paper id" in err
    assert "its key is 'tolstoy2006voyna'" in err


# --- output that cannot be written ---------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="Linux's /dev/full")
OUTPUT_COMMANDS = [
    ["list"],
    ["list", "--format", "json"],
    ["list", "--format", "csv", "--limit", "1"],
    ["note", "1"],
    ["export", "bibtex", "--out", "-"],
    ["export", "notes", "--out", "-"],
]


def _buffered_environment() -> dict[str, str]:
    """A user's environment: stdout buffered, so a failed write can surface at exit too."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", paths.LIBRARY_ENV)}


@needs_dev_full
@pytest.mark.parametrize("unbuffered", [False, True])
@pytest.mark.parametrize("argv", OUTPUT_COMMANDS)
def test_output_to_a_full_disk_is_one_line(
    tmp_path: Path, library_path: Path, argv: list[str], unbuffered: bool
) -> None:
    env = _buffered_environment() | ({"PYTHONUNBUFFERED": "1"} if unbuffered else {})
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "papershelf", "--library", str(library_path), *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
    assert done.stderr == "papershelf: cannot write the output: No space left on device\n"
    assert done.returncode == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as Linux has it")
@pytest.mark.parametrize("argv", OUTPUT_COMMANDS)
def test_output_to_a_file_that_cannot_grow_is_one_line(
    tmp_path: Path, library_path: Path, argv: list[str]
) -> None:
    """A regular file keeps small output in the buffer until the flush at exit: the
    failure must still be one line, and that last flush must not fail a second time."""
    import resource
    import signal

    limit = 64 << 20  # far above the library; stdout starts at the limit, so it cannot grow

    def cap_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with open(tmp_path / "out.txt", "wb") as out:
        out.seek(limit)
        done = subprocess.run(
            [sys.executable, "-m", "papershelf", "--library", str(library_path), *argv],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=_buffered_environment(),
            preexec_fn=cap_file_size,
            timeout=120,
        )
    assert done.stderr == "papershelf: cannot write the output: File too large\n"
    assert done.returncode == 1


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    """As "| head -1" does: quiet, whether the pipe closes mid-way through a long output or
    before a short one (still in the buffer, so the flush at exit must not fail)."""
    lib = tmp_path / "big.sqlite"
    with open_library(lib, seed=False) as library:
        library.add_papers(
            [PaperFields(title=f"Paper {n}", abstract="x" * 500) for n in range(2000)]
        )
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    for argv, read in [
        (["list", "--format", "json"], 1),  # far above a pipe's buffer
        (["list", "--limit", "1"], 0),
        (["note", "1"], 0),
    ]:
        command = [sys.executable, "-m", "papershelf", "--library", str(lib), *argv]
        with subprocess.Popen(command, env=_buffered_environment(), **pipes) as process:
            assert process.stdout is not None and process.stderr is not None
            process.stdout.read(read)
            process.stdout.close()
            err = process.stderr.read()
            assert (process.wait(timeout=120), err) == (0, b""), argv


def test_an_oserror_that_is_no_output_error_stays_a_bug(
    capsys: pytest.CaptureFixture[str], library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only failed writes to stdout are the reader's problem; other OSErrors are ours."""
    from papershelf.cli import papers as papers_commands

    def broken(*_: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(papers_commands, "run", broken)
    code, _, err = run(capsys, "--library", library_path, "list")
    assert code == 70
    assert err == "papershelf: internal error: OSError: [Errno 28] No space left on device\n"


def test_no_seed_makes_an_empty_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    code, out, err = run(capsys, "--library", str(path), "--no-seed", "list", "--format", "json")
    assert (code, json.loads(out), err) == (0, [], "")
    # Near miss: an existing library is never emptied or seeded by the option.
    seeded = tmp_path / "seeded.sqlite"
    assert run(capsys, "--library", str(seeded), "list")[0] == 0
    code, out, _ = run(capsys, "--library", str(seeded), "--no-seed", "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 50


def test_version_is_the_installed_packages() -> None:
    """``--version`` prints the package's literal, which hatchling also writes into the
    installed metadata (pyproject.toml's dynamic version): the two cannot disagree."""
    from importlib.metadata import version

    from papershelf import __version__

    done = subprocess.run(
        [sys.executable, "-m", "papershelf", "--version"], capture_output=True, text=True
    )
    assert done.stdout.strip() == f"papershelf {__version__}"
    assert version("papershelf") == __version__
