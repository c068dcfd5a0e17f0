"""Reading a feed turns Python's cycle collector off for the while (its full passes over
a process with a window hold the interpreter lock for a quarter of a second: the
window would stall), and always leaves it as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from feed_fixtures import RSS, Item, rss
from papershelf.core import collector
from papershelf.core.net import feeds
from papershelf.core.net.feeds import NotAFeedError, parse_feed


@pytest.fixture(autouse=True)
def collector_back_on() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_off_while_reading_on_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = feeds.entry_paper

    def spy(entry: object) -> object:
        seen.append(gc.isenabled())
        return real(entry)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds, "entry_paper", spy)
    gc.enable()
    parsed = parse_feed(rss([Item("One", guid="1"), Item("Two", guid="2")]), RSS)
    assert [e.fields.title for e in parsed.entries] == ["One", "Two"]
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_feed_that_fails_leaves_it_on_and_one_that_was_off_stays_off() -> None:
    gc.enable()
    with pytest.raises(NotAFeedError):
        parse_feed(b"<html><body>a page</body></html>", "text/html")
    assert gc.isenabled()
    gc.disable()
    parse_feed(rss([Item("One", guid="1")]), RSS)
    assert not gc.isenabled()  # the reader's choice (a benchmark's, say) is kept


def test_a_feed_read_while_an_import_runs_leaves_it_off_until_the_import_ends() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()
    states: list[bool] = []

    def slow_import() -> None:
        with collector.paused():
            inside.set()
            release.wait(10)

    other = threading.Thread(target=slow_import)
    other.start()
    assert inside.wait(10)
    parse_feed(rss([Item("One", guid="1")]), RSS)  # done first: the other still reads
    states.append(gc.isenabled())
    release.set()
    other.join(10)
    states.append(gc.isenabled())
    assert states == [False, True]
