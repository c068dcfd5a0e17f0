"""Which commits of other connections (the command line, the window's own processes, a
second window) the window must take in by running its filter again.

``PRAGMA data_version`` moves only for other connections' commits, so polling it is
nearly free. A write of PDFs' text alone (``papershelf read-text``) leaves the
library's count of shown writes (``LibraryFile.shown_writes``) where it was: nothing
on screen changed unless the filter or a saved search counted in the sidebar reads
that text, and at a million papers running the filter again after each PDF held the
main thread 72 ms.
"""

from __future__ import annotations

from collections.abc import Callable

from papershelf.core.store.library import Library


class OutsideWrites:
    """What the window has seen of the library: the data version, the shown writes."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.seen()

    def seen(self) -> None:
        """The window has taken in every write so far, other connections' too."""
        self._version = self._library.data_version()
        self._shown = self._library.shown_writes()

    def to_take_in(self, reads_pdf_text: Callable[[], bool]) -> bool:
        """True when another connection committed something the window shows."""
        library = self._library
        version = library.data_version()
        if version == self._version:
            # Nobody else committed: the count of shown writes moved by this window's own.
            shown = library.shown_writes()
            if library.data_version() == version:  # nor while it was read
                self._shown = shown
            return False
        if library.shown_writes() == self._shown and not reads_pdf_text():
            self._version = version  # only PDFs' text, and nothing shown reads it
            return False
        return True
