"""The reader's library: one SQLite file, opened, read and written through this class.

Library is assembled from its parts, each a module of ``core/store``: the file and its
transactions (``library_file``), reads (``paper_reads``), writes of papers
(``paper_writes``), people (``people``), tags (``paper_tags``), status and notes
(``status_and_notes``) and the full-text index (``search_index``). Every write is one
transaction and keeps the denormalised display columns and the FTS index in step.
"""

from __future__ import annotations

from papershelf.core.store.paper_reads import SUMMARY_FIELDS
from papershelf.core.store.paper_tags import PaperTagging
from papershelf.core.store.paper_writes import PaperWrites
from papershelf.core.store.search_index import LARGE_IMPORT
from papershelf.core.store.statements import chunks, marks, now
from papershelf.core.store.status_and_notes import StatusAndNotes

# Imported from here by the rest of the code, which knows Library's module only.
__all__ = ["LARGE_IMPORT", "SUMMARY_FIELDS", "Library", "chunks", "marks", "now"]


class Library(PaperWrites, PaperTagging, StatusAndNotes):
    """An open library file. Not thread-safe: one Library per thread."""
