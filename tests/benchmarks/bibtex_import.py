"""Time a BibTeX import of a whole synthetic library into an empty one.

    uv run python tests/benchmarks/bibtex_import.py --library /tmp/b100k.sqlite

Exports every paper of ``--library`` as .bib files of 100,000 entries (untimed), then
imports them into a new library with ``import_bibtex``, as File > Import does, and
prints the phases: reading and splitting the files, interpreting and adding the
entries, writing, making and merging the indexes, and the CPU time the import took (on
a shared machine the wall clock also counts the other processes). ``--json`` writes
them for tools.
"""

from __future__ import annotations

import argparse
import json
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
    }


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
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), **figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
