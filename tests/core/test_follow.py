"""Following sources: the command line and the core against a real HTTP server on
127.0.0.1 (``fixture_server``), never the internet."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_runner import run

from feed_fixtures import ATOM, RSS, Item, arxiv_atom, rss
from net_server import FixtureServer, Reply
from papershelf.core.fields import PaperFields
from papershelf.core.net.http import PoliteClient
from papershelf.core.net.refresh import RefreshRun, polite_get, refresh
from papershelf.core.ops import follow as follow_ops
from papershelf.core.ops import papers as paper_ops
from papershelf.core.store import follows
from papershelf.core.store.library import Library

SEEDED_TITLE = "What learning algorithm is in-context learning? Investigations with linear models"


def _papers(capsys: pytest.CaptureFixture[str], path: Path, query: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--library", path, "list", "--format", "json", query)
    assert code == 0
    return list(json.loads(out))


def _refresh(library: Library, *names: str, timeout_s: float = 5.0) -> RefreshRun:
    with PoliteClient(timeout_s=timeout_s, retries=0, time_scale=0.0) as client:
        return refresh(library, polite_get(client), list(names))


def test_follow_an_author_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    fixture_server: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", fixture_server.url + "/api/query")
    monkeypatch.setenv("PAPERSHELF_NET_TIME_SCALE", "0")
    feed = arxiv_atom(
        [
            Item("Brand new results", ["Tengyu Ma", "Ann Example"], arxiv="2601.00001v1"),
            # A paper the seeded listing already has: merged, not doubled.
            Item(SEEDED_TITLE, ["Ekin Akyürek", "Dale Schuurmans"], arxiv="2211.15661v2",
                 date="2022-11-28"),
        ]
    )  # fmt: skip
    fixture_server.route("/api/query", Reply(200, feed, ATOM, headers={"ETag": '"v1"'}))
    before = len(_papers(capsys, library_path, ""))

    code, _, err = run(
        capsys, "--library", library_path, "follow", "add", "Ma", 'arxiv:au:"Tengyu Ma"'
    )
    assert (code, err) == (0, "")
    code, out, _ = run(capsys, "--library", library_path, "refresh")
    assert code == 0
    assert "Ma: added 1, updated 1, unchanged 0" in out
    asked = fixture_server.requests_to("/api/query")[0]
    assert asked.param("search_query") == 'au:"Tengyu Ma"'
    assert asked.param("sortBy") == "submittedDate"

    came = _papers(capsys, library_path, "from:Ma")
    assert sorted(p["title"] for p in came) == ["Brand new results", SEEDED_TITLE]
    assert all(p["sources"] == ["Ma"] for p in came)
    new = next(p for p in came if p["title"] == "Brand new results")
    assert (new["status"], new["tags"], new["arxiv_id"]) == ("new", [], "2601.00001v1")
    seeded = next(p for p in came if p["title"] == SEEDED_TITLE)
    assert seeded["arxiv_id"] == "2211.15661v2"  # completed from the feed
    assert len(_papers(capsys, library_path, "")) == before + 1
    assert _papers(capsys, library_path, "from:nobody") == []

    # Again: a conditional request; the server says nothing changed.
    fixture_server.route("/api/query", Reply(304, b"", ATOM))
    code, out, _ = run(capsys, "--library", library_path, "refresh", "ma")
    assert (code, out.strip()) == (0, "Ma: not modified")
    assert fixture_server.requests_to("/api/query")[-1].headers.get("if-none-match") == '"v1"'

    code, out, _ = run(capsys, "--library", library_path, "follow", "list", "--format", "json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["spec"], listed["new"]) == ("Ma", 'arxiv:au:"Tengyu Ma"', 2)
    assert listed["last_error"] is None


def test_rename_and_remove_keep_the_papers(
    capsys: pytest.CaptureFixture[str],
    library_path: Path,
    fixture_server: FixtureServer,
) -> None:
    fixture_server.route("/blog.xml", Reply(200, rss([Item("A post", guid="p1")]), RSS))
    lib = ["--library", library_path]
    assert run(capsys, *lib, "follow", "add", "Blog", fixture_server.url + "/blog.xml")[0] == 0
    assert run(capsys, *lib, "refresh")[0] == 0
    code, _, err = run(capsys, *lib, "follow", "add", "blog", fixture_server.url + "/x.xml")
    assert code == 1 and "already named" in err
    code, _, err = run(capsys, *lib, "follow", "add", "Bad", "ftp://example.org/feed")
    assert code == 1 and "arxiv:QUERY" in err

    assert run(capsys, *lib, "follow", "rename", "Blog", "Lab blog")[0] == 0
    assert [p["title"] for p in _papers(capsys, library_path, 'from:"Lab blog"')] == ["A post"]
    assert _papers(capsys, library_path, "from:Blog") == []
    assert run(capsys, *lib, "follow", "remove", "Lab blog")[0] == 0
    (kept,) = _papers(capsys, library_path, '"A post"')
    assert kept["sources"] == []
    code, _, err = run(capsys, *lib, "follow", "remove", "Lab blog")
    assert code == 1 and "no followed source named" in err


def test_skipped_and_deleted_papers_do_not_come_back(
    library: Library, fixture_server: FixtureServer
) -> None:
    items = [Item(f"Paper {n}", arxiv=f"2601.0000{n}v1") for n in range(3)]
    fixture_server.route("/f.xml", Reply(200, arxiv_atom(items), ATOM))
    follow_ops.add_follow(library, "F", fixture_server.url + "/f.xml")
    assert _refresh(library).added == 3
    skipped, deleted, kept = (library.search(f'"Paper {n}"')[0] for n in range(3))
    paper_ops.set_status(library, [skipped], "skipped")
    undo_delete = paper_ops.delete_papers(library, [deleted]).undo
    count = library.count()

    # The feed now lists the next version of each: still the same papers.
    items = [Item(f"Paper {n}", arxiv=f"2601.0000{n}v2") for n in range(3)]
    fixture_server.route("/f.xml", Reply(200, arxiv_atom(items), ATOM))
    (report,) = _refresh(library).reports
    assert (report.added, report.dismissed) == (0, 1)
    assert library.count() == count
    assert library.paper(skipped).status == "skipped"
    assert library.search('"Paper 1"') == []

    # Undoing the deletion takes its mark away with it: the paper is back, once.
    assert undo_delete is not None
    undo_delete()
    assert library.search('"Paper 1"') == [deleted]
    assert _refresh(library).reports[0].dismissed == 0
    assert library.count() == count + 1
    assert library.paper(kept).status == "new"


def test_a_paper_deleted_before_anyone_followed_it_stays_deleted(
    library: Library, fixture_server: FixtureServer
) -> None:
    typed = PaperFields("Typed in by hand", ["Ann Example"], arxiv_id="2601.00009v1")
    (paper_id,) = paper_ops.add_paper(library, typed).papers
    paper_ops.delete_papers(library, [paper_id])
    items = [
        Item("Typed in by hand, revised", arxiv="2601.00009v3"),
        Item("Other", arxiv="2601.00010v1"),
    ]
    fixture_server.route("/f.xml", Reply(200, arxiv_atom(items), ATOM))
    follow_ops.add_follow(library, "F", fixture_server.url + "/f.xml")
    (report,) = _refresh(library).reports
    assert (report.added, report.dismissed) == (1, 1)
    assert [p.title for p in library.papers(library.search("from:F"))] == ["Other"]


def test_a_changed_title_under_the_same_id_updates_the_paper(
    library: Library, fixture_server: FixtureServer
) -> None:
    fixture_server.route(
        "/blog.xml",
        Reply(200, rss([Item("Draft title", guid="urn:post:7", authors=["Zed Writer"])]), RSS),
    )
    follow_ops.add_follow(library, "Blog", fixture_server.url + "/blog.xml")
    _refresh(library)
    (paper_id,) = library.search("from:Blog")
    fixture_server.route(
        "/blog.xml",
        Reply(200, rss([Item("Final title", guid="urn:post:7", authors=["Zed Writer"])]), RSS),
    )
    (report,) = _refresh(library).reports
    assert (report.added, report.updated) == (0, 1)
    assert library.search("from:Blog") == [paper_id]
    assert library.paper(paper_id).title == "Final title"
    # A different id with the old title is another paper, not this one.
    fixture_server.route(
        "/blog.xml",
        Reply(200, rss([Item("Draft title", guid="urn:post:8", authors=["Other Person"])]), RSS),
    )
    assert _refresh(library).reports[0].added == 1


def test_duplicates_and_entries_without_ids(
    library: Library, fixture_server: FixtureServer
) -> None:
    items = [
        Item("Twice listed", guid="g1"),
        Item("Twice listed", guid="g1"),
        Item("No id at all", authors=["Ida Noid"]),
        Item("Only a link", link="http://example.org/post/3"),
        Item("No id at all", authors=["Ida Noid"]),
    ]
    fixture_server.route("/feed", Reply(200, rss(items), RSS))
    follow_ops.add_follow(library, "Feed", fixture_server.url + "/feed")
    (report,) = _refresh(library).reports
    assert (report.added, report.duplicates) == (3, 2)
    (report,) = _refresh(library).reports
    assert (report.added, report.unchanged) == (0, 3)
    titles = sorted(p.title for p in library.papers(library.search("from:Feed")))
    assert titles == ["No id at all", "Only a link", "Twice listed"]


def _letters(n: int) -> str:
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not n:
            return out.title()


def test_a_ten_thousand_entry_feed(library: Library, fixture_server: FixtureServer) -> None:
    # Distinct surnames and first words, as a real listing has (10,000 papers by one
    # surname with one first word would time citation-key suffixes, not the feed).
    items = [
        Item(f"{_letters(n)} synthetic study number {n}", [f"Ann {_letters(n + 7)}son"],
             arxiv=f"2602.{n:05d}v1")
        for n in range(10_000)
    ]  # fmt: skip
    fixture_server.route("/big", Reply(200, arxiv_atom(items), ATOM))
    follow_ops.add_follow(library, "Big", fixture_server.url + "/big")
    before = library.count()
    (report,) = _refresh(library).reports
    assert report.added == 10_000 and report.error is None
    assert library.count() == before + 10_000
    assert len(library.search("from:Big status:new")) == 10_000
    assert library.search('"Synthetic study number 9999"')


def test_faults_mark_the_source_and_the_others_go_on(
    library: Library, fixture_server: FixtureServer
) -> None:
    good = arxiv_atom([Item("Good paper", arxiv="2603.00001v1")])
    whole = arxiv_atom([Item(f"Cut paper {n}", arxiv=f"2603.1000{n}v1") for n in range(5)])
    fixture_server.route("/good", Reply(200, good, ATOM))
    fixture_server.route("/cut", Reply(200, whole[: whole.index(b"Cut paper 3")], ATOM))
    fixture_server.route(
        "/page", Reply(200, b"<!doctype html><html><body>Hi</body></html>", "text/html")
    )
    fixture_server.route("/slow", Reply(200, good, ATOM, delay_s=3))
    fixture_server.redirect_loop("/loop")
    for name in ("good", "cut", "page", "slow", "loop"):
        follow_ops.add_follow(library, name, f"{fixture_server.url}/{name}")

    done = _refresh(library, timeout_s=0.5)
    by_name = {r.name: r for r in done.reports}
    assert not done.offline
    assert by_name["good"].added == 1 and by_name["good"].error is None
    assert by_name["cut"].added == 3 and "cut short" in (by_name["cut"].problem or "")
    assert "web page, not a feed" in (by_name["page"].error or "")
    assert "timeout" in (by_name["slow"].error or "")
    assert "redirect" in (by_name["loop"].error or "")
    marked = {f.name: (f.last_error, f.failures) for f in follows.all_follows(library)}
    assert marked["good"] == (None, 0) and marked["cut"] == (None, 0)
    for name in ("page", "slow", "loop"):
        assert marked[name][0] and marked[name][1] == 1
    assert len(fixture_server.requests_to("/loop")) <= 6  # the redirect limit held


def test_offline_is_not_a_failing_source(library: Library) -> None:
    follow_ops.add_follow(library, "Away", "http://127.0.0.1:9/feed.xml")  # discard: refused
    done = _refresh(library)
    assert done.offline
    (away,) = follows.all_follows(library)
    assert (away.last_error, away.failures) == (None, 0)


def test_automatic_refresh_backs_off_a_failing_source(
    library: Library, fixture_server: FixtureServer
) -> None:
    fixture_server.route("/gone", Reply(404, "gone"))
    follow_ops.add_follow(library, "Gone", fixture_server.url + "/gone")
    with PoliteClient(retries=0, time_scale=0.0) as client:
        get = polite_get(client)
        refresh(library, get)
        assert len(fixture_server.requests_to("/gone")) == 1
        soon = datetime.now(UTC) + timedelta(minutes=5)
        assert refresh(library, get, automatic=True, at=soon).reports == []
        later = datetime.now(UTC) + timedelta(hours=1)
        assert len(refresh(library, get, automatic=True, at=later).reports) == 1
        refresh(library, get)  # asked for by the reader: always
    assert len(fixture_server.requests_to("/gone")) == 3
    assert follows.get(library, "gone").failures == 3


def test_clear_skipped_keeps_notes_and_tags_and_undoes(
    library: Library, fixture_server: FixtureServer
) -> None:
    items = [Item(f"Skip me {n}", arxiv=f"2604.0000{n}v1") for n in range(4)]
    fixture_server.route("/f", Reply(200, arxiv_atom(items), ATOM))
    follow_ops.add_follow(library, "F", fixture_server.url + "/f")
    ids = _refresh(library).reports[0].added_ids
    paper_ops.set_status(library, ids, "skipped")
    paper_ops.tag(library, [ids[0]], ["keep"])
    paper_ops.set_note(library, ids[1], "worth a look")
    seeded = library.search(f'"{SEEDED_TITLE}"')
    paper_ops.set_status(library, seeded, "skipped")  # not from a followed source: stays
    count = library.count()

    assert follow_ops.clear_skipped(library, 30).empty  # skipped just now: too young
    changes = follow_ops.clear_skipped(library, 30, at=datetime.now(UTC) + timedelta(days=31))
    assert changes.deleted == frozenset(ids[2:])
    assert library.count() == count - 2
    assert _refresh(library).reports[0].added == 0  # cleared papers do not come back
    assert changes.undo is not None
    changes.undo()
    assert library.count() == count
    assert {p.status for p in library.papers(ids)} == {"skipped"}


def test_refresh_as_json_says_what_each_source_did_and_due_waits_out_a_backoff(
    capsys: pytest.CaptureFixture[str], library_path: Path, fixture_server: FixtureServer
) -> None:
    """The window runs ``refresh --format json [--due]`` in a process of its own."""
    fixture_server.route("/blog.xml", Reply(200, rss([Item("A post", guid="p1")]), RSS))
    fixture_server.route("/gone", Reply(404, "gone"))
    lib = ["--library", library_path]
    assert run(capsys, *lib, "follow", "add", "Blog", fixture_server.url + "/blog.xml")[0] == 0
    assert run(capsys, *lib, "follow", "add", "Gone", fixture_server.url + "/gone")[0] == 0
    code, out, err = run(capsys, *lib, "refresh", "--format", "json")
    assert (code, err) == (0, "")  # a failing source is in the answer, not the exit code
    done = RefreshRun.from_record(json.loads(out))
    assert not done.offline
    blog, gone = done.reports
    (post,) = _papers(capsys, library_path, '"A post"')
    assert (blog.name, blog.added, blog.added_ids, blog.error) == ("Blog", 1, [post["id"]], None)
    assert gone.name == "Gone" and gone.error is not None and "404" in gone.error
    assert RefreshRun.from_record(done.record()) == done
    # Backing off after its failure, Gone is left for later by --due; asked for, it is not.
    code, out, _ = run(capsys, *lib, "refresh", "--format", "json", "--due")
    assert [r["name"] for r in json.loads(out)["reports"]] == ["Blog"]
    code, out, _ = run(capsys, *lib, "refresh", "--format", "json", "--", "Gone")
    assert [r["name"] for r in json.loads(out)["reports"]] == ["Gone"]
    assert len(fixture_server.requests_to("/gone")) == 2
