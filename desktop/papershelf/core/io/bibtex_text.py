"""BibTeX field text: LaTeX in, readable text out, and back again without loss.

Import turns ``{\\"u}``, ``\\&``, ``--`` and protective braces into text with
pylatexenc, but keeps math verbatim, ``$...$`` and display ``$$...$$`` (``\\(...\\)``
and ``\\[...\\]`` are stored in that form): the library stores math as LaTeX (as the
seed abstracts do) and the window shows it through ``text.latex_to_text``. ``\\par`` is
a paragraph break (a blank line, as in the source); control bytes are spaces, never
glue between words. Export escapes every character LaTeX would read as markup, so
re-importing a file Papershelf wrote gives back exactly the text it had
(``decode(encode(s)) == s``; the tests check it for generated strings), and for titles
it braces what bibliography styles must not lowercase: acronyms, camel case, math.

pylatexenc recurses once per brace level and is slow on megabytes, so hostile values
(thousands of nested braces, huge fields) take a linear path instead: the common LaTeX
of bibliographies read directly, or else braces and simple escapes removed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

MAX_LATEX_DEPTH = 40  # pylatexenc overflows Python's stack a little past 300
MAX_LATEX_CHARS = 100_000  # about 0.1 s of pylatexenc; abstracts are a few thousand

# Math spans: display "$$...$$" first, then "$", no "$", "$" (so that "$$x$$ and $y$"
# does not pair the second "$" of "$$" with the next one). In BibTeX text "\$" is a
# dollar sign instead; LaTeX's own delimiters \(...\) and \[...\] are math too.
_MATH = re.compile(r"\$\$[^$]+\$\$|\$[^$]+\$")
_MATH_IN_LATEX = re.compile(
    r"(?<!\\)\$\$[^$]+\$\$|(?<!\\)\$[^$]+\$|(?<!\\)\\\(([^$]+?)\\\)|(?<!\\)\\\[([^$]+?)\\\]"
)
# What is left of math delimiters outside a pair: a dollar sign, a bracket.
_LONE_MATH_MARK = re.compile(r"(?<!\\)(?:\$|\\([()\[\]]))")
_PAR = re.compile(r"(?<!\\)\\par(?![A-Za-z])(?:\s*\\par(?![A-Za-z]))*[ \t]*")
_BRACE = re.compile(r"(?<!\\)[{}]")
# Control characters are spaces (a PDF's lost ligature or line end must not glue two
# words); C1 codes are what Windows-1252 text read as Latin-1 leaves (U+0092 is a
# right single quotation mark).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_TEXT = {
    code: bytes([code]).decode("cp1252", errors="replace").replace("\ufffd", " ")
    if code >= 0x80
    else " "
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
}
_CONTROL_TEXT[0xFEFF] = ""  # a byte-order mark is never text (files are read without it)
# Text that decodes to itself: no LaTeX, ligatures, line ends or control characters.
_AS_IS = re.compile(r"[^\\{}~$\-`'?!\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]*")
# BibTeX reads "%" and "&" literally in a field; LaTeX would read a comment and a tab.
_BARE_PERCENT_AMP = re.compile(r"(?<!\\)([%&])")
_LIGATURES = {
    "---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "?`": "\u00bf",
    "!`": "\u00a1", "~": "\u00a0",
}  # fmt: skip
_LIGATURE = re.compile("|".join(re.escape(k) for k in _LIGATURES))
_SIMPLE_ESCAPE = re.compile(r"\\([{}%&#_$])")

# The LaTeX most bibliographies use, decoded directly (see _fast).
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł",
    "L": "Ł", "oe": "œ", "OE": "Œ", "i": "\u0131", "j": "\u0237",
}  # fmt: skip
_WORDS = {
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbraceleft": "{",
    "textbraceright": "}",
}
_FAST_TOKEN = re.compile(
    r"\\([{}%&#_$])"
    r"|\\(textbackslash|textasciitilde|textasciicircum|textbraceleft|textbraceright)\{\}"
    r"|\\(['`^\"~=.])(?:\{(\\[ij]|[A-Za-z])\}|([A-Za-z]))"
    r"|\\([uvHckrdb])\{([A-Za-z])\}"
    r"|\\(ss|o|O|ae|AE|aa|AA|l|L|oe|OE|i|j)(?:\{\}|(?=\}))"
)
_FAST_PASS = re.compile(f"{_FAST_TOKEN.pattern}|{_LIGATURE.pattern}|[{{}}]")

# Export: what each character LaTeX treats specially is written as.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    # Not "\{": BibTeX counts that brace too, and a lone one unbalances the entry.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u00a0": "~",
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
# Pairs LaTeX would join into one glyph ("--" is an en dash): an empty group splits them.
_LIGATURE_PAIR = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
# Words with a capital after their first letter (SAM, GPT-3, HaoChen): bibliography
# styles that change a title's case leave them alone only inside braces.
_CASED_WORD = re.compile(r"(?<![\\\w{])([A-Za-z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)(?![\w}])")
# "@" opening a line would start a new entry for BibTeX parsers.
_LINE_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)


# Macros whose argument is the text (pylatexenc's parser knows they take one, its text
# table does not, and so dropped the words): \texttt{code}, \mbox{A}, \url, \href.
_ARGUMENT_IS_TEXT = ("mbox", "hbox", "fbox", "textsf", "texttt", "textup", "textmd", "url")


@lru_cache(maxsize=1)
def _converter() -> Any:
    """pylatexenc with fixes: ``\\textasciicircum`` and ``\\textasciitilde`` are ASCII, the
    words of ``\\mbox{}``, ``\\texttt{}``, ``\\url{}`` and ``\\href{}{}`` are kept, and a
    discretionary hyphen ``\\-`` is nothing (``\\par`` is read before, on every path)."""
    from pylatexenc import latex2text  # on first use: it is slow to import at start-up

    # It logs what it cannot read ("failed its substitution") to stderr; hostile text
    # must not print there, and what it makes of it is what decode gives anyway.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "papershelf",
        macros=[
            latex2text.MacroTextSpec("textasciicircum", "^"),
            latex2text.MacroTextSpec("textasciitilde", "~"),
            latex2text.MacroTextSpec("textbraceleft", "{"),
            latex2text.MacroTextSpec("textbraceright", "}"),
            latex2text.MacroTextSpec("href", "%(2)s"),
            latex2text.MacroTextSpec("-", ""),
            *(latex2text.MacroTextSpec(name, "%(1)s") for name in _ARGUMENT_IS_TEXT),
        ],
        prepend=True,
    )
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="text")


@lru_cache(maxsize=1)
def _parsing_context() -> Any:
    """How pylatexenc's parser reads macros, with ``\\href{url}{text}``'s two arguments."""
    from pylatexenc import latexwalker, macrospec

    db = latexwalker.get_default_latex_context_db()
    db.add_context_category("papershelf", macros=[macrospec.MacroSpec("href", "{{")], prepend=True)
    return db


def clean_text(text: str) -> str:
    """One kind of line end; control characters as spaces (C1 codes as Windows-1252
    reads them); no byte-order mark."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROL_TEXT)


