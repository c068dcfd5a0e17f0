"""Headline figures, ratios, budgets and the Markdown table of one benchmark run."""

from __future__ import annotations

from typing import Any

# key, label, unit; the getter for each approach's section is in ``headline``.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("cold_start_s", "cold start to first painted rows", "s"),
    ("filter_p50_ms", "keystroke to repainted table, p50", "ms"),
    ("filter_p95_ms", "keystroke to repainted table, p95", "ms"),
    ("filter_max_ms", "keystroke to repainted table, max", "ms"),
    ("complete_p95_ms", "keystroke to complete result (exact count), p95", "ms"),
    ("complete_max_ms", "keystroke to complete result (exact count), max", "ms"),
    ("stall_ms", "longest main-thread stall while typing", "ms"),
    ("sort_max_ms", "sort by a column (slowest column)", "ms"),
    ("sort_stall_ms", "longest main-thread stall while sorting", "ms"),
    ("select_max_ms", "move to another paper (arrows, pages, End, Home), max", "ms"),
    ("select_stall_ms", "longest main-thread stall while moving between papers", "ms"),
    ("jump_ms", "jump to the last row", "ms"),
    ("counts_first_p50_ms", "first sidebar counts (estimated when slow), median", "ms"),
    ("counts_first_max_ms", "first sidebar counts (estimated when slow), max", "ms"),
    ("counts_p50_ms", "exact sidebar counts shown after a result, median", "ms"),
    ("counts_max_ms", "exact sidebar counts shown after a result, max", "ms"),
    ("quit_s", "quit, a result still being found: window closed to process gone", "s"),
    ("backup_s", "the backup started at quit, made and verified after", "s"),
    ("rss_mb", "peak RSS", "MB"),
)
# design.md's budgets, offscreen on the 2-core machine: (100k papers, 1M papers)
BUDGETS: dict[str, tuple[float, float]] = {
    "cold_start_s": (0.8, 1.0),
    "filter_p95_ms": (30, 50),
    "filter_max_ms": (100, 150),
    "stall_ms": (50, 50),
    "sort_max_ms": (100, 300),
    "sort_stall_ms": (50, 50),
    "select_stall_ms": (50, 50),
    "counts_first_max_ms": (300, 1000),
    "quit_s": (1, 1),
    "rss_mb": (200, 300),
}


def headline(section: dict[str, Any] | None) -> dict[str, float | None]:
    """The figures of one approach's section (None where it has no such figure)."""
    if not section or "skipped" in section:
        return {key: None for key, _, _ in METRICS}
    filt, stall = section.get("filter", {}), section.get("stall")
    counts = sorted(section.get("sidebar_ms") or [])
    first = sorted(section.get("sidebar_first_ms") or counts)  # older runs: exact only
    quit = section.get("quit", {})
    return {
        "cold_start_s": section.get("cold_start_s"),
        "filter_p50_ms": filt.get("p50_ms"),
        "filter_p95_ms": filt.get("p95_ms"),
        "filter_max_ms": filt.get("max_ms"),
        # Naive Qt and bare SQL have no first page: their result is always complete.
        "complete_p95_ms": filt.get("complete", filt).get("p95_ms"),
        "complete_max_ms": filt.get("complete", filt).get("max_ms"),
        "stall_ms": stall.get("max_ms") if stall else None,
        "sort_max_ms": section.get("sort", {}).get("max_ms"),
        "sort_stall_ms": section.get("sort", {}).get("stall_max_ms"),
        "select_max_ms": section.get("selecting", {}).get("max_ms"),
        "select_stall_ms": section.get("selecting", {}).get("stall_max_ms"),
        "jump_ms": section.get("jump_to_last", {}).get("ms"),
        "counts_first_p50_ms": first[len(first) // 2] if first else None,
        "counts_first_max_ms": first[-1] if first else None,
        "counts_p50_ms": counts[len(counts) // 2] if counts else None,
        "counts_max_ms": counts[-1] if counts else None,
        "quit_s": quit.get("gone_s"),
        "backup_s": quit.get("backup_s"),
        "rss_mb": section.get("peak_rss_mb"),
    }


def ratios(result: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Papershelf's figure divided by the naive and bare-SQL figures (below 1: better)."""
    ours = headline(result["papershelf"])
    out: dict[str, dict[str, float | None]] = {}
    for other in ("naive", "sql"):
        theirs = headline(result.get(other))
        for key, value in ours.items():
            base = theirs.get(key)
            ratio = round(value / base, 3) if value is not None and base else None
            out.setdefault(key, {})[other] = ratio
    return out


def budgets(result: dict[str, Any]) -> dict[str, Any]:
    """Each budget at this library's scale, and whether the window kept it."""
    scale = 1 if result["library"]["papers"] >= 500_000 else 0
    ours = headline(result["papershelf"])
    checks = {}
    for key, limits in BUDGETS.items():
        value = ours.get(key)
        checks[key] = {
            "budget": limits[scale],
            "ok": value is not None and value <= limits[scale],
        }
    return {"scale": ("100k", "1M")[scale], "checks": checks}


NONE = "\u2013"  # an en dash: this approach has no such figure
TIMES = "\u00d7"


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return NONE
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{digits}f} ms"


def _ratio(value: float | None) -> str:
    if value is None:
        return NONE
    digits = ".0f" if value >= 100 else ".1f" if value >= 10 else ".2g"
    return f"{value:{digits}}{TIMES}"


def _current_paper(options: dict[str, Any]) -> str:
    row = options.get("current_row", -1)
    if row is None or row < 0:
        return "."
    return f"; the paper in row {row} chosen before typing (current whenever a result has it)."


def _machine_line(m: dict[str, Any]) -> str:
    git = m.get("git", {})
    commit = f"{git.get('commit') or '?'}{' + local changes' if git.get('dirty') else ''}"
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}; "
        f"Python {m['python']}, Qt {m.get('qt', '?')} (PySide6 {m.get('pyside6', '?')}), "
        f"SQLite {m['sqlite']}; QT_QPA_PLATFORM={m['qt_platform']}; "
        f"load average {m['load_average'][0]} at start, "
        f"{m.get('load_average_end', ['?'])[0]} at end; commit {commit}"
    )


