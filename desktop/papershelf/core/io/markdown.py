"""Writing Markdown and YAML front matter that read back exactly as they were meant.

Titles and abstracts are data, not Markdown: a ``*`` or ``[[`` in a title must not turn
into emphasis or an Obsidian link. Front matter is written by hand, not by a YAML
library, with every string double-quoted in the JSON-compatible subset of YAML so that
any title (colons, quotes, leading dashes, ``#``, newlines) loads back unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from papershelf.core.fields import Paper

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# start formatting in CommonMark or Obsidian (math, highlights, comments, tags).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$#&%=^!{}])")
# At the start of a line: headings, lists, quotes, thematic breaks, setext underlines.
_LIST_MARK = re.compile(r"^([-+])|^(\d{1,9})([.)])")
# YAML 1.1 reads these as line breaks or refuses them, even inside quotes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_URL_UNSAFE = re.compile(r"[\s<>()\[\]\"'`\x00-\x1f\x7f]")


def escape_inline(text: str) -> str:
    """``text`` shown literally inside a Markdown line; newlines become spaces."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def escape_block(text: str) -> str:
    """``text`` shown literally as Markdown paragraphs (blank lines kept)."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    escaped = [_INLINE_SPECIAL.sub(r"\\\1", p) for p in paragraphs if p]
    return "\n\n".join(_LIST_MARK.sub(_escape_list_mark, p) for p in escaped)


def _escape_list_mark(match: re.Match[str]) -> str:
    # CommonMark escapes punctuation only: "\-" but "1986\." (a backslash before a digit
    # would be shown).
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def quote_block(text: str) -> str:
    """``text`` as a Markdown block quote, each paragraph quoted."""
    paragraphs = escape_block(text).split("\n\n")
    return "\n>\n".join(f"> {p}" for p in paragraphs if p)


def close_fences(text: str) -> str:
    """A note whose code fence was never closed would swallow what follows it."""
    open_fence: str | None = None
    for match in _FENCE.finditer(text):
        marker = match.group(1)
        if open_fence is None:
            open_fence = marker
        elif marker[0] == open_fence[0] and len(marker) >= len(open_fence):
            open_fence = None
    if open_fence is None:
        return text
    return f"{text.rstrip()}\n{open_fence}"


_ATX_HEADING = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A line that starts a list item, a quote or a table row is no setext heading's text.
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|>|\|)")


def demote_headings(text: str, levels: int) -> str:
    """Every heading of ``text`` ``levels`` deeper (at most 6), code blocks left alone.

    A note pasted under a paper's heading keeps its own outline inside that paper's,
    instead of a "# Thoughts" in it cutting the reading journal's outline in two.
    Setext headings (a line underlined with === or ---) become ATX ones.
    """
    out: list[str] = []
    fence: str | None = None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        mark = _FENCE.match(line)
        if mark:
            marker = mark.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            out.append(line)
            continue
        if fence is not None:
            out.append(line)
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            depth = min(len(heading.group(2)) + levels, 6)
            out.append(heading.group(1) + "#" * depth + line[heading.end() :])
            continue
        underline = _SETEXT_UNDERLINE.match(line)
        if underline and out and out[-1].strip() and i > 0 and not _FENCE.match(lines[i - 1]):
            depth = min((1 if underline.group(1)[0] == "=" else 2) + levels, 6)
            previous = out[-1]
            if not (
                _ATX_HEADING.match(previous)
                or _NOT_PARAGRAPH.match(previous)
                or previous.startswith((" " * 4, "\t"))
            ):
                out[-1] = "#" * depth + " " + previous.strip()
                continue
        out.append(line)
    return "\n".join(out)


def obsidian_tag(tag: str) -> str | None:
    """A tag as Obsidian's properties take one: no spaces or "#", not digits alone.

    Obsidian allows letters, digits, "_", "-" and "/" (for nested tags); spaces become
    "-". None when nothing of the tag is left.
    """
    text = re.sub(r"\s+", "-", tag.strip().lstrip("#"))
    text = re.sub(r"[^\w/-]", "", text).strip("/")
    if not text:
        return None
    return text if re.search(r"[^\W\d]", text) else f"tag-{text}"


def web_link(label: str, url: str | None) -> str | None:
    """A Markdown link to an http(s) URL, or None for anything else (file:, javascript:)."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        return None
    safe = _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url)
    return f"[{escape_inline(label)}]({safe})"


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) of a paper's web pages: its URL, DOI, arXiv page and code."""
    links: list[tuple[str, str]] = []
    if paper.url and paper.url.strip():
        links.append(("link", paper.url.strip()))
    if paper.doi and paper.doi.strip():
        links.append(("DOI", "https://doi.org/" + paper.doi.strip()))
    if paper.arxiv_id and paper.arxiv_id.strip():
        links.append(("arXiv", "https://arxiv.org/abs/" + paper.arxiv_id.strip()))
    links.extend(("code", str(u)) for u in paper.code_urls)
    return [(label, u) for label, u in links if web_link(label, u)]


def yaml_scalar(value: object) -> str:
    """One YAML value in flow style: strings always double-quoted, lists as ``[...]``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        # JSON's string syntax is a subset of YAML's double-quoted style, except for a
        # few characters YAML treats as line breaks or forbids: escape those too.
        text = json.dumps(value, ensure_ascii=False)
        return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    if isinstance(value, Sequence):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def front_matter(fields: Mapping[str, object]) -> str:
    """A YAML front matter block (``---`` ... ``---``) of plain keys and values."""
    lines = ["---"]
    for key, value in fields.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"front matter key {key!r} is not a plain name")
        lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"
