"""Adding papers by identifier against local arXiv and Crossref servers (core.ops.capture)."""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path

import pytest

from capture_fixtures import AKYUREK, SCALING, Services
from net_fixtures import ATOM, ArxivEntry
from net_server import Reply
from papershelf.core.errors import NetCancelled
from papershelf.core.net.http import MB, PoliteClient
from papershelf.core.ops import capture
from papershelf.core.ops.papers import edit_paper, set_note, set_status, tag
from papershelf.core.store import journal
from papershelf.core.store.library import Library


def dump(path: Path, *, token: bool = True) -> list[tuple[object, ...]]:
    """Every row of every table but the search index: what undo must restore.

    ``token``: with the rows of ``meta`` that count writes (``journal.NEVER_UNDONE``),
    which a write changes (so a fault must leave them alone) and an undo too (a write
    of its own).
    """
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'papers_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        rows = [(t, *row) for t in tables for row in conn.execute(f"SELECT * FROM {t}")]
        return [r for r in rows if token or r[0] != "meta" or r[1] not in journal.NEVER_UNDONE]
    finally:
        conn.close()


def add(library: Library, *items: str, **client: object) -> list[str]:
    with PoliteClient(**client) as c:  # type: ignore[arg-type]
        outcomes, _ = capture.add_identifiers(library, list(items), c)
    return [o.line() for o in outcomes]


def test_arxiv_record_is_mapped_onto_the_paper(library: Library, services: Services) -> None:
    assert add(library, "arXiv:2303.16800v2") == ["added lovelace2023scaling"]
    paper = library.paper(library.resolve("lovelace2023scaling"))
    assert paper.title == SCALING.title
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.abstract == "We measure things.\n\nA second paragraph wrapped over lines."
    assert paper.published == "2023-03-29"
    assert paper.category == "CL"
    assert paper.arxiv_id == "2303.16800"
    assert paper.doi == "10.1234/tiny.2023.7"
    assert paper.url == "https://arxiv.org/abs/2303.16800"
    assert paper.entry_type == "misc"
    assert paper.extra == {
        "primaryclass": "cs.CL",
        "arxiv-updated": "2023-04-02",
        "arxiv-journal-ref": "Journal of Tiny Models 3 (2023) 1-20",
        "arxiv-comment": "20 pages, 4 figures",
    }
    (request,) = services.arxiv.requests()
    assert request.param("id_list") == "2303.16800"


def test_crossref_record_is_mapped_onto_the_paper(library: Library, services: Services) -> None:
    assert add(library, "https://doi.org/10.1038/nature14539") == ["added lecun2015deep"]
    paper = library.paper(library.resolve("lecun2015deep"))
    assert paper.title == "Deep learning"
    assert paper.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert paper.affiliations == ["Facebook AI Research"]
    assert paper.entry_type == "article"
    assert (paper.venue, paper.volume, paper.number, paper.pages) == (
        "Nature",
        "521",
        "7553",
        "436-444",
    )
    assert paper.publisher == "Springer Science and Business Media LLC"
    assert paper.published == "2015-05-27"
    assert paper.abstract == "Deep learning allows models & more.\n\nSecond paragraph."
    assert paper.doi == "10.1038/nature14539"
    assert paper.extra["orcid"] == "Yoshua Bengio (0000-0002-9322-3515)"
    assert paper.url == "https://www.example.org/articles/nature14539"
    assert paper.arxiv_id is None


def test_a_date_keeps_its_precision(library: Library, services: Services) -> None:
    assert add(library, "doi:10.1234/tiny.2023.7") == ["added lovelace2023scaling"]
    paper = library.paper(library.resolve("lovelace2023scaling"))
    assert paper.published == "2023-06"
    assert paper.abstract == "" and paper.number == ""


@pytest.mark.parametrize(
    "item",
    [
        "2211.15661",
        "2211.15661v1",
        "arXiv:2211.15661",
        "https://arxiv.org/abs/2211.15661",
        "https://arxiv.org/abs/2211.15661v2",
        "https://arxiv.org/pdf/2211.15661",
        "https://arxiv.org/pdf/2211.15661v3.pdf",
        "10.48550/arXiv.2211.15661",
        "https://doi.org/10.48550/arXiv.2211.15661",
    ],
)
def test_every_arxiv_form_completes_the_seeded_paper(
    library: Library, library_path: Path, services: Services, item: str
) -> None:
    count = library.count()
    assert add(library, item) == ["merged akyurek2022learning"]
    assert library.count() == count
    paper = library.paper(1)
    assert paper.arxiv_id == "2211.15661"
    assert paper.url == "https://arxiv.org/abs/2211.15661"
    assert paper.authors == AKYUREK.authors and not paper.authors_truncated
    assert paper.extra["primaryclass"] == "cs.LG"
    # What the seed said stays: its category, date and abstract.
    assert paper.category == "LG" and paper.published == "2022-11-28"
    assert paper.abstract.startswith("Neural sequence models, especially transformers, exhibit")
    assert len(paper.abstract) > 500


