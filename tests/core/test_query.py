"""The filter language against a real library: each feature finds exactly its papers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.core import text
from papershelf.core.search import query as query_module
from papershelf.core.search.query import CompiledQuery, compile_query
from papershelf.core.store import schema

# id, title, authors, abstract, year, category, has_code, status, key, tags, affiliations, note
PAPERS: list[tuple[int, str, str, str, int | None, str, int, str, str, list[str], list[str], str]]
PAPERS = [
    (1, "In-context learning with induction heads", "Catherine Olsson, Nelson Elhage",
     "We study in-context learning in transformers.", 2022, "LG", 1, "read",
     "olsson2022context", ["Interpretability"], ["Anthropic"], "Great paper about heads"),
    (2, "What learning algorithm is in-context learning?",
     "Ekin Akyürek, Dale Schuurmans, Tengyu Ma", "Investigations with linear models.", 2023,
     "LG", 0, "to-read", "akyurek2023learning", ["deep learning", "ICL"],
     ["MIT", "Google Research"], "   \n"),
    (3, "Near-optimal algorithms for bandits", "Tengyu Ma", "We give near optimal regret bounds.",
     2021, "ML", 1, "reading", "ma2021near", [], ["Stanford University"], ""),
    (4, "Attention is all you need", "Ashish Vaswani, Noam Shazeer",
     "The dominant sequence transduction models.", 2017, "CL", 1, "new",
     "vaswani2017attention", ["Deep Learning"], ["Google Brain"], "transformer origin"),
    (5, "Complexity O(n) AND beyond: 100% safe_mode", "Jane Doe",
     "Stars * with ^carets, NOT words.", 2020, "CV", 0, "skipped", "doe2020complexity", [],
     ["Univ_of 100% Test"], ""),
    (6, "Self-supervised learning for vision", "Jeff Z. HaoChen, Tengyu Ma", "", 2023, "CV", 0,
     "new", "haochen2023self", ["self-supervised"], ["Stanford University"], ""),
    (7, "Reinforcement learning from human feedback", "Paul Christiano",
     "A re:invent talk, see http://example.com/x", None, "LG", 0, "new",
     "christiano2017deep", [], [], ""),
    (8, 'A "quoted" title with NEAR operators', "John Smith", "Graph neural networks.", 2024,
     "LG", 1, "read", "smith2024quoted", ["Graphs"], ["École Polytechnique"], "Read it again"),
]  # fmt: skip
ALL = {paper[0] for paper in PAPERS}


def _insert(conn: sqlite3.Connection) -> None:
    name_ids: dict[tuple[str, str], int] = {}

    def name_id(table: str, name: str) -> int:
        norm = text.fold(name)
        if (table, norm) not in name_ids:
            cursor = conn.execute(
                f"INSERT INTO {table}(name, name_norm) VALUES (?, ?)", (name, norm)
            )
            name_ids[table, norm] = int(cursor.lastrowid or 0)
        return name_ids[table, norm]

    for pid, title, authors, abstract, year, cat, code, status, key, tags, affs, note in PAPERS:
        published = None if year is None else f"{year}-06-01"  # year is always published's
        conn.execute(
            "INSERT INTO papers(id, key, title, abstract, published, year, category, has_code, "
            "status, added, modified, authors_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2024', '2024', ?)",
            (pid, key, title, abstract, published, year, cat, code, status, authors),
        )
        for tag in tags:
            conn.execute("INSERT INTO paper_tags VALUES (?, ?)", (pid, name_id("tags", tag)))
        for position, aff in enumerate(affs):
            conn.execute(
                "INSERT INTO paper_affiliations VALUES (?, ?, ?)",
                (pid, position, name_id("affiliations", aff)),
            )
        if note:
            conn.execute(
                "INSERT INTO notes(paper_id, body, created, updated) VALUES (?, ?, '', '')",
                (pid, note),
            )
        conn.execute(
            "INSERT INTO papers_fts(rowid, title, authors, abstract, tags, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pid, title, authors, abstract, ", ".join(tags), note),
        )


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn)
    _insert(conn)
    return conn


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    conn = _open(tmp_path_factory.mktemp("query") / "library.sqlite")
    yield conn
    conn.close()


def _run(conn: sqlite3.Connection, compiled: CompiledQuery) -> set[int]:
    sql = f"SELECT p.id FROM papers p WHERE {compiled.where}"
    return {row[0] for row in conn.execute(sql, compiled.params)}


def ids(conn: sqlite3.Connection, text_: str) -> set[int]:
    compiled = compile_query(text_)
    assert compiled.error is None, compiled.error
    return _run(conn, compiled)


def test_fixture_has_every_paper(db: sqlite3.Connection) -> None:
    assert ids(db, "") == ALL
    assert compile_query("").where == "1"
    assert compile_query("   ").where == "1"


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("induct", {1}),  # title prefix
        ("vaswan", {4}),  # authors
        ("regret", {3}),  # abstract
        ("interpretab", {1}),  # tags
        ("origin", {4}),  # note
        ("learning tengyu", {2, 6}),  # implicit AND
        ('"learning algorithm"', {2}),  # phrase
        ('"algorithm learning"', set()),  # a phrase keeps its order
        ('"near optim"', set()),  # a closed phrase matches whole words
        ('"near optim', {3}),  # an unclosed phrase is still being typed: prefix
        ("induction OR vaswani", {1, 4}),
        ("tengyu vision OR attention", {6}),  # OR binds tighter than AND
        ("(tengyu vision) OR attention", {4, 6}),
        ("vision or attention", set()),  # lower-case "or" is a word ("origin" in 4's note)
        ("learning -tengyu", {1, 4, 7}),
        ("-tengyu", {1, 4, 5, 7, 8}),
        ("-tengyu -vaswani", {1, 5, 7, 8}),
        ("-(tengyu OR vaswani)", {1, 5, 7, 8}),
        ("(induction OR vaswani) -attention", {1}),
        ("learning (tengyu OR -vision)", {1, 2, 4, 6, 7}),
        ("-(-tengyu)", {2, 3, 6}),
        ("INDUCTION", {1}),
        ("akyurek", {2}),
        ("AKYÜREK", {2}),
        ("in-context", {1, 2}),
        ("(tag:icl OR year:2017) learning", {2, 4}),
        ("has:code OR -has:tags", {1, 3, 4, 5, 7, 8}),
    ],
)
def test_words_phrases_and_operators(
    db: sqlite3.Connection, text_: str, expected: set[int]
) -> None:
    assert ids(db, text_) == expected


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("title:learning", {1, 2, 6, 7}),
        ("Title:Learning", {1, 2, 6, 7}),
        ("title:tengyu", set()),
        ('title:"in-context learning"', {1, 2}),
        ("title:near", {3, 8}),
        ("author:ma", {2, 3, 6}),
        ('author:"Tengyu Ma"', {2, 3, 6}),
        ('author:"tengyu', {2, 3, 6}),
        ("author:akyurek", {2}),
        ("author:learning", set()),
        ("aff:stanford", {3, 6}),
        ("AFF:STAN", {3, 6}),
        ('aff:"google"', {2, 4}),
        ("aff:_", {5}),  # LIKE wildcards are escaped
        ("aff:%", {5}),
        ("aff:ecole", {8}),
        ("aff:École", {8}),
        ('tag:"deep learning"', {2, 4}),
        ("tag:DEEP", set()),  # a whole tag, not a prefix
        ("tag:icl", {2}),
        ("tag:Interpretability", {1}),
        ("status:read", {1, 8}),
        ("status:to-read", {2}),
        ("status:READING", {3}),
        ("-status:new", {1, 2, 3, 5, 8}),
        ("cat:lg", {1, 2, 7, 8}),
        ("cat:CV", {5, 6}),
        ("key:ma2021", {3}),
        ("key:MA", {3}),
        ("key:_a", set()),  # "_" is not a wildcard
        ("year:2023", {2, 6}),
        ("year:>=2022", {1, 2, 6, 8}),
        ("year:>2022", {2, 6, 8}),
        ("year:<2020", {4}),
        ("year:<=2020", {4, 5}),
        ("year:=2021", {3}),
        ("year:2021..2022", {1, 3}),
        ("year:2022..2021", {1, 3}),
        ("year:..2017", {4}),
        ("year:2024..", {8}),
        ("-year:>=2020", {4, 7}),  # an unknown year is not >= 2020
        ("has:code", {1, 3, 4, 8}),
        ("has:note", {1, 4, 8}),  # 2's note is blank
        ("has:tags", {1, 2, 4, 6, 8}),
        ("has:abstract", ALL - {6}),
        ("-has:abstract", {6}),
        ("HAS:Code", {1, 3, 4, 8}),
    ],
)
def test_fields(db: sqlite3.Connection, text_: str, expected: set[int]) -> None:
    assert ids(db, text_) == expected


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("NEAR", {3, 8}),
        ("NOT", {5}),
        ("AND", {5}),
        ("NEAR(operators quoted)", {8}),
        ("o(n)", {5}),
        ("^carets", {5}),
        ("stars*", {5}),
        ("*", ALL),
        ("-", ALL),
        ('"', ALL),
        ("--", ALL),
        ("safe_mode", {5}),
        ("100%", {5}),
        ('a"quoted', {8}),
        ('"a ""quoted"', {8}),
        ("{title}:near", set()),
        ("title:near^", {3, 8}),
        ("re:invent", {7}),  # an unknown field is text
        ("http://example", {7}),
        ("see: http://example.com/x", {7}),
        ("-OR", ALL - {4}),  # "not the word or": only 4 has one ("origin")
        ("'; DROP TABLE papers; --", set()),
    ],
)
def test_fts_syntax_is_text(db: sqlite3.Connection, text_: str, expected: set[int]) -> None:
    assert ids(db, text_) == expected


@pytest.mark.parametrize(
    ("text_", "message"),
    [
        ("year:abc", "year: expects 2023, >=2021 or 2021..2023"),
        ("year:20233", "year: expects 2023, >=2021 or 2021..2023"),
        ("year:..", "year: expects 2023, >=2021 or 2021..2023"),
        ("status:foo", 'unknown status "foo" (new, to-read, reading, read, skipped)'),
        ("tag:", "tag: needs a value"),
        ('Tag:""', "tag: needs a value"),
        ("attention aff: x", "aff: needs a value"),
        ("has:wings", "has: expects code, note, tags, abstract, pdf, file, doi or arxiv"),
        ("(attention", "missing )"),
        ("((a) b", "missing )"),
        ("attention)", "unexpected )"),
        ("attention OR", "OR needs a term on both sides"),
        ("OR attention", "OR needs a term on both sides"),
        ("a OR OR b", "OR needs a term on both sides"),
        ("(a OR) b", "OR needs a term on both sides"),
        ("(" * 30 + "a" + ")" * 30, "too many nested parentheses"),
        ("-(" * 30 + "a" + ")" * 30, "too many nested parentheses"),
        ("a " * 300, "query too long"),
        ("a" * 5000, "query too long"),
    ],
)
def test_errors(db: sqlite3.Connection, text_: str, message: str) -> None:
    compiled = compile_query(text_)
    assert compiled.error == message
    assert _run(db, compiled) == set()  # still runnable; callers keep their last result


def test_deepest_allowed_nesting_runs(db: sqlite3.Connection) -> None:
    depth = query_module.MAX_DEPTH // 2
    text_ = "-(year:>=1900 OR " * depth + "nothingmatches" + ")" * depth
    compiled = compile_query(text_)
    assert compiled.error is None
    assert _run(db, compiled) == (set() if depth % 2 == 0 else {7})


def test_positive_text_terms_share_one_match() -> None:
    compiled = compile_query('learning tengyu "in context" title:a author:b -c year:2023 d OR e')
    assert compiled.where.count("MATCH") == 1
    assert compiled.params[0] == (
        '(("learning"* AND "tengyu"* AND "in context" AND (title : "a"*) AND '
        '(authors : "b"*) AND ("d"* OR "e"*)) NOT ("c"*))'
    )


def test_lone_negations_share_one_match() -> None:
    assert compile_query("-a -b -c").where.count("MATCH") == 1


def test_words_for_highlighting() -> None:
    compiled = compile_query('Attention, "Exact  Phrase" -excluded title:Heads tag:x OR Or')
    assert compiled.words == ("attention", "exact phrase", "heads", "or")
    assert compile_query("in-context").words == ("in-context",)


FTS_AND_LANGUAGE = [
    "OR", "or", "AND", "NOT", "NEAR", "NEAR(", "-", "--", "(", ")", '"', '""', "*", "^", "+",
    ":", "{", "}", "title:", "author:", "aff:", "tag:", "status:", "cat:", "key:", "year:",
    "has:", "has:code", "year:>=2021", "year:2021..2023", "status:read", "tag:\"deep",
    "'", ";", "%", "_", "\\", "\x00", "\ud800", "-(", "x", "learning", "Ma", "é", "?", "?1",
    ":x", "$", "@", "--foo", "in-context",
]  # fmt: skip
token_soup = st.lists(
    st.one_of(st.sampled_from(FTS_AND_LANGUAGE), st.text(max_size=6)), max_size=12
).flatmap(lambda parts: st.sampled_from([" ".join(parts), "".join(parts)]))
any_text = st.one_of(st.text(), token_soup, st.text(alphabet='-()"*: ORNAtg', max_size=20))


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_compile_never_raises_and_always_runs(db: sqlite3.Connection, value: str) -> None:
    compiled = compile_query(value)
    assert isinstance(compiled, CompiledQuery)
    assert compiled.error != query_module.INTERNAL_ERROR
    assert compiled.where.count("?") == len(compiled.params)
    found = _run(db, compiled)  # raises on any SQLite or FTS5 error
    assert found <= ALL
    if compiled.error is not None:
        assert found == set()


MARKER = "zq'x;DROP TABLE papers;--"


@settings(max_examples=300, deadline=None)
@given(token_soup, st.sampled_from(["", "-", "(", '"', "title:", "tag:", "aff:", "key:", "cat:"]))
def test_user_text_never_reaches_the_sql(db: sqlite3.Connection, soup: str, prefix: str) -> None:
    value = f"{soup} {prefix}{MARKER} {soup}"
    compiled = compile_query(value)
    where = compiled.where.lower()
    assert "zq" not in where
    assert "drop" not in where
    assert ";" not in where
    _run(db, compiled)
    assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == len(PAPERS)


@pytest.mark.parametrize(
    ("text_", "value"),
    [
        ("year:1987", "1987"),
        ("year:>=1987", "1987"),
        ("year:1987..1988", "1988"),
        ("status:skipped", "skipped"),
        ("cat:qqcat", "qqcat"),
        ("key:qqkey", "qqkey"),
        ("tag:qqtag", "qqtag"),
        ("aff:qqaff", "qqaff"),
        ("title:qqtitle", "qqtitle"),
        ("-author:qqauthor", "qqauthor"),
    ],
)
def test_field_values_are_parameters(text_: str, value: str) -> None:
    compiled = compile_query(text_)
    assert compiled.error is None
    assert value not in compiled.where
    assert any(value in str(param) for param in compiled.params)


def test_marker_travels_as_a_parameter(db: sqlite3.Connection) -> None:
    compiled = compile_query(f"aff:{MARKER.replace(' ', '_')}")
    assert compiled.error is None
    assert any("zq'x;drop" in str(param) for param in compiled.params)
    assert "zq" not in compiled.where
    assert _run(db, compiled) == set()


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("text:quokka", True),
        ('-text:"two words" learning', True),
        ("learning OR text:q", True),
        ("saved:pdfs", True),  # a saved search that reads the text
        ("text", False),  # a word, not the field
        ("text quokka", False),
        ("title:text", False),
        ('"text:quokka"', False),  # a phrase that spells it
        ("has:file", False),
    ],
)
def test_which_filters_read_the_text_of_pdfs(typed: str, reads: bool) -> None:
    compiled = compile_query(typed, saved=(("pdfs", "text:quokka"),))
    assert compiled.error is None
    assert compiled.reads_pdf_text is reads
