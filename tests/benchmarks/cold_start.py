"""Cold start probe: process start to the first painted rows of ``paperTable``.

    python tests/benchmarks/cold_start.py T0 LIBRARY SETTINGS_DIR

``T0`` is the parent's ``time.time()`` just before it spawned this interpreter, so the
figure includes Python's own start-up. Prints one JSON line of phase times (seconds).
"""

import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from papershelf.ui import open_main_window  # noqa: E402
from papershelf.ui.app import application  # noqa: E402

TIMEOUT_MS = 120_000


class FirstRows(QObject):
    """Sees every event until the table's viewport paints with rows in the model."""

    def __init__(self, app: QApplication, t0: float, phases: dict[str, float]) -> None:
        super().__init__()
        self.app = app
        self.t0 = t0
        self.phases = phases

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched.objectName() == "qt_scrollarea_viewport":
            table = watched.parent()
            if table is not None and table.objectName() == "paperTable":
                model = table.model()  # type: ignore[attr-defined]
                if (
                    model is not None
                    and model.rowCount() > 0
                    and "paint_start_s" not in self.phases
                ):
                    self.phases["paint_start_s"] = time.time() - self.t0
                    self.app.removeEventFilter(self)
                    QTimer.singleShot(0, self.done)  # after this paint and its flush
        return False

    def done(self) -> None:
        self.phases["first_rows_s"] = time.time() - self.t0
        print(json.dumps({k: round(v, 4) for k, v in self.phases.items()}), flush=True)
        os._exit(0)


def main() -> None:
    t0, library, settings_dir = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    phases = {"interpreter_s": STARTED - t0, "imports_s": time.time() - t0}
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = application()
    probe = FirstRows(app, t0, phases)
    app.installEventFilter(probe)
    open_main_window(library)
    phases["window_s"] = time.time() - t0
    QTimer.singleShot(TIMEOUT_MS, lambda: (print("{}", flush=True), os._exit(1)))
    app.exec()


if __name__ == "__main__":
    main()
