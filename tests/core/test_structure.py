"""The code's structure: no module imports itself back, through any chain (issue 14).

Imports inside functions count: they only hide a circle (and make the order of first
use decide what works). Modules are read with ``ast``, nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "desktop" / "papershelf"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The papershelf modules ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from papershelf.core import keys`` imports the module papershelf.core.keys;
            # the package's __init__ counts only when a name is taken from it.
            modules_named = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [n for n in modules_named if n in known]
            if len(names) < len(modules_named):
                names.append(node.module)
        else:
            continue
        for name in names:
            if name in known:
                found.add(name)
    found.discard(module_name(path))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_core_has_no_import_circle() -> None:
    edges = {k: v for k, v in graph().items() if not k.startswith("papershelf.ui")}
    assert circles(edges) == []


def test_no_import_circle_anywhere() -> None:
    edges = graph()
    assert len(edges) > 40  # the walk saw the package
    assert circles(edges) == []


def test_the_circle_finder_finds_circles() -> None:
    # The near miss: a chain is not a circle, a chain that closes is.
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# --- SQL lives in the store ---------------------------------------------------------------

# The packages whose job is SQL: the store (the library's tables), search (the query
# language compiles to SQL), safety (SQLite's backup API and integrity checks).
SQL_PACKAGES = ("papershelf.core.store", "papershelf.core.search", "papershelf.core.safety")
_SQL_ATTRIBUTES = frozenset({"conn", "execute", "executemany", "executescript"})


def sql_outside_the_store(prefix: str) -> list[str]:
    """``module:line attribute`` for each use of a connection outside the SQL packages."""
    found = []
    for name, path in sorted(modules().items()):
        if not name.startswith(prefix) or name.startswith(SQL_PACKAGES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in _SQL_ATTRIBUTES:
                found.append(f"{name}:{node.lineno} .{node.attr}")
    return found


def test_no_sql_outside_the_store_in_core_and_the_command_line() -> None:
    assert sql_outside_the_store("papershelf.core") == []
    assert sql_outside_the_store("papershelf.cli") == []


def test_no_sql_in_the_window() -> None:
    assert sql_outside_the_store("papershelf.ui") == []
