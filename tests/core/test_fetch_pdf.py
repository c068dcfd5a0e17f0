"""``papershelf fetch-pdf`` against a local arXiv PDF server: a download is attached and
its text indexed, or it leaves nothing behind (no file, no attachment row)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run
from pdfs import make_pdf

from capture_fixtures import Services
from net_server import Reply
from papershelf.core.files.folder import files_folder
from papershelf.core.net.http import PoliteClient
from papershelf.core.ops import downloads

AKYUREK_KEY = "akyurek2022learning"
SCALING_KEY = "lovelace2023scaling"


@pytest.fixture
def pdf_bytes(tmp_path: Path) -> bytes:
    made = make_pdf(
        tmp_path / "made.pdf",
        [["arXiv:2211.15661v3 [cs.LG] 17 May 2023", "In-context learning of zanzibarite"]],
    )
    return made.read_bytes()


@pytest.fixture
def pdfs(services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """arXiv's PDFs on the local server too (``/pdf/ID``)."""
    monkeypatch.setenv("PAPERSHELF_ARXIV_PDF", services.server.url + "/pdf")
    return services


def cli(capsys, library: Path, *args: str) -> tuple[int, str, str]:
    return run(capsys, "--library", library, *args)


def with_arxiv_ids(capsys, library: Path) -> None:
    """Two papers with arXiv ids: the seeded Akyürek paper completed, one paper added."""
    code, out, _ = cli(capsys, library, "add", "2211.15661", "2303.16800")
    assert code == 0 and out.splitlines() == [f"merged {AKYUREK_KEY}", f"added {SCALING_KEY}"]


def record(capsys, library: Path, key: str) -> dict:
    code, out, _ = cli(capsys, library, "list", f"key:{key}", "--format", "json")
    assert code == 0
    (paper,) = json.loads(out)
    return paper


def keys(capsys, library: Path, query: str) -> list[str]:
    code, out, _ = cli(capsys, library, "list", query, "--format", "json")
    assert code == 0
    return [p["key"] for p in json.loads(out)]


def leftovers(library: Path) -> list[str]:
    folder = files_folder(library)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_fetch_pdf_attaches_and_indexes_the_pdf(
    capsys, library_path: Path, pdfs: Services, pdf_bytes: bytes
) -> None:
    with_arxiv_ids(capsys, library_path)
    pdfs.server.route("/pdf/2211.15661", Reply(200, pdf_bytes, "application/pdf"))
    code, out, err = cli(capsys, library_path, "fetch-pdf", f"key:{AKYUREK_KEY}")
    assert code == 0, err
    size = downloads.size_text(len(pdf_bytes))
    assert out.splitlines() == [f"fetched {AKYUREK_KEY} ({size})"]
    assert leftovers(library_path) == [f"{AKYUREK_KEY}.pdf"]
    stored = files_folder(library_path) / f"{AKYUREK_KEY}.pdf"
    assert stored.read_bytes() == pdf_bytes
    paper = record(capsys, library_path, AKYUREK_KEY)
    assert paper["attachments"] == [
        {"path": f"{AKYUREK_KEY}.pdf", "size": len(pdf_bytes), "kind": "pdf"}
    ]
    assert keys(capsys, library_path, "text:zanzibarite") == [AKYUREK_KEY]
    assert keys(capsys, library_path, "has:pdf") == [AKYUREK_KEY]
    (request,) = pdfs.server.requests_to("/pdf/2211.15661")
    assert request.headers["user-agent"].startswith("Papershelf/")
    # A second run finds nothing to fetch: the paper has its PDF.
    code, out, _ = cli(capsys, library_path, "fetch-pdf", f"key:{AKYUREK_KEY}")
    assert (code, out) == (0, "no paper with an arXiv id lacks a PDF\n")
    assert len(pdfs.server.requests_to("/pdf/2211.15661")) == 1


