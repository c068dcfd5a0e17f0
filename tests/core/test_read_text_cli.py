"""``papershelf read-text``: the text of PDFs attached but never read, or of the
attachments named, for ``text:`` searches. The window runs it for each PDF it reads."""

from __future__ import annotations

from pathlib import Path

from cli_runner import run
from pdfs import make_pdf

from papershelf.core.ops import files as ops
from papershelf.core.store.opening import open_library


def attach(library_path: Path, paper_id: int, source: Path, *, link: bool = False) -> int:
    with open_library(library_path) as library:
        return ops.attach(library, paper_id, source, link=link).attachment_id


def found(library_path: Path, query: str) -> list[int]:
    with open_library(library_path) as library:
        return library.search(query)


def test_it_reads_every_pdf_never_read_once(capsys, library_path: Path, tmp_path: Path) -> None:
    attach(library_path, 1, make_pdf(tmp_path / "a.pdf", [["Quokkas abound"]]))
    linked_pdf = make_pdf(tmp_path / "b.pdf", [["Wombats dig"]])
    attach(library_path, 2, linked_pdf, link=True)
    broken = tmp_path / "c.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a PDF")
    attach(library_path, 3, broken, link=True)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("quokkas in a text file", encoding="utf-8")
    attach(library_path, 4, text_file, link=True)
    with open_library(library_path) as library:
        key = library.paper(1).key

    code, out, err = run(capsys, "--library", library_path, "read-text")
    assert code == 0
    assert out.splitlines() == [f"indexed files/{key}.pdf", f"indexed {linked_pdf}"]
    (why,) = err.splitlines()
    assert why.startswith(f"{broken}: ")
    assert found(library_path, "text:quokkas") == [1]  # not the text file's
    assert found(library_path, "text:wombats") == [2]
    # Each was read once: the broken one keeps why, and is not tried again.
    assert run(capsys, "--library", library_path, "read-text") == (0, "", "")


def test_named_attachments_are_read_again(capsys, library_path: Path, tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "a.pdf", [["Quokkas abound"]])
    number = attach(library_path, 1, source, link=True)
    assert run(capsys, "--library", library_path, "read-text")[0] == 0
    make_pdf(source, [["Numbats now"]])  # the linked file changed since
    code, out, _ = run(capsys, "--library", library_path, "read-text", "--attachment", number)
    assert (code, out) == (0, f"indexed {source}\n")
    assert found(library_path, "text:numbats") == [1]
    assert found(library_path, "text:quokkas") == []


def test_an_attachment_that_is_not_a_pdf_here_is_one_line(
    capsys, library_path: Path, tmp_path: Path
) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("quokkas", encoding="utf-8")
    number = attach(library_path, 1, text_file, link=True)
    code, out, err = run(
        capsys, "--library", library_path, "read-text", "--attachment", number,
        "--attachment", "999",
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"papershelf: no PDF attachment {number}",
        "papershelf: no PDF attachment 999",
    ]
    assert found(library_path, "text:quokkas") == []
