"""Where papers are in a result: the rows of ids in the table's array of them.

The table asks each time rows arrive (the current paper, the selection kept across a
new filter, the paper that takes the place of one that left), on the main thread, in
results of up to a million ids.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence


def row_in(ids: array[int], paper_id: int) -> int:
    """The first row of ``paper_id`` in ``ids``, or -1.

    ``array.index`` makes an int object of every row it passes: 17 ms for a paper not
    in a result of 1M, on the main thread, twice a keystroke while a paper is current.
    A regular expression scans the array's bytes where they are, four to seven times
    faster. Its match must start where an id does: the bytes of two ids side by side
    can hold a third.
    """
    needle = re.compile(re.escape(array("q", [paper_id]).tobytes()))
    with memoryview(ids) as view, view.cast("B") as raw:
        at = 0
        while (found := needle.search(raw, at)) is not None:
            if found.start() % ids.itemsize == 0:
                return found.start() // ids.itemsize
            at = found.start() + 1
    return -1


def positions(ids: array[int], wanted: set[int]) -> dict[int, int]:
    """The rows of the ``wanted`` papers in ``ids`` (those present)."""
    if len(wanted) <= 16:  # a scan in C per paper beats a loop in Python over all rows
        rows = {paper_id: row_in(ids, paper_id) for paper_id in wanted}
        return {paper_id: row for paper_id, row in rows.items() if row >= 0}
    return {paper_id: row for row, paper_id in enumerate(ids) if paper_id in wanted}


def first_row(ids: array[int], candidates: Sequence[int]) -> int:
    """The row of the first of ``candidates``, in their order, that is in ``ids``; -1 if
    none. Usually the first is (the paper after one that left): scanned for alone."""
    for paper_id in candidates[:16]:
        row = row_in(ids, paper_id)
        if row >= 0:
            return row
    where = positions(ids, set(candidates[16:]))
    return next((where[i] for i in candidates[16:] if i in where), -1)
