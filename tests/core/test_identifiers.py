"""Identifiers as readers paste them: every form understood, near misses refused."""

from __future__ import annotations

import pytest

from papershelf.core.identifiers import parse, parse_all, scan


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("2303.16800", "arxiv", "2303.16800"),
        ("2303.16800v2", "arxiv", "2303.16800"),
        ("arXiv:2303.16800v2", "arxiv", "2303.16800"),
        ("arxiv:2303.16800", "arxiv", "2303.16800"),
        ("0704.0001", "arxiv", "0704.0001"),
        ("1412.6980", "arxiv", "1412.6980"),
        ("hep-th/9901001", "arxiv", "hep-th/9901001"),
        ("hep-th/9901001v3", "arxiv", "hep-th/9901001"),
        ("math.GT/0309136", "arxiv", "math.GT/0309136"),
        ("arXiv:cond-mat/0703470", "arxiv", "cond-mat/0703470"),
        ("https://arxiv.org/abs/2303.16800", "arxiv", "2303.16800"),
        ("https://arxiv.org/abs/2303.16800v2", "arxiv", "2303.16800"),
        ("http://arxiv.org/pdf/2303.16800", "arxiv", "2303.16800"),
        ("https://arxiv.org/pdf/2303.16800v1.pdf", "arxiv", "2303.16800"),
        ("https://arxiv.org/pdf/2303.16800.pdf", "arxiv", "2303.16800"),
        ("arxiv.org/abs/2303.16800", "arxiv", "2303.16800"),
        ("https://export.arxiv.org/abs/hep-th/9901001v2", "arxiv", "hep-th/9901001"),
        ("https://www.arxiv.org/abs/2303.16800?context=cs", "arxiv", "2303.16800"),
        ("https://arxiv.org/abs/2303.16800/", "arxiv", "2303.16800"),
        ("10.48550/arXiv.2303.16800", "arxiv", "2303.16800"),
        ("https://doi.org/10.48550/arXiv.2303.16800", "arxiv", "2303.16800"),
        ("10.1145/3292500.3330701", "doi", "10.1145/3292500.3330701"),
        ("doi:10.1145/3292500.3330701", "doi", "10.1145/3292500.3330701"),
        ("DOI:10.1038/nature14539", "doi", "10.1038/nature14539"),
        ("https://doi.org/10.1038/nature14539", "doi", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1038/nature14539", "doi", "10.1038/nature14539"),
        ("https://doi.org/10.1002%2F%28SICI%291097", "doi", "10.1002/(SICI)1097"),
        ("10.1016/S0140-6736(20)30183-5", "doi", "10.1016/S0140-6736(20)30183-5"),
        ("10.1038/nature14539.", "doi", "10.1038/nature14539"),
    ],
)
def test_every_form_is_understood(text: str, kind: str, value: str) -> None:
    found = parse(text)
    assert found is not None, text
    assert (found.kind, found.value) == (kind, value)
    assert found.text == text


@pytest.mark.parametrize(
    "text",
    [
        "2303.1680",  # four digits after 2015
        "1412.69801",  # five digits before 2015
        "2313.16800",  # month 13
        "2300.16800",  # month 0
        "0612.1234",  # new style before April 2007
        "hep-th/990100",  # six digits
        "hep-th/99010011",
        "hep-th/1201001",  # old style ended in 2007
        "10.1234",  # no suffix
        "10.1234/",
        "10.12/abc",  # registrant code too short
        "doi:",
        "https://arxiv.org/list/cs.LG/recent",
        "https://arxiv.org/abs/",
        "https://arxiv.org/abs/2303.1680",
        "https://example.org/abs/2303.16800",
        "https://doi.org/",
        "10.48550/arXiv.2303.1680",  # an arXiv DOI naming no valid id
        "2303.16800v",
        "v2303.16800",
        "arXiv:",
        "hello",
        "",
    ],
)
def test_near_misses_are_not_identifiers(text: str) -> None:
    assert parse(text) is None


def test_several_at_once_one_per_line_or_space_separated() -> None:
    text = (
        "2303.16800v2 https://arxiv.org/abs/1706.03762\n"
        "doi: 10.1038/nature14539\n"
        "arXiv: hep-th/9901001, 10.48550/arXiv.2303.16800\n"
        "nonsense 2303.1680\n"
    )
    found, bad = parse_all(text)
    assert [str(i) for i in found] == [
        "arXiv:2303.16800",
        "arXiv:1706.03762",
        "doi:10.1038/nature14539",
        "arXiv:hep-th/9901001",
    ]
    assert bad == ["nonsense", "2303.1680"]


def test_scan_finds_identifiers_in_running_text() -> None:
    text = (
        "We build on Attention (arXiv:1706.03762) and on https://doi.org/10.1038/nature14539. "
        "See also version 1.2345 of the code, 12303.168001, and https://arxiv.org/list/cs.LG."
    )
    assert [str(i) for i in scan(text)] == ["arXiv:1706.03762", "doi:10.1038/nature14539"]


def test_scan_of_text_without_identifiers_is_empty() -> None:
    assert scan("Just a note about 2023 and the 3.14159 ratio.") == []
