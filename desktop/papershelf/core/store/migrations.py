"""The library's schema as the ordered steps that made it, one function a version.

``schema.migrate`` runs those a library has not had yet, each in a transaction of its
own; a new version is a function added at the end of ``MIGRATIONS``, never a change
to one a library may already have run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papershelf.core.store import queue, whole_counts
from papershelf.core.store.orders import QUEUE_RANK, STATUS_RANK

if TYPE_CHECKING:  # imported when a migration runs: it costs a quarter second at start
    import sqlite_utils

# ``PRAGMA application_id`` of every library ("PSHF"): another program's database
# that happens to have a user_version is never taken for ours.
APPLICATION_ID = 0x50534846


def _v1(db: sqlite_utils.Database) -> None:
    db.table("papers").create(
        {
            "id": int,
            "key": str,
            "title": str,
            "abstract": str,
            "published": str,  # YYYY-MM-DD
            "year": int,
            "date_inferred": int,  # 1 when the year was taken from the import date
            "category": str,
            "has_code": int,
            "code_urls": str,  # JSON list
            "score": float,
            "status": str,
            "status_changed": str,
            "read_at": str,
            "added": str,
            "modified": str,
            "authors_truncated": int,
            "doi": str,
            "arxiv_id": str,
            "url": str,
            # Denormalised for the table and sorting: kept in step by the library.
            "authors_text": str,
            "first_author": str,
            "tags_text": str,
        },
        pk="id",
        not_null={"key", "title", "status", "added", "modified"},
        defaults={
            "abstract": "",
            "status": "new",
            "has_code": 0,
            "date_inferred": 0,
            "authors_truncated": 0,
            "code_urls": "[]",
            "authors_text": "",
            "first_author": "",
            "tags_text": "",
        },
    )
    db.table("papers").create_index(["key"], unique=True)
    # One index per sortable column, in the collation the table sorts with, so that
    # ORDER BY ... LIMIT walks an index instead of sorting a million rows.
    for column in ("title", "first_author", "tags_text", "category", "key"):
        db.execute(f"CREATE INDEX idx_papers_sort_{column} ON papers({column} COLLATE NOCASE, id)")
    for column in ("published", "status", "score", "added", "read_at", "year", "has_code"):
        db.execute(f"CREATE INDEX idx_papers_sort_{column} ON papers({column}, id)")
    db.table("papers").create_index(["doi"])
    db.table("papers").create_index(["arxiv_id"])

    for table in ("authors", "affiliations", "tags"):
        db.table(table).create(
            {"id": int, "name": str, "name_norm": str}, pk="id", not_null={"name"}
        )
        db.table(table).create_index(["name_norm"], unique=True)

    db.table("paper_authors").create(
        {"paper_id": int, "position": int, "author_id": int},
        pk=("paper_id", "position"),
        foreign_keys=[("paper_id", "papers", "id"), ("author_id", "authors", "id")],
    )
    db.table("paper_authors").create_index(["author_id"])
    db.table("paper_affiliations").create(
        {"paper_id": int, "position": int, "affiliation_id": int},
        pk=("paper_id", "position"),
        foreign_keys=[("paper_id", "papers", "id"), ("affiliation_id", "affiliations", "id")],
    )
    db.table("paper_affiliations").create_index(["affiliation_id"])
    db.table("paper_tags").create(
        {"paper_id": int, "tag_id": int},
        pk=("paper_id", "tag_id"),
        foreign_keys=[("paper_id", "papers", "id"), ("tag_id", "tags", "id")],
    )
    db.table("paper_tags").create_index(["tag_id"])
    db.table("notes").create(
        {"paper_id": int, "body": str, "created": str, "updated": str},
        pk="paper_id",
        foreign_keys=[("paper_id", "papers", "id")],
    )
    db.table("status_history").create(
        {"id": int, "paper_id": int, "status": str, "changed_at": str},
        pk="id",
        foreign_keys=[("paper_id", "papers", "id")],
    )
    db.table("status_history").create_index(["paper_id"])
    # A source is one imported document; a listing's header figures are its record.
    db.table("sources").create(
        {
            "id": int,
            "document": str,
            "kind": str,
            "sha256": str,
            "captured_year": int,
            "imported_at": str,
            "header": str,  # JSON
        },
        pk="id",
    )
    db.table("sources").create_index(["sha256"], unique=True)
    db.table("paper_sources").create(
        {"paper_id": int, "source_id": int, "entry_index": int, "line": int},
        pk=("paper_id", "source_id", "entry_index"),
        foreign_keys=[("paper_id", "papers", "id"), ("source_id", "sources", "id")],
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")
    # Prefix indexes make `word*` queries cheap on large libraries.
    db.execute(
        "CREATE VIRTUAL TABLE papers_fts USING fts5("
        "title, authors, abstract, tags, note, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )


def _cascade_triggers(db: sqlite_utils.Database) -> None:
    """Deleting a paper removes its rows everywhere, including the FTS index."""
    db.execute(
        """
        CREATE TRIGGER papers_delete AFTER DELETE ON papers BEGIN
            DELETE FROM paper_authors WHERE paper_id = old.id;
            DELETE FROM paper_affiliations WHERE paper_id = old.id;
            DELETE FROM paper_tags WHERE paper_id = old.id;
            DELETE FROM notes WHERE paper_id = old.id;
            DELETE FROM status_history WHERE paper_id = old.id;
            DELETE FROM paper_sources WHERE paper_id = old.id;
            DELETE FROM papers_fts WHERE rowid = old.id;
        END
        """
    )


def _filter_sort_indexes(db: sqlite_utils.Database) -> None:
    """Field filters in the default order (newest first) read one index, no sort.

    Without these, ``cat:CV`` on a million papers walks the date index and tests each
    row's category, or sorts a hundred thousand rows: 200 ms either way.
    """
    for name, column in (
        ("category", "category COLLATE NOCASE"),
        ("status", "status"),
        ("has_code", "has_code"),
        ("year", "year"),
    ):
        db.execute(f"CREATE INDEX idx_papers_{name}_published ON papers({column}, published, id)")


def _title_keys(db: sqlite_utils.Database) -> None:
    """An indexed normalised title, so an import finds a paper it already has in one
    lookup (it took a full-text query per entry: half of a BibTeX import's time)."""
    from papershelf.core.text import title_key

    db.execute("ALTER TABLE papers ADD COLUMN title_norm TEXT")
    rows = db.execute("SELECT id, title FROM papers").fetchall()
    db.conn.executemany(
        "UPDATE papers SET title_norm = ? WHERE id = ?",
        [(title_key(title or ""), paper_id) for paper_id, title in rows],
    )
    db.execute("CREATE INDEX idx_papers_title_norm ON papers(title_norm)")


def _status_order(db: sqlite_utils.Database) -> None:
    """Sorting by status follows the reading lifecycle, through an index of its own."""
    db.execute(f"CREATE INDEX idx_papers_status_rank ON papers(({STATUS_RANK}), id)")


def _application_id(db: sqlite_utils.Database) -> None:
    """Mark the file as a Papershelf library in its header (see ``check``)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


# A random (version 4) UUID in SQL, for rows made before papers had one.
UUID_SQL = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)


def _stable_identity(db: sqlite_utils.Database) -> None:
    """A UUID per paper (ids are reused after a delete) and a record of each deletion.

    Both are what a second copy of the library needs to follow this one. A trigger gives
    every paper added without one a UUID; ``Library.delete_papers`` records each
    deletion in the transaction that deletes (an undo puts the paper back and takes the
    record away, as it does every row the deletion wrote).
    """
    db.execute("ALTER TABLE papers ADD COLUMN uuid TEXT")
    db.execute(f"UPDATE papers SET uuid = {UUID_SQL}")
    db.execute("CREATE UNIQUE INDEX idx_papers_uuid ON papers(uuid)")
    db.execute("CREATE TABLE deletions (uuid TEXT PRIMARY KEY, deleted_at TEXT NOT NULL)")
    db.execute(
        f"""
        CREATE TRIGGER papers_uuid AFTER INSERT ON papers WHEN new.uuid IS NULL BEGIN
            UPDATE papers SET uuid = {UUID_SQL} WHERE id = new.id;
        END
        """
    )


def _own_spellings(db: sqlite_utils.Database) -> None:
    """Each paper keeps its own spelling of each author (``Schütze`` is not ``Schutze``),
    with the name's parts (``van Beethoven, Ludwig``); people are still matched as one."""
    db.execute("ALTER TABLE paper_authors ADD COLUMN name TEXT")


# The columns a bibliography's entries need besides those of the first schema.
_RECORD_COLUMNS = (
    "entry_type", "venue", "volume", "number", "pages", "publisher", "editors",
    "institution", "isbn", "extra",
)  # fmt: skip


def _bibliographic_record(db: sqlite_utils.Database) -> None:
    """What bibliographies carry (type, venue, volume, pages, publisher, editors, ISBN,
    and any other field, kept to write back), and the citation keys a paper had in
    other bibliographies (``key:`` finds a paper by any of them)."""
    for column in _RECORD_COLUMNS:
        db.execute(f"ALTER TABLE papers ADD COLUMN {column} TEXT")
    db.execute("UPDATE papers SET entry_type = 'misc'")
    db.execute("CREATE INDEX idx_papers_type_published ON papers(entry_type, published, id)")
    db.execute("CREATE INDEX idx_papers_sort_venue ON papers(venue COLLATE NOCASE, id)")
    db.execute("CREATE INDEX idx_papers_sort_entry_type ON papers(entry_type, id)")
    db.execute(
        "CREATE TABLE aliases (key TEXT PRIMARY KEY COLLATE NOCASE, "
        "paper_id INTEGER NOT NULL REFERENCES papers(id))"
    )
    db.execute("CREATE INDEX idx_aliases_paper ON aliases(paper_id)")
    db.execute(
        """
        CREATE TRIGGER papers_delete_aliases AFTER DELETE ON papers BEGIN
            DELETE FROM aliases WHERE paper_id = old.id;
        END
        """
    )


def _followed_sources(db: sqlite_utils.Database) -> None:
    """Followed sources (an arXiv query or a feed), which papers each brought, and the
    marks of papers the reader deleted, so that no feed brings them back.

    A follow keeps what a conditional request needs (ETag, Last-Modified) and how its
    last refreshes went. ``dismissed`` is filled by ``Library.delete_papers`` (not by a
    trigger: the undo of an addition deletes papers too, and must dismiss nothing); an
    undo of the deletion replays its rows and takes the marks away again.
    """
    db.execute(
        "CREATE TABLE follows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, spec TEXT NOT NULL, "
        "added TEXT NOT NULL, etag TEXT, last_modified TEXT, last_refresh TEXT, "
        "last_attempt TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE UNIQUE INDEX idx_follows_name ON follows(name COLLATE NOCASE)")
    db.execute(
        "CREATE TABLE paper_follows (paper_id INTEGER NOT NULL REFERENCES papers(id), "
        "follow_id INTEGER NOT NULL REFERENCES follows(id), entry TEXT NOT NULL, "
        "seen TEXT NOT NULL, PRIMARY KEY (paper_id, follow_id))"
    )
    db.execute("CREATE INDEX idx_paper_follows_follow ON paper_follows(follow_id, paper_id)")
    db.execute("CREATE INDEX idx_paper_follows_entry ON paper_follows(entry)")
    db.execute("CREATE TABLE dismissed (mark TEXT PRIMARY KEY, dismissed_at TEXT NOT NULL)")
    db.execute(
        """
        CREATE TRIGGER papers_delete_follows AFTER DELETE ON papers BEGIN
            DELETE FROM paper_follows WHERE paper_id = old.id;
        END
        """
    )


def _reading_queue(db: sqlite_utils.Database) -> None:
    """Priority (0 none .. 3 high), the to-read queue's order, and saved searches.

    ``queue_position`` is a fractional key: a paper moved between two others takes a
    number between theirs, so moving one paper writes one row, not the whole queue. It
    is set exactly while a paper is to-read. The papers already to-read join in the
    order they became so.
    """
    db.execute("ALTER TABLE papers ADD COLUMN priority INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE papers ADD COLUMN queue_position REAL")
    db.execute(
        "UPDATE papers SET queue_position = (SELECT n FROM (SELECT id, row_number() OVER "
        "(ORDER BY coalesce(status_changed, added), id) AS n FROM papers "
        "WHERE status = 'to-read') q WHERE q.id = papers.id) WHERE status = 'to-read'"
    )
    db.execute("CREATE INDEX idx_papers_sort_priority ON papers(priority, id)")
    db.execute("CREATE INDEX idx_papers_queue ON papers(queue_position)")
    db.execute(f"CREATE INDEX idx_papers_queue_rank ON papers(({QUEUE_RANK}), id)")
    db.execute(
        "CREATE TABLE saved_searches (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "name_norm TEXT NOT NULL UNIQUE, query TEXT NOT NULL, position REAL NOT NULL)"
    )


