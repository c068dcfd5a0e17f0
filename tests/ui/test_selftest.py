"""``papershelf selftest`` in-process: the checks pass on a healthy install and say why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from papershelf import cli
from papershelf.ui import selftest


def test_selftest_passes_with_one_summary_line(qapp, capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.run_selftest() == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("papershelf selftest: ok: 50 papers shown")
    assert "filter 'learning' -> " in out[0]


def test_selftest_subcommand_and_hidden_screenshot(
    qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shot = tmp_path / "window.png"
    assert cli.main(["selftest", "--screenshot", str(shot)]) == 0
    assert "ok" in capsys.readouterr().out
    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500


def test_selftest_never_touches_the_default_library(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "mine.sqlite"
    monkeypatch.setenv("PAPERSHELF_LIBRARY", str(default))
    assert selftest.run_selftest() == 0
    assert not default.exists()


def test_a_failed_check_exits_non_zero_with_the_reason(
    qapp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(selftest, "EXPECTED_PAPERS", 51)
    monkeypatch.setattr(selftest, "WAIT_S", 0.2)
    assert selftest.run_selftest() == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "papershelf selftest: FAILED: countLabel shows '50 of 50 papers'"
    )
    assert "Traceback" not in captured.err


def test_an_unexpected_error_is_one_line_too(
    qapp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> list[Path]:
        raise FileNotFoundError("the bundled 'seeds' folder is missing from this installation")

    monkeypatch.setattr("papershelf.core.paths.seed_documents", broken)
    assert selftest.run_selftest() == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "papershelf selftest: FAILED: FileNotFoundError: "
        "the bundled 'seeds' folder is missing from this installation"
    )
