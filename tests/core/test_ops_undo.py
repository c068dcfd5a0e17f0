"""Every operation undoes to the library it found and redoes to the one it made, without Qt.

"The library" is every row of every table (rowids too), the full-text index's content
and its integrity; only the rows of ``meta`` an undo never sets back are left out (the
counts of writes and the last import's mark: ``journal.NEVER_UNDONE``): an undo is a
write too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kept_counts import assert_counts_kept

from papershelf.core.errors import BugError, ImportCancelled, LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.ops import imports, papers, tags
from papershelf.core.ops.changes import FIELDS, NOTE, PAPERS, STATUS, TAGS, Changes
from papershelf.core.store import journal
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library
from papershelf.core.store.snapshots import ImportSnapshots

SEEDS = Path(__file__).parents[2] / "seeds"
LISTING = SEEDS / "000_028a7e986f3da8b4.txt"
PAIRS = SEEDS / "001_c327793b78459269.txt"
T1 = "2024-01-01T10:00:00+00:00"

Dump = dict[str, list[tuple[Any, ...]]]


def dump(library: Library) -> Dump:
    """Every row of every table of the file, and what the full-text index holds."""
    conn = library.conn
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE "
            "'sqlite_%' AND name NOT LIKE 'papers_fts%' AND name NOT LIKE 'attachments_text%' "
            "ORDER BY name"
        )
    ]
    out: Dump = {}
    for name in names:
        if name == "whole_counts":  # a table without rowids
            rows = conn.execute("SELECT * FROM whole_counts ORDER BY facet, value").fetchall()
        else:
            rows = conn.execute(f"SELECT rowid, * FROM main.{name} ORDER BY rowid").fetchall()
        if name == "meta":
            rows = [r for r in rows if r[1] not in journal.NEVER_UNDONE]
        out[name] = rows
    out["papers_fts"] = conn.execute("SELECT rowid, * FROM papers_fts ORDER BY rowid").fetchall()
    out["attachments_text"] = conn.execute(
        "SELECT rowid, * FROM attachments_text ORDER BY rowid"
    ).fetchall()
    # The index's own structures may differ after a rebuild; what it finds may not.
    conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
    return out


def differences(a: Dump, b: Dump) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per table, the rows only in ``a`` and only in ``b``: readable failures."""
    out = {}
    for name in sorted(set(a) | set(b)):
        left, right = set(a.get(name, [])), set(b.get(name, []))
        if left != right or a.get(name) != b.get(name):
            out[name] = (sorted(left - right, key=repr)[:5], sorted(right - left, key=repr)[:5])
    return out


def undo_redo(library: Library, operate: Callable[[], Changes]) -> Changes:
    """Run an operation, then undo, redo and undo again, checking the whole library each time."""
    before = dump(library)
    changes = operate()
    after = dump(library)
    assert after != before, "the operation changed nothing"
    assert_counts_kept(library)
    assert changes.undo is not None
    redo = changes.undo()
    assert differences(dump(library), before) == {}
    assert redo.undo is not None
    again = redo.undo()
    assert differences(dump(library), after) == {}
    assert again.undo is not None
    again.undo()
    assert differences(dump(library), before) == {}
    assert_counts_kept(library)
    return changes


def ids_of(library: Library, count: int) -> list[int]:
    return library.search("", sort="key")[:count]


@pytest.fixture
def shelf(library: Library) -> Library:
    """The seeded library with history: statuses, tags, notes and a source of its own."""
    ids = ids_of(library, 6)
    library.set_status(ids[:2], "reading", at=T1)
    library.set_status(ids[:1], "read", at=T1)
    library.add_tags(ids[:3], ["theory"])
    library.add_tags(ids[2:5], ["Optimisation"])
    library.set_note(ids[0], "first thoughts")
    library.set_note(ids[3], "to check")
    return library


# --- each operation, whole library ---------------------------------------------------------


def test_set_status_undoes_status_dates_history_and_modified(shelf: Library) -> None:
    ids = ids_of(shelf, 4)  # ids[0] is read already: nothing of it changes
    changes = undo_redo(shelf, lambda: papers.set_status(shelf, ids, "read"))
    assert changes.label == "Mark 4 papers as read"
    assert changes.papers == frozenset(ids[1:])
    assert changes.aspects == {STATUS}


