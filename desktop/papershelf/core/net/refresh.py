"""Refreshing followed sources: ask each (conditionally), read its feed, bring the
entries in; a source that fails is marked with its error, and the others go on.

The network is reached through ``Get`` (``PoliteClient.get`` in the app: User-Agent,
timeouts, retries, size and redirect limits, arXiv's pace), so tests can serve feeds
from 127.0.0.1. Nothing here holds a transaction while it waits for the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx

from papershelf.core import collector
from papershelf.core.errors import LibraryError
from papershelf.core.net.feeds import (
    NotAFeedError,
    parse_feed,
    parse_spec,
)
from papershelf.core.net.http import NetError, PoliteClient
from papershelf.core.ops.follow import RefreshReport, apply_entries
from papershelf.core.store import follows
from papershelf.core.store.library import Library

MAX_FEED_BYTES = 64 * 1024 * 1024  # a 10,000-entry feed with abstracts is ~15 MB
FEED_TYPES = (
    "application/atom+xml", "application/rss+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/x-rss+xml", "application/feed+json", "text/plain", "text/html",
)  # fmt: skip
ARXIV_PACE_S = 3.0  # arXiv's API terms: one request every three seconds
# An automatic refresh leaves a failing source alone for a while, longer each time.
BACKOFF_FIRST = timedelta(minutes=30)
BACKOFF_MOST = timedelta(hours=24)


class Answer(Protocol):
    """What a GET gave: ``PoliteClient``'s ``Fetched``."""

    @property
    def status(self) -> int: ...
    @property
    def content_type(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...


Get = Callable[[str, Mapping[str, str]], Answer]


class Unreachable(LibraryError):
    """No answer at all (no network, DNS, refused, timed out): offline, to the window."""


@dataclass
class RefreshRun:
    """What a refresh of several sources did."""

    reports: list[RefreshReport]
    offline: bool = False  # every source asked failed without an answer

    @property
    def added(self) -> int:
        return sum(r.added for r in self.reports)

    @property
    def failed(self) -> list[RefreshReport]:
        return [r for r in self.reports if r.error]

    def record(self) -> dict[str, Any]:
        """As JSON (``papershelf refresh --format json``, which the window runs)."""
        return {"offline": self.offline, "reports": [asdict(r) for r in self.reports]}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RefreshRun:
        reports = [RefreshReport(**r) for r in record["reports"]]
        return cls(reports, offline=bool(record["offline"]))


def backoff(failures: int) -> timedelta:
    """How long an automatic refresh waits before asking a failing source again."""
    if failures <= 0:
        return timedelta(0)
    wait: timedelta = BACKOFF_FIRST * 2 ** min(failures - 1, 16)
    return min(wait, BACKOFF_MOST)


def _due(follow: follows.Follow, at: datetime) -> bool:
    if not follow.failures or not follow.last_attempt:
        return True
    last = datetime.fromisoformat(follow.last_attempt)
    return at >= last + backoff(follow.failures)


def refresh_one(
    library: Library, follow: follows.Follow, get: Get, *, conditional: bool = True
) -> RefreshReport:
    """Refresh one source; its error is recorded and reported, never raised (except a
    library that cannot be written)."""
    report = RefreshReport(follow.name)
    try:
        spec = parse_spec(follow.spec)
        headers: dict[str, str] = {}
        if conditional and follow.etag:
            headers["If-None-Match"] = follow.etag
        if conditional and follow.last_modified:
            headers["If-Modified-Since"] = follow.last_modified
        answer = get(spec.url, headers)
        if answer.status == 304:
            report.not_modified = True
            follows.record_success(library, follow.id, follow.etag, follow.last_modified)
            return report
        with collector.paused():  # the entries are gone when it is back
            _read_and_apply(library, follow, answer, spec.arxiv, report)
    except Unreachable:
        raise  # offline: not the source's fault, so it is not marked as failing
    except (NotAFeedError, LibraryError) as exc:
        report.error = str(exc)
        follows.record_failure(library, follow.id, report.error)
        return report
    validators = {k.lower(): v for k, v in answer.headers.items()}
    follows.record_success(
        library, follow.id, validators.get("etag"), validators.get("last-modified")
    )
    return report


def _read_and_apply(
    library: Library, follow: follows.Follow, answer: Answer, arxiv: bool, report: RefreshReport
) -> None:
    parsed = parse_feed(answer.body, answer.content_type, arxiv=arxiv)
    report.problem = parsed.problem
    apply_entries(library, follow, parsed.entries, report)


def refresh(
    library: Library,
    get: Get,
    names: Sequence[str] = (),
    *,
    automatic: bool = False,
    at: datetime | None = None,
    stop: Callable[[], bool] | None = None,
) -> RefreshRun:
    """Refresh the named sources (all when none are named), one after another.

    ``automatic``: a source still backing off after failures is left for later.
    ``stop`` is asked between sources (the window's Cancel, its closing).
    """
    chosen = [follows.get(library, n) for n in names] if names else follows.all_follows(library)
    when = at or datetime.now(UTC)
    run = RefreshRun([])
    unreachable = 0
    for follow in chosen:
        if stop is not None and stop():
            break
        if automatic and not _due(follow, when):
            continue
        try:
            run.reports.append(refresh_one(library, follow, get))
        except Unreachable as exc:
            unreachable += 1
            run.reports.append(RefreshReport(follow.name, error=str(exc)))
    run.offline = bool(run.reports) and unreachable == len(run.reports)
    return run


def polite_get(client: PoliteClient) -> Get:
    """``Get`` over the shared client (``core.net.http.PoliteClient``), arXiv paced."""
    client.set_interval(parse_spec("arxiv:x").url, ARXIV_PACE_S)

    def get(url: str, headers: Mapping[str, str]) -> Answer:
        try:
            return client.get(url, headers=headers, max_bytes=MAX_FEED_BYTES)
        except NetError as exc:
            if exc.status is None and _no_answer(exc):
                raise Unreachable(str(exc)) from exc
            raise

    return get


def _no_answer(exc: BaseException) -> bool:
    """Whether the request never reached a server (offline), rather than a server
    answering badly (too large, a redirect loop, a refusal)."""
    cause = exc.__cause__
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)
