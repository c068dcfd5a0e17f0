"""Data is shown as text: no HTML from papers or notes runs, nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from papershelf.core.fields import PaperFields
from papershelf.core.store.opening import open_library
from papershelf.ui import open_main_window
from papershelf.ui.panes.details import SafeTextBrowser

HOSTILE = [
    "<img src=file:///etc/passwd>",
    "<img src='https://example.com/track.png'>",
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>click</a>",
    "<style>body{background:url(file:///etc/passwd)}</style>",
]


@pytest.fixture
def requests(monkeypatch) -> list[str]:
    """Every resource any safe browser is asked for, and every URL handed to the OS."""
    seen: list[str] = []
    original = SafeTextBrowser.loadResource

    def record(self, kind, name):  # type: ignore[no-untyped-def]
        seen.append(name.toString() if isinstance(name, QUrl) else str(name))
        result = original(self, kind, name)
        assert result is None
        return result

    monkeypatch.setattr(SafeTextBrowser, "loadResource", record)
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: seen.append("open " + url.toString())
    )
    return seen


def test_hostile_fields_show_as_characters(qtbot, library_path: Path, requests) -> None:
    with open_library(library_path) as lib:
        paper_id = lib.add_paper(
            PaperFields(
                title="zzhostile " + HOSTILE[0],
                authors=[HOSTILE[2], "Normal Person"],
                affiliations=[HOSTILE[4]],
                abstract=" ".join(HOSTILE),
                url="javascript:alert(1)",
                code_urls=["file:///etc/passwd", "https://github.com/ok/repo"],
            )
        )
        lib.add_tags([paper_id], [HOSTILE[3]])
        lib.set_note(paper_id, "![x](file:///etc/passwd) <img src=https://example.com/a.png>")
    win = open_main_window(library_path)
    qtbot.addWidget(win)
    win.filter_edit.setText("zzhostile")
    win.table.selectRow(0)
    text = win.details.toPlainText()
    for fragment in HOSTILE:
        assert fragment in text
    html = win.details.toHtml()
    assert "<img" not in html and "<script" not in html
    assert 'href="javascript:' not in html and 'href="file:' not in html
    assert 'href="https://github.com/ok/repo"' in html

    win.notes.preview_button.setChecked(True)
    assert "<img src=https://example.com/a.png>" in win.notes.preview.toPlainText()
    win.notes.preview.grab()  # paint: any image would be requested now
    # The Markdown image was asked for, and the browser answered with nothing.
    assert requests == ["file:///etc/passwd"]

    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://example.com", "mailto:a@b.c"):
        win.details.anchorClicked.emit(QUrl(url))
    assert [r for r in requests if r.startswith("open ")] == [
        "open https://example.com",
        "open mailto:a@b.c",
    ]
    win.close()
