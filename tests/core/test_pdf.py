"""Reading PDFs: identifiers from the first page and metadata; hostile files end in one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pdfs import make_pdf, make_zip_bomb

from papershelf.core.errors import LibraryError
from papershelf.core.io import pdf
from papershelf.core.ops import files as ops
from papershelf.core.store.library import Library


@pytest.mark.parametrize(
    ("text", "arxiv", "doi"),
    [
        ("arXiv:2303.16800v2 [cs.LG] 29 Mar 2023", "2303.16800", None),
        ("arXiv:2303.16800 [cs.LG]", "2303.16800", None),
        ("arXiv:1501.00001v12 [stat.ML]", "1501.00001", None),
        ("arXiv:hep-th/9901001v1 4 Jan 1999", "hep-th/9901001", None),
        ("arXiv:math.GT/0309136v2", "math.GT/0309136", None),
        ("DOI: 10.48550/arXiv.2303.16800", "2303.16800", None),
        ("https://doi.org/10.1145/3368089.3409741.", None, "10.1145/3368089.3409741"),
        ("(doi:10.1038/nature14539)", None, "10.1038/nature14539"),
        ("arXiv:2303.16800v1 and doi 10.1000/xyz123", "2303.16800", "10.1000/xyz123"),
        # Near misses: not identifiers.
        ("version 2303.16800 of the data", None, None),
        ("10.5 percent of arXiv papers", None, None),
        ("arXiv: coming soon", None, None),
    ],
)
def test_identifiers_in_text(text: str, arxiv: str | None, doi: str | None) -> None:
    assert pdf.identifiers_in_text(text) == (arxiv, doi)


def test_identifiers_in_a_pdf_with_the_arxiv_stamp(tmp_path: Path) -> None:
    made = make_pdf(
        tmp_path / "a.pdf",
        [["arXiv:2303.16800v2 [cs.LG] 29 Mar 2023", "Sparks of things"], ["page two"]],
        title="Microsoft Word - draft7.docx",  # says nothing: not a title
    )
    assert pdf.identifiers_in(made) == ("2303.16800", None, None)
    assert "page two" in pdf.full_text(made)


def test_identifiers_in_metadata(tmp_path: Path) -> None:
    made = make_pdf(
        tmp_path / "b.pdf",
        [["no identifiers here"]],
        title="A Title",
        metadata={"/Subject": "doi:10.1000/abc.def"},
    )
    assert pdf.identifiers_in(made) == (None, "10.1000/abc.def", "A Title")


def test_neither(tmp_path: Path) -> None:
    assert pdf.identifiers_in(make_pdf(tmp_path / "c.pdf", [["hello"]])) == (None, None, None)


def _not_a_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "notes.pdf"
    path.write_text("just text, named .pdf")
    return path


def _encrypted(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "locked.pdf", [["secret"]], password="hunter2")


def _truncated(tmp_path: Path) -> Path:
    whole = make_pdf(tmp_path / "whole.pdf", [["arXiv:2303.16800v2"]]).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    return path


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.write(b"%PDF-1.7\n")
        handle.truncate(200 * 1024 * 1024)
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_a_pdf, "is not a PDF"),
        (_encrypted, "is encrypted"),
        (_truncated, "is damaged"),
        (_huge, "is too large to read (200 MB; at most 100 MB)"),
        (_empty, "is not a PDF"),
    ],
)
def test_hostile_pdfs_end_in_one_line(
    tmp_path: Path, library: Library, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    for read in (pdf.read_facts, pdf.full_text):
        with pytest.raises(pdf.PdfError) as caught:
            read(path)
        assert message in str(caught.value)
        assert "\n" not in str(caught.value) and path.name in str(caught.value)
    count = library.count()
    with pytest.raises(LibraryError, match=r"is not a PDF|encrypted|damaged|too large"):
        ops.add_pdf(library, path)
    assert library.count() == count  # nothing half-added
    assert not (library.path.parent / "files").exists() or not any(
        (library.path.parent / "files").iterdir()
    )


def test_a_zip_bomb_of_streams_inflates_no_further_than_the_limit(tmp_path: Path) -> None:
    bomb = make_zip_bomb(tmp_path / "bomb.pdf", inflated=400_000_000)
    assert bomb.stat().st_size < 2_000_000
    assert pdf.full_text(bomb).strip() == ""  # pypdf stops at the limit; nothing to index
    assert pdf.identifiers_in(bomb) == (None, None, None)


def test_an_encrypted_attachment_is_attached_and_says_why_it_has_no_text(
    tmp_path: Path, library: Library
) -> None:
    paper_id = library.search("")[0]
    done = ops.attach(library, paper_id, _encrypted(tmp_path))
    state = ops.index_text(library, done.attachment_id)
    assert "is encrypted" in state
    assert library.search("has:pdf") == [paper_id]


def test_a_folder_named_pdf_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "x.pdf"
    os.mkdir(folder)
    with pytest.raises(pdf.PdfError, match=r"not a file|cannot read"):
        pdf.read_facts(folder)
