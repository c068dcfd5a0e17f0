"""The fast reading of plain names gives exactly what bibtexparser's careful one gives.

An import reads hundreds of thousands of names; ``names.plain_parts`` reads those
without braces or backslashes itself. These tests hold it to bibtexparser's
``parse_single_name_into_parts`` on generated names, near-misses included: particles,
suffixes, extra commas, ties, hyphens, initials, other scripts, caseless words.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bibtexparser.middlewares.names import parse_single_name_into_parts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from papershelf.core import names
from papershelf.core.io import bibtex_fields


def careful(name: str) -> names.NameParts:
    found = parse_single_name_into_parts(name, strict=False)
    return names.NameParts(
        given=" ".join(found.first),
        particle=" ".join(found.von),
        family=" ".join(found.last),
        suffix=" ".join(found.jr),
    )


WORDS = [
    "van", "der", "de", "la", "von", "Van", "Der", "d'Alembert", "Jr.", "jr", "III", "Sr",
    "J.", "J.-P.", "Jean-Paul", "Müller", "Ångström", "émile", "Émile", "王小明", "Иванов",
    "ǅemal", "İnan", "ß", "123", "3rd", "-", ".", "O'Neil", "McDonald", "al", "et",
    "others", "and", "Ludwig", "Beethoven", "de'", "x", "É.", "ﬁsher",
]  # fmt: skip
GROUPED = ["{Barnes and Noble, Inc.}", 'M{\\"u}ller, H.', "{van der Waals}, J.", "{\\'E}mile Zola"]
SEPARATORS = [" ", "  ", "~", "\t", "\n", "\r", ",", ", ", " , ", ",,", "\xa0", "\x0b", "-"]


@st.composite
def plain_names(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=6), max_size=7))
    out = []
    for part in parts:
        out.append(part)
        out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@settings(max_examples=2000, deadline=None)
@given(plain_names())
@example("van der Waals, Johannes Diderik")
@example("King, Jr., Martin Luther")
@example("Jean de la Fontaine")
@example("Ludwig van")
@example("a, b, c, d, e")
@example("A,,")
@example(", A")
@example(",")
@example("   ")
@example("jr, , ann")
def test_plain_parts_equal_bibtexparsers(raw: str) -> None:
    name = raw.strip()
    if any(ch in name for ch in "{}\\"):
        return
    assert names.plain_parts(name) == careful(name)


@settings(max_examples=800, deadline=None)
@given(plain_names(), st.sampled_from(["{", "}", "\\", '{\\"u}', "{van}", "\\'e"]), st.data())
def test_grouped_names_take_the_careful_path(raw: str, mark: str, data: st.DataObject) -> None:
    """A brace or backslash anywhere sends a name to bibtexparser: same parts as it gives."""
    at = data.draw(st.integers(0, len(raw)))
    name = (raw[:at] + mark + raw[at:]).strip()
    if names._corporate(name) is not None:
        return
    assert names.latex_parts(name) == careful(name)


@settings(max_examples=800, deadline=None)
@given(st.lists(plain_names() | st.sampled_from(GROUPED), min_size=1, max_size=5))
def test_name_lists_read_as_the_careful_parser_reads_them(raws: list[str]) -> None:
    """Whole author lists: the same stored forms with the fast path as with bibtexparser
    reading every name (and a name read before, from the cache, as when read first)."""
    value = " and ".join(raws)
    fast = bibtex_fields.parse_names(value)
    assert bibtex_fields.parse_names(value) == fast  # from the cache
    with careful_names():
        assert bibtex_fields.parse_names(value) == fast


@contextmanager
def careful_names() -> Iterator[None]:
    """bibtexparser reads every name, as before the fast path (caches emptied)."""
    fast = names.plain_parts
    names.plain_parts = careful
    names.parts.cache_clear()
    bibtex_fields._structured.cache_clear()
    try:
        yield
    finally:
        names.plain_parts = fast
        names.parts.cache_clear()
        bibtex_fields._structured.cache_clear()
