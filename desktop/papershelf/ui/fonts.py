"""The bundled fallback fonts, so text is never drawn as boxes.

A minimal Linux system (a container, a fresh server with X forwarding, a small
distribution) may have no fonts at all, and Qt then draws every glyph as an empty box.
DejaVu Sans and Sans Mono ship in ``resources/fonts`` and are registered at start: they
join fontconfig's fallback list, and when the system offers no other family they become
the application font outright.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from papershelf.core import paths

log = logging.getLogger(__name__)

FALLBACK_FAMILY = "DejaVu Sans"
_registered: list[str] = []


def register_bundled_fonts() -> list[str]:
    """Register every font in ``resources/fonts`` once; return the families they provide."""
    if _registered:
        return list(_registered)
    try:
        folder = paths.data_dir("resources") / "fonts"
    except FileNotFoundError:
        log.warning("no bundled fonts: the resources folder is missing")
        return []
    families: list[str] = []
    for font_file in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(font_file))
        if font_id < 0:
            log.warning("could not load the bundled font %s", font_file)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    _registered.extend(dict.fromkeys(families))
    return list(_registered)


def ensure_readable_font(app: QApplication) -> None:
    """Use the bundled family when the system has none of its own, or the default is unusable."""
    families = register_bundled_fonts()
    if FALLBACK_FAMILY not in families:
        return
    system_families = set(QFontDatabase.families()) - set(families)
    resolved = QFontInfo(app.font()).family()
    if not system_families or resolved not in QFontDatabase.families():
        font = QFont(FALLBACK_FAMILY, app.font().pointSize())
        app.setFont(font)
        log.info("no system font found (resolved %r): using bundled %s", resolved, FALLBACK_FAMILY)
