"""The report's charts (server-drawn SVG, each beside a table of the same figures) and its words."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.templatetags.portal_tags import office_time

from ..selectors import Verdict

register = template.Library()

ROW_HEIGHT = 46
SCALE = 4  # px per percentage point: 100 % is 400 of the chart's 480


@register.filter
def office_minutes(minutes: float | None) -> str:
    """Minutes of office time as a worker reads them ("3 h 05 min"); a dash when nothing was met."""
    if minutes is None:
        return "—"
    return office_time(timedelta(minutes=round(minutes))) if minutes >= 1 else _("under a minute")


@register.filter
def verdict_label(verdict: str | None) -> str:
    return {
        Verdict.EXCEEDED: pgettext("standard", "Exceeded"),
        Verdict.MET: pgettext("standard", "Met"),
        Verdict.FAILED: pgettext("standard", "Failed"),
    }.get(verdict, _("Nothing due yet"))


def _horizontal_bars(rows, *, title: str) -> dict:
    """(label, percent, verdict, target or None) rows as bars one under the other, each label above its bar."""
    bars = []
    for index, (label, percent, verdict, target) in enumerate(rows):
        y = index * ROW_HEIGHT
        width = float(percent) * SCALE
        bars.append(
            {
                "label": label,
                "percent": percent,
                "verdict": verdict,
                "label_y": y + 15,
                "bar_y": y + 21,
                "width": width,
                "text_x": min(width + 6, 405),
                "text_y": y + 36,
                "target_x": target * SCALE if target is not None else None,
                "target_y1": y + 18,
                "target_y2": y + 43,
            }
        )
    return {"bars": bars, "height": max(len(bars), 1) * ROW_HEIGHT + 6, "title": title}


@register.inclusion_tag("reports/_standards_chart.html")
def standards_chart(rows, *, title: str):
    """One horizontal bar per standard with promises due: its on-time share, and a mark at its target."""
    return _horizontal_bars(
        [(row.label, row.percent, row.verdict, row.standard.target_percent) for row in rows if row.judged], title=title
    )


@register.inclusion_tag("reports/_standards_chart.html")
def pleased_chart(rows, *, title: str):
    """One horizontal bar per office and quarter: the share of survey answers of 4 or 5."""
    return _horizontal_bars([(f"{row.office} · {row.label}", row.pleased_percent, "met", None) for row in rows], title=title)


@register.inclusion_tag("reports/_months_chart.html")
def months_chart(rows, *, title: str):
    """One bar per month: the on-time share of the promises that fell due that month."""
    bars = []
    for index, row in enumerate(rows):
        height = round(float(row.percent) * 1.2) if row.percent is not None else 0
        bars.append(
            {
                "month": row.key,
                "percent": row.percent,
                "x": 50 + index * 56,
                "y": 140 - height,
                "height": height,
                "text_x": 50 + index * 56 + 20,
            }
        )
    return {"bars": bars, "width": 60 + max(len(bars), 4) * 56, "title": title}
