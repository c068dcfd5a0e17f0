"""Dates as Papershelf keeps them: at the precision they were given, never invented."""

from __future__ import annotations

from datetime import date


def real_date(parts: list[int]) -> str | None:
    """``[2017]``, ``[2017, 6]`` or ``[2017, 6, 12]`` as text, when such a date exists.

    A year alone stays ``2017`` and a month ``2017-06``: a bibliography that gave a
    year must not come back as the first of January.
    """
    if not 1 <= len(parts) <= 3:
        return None
    try:
        date(*[*parts, 1, 1][:3])  # checks month and day
    except ValueError:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])
