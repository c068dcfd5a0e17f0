"""Attached files: copies in files/ named after the key, links, undo, deletion, search.

Every test uses a real library file and real files; PDFs are made by ``pdfs``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfs import make_pdf
from test_ops_undo import differences, dump

from papershelf.core.errors import BugError, LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.files.folder import clean_up, files_folder
from papershelf.core.ops import files as ops
from papershelf.core.ops import papers as paper_ops
from papershelf.core.store import attachments
from papershelf.core.store.library import Library


def first(library: Library) -> tuple[int, str]:
    paper_id = library.search("", sort="added")[0]
    return paper_id, library.paper(paper_id).key


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return make_pdf(
        tmp_path / "download.pdf",
        [["arXiv:2303.16800v2 [cs.LG] 29 Mar 2023", "Zebrafish hyperparameters"]],
    )


def test_attach_copies_the_file_as_key_pdf_and_key_2_pdf(library: Library, article: Path) -> None:
    paper_id, key = first(library)
    one = ops.attach(library, paper_id, article)
    two = ops.attach(library, paper_id, article)
    folder = files_folder(library.path)
    assert folder == library.path.parent / "files"
    assert (one.path, two.path) == (f"{key}.pdf", f"{key}-2.pdf")
    assert (folder / one.path).read_bytes() == article.read_bytes()
    assert article.exists()  # a copy: the reader's own file stays
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp left
    record = library.record(paper_id)
    size = article.stat().st_size
    assert record["attachments"] == [
        {"path": f"{key}.pdf", "size": size, "kind": "pdf"},
        {"path": f"{key}-2.pdf", "size": size, "kind": "pdf"},
    ]
    other = library.search("")[1]
    assert library.record(other)["attachments"] == []


def test_a_name_taken_by_a_file_papershelf_did_not_write_is_never_replaced(
    library: Library, article: Path
) -> None:
    paper_id, key = first(library)
    folder = files_folder(library.path)
    folder.mkdir()
    (folder / f"{key}.pdf").write_bytes(b"someone else's")
    done = ops.attach(library, paper_id, article)
    assert done.path == f"{key}-2.pdf"
    assert (folder / f"{key}.pdf").read_bytes() == b"someone else's"
    clean_up(library)  # not Papershelf's file: never deleted
    assert (folder / f"{key}.pdf").exists()


def test_link_keeps_the_file_where_it_is(library: Library, article: Path) -> None:
    paper_id, _ = first(library)
    done = ops.attach(library, paper_id, article, link=True)
    assert Path(done.path) == article.resolve()
    assert not files_folder(library.path).exists()
    assert library.record(paper_id)["attachments"][0]["path"] == str(article.resolve())


def test_attach_to_a_missing_file_or_paper_says_so(library: Library, tmp_path: Path) -> None:
    paper_id, _ = first(library)
    with pytest.raises(LibraryError, match="no such file"):
        ops.attach(library, paper_id, tmp_path / "nope.pdf")
    with pytest.raises(LibraryError, match="no paper"):
        ops.attach(library, 10_000, make_pdf(tmp_path / "a.pdf"))
    assert not files_folder(library.path).exists() or not any(files_folder(library.path).iterdir())


def test_text_and_has_pdf_find_the_paper_once_indexed(library: Library, article: Path) -> None:
    paper_id, _ = first(library)
    assert library.search("has:pdf") == []
    done = ops.attach(library, paper_id, article)
    assert library.search("has:pdf") == [paper_id]
    assert library.search("text:zebrafish") == []  # not read yet
    assert ops.index_text(library, done.attachment_id) == "indexed"
    assert library.search("text:zebrafish") == [paper_id]
    assert library.search("text:zebra") == [paper_id]  # a prefix, as words are
    assert library.search('text:"zebrafish hyperparameters"') == [paper_id]
    assert library.search("text:hyperparameters -has:pdf") == []
    # The PDF's words are not in the main index: a plain word does not find them.
    assert paper_id not in library.search("zebrafish")
    # Near misses: another word, another field.
    assert library.search("text:zebrafishes") == []
    assert library.search("title:zebrafish") == []


def test_has_doi_and_has_arxiv(library: Library) -> None:
    paper_id, _ = first(library)
    other = library.search("")[1]
    fields = library.paper(paper_id).describing()
    fields.doi = "10.1145/3368089.3409741"
    paper_ops.edit_paper(library, paper_id, fields)
    fields = library.paper(other).describing()
    fields.arxiv_id = "2303.16800"
    paper_ops.edit_paper(library, other, fields)
    assert library.search("has:doi") == [paper_id]
    assert library.search("has:arxiv") == [other]
    assert paper_id not in library.search("-has:doi")


def test_undo_attach_restores_the_whole_state_and_redo_brings_it_back(
    library: Library, article: Path
) -> None:
    paper_id, key = first(library)
    before = dump(library)
    done = ops.attach(library, paper_id, article)
    ops.index_text(library, done.attachment_id)
    assert done.changes.undo is not None
    redo = done.changes.undo()
    assert library.record(paper_id)["attachments"] == []
    assert library.search("has:pdf") == []
    assert library.search("text:zebrafish") == []
    # The file stays while the attach can be redone...
    stored = files_folder(library.path) / f"{key}.pdf"
    assert stored.exists()
    assert redo.undo is not None
    again = redo.undo()
    assert library.search("text:zebrafish") == [paper_id]  # text kept with its id
    assert again.undo is not None
    again.undo()
    # ...and goes once nothing can bring it back: then the file is as before it.
    assert clean_up(library) == [f"{key}.pdf"]
    assert not stored.exists()
    after = dump(library)
    after.pop("sqlite_sequence", None)
    before.pop("sqlite_sequence", None)
    assert differences(before, after) == {}


def test_a_deleted_papers_file_is_kept_until_the_deletion_cannot_be_undone(
    library: Library, article: Path
) -> None:
    paper_id, key = first(library)
    ops.attach(library, paper_id, article)
    stored = files_folder(library.path) / f"{key}.pdf"
    deletion = paper_ops.delete_papers(library, [paper_id])
    assert stored.exists()
    assert deletion.undo is not None
    deletion.undo()
    assert library.record(paper_id)["attachments"][0]["path"] == f"{key}.pdf"
    assert clean_up(library) == []  # named again: kept
    assert stored.read_bytes() == article.read_bytes()
    paper_ops.delete_papers(library, [paper_id])
    assert stored.exists()
    clean_up(library)  # what the window does when it closes or starts
    assert not stored.exists()


def test_a_linked_file_is_never_deleted(library: Library, article: Path) -> None:
    paper_id, _ = first(library)
    ops.attach(library, paper_id, article, link=True)
    paper_ops.delete_papers(library, [paper_id])
    clean_up(library)
    assert article.exists()


def test_a_failed_attach_leaves_no_file(library: Library, article: Path) -> None:
    paper_id, key = first(library)
    library.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.attachments "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    with pytest.raises(BugError, match="disk on fire"):
        ops.attach(library, paper_id, article)
    assert not (files_folder(library.path) / f"{key}.pdf").exists()
    assert attachments.stored_paths(library) == set()


def test_a_file_that_is_not_a_pdf_is_kind_other(library: Library, tmp_path: Path) -> None:
    paper_id, _ = first(library)
    fake = tmp_path / "slides.pdf"
    fake.write_text("#!/bin/sh\necho not a pdf\n")
    done = ops.attach(library, paper_id, fake)
    assert done.kind == "other"
    assert library.search("has:pdf") == []
    assert library.search("has:file") == [paper_id]
    assert ops.index_text(library, done.attachment_id) == "gone"  # never read as a PDF


def test_add_pdf_from_the_arxiv_stamp_completes_the_paper_the_library_has(
    library: Library, article: Path
) -> None:
    paper_id, key = first(library)
    fields = library.paper(paper_id).describing()
    fields.arxiv_id = "2303.16800"
    paper_ops.edit_paper(library, paper_id, fields)
    count = library.count()
    done = ops.add_pdf(library, article)
    assert (done.action, done.paper_id, done.key) == ("merged", paper_id, key)
    assert library.count() == count
    assert library.record(paper_id)["attachments"][0]["path"] == f"{key}.pdf"
    assert done.changes.undo is not None
    done.changes.undo()
    assert library.record(paper_id)["attachments"] == []


def test_add_pdf_asks_the_lookup_for_the_identifier_it_found(
    library: Library, article: Path
) -> None:
    asked: list[str] = []

    def lookup(identifier: str) -> PaperFields | None:
        asked.append(identifier)
        return PaperFields(
            title="Zebrafish hyperparameters", authors=["Ada Lovelace"], published="2023-03-29"
        )

    done = ops.add_pdf(library, article, lookup)
    assert asked == ["2303.16800"]
    paper = library.paper(done.paper_id)
    assert (done.action, done.source) == ("added", "lookup")
    assert (paper.title, paper.arxiv_id, paper.key) == (
        "Zebrafish hyperparameters",
        "2303.16800",
        "lovelace2023zebrafish",
    )
    assert paper.attachments[0]["path"] == "lovelace2023zebrafish.pdf"
    assert "incomplete" not in paper.tags


def test_add_pdf_with_a_doi_only(library: Library, tmp_path: Path) -> None:
    made = make_pdf(
        tmp_path / "x.pdf",
        [["Proc. of Things 2020", "https://doi.org/10.1145/3368089.3409741"]],
        title="Fuzzing the Things",
    )
    done = ops.add_pdf(library, made)
    paper = library.paper(done.paper_id)
    assert (paper.title, paper.doi, paper.arxiv_id) == (
        "Fuzzing the Things",
        "10.1145/3368089.3409741",
        None,
    )
    assert done.source == "identifiers"
    # The same PDF again completes that paper; nothing is doubled.
    count = library.count()
    again = ops.add_pdf(library, made)
    assert (again.action, again.paper_id, library.count()) == ("merged", paper.id, count)


def test_add_pdf_with_neither_takes_the_title_or_the_file_name(
    library: Library, tmp_path: Path
) -> None:
    titled = ops.add_pdf(library, make_pdf(tmp_path / "a.pdf", [["Hello"]], title="On Kites"))
    assert (library.paper(titled.paper_id).title, titled.source) == ("On Kites", "metadata")
    bare = ops.add_pdf(library, make_pdf(tmp_path / "my_great-paper.pdf", [["Hello"]]))
    paper = library.paper(bare.paper_id)
    assert (paper.title, bare.incomplete) == ("my great-paper", True)
    assert paper.tags == ["incomplete"]
    assert library.search("tag:incomplete") == [paper.id]


def test_undo_of_add_pdf_leaves_a_file_that_clean_up_deletes(
    library: Library, tmp_path: Path
) -> None:
    done = ops.add_pdf(library, make_pdf(tmp_path / "a.pdf", [["Hello"]], title="On Kites"))
    stored = files_folder(library.path) / library.paper(done.paper_id).attachments[0]["path"]
    assert done.changes.undo is not None
    done.changes.undo()
    assert stored.exists()  # a redo may still need it
    clean_up(library)
    assert not stored.exists()  # Papershelf still knows it wrote it, whatever was undone


def test_writes_of_a_pdfs_text_alone_leave_the_shown_writes_count(
    library: Library, article: Path
) -> None:
    """The window takes in another process's writes without running its filter again
    when this count stayed (``LibraryFile.shown_writes``)."""
    paper_id, _ = first(library)
    counts = [library.shown_writes()]

    def counted(write: object) -> str | None:
        write()  # type: ignore[operator]
        counts.append(library.shown_writes())
        return counts[-1]

    attached = ops.attach(library, paper_id, article)
    seen = library.shown_writes()
    assert seen != counts[0]  # attaching shows: the paper has a file
    assert counted(lambda: ops.index_text(library, attached.attachment_id)) == seen
    assert library.search("text:zebrafish") == [paper_id]
    assert counted(lambda: attachments.set_text(library, attached.attachment_id, None, "x")) == seen
    assert counted(lambda: library.set_status([paper_id], "read")) != seen
    moved = counts[-1]
    assert counted(lambda: library.set_note(paper_id, "a note")) != moved
