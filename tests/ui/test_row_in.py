"""Finding a paper's row in a result: the table asks it for the current paper each time
rows arrive, so it scans the result's bytes; what it finds must be what ``index`` would."""

from __future__ import annotations

import random
from array import array

from papershelf.ui.table.result_rows import row_in


def _index(ids: array[int], paper_id: int) -> int:
    return ids.index(paper_id) if paper_id in ids else -1


def test_a_row_is_where_the_id_is_and_the_first_of_repeats():
    ids = array("q", [7, 3, 9, 3])
    assert [row_in(ids, i) for i in (7, 3, 9, 4)] == [0, 1, 2, -1]
    assert row_in(array("q"), 1) == -1


def _ids(*groups: bytes) -> array[int]:
    ids = array("q")
    ids.frombytes(b"".join(groups))
    return ids


def test_bytes_spanning_two_ids_are_not_an_id():
    wanted = bytes([1, 2, 3, 4, 5, 6, 7, 1])
    paper_id = _ids(wanted)[0]
    # The last seven bytes of the first id and the first of the second spell it.
    apart = _ids(bytes([0, 1, 2, 3, 4, 5, 6, 7]), bytes([1, 9, 9, 9, 9, 9, 9, 9]))
    assert paper_id not in apart and wanted in apart.tobytes()
    assert row_in(apart, paper_id) == -1
    # ... and here the id itself starts one byte after that false start.
    both = _ids(bytes([0, 1, 2, 3, 4, 5, 6, 7]), wanted)
    assert row_in(both, paper_id) == 1


def test_it_agrees_with_index_on_large_and_negative_ids():
    rng = random.Random(5)
    ids = array("q", [*rng.sample(range(1, 4000), 2000), -1, 2**62, 256, 65536])
    for paper_id in [*rng.sample(range(-5, 5000), 300), -1, 2**62, 256, 65536, 0]:
        assert row_in(ids, paper_id) == _index(ids, paper_id), paper_id
