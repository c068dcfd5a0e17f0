"""The filter language shared by the window's filter box and ``papershelf list``.

Grammar (whitespace separates terms)::

    query   := and_expr
    and_expr:= or_expr*                      implicit AND between neighbours
    or_expr := unary ("OR" unary)*           OR is the upper-case word only
    unary   := "-" unary | "(" and_expr ")" | term
    term    := word | "phrase" | field:value | field:"value"

Precedence is Google's: ``OR`` binds tighter than the implicit AND, so
``a b OR c`` means ``a AND (b OR c)``; ``-`` binds tightest. Parentheses group.

A plain word matches a word starting with it in the title, authors, abstract, tags
or note; a quoted phrase matches those words in a row. Fields: ``title:`` and
``author:`` (the same, limited to one column), ``aff:`` (substring of an
affiliation), ``tag:`` (a whole tag name), ``status:``, ``cat:``, ``key:`` (prefix),
``from:`` (a followed source's name), ``year:2023`` / ``year:>=2021`` (also > < <= =)
/ ``year:2021..2023`` (either end may be left open), ``has:code|note|tags|abstract|pdf|
file|doi|arxiv``, and ``text:`` (a word or "phrase" in the text of attached PDFs). Names
and values ignore case.

Text is forgiving because it is typed live: an unknown ``field:value`` (``http://x``)
is a plain word, a hyphen inside a word (``in-context``) is part of it, a word with no
letter or digit (``*``, ``--``) is ignored, and an unclosed quote is a phrase still
being typed, so its last word matches as a prefix. Things that cannot mean anything
(``year:abc``, ``tag:`` alone, a dangling ``OR``, unbalanced parentheses) give a short
message in ``CompiledQuery.error`` instead of a guess; the window keeps its last result.

Safety: user text only ever travels as SQL parameters. Text bound for FTS5 is always
inside double quotes (``"`` doubled), so FTS5 operators typed by a user (``NEAR``,
``AND``, ``*``, ``^``, ``:``) are plain words to it. Positive full-text terms that are
ANDed together share one ``MATCH``, which matters on a library of a million papers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from papershelf.core.fields import PRIORITIES
from papershelf.core.search.dates import Clock, DateError, date_range
from papershelf.core.search.query_tree import (
    And,
    Fts,
    Node,
    Or,
    Sql,
    make_node,
    negate,
    to_sql,
    visible_words,
)
from papershelf.core.store.schema import STATUSES
from papershelf.core.text import caseless_glob, fold

__all__ = ["CompiledQuery", "compile_query"]

FIELDS = frozenset(
    {
        "title", "author", "aff", "tag", "status", "cat", "key", "year", "has", "venue", "type",
        "text", "from", "priority", "added", "read", "saved",
    }
)  # fmt: skip
# Papers' times in the columns of ``added:`` and ``read:`` (UTC ISO text, indexed).
_DATE_COLUMNS = {"added": "p.added", "read": "p.read_at"}
MAX_SAVED_TERMS = 1000  # every saved search expanded, all told

# SQLite's parser stack overflows near 14 levels of the SQL we generate per nesting
# level, and its expression depth is capped at 1000; these limits stay well inside.
MAX_DEPTH = 10
MAX_TERMS = 200
MAX_LENGTH = 4000

YEAR_ERROR = "year: expects 2023, >=2021 or 2021..2023"
HAS_ERROR = "has: expects code, note, tags, abstract, pdf, file, doi or arxiv"
INTERNAL_ERROR = "could not understand the query"

_FIELD = re.compile(r"([A-Za-z]+):")
_YEAR_CMP = re.compile(r"(>=|<=|>|<|=)?([0-9]{1,4})")
_YEAR_RANGE = re.compile(r"([0-9]{1,4})?\.\.([0-9]{1,4})?")
# NUL would end the FTS5 string early ("unterminated string"); controls are separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

_BLANK = "char(32, 9, 10, 13)"  # a note or abstract of only whitespace counts as none
_HAS = {
    "code": "p.has_code = 1",
    "note": f"p.id IN (SELECT n.paper_id FROM notes n WHERE trim(n.body, {_BLANK}) <> '')",
    "tags": "p.id IN (SELECT pt.paper_id FROM paper_tags pt)",
    "abstract": f"trim(p.abstract, {_BLANK}) <> ''",
    "pdf": "p.id IN (SELECT f.paper_id FROM attachments f WHERE f.kind = 'pdf')",
    "file": "p.id IN (SELECT f.paper_id FROM attachments f)",
    "doi": f"trim(coalesce(p.doi, ''), {_BLANK}) <> ''",
    "arxiv": f"trim(coalesce(p.arxiv_id, ''), {_BLANK}) <> ''",
}
_HAS |= {"notes": _HAS["note"], "tag": _HAS["tags"], "files": _HAS["file"]}
# text: searches the PDFs' text, an index of its own (attachments_text): the main
# index, and the first page's plans built on it, stay as they were.
_TEXT_SQL = (
    "p.id IN (SELECT f.paper_id FROM attachments f WHERE f.id IN "
    "(SELECT rowid FROM attachments_text WHERE attachments_text MATCH ?))"
)
_ALIAS_LIKE = "SELECT a.paper_id FROM aliases a WHERE a.key LIKE ? ESCAPE '\\'"
# type: takes BibTeX's entry types, and a few words readers use for them.
_ENTRY_TYPES: dict[str, tuple[str, ...]] = {
    "paper": ("article", "inproceedings", "conference"),
    "journal": ("article",),
    "conference": ("inproceedings", "conference"),
    "thesis": ("phdthesis", "mastersthesis", "thesis"),
    "report": ("techreport", "report"),
    "preprint": ("misc", "unpublished", "online"),
    "chapter": ("incollection", "inbook"),
}


@dataclass(frozen=True)
class CompiledQuery:
    """A filter ready for ``SELECT p.id FROM papers p WHERE {where}`` with ``params``."""

    where: str
    params: tuple[object, ...]
    words: tuple[str, ...]
    error: str | None = None

    @property
    def reads_pdf_text(self) -> bool:
        """True when it looks in the text of attached PDFs (``text:``, also through a
        saved search)."""
        return "attachments_text" in self.where


class _QueryError(Exception):
    """A message for the user: the text is malformed or not finished yet."""


@dataclass(frozen=True)
class _SavedRef:
    """``saved:NAME`` before the parser expands it (where it knows how deep it is)."""

    name: str


@dataclass
class _Context:
    """What compiling one query may look up: saved searches (folded name -> query) and
    the clock of relative dates; and the saved searches being expanded (recursion)."""

    saved: dict[str, str]
    clock: Clock | None
    expanding: tuple[tuple[str, str], ...] = ()  # (folded, as written)
    terms: int = 0


def _quote(text: str) -> str:
    """One FTS5 string: inside quotes nothing the user typed is an operator."""
    return '"' + text.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _shown(text: str) -> tuple[str, ...]:
    """What the UI should highlight: lower case, without the punctuation around it."""
    return (_EDGE_PUNCTUATION.sub("", " ".join(text.lower().split())),)


def _has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _text(text: str, prefix: bool) -> Node | None:
    """A word (always a prefix) or a phrase (a prefix only while its quote is open)."""
    if not _has_text(text):
        return None
    return Fts(_quote(text) + ("*" if prefix else ""), _shown(text))


def _year(value: str) -> Node:
    value = value.strip()
    match = _YEAR_CMP.fullmatch(value)
    if match:
        op, year = match.group(1) or "=", int(match.group(2))
        low = {"=": year, ">=": year, ">": year + 1}.get(op)
        high = {"=": year, "<=": year, "<": year - 1}.get(op)
        return _dated(f"p.year {op} ?", (year,), low, high)
    match = _YEAR_RANGE.fullmatch(value)
    if not match or not (match.group(1) or match.group(2)):
        raise _QueryError(YEAR_ERROR)
    start, end = match.group(1), match.group(2)
    if start is None:
        return _dated("p.year <= ?", (int(end),), None, int(end))
    if end is None:
        return _dated("p.year >= ?", (int(start),), int(start), None)
    first, last = sorted((int(start), int(end)))
    return _dated("(p.year BETWEEN ? AND ?)", (first, last), first, last)


def _dated(sql: str, params: tuple[object, ...], low: int | None, high: int | None) -> Node:
    """A year condition, with the range of dates it implies stated alongside.

    ``year`` is only ever read from the first four characters of ``published`` when
    they are digits ("0999-01-01" is year 999), so a year bound is a bound on the date
    as text. Redundant, so exact; it lets a walk along the date index start and stop
    at the right years instead of crossing every other one.
    """
    hints: list[str] = []
    values: list[object] = []
    if low is not None and 0 < low <= 9999:
        hints.append("p.published >= ?")
        values.append(f"{low:04d}")
    if high is not None and 0 <= high < 9999:
        hints.append("p.published < ?")
        values.append(f"{high + 1:04d}")
    if not hints:
        return Sql(sql, params)
    return Sql(f"({sql} AND {' AND '.join(hints)})", (*params, *values))


_PRIORITY = re.compile(r"(>=|<=|>|<|=)?([a-z]*)")
PRIORITY_ERROR = "priority: expects none, low, medium or high, or >=medium, <high…"


def _priority(value: str) -> Node:
    match = _PRIORITY.fullmatch(value.strip().lower())
    if not match or not match.group(2):
        raise _QueryError(PRIORITY_ERROR)
    op, name = match.group(1) or "=", match.group(2)
    if name not in PRIORITIES:
        raise _QueryError(f'unknown priority "{name}" ({", ".join(PRIORITIES)})')
    return Sql(f"p.priority {op} ?", (PRIORITIES.index(name),))


def _dates(name: str, value: str, context: _Context) -> Node:
    try:
        low, high = date_range(name, value, context.clock or Clock.now())
    except DateError as error:
        raise _QueryError(str(error)) from None
    column = _DATE_COLUMNS[name]
    parts = [f"{column} {op} ?" for op, end in ((">=", low), ("<", high)) if end is not None]
    values = tuple(end for end in (low, high) if end is not None)
    if not parts:  # open at both ends: any paper that has the date
        return Sql(f"{column} IS NOT NULL", ())
    return Sql("(" + " AND ".join(parts) + ")", values)


def _field(
    name: str, value: str, quoted: bool, closed: bool, context: _Context
) -> Node | _SavedRef | None:
    if not value.strip():
        raise _QueryError(f"{name}: needs a value")
    if name == "priority":
        return _priority(value)
    if name in _DATE_COLUMNS:
        return _dates(name, value, context)
    if name == "saved":
        return _SavedRef(value.strip())
    if name in ("title", "author"):
        if not _has_text(value):
            return None
        column = "title" if name == "title" else "authors"
        star = "" if quoted and closed else "*"
        return Fts(f"({column} : {_quote(value)}{star})", _shown(value))
    if name == "year":
        return _year(value)
    if name == "text":
        if not _has_text(value):
            return None
        star = "" if quoted and closed else "*"
        return Sql(_TEXT_SQL, (_quote(value) + star,))
    if name == "has":
        sql = _HAS.get(value.strip().lower())
        if sql is None:
            raise _QueryError(HAS_ERROR)
        return Sql(sql, ())
    if name == "status":
        status = value.strip().lower()
        if status not in STATUSES:
            raise _QueryError(f'unknown status "{value.strip()}" ({", ".join(STATUSES)})')
        return Sql("p.status = ?", (status,))
    if name == "cat":
        return Sql("p.category = ? COLLATE NOCASE", (value.strip(),))
    if name == "key":
        prefix = value.strip()
        if prefix.isascii():
            like = _like_escape(prefix) + "%"
            return Sql(f"(p.key LIKE ? ESCAPE '\\' OR p.id IN ({_ALIAS_LIKE}))", (like, like))
        # LIKE ignores the case of ASCII letters only; "key:MÜLLER" finds "Müller2020".
        return Sql("p.key GLOB ?", (caseless_glob(prefix) + "*",))
    if name == "type":
        kinds = _ENTRY_TYPES.get(value.strip().lower(), (value.strip().lower(),))
        return Sql(f"p.entry_type IN ({','.join('?' * len(kinds))})", kinds)
    if name == "venue":
        return Sql("p.venue LIKE ? ESCAPE '\\'", ("%" + _like_escape(value.strip()) + "%",))
    if name == "from":  # the followed source (a feed, an arXiv query) that brought it
        sql = (
            "p.id IN (SELECT pf.paper_id FROM paper_follows pf JOIN follows f "
            "ON f.id = pf.follow_id WHERE f.name = ? COLLATE NOCASE)"
        )
        return Sql(sql, (value.strip(),))
    if name == "tag":
        sql = (
            "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE t.name_norm = ?)"
        )
        return Sql(sql, (fold(value),))
    # aff: the affiliation table is small, so one LIKE scan over it is cheap.
    sql = (
        "p.id IN (SELECT pa.paper_id FROM paper_affiliations pa "
        "JOIN affiliations a ON a.id = pa.affiliation_id WHERE a.name_norm LIKE ? ESCAPE '\\')"
    )
    return Sql(sql, ("%" + _like_escape(fold(value)) + "%",))


_LPAREN, _RPAREN, _OR, _NOT, _TERM = "(", ")", "OR", "-", "term"
_Token: TypeAlias = tuple[str, Node | _SavedRef | None]


def _read_word(text: str, i: int, opened: list[bool]) -> tuple[str, int]:
    """A run of non-space text up to a ``)`` that closes a group.

    ``opened`` holds the parentheses still open, True for a group. A ``(`` inside a
    word is text (``f(x)``, ``NEAR(a b)``), and so is the ``)`` that closes it.
    """
    j = i
    while j < len(text):
        ch = text[j]
        if ch.isspace():
            break
        if ch == "(":
            opened.append(False)
        elif ch == ")":
            if not opened or opened[-1]:
                break
            opened.pop()
        j += 1
    return text[i:j], j


def _read_quoted(text: str, i: int) -> tuple[str, int, bool]:
    """The text after the quote at ``i``, up to the closing quote or the end."""
    end = text.find('"', i + 1)
    if end < 0:
        return text[i + 1 :], len(text), False
    return text[i + 1 : end], end + 1, True


def _tokens(text: str, context: _Context) -> list[_Token]:
    tokens: list[_Token] = []
    opened: list[bool] = []
    i, after_not = 0, False
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "(" or (ch == ")" and (not opened or opened[-1])):
            if ch == "(":
                opened.append(True)
            elif opened:
                opened.pop()
            tokens.append((ch, None))
            i += 1
        elif ch == '"':
            body, i, closed = _read_quoted(text, i)
            tokens.append((_TERM, _text(body, not closed)))
        elif (
            ch == "-"
            and i + 1 < len(text)
            and not text[i + 1].isspace()
            and text[i + 1] not in "-)"
        ):
            tokens.append((_NOT, None))
            i += 1
            after_not = True
            continue
        else:
            match = _FIELD.match(text, i)
            name = match.group(1).lower() if match else ""
            if match and name in FIELDS:
                i = match.end()
                if i < len(text) and text[i] == '"':
                    value, i, closed = _read_quoted(text, i)
                    tokens.append((_TERM, _field(name, value, True, closed, context)))
                else:
                    value, i = _read_word(text, i, opened)
                    tokens.append((_TERM, _field(name, value, False, True, context)))
            else:
                word, i = _read_word(text, i, opened)
                # "-OR" means "not the word or", never a dangling operator.
                is_or = word == "OR" and not after_not
                tokens.append((_OR, None) if is_or else (_TERM, _text(word, True)))
        after_not = False
    terms = sum(kind == _TERM for kind, _ in tokens)
    context.terms += terms
    if terms > MAX_TERMS or context.terms > MAX_SAVED_TERMS:
        raise _QueryError("query too long")
    return tokens


class _Parser:
    """Recursive descent over the tokens; depth is bounded so SQLite's parser copes."""

    def __init__(self, tokens: list[_Token], context: _Context) -> None:
        self.tokens = tokens
        self.pos = 0
        self.context = context

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse(self, depth: int = 0) -> Node | None:
        node = self.and_expr(depth)
        if self.peek() == _RPAREN:
            raise _QueryError("unexpected )")
        return node

    def and_expr(self, depth: int) -> Node | None:
        items: list[Node | None] = []
        while self.peek() not in (None, _RPAREN):
            items.append(self.or_expr(depth))
        return make_node(And, items)

    def or_expr(self, depth: int) -> Node | None:
        items = [self.unary(depth)]
        while self.peek() == _OR:
            self.pos += 1
            items.append(self.unary(depth))
        return make_node(Or, items)

    def unary(self, depth: int) -> Node | None:
        kind = self.peek()
        if kind in (None, _OR, _RPAREN):
            raise _QueryError("OR needs a term on both sides")
        if depth >= MAX_DEPTH and kind in (_NOT, _LPAREN):
            raise _QueryError("too many nested parentheses")
        node = self.tokens[self.pos][1]
        self.pos += 1
        if isinstance(node, _SavedRef):
            return self.saved(node.name, depth)
        if kind == _NOT:
            return negate(self.unary(depth + 1))
        if kind == _LPAREN:
            node = self.and_expr(depth + 1)
            if self.peek() != _RPAREN:
                raise _QueryError("missing )")
            self.pos += 1
        return node

    def saved(self, name: str, depth: int) -> Node | None:
        """A saved search's query, parsed in place as if in parentheses."""
        context = self.context
        key = fold(name)
        names = [shown for _, shown in context.expanding]
        keys = [folded for folded, _ in context.expanding]
        if key in keys:
            if keys[-1] == key:
                raise _QueryError(f'saved search "{name}" uses itself')
            circle = " → ".join([*names[keys.index(key) :], name])
            raise _QueryError(f"saved searches use each other in a circle: {circle}")
        text = context.saved.get(key)
        if text is None:
            raise _QueryError(f'no saved search named "{name}"')
        if depth >= MAX_DEPTH:
            raise _QueryError("too many nested parentheses or saved searches")
        inner = _Context(
            context.saved, context.clock, (*context.expanding, (key, name)), context.terms
        )
        try:
            node = _Parser(_tokens(text, inner), inner).parse(depth + 1)
        except _QueryError as error:
            message = str(error)
            if message.startswith(("saved search", "no saved search", "too many", "query too")):
                raise
            raise _QueryError(f'saved search "{name}": {message}') from None
        context.terms = inner.terms
        return node


