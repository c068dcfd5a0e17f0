"""``papershelf add`` and ``papershelf lookup`` against local arXiv and Crossref servers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from cli_runner import run

from capture_fixtures import AKYUREK, Services
from net_fixtures import ArxivEntry
from papershelf.core.store.opening import open_library


def records(capsys: pytest.CaptureFixture[str], library: Path, *query: str) -> list[dict]:
    code, out, _ = run(capsys, "--library", library, "list", "--format", "json", *query)
    assert code == 0
    return json.loads(out)


def test_add_five_pasted_urls_and_dois(
    capsys: pytest.CaptureFixture[str], library_path: Path, services: Services
) -> None:
    code, out, err = run(
        capsys,
        "--library",
        library_path,
        "add",
        "https://arxiv.org/abs/2303.16800v2",
        "https://doi.org/10.1038/nature14539",
        "arXiv:hep-th/9901001",
        "https://arxiv.org/pdf/2211.15661v3.pdf",
        "10.48550/arXiv.2211.15661",
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "added lovelace2023scaling",
        "added lecun2015deep",
        "added witten1999strings",
        "merged akyurek2022learning",
        "merged akyurek2022learning",
    ]
    (paper,) = records(capsys, library_path, "key:akyurek2022learning")
    assert paper["arxiv_id"] == "2211.15661"
    assert paper["url"] == "https://arxiv.org/abs/2211.15661"
    assert paper["authors"] == AKYUREK.authors


def test_add_several_in_one_argument(
    capsys: pytest.CaptureFixture[str], library_path: Path, services: Services
) -> None:
    code, out, _ = run(capsys, "--library", library_path, "add", "2303.16800\n10.1038/nature14539")
    assert code == 0
    assert out.splitlines() == ["added lovelace2023scaling", "added lecun2015deep"]


def test_add_reports_each_error_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str], library_path: Path, services: Services
) -> None:
    code, out, err = run(
        capsys, "--library", library_path, "add", "2303.16800", "2303.1680", "10.1000/none"
    )
    assert code == 1
    assert out.splitlines() == ["added lovelace2023scaling"]
    assert err.splitlines() == [
        "error 2303.1680: not an arXiv id, arXiv URL or DOI",
        "error 10.1000/none: Crossref has no record of DOI 10.1000/none (not registered, "
        "or registered elsewhere, e.g. DataCite)",
    ]


def test_user_agent_names_papershelf(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAPERSHELF_MAILTO", "me@example.org")
    run(capsys, "--library", library_path, "add", "2303.16800", "10.1038/nature14539")
    for request in services.server.requests:
        assert request.headers["user-agent"].startswith("Papershelf/")
        assert "mailto:me@example.org" in request.headers["user-agent"]
    (crossref,) = services.server.requests_to("/works/10.1038/nature14539")
    assert crossref.param("mailto") == "me@example.org"


def test_lookup_matches_only_confident_papers(
    capsys: pytest.CaptureFixture[str], library_path: Path, services: Services
) -> None:
    library = open_library(library_path)
    xie, wei, shen = (library.paper(library.resolve(k)) for k in (
        "xie2023data", "wei2023larger", "shen2022connect"))  # fmt: skip
    library.close()
    services.arxiv.add(
        # wei2023larger: two arXiv papers of that title by a Wei: ambiguous
        ArxivEntry("2303.03846", wei.title, ["Jerry Wei", "Jason Wei"]),
        ArxivEntry("2303.99999", wei.title, ["Jerry Wei"]),
        # xie2023data: the same title, but by someone else first: not a match
        ArxivEntry("2302.03169", xie.title, ["Someone Else", "Sang Michael Xie"]),
        # shen2022connect: punctuation and case aside, the same title and first author
        ArxivEntry(
            "2204.00570",
            "Connect, not collapse: explaining contrastive learning for unsupervised "
            "domain adaptation",
            ["Kendrick Shen", "Robbie Jones", "Ananya Kumar", "Sang Michael Xie"],
        ),
    )
    code, out, err = run(capsys, "--library", library_path, "lookup")
    assert code == 0, err
    lines = out.splitlines()
    assert "matched akyurek2022learning: arXiv:2211.15661" in lines
    assert "matched shen2022connect: arXiv:2204.00570" in lines
    assert "ambiguous wei2023larger: arXiv:2303.03846, arXiv:2303.99999" in lines
    assert "not found xie2023data" in lines
    assert lines[-1] == "matched 2, ambiguous 1, not found 47, error 0"
    found = {p["key"]: p for p in records(capsys, library_path)}
    assert found["shen2022connect"]["arxiv_id"] == "2204.00570"
    assert found["shen2022connect"]["authors"][3] == "Sang Michael Xie"
    assert found["wei2023larger"]["arxiv_id"] is None
    assert found["xie2023data"]["arxiv_id"] is None
    assert shen.title == found["shen2022connect"]["title"]  # the reader's title stays
    # arXiv's pace: one search every 3 s (scaled), the requests as the server saw them.
    times = [r.at for r in services.arxiv.requests()]
    assert len(times) == 50
    assert all(b - a >= 0.03 - 0.002 for a, b in itertools.pairwise(times))


def test_lookup_with_a_query_and_nothing_left(
    capsys: pytest.CaptureFixture[str], library_path: Path, services: Services
) -> None:
    code, out, _ = run(capsys, "--library", library_path, "lookup", "key:akyurek2022learning")
    assert code == 0
    assert out.splitlines() == ["matched akyurek2022learning: arXiv:2211.15661",
                                "matched 1, ambiguous 0, not found 0, error 0"]  # fmt: skip
    code, out, _ = run(capsys, "--library", library_path, "lookup", "key:akyurek2022learning")
    assert (code, out) == (0, "no paper without an arXiv id\n")


def test_lookup_offline_says_so_per_paper(
    capsys: pytest.CaptureFixture[str], library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("PAPERSHELF_NET_TIME_SCALE", "0")
    code, out, err = run(capsys, "--library", library_path, "lookup", "year:2022")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error ")]
    assert errors and all("refused the connection" in line for line in errors)
    assert out.splitlines()[-1].endswith(f"error {len(errors)}")