def test_tag_where_one_paper_had_the_tag_leaves_it_tagged(shelf: Library) -> None:
    ids = ids_of(shelf, 6)
    chosen = [ids[2], ids[4], ids[5]]  # ids[2] has theory already
    record = shelf.record(ids[2])
    changes = papers.tag(shelf, chosen, ["THEORY", "brand new"])
    assert changes.papers == frozenset(chosen)
    assert changes.aspects == {TAGS}
    assert changes.undo is not None
    changes.undo()
    assert shelf.record(ids[2]) == record  # still tagged theory, not "brand new"
    assert shelf.record(ids[4])["tags"] == ["Optimisation"]
    assert "brand new" not in shelf.all_tags()
    undo_redo(shelf, lambda: papers.tag(shelf, chosen, ["THEORY", "brand new"]))


def test_untag_gives_the_tag_back_with_its_id(shelf: Library) -> None:
    ids = ids_of(shelf, 6)
    changes = undo_redo(shelf, lambda: papers.untag(shelf, ids, ["theory"]))  # its row goes too
    assert changes.papers == frozenset(ids[:3])  # not the papers that did not have it
    undo_redo(shelf, lambda: papers.untag(shelf, ids[3:4], ["optimisation"]))


@pytest.mark.parametrize("body", ["new thoughts", "", "first thoughts\n\nmore"])
def test_set_note(shelf: Library, body: str) -> None:
    first, second = ids_of(shelf, 2)
    changes = undo_redo(shelf, lambda: papers.set_note(shelf, first, body))  # replace / remove
    assert changes.papers == {first} and changes.aspects == {NOTE}
    if body:
        undo_redo(shelf, lambda: papers.set_note(shelf, second, body))  # a paper without one


def test_append_note(shelf: Library) -> None:
    first, second = ids_of(shelf, 2)
    undo_redo(shelf, lambda: papers.append_note(shelf, first, "a second paragraph"))
    undo_redo(shelf, lambda: papers.append_note(shelf, second, "the first one"))


def test_edit_paper_with_new_authors_and_affiliations(shelf: Library) -> None:
    paper_id = ids_of(shelf, 1)[0]
    fields = PaperFields.from_record(shelf.record(paper_id))
    fields.title = "A New Title"
    fields.authors = [*fields.authors, "Zora Quixote"]
    fields.affiliations = ["Nowhere University"]
    fields.doi, fields.score = "10.1/xyz", 0.1 + 0.2  # a float that JSON would round
    changes = undo_redo(shelf, lambda: papers.edit_paper(shelf, paper_id, fields))
    assert changes.papers == {paper_id}
    assert changes.aspects == {FIELDS}


@pytest.mark.parametrize("name", ["title", "abstract", "category"])
def test_edit_one_field(shelf: Library, name: str) -> None:
    # The title and abstract are in the full-text index, the category is not.
    paper_id = ids_of(shelf, 1)[0]
    fields = PaperFields.from_record(shelf.record(paper_id))
    setattr(fields, name, "Completely Different Words")
    undo_redo(shelf, lambda: papers.edit_paper(shelf, paper_id, fields))


def test_add_paper_comes_back_with_its_id_and_key(shelf: Library) -> None:
    fields = PaperFields(
        title="Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"]
    )
    changes = undo_redo(shelf, lambda: papers.add_paper(shelf, fields))
    assert changes.aspects == {PAPERS, FIELDS}
    assert len(changes.papers) == 1  # and the dumps say: the same id and key each time


def test_delete_papers_come_back_whole(shelf: Library) -> None:
    ids = ids_of(shelf, 6)
    shelf.add_tags(ids[:1], ["only on the first"])
    changes = undo_redo(shelf, lambda: papers.delete_papers(shelf, ids))
    assert changes.deleted == frozenset(ids) and changes.papers == frozenset()
    assert PAPERS in changes.aspects


def test_delete_every_paper(shelf: Library) -> None:
    undo_redo(shelf, lambda: papers.delete_papers(shelf, shelf.search("")))


def test_rename_tag(shelf: Library) -> None:
    changes = undo_redo(shelf, lambda: tags.rename_tag(shelf, "theory", "learning theory"))
    assert changes.label == "Rename tag theory into learning theory"
    undo_redo(shelf, lambda: tags.rename_tag(shelf, "theory", "THEORY"))  # case only


