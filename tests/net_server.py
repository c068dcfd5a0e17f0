"""FixtureServer: a real HTTP server on 127.0.0.1 that serves fixtures and faults.

Tests never reach the internet; they point ``PAPERSHELF_ARXIV_API`` and friends at
this server. Each path gets a handler (``Request -> Reply``) or a list of replies
served in turn (the last one repeats), so "503 with Retry-After, then the answer" is
``server.route("/api/query", Reply(503, headers={"Retry-After": "2"}), ok)``. Every
request is recorded with the time it arrived (``time.monotonic()``, the client's own
clock in the same process), so tests check a pace as the server saw it.

Faults: ``Reply(delay_s=...)`` answers late (a timeout), ``Reply(drop=True)`` closes
the connection without an answer, ``Reply(size=...)`` streams that many bytes (with or
without Content-Length), ``server.redirect_loop(path)`` redirects to itself forever.

    with FixtureServer() as server:
        server.route("/works/10.1/x", Reply(200, json_body, "application/json"))
        monkeypatch.setenv("PAPERSHELF_CROSSREF_API", server.url)

The ``fixture_server`` pytest fixture in ``tests/conftest.py`` gives one per test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    """What the server saw: arrival time (monotonic), path, query, headers."""

    at: float
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass(frozen=True)
class Reply:
    """One answer. ``body`` is bytes or str (UTF-8); ``size`` streams filler instead."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before answering (a timeout, when the client is quicker)
    drop: bool = False  # close the connection without a word
    size: int | None = None  # stream this many bytes of filler
    declare_length: bool = True  # send Content-Length (False: the client finds out late)
    prefix: bytes = b""  # the filler's first bytes (b"%PDF-1.7\n")


Handler = Callable[[Request], Reply]


class FixtureServer:
    """A ThreadingHTTPServer on 127.0.0.1 (a free port) in a thread of its own."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> FixtureServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()  # late replies stop waiting
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # --- routes -----------------------------------------------------------------

    def route(self, path: str, *replies: Reply | Handler) -> None:
        """Serve ``path`` (no query) with a handler, or with ``replies`` in turn."""
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Reply):
            handler: Handler = replies[0]
        else:
            handler = _in_turn([r for r in replies if isinstance(r, Reply)])
        with self._lock:
            self._routes[path] = handler

    def redirect_loop(self, path: str) -> None:
        self.route(path, Reply(302, headers={"Location": path}))

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # --- used by the handler ----------------------------------------------------

    def _handle(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            handler = self._routes.get(request.path)
        if handler is None:
            return Reply(404, "no fixture for this path\n")
        return handler(request)


def _in_turn(replies: Sequence[Reply]) -> Handler:
    queue = list(replies)
    lock = threading.Lock()

    def handler(_: Request) -> Reply:
        with lock:
            return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (a size limit, Cancel) breaks the pipe: expected.
        pass


def _make_handler(server: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            request = Request(
                at=time.monotonic(),
                method="GET",
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            self._send(server._handle(request))

        def _send(self, reply: Reply) -> None:
            if reply.delay_s and server._closing.wait(reply.delay_s):
                return
            if reply.drop:
                self.close_connection = True
                return
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            length = reply.size if reply.size is not None else len(body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.declare_length:
                self.send_header("Content-Length", str(length))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if reply.size is None:
                self.wfile.write(body)
                return
            self._stream_filler(reply.size, reply.prefix)

        def _stream_filler(self, size: int, prefix: bytes) -> None:
            chunk = b"x" * 65536
            self.wfile.write(prefix[:size])
            sent = len(prefix[:size])
            while sent < size and not server._closing.is_set():
                part = chunk[: size - sent]
                self.wfile.write(part)
                sent += len(part)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests' output stays readable

    return _Handler
