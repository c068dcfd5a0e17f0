"""Wrong input to the second round's commands: one clear line and a non-zero exit, never
an "internal error" (found by reviewing the merged commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

NO_NETWORK = {
    "PAPERSHELF_ARXIV_API": "http://127.0.0.1:9/api/query",
    "PAPERSHELF_CROSSREF_API": "http://127.0.0.1:9",
    "PAPERSHELF_ARXIV_PDF": "http://127.0.0.1:9/pdf",
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in NO_NETWORK.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    "spec",
    ["http://[::1/feed", "http://exa mple.com/feed", "http://127.0.0.1:99999/feed", "ftp://x/y"],
)
def test_a_feed_address_that_is_not_one_is_refused_when_followed(
    capsys: pytest.CaptureFixture[str], library_path: Path, spec: str
) -> None:
    code, _, err = run(capsys, "--library", library_path, "follow", "add", "w", spec)
    assert code == 1
    assert err.startswith(f"papershelf: cannot follow {spec!r}")
    assert "internal error" not in err
    code, out, _ = run(capsys, "--library", library_path, "follow", "list")
    assert (code, out.strip()) == (0, "")  # nothing was followed
    # The near miss is taken: a real address with a port.
    code, _, err = run(
        capsys, "--library", library_path, "follow", "add", "w", "http://127.0.0.1:8080/feed"
    )
    assert code == 0, err


@pytest.mark.parametrize("size", ["nan", "inf", "-1", "0", "ten"])
def test_a_size_limit_that_is_not_a_size_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], library_path: Path, size: str
) -> None:
    code, _, err = run(capsys, "--library", library_path, "fetch-pdf", "--max-size", size)
    assert code == 2
    assert f"not a size in MB: {size!r}" in err


def test_a_broken_pdf_address_is_one_line(
    capsys: pytest.CaptureFixture[str], library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSHELF_ARXIV_PDF", "http://[::1")
    from papershelf.core.net.http import NetError, host_of

    with pytest.raises(NetError, match="not a web address"):
        host_of("http://[::1/x.pdf")
    assert host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"


def test_queue_format_is_kept_wherever_it_is_given(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    assert run(capsys, "--library", library_path, "status", "1", "to-read")[0] == 0
    for argv in (("queue", "--format", "json", "list"), ("queue", "list", "--format", "json")):
        code, out, _ = run(capsys, "--library", library_path, *argv)
        assert code == 0
        assert [p["id"] for p in json.loads(out)] == [1]
    code, out, _ = run(capsys, "--library", library_path, "queue", "list")
    assert out.split() == [json.loads(run(capsys, "--library", library_path, "list", "--format",
                                          "json", "status:to-read")[1])[0]["key"]]  # fmt: skip


def test_an_empty_item_gets_its_error_line(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    code, out, err = run(capsys, "--library", library_path, "add", "", " ")
    assert code == 1
    assert err.splitlines() == ["error '': empty item", "error ' ': empty item"]
    assert out == ""


def test_attaching_a_folder_says_it_is_a_folder(
    capsys: pytest.CaptureFixture[str], library_path: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--library", library_path, "attach", "1", tmp_path)
    assert code == 1
    assert err.strip() == f"papershelf: cannot attach {tmp_path}: it is a folder, not a file"
    missing = tmp_path / "nowhere.pdf"
    code, _, err = run(capsys, "--library", library_path, "attach", "1", missing)
    assert err.strip() == f"papershelf: cannot attach {missing}: no such file"


def test_lookup_offline_stops_at_the_first_paper(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    code, out, err = run(capsys, "--library", library_path, "lookup")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and "refused the connection" in errors[0]
    assert "papershelf: stopped: 49 more papers not tried" in err
    assert out.strip().endswith("matched 0, ambiguous 0, not found 0, error 1")


def test_fetch_pdf_offline_stops_at_the_first_paper(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    from dataclasses import replace

    from papershelf.core.store.opening import open_library

    with open_library(library_path) as lib:
        given = ("2211.15661", "2301.00001", "2302.00002")
        for paper_id, arxiv_id in zip(lib.search("")[:3], given, strict=True):
            fields = lib.paper(paper_id).describing()
            lib.update_paper(paper_id, replace(fields, arxiv_id=arxiv_id))
    code, _, err = run(capsys, "--library", library_path, "fetch-pdf")
    assert code == 1
    assert len([line for line in err.splitlines() if line.startswith("error ")]) == 1
    assert "papershelf: stopped: 2 more papers not tried" in err


def test_refresh_with_nothing_followed_says_so(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    code, out, _ = run(capsys, "--library", library_path, "refresh")
    assert (code, out) == (0, "no followed sources: papershelf follow add NAME SPEC\n")


def test_a_saved_search_s_place_starts_at_1(
    capsys: pytest.CaptureFixture[str], library_path: Path
) -> None:
    assert run(capsys, "--library", library_path, "search", "save", "A", "cat:LG")[0] == 0
    for place in ("0", "-2"):
        code, _, err = run(capsys, "--library", library_path, "search", "move", "A", place)
        assert (code, err.strip()) == (
            1,
            f"papershelf: a place in the list starts at 1, not {place}",
        )
    assert run(capsys, "--library", library_path, "search", "move", "A", "9")[0] == 0  # the end