def test_merge_tags_splits_back_and_leaves_the_target_its_own_papers(shelf: Library) -> None:
    ids = ids_of(shelf, 6)
    changes = undo_redo(shelf, lambda: tags.rename_tag(shelf, "theory", "optimisation"))
    assert changes.label == "Merge tag theory into optimisation"
    changes = tags.rename_tag(shelf, "theory", "optimisation")
    assert shelf.all_tags() == ["Optimisation"]
    assert changes.undo is not None
    changes.undo()
    # ids[2] had both; ids[3], ids[4] had only Optimisation and keep it alone.
    assert [shelf.record(i)["tags"] for i in ids[:5]] == [
        ["theory"], ["theory"], ["Optimisation", "theory"], ["Optimisation"], ["Optimisation"]
    ]  # fmt: skip


def test_delete_tag(shelf: Library) -> None:
    changes = undo_redo(shelf, lambda: tags.delete_tag(shelf, "Optimisation"))
    assert changes.aspects == {TAGS}


# --- import -------------------------------------------------------------------------------

BIB = (
    "@article{x1, title = {What Learning Algorithm is In-Context Learning? "
    'Investigations with Linear Models.}, author = {Aky{\\"u}rek, E. and Schuurmans, Dale},'
    " year = 2022, doi = {10.1/abc}, keywords = {icl, theory}, note = {From Scholar.}}\n"
    "@article{fresh1, title = {A Paper Nobody Had}, author = {Zora Quixote and Ada Lovelace},"
    " year = 2020, keywords = {brand new}, note = {Read me.}}\n"
    "@article{fresh2, title = {Another One}, author = {Lovelace, Ada}, year = 2021}\n"
)


