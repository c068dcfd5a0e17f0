"""The bundled fallback font: registered, and used when the system has no font of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase

from papershelf.core import paths
from papershelf.ui import fonts


def test_the_bundled_fonts_and_their_licence_ship_in_resources() -> None:
    folder = paths.data_dir("resources") / "fonts"
    assert {p.name for p in folder.glob("*.ttf")} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
    assert "Bitstream" in (folder / "LICENSE").read_text(encoding="utf-8")


def test_registering_gives_dejavu_sans_once(qapp) -> None:
    families = fonts.register_bundled_fonts()
    assert fonts.FALLBACK_FAMILY in families
    assert "DejaVu Sans Mono" in families
    assert fonts.register_bundled_fonts() == families
    assert fonts.FALLBACK_FAMILY in QFontDatabase.families()


def test_a_system_with_fonts_keeps_its_own_default(qapp) -> None:
    before = qapp.font().family()
    fonts.ensure_readable_font(qapp)
    assert qapp.font().family() == before


EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is Linux's")
def test_a_system_without_fonts_draws_with_the_bundled_one(tmp_path: Path) -> None:
    """fontconfig pointed at a configuration with no font folders: a bare system."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    probe = (
        "from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics\n"
        "from papershelf.ui.app import application\n"
        "app = application()\n"
        "metrics = QFontMetrics(app.font())\n"
        "print(QFontInfo(app.font()).family())\n"
        "print(all(metrics.inFontUcs4(ord(c)) for c in 'Papershelf 50 of 50 papers'))\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == [fonts.FALLBACK_FAMILY, "True"]
