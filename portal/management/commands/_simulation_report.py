"""The simulation's HTML page: charts of what was promised and kept each day, and the checks that must be zero.

A file for whoever runs the simulation, opened from disk: self-contained (inline SVG and CSS), readable
without the charts (each chart has a text alternative and its figures are in a table below it).
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from pathlib import Path

COLOURS = {"opened": "#1d4e89", "met on time": "#2e7d32", "met late": "#b26a00", "missed": "#b3261e",
           "remind": "#1d4e89", "overdue": "#b26a00", "escalate": "#b3261e", "withdrawn": "#5f6368", "open, not yet due": "#9aa0a6"}


def grouped_bars(title: str, rows: dict[str, dict], series: list[str], days: list[str]) -> str:
    """One group of bars per day of the period (a quiet day is a gap), one bar per series, a legend and a table of the same figures."""
    rows = {day: rows.get(day, {}) for day in days}
    top = max([rows[d].get(s, 0) for d in days for s in series] + [1])
    bar, gap = 6, 4
    width = max(len(days) * (bar * len(series) + gap) + 40, 300)
    parts = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} 200" width="100%" height="220" preserveAspectRatio="xMinYMid meet">',
             '<line x1="30" y1="170" x2="100%" y2="170" stroke="#333"/>',
             f'<text x="0" y="14" font-size="10">{top}</text><text x="0" y="170" font-size="10">0</text>']
    for n, day in enumerate(days):
        x = 34 + n * (bar * len(series) + gap)
        for k, name in enumerate(series):
            value = rows[day].get(name, 0)
            height = round(150 * value / top)
            parts.append(f'<rect x="{x + k * bar}" y="{170 - height}" width="{bar - 1}" height="{height}" fill="{COLOURS[name]}">'
                         f'<title>{day} {escape(name)}: {value}</title></rect>')
        if n % 7 == 0:
            parts.append(f'<text x="{x}" y="188" font-size="10">{day[5:]}</text>')
    parts.append("</svg>")
    legend = " ".join(f'<span class="key"><span class="swatch" style="background:{COLOURS[s]}"></span>{escape(s)}</span>' for s in series)
    table = table_of(["day", *series], [[day, *(rows[day].get(s, 0) for s in series)] for day in days])
    return f"<h2>{escape(title)}</h2><p>{legend}</p>{''.join(parts)}<details><summary>The figures</summary>{table}</details>"


def table_of(head: list[str], rows: list[list]) -> str:
    cells = "".join(f"<th scope=\"col\">{escape(str(h))}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def write_html(report: dict, path: Path) -> None:
    outcome, zeros = report["outcome"], report["zeros"]
    results = ["met on time", "met late", "missed", "withdrawn", "open, not yet due"]
    first = date.fromisoformat(report["run"]["start"][:10])
    days = [(first + timedelta(days=n)).isoformat() for n in range(report["run"]["days"])]
    verdict = "All checks are zero." if not any(zeros.values()) else "Some checks are not zero: see below."
    sections = [
        f"<h1>A simulated month: {escape(report['run']['start'][:10])}, {report['run']['days']} days</h1>",
        f"<p class=\"verdict\">{escape(verdict)}</p>",
        table_of(["agency", ""], [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in report["agency"].items()]),
        "<h2>Promises opened in the month</h2>",
        table_of(["", "promises"], [["opened", outcome.get("opened", 0)], *([r, outcome.get(r, 0)] for r in results)]),
        grouped_bars("Promises opened and kept, by day", report["by_day"], ["opened", "met on time", "met late"], days),
        grouped_bars("Reminders, overdue notices and escalations, by day", report["steps_by_day"], ["remind", "overdue", "escalate"], days),
        "<h2>By standard</h2>",
        table_of(["standard", *results], [[code, *(counts.get(r, 0) for r in results)] for code, counts in report["by_standard"].items()]),
        "<h2>Steps taken against the reference calendar</h2>",
        table_of(["step", "taken", "expected"],
                 [[s, report["steps"]["taken"].get(s, 0), report["steps"]["expected"].get(s, 0)] for s in ("remind", "overdue", "escalate")]),
        "<h2>Must be zero</h2>",
        table_of(["check", "count"], [[name, count] for name, count in zeros.items()]),
    ]
    path.write_text(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>A simulated month</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}"
        "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}"
        ".key{margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}.verdict{font-weight:bold}</style></head><body><main>"
        + "".join(sections) + "</main></body></html>"
    )
