"""The library's SQLite schema: which file is a library, at which version, and bringing
it to this Papershelf's.

The schema version lives in ``PRAGMA user_version``. Each migration
(``core.store.migrations``) is one function run inside one transaction, so a library is
always at a whole version. A library written by a newer Papershelf is refused rather
than guessed at.
"""

from __future__ import annotations

import sqlite3

from papershelf.core.store.migrations import APPLICATION_ID, MIGRATIONS

STATUSES: tuple[str, ...] = ("new", "to-read", "reading", "read", "skipped")


class SchemaError(RuntimeError):
    """The file is not a library this Papershelf may open as it is."""


class SchemaTooNewError(SchemaError):
    """The library was written by a newer Papershelf than this one."""


class NotALibraryError(SchemaError):
    """The file is an SQLite database of another program; Papershelf must not change it."""


class DamagedLibraryError(SchemaError):
    """The file is a Papershelf library that lost tables it must have: restore a backup."""


# What every version of the schema has; an unmarked file without them is not ours.
CORE_TABLES = frozenset(
    {
        "papers", "authors", "affiliations", "tags", "paper_authors", "paper_affiliations",
        "paper_tags", "notes", "status_history", "sources", "paper_sources", "meta",
        "papers_fts",
    }
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)


def check(conn: sqlite3.Connection) -> int:
    """The file's schema version; refuses a newer library or another program's database.

    Reads only, so it runs before anything (even WAL mode) is written to a file that
    Papershelf must leave byte for byte as it found it. A file is ours when its header
    carries our application id, or (libraries made before the id) when it has a schema
    version and every table a library has; an empty file is a new library.
    """
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    application = int(conn.execute("PRAGMA application_id").fetchone()[0])
    tables = {
        str(row[0])
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    missing = CORE_TABLES - tables
    foreign = application not in (0, APPLICATION_ID) or (
        application == 0 and (bool(missing) if found else bool(tables))
    )
    if foreign:
        raise NotALibraryError(
            "this SQLite file is another program's database, not a Papershelf library; "
            "it was left unchanged"
        )
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"this library has schema version {found}, but this Papershelf only knows "
            f"up to {SCHEMA_VERSION}; please update Papershelf"
        )
    if application == APPLICATION_ID and missing:
        raise DamagedLibraryError(f"the library lost its tables {', '.join(sorted(missing))}")
    return found


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the library up to SCHEMA_VERSION; return the version it had before."""
    found = check(conn)
    if found == SCHEMA_VERSION:
        return found
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for version in range(found, SCHEMA_VERSION):
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version = {version + 1}")
    return found