def test_what_the_reader_wrote_is_never_overwritten(
    library: Library, library_path: Path, services: Services
) -> None:
    seeded = library.paper(1)
    mine = seeded.describing()
    mine.abstract = "My own summary."
    mine.title = "What learning algorithm is in-context learning? Investigations with linear models"
    mine.category = "ML"
    edit_paper(library, 1, mine)
    set_status(library, [1], "reading")
    tag(library, [1], ["icl"])
    set_note(library, 1, "my note")
    assert add(library, "2211.15661") == ["merged akyurek2022learning"]
    paper = library.paper(1)
    assert paper.abstract == "My own summary."
    assert paper.category == "ML"
    assert (paper.status, paper.tags, paper.note) == ("reading", ["icl"], "my note")
    assert paper.arxiv_id == "2211.15661"


def test_undo_restores_the_whole_library(
    library: Library, library_path: Path, services: Services
) -> None:
    before = dump(library_path, token=False)
    with PoliteClient() as client:
        outcomes, changes = capture.add_identifiers(
            library, ["2211.15661", "2303.16800", "10.1038/nature14539", "2303.1680"], client
        )
    assert [o.result for o in outcomes] == ["merged", "added", "added", "error"]
    assert changes.label == "Add 3 papers by identifier"
    assert changes.undo is not None
    redo = changes.undo()
    assert dump(library_path, token=False) == before
    assert redo.undo is not None
    redo.undo()
    assert library.paper(1).arxiv_id == "2211.15661"


def test_an_arxiv_id_and_its_doi_in_one_batch_are_one_paper(
    library: Library, services: Services
) -> None:
    count = library.count()
    lines = add(library, "2303.16800", "10.1234/tiny.2023.7")
    assert lines == ["added lovelace2023scaling", "merged lovelace2023scaling"]
    assert library.count() == count + 1
    paper = library.paper(library.resolve("lovelace2023scaling"))
    # The DOI's record completed what arXiv did not say.
    assert paper.venue == "Journal of Tiny Models" and paper.volume == "3"
    assert paper.entry_type == "article"  # the preprint, now known as published


def test_adding_again_doubles_nothing(library: Library, services: Services) -> None:
    add(library, "2303.16800", "10.1038/nature14539")
    count = library.count()
    assert add(library, "2303.16800v1", "https://dx.doi.org/10.1038/nature14539") == [
        "merged lovelace2023scaling",
        "merged lecun2015deep",
    ]
    assert library.count() == count


def test_a_batch_of_arxiv_ids_is_one_request_per_20(library: Library, services: Services) -> None:
    extra = [
        ArxivEntry(f"2401.{n:05d}", f"Paper number {n} about things", [f"Author{n} Person"])
        for n in range(1, 25)
    ]
    services.arxiv.add(*extra)
    lines = add(library, *(e.arxiv_id for e in extra))
    assert all(line.startswith("added ") for line in lines) and len(lines) == 24
    requests = services.arxiv.requests()
    assert [len(r.param("id_list").split(",")) for r in requests] == [20, 4]


def test_the_arxiv_pace_as_the_server_saw_it(
    library: Library, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """arXiv's 3 s between requests, scaled by 1/30: at least 0.1 s apart."""
    monkeypatch.setenv("PAPERSHELF_NET_TIME_SCALE", str(1 / 30))
    extra = [ArxivEntry(f"2401.{n:05d}", f"Paper {n}", [f"A{n} B"]) for n in range(1, 61)]
    services.arxiv.add(*extra)
    add(library, *(e.arxiv_id for e in extra))
    times = [r.at for r in services.arxiv.requests()]
    assert len(times) == 3
    assert all(b - a >= 0.1 - 0.002 for a, b in itertools.pairwise(times))


# --- faults: one clear line per identifier, nothing half-added ----------------------


def assert_unchanged(library_path: Path, before: list[tuple[object, ...]]) -> None:
    assert dump(library_path) == before


def one_line(line: str) -> str:
    assert "\n" not in line and "Traceback" not in line
    return line


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(200, "<feed><entry><title>broken", ATOM), "malformed answer"),
        (Reply(200, "<html><body>Down</body></html>", "text/html"), "a web page (HTML)"),
        (Reply(200, '{"not": "atom"}', "application/json"), "answered with application/json"),
        (Reply(503, "busy", headers={"Retry-After": "7200"}), "asks to wait 7200 s"),
        (Reply(500, "oops"), "HTTP 500"),
        (Reply(200, size=11 * MB, content_type=ATOM), "too large"),
        (Reply(200, size=11 * MB, content_type=ATOM, declare_length=False), "too large"),
        (Reply(drop=True), "closed the connection"),
    ],
)
def test_arxiv_faults(
    library: Library, library_path: Path, services: Services, reply: Reply, expected: str
) -> None:
    services.server.route(services.arxiv.PATH, reply)
    before = dump(library_path)
    started = time.monotonic()
    lines = add(library, "2303.16800", "hep-th/9901001")
    assert time.monotonic() - started < 10
    assert len(lines) == 2
    for line, item in zip(lines, ["2303.16800", "hep-th/9901001"], strict=True):
        assert one_line(line).startswith(f"error {item}: ")
        assert expected in line
    assert_unchanged(library_path, before)


