"""The common Qt approach, measured on the same data: every paper in a QStandardItemModel
behind a QSortFilterProxyModel, filtered case-insensitively on one combined column.

    python tests/benchmarks/naive_worker.py LIBRARY STEPS.json OUT.json T0 LIMIT PAUSE_MS

``T0`` is the parent's ``time.time()`` just before it started this process, so the
cold start includes the interpreter, the imports and loading every paper. ``LIMIT``
0 loads the whole library. The filter text is translated the way such an app would:
one plain word is ``setFilterFixedString``; several terms become one regular
expression of lookaheads (each term somewhere in the row, ``-term`` nowhere); field
filters match ``cat:CV``-style tokens kept in the combined column; a year range
becomes an alternation of years. It sees title, first author, date, category,
status, tags and code, not abstracts, so its row counts differ from the window's:
the comparison is of cost.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

from stats import filter_summary, peak_rss_mb, worker_main_guard, write_json

worker_main_guard()

from PySide6.QtCore import (  # noqa: E402
    QEvent,
    QObject,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from qt_timing import PaintClock, StallMeter, StepTimer, Subject, run_session, time_sorts  # noqa: E402

HEADERS = ("Title", "Authors", "Published", "Category", "Status", "Tags", "Code", "Score")
COMBINED = len(HEADERS)  # the hidden column the proxy filters on
_TERM = re.compile(r'-?"[^"]*"?|\S+')
_RANGE = re.compile(r"year:(\d{4})?\.\.(\d{4})?$", re.IGNORECASE)
_CMP = re.compile(r"year:(>=|<=|>|<)(\d{4})$", re.IGNORECASE)
_PLAIN_FIELDS = ("title:", "author:", "aff:", "key:")


def _term_pattern(term: str) -> str | None:
    """A regular expression for one term of the filter text, or None to ignore it."""
    lowered = term.lower()
    years: range | None = None
    if match := _RANGE.match(term):
        years = range(int(match[1] or 1900), int(match[2] or 2100) + 1)
    elif match := _CMP.match(term):
        year, op = int(match[2]), match[1]
        low = year + (op == ">") if op.startswith(">") else 1900
        high = year - (op == "<") if op.startswith("<") else 2100
        years = range(low, high + 1)
    if years is not None:
        return "year:(?:" + "|".join(str(y) for y in years) + ")"
    for field in _PLAIN_FIELDS:
        if lowered.startswith(field):
            term = term[len(field) :]
    term = term.strip('"')
    if not term or term == "OR" or term.endswith(":"):
        return None
    return QRegularExpression.escape(term)


def apply_filter(proxy: QSortFilterProxyModel, text: str) -> None:
    """Set the proxy's filter the way a typical Qt app maps a search box onto it."""
    terms = _TERM.findall(text)
    if len(terms) == 1 and not terms[0].startswith(("-", '"')) and ":" not in terms[0]:
        proxy.setFilterFixedString(terms[0])
        return
    parts = []
    for term in terms:
        negative = term.startswith("-") and len(term) > 1
        pattern = _term_pattern(term[1:] if negative else term)
        if pattern is not None:
            parts.append(f"(?!.*{pattern})" if negative else f"(?=.*{pattern})")
    expression = QRegularExpression(
        "^" + "".join(parts), QRegularExpression.PatternOption.CaseInsensitiveOption
    )
    proxy.setFilterRegularExpression(expression)


def load(library: str, limit: int) -> QStandardItemModel:
    """Every paper (or the first ``limit``) as a row of QStandardItems."""
    conn = sqlite3.connect(library)
    sql = (
        "SELECT title, first_author, published, category, status, tags_text, has_code, score, "
        "year FROM papers ORDER BY id"
    )
    rows = conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
    conn.close()
    model = QStandardItemModel(0, COMBINED + 1)
    model.setHorizontalHeaderLabels([*HEADERS, "all"])
    for title, author, published, category, status, tags, code, score, year in rows:
        tag_list = [t.strip() for t in (tags or "").split(",") if t.strip()]
        combined = " ".join(
            [title, author or "", published or "", f"cat:{category}", f"status:{status}"]
            + [f"tag:{t}" for t in tag_list]
            + (["has:code"] if code else [])
            + [f"year:{year}"]
        )
        score_item = QStandardItem()
        if score is not None:
            score_item.setData(score, Qt.ItemDataRole.DisplayRole)
        model.appendRow(
            [
                QStandardItem(title),
                QStandardItem(author or ""),
                QStandardItem(published or ""),
                QStandardItem(category or ""),
                QStandardItem(status),
                QStandardItem(tags or ""),
                QStandardItem("Code" if code else ""),
                score_item,
                QStandardItem(combined),
            ]
        )
    return model


class EscapeClears(QObject):
    """Esc empties the filter box, as in the window."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            watched.clear()
            return True
        return False


def main() -> None:
    library, steps_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    t0, limit, pause_ms = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    phases = {"imported_s": time.time() - t0}
    app = QApplication(sys.argv[:1])
    model = load(library, limit)
    phases["loaded_s"] = time.time() - t0
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(COMBINED)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    window = QWidget()
    edit = QLineEdit()
    escape = EscapeClears()
    edit.installEventFilter(escape)
    table = QTableView()
    table.setModel(proxy)
    table.setColumnHidden(COMBINED, True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(table.verticalHeader().ResizeMode.Fixed)
    table.setSortingEnabled(True)
    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    edit.textChanged.connect(lambda text: apply_filter(proxy, text))
    layout = QVBoxLayout(window)
    layout.addWidget(edit)
    layout.addWidget(table)
    window.resize(1380, 820)
    phases["built_s"] = time.time() - t0
    clock = PaintClock([table.viewport()])
    shown = time.perf_counter()
    window.show()
    painted = clock.paint_after(0, shown, 600) or time.perf_counter()
    cold = time.time() - (time.perf_counter() - painted) - t0  # the paint's wall-clock time
    phases["first_paint_s"] = cold
    steps = json.loads(steps_path.read_text(encoding="utf-8"))
    subject = Subject(edit=edit, table=table)
    subject.actions["set_text"] = lambda step: lambda: edit.setText(step["text"])
    timer = StepTimer(subject)
    stall = StallMeter()
    records = run_session(timer, steps, stall, pause_ms)
    session_stall = {"max_ms": stall.max_ms(), "worst": stall.worst()}
    if edit.text():
        timer.time(edit.clear)
    sorts = time_sorts(timer, stall)
    jump = timer.time(table.scrollToBottom, table_paint=True)
    write_json(
        out,
        {
            "papers": model.rowCount(),
            "limit": limit or None,
            "cold_start_s": round(cold, 3),
            "phases": {k: round(v, 3) for k, v in phases.items()},
            "steps": records,
            "filter": filter_summary(records),
            "stall": session_stall,
            "sort": sorts,
            "jump_to_last": jump,
            "peak_rss_mb": peak_rss_mb(),
        },
    )
    del app
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
