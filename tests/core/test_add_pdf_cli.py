"""``papershelf add paper.pdf``: the PDF's arXiv id or DOI looked up on the local arXiv
and Crossref servers, else the PDF alone (tagged incomplete); the PDF is attached."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from cli_runner import run
from pdfs import make_pdf

from capture_fixtures import AKYUREK, Services
from papershelf.core.files.folder import files_folder


def cli(capsys, library: Path, *args: str | Path) -> tuple[int, str, str]:
    return run(capsys, "--library", library, *args)


def listed(capsys, library: Path, query: str) -> list[dict]:
    code, out, _ = cli(capsys, library, "list", query, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_a_pdf_with_an_arxiv_stamp_completes_the_seeded_paper(
    capsys, library_path: Path, services: Services, tmp_path: Path
) -> None:
    stamped = make_pdf(
        tmp_path / "2211.15661v3.pdf",
        [["arXiv:2211.15661v3 [cs.LG] 17 May 2023", "Linear models learn quillworts"]],
    )
    code, out, err = cli(capsys, library_path, "add", stamped)
    assert (code, out) == (0, "merged akyurek2022learning\n"), err
    (paper,) = listed(capsys, library_path, "key:akyurek2022learning")
    assert paper["arxiv_id"] == "2211.15661"
    assert paper["authors"] == AKYUREK.authors  # from the arXiv API, not the PDF
    assert paper["attachments"][0]["path"] == "akyurek2022learning.pdf"
    assert "incomplete" not in paper["tags"]
    assert len(listed(capsys, library_path, "")) == 50  # completed, not doubled
    assert [p["key"] for p in listed(capsys, library_path, "text:quillworts")] == [
        "akyurek2022learning"
    ]
    (request,) = [r for r in services.server.requests if r.param("id_list")]
    assert request.param("id_list") == "2211.15661"


def test_a_pdf_with_a_doi_only_is_looked_up_on_crossref(
    capsys, library_path: Path, services: Services, tmp_path: Path
) -> None:
    article = make_pdf(
        tmp_path / "nature.pdf", [["Nature 521, 436-444", "doi:10.1038/nature14539"]]
    )
    code, out, err = cli(capsys, library_path, "add", article)
    assert (code, out) == (0, "added lecun2015deep\n"), err
    (paper,) = listed(capsys, library_path, "key:lecun2015deep")
    assert paper["doi"] == "10.1038/nature14539"
    assert paper["title"] == "Deep learning"
    assert paper["attachments"][0]["kind"] == "pdf"
    assert "incomplete" not in paper["tags"]


def test_a_pdf_naming_nothing_is_named_after_its_file_and_tagged_incomplete(
    capsys, library_path: Path, services: Services, tmp_path: Path
) -> None:
    plain = make_pdf(tmp_path / "notes_on_moss.pdf", [["Some words, no identifier"]])
    code, out, err = cli(capsys, library_path, "add", plain)
    assert code == 0
    (line,) = out.splitlines()
    assert line.startswith("added ")
    assert "tagged incomplete" in err
    (paper,) = listed(capsys, library_path, "tag:incomplete")
    assert paper["title"] == "notes on moss"
    assert not services.server.requests  # nothing to look up


def test_offline_the_pdf_still_adds_a_paper_marked_incomplete(
    capsys, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:  # a port where nothing listens: offline
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("PAPERSHELF_NET_TIME_SCALE", "0.01")
    stamped = make_pdf(
        tmp_path / "paper.pdf",
        [["arXiv:2303.16800v2 [cs.LG] 29 Mar 2023"]],
        title="Scaling Laws for Tiny Transformers",
    )
    code, out, err = cli(capsys, library_path, "add", stamped)
    assert code == 0
    (line,) = out.splitlines()
    key = line.removeprefix("added ")
    assert "the lookup failed" in err and "refused the connection" in err
    assert "tagged incomplete" in err
    (paper,) = listed(capsys, library_path, "tag:incomplete")
    assert (paper["key"], paper["arxiv_id"]) == (key, "2303.16800")
    assert paper["title"] == "Scaling Laws for Tiny Transformers"


def test_identifiers_and_pdfs_together_and_a_bad_pdf_is_one_error_line(
    capsys, library_path: Path, services: Services, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really")
    code, out, err = cli(
        capsys, library_path, "add", "10.1038/nature14539", broken, tmp_path / "missing.pdf"
    )
    assert code == 1
    assert out.splitlines() == ["added lecun2015deep"]
    errors = [e for e in err.splitlines() if e.startswith("error ")]
    assert len(errors) == 2
    assert errors[0].startswith(f"error {broken}: ")
    assert errors[1].startswith(f"error {tmp_path / 'missing.pdf'}: ")
    folder = files_folder(library_path)
    assert not folder.exists() or not list(folder.iterdir())  # nothing left of either
