"""What is counted from a library, kept per library until the library changes."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from papershelf.core.store.library import Library

T = TypeVar("T")


class KeptUntilChanged(Generic[T]):
    """A value made from each library, made again once ``content_version`` moves (this
    connection's writes, another's commits); forgotten with the library."""

    def __init__(self) -> None:
        self._kept: weakref.WeakKeyDictionary[Library, tuple[tuple[int, int], T]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, library: Library, make: Callable[[], T]) -> T:
        version, kept = library.content_version(), self._kept.get(library)
        if kept is None or kept[0] != version:
            kept = (version, make())
            self._kept[library] = kept
        return kept[1]
