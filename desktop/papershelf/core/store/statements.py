"""Pieces of the store's SQL: IN lists in short slices, parameter marks, and the
stored form of the time now. Every module of ``core/store`` writes its statements with
these."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

_T = TypeVar("_T")

_CHUNK = 500  # SQLite's parameter limit is far above this; it keeps IN lists short.


def now() -> str:
    """The current time as ISO 8601 UTC with seconds, the form every stored time has."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def chunks(ids: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """``ids`` in slices short enough for one IN (...) list."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def marks(n: int) -> str:
    """``n`` comma-separated SQL parameter marks."""
    return ",".join("?" * n)
