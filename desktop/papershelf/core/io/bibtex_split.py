"""A BibTeX text split into blocks fast, with exactly the blocks bibtexparser makes.

bibtexparser's splitter walks every brace, comma, quote and line end of a file in
Python: 11 s for the 120 MB of 100,000 entries with abstracts. This module reads the
regular entries itself and gives bibtexparser everything else.

It relies on one property of bibtexparser's splitter: an ``@name{`` or ``@name(`` with
nothing but white space before it on its line always starts a block, whatever came
before (outside a block it starts one; inside one, the unclosed block is reported as
failed and the new one starts there). So the text is cut at every such mark into
pieces whose reading does not depend on each other. A piece that holds one entry of
the regular shape (``@type{key,`` then ``name = value`` fields: braced, simply quoted,
bare or ``#``-joined values, braces balanced as bibtexparser counts them, no field
twice) and no other ``@`` is read here, with the fields, values and line numbers
bibtexparser would give. Runs of other pieces go to bibtexparser as one text, followed
by the start of the next piece so that a block left open ends the way it does in the
whole file; its line numbers start where the run does. Tests compare both on hostile
and generated files, block by block.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bibtexparser import model
from bibtexparser.splitter import Splitter

# Where a block starts whatever came before: bibtexparser's block-start mark with only
# white space before it on its line (its splitter puts a line end before the text).
_CUT = re.compile(r"\n[^\S\n]*(@\w*[ \t]*)(?=[{(])")
_MARK = re.compile(r"@\w*[ \t]*")
_KEY = re.compile(r"[ \t]*([^\s,{}\"=\\@()#%]+)[ \t]*,")
_NOT_ENTRIES = ("comment", "preamble", "string")


def _braced(depth: int) -> str:
    """A ``{...}`` group nested at most ``depth`` deep, braces counted as bibtexparser
    counts them: one after a backslash is text. Each token is atomic (a backslash run
    always takes the brace after it), so no backtracking finds another reading; a group
    can only end where the tokens stop, at a brace no backslash escapes."""
    inner = r"(?>[^{}\\]+)|(?>\\+[{}]?)"
    for _ in range(depth):
        inner = r"(?>[^{}\\]+)|(?>\\+[{}]?)|\{(?:" + inner + r")*\}"
    return r"\{(?:" + inner + r")*\}"


# One part of a value: a braced group (six levels: titles protect a word or two, math
# a few more), a quoted string without braces or escapes, or a bare number or macro name.
_ATOM = rf'(?:{_braced(5)}|"[^"{{}}\\]*"|[\w.:+\-/]+)'
# A field: its name, "=", its value (parts joined by "#"), then "," or the entry's "}".
_FIELD = re.compile(
    rf"\s*+([A-Za-z][\w\-.:+]*+)\s*+(=)\s*+({_ATOM}(?:\s*+#\s*+{_ATOM})*+)\s*+([,}}])"
)
_CLOSE = re.compile(r"\s*\}")


class FastField(NamedTuple):
    """A field as bibtexparser's ``Field`` has it: the value raw, braces and all."""

    key: str
    value: str
    start_line: int  # of its "=", counted from 0


class FastEntry(NamedTuple):
    """An entry read here, as bibtexparser's ``Entry`` has it, and the line each field's
    value starts on (1-based, as the reader reports them)."""

    start_line: int  # of its "@", counted from 0
    entry_type: str
    key: str
    fields: list[FastField]
    raw: str
    value_lines: list[int]


Block = model.Block | FastEntry


def _lines(text: str, start: int, end: int) -> int:
    """Line ends between ``start`` and ``end`` as bibtexparser counts them: not one
    after a backslash."""
    return text.count("\n", start, end) - text.count("\\\n", start, end)


def _entry(text: str, start: int, end: int, mark: str, line: int) -> FastEntry | None:
    """The regular entry that fills ``text[start:end]`` (the piece after a cut), or None
    when the piece is anything else."""
    at = start + len(mark)
    if text[at] != "{" or text.find("\\\n", start, end) >= 0:
        return None  # a (-block, or a line end bibtexparser does not count: its path
    entry_type = mark.lower()[1:].strip()
    if not entry_type or entry_type.startswith(_NOT_ENTRIES):
        return None
    head = _KEY.match(text, at + 1, end)
    if head is None:
        return None
    fields: list[FastField] = []
    value_lines: list[int] = []
    names: set[str] = set()
    position = head.end()
    counted, lines = start, line  # line ends are counted once, up to ``counted``
    match = _FIELD.match(text, position, end)
    while match is not None:
        key = match.group(1)
        if key in names:
            return None  # bibtexparser reports repeated fields: its path says how
        names.add(key)
        equals, value_at = match.start(2), match.start(3)
        lines += text.count("\n", counted, equals)
        field_line = lines
        lines += text.count("\n", equals, value_at)
        counted = value_at
        fields.append(FastField(key, match.group(3), field_line))
        value_lines.append(lines + 1)
        position = match.end()
        if match.group(4) == "}":
            break
        match = _FIELD.match(text, position, end)
    else:
        close = _CLOSE.match(text, position, end)
        if close is None:
            return None  # a dangling name, a value of another shape
        position = close.end()
    if "@" in text[position:end]:
        return None  # more blocks than this one in the piece
    return FastEntry(line, entry_type, head.group(1), fields, text[start:position], value_lines)


def _careful(text: str, start: int, end: int, line: int) -> list[model.Block]:
    """bibtexparser's blocks of ``text[start:end]``, numbered from ``line``; when a
    cut follows, its mark ends the last block as in the whole text, and its own
    (failed) block is dropped."""
    tail = ""
    if end < len(text):  # "@name{" of the next piece
        follows = _MARK.match(text, end)
        assert follows is not None, "pieces start with a mark"
        tail = text[end : follows.end() + 1]
    splitter = Splitter(text[start:end] + tail)
    splitter._current_line = line - 1  # its own count starts at -1: lines from ``line``
    blocks = list(splitter.split().blocks)
    if tail:
        last = blocks.pop()
        assert isinstance(last, model.ParsingFailedBlock), "the next piece's mark ends it"
    return blocks


def split(text: str) -> list[Block]:
    """The blocks of a BibTeX text, as ``bibtexparser.parse_string(text, parse_stack=[])``
    gives them, but for what the reader ignores: implicit comments may be left out, and
    an entry whose key an earlier one has is not wrapped in a ``DuplicateBlockKeyBlock``
    (the library gives it a key of its own)."""
    cuts = [(m.start(1), m.group(1)) for m in _CUT.finditer("\n" + text)]
    cuts = [(at - 1, mark) for at, mark in cuts]  # the splitter's line end comes first
    blocks: list[Block] = []
    careful_from: int | None = None  # where the run of pieces for bibtexparser starts
    careful_line = 0
    first = cuts[0][0] if cuts else len(text)
    if "@" in text[:first]:
        careful_from = 0
    line = _lines(text, 0, first)
    for index, (start, mark) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        entry = _entry(text, start, end, mark, line)
        if entry is None:
            if careful_from is None:
                careful_from, careful_line = start, line
        else:
            if careful_from is not None:
                blocks.extend(_careful(text, careful_from, start, careful_line))
                careful_from = None
            blocks.append(entry)
        line += _lines(text, start, end)
    if careful_from is not None:
        blocks.extend(_careful(text, careful_from, len(text), careful_line))
    return blocks
