"""The polite HTTP client against a real local server: manners, pace and every fault."""

from __future__ import annotations

import io
import itertools
import socket
import time
from typing import Any

import pytest

from net_server import FixtureServer, Reply, Request
from papershelf import __version__
from papershelf.core.net.http import (
    MB,
    Fetched,
    NetCancelled,
    NetError,
    PoliteClient,
    user_agent,
)


def fetch(url: str, **client_options: Any) -> Fetched:
    with PoliteClient(**client_options) as client:
        return client.get(url)


class RecordingClock:
    """A clock whose sleeps pass at once and are written down."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_user_agent_names_papershelf_its_version_and_a_contact(
    fixture_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSHELF_MAILTO", "reader@example.org")
    fixture_server.route("/x", Reply(200, "ok"))
    with PoliteClient() as client:
        assert client.get(fixture_server.url + "/x").text() == "ok"
    agent = fixture_server.requests[0].headers["user-agent"]
    assert agent.startswith(f"Papershelf/{__version__} (+")
    assert "mailto:reader@example.org" in agent
    monkeypatch.delenv("PAPERSHELF_MAILTO")
    assert "mailto" not in user_agent()


def test_pace_as_the_server_saw_it(fixture_server: FixtureServer) -> None:
    """Four requests with a 3 s pace scaled to 0.1 s arrive at least 0.1 s apart."""
    fixture_server.route("/api", Reply(200, "ok"))
    url = fixture_server.url + "/api"
    with PoliteClient(intervals={}, time_scale=1 / 30) as client:
        client.set_interval(url, 3.0)
        for _ in range(4):
            client.get(url)
    times = [r.at for r in fixture_server.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 3
    assert all(gap >= 0.1 - 0.005 for gap in gaps), gaps


def test_pace_with_an_injected_clock_waits_no_real_time(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(200, "ok"))
    clock = RecordingClock()
    url = fixture_server.url + "/api"
    with PoliteClient(clock=clock, time_scale=1.0) as client:
        client.set_interval(url, 3.0)
        client.get(url)
        client.get(url)
        client.get(url)
    assert sum(clock.sleeps) == pytest.approx(6.0)


def test_other_hosts_are_not_held_up_by_a_paced_one(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(200, "ok"))
    clock = RecordingClock()
    with PoliteClient(clock=clock, time_scale=1.0) as client:
        client.set_interval("export.arxiv.org:443", 3.0)
        client.get(fixture_server.url + "/api")
        client.get(fixture_server.url + "/api")
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_then_the_answer_comes(
    fixture_server: FixtureServer, status: int
) -> None:
    fixture_server.route(
        "/api", Reply(status, "busy", headers={"Retry-After": "7"}), Reply(200, "ok")
    )
    clock = RecordingClock()
    with PoliteClient(clock=clock, time_scale=1.0) as client:
        assert client.get(fixture_server.url + "/api").text() == "ok"
    assert len(fixture_server.requests) == 2
    assert sum(clock.sleeps) == pytest.approx(7.0)


def test_retry_after_as_seen_by_the_server(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(503, headers={"Retry-After": "3"}), Reply(200, "ok"))
    with PoliteClient(time_scale=1 / 30) as client:
        client.get(fixture_server.url + "/api")
    first, second = fixture_server.requests
    assert second.at - first.at >= 0.1 - 0.005


def test_backoff_without_retry_after_then_a_clear_message(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(500, "oops"))
    clock = RecordingClock()
    with pytest.raises(NetError) as caught:
        fetch(fixture_server.url + "/api", clock=clock, time_scale=1.0, retries=3)
    assert len(fixture_server.requests) == 4
    assert sum(clock.sleeps) == pytest.approx(2 + 4 + 8)
    message = str(caught.value)
    assert "HTTP 500" in message and "\n" not in message
    assert caught.value.status == 500


def test_a_retry_after_beyond_the_cap_is_reported_not_waited(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.route("/api", Reply(429, headers={"Retry-After": "3600"}))
    clock = RecordingClock()
    with pytest.raises(NetError, match="asks to wait 3600 s"):
        fetch(fixture_server.url + "/api", clock=clock, max_retry_wait_s=60)
    assert clock.sleeps == [] and len(fixture_server.requests) == 1


def test_timeout_is_one_clear_line(fixture_server: FixtureServer) -> None:
    fixture_server.route("/slow", Reply(200, "late", delay_s=5))
    started = time.monotonic()
    with pytest.raises(NetError, match=r"did not answer within 0.3 s \(timeout\)"):
        fetch(fixture_server.url + "/slow", timeout_s=0.3)
    assert time.monotonic() - started < 4


def test_redirect_loop_ends_cleanly(fixture_server: FixtureServer) -> None:
    fixture_server.redirect_loop("/loop")
    with pytest.raises(NetError, match="redirect loop"):
        fetch(fixture_server.url + "/loop", max_redirects=5)
    assert len(fixture_server.requests) == 6  # the first and five redirects


def test_redirects_are_followed(fixture_server: FixtureServer) -> None:
    fixture_server.route("/old", Reply(301, headers={"Location": "/new"}))
    fixture_server.route("/new", Reply(200, "here"))
    with PoliteClient() as client:
        fetched = client.get(fixture_server.url + "/old")
    assert fetched.text() == "here" and fetched.url.endswith("/new")


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_10_mb_answer_is_refused_without_reading_it_all(
    fixture_server: FixtureServer, declare_length: bool
) -> None:
    fixture_server.route("/big", Reply(200, size=10 * MB, declare_length=declare_length))
    with pytest.raises(NetError, match="too large"):
        fetch(fixture_server.url + "/big", max_bytes=1 * MB)


def test_the_default_limit_refuses_10_mb(fixture_server: FixtureServer) -> None:
    fixture_server.route("/big", Reply(200, size=10 * MB + 1, declare_length=False))
    with pytest.raises(NetError, match="too large"):
        fetch(fixture_server.url + "/big")


def test_wrong_content_type_names_what_came(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(200, "<html>Sorry</html>", "text/html; charset=utf-8"))
    with pytest.raises(NetError, match=r"a web page \(HTML\), not application/atom\+xml"):
        fetch(fixture_server.url + "/api", accept=("application/atom+xml",))


def test_404_has_its_status(fixture_server: FixtureServer) -> None:
    with pytest.raises(NetError) as caught:
        fetch(fixture_server.url + "/nothing")
    assert caught.value.status == 404 and "not found" in str(caught.value)


def test_connection_refused_says_offline() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetError, match="refused the connection"):
        fetch(f"http://127.0.0.1:{port}/api", retries=0)


def test_dns_failure_says_so() -> None:
    # .invalid never resolves (RFC 2606); no query leaves a resolver that knows it.
    with pytest.raises(NetError, match=r"cannot find no-such-host\.invalid|cannot connect"):
        fetch("http://no-such-host.invalid/api", retries=0)


def test_dropped_connection_is_a_clear_message(fixture_server: FixtureServer) -> None:
    fixture_server.route("/drop", Reply(drop=True))
    with pytest.raises(NetError) as caught:
        fetch(fixture_server.url + "/drop")
    assert "\n" not in str(caught.value)


def test_download_streams_checks_the_start_and_reports_progress(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.route(
        "/p.pdf", Reply(200, size=300_000, prefix=b"%PDF-1.7\n", content_type="application/pdf")
    )
    sink = io.BytesIO()
    seen: list[tuple[int, int | None]] = []
    with PoliteClient() as client:
        client.download(
            fixture_server.url + "/p.pdf",
            sink,
            accept=("application/pdf",),
            starts_with=b"%PDF-",
            progress=lambda done, total: seen.append((done, total)),
        )
    assert sink.getvalue().startswith(b"%PDF-1.7") and len(sink.getvalue()) == 300_000
    assert seen[-1] == (300_000, 300_000)


def test_download_refuses_what_is_not_the_expected_file(fixture_server: FixtureServer) -> None:
    fixture_server.route("/p.pdf", Reply(200, "<html>login</html>", "application/pdf"))
    sink = io.BytesIO()
    with PoliteClient() as client, pytest.raises(NetError, match="not the expected file type"):
        client.download(fixture_server.url + "/p.pdf", sink, starts_with=b"%PDF-")
    assert sink.getvalue() == b""


def test_cancel_stops_a_wait_and_a_stream(fixture_server: FixtureServer) -> None:
    fixture_server.route("/api", Reply(503, headers={"Retry-After": "30"}))
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    started = time.monotonic()
    with pytest.raises(NetCancelled):
        fetch(fixture_server.url + "/api", cancelled=cancelled)
    assert time.monotonic() - started < 5


def test_handler_routes_see_the_query(fixture_server: FixtureServer) -> None:
    fixture_server.route("/q", lambda r: Reply(200, r.param("id_list")))
    with PoliteClient() as client:
        assert client.get(fixture_server.url + "/q", params={"id_list": "1,2"}).text() == "1,2"
    assert isinstance(fixture_server.requests[0], Request)
