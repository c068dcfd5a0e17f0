"""Python's cycle collector paused while an import or a feed builds its objects.

Reading 100,000 BibTeX entries, or a large feed, makes millions of objects and few
reference cycles: reference counting frees them. The collector's full passes go over
every object of the process, more often as there are more: reading and interpreting
100,000 entries took 16.5 s with it running and 10.3 s with it paused, and in the
window each pass holds the interpreter lock for 0.2-0.35 s, so the main thread stalls
that long (a feed of 10,000 entries: ``tests/benchmarks/feeds.py stall``). The
collector is the process's: it is on again, if it was, once the last pause in any
thread has ended.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses not yet ended, in any thread (an import and a refresh may overlap)
_was_enabled = True  # whether the collector was on when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the duration, and back as it was after the last."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