def _depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACE.finditer(text):
        depth += 1 if match.group(0) == "{" else -1
        deepest = max(deepest, depth)
    return deepest


def _plain(text: str) -> str:
    """Braces and simple escapes removed, ligatures joined: for text without macros."""
    text = _LIGATURE.sub(lambda m: _LIGATURES[m.group(0)], text)  # left to right, as TeX
    text = _BRACE.sub("", text)
    return _SIMPLE_ESCAPE.sub(r"\1", text).replace(r"\textbackslash", "\\")


def _fast_token(match: re.Match[str]) -> str:
    escaped, word, accent, braced, bare, letter_accent, letter_accented, letters = match.groups()
    if escaped:
        return str(escaped)
    if word:
        return _WORDS[word]
    if accent:
        base = braced or bare
        return base[-1] + _ACCENTS[accent]  # "\\i" under an accent is a plain i
    if letter_accent:
        return str(letter_accented) + _ACCENTS[letter_accent]
    return _LETTERS[letters]


def _fast_piece(match: re.Match[str]) -> str:
    mark = match.group(0)
    if mark[0] == "\\":
        return _fast_token(match)
    return "" if mark in "{}" else _LIGATURES[mark]


def _fast(text: str) -> str | None:
    """The common LaTeX of bibliographies (accents, escapes, braces) without pylatexenc.

    None when anything else is there; pylatexenc is about a hundred times slower.
    """
    if "\\" in _FAST_TOKEN.sub("", text):
        return None
    # Every backslash starts a token, so between tokens ``_plain`` would only join
    # ligatures and drop braces: one pass does all three, in text order.
    return _FAST_PASS.sub(_fast_piece, text)


def _lone_math_mark(match: re.Match[str]) -> str:
    return match.group(1) or "\\$"


