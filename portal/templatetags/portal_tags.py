from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def office_time(left: timedelta | None) -> str:
    """Office hours and minutes, as a worker counts them: "3 h 20 min"."""
    if not left:
        return _("none")
    minutes = int(left.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def percent_of(value: int, total: int) -> int:
    return round(100 * value / total) if total else 0


@register.inclusion_tag("components/_bar_chart.html")
def bar_chart(rows, *, label_attr: str, value_attr: str, title: str, description: str):
    """A small, accessible SVG bar chart of percentages, drawn on the server: no script, no build step."""
    bars = []
    for index, row in enumerate(rows):
        value = getattr(row, value_attr)
        label = getattr(row, label_attr)
        height = round(value * 1.5)
        bars.append({"x": index * 80 + 15, "y": 170 - height, "height": height, "value": value, "label": label, "text_x": index * 80 + 40})
    # A fixed minimum width keeps the labels readable on a phone whatever the number of weeks.
    return {"bars": bars, "width": max(len(bars), 4) * 80, "title": title, "description": description}


# --- Messaging pages -------------------------------------------------------------------


@register.simple_tag
def office_time_left(rows, now, attr: str = "reply_due_at") -> list:
    """Each row with the office time left before its deadline (one calendar query for the page)."""
    from portal import business_days

    rows = list(rows)
    dues = [getattr(row, attr) for row in rows]
    lefts = business_days.office_hours_until(now, [due for due in dues if due is not None])
    lefts_iter = iter(lefts)
    return [
        {"row": row, "left": next(lefts_iter) if due is not None else None, "overdue": due is not None and due < now}
        for row, due in zip(rows, dues)
    ]


@register.simple_tag
def on_call_phone() -> str:
    from django.conf import settings

    return settings.AGENCY_ON_CALL_PHONE


@register.simple_tag
def next_office_opening():
    from django.utils import timezone

    from portal import business_days

    return business_days.next_opening(timezone.now())


@register.simple_tag
def standard_days(code: str) -> int:
    """The business days a service standard allows, so the page says what the admin configured."""
    from portal.followups.models import ServiceStandard

    return ServiceStandard.objects.filter(code=code).values_list("business_days", flat=True).first() or 1


@register.inclusion_tag("components/_paired_bar_chart.html")
def paired_bar_chart(
    rows,
    *,
    label_attr: str,
    first_attr: str,
    second_attr: str,
    first_label: str,
    second_label: str,
    title: str,
    description: str,
    first_count_attr: str = "",
    second_count_attr: str = "",
):
    """Two percentages per labelled row (a worker, an office), as horizontal bars: names of any length
    stay readable on a phone. Each bar is labelled in words, so the colours are never the only key.
    A ``*_count_attr`` of 0 means no figure yet: the bar says so instead of drawing 0%."""
    group_height, top = 72, 4
    groups = []
    for index, row in enumerate(rows):
        y = top + index * group_height
        bars = []
        for offset, (attr, count_attr, name, css) in enumerate(
            ((first_attr, first_count_attr, first_label, "first"), (second_attr, second_count_attr, second_label, "second"))
        ):
            value = max(0, min(100, int(getattr(row, attr) or 0)))
            counted = getattr(row, count_attr) if count_attr else True
            width = round(value * 1.8) if counted else 0
            bar_y = y + 22 + offset * 22
            bars.append(
                {"y": bar_y, "width": width, "value": value, "counted": bool(counted), "name": name, "css": css,
                 "text_x": width + 6, "text_y": bar_y + 14}
            )
        groups.append({"label": getattr(row, label_attr), "label_y": y + 15, "bars": bars})
    return {
        "groups": groups,
        "height": top + max(len(groups), 1) * group_height,
        "title": title,
        "description": description,
        "first_label": first_label,
        "second_label": second_label,
    }


@register.inclusion_tag("components/_count_bar_chart.html")
def count_bar_chart(rows, *, label_attr: str, value_attr: str, title: str, description: str, unit: str = ""):
    """Counts or averages per labelled row as horizontal bars scaled to the largest figure.

    Each bar carries its figure in words, so nothing is told by length or colour alone; the page
    gives the same figures in a table beside it.
    """
    row_height, top, longest = 44, 4, 180
    values = [max(0, float(getattr(row, value_attr) or 0)) for row in rows]
    biggest = max(values, default=0) or 1
    bars = []
    for index, (row, value) in enumerate(zip(rows, values)):
        y = top + index * row_height
        width = round(value / biggest * longest)
        bars.append(
            {"label": getattr(row, label_attr), "label_y": y + 14, "y": y + 20, "width": width, "value": getattr(row, value_attr),
             "text_x": width + 6, "text_y": y + 34}
        )
    return {"bars": bars, "height": top + max(len(bars), 1) * row_height, "title": title, "description": description, "unit": unit}
