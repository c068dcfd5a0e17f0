"""Opening a paper through a fake opener: what is opened, what never is, and marking it reading."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cli_runner import run
from pdfs import make_pdf

from papershelf.core.errors import LibraryError
from papershelf.core.files.opener import OPENER_ENV
from papershelf.core.ops import files as ops
from papershelf.core.ops import papers as paper_ops
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


class FakeOpener:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)


def with_fields(library: Library, paper_id: int, **values: object) -> None:
    fields = library.paper(paper_id).describing()
    for name, value in values.items():
        setattr(fields, name, value)
    paper_ops.edit_paper(library, paper_id, fields)


@pytest.fixture
def paper(library: Library) -> int:
    paper_id = library.search("")[0]
    with_fields(library, paper_id, code_urls=[], has_code=False, url=None)
    return paper_id


def test_the_pdf_first_then_doi_then_arxiv_then_code(
    library: Library, paper: int, tmp_path: Path
) -> None:
    opener = FakeOpener()
    with pytest.raises(LibraryError, match=r"nothing|no PDF"):
        ops.open_paper(library, paper, opener)
    with_fields(library, paper, code_urls=["javascript:alert(1)", "https://github.com/a/b"])
    ops.open_paper(library, paper, opener)
    with_fields(library, paper, arxiv_id="2303.16800")
    ops.open_paper(library, paper, opener)
    with_fields(library, paper, doi="10.1000/a b<c>")
    ops.open_paper(library, paper, opener)
    done = ops.attach(library, paper, make_pdf(tmp_path / "p.pdf"))
    ops.open_paper(library, paper, opener)
    stored = (library.path.parent / "files" / done.path).resolve()
    assert opener.urls == [
        "https://github.com/a/b",
        "https://arxiv.org/abs/2303.16800",
        "https://doi.org/10.1000/a%20b<c>",
        stored.as_uri(),
    ]


@pytest.mark.parametrize(
    "name", ["run.desktop", "setup.exe", "evil.sh", "fake.pdf", "a.pdf.desktop"]
)
def test_any_other_file_is_shown_in_its_folder_never_launched(
    library: Library, paper: int, tmp_path: Path, name: str
) -> None:
    bad = tmp_path / name
    bad.write_text("[Desktop Entry]\nExec=rm -rf ~\n")
    done = ops.attach(library, paper, bad)
    opener = FakeOpener()
    target, _ = ops.open_paper(library, paper, opener)
    folder = (library.path.parent / "files").resolve()
    assert (target.kind, opener.urls) == ("folder", [folder.as_uri()])
    assert ops.open_attachment(library, done.attachment_id, opener).kind == "folder"
    assert all(not url.endswith(name) for url in opener.urls)


def test_a_pdf_replaced_by_a_script_after_attaching_is_not_opened(
    library: Library, paper: int, tmp_path: Path
) -> None:
    done = ops.attach(library, paper, make_pdf(tmp_path / "p.pdf"))
    (library.path.parent / "files" / done.path).write_text("#!/bin/sh\n")
    with_fields(library, paper, arxiv_id="2303.16800")
    opener = FakeOpener()
    ops.open_paper(library, paper, opener)
    assert opener.urls == ["https://arxiv.org/abs/2303.16800"]


def test_opening_a_new_paper_marks_it_reading_in_one_undo_step(
    library: Library, paper: int
) -> None:
    with_fields(library, paper, arxiv_id="2303.16800")
    history = library.conn.execute("SELECT count(*) FROM status_history").fetchone()[0]
    _, marked = ops.open_paper(library, paper, FakeOpener())
    assert library.paper(paper).status == "reading"
    assert marked is not None and marked.undo is not None
    marked.undo()
    assert library.paper(paper).status == "new"
    assert library.conn.execute("SELECT count(*) FROM status_history").fetchone()[0] == history
    _, again = ops.open_paper(library, paper, FakeOpener(), mark_reading=False)
    assert again is None and library.paper(paper).status == "new"
    paper_ops.set_status(library, [paper], "read")
    _, unchanged = ops.open_paper(library, paper, FakeOpener())
    assert unchanged is None and library.paper(paper).status == "read"


def test_a_failing_opener_marks_nothing(library: Library, paper: int) -> None:
    with_fields(library, paper, arxiv_id="2303.16800")

    def broken(url: str) -> None:
        raise LibraryError(f"cannot open {url}")

    with pytest.raises(LibraryError):
        ops.open_paper(library, paper, broken)
    assert library.paper(paper).status == "new"


def recorder(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "record.py"
    log = tmp_path / "opened.txt"
    script.write_text(
        "import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write(sys.argv[2] + '\\n')\n"
    )
    return f"{sys.executable} {script} {log}", log


def test_cli_attach_and_open(
    library_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command, log = recorder(tmp_path)
    monkeypatch.setenv(OPENER_ENV, command)
    made = make_pdf(tmp_path / "x.pdf", [["Quokka theorem"]])
    code, out, err = run(capsys, "--library", library_path, "attach", "1", made)
    with open_library(library_path) as lib:
        key = lib.paper(1).key
    assert (code, out, err) == (0, f"attached files/{key}.pdf\n", "")
    code, out, _ = run(capsys, "--library", library_path, "list", "--format", "json", "text:quokka")
    assert code == 0 and f'"path": "{key}.pdf"' in out and '"kind": "pdf"' in out
    code, out, _ = run(capsys, "--library", library_path, "open", key, "--no-mark")
    stored = (library_path.parent / "files" / f"{key}.pdf").resolve()
    assert code == 0 and "opened the PDF" in out and "marked" not in out
    assert log.read_text() == stored.as_uri() + "\n"
    code, out, _ = run(capsys, "--library", library_path, "open", key)
    assert code == 0 and "marked reading" in out
    code, _, err = run(capsys, "--library", library_path, "attach", "1", tmp_path / "no.pdf")
    assert code == 1 and err.startswith("papershelf: ") and err.count("\n") == 1


def test_cli_open_with_nothing_to_open_is_one_line(
    library_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command, log = recorder(tmp_path)
    monkeypatch.setenv(OPENER_ENV, command)
    with open_library(library_path) as lib:
        paper_id = lib.search("-has:code")[0]
    code, _, err = run(capsys, "--library", library_path, "open", str(paper_id))
    assert code == 1 and "no PDF, DOI, arXiv id or link" in err
    assert not log.exists()