def test_only_papers_with_an_arxiv_id_and_no_pdf_are_fetched(
    capsys, library_path: Path, pdfs: Services
) -> None:
    code, out, _ = cli(capsys, library_path, "fetch-pdf")
    assert (code, out) == (0, "no paper with an arXiv id lacks a PDF\n")
    assert not pdfs.server.requests_to("/pdf/2211.15661")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(200, "<html>Sign in</html>", "text/html"), "a web page (HTML), not application/pdf"),
        (Reply(200, b"PK\x03\x04 a zip", "application/pdf"), "not the expected file type"),
        (Reply(404, "Not Found"), "not found (HTTP 404)"),
        (Reply(200, content_type="application/pdf", size=300 * 2**20), "too large (300.0 MB"),
        (
            Reply(200, content_type="application/pdf", size=3 * 2**20, declare_length=False,
                  prefix=b"%PDF-1.7\n"),
            "too large (over 2.0 MB)",
        ),
    ],
    ids=["html", "not-pdf-bytes", "404", "declared-too-large", "streamed-too-large"],
)  # fmt: skip
def test_a_failed_download_leaves_nothing_behind(
    capsys, library_path: Path, pdfs: Services, pdf_bytes: bytes, reply: Reply, reason: str
) -> None:
    with_arxiv_ids(capsys, library_path)
    pdfs.server.route("/pdf/2211.15661", reply)
    pdfs.server.route("/pdf/2303.16800", Reply(200, pdf_bytes, "application/pdf"))
    code, out, err = cli(capsys, library_path, "fetch-pdf", "--max-size", "2")
    assert code == 1
    assert out.splitlines() == [f"fetched {SCALING_KEY} ({downloads.size_text(len(pdf_bytes))})"]
    (line,) = [e for e in err.splitlines() if e.startswith("error ")]
    assert line.startswith(f"error {AKYUREK_KEY}: 127.0.0.1:") and reason in line, line
    assert leftovers(library_path) == [f"{SCALING_KEY}.pdf"]  # no temporary file
    assert record(capsys, library_path, AKYUREK_KEY)["attachments"] == []


def test_busy_server_is_retried_after_the_time_it_asks(
    capsys, library_path: Path, pdfs: Services, pdf_bytes: bytes
) -> None:
    with_arxiv_ids(capsys, library_path)
    pdfs.server.route(
        "/pdf/2211.15661",
        Reply(503, "busy", headers={"Retry-After": "5"}),
        Reply(200, pdf_bytes, "application/pdf"),
    )
    code, out, _ = cli(capsys, library_path, "fetch-pdf", f"key:{AKYUREK_KEY}")
    assert code == 0 and out.startswith(f"fetched {AKYUREK_KEY}")
    first, second = pdfs.server.requests_to("/pdf/2211.15661")
    assert second.at - first.at >= 5 * 0.01  # Retry-After, scaled like every wait in tests
    assert leftovers(library_path) == [f"{AKYUREK_KEY}.pdf"]


def test_downloads_keep_arxivs_pace(
    capsys, library_path: Path, pdfs: Services, pdf_bytes: bytes
) -> None:
    with_arxiv_ids(capsys, library_path)
    for arxiv_id in ("2211.15661", "2303.16800"):
        pdfs.server.route(f"/pdf/{arxiv_id}", Reply(200, pdf_bytes, "application/pdf"))
    code, _, _ = cli(capsys, library_path, "fetch-pdf")
    assert code == 0
    times = sorted(r.at for r in pdfs.server.requests if r.path.startswith("/pdf/"))
    assert len(times) == 2
    assert times[1] - times[0] >= 3.0 * 0.01 * 0.9  # arXiv's 3 s, scaled by the tests' 0.01


def test_ctrl_c_keeps_what_finished_and_leaves_no_partial_file(
    capsys, library_path: Path, pdfs: Services, pdf_bytes: bytes, monkeypatch
) -> None:
    with_arxiv_ids(capsys, library_path)
    for arxiv_id in ("2211.15661", "2303.16800"):
        pdfs.server.route(f"/pdf/{arxiv_id}", Reply(200, pdf_bytes, "application/pdf"))
    real = PoliteClient.download
    calls: list[str] = []

    def interrupted(self, url, sink, **kwargs):
        calls.append(url)
        if len(calls) == 2:
            sink.write(b"%PDF-1.7 half")  # some bytes arrived, then Ctrl-C
            raise KeyboardInterrupt
        return real(self, url, sink, **kwargs)

    monkeypatch.setattr(PoliteClient, "download", interrupted)
    code, out, err = cli(capsys, library_path, "fetch-pdf")
    assert code == 130
    assert len(out.splitlines()) == 1 and out.startswith("fetched ")
    assert "interrupted: 1 PDF fetched and kept" in err
    assert len(leftovers(library_path)) == 1 and not leftovers(library_path)[0].startswith(".")