def test_arxiv_redirect_loop(library: Library, library_path: Path, services: Services) -> None:
    services.server.redirect_loop(services.arxiv.PATH)
    before = dump(library_path)
    (line,) = add(library, "2303.16800")
    assert (
        one_line(line)
        == "error 2303.16800: 127.0.0.1:"
        + str(services.server.port)
        + ": too many redirects (a redirect loop?)"
    )
    assert_unchanged(library_path, before)


def test_arxiv_timeout_is_bounded(library: Library, library_path: Path, services: Services) -> None:
    services.server.route(services.arxiv.PATH, Reply(200, "late", ATOM, delay_s=30))
    before = dump(library_path)
    started = time.monotonic()
    (line,) = add(library, "2303.16800", timeout_s=0.5)
    assert time.monotonic() - started < 5
    assert "did not answer within 0.5 s (timeout)" in one_line(line)
    assert_unchanged(library_path, before)


def test_503_with_retry_after_then_the_answer(library: Library, services: Services) -> None:
    handler = services.arxiv.answer
    replies = iter([Reply(503, headers={"Retry-After": "5"}), Reply(429), None])
    services.server.route(
        services.arxiv.PATH,
        lambda r: next(replies) or handler(r),  # type: ignore[arg-type]
    )
    assert add(library, "2303.16800") == ["added lovelace2023scaling"]
    assert len(services.arxiv.requests()) == 3


def test_unknown_ids_and_malformed_ones(
    library: Library, library_path: Path, services: Services
) -> None:
    before = dump(library_path)
    lines = add(library, "2312.99999", "10.1000/no-such-doi", "2303.1680", "hello")
    assert lines == [
        "error 2312.99999: arXiv has no paper 2312.99999",
        "error 10.1000/no-such-doi: Crossref has no record of DOI 10.1000/no-such-doi "
        "(not registered, or registered elsewhere, e.g. DataCite)",
        "error 2303.1680: not an arXiv id, arXiv URL or DOI",
        "error hello: not an arXiv id, arXiv URL or DOI",
    ]
    assert_unchanged(library_path, before)


def test_arxiv_error_entry_is_a_clear_message(
    library: Library, library_path: Path, services: Services
) -> None:
    """arXiv answers a malformed id with an entry titled "Error"."""
    from net_fixtures import arxiv_feed

    services.server.route(services.arxiv.PATH, Reply(200, arxiv_feed([], error="2303.16800"), ATOM))
    (line,) = add(library, "2303.16800")
    assert line == "error 2303.16800: arXiv refused the query: incorrect id format for 2303.16800"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(200, "{not json", "application/json"), "malformed answer (not JSON)"),
        (Reply(200, '{"status": "failed"}', "application/json"), "not a Crossref record"),
        (Reply(200, "<html>Hi</html>", "text/html"), "a web page (HTML)"),
        (Reply(200, size=11 * MB, content_type="application/json"), "too large"),
    ],
)
def test_crossref_faults_leave_the_other_items_alone(
    library: Library, services: Services, reply: Reply, expected: str
) -> None:
    services.crossref.route("10.1038/nature14539", reply)
    lines = add(library, "10.1038/nature14539", "2303.16800")
    assert lines[0].startswith("error 10.1038/nature14539: ") and expected in lines[0]
    assert lines[1] == "added lovelace2023scaling"
    assert library.search("key:lecun2015deep") == []


def test_offline_every_item_says_so(
    library: Library, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("PAPERSHELF_CROSSREF_API", f"http://127.0.0.1:{port}")
    before = dump(library_path)
    lines = add(library, "2303.16800", "10.1038/nature14539", retries=0)
    assert lines == [
        f"error 2303.16800: 127.0.0.1:{port} refused the connection (offline, or the service "
        "is down)",
        f"error 10.1038/nature14539: 127.0.0.1:{port} refused the connection (offline, or the "
        "service is down)",
    ]
    assert_unchanged(library_path, before)


def test_cancel_mid_batch_adds_nothing(
    library: Library, library_path: Path, services: Services
) -> None:
    before = dump(library_path)
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 2

    with PoliteClient() as client, pytest.raises(NetCancelled):
        capture.add_identifiers(
            library, ["2303.16800", "10.1038/nature14539", "10.1234/tiny.2023.7"], client, progress
        )
    assert_unchanged(library_path, before)
    assert len(services.crossref.server.requests_to("/works/10.1234/tiny.2023.7")) == 0


def test_a_failing_write_adds_nothing(
    library: Library, library_path: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second paper's insert fails: the first is not left behind."""
    real = library.add_paper
    calls = itertools.count()

    def failing(fields, **kw):  # type: ignore[no-untyped-def]
        if next(calls) == 1:
            raise sqlite3.OperationalError("disk I/O error")
        return real(fields, **kw)

    monkeypatch.setattr(library, "add_paper", failing)
    before = dump(library_path)
    with pytest.raises(Exception, match=r"disk I/O error|cannot be read or written"):
        add(library, "2303.16800", "10.1038/nature14539")
    assert_unchanged(library_path, before)
