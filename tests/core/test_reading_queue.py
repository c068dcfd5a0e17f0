"""Priority and the to-read queue ("Up next"): order through moves, undo, merges; O(1) writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_ops_undo import differences, dump

from papershelf.core.errors import LibraryError
from papershelf.core.fields import PaperFields
from papershelf.core.io.interchange import export_bibtex
from papershelf.core.ops import imports, reading
from papershelf.core.ops import papers as paper_ops
from papershelf.core.ops.changes import PRIORITY, QUEUE
from papershelf.core.store import queue
from papershelf.core.store.library import Library
from papershelf.core.store.opening import open_library


def order(library: Library) -> list[int]:
    return queue.queue_ids(library.conn)


def queued(library: Library, count: int) -> list[int]:
    """The first ``count`` papers by key, marked to-read one after another."""
    ids = library.search("", sort="key")[:count]
    for paper_id in ids:
        library.set_status([paper_id], "to-read")
    return ids


def test_to_read_papers_join_at_the_end_and_leave_when_read(library: Library) -> None:
    a, b, c = queued(library, 3)
    assert order(library) == [a, b, c]
    assert [library.paper(i).queue_position for i in (a, b, c)] == [1, 2, 3]
    library.set_status([b], "read")
    assert order(library) == [a, c]
    assert library.paper(b).queue_position is None
    assert library.paper(c).queue_position == 2
    library.set_status([b], "to-read")  # back again: at the end, not its old place
    assert order(library) == [a, c, b]


def test_moves_top_bottom_place_and_steps(library: Library) -> None:
    a, b, c, d = queued(library, 4)
    reading.read_next(library, [c])
    assert order(library) == [c, a, b, d]
    reading.read_later(library, [a])
    assert order(library) == [c, b, d, a]
    reading.move_to(library, a, 2)
    assert order(library) == [c, a, b, d]
    reading.move_to(library, c, 99)  # past the end: last
    assert order(library) == [a, b, d, c]
    reading.step(library, [d], up=True)
    assert order(library) == [a, d, b, c]
    reading.step(library, [a, d], up=False)  # together, keeping their own order
    assert order(library) == [b, a, d, c]
    reading.step(library, [b], up=True)  # at the top already: nothing moves
    assert order(library) == [b, a, d, c]
    reading.move_before(library, [c, a], b)  # a drag of two rows onto the first
    assert order(library) == [c, a, b, d]
    with pytest.raises(LibraryError, match="starts at 1"):
        reading.move_to(library, a, 0)


def test_read_next_on_a_new_paper_marks_it_to_read_in_one_undo_step(library: Library) -> None:
    a, b = queued(library, 2)
    new = library.search("status:new", sort="key")[0]
    before = dump(library)
    changes = reading.read_next(library, [new])
    assert order(library) == [new, a, b]
    assert library.paper(new).status == "to-read"
    assert changes.undo is not None
    changes.undo()
    assert differences(before, dump(library)) == {}  # status, history and place all back


def test_moving_one_paper_writes_one_row_however_long_the_queue(tmp_path: Path) -> None:
    library = open_library(tmp_path / "big.sqlite", seed=False)
    ids = library.add_papers([PaperFields(title=f"Paper {i}") for i in range(3000)])
    library.set_status(ids, "to-read")
    assert len(order(library)) == 3000

    def rows_written(write: object) -> int:
        """Papers rows written: each also counts once in ``meta.queue_version``."""
        with library.write() as conn:
            before, moved = conn.total_changes, int(queue.version(conn))
            write(conn)  # type: ignore[operator]
            counted = int(queue.version(conn)) - moved
            assert conn.total_changes - before == 2 * counted
            return counted

    assert rows_written(lambda conn: queue.place_at(conn, ids[2500], 10)) == 1
    assert rows_written(lambda conn: queue.place_at(conn, ids[0], 3000)) == 1
    assert rows_written(lambda conn: queue.step(conn, ids[5], up=False)) == 1
    assert rows_written(lambda conn: queue.place_before(conn, ids[100:103], ids[7])) == 3
    # The operation records only that row too: its undo is one row.
    changes = reading.move_to(library, ids[1500], 1)
    assert changes.papers == {ids[1500]}
    assert changes.aspects == {QUEUE}
    assert order(library)[0] == ids[1500]
    library.close()


def test_a_gap_that_runs_out_renumbers_and_keeps_the_order(library: Library) -> None:
    ids = queued(library, 6)
    expected = list(ids)
    # Always into the same gap: the halves run out of doubles after about fifty moves.
    for n in range(80):
        mover = expected[-1]
        queue_conn_place(library, mover, 2)
        expected = [expected[0], mover, *[i for i in expected[1:] if i != mover]]
        assert order(library) == expected, n
    positions = [library.paper(i).queue_position for i in expected]
    assert positions == list(range(1, 7))


def test_renumbering_a_long_queue_keeps_its_order_ties_by_id(tmp_path: Path) -> None:
    library = open_library(tmp_path / "long.sqlite", seed=False)
    ids = library.add_papers([PaperFields(title=f"Paper {i}") for i in range(3000)])
    keys = [float((i * 7919) % 1000) / 3 for i in range(3000)]  # scrambled, with ties
    with library.write() as conn:
        conn.executemany(
            "UPDATE papers SET queue_position = ? WHERE id = ?", list(zip(keys, ids, strict=True))
        )
        queue.renumber(conn)
    expected = [i for _, i in sorted(zip(keys, ids, strict=True))]
    assert order(library) == expected
    numbered = library.conn.execute("SELECT id, queue_position FROM papers ORDER BY 2")
    assert [(i, float(n)) for i, n in numbered] == [
        (i, float(n)) for n, i in enumerate(expected, 1)
    ]
    library.close()


def queue_conn_place(library: Library, paper_id: int, place: int) -> None:
    with library.write() as conn:
        queue.place_at(conn, paper_id, place)


def test_order_survives_undo_redo_and_reopening(library: Library, library_path: Path) -> None:
    a, b, c = queued(library, 3)
    moved = reading.move_to(library, c, 1)
    assert order(library) == [c, a, b]
    assert moved.undo is not None
    redo = moved.undo()
    assert order(library) == [a, b, c]
    assert redo.undo is not None
    redo.undo()
    assert order(library) == [c, a, b]
    read = paper_ops.set_status(library, [a], "read")
    assert order(library) == [c, b]
    assert read.undo is not None
    read.undo()  # back in its place, not at the end
    assert order(library) == [c, a, b]
    library.close()
    again = open_library(library_path)
    assert order(again) == [c, a, b]
    again.close()


def test_a_merged_paper_keeps_its_place(library: Library, tmp_path: Path) -> None:
    a, b, c = queued(library, 3)
    reading.read_next(library, [c])
    bib = tmp_path / "again.bib"
    text = export_bibtex(library.papers([b]))
    assert "doi =" not in text
    # The same paper with a DOI the library lacks: merged, its record completed.
    bib.write_text(text.replace("  title =", "  doi = {10.9999/merged},\n  title =", 1))
    _report, changes = imports.import_files(library, [bib])
    assert library.paper(b).doi == "10.9999/merged"  # merged into, not added
    assert library.count() == 50
    assert order(library) == [c, a, b]
    assert changes.undo is not None
    changes.undo()
    assert order(library) == [c, a, b]


def test_new_to_read_papers_join_by_priority_when_set(library: Library) -> None:
    library.set_meta(queue.JOIN_SETTING, "priority")
    low, high, medium, high2, plain = library.search("", sort="key")[:5]
    reading.set_priority(library, [low], "low")
    reading.set_priority(library, [high, high2], "high")
    reading.set_priority(library, [medium], "medium")
    for paper_id in (low, high, medium, high2, plain):
        library.set_status([paper_id], "to-read")
    assert order(library) == [high, high2, medium, low, plain]


def test_priority_is_one_undo_step_for_a_selection(library: Library) -> None:
    ids = library.search("", sort="key")[:4]
    before = dump(library)
    changes = reading.set_priority(library, ids, "HIGH")
    assert changes.aspects == {PRIORITY}
    assert {library.paper(i).priority for i in ids} == {"high"}
    assert set(library.search("priority:high")) == set(ids)
    assert changes.undo is not None
    changes.undo()
    assert differences(before, dump(library)) == {}
    with pytest.raises(LibraryError, match="unknown priority 'urgent'"):
        reading.set_priority(library, ids, "urgent")


def test_priority_queries_and_their_near_misses(library: Library) -> None:
    low, medium, high = library.search("", sort="key")[:3]
    reading.set_priority(library, [low], "low")
    reading.set_priority(library, [medium], "medium")
    reading.set_priority(library, [high], "high")
    total = library.count()
    assert library.search("priority:high") == [high]
    assert library.search("priority:=medium") == [medium]
    assert set(library.search("priority:>=medium")) == {medium, high}
    assert set(library.search("priority:>low")) == {medium, high}
    assert set(library.search("priority:<=low")) == set(library.search("")) - {medium, high}
    assert len(library.search("priority:none")) == total - 3
    assert set(library.search("-priority:none")) == {low, medium, high}
    assert set(library.search("priority:>=none")) == set(library.search(""))
    for wrong, message in (
        ("priority:hig", 'unknown priority "hig"'),
        ("priority:urgent", 'unknown priority "urgent"'),
        ("priority:>=", "priority: expects"),
        ("priority:", "priority: needs a value"),
        ("priority:>>high", "priority: expects"),
    ):
        with pytest.raises(LibraryError, match=message):
            library.search(wrong)
    # A priority is not a status.
    with pytest.raises(LibraryError, match="unknown status"):
        library.search("status:high")


def test_priority_and_place_in_json_exports(library: Library) -> None:
    a, b = queued(library, 2)
    reading.set_priority(library, [b], "medium")
    record = library.record(b)
    assert record["priority"] == "medium"
    assert record["queue_position"] == 2
    other = library.search("status:new")[0]
    assert library.record(other)["priority"] == "none"
    assert library.record(other)["queue_position"] is None
    bib = export_bibtex(library.papers([a, b]))
    assert "priority = {medium}" in bib
    assert bib.count("priority =") == 1  # none is not written


def test_priority_comes_back_from_a_bibtex_file(tmp_path: Path) -> None:
    bib = tmp_path / "prio.bib"
    bib.write_text(
        "@article{a1, title={Ours}, priority={high}, readstatus={to-read}}\n"
        "@article{b1, title={JabRef's}, priority={prio3}}\n"
        "@article{c1, title={Unknown}, priority={urgent}}\n",
        encoding="utf-8",
    )
    library = open_library(tmp_path / "lib.sqlite", seed=False)
    imports.import_files(library, [bib])
    by_key = {r["key"]: r for r in library.records(library.search(""))}
    assert by_key["a1"]["priority"] == "high"
    assert by_key["a1"]["queue_position"] == 1
    assert by_key["b1"]["priority"] == "low"
    assert by_key["c1"]["priority"] == "none"
    library.close()


def test_the_queue_version_counts_its_changes_and_nothing_else(tmp_path: Path) -> None:
    library = open_library(tmp_path / "q.sqlite", seed=False)
    ids = library.add_papers([PaperFields(title=f"Paper {i}") for i in range(6)])
    seen = [queue.version(library.conn)]

    def moved(write: object) -> bool:
        write()  # type: ignore[operator]
        seen.append(queue.version(library.conn))
        return seen[-1] != seen[-2]

    assert moved(lambda: library.set_status(ids[:3], "to-read"))  # join
    assert moved(lambda: reading.move_to(library, ids[2], 1))
    assert moved(lambda: library.set_status([ids[0]], "read"))  # leave
    assert moved(lambda: paper_ops.delete_papers(library, [ids[1]]))  # a queued one
    assert not moved(lambda: paper_ops.tag(library, [ids[2]], ["x"]))  # queued, not moved
    assert not moved(lambda: library.set_status([ids[4]], "reading"))  # never queued
    assert not moved(lambda: paper_ops.delete_papers(library, [ids[5]]))
    with sqlite3.connect(library.path) as other:  # another program, through the file
        other.execute("UPDATE papers SET queue_position = 99 WHERE id = ?", (ids[2],))
    assert moved(lambda: None)
    library.close()


def test_the_tables_places_are_walked_again_only_when_the_queue_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_library(tmp_path / "q.sqlite", seed=False)
    ids = library.add_papers([PaperFields(title=f"Paper {i}") for i in range(5)])
    library.set_status(ids[:3], "to-read")
    walks: list[int] = []
    walk = queue.places
    monkeypatch.setattr(queue, "places", lambda conn: walks.append(1) or walk(conn))

    def places() -> list[int | None]:
        return [row[-1] for row in library.summary_rows(ids).values()]

    assert places() == [1, 2, 3, None, None]
    paper_ops.tag(library, ids, ["x"])  # a write, in this process
    with sqlite3.connect(library.path) as other:  # and another program's, not the queue's
        other.execute("UPDATE papers SET title = 'Renamed' WHERE id = ?", (ids[0],))
    assert places() == [1, 2, 3, None, None]
    assert len(walks) == 1
    with sqlite3.connect(library.path) as other:  # another program moves the first last
        other.execute("UPDATE papers SET queue_position = 99 WHERE id = ?", (ids[0],))
    assert places() == [3, 1, 2, None, None]
    reading.move_to(library, ids[0], 1)
    assert places() == [1, 2, 3, None, None]
    assert len(walks) == 3
    library.close()


def test_an_undo_moves_the_queue_version_on_so_its_places_are_walked_again(
    tmp_path: Path,
) -> None:
    """The version is a count, never set back by an undo: the places of the state an
    undo brought back are not taken for the places seen after the move it undid."""
    library = open_library(tmp_path / "q.sqlite", seed=False)
    ids = library.add_papers([PaperFields(title=f"Paper {i}") for i in range(4)])
    library.set_status(ids[:3], "to-read")

    def places() -> list[int | None]:
        return [row[-1] for row in library.summary_rows(ids).values()]

    versions = [queue.version(library.conn)]
    assert places() == [1, 2, 3, None]
    moved = reading.move_to(library, ids[2], 1)
    versions.append(queue.version(library.conn))
    assert places() == [2, 3, 1, None]
    assert moved.undo is not None
    redo = moved.undo()
    versions.append(queue.version(library.conn))
    assert places() == [1, 2, 3, None]
    assert redo.undo is not None
    redo.undo()
    versions.append(queue.version(library.conn))
    assert places() == [2, 3, 1, None]
    assert [int(v) for v in versions] == sorted({int(v) for v in versions})  # forward only
    library.close()


def test_an_imports_undo_moves_the_queue_version_on(tmp_path: Path) -> None:
    library = open_library(tmp_path / "q.sqlite", seed=False)
    bib = tmp_path / "q.bib"
    bib.write_text(
        "@article{a1, title={Queued One}, author={Ng, Ann}, year={2020}, readstatus={to-read}}\n"
        "@article{a2, title={Queued Two}, author={Ng, Bo}, year={2021}, readstatus={to-read}}\n",
        encoding="utf-8",
    )
    start = int(queue.version(library.conn))
    _, changes = imports.import_files(library, [bib])
    imported = int(queue.version(library.conn))
    assert imported > start and len(order(library)) == 2
    assert changes.undo is not None
    changes.undo()
    assert order(library) == []
    assert int(queue.version(library.conn)) > imported
    library.close()
