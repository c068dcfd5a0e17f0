"""Writing papers: adding them (one or a million at once), replacing what is known
about one, deleting them, and the other keys they are found by.

Each write keeps the denormalised display columns and the FTS index in step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from uuid import uuid4

from papershelf.core import keys, names
from papershelf.core.errors import LibraryError
from papershelf.core.fields import DESCRIBING, PaperFields, to_column
from papershelf.core.store.people import People
from papershelf.core.store.search_index import SearchIndex
from papershelf.core.store.statements import chunks, marks, now
from papershelf.core.text import latex_to_text, title_key

_DISMISSED_MARKS = (
    "SELECT entry, ? FROM paper_follows WHERE paper_id IN ",
    "SELECT 'arxiv:' || arxiv_id, ? FROM papers WHERE coalesce(arxiv_id, '') <> '' AND id IN ",
    "SELECT 'doi:' || lower(doi), ? FROM papers WHERE coalesce(doi, '') <> '' AND id IN ",
)


class PaperWrites(People, SearchIndex):
    """Adding, replacing and deleting papers, and their other keys."""

    def _columns(self, fields: PaperFields) -> dict[str, object]:
        """The papers row of what describes a paper, with its derived columns."""
        authors = [names.display(n) for n in fields.authors if n.strip()]
        columns = {f.column: to_column(f, getattr(fields, f.name)) for f in DESCRIBING if f.column}
        columns.update(
            title=fields.title.strip(),
            title_norm=title_key(fields.title),
            year=fields.year,
            authors_text=", ".join(authors),
            first_author=authors[0] if authors else "",
        )
        return columns

    def _key_taken(self, key: str) -> bool:
        """Whether a paper has ``key`` as its key or as another of its keys."""
        return bool(self._keys_taken([key]))

    def _keys_taken(self, wanted: Iterable[str]) -> set[str]:
        """Which of ``wanted`` a paper has as its key or as another of its keys."""
        sql = (
            "SELECT j.value FROM json_each(?) j WHERE EXISTS (SELECT 1 FROM papers "
            "WHERE key = j.value COLLATE NOCASE) OR EXISTS (SELECT 1 FROM aliases "
            "WHERE key = j.value COLLATE NOCASE)"
        )
        return {str(key) for (key,) in self.conn.execute(sql, (json.dumps(sorted(set(wanted))),))}

    def add_paper(self, fields: PaperFields, *, added: str | None = None) -> int:
        """Add a paper and return its id; the citation key is made here."""
        return self.add_papers([fields], added=added)[0]

    def add_papers(
        self,
        papers: Sequence[PaperFields],
        *,
        added: str | None = None,
        cite_keys: Sequence[str | None] = (),
    ) -> list[int]:
        """Add papers in one transaction with one statement per table, not per paper.

        Imports and the synthetic benchmark libraries go through here: a million
        papers one ``add_paper`` at a time would take an hour. ``cite_keys`` (one per
        paper, or none) are keys to keep when free, as a BibTeX entry's own; the
        others get a key made from author, year and title.
        """
        if not papers:
            return []
        if any(not f.title.strip() for f in papers):
            raise LibraryError("a paper needs a title")
        when = added or now()

        def name_id(table: str, name: str) -> int:
            cache = self._people[table]
            if name not in cache:
                cache[name] = self._name_id(table, name)
            return cache[name]

        batch_keys: set[str] = set()
        wanted = cite_keys or [None] * len(papers)
        asked = {key for key in wanted if key is not None}

        with self.write() as conn:
            taken_before = self._keys_taken(asked) if asked else set()  # read at once

            def taken(key: str) -> bool:
                if key.casefold() in batch_keys:
                    return True
                return key in taken_before if key in asked else self._key_taken(key)

            first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0])
            ids = list(range(first, first + len(papers)))
            rows, authors, affiliations, fts = [], [], [], []
            for table in ("authors", "affiliations"):
                lists = (getattr(f, table) for f in papers)
                self._find_names(table, (n.strip() for given in lists for n in given if n.strip()))
            for paper_id, fields, cite_key in zip(ids, papers, wanted, strict=True):
                columns = self._columns(fields)
                if cite_key is None or taken(cite_key):
                    key = keys.make_key(fields.authors, fields.year, fields.title, taken)
                else:
                    key = cite_key
                batch_keys.add(key.casefold())
                columns.update(
                    id=paper_id,
                    key=key,
                    uuid=str(uuid4()),
                    added=when,
                    modified=when,
                    status="new",
                )
                rows.append(columns)
                given = [n.strip() for n in fields.authors if n.strip()]
                authors += [(paper_id, i, name_id("authors", n), n) for i, n in enumerate(given)]
                affs = [n.strip() for n in fields.affiliations if n.strip()]
                affiliations += [
                    (paper_id, i, name_id("affiliations", n)) for i, n in enumerate(affs)
                ]
                fts.append(
                    (paper_id, latex_to_text(fields.title), columns["authors_text"],
                     latex_to_text(fields.abstract), "", "")
                )  # fmt: skip
            stored = list(rows[0]) if rows else []
            conn.executemany(
                f"INSERT INTO papers({', '.join(stored)}) VALUES ({marks(len(stored))})",
                [[row[n] for n in stored] for row in rows],
            )
            conn.executemany(
                "INSERT INTO paper_authors(paper_id, position, author_id, name) "
                "VALUES (?, ?, ?, ?)",
                authors,
            )
            conn.executemany(
                "INSERT INTO paper_affiliations(paper_id, position, affiliation_id) "
                "VALUES (?, ?, ?)",
                affiliations,
            )
            self._index_added(fts)
        return ids

    def update_paper(self, paper_id: int, fields: PaperFields) -> None:
        """Replace what is known about a paper; its key, status, tags and note stay."""
        if not fields.title.strip():
            raise LibraryError("a paper needs a title")
        with self.write() as conn:
            columns = self._columns(fields)
            columns["modified"] = now()
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(
                f"UPDATE papers SET {assignments} WHERE id = ?", [*columns.values(), paper_id]
            )
            self.set_people(paper_id, fields)
            self._reindex([paper_id])

    def delete_papers(self, ids: Iterable[int]) -> None:
        """Delete papers with everything attached to them (the trigger cascades).

        A tag no paper uses any more is forgotten, as when it is removed.
        """
        ids = list(ids)
        with self.write() as conn:
            for chunk in chunks(ids):
                # What a second copy of the library needs to delete them there too.
                conn.execute(
                    "INSERT OR REPLACE INTO deletions(uuid, deleted_at) SELECT uuid, ? "
                    f"FROM papers WHERE id IN ({marks(len(chunk))}) AND uuid IS NOT NULL",
                    [now(), *chunk],
                )
                # What no followed source may bring back: the entries that brought them,
                # their arXiv ids and DOIs.
                for mark in _DISMISSED_MARKS:
                    conn.execute(
                        f"INSERT OR IGNORE INTO dismissed(mark, dismissed_at) {mark}"
                        f"({marks(len(chunk))})",
                        [now(), *chunk],
                    )
                conn.execute(f"DELETE FROM papers WHERE id IN ({marks(len(chunk))})", list(chunk))
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")

    def add_aliases(self, paper_id: int, keys: Iterable[str]) -> list[str]:
        """Let ``key:`` and ``resolve`` find a paper by keys it had elsewhere; return those
        added (a key another paper has, as its key or another's alias, is not)."""
        added = []
        with self.write() as conn:
            for key in keys:
                key = key.strip()
                if not key or self._key_taken(key):
                    continue
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO aliases(key, paper_id) VALUES (?, ?)", (key, paper_id)
                )
                if cursor.rowcount:
                    added.append(key)
        return added

    def before_merge(self, paper_id: int) -> None:
        """An import is about to complete this paper: whoever watches may copy it first."""
        if self.merge_watcher is not None:
            self.merge_watcher(paper_id)
