"""The parsed filter as a tree of nodes, and the SQL (and FTS5 expressions) made of it.

``query`` parses the filter text into these nodes; ``to_sql`` renders a tree as one
WHERE clause over ``papers p``, folding what it can into single full-text matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

# first_page.py rewrites these for its per-paper tests: keep them spelled this way.
MATCH_SUBQUERY = "(SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)"
FTS_SUBQUERY = f"p.id IN {MATCH_SUBQUERY}"


# The tree. ``None`` stands for "no constraint" (an ignored word, an empty group).
@dataclass(frozen=True)
class Fts:
    expr: str  # an FTS5 expression in which every piece of user text is quoted
    words: tuple[str, ...]


@dataclass(frozen=True)
class Sql:
    sql: str
    params: tuple[object, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node: TypeAlias = Fts | Sql | Not | And | Or


def make_node(kind: type[And] | type[Or], items: list[Node | None]) -> Node | None:
    """Build AND/OR, dropping empty operands so ignored text is simply invisible."""
    flat: list[Node] = []
    for item in items:
        if isinstance(item, kind):
            flat.extend(item.children)
        elif item is not None:
            flat.append(item)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def negate(node: Node | None) -> Node | None:
    if node is None:
        return None
    return node.child if isinstance(node, Not) else Not(node)


def to_fts(node: Node) -> str | None:
    """The node as one FTS5 expression, or None when it needs SQL (or a lone NOT)."""
    if isinstance(node, Fts):
        return node.expr
    if isinstance(node, Or):
        parts = [to_fts(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        return "(" + " OR ".join(part for part in parts if part) + ")"
    if isinstance(node, And):
        positive = [to_fts(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_fts(c.child) for c in node.children if isinstance(c, Not)]
        if not positive or any(part is None for part in positive + negative):
            return None
        expr = "(" + " AND ".join(part for part in positive if part) + ")"
        if negative:  # FTS5's NOT is binary: it needs something positive on its left
            expr = f"({expr} NOT ({' OR '.join(part for part in negative if part)}))"
        return expr
    return None


def to_sql(node: Node, params: list[object]) -> str:
    """Append the node's parameters to ``params`` and return its SQL."""
    expr = to_fts(node)
    if expr is not None:
        params.append(expr)
        return FTS_SUBQUERY
    if isinstance(node, Sql):
        params.extend(node.params)
        return node.sql
    if isinstance(node, Not):
        inner = to_fts(node.child)
        if inner is not None:
            params.append(inner)
            return f"p.id NOT IN {MATCH_SUBQUERY}"
        # A NULL column (year, abstract) counts as "no match", so its negation matches.
        return f"(NOT coalesce(({to_sql(node.child, params)}), 0))"
    if isinstance(node, And):
        full_text: list[Node] = []
        rest: list[Node] = []
        for child in node.children:
            text_child = child.child if isinstance(child, Not) else child
            (full_text if to_fts(text_child) is not None else rest).append(child)
        parts: list[str] = []
        if any(not isinstance(child, Not) for child in full_text):
            parts.append(to_sql(And(tuple(full_text)), params))
        elif full_text:  # only negations: one "NOT IN (a OR b)" instead of one per word
            either = Or(tuple(child.child for child in full_text if isinstance(child, Not)))
            parts.append(to_sql(Not(either), params))
        parts.extend(to_sql(child, params) for child in rest)
        return "(" + " AND ".join(parts) + ")"
    if isinstance(node, Or):
        text_terms = [child for child in node.children if to_fts(child) is not None]
        others = [child for child in node.children if to_fts(child) is None]
        parts = [to_sql(Or(tuple(text_terms)), params)] if text_terms else []
        parts.extend(to_sql(child, params) for child in others)
        return "(" + " OR ".join(parts) + ")"
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover


def visible_words(node: Node | None, found: list[str]) -> None:
    """Words and phrases that can be seen in the results: negated ones cannot."""
    if isinstance(node, Fts):
        found.extend(word for word in node.words if word not in found)
    elif isinstance(node, And | Or):
        for child in node.children:
            visible_words(child, found)
