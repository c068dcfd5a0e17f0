"""Opening the window does not load the network stack (httpx, feedparser) or pypdf:
they cost about 0.4 s of a cold start and load when a capture, download or refresh
first runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from papershelf.ui import open_main_window
app = QApplication([])
window = open_main_window(Path(sys.argv[1]))
window.show()
for _ in range(20):
    app.processEvents()
print(sorted(m for m in ("httpx", "feedparser", "pypdf") if m in sys.modules))
"""


def test_the_window_opens_without_the_network_stack(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "library.sqlite")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