def _sort_rows(result: dict[str, Any]) -> list[str]:
    ours = result["papershelf"]["sort"]["columns"]
    naive = (result.get("naive") or {}).get("sort", {}).get("columns", {})
    sql = result["sql"]["sort"]["columns"]

    def pair(entry: dict[str, Any] | None) -> str:
        if not entry:
            return NONE
        return f"{_num(entry['asc']['ms'], 'ms')} / {_num(entry['desc']['ms'], 'ms')}"

    lines = ["| column | Papershelf asc / desc | naive Qt | bare SQL |", "|---|---|---|---|"]
    for name, entry in ours.items():
        lines.append(
            f"| {name} | {pair(entry)} | {pair(naive.get(name))} | {pair(sql.get(name))} |"
        )
    return lines


def markdown(result: dict[str, Any]) -> str:
    """The run as Markdown: the headline table, sorts, and where keystroke time went."""
    lib, ours = result["library"], result["papershelf"]
    naive = result.get("naive") or {}
    rat, bud = result["ratios"], result["budgets"]
    session = result["session"]
    words = session["words"]
    lines = [
        f"### Papershelf benchmark: {lib['papers']:,} papers",
        "",
        f"Command: `{result['command']}`  ",
        f"Machine: {_machine_line(result['machine'])}  ",
        f"Session: {ours['filter']['keystrokes']} keystrokes and "
        f"{ours['filter']['facet_clicks']} facet clicks; common {', '.join(words['common'])}; "
        f"mid {', '.join(words['mid'])}; rare {', '.join(words['rare'])}; non-word "
        f"{words['non_word']}; fields, phrase, author, backspaces, Esc"
        + _current_paper(result["options"]),
    ]
    if lib.get("migrated_from"):
        lines.append(
            f"Library: migrated from schema {lib['migrated_from']} to {lib['schema']} before "
            f"measuring (untimed, {lib['migration_s']} s, as the app's first open would)."
        )
    if "skipped" in naive:
        lines.append(f"Naive Qt: not run ({naive['skipped']}).")
    elif naive.get("limit"):
        lines.append(
            f"Naive Qt: **loaded only {naive['papers']:,} of {lib['papers']:,} papers** "
            f"(--naive-limit); its figures are for that smaller table."
        )
    lines += [
        "",
        f"| | Papershelf | naive Qt | ÷ naive | bare SQL | ÷ SQL | budget ({bud['scale']}) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    figures = {name: headline(result.get(name)) for name in ("papershelf", "naive", "sql")}
    for key, label, unit in METRICS:
        check = bud["checks"].get(key)
        budget = "" if check is None else (
            f"{_num(check['budget'], unit)} {'✅' if check['ok'] else '❌'}"
        )  # fmt: skip
        lines.append(
            f"| {label} | {_num(figures['papershelf'][key], unit)} "
            f"| {_num(figures['naive'][key], unit)} | {_ratio(rat[key]['naive'])} "
            f"| {_num(figures['sql'][key], unit)} | {_ratio(rat[key]['sql'])} | {budget} |"
        )
    filt = ours["filter"]
    lines += [
        "",
        "÷ columns: Papershelf's figure divided by the other's (below 1: Papershelf is faster "
        "or smaller). Keystrokes are timed from the key event to the end of the table's next "
        "paint after the new result's first rows are shown (exactly the top rows, in order); "
        "the complete result (every id, so the exact count and scroll range) follows from the "
        "query thread and is timed separately. Naive Qt and bare SQL always produce the "
        "complete result and replay the same texts. "
        f"Cold start: median of {len(ours['cold_start_runs'])} runs "
        f"({', '.join(f'{r:.2f}' for r in ours['cold_start_runs'])} s) after one untimed "
        "start that compiled the modules to bytecode; "
        f"first rows painted after a key: p50 {_num(filt['first_paint']['p50_ms'], 'ms')}, "
        f"p95 {_num(filt['first_paint']['p95_ms'], 'ms')}, "
        f"max {_num(filt['first_paint']['max_ms'], 'ms')}.",
        "",
        *_sort_rows(result),
        "",
        "| keystrokes by kind | count | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for band, d in filt["by_band"].items():
        lines.append(
            f"| {band} | {d['count']} | {_num(d['p50_ms'], 'ms')} | {_num(d['p95_ms'], 'ms')} "
            f"| {_num(d['max_ms'], 'ms')} |"
        )
    lines += [
        "",
        "| slowest steps | filter text after | ms | first paint | rows | lanes (ms from the key) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for s in filt["slowest"]:
        lanes = "; ".join(f"{t[0]} {t[3]:.0f}-{t[4]:.0f}" for t in s.get("tasks") or [])
        lines.append(
            f"| #{s['index']} {s['kind']} {s.get('key') or ''!r} | `{s['text']}` | "
            f"{_num(s['ms'], 'ms')} | {_num(s['first_paint_ms'], 'ms')} | {s['rows']:,} "
            f"| {lanes or NONE} |"
        )
    phases = filt["phases"]
    lines += [
        "",
        "| where a keystroke's time goes | p50 | p95 | max |",
        "|---|---:|---:|---:|",
    ]
    for name, label in (
        ("event", "key event handler (main thread blocked)"),
        ("wait", "waiting for the first rows (query thread)"),
        ("paint", "repaint after the result is applied"),
    ):
        d = phases[name]
        lines.append(
            f"| {label} | {_num(d['p50_ms'], 'ms')} | {_num(d['p95_ms'], 'ms')} "
            f"| {_num(d['max_ms'], 'ms')} |"
        )
    stalls = "; ".join(f"{s['ms']:.0f} ms in {s['step']}" for s in ours["stall"]["worst"][:3])
    quit = ours["quit"]
    slowest = ours.get("sidebar_slowest", [])
    lines += [
        "",
        f"Longest stalls while typing: {stalls or 'none over 20 ms'}.  ",
        f"Sidebar counts: {len(ours.get('sidebar_ms') or [])} counts, each timed from the "
        "result shown to the exact counts shown (includes the 120 ms debounce), "
        f"{sum(1 for c in ours.get('sidebar_counted', []) if c.get('estimated'))} of them "
        "after estimates; the slowest: "
        + "; ".join(
            f"{_num(c['ms'], 'ms')}"
            + (f" (estimates after {_num(c['first_ms'], 'ms')})" if c.get("estimated") else "")
            + f" for `{c['text']}`"
            for c in slowest
        )
        + ".  ",
        f"Quit: `{quit['text']}` typed and the window closed at once; the window was gone "
        f"after {_num(quit['window_closed_ms'], 'ms')}, the process after "
        f"{_num(quit['gone_s'], 's')}; "
        + (
            "a backup was started at quit and finished on its own."
            if quit["backup_started"]
            else "no backup was needed at quit."
        )
        + "  ",
        f"Anomalies: {filt['timeouts']} timeouts, {filt['unexpected_text']} unexpected texts, "
        f"{filt['no_table_change']} steps that left the table unchanged (timed to the filter "
        f"box's paint), {filt['async_steps']} steps whose complete result came from the query "
        f"thread, {filt.get('stale_steps', 0)} of them with no first page in time (so the "
        "first rows came from the query thread too).",
    ]
    return "\n".join(lines) + "\n"
