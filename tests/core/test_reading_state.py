"""A second library can take over a reader's state from our exports (issue 15): status,
when it was read, tags and notes travel in BibTeX and CSL-JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run

from papershelf.core.store.opening import open_library

READ_AT = "2026-11-20T09:30:00+00:00"


def state(path: Path) -> dict[str, tuple[str, str | None, list[str], str]]:
    with open_library(path, seed=False) as lib:
        return {p.key: (p.status, p.read_at, p.tags, p.note) for p in lib.papers(lib.search(""))}


@pytest.mark.parametrize(
    ("what", "suffix"), [("bibtex", "bib"), ("biblatex", "bib"), ("json", "json")]
)
def test_a_new_library_takes_over_the_reading_state(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path, what: str, suffix: str
) -> None:
    with open_library(library_path) as lib:
        ids = lib.search("", sort="key")
        lib.set_status(ids[:3], "read", at=READ_AT)
        lib.set_status(ids[3:5], "to-read")
        lib.set_status(ids[5:6], "skipped")
        lib.add_tags(ids[:2], ["theory", "to cite"])
        lib.set_note(ids[0], "Read twice.")
    before = state(library_path)
    out = tmp_path / f"refs.{suffix}"
    assert run(capsys, "--library", library_path, "export", what, "--out", out)[0] == 0
    second = tmp_path / "second.sqlite"
    code, _, err = run(capsys, "--library", second, "--no-seed", "import", out)
    assert code == 0, err
    after = state(second)
    assert after == before
    with open_library(second, seed=False) as lib:  # the history says when it was read
        history = lib.conn.execute(
            "SELECT status, changed_at FROM status_history WHERE status = 'read'"
        ).fetchall()
    assert history == [("read", READ_AT)] * 3


def test_a_paper_the_reader_already_has_keeps_its_own_state(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "theirs.bib"
    with open_library(library_path) as lib:
        first, second = lib.search("", sort="key")[:2]
        lib.set_status([first], "reading")
        keys = lib.keys_of([first, second])
    text = "".join(
        f"@misc{{{keys[i]}, title = {{{t}}}, readstatus = {{read}}, readdate = {{{READ_AT}}}}}\n"
        for i, t in ((first, _title(library_path, first)), (second, _title(library_path, second)))
    )
    bib.write_text(text, encoding="utf-8")
    assert run(capsys, "--library", library_path, "import", bib)[0] == 0
    with open_library(library_path) as lib:
        assert lib.paper(first).status == "reading"  # the reader's own: never overwritten
        assert (lib.paper(second).status, lib.paper(second).read_at) == ("read", READ_AT)


def test_jabref_s_reading_marks_are_understood(tmp_path: Path) -> None:
    from papershelf.core.io.bibtex_fields import reading_state

    assert reading_state({"readstatus": "skimmed"}) == ("reading", None)
    assert reading_state({"readstatus": "read", "readdate": "2024-02-03"}) == ("read", "2024-02-03")
    assert reading_state({"readstatus": "finished"}) == (None, None)  # not a status: ignored
    assert reading_state({"readstatus": "read", "readdate": "yesterday"}) == ("read", None)


def _title(path: Path, paper_id: int) -> str:
    with open_library(path) as lib:
        return lib.paper(paper_id).title.replace("{", "").replace("}", "")