def _attachments(db: sqlite_utils.Database) -> None:
    """Files attached to papers, and the full text of their PDFs.

    ``path`` is relative to the ``files/`` folder beside the library for a copied file,
    absolute for a linked one. Ids are AUTOINCREMENT so an attachment's id is never
    reused after an undo took it away: the text index is keyed by it, and a redo
    brings the row back with its id and finds its text still indexed.

    ``stored_files`` lists the files Papershelf copied into ``files/``: the only ones
    it ever deletes (another library may share the folder). It is written outside
    operations, so undo never takes a name off it. The text index is an FTS5 table of
    its own, so the main search index and its first-page plans stay as they were.
    """
    db.execute(
        "CREATE TABLE attachments (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "paper_id INTEGER NOT NULL REFERENCES papers(id), path TEXT NOT NULL, "
        "kind TEXT NOT NULL DEFAULT 'other', size INTEGER NOT NULL DEFAULT 0, "
        "linked INTEGER NOT NULL DEFAULT 0, sha256 TEXT, added TEXT NOT NULL, "
        "text_state TEXT)"  # NULL: not read yet; 'indexed'; or why it could not be read
    )
    db.execute("CREATE INDEX idx_attachments_paper ON attachments(paper_id, kind)")
    db.execute("CREATE TABLE stored_files (path TEXT PRIMARY KEY, stored_at TEXT NOT NULL)")
    db.execute(
        "CREATE VIRTUAL TABLE attachments_text USING fts5("
        "body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        """
        CREATE TRIGGER papers_delete_attachments AFTER DELETE ON papers BEGIN
            DELETE FROM attachments WHERE paper_id = old.id;
        END
        """
    )


# A history row's time as UTC text that sorts and compares (SQLite's ``datetime()``).
# A bare date (an imported ``readdate``) is taken as noon UTC: the same calendar day
# everywhere from UTC-11 to UTC+11, so a local week or month gets it right.
HISTORY_TIME_SQL = "CASE WHEN length({t}) = 10 THEN {t} || ' 12:00:00' ELSE datetime({t}) END"


def _reading_record(db: sqlite_utils.Database) -> None:
    """What each status change means for the reading statistics, kept with it.

    ``at_utc``: its time, comparable; ``previous``: the status the paper left (the
    row before it in ``id`` order, the order the changes were made); ``queued_at``:
    for a change to read, when the paper last became to-read since it was last read.
    Counting from these is one index range per week (the backlog is joins minus
    leaves); deriving them when counting took a window pass over the whole history,
    2 s at 200,000 changes. A trigger fills them for every new row, so whatever writes
    the history (a status change, an import, an undo) need not know; a row put back
    with its values (an undo's replay) keeps them.
    """
    for column in ("at_utc", "previous", "queued_at"):
        db.execute(f"ALTER TABLE status_history ADD COLUMN {column} TEXT")
    at = HISTORY_TIME_SQL.format(t="changed_at")
    # The mark orders a paper's to-read and read rows by id: 'q' a to-read (with its
    # time), 'r' a read; a read waited since the latest mark before it, if a 'q'.
    db.execute(
        f"""
        UPDATE status_history SET at_utc = d.at_utc, previous = d.previous,
            queued_at = CASE WHEN status_history.status = 'read' AND substr(d.mark, 21, 1) = 'q'
                THEN substr(d.mark, 22) END
        FROM (
            SELECT id, {at} AS at_utc, lag(status) OVER w AS previous,
                max(CASE status WHEN 'to-read' THEN printf('%020d', id) || 'q' || {at}
                                WHEN 'read' THEN printf('%020d', id) || 'r' END)
                    OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS mark
            FROM status_history WINDOW w AS (PARTITION BY paper_id ORDER BY id)
        ) AS d
        WHERE status_history.id = d.id
        """
    )
    new_at = HISTORY_TIME_SQL.format(t="new.changed_at")
    db.execute(
        f"""
        CREATE TRIGGER status_history_record AFTER INSERT ON status_history
        WHEN new.at_utc IS NULL BEGIN
            UPDATE status_history SET
                at_utc = {new_at},
                previous = (SELECT p.status FROM status_history p
                    WHERE p.paper_id = new.paper_id AND p.id < new.id ORDER BY p.id DESC LIMIT 1),
                queued_at = CASE WHEN new.status = 'read' THEN (
                    SELECT CASE WHEN q.status = 'to-read' THEN q.at_utc END FROM status_history q
                    WHERE q.paper_id = new.paper_id AND q.id < new.id
                        AND q.status IN ('to-read', 'read')
                    ORDER BY q.id DESC LIMIT 1) END
            WHERE id = new.id;
        END
        """
    )
    # Reads per week (covering: who and how long they waited), joins and leaves of
    # the backlog per week.
    db.execute(
        "CREATE INDEX idx_status_history_status_at "
        "ON status_history(status, at_utc, paper_id, queued_at)"
    )
    db.execute(
        "CREATE INDEX idx_status_history_previous_at ON status_history(previous, at_utc, status)"
    )
    # Reading by category looks up each paper read: in this narrow index, not in rows
    # with their abstracts (half the time at a million papers).
    db.execute("CREATE INDEX idx_papers_id_category ON papers(id, category)")


def _doi_any_case(db: sqlite_utils.Database) -> None:
    """DOIs ignore case, and another program may have stored one in any: this index
    finds a DOI however it is spelt. Without it, each DOI not stored as given was
    looked for in every paper, so an import of 100,000 entries with 15,000 DOIs took
    five minutes instead of one."""
    db.execute("CREATE INDEX idx_papers_doi_lower ON papers(lower(doi))")


def _whole_counts(db: sqlite_utils.Database) -> None:
    """The whole library's counts per status, category, year, tag, author and
    affiliation, kept by triggers (``whole_counts``): counting them from the papers
    took 1.3-2.4 s at a million papers, at start and after every write."""
    whole_counts.create(db.conn)


def _queue_version(db: sqlite_utils.Database) -> None:
    """A count of the queue's changes (``queue.version``): after any write the table
    walked the whole queue again for its places, 35-150 ms at a million papers."""
    queue.create_version_triggers(db.conn)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _v1,
    _cascade_triggers,
    _filter_sort_indexes,
    _title_keys,
    _status_order,
    _application_id,
    _stable_identity,
    _own_spellings,
    _bibliographic_record,
    _followed_sources,
    _reading_queue,
    _attachments,
    _reading_record,
    _doi_any_case,
    _whole_counts,
    _queue_version,
)
