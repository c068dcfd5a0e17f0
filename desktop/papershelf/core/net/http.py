"""PoliteClient: the one way Papershelf talks HTTP (arXiv, Crossref, PDFs, feeds).

Every request names Papershelf in its User-Agent, keeps to a per-host pace (arXiv asks
for at most one request every 3 seconds), retries 429 and 5xx answers with backoff
while honouring ``Retry-After`` (up to a cap: a server that asks for an hour gets a
clear message, not a frozen command), follows a bounded number of redirects, checks
the content type, and streams the body with a size limit, so a 10 MB answer ends in a
message instead of filling memory. Every failure a reader can meet (offline, DNS, a
timeout, a refused connection, an HTML page where XML was expected) is a ``NetError``:
one line that names the host and says what happened.

Time is injectable (``Clock``): tests pass a clock whose sleeps are recorded, or a
``time_scale`` that shrinks every pace and wait (``PAPERSHELF_NET_TIME_SCALE``, used by
tests that check request timestamps as the server saw them), so no test waits for
real seconds.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

import httpx

from papershelf import __version__
from papershelf.core.errors import LibraryError, NetCancelled

MAILTO_ENV = "PAPERSHELF_MAILTO"  # Crossref's "polite pool" wants a contact address
TIME_SCALE_ENV = "PAPERSHELF_NET_TIME_SCALE"  # tests only: shrinks paces and waits

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB  # metadata answers are kilobytes; 10 MB is a broken server
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_RETRIES = 3
DEFAULT_MAX_RETRY_WAIT_S = 60.0  # a Retry-After beyond this is reported, not waited out
DEFAULT_MAX_REDIRECTS = 5
BACKOFF_BASE_S = 2.0  # 2, 4, 8 s between attempts when the server does not say
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 64 * 1024
_SLEEP_SLICE_S = 0.1  # a wait checks for Cancel this often

Cancelled = Callable[[], bool]
Progress = Callable[[int, "int | None"], None]


class NetError(LibraryError):
    """A network failure a reader can understand: one line naming the host.

    ``status`` is the HTTP status when the server answered (404 tells an unknown DOI
    apart from a broken connection), else None.
    """

    def __init__(
        self, message: str, *, status: int | None = None, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        # No connection at all (offline, DNS, refused): the next request would fail too.
        self.unreachable = unreachable


class Clock(Protocol):
    """Where the client reads time and waits; tests pass one that records sleeps."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class Fetched:
    """A complete answer: the final URL (after redirects), status, media type and body."""

    url: str
    status: int
    content_type: str
    headers: Mapping[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def project_url() -> str:
    """The project's home page from the package metadata (``[project.urls]``), if any."""
    try:
        urls = metadata.metadata("papershelf").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    return next((u.split(",", 1)[1].strip() for u in urls if "," in u), "")


def user_agent() -> str:
    """``Papershelf/0.1.0 (+https://...; mailto:me@example.org)``, as APIs ask.

    The home page comes from the package metadata (none is invented when the project
    declares none); the address from PAPERSHELF_MAILTO.
    """
    parts = [f"+{url}" for url in (project_url(),) if url]
    mailto = os.environ.get(MAILTO_ENV, "").strip()
    if mailto:
        parts.append(f"mailto:{mailto}")
    return f"Papershelf/{__version__} ({'; '.join(parts) or 'desktop reading list'})"


def env_time_scale() -> float:
    raw = os.environ.get(TIME_SCALE_ENV, "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        return 1.0
    return min(max(scale, 0.0), 1.0)  # only ever faster in tests, never slower by accident


def host_of(url: str) -> str:
    """The ``host:port`` a pace applies to (ports tell local test servers apart)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: "host:99999" or "host:x" raise
    except ValueError as exc:  # "http://[::1/feed": what a reader typed, not a bug
        raise NetError(f"not a web address: {url!r} ({exc})") from exc
    return parts.netloc.lower() or url


@dataclass
class _Pace:
    """When each host may next be asked, shared by the threads of one client."""

    intervals: dict[str, float] = field(default_factory=dict)
    next_at: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class PoliteClient:
    """An HTTP client with Papershelf's manners; one per batch of work, closed after.

    ``intervals`` maps ``host:port`` to the least number of seconds between two
    requests to it (``set_interval`` adds one later, as the arXiv module does for its
    base URL). ``time_scale`` multiplies every pace, backoff and Retry-After wait.
    """

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
        max_retry_wait_s: float = DEFAULT_MAX_RETRY_WAIT_S,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        intervals: Mapping[str, float] | None = None,
        clock: Clock | None = None,
        time_scale: float | None = None,
        cancelled: Cancelled | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.retries = retries
        self.max_retry_wait_s = max_retry_wait_s
        self.max_bytes = max_bytes
        self.clock: Clock = clock or RealClock()
        self.time_scale = env_time_scale() if time_scale is None else time_scale
        self.cancelled: Cancelled = cancelled or (lambda: False)
        self._pace = _Pace(intervals={k.lower(): v for k, v in (intervals or {}).items()})
        self._client = httpx.Client(
            headers={"User-Agent": user_agent()},
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=True,
            max_redirects=max_redirects,
            transport=transport,
        )

    # --- life cycle -------------------------------------------------------------

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_interval(self, url_or_host: str, seconds: float) -> None:
        """At most one request every ``seconds`` to the host of ``url_or_host``."""
        host = host_of(url_or_host) if "/" in url_or_host else url_or_host.lower()
        with self._pace.lock:
            self._pace.intervals[host] = seconds

    # --- requests ---------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        accept: Iterable[str] = (),
        max_bytes: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        """GET ``url`` and return its whole body (at most ``max_bytes``).

        ``accept`` lists the media types wanted (``application/atom+xml``); any other
        answer is a NetError saying what came instead. A 4xx other than 429 is a
        NetError with its ``status`` (404: "not found").
        """
        chunks: list[bytes] = []
        fetched = self._exchange(
            url, params, tuple(accept), max_bytes, headers, chunks.append, None, b""
        )
        return Fetched(
            fetched.url, fetched.status, fetched.content_type, fetched.headers, b"".join(chunks)
        )

    def download(
        self,
        url: str,
        sink: BinaryIO,
        *,
        accept: Iterable[str] = (),
        max_bytes: int | None = None,
        starts_with: bytes = b"",
        progress: Progress | None = None,
    ) -> Fetched:
        """Stream ``url`` into ``sink`` (the caller writes it atomically); its metadata.

        ``starts_with`` checks the first bytes (``b"%PDF-"``) before anything is
        written; ``progress(received, total_or_None)`` follows the chunks. The returned
        ``Fetched`` has an empty body: the bytes went to ``sink``.
        """
        return self._exchange(
            url, None, tuple(accept), max_bytes, None, sink.write, progress, starts_with
        )

    # --- the exchange -----------------------------------------------------------

    def _exchange(
        self,
        url: str,
        params: Mapping[str, str] | None,
        accept: tuple[str, ...],
        max_bytes: int | None,
        headers: Mapping[str, str] | None,
        write: Callable[[bytes], object],
        progress: Progress | None,
        starts_with: bytes,
    ) -> Fetched:
        limit = self.max_bytes if max_bytes is None else max_bytes
        host = host_of(url)
        attempt = 0
        while True:
            self._check_cancel()
            self._wait_for_turn(host)
            try:
                with self._client.stream("GET", url, params=params, headers=headers) as response:
                    if response.status_code in RETRY_STATUSES and attempt < self.retries:
                        wait = self._retry_wait(response, attempt, host)
                    else:
                        return self._accept(response, accept, limit, write, progress, starts_with)
            except httpx.TooManyRedirects as exc:
                raise NetError(f"{host}: too many redirects (a redirect loop?)") from exc
            except httpx.TimeoutException as exc:
                raise NetError(
                    f"{host} did not answer within {self.timeout_s:g} s (timeout)"
                ) from exc
            except httpx.ConnectError as exc:
                raise NetError(_connect_message(host, exc), unreachable=True) from exc
            except httpx.RemoteProtocolError as exc:
                raise NetError(f"{host} closed the connection mid-answer ({exc})") from exc
            except httpx.UnsupportedProtocol as exc:
                raise NetError(f"not a web address: {url}") from exc
            except httpx.HTTPError as exc:  # the rest of httpx's transport errors
                raise NetError(f"{host}: {type(exc).__name__}: {exc}") from exc
            finally:
                self._turn_ended(host)
            attempt += 1
            self._sleep(wait)

    def _accept(
        self,
        response: httpx.Response,
        accept: tuple[str, ...],
        limit: int,
        write: Callable[[bytes], object],
        progress: Progress | None,
        starts_with: bytes,
    ) -> Fetched:
        host = host_of(str(response.url))
        self._check_status(response, host)
        content_type = _media_type(response.headers.get("content-type", ""))
        _check_type(content_type, accept, host)
        self._read_body(response, limit, write, progress, starts_with, host)
        return Fetched(
            str(response.url), response.status_code, content_type, dict(response.headers), b""
        )

    def _check_status(self, response: httpx.Response, host: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 404:
            raise NetError(f"{host}: not found (HTTP 404)", status=status)
        if status in RETRY_STATUSES:
            raise NetError(
                f"{host} is busy or failing (HTTP {status}) after {self.retries + 1} tries; "
                f"try again later",
                status=status,
            )
        raise NetError(f"{host} refused the request (HTTP {status})", status=status)

    def _retry_wait(self, response: httpx.Response, attempt: int, host: str) -> float:
        """Seconds to wait before trying again: Retry-After when given, else backoff."""
        asked = _retry_after_seconds(response.headers.get("retry-after"))
        if asked is not None and asked > self.max_retry_wait_s:
            raise NetError(
                f"{host} is busy (HTTP {response.status_code}) and asks to wait "
                f"{asked:.0f} s; try again later",
                status=response.status_code,
            )
        wait = asked if asked is not None else BACKOFF_BASE_S * (2**attempt)
        return min(wait, self.max_retry_wait_s)

    def _read_body(
        self,
        response: httpx.Response,
        limit: int,
        write: Callable[[bytes], object],
        progress: Progress | None,
        starts_with: bytes,
        host: str,
    ) -> None:
        total = _content_length(response)
        if total is not None and total > limit:
            raise NetError(
                f"{host}: the answer is too large ({_size(total)}; limit {_size(limit)})"
            )
        received = 0
        head = b""
        for chunk in _chunks(response):
            self._check_cancel()
            received += len(chunk)
            if received > limit:
                raise NetError(f"{host}: the answer is too large (over {_size(limit)})")
            if len(head) < len(starts_with):
                head += chunk[: len(starts_with) - len(head)]
                if not starts_with.startswith(head[: len(starts_with)]):
                    raise NetError(f"{host}: the answer is not the expected file type")
            write(chunk)
            if progress is not None:
                progress(received, total)
        if len(head) < len(starts_with):
            raise NetError(f"{host}: the answer is not the expected file type (too short)")

    # --- pace and waiting -------------------------------------------------------

    def _wait_for_turn(self, host: str) -> None:
        """Keep to the host's pace: reserve the next slot, then sleep until it comes."""
        with self._pace.lock:
            interval = self._pace.intervals.get(host, 0.0) * self.time_scale
            now = self.clock.monotonic()
            at = max(now, self._pace.next_at.get(host, now))
            self._pace.next_at[host] = at + interval
        self._sleep_unscaled(at - now)

    def _turn_ended(self, host: str) -> None:
        """The pace counts from the end of an answer, so the server sees the gap whole."""
        with self._pace.lock:
            interval = self._pace.intervals.get(host, 0.0) * self.time_scale
            if interval > 0:
                end = self.clock.monotonic() + interval
                self._pace.next_at[host] = max(self._pace.next_at.get(host, end), end)

    def _sleep(self, seconds: float) -> None:
        self._sleep_unscaled(seconds * self.time_scale)

    def _sleep_unscaled(self, seconds: float) -> None:
        end = self.clock.monotonic() + seconds
        while True:
            self._check_cancel()
            left = end - self.clock.monotonic()
            if left <= 0:
                return
            self.clock.sleep(min(left, _SLEEP_SLICE_S))

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise NetCancelled


def _chunks(response: httpx.Response) -> Iterator[bytes]:
    yield from response.iter_bytes(_CHUNK)


def _media_type(header: str) -> str:
    return header.split(";", 1)[0].strip().lower()


def _check_type(content_type: str, accept: tuple[str, ...], host: str) -> None:
    if not accept or content_type in accept:
        return
    what = "a web page (HTML)" if content_type == "text/html" else (content_type or "no type")
    raise NetError(f"{host} answered with {what}, not {' or '.join(accept)}")


def _content_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("content-length")
    if raw is None or response.headers.get("content-encoding"):
        return None  # a compressed length says nothing about the decoded size
    try:
        return int(raw)
    except ValueError:
        return None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} kB"


def _connect_message(host: str, exc: httpx.ConnectError) -> str:
    text = str(exc).lower()
    name = host.split(":", 1)[0]
    if any(s in text for s in ("name or service", "nodename", "getaddrinfo", "resolution")):
        return f"cannot find {name} (offline, or DNS failed)"
    if "refused" in text:
        return f"{host} refused the connection (offline, or the service is down)"
    return f"cannot connect to {host} (offline?): {exc}"
