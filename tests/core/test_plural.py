"""One pluralising helper for every counted message: "1 paper", never "1 papers"."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run

from papershelf.core.io.export_notes import export_notes
from papershelf.core.ops.undoable import papers_phrase
from papershelf.core.plural import choose, noun, plural
from papershelf.core.store.library import Library


def test_one_and_many() -> None:
    assert plural(1, "paper") == "1 paper"
    assert plural(0, "paper") == "0 papers"
    assert plural(2, "paper") == "2 papers"
    assert plural(12_000, "paper") == "12,000 papers"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert noun(1, "note") == "note" and noun(5, "note") == "notes"
    assert choose(1, "its note", "their notes") == "its note"
    assert choose(2, "its note", "their notes") == "their notes"


def test_undo_labels_count_in_the_right_number() -> None:
    assert papers_phrase(1) == "1 paper"
    assert papers_phrase(2) == "2 papers"


def test_command_line_list_counts_one_paper(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    code, _out, err = run(capsys, "--library", library_path, "list", "key:akyurek2022learning")
    assert code == 0
    assert err.strip() == "1 paper"
    code, _out, err = run(capsys, "--library", library_path, "list", "cat:CV")
    assert err.strip().endswith(" papers") and not err.startswith("1 ")


def test_journal_of_one_paper_says_one_paper(library: Library, tmp_path: Path) -> None:
    one = library.search("key:akyurek2022learning")
    assert len(one) == 1
    export_notes(library, one, tmp_path, "single")
    journal = (tmp_path / "reading-journal.md").read_text(encoding="utf-8")
    assert "\n1 paper.\n" in journal and "1 papers" not in journal


def test_sizes_read_as_a_reader_reads_them() -> None:
    from papershelf.core.plural import size_text

    assert [size_text(n) for n in (1, 940, 999, 1000, 118_400, 999_499, 1_234_567)] == [
        "1 byte", "940 bytes", "999 bytes", "1 KB", "118 KB", "999 KB", "1.2 MB",
    ]  # fmt: skip
