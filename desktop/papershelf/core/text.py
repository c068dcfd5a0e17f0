"""Turning the LaTeX that papers carry into readable text, and folding names.

Abstracts are plain prose with inline math (``$L_\\infty$``), so only the ``$...$``
spans go through pylatexenc: run over the whole text it would treat ``%`` as a
comment and drop the rest of the sentence.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

from anyascii import anyascii

# Display math "$$...$$" first (else its second "$" would open the next inline span);
# an inline span's closing "$" follows a non-space and precedes no digit, as pandoc
# reads it: "costs $5 to $10" is prose about money, not math.
_MATH = re.compile(r"\$\$([^$]{1,2000})\$\$|\$([^$]{1,2000})(?<!\s)\$(?!\d)")
# Wide accents pylatexenc shows without their accent (\widehat{v} as "v").
_WIDE_ACCENTS = {"widehat": "\u0302", "widetilde": "\u0303", "overline": "\u0305"}
# Prose emphasis outside math ("also known as \\emph{deep matrix factorization}"): the
# words stay, the markup goes.
_TEXT_STYLE = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsf|textsc|textrm|textup|underline)\{([^{}$]{0,2000})\}"
)
_SCRIPT = re.compile(r"([_^])(\{[^{}]{1,40}\}|\\[A-Za-z]+|[^\s{}\\])")
_SUPER = dict(zip("0123456789+-=()nidkTx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵈᵏᵀˣ", strict=True))
_SUB = dict(zip("0123456789+-=()aeioxnkstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒₓₙₖₛₜᵢⱼ", strict=True))


@lru_cache(maxsize=1)
def latex_context() -> Any:
    """The parser's macro table, built once: pylatexenc rebuilds it on every call otherwise."""
    from pylatexenc import latexwalker

    return latexwalker.get_default_latex_context_db()


def _accented(combining: str) -> Any:
    def text(node: Any, l2tobj: Any) -> str:  # pylatexenc passes itself by this name
        args = node.nodeargd.argnlist if node.nodeargd else []
        base = l2tobj.nodelist_to_text([a for a in args[:1] if a is not None]).strip()
        # Over letters and digits only: with no argument, pylatexenc hands it the "$".
        return "".join(unicodedata.normalize("NFC", ch + combining) for ch in base if ch.isalnum())

    return text


@lru_cache(maxsize=1)
def _converter() -> Any:
    """pylatexenc, imported on first use: it adds a sixth of a second to start-up."""
    from pylatexenc import latex2text

    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)  # it would print to stderr
    db = latex2text.get_default_latex_context_db()
    accents = [latex2text.MacroTextSpec(m, _accented(c)) for m, c in _WIDE_ACCENTS.items()]
    db.add_context_category("papershelf", macros=accents, prepend=True)
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="text")


def _script(match: re.Match[str]) -> str:
    marker, body = match.group(1), match.group(2)
    inner = body[1:-1] if body.startswith("{") else body
    table = _SUPER if marker == "^" else _SUB
    if inner and all(ch in table for ch in inner):
        return "".join(table[ch] for ch in inner)
    if marker == "_":
        return inner  # L_\infty reads as L∞: there is no subscript infinity
    return f"^({inner})" if len(inner) > 1 else f"^{inner}"


def _math_to_text(match: re.Match[str]) -> str:
    # Sub- and superscripts first, while their braces still say how far they reach.
    source = _SCRIPT.sub(_script, match.group(1) or match.group(2))
    try:
        return str(_converter().latex_to_text(f"${source}$", latex_context=latex_context())).strip()
    except Exception:  # pylatexenc is lenient, but a hostile string must not break display
        return source


@lru_cache(maxsize=4096)
def latex_to_text(text: str) -> str:
    """Show the inline LaTeX (math, emphasis) of a title or abstract as plain Unicode text."""
    if "$" in text:
        text = _MATH.sub(_math_to_text, text)
    if "\\" in text:
        text = _TEXT_STYLE.sub(r"\1", text)
    return text


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to match names ("HaoChen" == "Haochen")."""
    if not text.isascii():  # ASCII has nothing to decompose: most names and titles
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1024)  # an import asks for each title's three times, one after another
def title_key(title: str) -> str:
    """A title reduced to its words, to find the same paper under another spelling:
    case, accents and punctuation ("In-Context Learning." / "in context learning")."""
    return " ".join(_NOT_WORD.sub(" ", fold(title)).split())


def ascii_fold(text: str) -> str:
    """ASCII letters and digits only, lower case: for citation keys and file names.

    Other scripts are transliterated, not dropped ("Иванов" -> "ivanov", "王小明" ->
    "wangxiaoming"): dropping them left only the year of a Cyrillic author's key.
    """
    if not text.isascii():
        text = anyascii(text)
    return re.sub(r"[^a-z0-9]", "", text.lower())


def caseless_glob(text: str) -> str:
    """An SQLite GLOB pattern matching ``text`` whatever the case of its letters.

    SQLite's NOCASE and LIKE fold ASCII letters only, so "MÜLLER2020" would not find the
    key "Müller2020". "[Mm][Üü]..." does, on any connection, with no custom function.
    """
    out = []
    for ch in text:
        # One-character case forms only: "ß".upper() is "SS", which a class cannot hold.
        forms = sorted({f for f in (ch, ch.lower(), ch.upper(), ch.title()) if len(f) == 1})
        if len(forms) > 1 or ch in "*?[":
            out.append(f"[{''.join(forms)}]")
        else:
            out.append(ch)
    return "".join(out)
