"""`papershelf backup` and `papershelf restore` from the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from papershelf.cli import main as cli
from papershelf.core.store.opening import open_library


def test_backup_then_restore_the_newest(library_path: Path, capsys) -> None:
    assert cli(["--library", str(library_path), "status", "2", "read"]) == 0
    assert cli(["--library", str(library_path), "backup"]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert made.is_file() and made.parent == library_path.parent / "backups"
    assert cli(["--library", str(library_path), "status", "2", "skipped"]) == 0
    assert cli(["--library", str(library_path), "restore"]) == 0
    out = capsys.readouterr().out
    assert str(made) in out and "kept as" in out
    with open_library(library_path) as lib:
        assert lib.record(2)["status"] == "read"


def test_restore_without_backups_is_one_clear_line(library_path: Path, capsys) -> None:
    assert cli(["--library", str(library_path), "restore"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no good backup" in err[0]


def test_restore_refuses_a_damaged_backup(library_path: Path, tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    before = library_path.read_bytes()
    assert cli(["--library", str(library_path), "restore", str(junk)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert library_path.read_bytes() == before


def test_an_emptied_library_comes_back_and_its_backup_survives(
    library_path: Path, tmp_path: Path, capsys
) -> None:
    # Issue 13, item 2: `P import x.bib; P backup; : > L; P list; P backup`.
    bib = tmp_path / "x.bib"
    bib.write_text("@article{only2024here, title={Only In The Import}, author={Ann Smith}}\n")
    lib = ["--library", str(library_path)]
    assert cli([*lib, "import", str(bib)]) == 0
    assert cli([*lib, "backup"]) == 0
    first = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert first.is_file()
    library_path.write_bytes(b"")
    assert cli([*lib, "list", "title:only"]) == 0
    out, err = capsys.readouterr()
    assert "Only In The Import" in out
    assert len(err.splitlines()) == 2 and "restored from the backup" in err.splitlines()[0]
    assert cli([*lib, "backup"]) == 0
    # Every backup left holds the import (today it was rotated away for the re-seeded one).
    backups = sorted(first.parent.glob("library-*.sqlite"))
    assert backups
    for path in backups:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        sql = "SELECT count(*) FROM papers WHERE title = 'Only In The Import'"
        assert copy.execute(sql).fetchone()[0] == 1
        copy.close()
