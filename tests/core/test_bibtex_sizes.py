"""BibTeX and size: long values come back whole."""

from __future__ import annotations

from papershelf.core import bibtex_text


def test_a_long_stretch_without_math_decodes_what_export_wrote() -> None:
    # Past MAX_LATEX_CHARS pylatexenc is not used; the linear path must still read
    # \\textasciitilde{}, \\textasciicircum{} and the escapes that export writes.
    text = "A ~x^2 {b} \\a_b 100% & #1 -- ``q'' Café ü.\n" * 5000
    assert len(text) > bibtex_text.MAX_LATEX_CHARS and "$" not in text
    assert bibtex_text.decode(bibtex_text.encode(text)) == text
