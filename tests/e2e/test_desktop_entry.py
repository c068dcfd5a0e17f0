"""``papershelf --install-desktop-entry``: the menu entry and icons, for this user, idempotent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf import desktop_entry
from papershelf.core import paths

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _papershelf(*args: str, xdg: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(xdg)}
    return subprocess.run(
        [sys.executable, "-m", "papershelf", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _keys(entry: Path) -> dict[str, str]:
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_install_writes_the_entry_and_every_icon_size(tmp_path: Path) -> None:
    xdg = tmp_path / "share"
    run = _papershelf("--install-desktop-entry", xdg=xdg)
    assert run.returncode == 0, run.stderr
    assert "9 files written, 0 already up to date" in run.stdout

    entry = xdg / "applications" / "papershelf.desktop"
    keys = _keys(entry)
    assert keys["Name"] == "Papershelf"
    assert keys["Type"] == "Application"
    assert keys["Icon"] == "papershelf"
    assert keys["Terminal"] == "false"
    # Exec names this environment's papershelf script by its absolute path.
    script = Path(sys.executable).with_name("papershelf")
    expected = [str(script.absolute())] if script.is_file() else desktop_entry.launcher()
    assert keys["Exec"] == " ".join(desktop_entry.quote_exec_argument(a) for a in expected)
    assert Path(expected[0]).is_absolute()

    icons = paths.data_dir("resources") / "icons"
    for size in SIZES:
        installed = xdg / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "papershelf.png"
        assert installed.read_bytes() == (icons / f"papershelf-{size}.png").read_bytes()

    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and "error" not in check.stdout, check.stdout


def test_install_is_idempotent(tmp_path: Path) -> None:
    xdg = tmp_path / "share"
    assert _papershelf("--install-desktop-entry", xdg=xdg).returncode == 0
    files = sorted(p for p in xdg.rglob("*") if p.is_file())
    stamps = {p: p.stat().st_mtime_ns for p in files}
    again = _papershelf("--install-desktop-entry", xdg=xdg)
    assert again.returncode == 0, again.stderr
    assert "0 files written, 9 already up to date" in again.stdout
    assert sorted(p for p in xdg.rglob("*") if p.is_file()) == files
    assert {p: p.stat().st_mtime_ns for p in files} == stamps


def test_uninstall_removes_only_what_install_wrote(tmp_path: Path) -> None:
    xdg = tmp_path / "share"
    other = xdg / "applications" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    assert _papershelf("--install-desktop-entry", xdg=xdg).returncode == 0
    run = _papershelf("--uninstall-desktop-entry", xdg=xdg)
    assert run.returncode == 0 and "removed 9 files" in run.stdout
    assert [p for p in xdg.rglob("*") if p.is_file()] == [other]


def test_the_frozen_app_points_exec_at_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "Paper shelf $1" / "papershelf"
    app.parent.mkdir()
    app.write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    assert desktop_entry.launcher() == [str(app.resolve())]
    report = desktop_entry.install_desktop_entry(tmp_path / "share")
    keys = _keys(tmp_path / "share" / "applications" / "papershelf.desktop")
    # Quoted for the spec: the space needs quotes, "$" a backslash, doubled as a string value.
    assert keys["Exec"] == '"' + str(app.resolve()).replace("$", "\\\\$") + '"'
    assert keys["TryExec"] == str(app.resolve())
    assert len(report.written) == 9


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/usr/bin/papershelf", "/usr/bin/papershelf"),
        ("/opt/My Apps/papershelf", '"/opt/My Apps/papershelf"'),
        ('/odd/"quote"', '"/odd/\\\\"quote\\\\""'),
        ("/odd/back\\slash", '"/odd/back\\\\\\\\slash"'),
        ("/100%/papershelf", "/100%%/papershelf"),
    ],
)
def test_exec_arguments_are_quoted_as_the_spec_says(argument: str, quoted: str) -> None:
    assert desktop_entry.quote_exec_argument(argument) == quoted


def test_xdg_data_home_must_be_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop_entry.data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert desktop_entry.data_home() == tmp_path / "xdg"
