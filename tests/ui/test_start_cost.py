"""Opening the window does not load what no start needs: the network stack (httpx,
feedparser) and pypdf cost about 0.4 s of a cold start and load when a capture, download
or refresh first runs; import and export, capture, downloads and the statistics view
(about 30 ms) load when first used; the version is a literal, not importlib.metadata's
(about 25 ms)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from papershelf.core.store.opening import open_library

LAZY = (
    "httpx", "feedparser", "pypdf", "importlib.metadata",
    "papershelf.ui.window.exchange", "papershelf.core.io.interchange",
    "papershelf.ui.window.capture", "papershelf.ui.window.downloads",
    "papershelf.ui.panes.statistics", "papershelf.core.stats",
)  # fmt: skip
PROBE = f"""
LAZY = {LAZY!r}
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from papershelf.ui import open_main_window
app = QApplication([])
window = open_main_window(Path(sys.argv[1]))
window.show()
for _ in range(20):
    app.processEvents()
print(sorted(m for m in LAZY if m in sys.modules))
"""


def run_probe(probe: str, tmp_path: Path, **env: str) -> str:
    """The last line ``probe`` prints, run in a fresh interpreter on an existing library."""
    library = tmp_path / "library.sqlite"
    open_library(library).close()  # a start opens a library; creating one is once
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), **env}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(library)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_window_opens_without_what_no_start_needs(tmp_path: Path) -> None:
    assert run_probe(PROBE, tmp_path) == "[]"


THREADS_PROBE = """
import sys, threading
from pathlib import Path
imported_on = {}

class Watch:  # notes the thread that first imports each of these
    def find_spec(self, name, path=None, target=None):
        if name in ("httpx", "feedparser") and name not in imported_on:
            imported_on[name] = threading.current_thread() is threading.main_thread()
        return None

sys.meta_path.insert(0, Watch())
from PySide6.QtWidgets import QApplication, QMessageBox
from papershelf.ui import open_main_window
from papershelf.ui.tasks import wait_until
QMessageBox.exec = lambda self: 0  # the lookup's summary: nobody to press OK
app = QApplication([])
window = open_main_window(Path(sys.argv[1]))
window.show()
import papershelf.core.ops.downloads  # what Download PDF loads on the main thread
window.following.refresh()
window.capture.add_items(["2303.16800"])
wait_until(lambda: len(imported_on) == 2 and not window.capture.running(), 60)
print(sorted(name for name, main in imported_on.items() if main), sorted(imported_on))
"""


def test_refreshes_and_lookups_import_the_network_stack_off_the_main_thread(
    tmp_path: Path,
) -> None:
    """httpx and feedparser take 0.1-0.4 s to import: on the main thread that was a stall
    of the window (80 ms three seconds after start, when the feeds refresh). Download
    PDF lists what to fetch on the main thread: that module must not load them either."""
    refused = "http://127.0.0.1:9/api/query"  # a lookup that fails at once
    line = run_probe(THREADS_PROBE, tmp_path, PAPERSHELF_ARXIV_API=refused)
    assert line == "[] ['feedparser', 'httpx']"