@lru_cache(maxsize=256)
def compile_query(
    text: str, saved: tuple[tuple[str, str], ...] = (), clock: Clock | None = None
) -> CompiledQuery:
    """Compile filter text to SQL over ``papers p``; never raises, reports via ``error``.

    ``saved``: the saved searches as (folded name, query), for ``saved:``; ``clock``:
    now and the reader's time zone, for relative dates (None: the system's, now).
    ``Library.compile`` passes the library's.
    """
    try:
        if len(text) > MAX_LENGTH:
            raise _QueryError("query too long")
        # Lone surrogates cannot be bound as UTF-8 by sqlite3; make them visible instead.
        clean = _CONTROL.sub(" ", text.encode("utf-8", "replace").decode("utf-8"))
        context = _Context(dict(saved), clock)
        node = _Parser(_tokens(clean, context), context).parse()
        if node is None:
            return CompiledQuery("1", (), ())
        params: list[object] = []
        where = to_sql(node, params)
        found: list[str] = []
        visible_words(node, found)
        return CompiledQuery(where, tuple(params), tuple(found))
    except _QueryError as error:
        return CompiledQuery("0", (), (), str(error))
    except Exception:  # a bug must not take the filter box down; tests assert it never happens
        return CompiledQuery("0", (), (), INTERNAL_ERROR)
