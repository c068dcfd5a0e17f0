"""How the papers table is ordered: each sort's ``ORDER BY`` and the index that walks it.

The migrations make these indexes; the table, ``list --sort`` and the first-page plans
read them by these names.
"""

from __future__ import annotations

# The reading lifecycle, not the alphabet: new, to-read, reading, read, skipped.
STATUS_RANK = (
    "CASE status WHEN 'new' THEN 0 WHEN 'to-read' THEN 1 WHEN 'reading' THEN 2 "
    "WHEN 'read' THEN 3 ELSE 4 END"
)


# The reader's queue first, in its order; papers not in it after (NULLs would sort first).
QUEUE_RANK = "coalesce(queue_position, 9e300)"


# Column name -> ORDER BY expression; each has an index of the same shape.
SORT_COLUMNS: dict[str, str] = {
    "title": "p.title COLLATE NOCASE",
    "authors": "p.first_author COLLATE NOCASE",
    "published": "p.published",
    "category": "p.category COLLATE NOCASE",
    "status": STATUS_RANK,
    "tags": "p.tags_text COLLATE NOCASE",
    "code": "p.has_code",
    "score": "p.score",
    "key": "p.key COLLATE NOCASE",
    "added": "p.added",
    "read_at": "p.read_at",
    "year": "p.year",
    "type": "p.entry_type",
    "venue": "p.venue COLLATE NOCASE",
    "priority": "p.priority",
    "queue": QUEUE_RANK,
}
# The index that walks each sort in order (``migrations`` creates them).
SORT_INDEXES: dict[str, str] = {
    sort: f"idx_papers_sort_{column}"
    for sort, column in {
        "title": "title", "authors": "first_author", "published": "published",
        "category": "category", "tags": "tags_text", "code": "has_code", "score": "score",
        "key": "key", "added": "added", "read_at": "read_at", "year": "year",
        "venue": "venue", "type": "entry_type",
    }.items()
} | {"status": "idx_papers_status_rank", "priority": "idx_papers_sort_priority",
     "queue": "idx_papers_queue_rank"}  # fmt: skip
