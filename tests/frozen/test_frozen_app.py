"""The built app in ``dist/papershelf/``, run as a user would: no Python, an empty environment.

Skipped until the app is built (``uv run pyinstaller --noconfirm build.spec``), so that
``uv run pytest`` stays fast; ``.ci/run`` builds it and then runs these.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP_DIR = REPO / "dist" / "papershelf"
EXECUTABLE = APP_DIR / ("papershelf.exe" if sys.platform == "win32" else "papershelf")
BUDGET_MB = 140

pytestmark = pytest.mark.skipif(
    not EXECUTABLE.is_file(),
    reason="no frozen build: run `uv run pyinstaller --noconfirm build.spec` first",
)


def _run(
    *args: str, home: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The frozen app with nothing inherited: a fresh HOME, a UTF-8 locale, no display."""
    env = {"HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen", **(extra or {})}
    if sys.platform == "win32":
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    cwd = home / "elsewhere"  # any working directory: the app must not depend on it
    cwd.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        [str(EXECUTABLE), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    return run


def test_selftest_passes_in_an_empty_environment(tmp_path: Path) -> None:
    run = _run("selftest", home=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("papershelf selftest: ok: 50 papers shown")


def test_list_json_seeds_a_new_library_from_the_bundled_documents(tmp_path: Path) -> None:
    run = _run("--library", str(tmp_path / "x.sqlite"), "list", "--format", "json", home=tmp_path)
    assert run.returncode == 0, run.stderr
    papers = json.loads(run.stdout)
    assert len(papers) == 50
    assert {"id", "key", "title", "authors", "status", "tags", "note"} <= set(papers[0])


def test_the_default_library_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    run = _run("list", "--limit", "1", "--format", "json", home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 1
    assert list(tmp_path.rglob("library.sqlite"))


def test_version_is_the_packages(tmp_path: Path) -> None:
    from papershelf import __version__

    run = _run("--version", home=tmp_path)
    assert run.stdout.strip() == f"papershelf {__version__}"


def test_the_windows_backup_command_makes_a_good_backup(tmp_path: Path) -> None:
    """The window backs up by running the bundled app as ``--library L backup``
    (ui/window/backups.py): that command must work in the bundle."""
    from papershelf.core.safety import backup

    library = tmp_path / "x.sqlite"
    assert _run("--library", str(library), "list", "--limit", "1", home=tmp_path).returncode == 0
    run = _run("--library", str(library), "backup", home=tmp_path)
    assert run.returncode == 0, run.stderr
    made = Path(run.stdout.strip().splitlines()[-1])
    assert made.is_file() and backup.backup_problem(made) is None


def test_the_windows_pdf_and_feed_commands_work_in_the_bundle(tmp_path: Path) -> None:
    """The window reads PDFs' text and refreshes feeds by running the bundled app as
    ``read-text --attachment=N`` and ``refresh --format json`` (ui/own_process.py)."""
    sys.path.insert(0, str(REPO / "tests" / "core"))
    from pdfs import make_pdf

    library = str(tmp_path / "x.sqlite")
    made = make_pdf(tmp_path / "q.pdf", [["Quokkas in the margin"]])
    attached = _run("--library", library, "attach", "1", str(made), "--link", home=tmp_path)
    assert attached.returncode == 0, attached.stderr
    run = _run("--library", library, "read-text", "--attachment=1", home=tmp_path)
    assert (run.returncode, run.stdout) == (0, f"indexed {made}\n"), run.stderr
    found = _run("--library", library, "list", "text:quokkas", "--format", "json", home=tmp_path)
    assert [p["id"] for p in json.loads(found.stdout)] == [1]
    run = _run("--library", library, "refresh", "--format", "json", home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"offline": False, "reports": []}


def test_the_windows_import_command_works_in_the_bundle(tmp_path: Path) -> None:
    """The window imports by running the bundled app as ``import --format json
    --progress --undo-record R`` (ui/window/exchange.py); R is read back with pickle."""
    from papershelf.core.ops.imports import recorded_changes
    from papershelf.core.store.opening import open_library

    library = tmp_path / "x.sqlite"
    bib = tmp_path / "q.bib"
    bib.write_text("@article{q1, title={Quokkas}, author={Ng, Ann}, year={2024}}\n")
    record = tmp_path / "undo"
    run = _run("--library", str(library), "import", "--format", "json", "--progress",
               "--undo-record", str(record), str(bib), home=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["added"] == 1
    assert run.stderr.splitlines()[-1] == "progress 1 1"
    with open_library(library, seed=False) as shelf:
        count = shelf.count()
        changes = recorded_changes(record, shelf)
        assert changes.undo is not None
        changes.undo()
        assert shelf.count() == count - 1


def test_errors_stay_one_line(tmp_path: Path) -> None:
    library = str(tmp_path / "x.sqlite")
    run = _run("--library", library, "status", "nosuchpaper", "read", home=tmp_path)
    assert run.returncode != 0
    assert len(run.stderr.strip().splitlines()) == 1


def test_keys_for_other_scripts_are_transliterated(tmp_path: Path) -> None:
    """anyascii's tables are package data: the bundle must carry them. (A key with spaces
    is not kept, so these entries get keys made from their names.)"""
    library = str(tmp_path / "x.sqlite")
    bib = tmp_path / "tolstoy.bib"
    bib.write_text(
        "@book{not a key, title={Война и мир}, author={Лев Толстой}, year={2006}}\n"
        "@book{not a key either, title={深度学习}, author={王小明}, year={2020}}\n",
        encoding="utf-8",
    )
    run = _run("--library", library, "import", str(bib), home=tmp_path)
    assert run.returncode == 0, run.stderr
    run = _run("--library", library, "list", "year:2006..2020", "--format", "json", home=tmp_path)
    keys = {paper["key"] for paper in json.loads(run.stdout)}
    assert {"tolstoy2006voyna", "wangxiaoming2020shenduxuexi"} <= keys


@pytest.mark.skipif(sys.platform == "win32", reason="closes descriptors with a POSIX shell")
def test_runs_with_no_stdout_and_no_stderr(tmp_path: Path) -> None:
    """As from a menu or a file manager: Python then sees sys.stdout and sys.stderr as None."""
    library = tmp_path / "x.sqlite"
    closed = ["/bin/sh", "-c", 'exec "$0" "$@" >&- 2>&-', str(EXECUTABLE)]
    run = subprocess.run(
        [*closed, "--library", str(library), "list", "--format", "json"],
        env={"HOME": str(tmp_path), "LANG": "C.UTF-8"},
        timeout=120,
    )
    assert run.returncode == 0
    assert library.is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is Linux's")
def test_text_is_readable_on_a_system_without_fonts(tmp_path: Path) -> None:
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    run = _run("selftest", home=tmp_path, extra={"FONTCONFIG_FILE": str(config)})
    assert run.returncode == 0, run.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="desktop entries are Linux's")
def test_install_desktop_entry_points_at_the_frozen_executable(tmp_path: Path) -> None:
    xdg = tmp_path / "share"
    run = _run("--install-desktop-entry", home=tmp_path, extra={"XDG_DATA_HOME": str(xdg)})
    assert run.returncode == 0, run.stderr
    entry = (xdg / "applications" / "papershelf.desktop").read_text(encoding="utf-8")
    assert f"\nExec={EXECUTABLE.resolve()}\n" in entry
    assert (xdg / "icons" / "hicolor" / "256x256" / "apps" / "papershelf.png").is_file()


def _bundle_megabytes() -> float:
    total = sum(p.lstat().st_size for p in APP_DIR.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


def test_the_folder_stays_within_its_size_budget() -> None:
    assert _bundle_megabytes() <= BUDGET_MB


def test_the_bundle_carries_what_the_app_needs_and_not_what_it_does_not() -> None:
    internal = APP_DIR / "_internal"
    for needed in (
        "seeds/000_028a7e986f3da8b4.txt",
        "resources/fonts/DejaVuSans.ttf",
        "resources/fonts/LICENSE",
        "resources/icons/papershelf-256.png",
        "resources/papershelf.desktop",
    ):
        assert (internal / needed).is_file(), needed
    assert list(internal.glob("papershelf-*.dist-info/METADATA"))
    names = [p.name for p in internal.rglob("*")]
    unwanted = re.compile(r"Qt6?(Qml|Quick|Pdf|WebEngine|3D|Multimedia|VirtualKeyboard)|\.qm$")
    assert not [n for n in names if unwanted.search(n)]
    assert not [n for n in names if n.endswith(".py") and n != "__init__.py"]


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("objdump") is None,
    reason="reads ELF headers with objdump",
)
def test_every_qt_library_a_bundled_binary_links_to_is_bundled() -> None:
    """Filtering plugins must not strand a library: each libQt6* that is linked is shipped."""
    bundled = {p.name for p in APP_DIR.rglob("*")}
    binaries = [
        p for p in APP_DIR.rglob("*") if p.is_file() and not p.is_symlink() and ".so" in p.name
    ]
    missing = {}
    for binary in binaries:
        dump = subprocess.run(["objdump", "-p", str(binary)], capture_output=True, text=True)
        for line in dump.stdout.splitlines():
            kind, _, library = line.strip().partition(" ")
            library = library.strip()
            if kind == "NEEDED" and library.startswith("libQt6") and library not in bundled:
                missing.setdefault(binary.name, []).append(library)
    assert not missing


def test_add_by_identifier_against_the_local_services(tmp_path: Path, services) -> None:
    """The built app's ``add``: httpx, httpcore, h11, feedparser and certifi's CA bundle
    are in the build (httpx loads the bundle when its client is made, for any URL), so a
    module or the bundle missing from the build fails here, not for a user."""
    assert list(APP_DIR.rglob("cacert.pem")), "certifi's CA bundle is not in the build"
    library = str(tmp_path / "x.sqlite")
    env = {
        "PAPERSHELF_ARXIV_API": services.arxiv.url,
        "PAPERSHELF_CROSSREF_API": services.crossref.url,
        "PAPERSHELF_NET_TIME_SCALE": "0.01",
    }
    run = _run(
        "--library", library, "add", "https://arxiv.org/abs/2211.15661v2",
        "doi:10.1038/nature14539", "2303.1680", home=tmp_path, extra=env,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr  # one item is not an identifier
    assert run.stdout.splitlines() == ["merged akyurek2022learning", "added lecun2015deep"]
    assert run.stderr.splitlines() == ["error 2303.1680: not an arXiv id, arXiv URL or DOI"]
    agent = services.server.requests[0].headers["user-agent"]
    assert agent.startswith("Papershelf/")


def test_add_a_pdf_and_fetch_a_pdf_against_the_local_services(
    tmp_path: Path, services, monkeypatch
) -> None:
    """The built app's ``add paper.pdf`` (pypdf reads the arXiv stamp, the arXiv API
    completes the seeded paper) and ``fetch-pdf`` (httpx streams the PDF, it is attached
    and its text indexed): a module missing from the build fails here."""
    sys.path.insert(0, str(REPO / "tests" / "core"))
    from pdfs import make_pdf

    from net_server import Reply

    stamped = make_pdf(
        tmp_path / "stamped.pdf",
        [["arXiv:2211.15661v3 [cs.LG] 17 May 2023", "Linear models learn quillworts"]],
    )
    served = make_pdf(tmp_path / "served.pdf", [["arXiv:2303.16800", "Tiny hornworts"]])
    services.server.route("/pdf/2303.16800", Reply(200, served.read_bytes(), "application/pdf"))
    library = str(tmp_path / "x.sqlite")
    env = {
        "PAPERSHELF_ARXIV_API": services.arxiv.url,
        "PAPERSHELF_CROSSREF_API": services.crossref.url,
        "PAPERSHELF_ARXIV_PDF": services.server.url + "/pdf",
        "PAPERSHELF_NET_TIME_SCALE": "0.01",
    }
    run = _run("--library", library, "add", str(stamped), "2303.16800", home=tmp_path, extra=env)
    assert run.returncode == 0, run.stderr
    assert sorted(run.stdout.splitlines()) == [
        "added lovelace2023scaling",
        "merged akyurek2022learning",
    ]
    run = _run("--library", library, "fetch-pdf", home=tmp_path, extra=env)
    assert run.returncode == 0, run.stderr
    size = served.stat().st_size
    assert size < 1000 and run.stdout == f"fetched lovelace2023scaling ({size} bytes)\n"
    for word, key in (("quillworts", "akyurek2022learning"), ("hornworts", "lovelace2023scaling")):
        run = _run("--library", library, "list", f"text:{word}", "--format", "json", home=tmp_path)
        assert [p["key"] for p in json.loads(run.stdout)] == [key]
    files = sorted(p.name for p in (tmp_path / "files").iterdir())
    assert files == ["akyurek2022learning.pdf", "lovelace2023scaling.pdf"]
