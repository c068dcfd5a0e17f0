"""Time a BibTeX import of a whole synthetic library into an empty one.

    uv run python tests/benchmarks/bibtex_import.py --library /tmp/b100k.sqlite

Exports every paper of ``--library`` as .bib files of 100,000 entries (untimed), then
imports them into a new library with ``import_bibtex``, as File > Import does, and
prints the phases: reading and splitting the files, interpreting and adding the
entries, writing, making and merging the indexes, and the CPU time the import took (on
a shared machine the wall clock also counts the other processes). ``--json`` writes
them for tools.

Bare SQL, in the same run: every row the import wrote (papers, people, links, tags,
notes, history, the search index's text), read back into Python beforehand, written
into an empty library of the same schema by plain ``executemany`` in one transaction,
with the import's bulk settings (indexes and triggers dropped and made again at the
end, the same page cache and search-index buffer) and the same merge of the search
index. No parsing, interpreting or duplicate checks: the floor an import of this
schema on this machine cannot go under.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats import machine  # noqa: E402

from papershelf.core.io.bibtex import import_bibtex  # noqa: E402
from papershelf.core.io.interchange import export_bibtex  # noqa: E402
from papershelf.core.store.opening import open_library  # noqa: E402

BUDGET_PER_100K_S = 20.0
FILE_ENTRIES = 100_000
_SEARCH_TEXT = "papers_fts"  # written from its own text; its shadow tables follow


def measure(library: Path, work: Path) -> dict[str, float | int]:
    """Export ``library`` to .bib files in ``work`` and import them into a new library
    there: one file per 100,000 papers (a .bib may be at most 256 MB), in one import."""
    with open_library(library, seed=False) as source:
        ids = source.search("")
    bibs: list[Path] = []
    for start in range(0, len(ids), FILE_ENTRIES):
        with open_library(library, seed=False) as source:
            records = source.papers(ids[start : start + FILE_ENTRIES])
        bibs.append(work / f"part{len(bibs) + 1}.bib")
        bibs[-1].write_text(export_bibtex(records), encoding="utf-8")
        del records  # a few hundred MB for each file: not the import's to carry
    entries = len(ids)
    marks: list[float] = []

    def progress(done: int, total: int) -> None:
        if done <= 1 or done == total:  # the start, the first entry, the last one
            marks.append(time.perf_counter())

    with open_library(work / "imported.sqlite", seed=False) as target:
        start, cpu = time.perf_counter(), time.process_time()
        report = import_bibtex(target, bibs, progress=progress)
        end, cpu = time.perf_counter(), time.process_time() - cpu
        papers = target.count()
    parsed, added = marks[1], marks[-1]
    bare_s = bare_sql(work / "imported.sqlite", work)
    return {
        "entries": entries,
        "papers_after": papers,
        "added": report.added,
        "file_mb": round(sum(b.stat().st_size for b in bibs) / 2**20, 1),
        "files": len(bibs),
        "total_s": end - start,
        # This process's CPU time: on a shared machine, less noisy than the wall clock.
        "cpu_s": cpu,
        "parse_s": parsed - start,
        "add_s": added - parsed,
        # After the last entry: the search index written, the sort indexes made again,
        # the commit, the search index merged.
        "indexes_s": end - added,
        "bare_sql_s": bare_s,
    }


def _rows(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Each table's columns and rows (the search index as the text given to it)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            str(name)
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
                "'papers_fts_%' AND name NOT LIKE 'attachments_text_%'"
            )
        ]
        found = {}
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            rows = cursor.fetchall()
            if rows:
                found[table] = ([d[0] for d in cursor.description], rows)
        cursor = conn.execute("SELECT id, c0, c1, c2, c3, c4 FROM papers_fts_content ORDER BY id")
        found[_SEARCH_TEXT] = (
            ["rowid", "title", "authors", "abstract", "tags", "note"],
            cursor.fetchall(),
        )
        return found
    finally:
        conn.close()


def bare_sql(imported: Path, work: Path) -> float:
    """Seconds to write what the import wrote, as plain SQL (see the module's doc)."""
    rows = _rows(imported)
    target = work / "bare.sqlite"
    with open_library(target, seed=False):
        pass  # the schema, made as for any library
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -131072")
        conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('hashsize', 33554432)")
        made = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL"
        ).fetchall()
        start = time.perf_counter()
        conn.execute("BEGIN")
        for kind, name, _ in made:
            conn.execute(f'DROP {kind.upper()} "{name}"')
        conn.execute("DELETE FROM meta")  # the new library's own, replaced by the import's
        for table, (columns, values) in rows.items():
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            conn.executemany(f'INSERT INTO "{table}"({names}) VALUES ({marks})', values)
        for _, _, sql in made:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')")
        seconds = time.perf_counter() - start
    finally:
        conn.close()
    if _fingerprint(target) != _fingerprint(imported):
        raise SystemExit("bare SQL did not write what the import wrote")
    return seconds


def _fingerprint(path: Path) -> tuple[object, ...]:
    """What must be equal after the import and after bare SQL: rows, found words."""
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(sql).fetchone()[0]
            for sql in (
                "SELECT count(*) FROM papers",
                "SELECT count(*) FROM paper_authors",
                "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'a*'",
                "SELECT count(*) FROM sqlite_master",
            )
        )
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True, help="a synthetic library")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        figures = measure(args.library, Path(work))
    per_100k = figures["total_s"] * 100_000 / max(int(figures["entries"]), 1)
    print(
        f"BibTeX import of {figures['entries']:,} entries ({figures['files']} files, "
        f"{figures['file_mb']} MB): "
        f"{figures['total_s']:.1f} s = parse {figures['parse_s']:.1f} s + add "
        f"{figures['add_s']:.1f} s + indexes {figures['indexes_s']:.1f} s "
        f"(CPU {figures['cpu_s']:.1f} s); "
        f"{per_100k:.1f} s per 100k (budget {BUDGET_PER_100K_S:.0f} s)"
    )
    bare = figures["bare_sql_s"]
    print(
        f"Bare SQL, the same rows written by executemany: {bare:.1f} s "
        f"({bare * 100_000 / max(int(figures['entries']), 1):.1f} s per 100k); "
        f"the import takes {figures['total_s'] / max(bare, 1e-9):.2f}x that"
    )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), **figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