def _decode_text(text: str) -> str:
    """A stretch of LaTeX text (no math) as Unicode."""
    if "\\par" in text:
        text = _PAR.sub("\n\n", text)
    if "$" in text or "\\" in text:
        # Math was cut out before: a "$" left is a dollar sign, as pylatexenc would
        # otherwise open math there and keep the rest of the text as LaTeX, braces and all.
        text = _LONE_MATH_MARK.sub(_lone_math_mark, text)
    if "\\" not in text:
        return _plain(text)
    # Before the size and depth checks: the fast path is linear, and it reads what export
    # writes (``\\textasciitilde{}``), so a note of megabytes comes back whole.
    fast = _fast(text)
    if fast is not None:
        return fast
    if len(text) > MAX_LATEX_CHARS or _depth(text) > MAX_LATEX_DEPTH:
        return _plain(text)
    return _latex(text)


def _latex(text: str) -> str:
    try:
        protected = _BARE_PERCENT_AMP.sub(r"\\\1", text)
        # A walker builds pylatexenc's default context on every call unless given one.
        return str(_converter().latex_to_text(protected, latex_context=_parsing_context()))
    except (RecursionError, Exception):  # pylatexenc is lenient; hostile input is not
        return _plain(text)


def decode(value: str) -> str:
    """A BibTeX field value (enclosing braces already removed) as display text."""
    if _AS_IS.fullmatch(value):
        return value  # most values: nothing to decode, and decoding is the slow part
    value = clean_text(value)
    out: list[str] = []
    position = 0
    for match in _MATH_IN_LATEX.finditer(value):
        out.append(_decode_text(value[position : match.start()]))
        inline, display = match.group(1), match.group(2)
        if inline is not None:
            out.append(f"${inline}$")  # \(...\): stored as the "$...$" it means
        elif display is not None:
            out.append(f"$${display}$$")
        else:
            out.append(match.group(0))
        position = match.end()
    out.append(_decode_text(value[position:]))
    return unicodedata.normalize("NFC", "".join(out))


def _math_is_verbatim(body: str) -> bool:
    """Whether ``$body$`` survives export and import untouched."""
    if body.endswith("\\") or _depth(body) > MAX_LATEX_DEPTH or _LINE_AT.search(body):
        return False
    depth = 0
    for match in _BRACE.finditer(body):
        depth += 1 if match.group(0) == "{" else -1
        if depth < 0:
            return False
    return depth == 0 and "\\$" not in body


def _encode_text(text: str, protect_case: bool) -> str:
    escaped = _LIGATURE_PAIR.sub("{}", text.translate(_ESCAPE_TABLE))
    if protect_case:
        escaped = _CASED_WORD.sub(r"{\1}", escaped)
    return _LINE_AT.sub(r"\1{@}", escaped)


def encode(text: str, *, protect_case: bool = False) -> str:
    """``text`` as a BibTeX field value (to be wrapped in braces); ``decode`` inverts it.

    ``protect_case`` braces acronyms, camel-case words and math, as titles need: a style
    that lowercases a title would print ``{NASA}`` and ``{$\\Pi\\Sigma$}`` as they are,
    but "nasa" and "$\\pi\\sigma$" without the braces.
    """
    text = unicodedata.normalize("NFC", clean_text(text))
    out: list[str] = []
    position = 0
    for match in _MATH.finditer(text):
        math = match.group(0)
        if not _math_is_verbatim(math.strip("$")):
            continue
        before = _encode_text(text[position : match.start()], protect_case)
        if before:
            out.append(before)
        if protect_case:
            out.append("{" + math + "}")
        else:
            # An empty group keeps a "$" just written from pairing with this one as "$$".
            if out and out[-1].endswith("$"):
                out.append("{}")
            out.append(math)
        position = match.end()
    out.append(_encode_text(text[position:], protect_case))
    return "".join(out)


def encode_verbatim(text: str) -> str:
    """A URL or DOI as a BibTeX value: unchanged but for braces, which must balance."""
    return clean_text(text).replace("{", "%7B").replace("}", "%7D").replace("\n", " ").strip()


def decode_verbatim(value: str) -> str:
    """A URL, DOI or identifier field: braces and the usual escapes removed, no LaTeX."""
    if not value:
        return ""  # most of the fields asked for are absent
    value = " ".join(clean_text(value).split())
    value = _SIMPLE_ESCAPE.sub(r"\1", value)
    return _BRACE.sub("", value.replace(r"\url", "")).strip()
