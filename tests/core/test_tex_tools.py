"""The exported .bib files compile with BibTeX (natbib) and biber (biblatex): no error and
no warning about our output (issue 15). CI installs TeX Live's small packages; a machine
without them skips these tests, CI never does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from corpus import CORPUS

from papershelf.core.io.interchange import export_biblatex, export_bibtex
from papershelf.core.store.opening import open_library

TOOLS = ("pdflatex", "bibtex", "biber")
missing = [t for t in TOOLS if shutil.which(t) is None]
if missing and os.environ.get("CI"):
    raise RuntimeError(f"CI must have TeX Live's {', '.join(missing)} (.ci/run installs them)")
pytestmark = pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} not installed")


def corpus_bib(tmp_path: Path, flavour: str) -> Path:
    with open_library(tmp_path / "corpus.sqlite", seed=False) as lib:
        ids = lib.add_papers([f for _, f in CORPUS], cite_keys=[k for k, _ in CORPUS])
        lib.add_tags(ids[:2], ["a,b; c", "100%"])
        lib.set_note(ids[0], "A note with a lone { brace, 50% and # and & and _ and $x$.")
        papers = lib.papers(ids)
    render = export_bibtex if flavour == "bibtex" else export_biblatex
    path = tmp_path / "refs.bib"
    path.write_text(render(papers), encoding="utf-8")
    return path


def run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def test_bibtex_and_natbib_read_every_entry_without_a_warning(tmp_path: Path) -> None:
    corpus_bib(tmp_path, "bibtex")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}\n"
        "\\usepackage{natbib}\\usepackage{url}\n"
        "\\begin{document}\\nocite{*}\\bibliographystyle{plainnat}\\bibliography{refs}\n"
        "\\end{document}\n",
        encoding="utf-8",
    )
    run(tmp_path, "pdflatex", "-interaction=nonstopmode", "doc.tex")
    bibtex = run(tmp_path, "bibtex", "doc")
    assert bibtex.returncode == 0, bibtex.stdout
    assert "Warning--" not in bibtex.stdout and "error" not in bibtex.stdout.lower(), bibtex.stdout
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == len(CORPUS)
    assert "Beethoven" in bbl and "Center for History and New Media" in bbl
    latex = run(tmp_path, "pdflatex", "-interaction=nonstopmode", "doc.tex")
    assert latex.returncode == 0, latex.stdout[-3000:]


def test_biber_reads_every_entry_without_a_warning(tmp_path: Path) -> None:
    corpus_bib(tmp_path, "biblatex")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\n"
        "\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}\n"
        "\\begin{document}\\nocite{*}\\printbibliography\\end{document}\n",
        encoding="utf-8",
    )
    run(tmp_path, "pdflatex", "-interaction=nonstopmode", "doc.tex")
    biber = run(tmp_path, "biber", "doc")
    output = biber.stdout + biber.stderr
    assert biber.returncode == 0, output
    problems = [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))]
    assert problems == []
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\entry{") == len(CORPUS)
    latex = run(tmp_path, "pdflatex", "-interaction=nonstopmode", "doc.tex")
    assert latex.returncode == 0, latex.stdout[-3000:]
