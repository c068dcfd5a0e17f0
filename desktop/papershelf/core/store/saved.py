"""Saved searches: a name (unique whatever its case), a query, and a place in the list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from papershelf.core.errors import LibraryError
from papershelf.core.search.query import compile_query
from papershelf.core.store.kept import KeptUntilChanged
from papershelf.core.store.library import Library
from papershelf.core.store.queue import between
from papershelf.core.text import fold


@dataclass(frozen=True)
class SavedSearch:
    """One saved search, as listed."""

    name: str
    query: str


def all_searches(library: Library) -> list[SavedSearch]:
    """The saved searches in the reader's order."""
    rows = library.conn.execute("SELECT name, query FROM saved_searches ORDER BY position, id")
    return [SavedSearch(str(n), str(q)) for n, q in rows]


def any_reads_pdf_text(library: Library) -> bool:
    """True when a saved search looks in the text of attached PDFs (``text:``)."""
    return any(library.compile(s.query).reads_pdf_text for s in all_searches(library))


def find(library: Library, name: str) -> SavedSearch | None:
    """The saved search of that name, in any case."""
    row = library.conn.execute(
        "SELECT name, query FROM saved_searches WHERE name_norm = ?", (fold(name.strip()),)
    ).fetchone()
    return None if row is None else SavedSearch(str(row[0]), str(row[1]))


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise LibraryError("a saved search needs a name")
    if '"' in clean:
        raise LibraryError('a saved search\'s name cannot hold " (saved:"NAME" quotes it)')
    return clean


def _check_query(library: Library, name: str, query: str) -> None:
    """Refuse a query that would not run, here rather than every time it is used."""
    if not query.strip():
        raise LibraryError("a saved search needs a query")
    # Compiled as if saved already: a search that uses itself is caught now.
    rows = [(fold(n), q) for n, q in library.conn.execute("SELECT name, query FROM saved_searches")]
    saved = dict(rows) | {fold(name): query}
    # Used as it will be used: a chain of searches too deep is refused now, not later.
    error = compile_query(f'saved:"{name}"', tuple(sorted(saved.items()))).error
    if error:
        error = error.removeprefix(f'saved search "{name}": ')
        raise LibraryError(f"the query of “{name}” does not work: {error}")


def save(library: Library, name: str, query: str) -> bool:
    """Save ``query`` as ``name`` (a name already saved gets the new query); True when new."""
    name = _clean_name(name)
    query = query.strip()
    _check_query(library, name, query)
    with library.write() as conn:
        if find(library, name) is not None:
            conn.execute(
                "UPDATE saved_searches SET query = ?, name = ? WHERE name_norm = ?",
                (query, name, fold(name)),
            )
            return False
        last = conn.execute("SELECT max(position) FROM saved_searches").fetchone()[0]
        conn.execute(
            "INSERT INTO saved_searches(name, name_norm, query, position) VALUES (?, ?, ?, ?)",
            (name, fold(name), query, between(last, None)),
        )
    return True


def _require(library: Library, name: str) -> SavedSearch:
    found = find(library, name)
    if found is None:
        raise LibraryError(f"no saved search named {name!r}")
    return found


def rename(library: Library, old: str, new: str) -> None:
    """Give a saved search another name (searches that use the old name are rewritten)."""
    found = _require(library, old)
    new = _clean_name(new)
    other = find(library, new)
    if other is not None and fold(other.name) != fold(found.name):
        raise LibraryError(f"a saved search named “{other.name}” exists already")
    with library.write() as conn:
        conn.execute(
            "UPDATE saved_searches SET name = ?, name_norm = ? WHERE name_norm = ?",
            (new, fold(new), fold(found.name)),
        )
        for name, query in conn.execute("SELECT name, query FROM saved_searches").fetchall():
            rewritten = _renamed_in(str(query), found.name, new)
            if rewritten != query:
                conn.execute(
                    "UPDATE saved_searches SET query = ? WHERE name = ?", (rewritten, name)
                )


def _renamed_in(query: str, old: str, new: str) -> str:
    """``query`` with its ``saved:`` references to ``old`` naming ``new`` instead."""
    spelled = rf'saved:(?:"{re.escape(old)}"|{re.escape(old)}(?=[\s)]|$))'
    return re.sub(spelled, lambda _m: f'saved:"{new}"', query, flags=re.IGNORECASE)


def remove(library: Library, name: str) -> None:
    """Forget a saved search."""
    found = _require(library, name)
    with library.write() as conn:
        conn.execute("DELETE FROM saved_searches WHERE name_norm = ?", (fold(found.name),))


def move(library: Library, name: str, place: int) -> None:
    """Put a saved search at ``place`` in the list (1 first; past the end = last)."""
    found = _require(library, name)
    if place < 1:  # as the queue's places
        raise LibraryError(f"a place in the list starts at 1, not {place}")
    with library.write() as conn:
        rows = conn.execute(
            "SELECT position FROM saved_searches WHERE name_norm != ? ORDER BY position, id",
            (fold(found.name),),
        ).fetchall()
        at = max(0, min(place - 1, len(rows)))
        low = rows[at - 1][0] if at > 0 else None
        high = rows[at][0] if at < len(rows) else None
        value = between(low, high)
        if value is None:  # the gap ran out: number them all again, this one in its place
            names = [n for (n,) in conn.execute(
                "SELECT name_norm FROM saved_searches WHERE name_norm != ? ORDER BY position, id",
                (fold(found.name),),
            )]  # fmt: skip
            names.insert(at, fold(found.name))
            conn.executemany(
                "UPDATE saved_searches SET position = ? WHERE name_norm = ?",
                [(i + 1.0, n) for i, n in enumerate(names)],
            )
            return
        conn.execute(
            "UPDATE saved_searches SET position = ? WHERE name_norm = ?", (value, fold(found.name))
        )


# Each library's saved searches' counts (by compiled filter) until it changes: the
# sidebar shows them with every filter typed, and at a million papers one can take a
# second. A relative date (``added:<7d``) compiles to other bounds as time passes.
_COUNTED: KeptUntilChanged[dict[object, int]] = KeptUntilChanged()


def counts(library: Library) -> list[tuple[SavedSearch, int | None]]:
    """Each saved search with the number of papers it finds now (None: it no longer works)."""
    counted = _COUNTED.get(library, dict)
    out: list[tuple[SavedSearch, int | None]] = []
    for search in all_searches(library):
        compiled = library.compile(search.query)
        if compiled.error:
            out.append((search, None))
            continue
        filter_ = (compiled.where, tuple(compiled.params))
        if filter_ not in counted:
            sql = f"SELECT count(*) FROM papers p WHERE {compiled.where}"
            counted[filter_] = int(library.conn.execute(sql, compiled.params).fetchone()[0])
        out.append((search, counted[filter_]))
    return out