def test_import_undo_deletes_what_it_added_and_restores_what_it_merged(
    shelf: Library, tmp_path: Path
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    target = shelf.resolve("akyurek2022learning")
    shelf.set_note(target, "Mine.")
    # The paper with the highest id is the last one an import's undo must not delete.
    highest = max(shelf.search(""))
    fields = PaperFields.from_record(shelf.record(highest))
    fields.doi = "10.1/highest"
    shelf.update_paper(highest, fields)
    path.write_text(BIB + "@misc{h, title = {Other}, doi = {10.1/HIGHEST}, keywords = {k}}\n")
    reports = []

    def operate() -> Changes:
        report, changes = imports.import_files(shelf, [path])
        reports.append(report)
        return changes

    changes = undo_redo(shelf, operate)
    assert (reports[0].added, reports[0].merged) == (2, 2)
    assert changes.label == "Import refs.bib"
    assert {target, highest} <= changes.papers and len(changes.papers) == 4
    assert {PAPERS, TAGS, NOTE, FIELDS} <= changes.aspects


def test_import_merging_unchanged_and_twice(shelf: Library, tmp_path: Path) -> None:
    # Bailey's paper is met with nothing new (its snapshot is dropped as the import goes),
    # Band's between two merges into Akyürek's, and Akyürek's twice, the second time with
    # more: only what changed is kept, and each paper's state before its first merge.
    text = (
        "@article{a1, title = {What learning algorithm is in-context learning? "
        "Investigations with linear models}, author = {Akyürek, Ekin}, doi = {10.1/a}}\n"
        "@misc{bailey2026scaling, title = {Scaling Self-Play with Self-Guidance},"
        " author = {Bailey, Luke}}\n"
        "@article{c1, title = {Linguistic Calibration of Long-Form Generations},"
        " author = {Band, Neil}, keywords = {calibration}}\n"
        "@article{a2, title = {Other words}, doi = {10.1/A}, keywords = {icl},"
        " note = {Seen twice.}}\n"
    )
    path = tmp_path / "twice.bib"
    path.write_text(text, encoding="utf-8")
    reports = []

    def operate() -> Changes:
        report, changes = imports.import_files(shelf, [path])
        reports.append(report)
        return changes

    changes = undo_redo(shelf, operate)
    assert (reports[0].merged, reports[0].unchanged) == (3, 1)
    assert changes.papers == {
        shelf.resolve(k) for k in ("akyurek2022learning", "band2024linguistic")
    }


def test_import_undo_keeps_what_was_done_since_with_what_it_made(
    shelf: Library, tmp_path: Path
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    _, changes = imports.import_files(shelf, [path])
    other = ids_of(shelf, 6)[5]
    shelf.add_tags([other], ["brand new"])  # a tag the import made, on a paper it did not add
    assert changes.undo is not None
    changes.undo()
    assert shelf.record(other)["tags"] == ["brand new"]
    assert shelf.search("A Paper Nobody Had") == []


def test_import_of_seed_documents_into_an_empty_library(tmp_path: Path) -> None:
    # The first import fixes the capture year in meta: undo takes that back too.
    with open_library(tmp_path / "empty.sqlite", seed=False) as fresh:
        changes = undo_redo(fresh, lambda: imports.import_files(fresh, [LISTING, PAIRS])[1])
        assert len(changes.papers) == 50
        assert fresh.meta("capture_year") is None


def test_reimporting_seed_documents_into_a_seeded_library(shelf: Library) -> None:
    shelf.conn.execute("DELETE FROM paper_sources")  # so the listing has rows to add again
    undo_redo(shelf, lambda: imports.import_files(shelf, [LISTING])[1])


def test_an_import_keeps_no_copy_of_the_papers_it_adds(
    shelf: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = "".join(
        f"@article{{k{i}, title = {{Paper number {i}}}, author = {{Author {i} and B. Coauthor}},"
        f" keywords = {{bulk}}, note = {{note {i}}}}}\n"
        for i in range(300)
    )
    path = tmp_path / "bulk.bib"
    path.write_text(entries, encoding="utf-8")
    taken: list[int] = []
    take = ImportSnapshots._rows_of
    monkeypatch.setattr(
        ImportSnapshots, "_rows_of", lambda self, ids: taken.extend(ids) or take(self, ids)
    )
    highest = max(shelf.search(""))
    report, changes = imports.import_files(shelf, [path])
    assert report.added == 300 and len(changes.papers) == 300
    assert taken == []  # nothing merged: no paper was copied
    assert changes.undo is not None
    changes.undo()
    assert max(shelf.search("")) == highest


def test_an_import_on_one_connection_is_undone_on_another_from_its_record(
    shelf: Library, library_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    before = dump(shelf)
    record = tmp_path / "undo"
    with open_library(library_path) as worker:  # as the window's import process does
        report = imports.import_files_recorded(worker, [path], record, progress=None)
        after = dump(worker)
    assert (report.added, report.merged) == (2, 1)
    changes = imports.recorded_changes(record, shelf)
    assert changes.label == "Import refs.bib"
    assert len(changes.papers) == 3
    assert changes.undo is not None
    redo = changes.undo()
    assert differences(dump(shelf), before) == {}
    assert redo.undo is not None
    redo.undo()
    assert differences(dump(shelf), after) == {}


def test_a_cancelled_import_changes_nothing_and_leaves_no_journal(
    shelf: Library, tmp_path: Path
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    before = dump(shelf)
    token = shelf.meta("last_write")
    with pytest.raises(ImportCancelled):
        imports.import_files(shelf, [path], progress=lambda done, total: done < 2)
    assert dump(shelf) == before
    assert shelf.meta("last_write") == token
    # The next operation records from a clean state.
    undo_redo(shelf, lambda: papers.set_status(shelf, ids_of(shelf, 1), "skipped"))


def test_a_replaced_row_comes_back(shelf: Library) -> None:
    # INSERT OR REPLACE deletes the row it replaces without a delete trigger, unless
    # recursive triggers are on: the journal turns them on while it records.
    shelf.set_meta("reading_goal", "12")
    before = dump(shelf)
    _, entry = journal.record(shelf, lambda: shelf.set_meta("reading_goal", "20"), doing="x")
    entry.revert("undoing x")
    assert differences(dump(shelf), before) == {}


# --- what undo must not do ---------------------------------------------------------------


def test_undo_keeps_what_other_changes_wrote_since(shelf: Library) -> None:
    ids = ids_of(shelf, 3)
    changes = papers.tag(shelf, ids, ["later"])
    shelf.set_note(ids[1], "typed after tagging")
    papers.set_status(shelf, ids[2:], "skipped")
    assert changes.undo is not None
    changes.undo()
    assert shelf.note(ids[1]) == "typed after tagging"
    assert shelf.record(ids[2])["status"] == "skipped"
    assert "later" not in shelf.all_tags()


def test_undo_of_an_edit_leaves_the_columns_it_did_not_change(shelf: Library) -> None:
    paper_id = ids_of(shelf, 1)[0]
    fields = PaperFields.from_record(shelf.record(paper_id))
    fields.category = "cs.XX"
    changes = papers.edit_paper(shelf, paper_id, fields)
    shelf.set_status([paper_id], "skipped")
    assert changes.undo is not None
    changes.undo()
    record = shelf.record(paper_id)
    assert record["category"] != "cs.XX"
    assert record["status"] == "skipped"


def test_nothing_to_change_is_no_change_and_not_undoable(shelf: Library) -> None:
    first = ids_of(shelf, 1)
    token = shelf.meta("last_write")
    changes = papers.set_status(shelf, first, "read")  # read already
    assert changes.empty and changes.undo is None
    # The journal's own bookkeeping is no change: backups and other windows see none.
    assert shelf.meta("last_write") == token
    # A note saved long ago: writing the same text again would still change its time.
    shelf.conn.execute("UPDATE notes SET updated = ? WHERE paper_id = ?", (T1, first[0]))
    for changes in (
        papers.tag(shelf, first, ["Theory"]),
        papers.untag(shelf, first, ["absent"]),
        papers.set_note(shelf, first[0], "first thoughts"),
        papers.edit_paper(shelf, first[0], PaperFields.from_record(shelf.record(first[0]))),
    ):
        assert changes.empty and changes.undo is None, changes.label


def test_a_refused_operation_changes_nothing(shelf: Library) -> None:
    before = dump(shelf)
    with pytest.raises(LibraryError, match="no paper with id 999999"):
        papers.tag(shelf, [*ids_of(shelf, 2), 999_999], ["x"])
    with pytest.raises(LibraryError, match="unknown status"):
        papers.set_status(shelf, ids_of(shelf, 2), "finished")
    with pytest.raises(LibraryError, match="no tag named"):
        tags.delete_tag(shelf, "absent")
    with pytest.raises(LibraryError, match="no paper"):
        papers.set_note(shelf, 999_999, "x")
    assert differences(dump(shelf), before) == {}


def test_an_undo_is_used_once(shelf: Library) -> None:
    changes = papers.set_status(shelf, ids_of(shelf, 2), "skipped")
    assert changes.undo is not None
    changes.undo()
    with pytest.raises(BugError, match="already"):
        changes.undo()


def test_undo_that_a_later_change_blocks_says_so_and_changes_nothing(shelf: Library) -> None:
    ids = ids_of(shelf, 2)
    changes = papers.untag(shelf, ids, ["theory"])  # the tag row is deleted
    shelf.add_tags(ids[1:], ["Theory"])  # and made again, with another id
    shelf.add_tags(ids[1:], ["padding"])
    before = dump(shelf)
    assert changes.undo is not None
    with pytest.raises(LibraryError, match="later change"):
        changes.undo()
    assert differences(dump(shelf), before) == {}


def test_a_locked_library_refuses_undo_and_keeps_it(shelf: Library, library_path: Path) -> None:
    changes = papers.set_status(shelf, ids_of(shelf, 2), "skipped")
    after = dump(shelf)
    shelf.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(library_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert changes.undo is not None
        with pytest.raises(LibraryError, match="busy"):
            changes.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert differences(dump(shelf), after) == {}
    changes.undo()  # the failed attempt used nothing up
    assert shelf.search("status:skipped") == []


def test_dropped_changes_free_their_journal(shelf: Library) -> None:
    ids = ids_of(shelf, 5)
    for status in ("read", "skipped", "reading"):
        papers.set_status(shelf, ids, status)  # each Changes is dropped at once
    kept = papers.set_status(shelf, ids, "to-read")
    logs = shelf.conn.execute("SELECT DISTINCT log FROM temp.papershelf_undo_log").fetchall()
    assert len(logs) == 1
    assert kept.undo is not None
    kept.undo()


def test_a_late_dropped_change_never_frees_a_newer_ones_journal(shelf: Library) -> None:
    _, nothing = journal.record(shelf, lambda: None, doing="nothing")  # an empty log
    ids = ids_of(shelf, 2)  # read and reading
    kept = papers.set_status(shelf, ids, "skipped")
    del nothing  # its undo is dropped only now, after the newer change was recorded
    papers.set_status(shelf, ids_of(shelf, 4)[3:], "read")  # frees the dropped logs
    assert kept.undo is not None
    kept.undo()
    assert [r["status"] for r in shelf.records(ids)] == ["read", "reading"]
