"""Template helpers for messaging pages."""

from django import template

from portal.accounts.policies import covered_workers

register = template.Library()


@register.filter
def read_by(message, read_times) -> list:
    """The family members who have read up to ``message``: staff see "Read by Mrs. Garcia"."""
    return [reader for reader, read_at in read_times or [] if read_at and read_at >= message.sent_at]


@register.simple_tag
def covered_worker_ids(user, now) -> set:
    """The colleagues ``user`` covers for today, so an inbox row can say "covering for Mr. Reed"."""
    return set(covered_workers(user, now).values_list("worker", flat=True))


@register.inclusion_tag("components/_reply_times_chart.html")
def reply_times_chart(rows, *, title: str):
    """Time to first reply, one small chart per worker: per week, a bar for the median and one for
    the 90th percentile, with a dashed line at one business day (the agency's promise).
    Drawn on the server as SVG: no script, readable at 360 px; the table beside it says the same."""
    from portal import business_days

    opens, closes = business_days.office_hours()
    day_hours = (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) / 60
    rows = list(rows)
    top = max([day_hours] + [max(row.median_hours, row.p90_hours) for row in rows]) * 1.1
    plot_top, plot_bottom = 20, 150
    scale = (plot_bottom - plot_top) / top if top else 0
    workers: dict = {}
    for row in rows:
        workers.setdefault(row.worker.pk, {"worker": row.worker, "weeks": []})["weeks"].append(row)
    charts = []
    for entry in workers.values():
        groups = []
        for index, row in enumerate(entry["weeks"]):
            x = 40 + index * 70
            median_h, p90_h = round(row.median_hours * scale), round(row.p90_hours * scale)
            groups.append(
                {
                    "row": row,
                    "median": {"x": x, "y": plot_bottom - median_h, "height": median_h, "text_x": x + 12},
                    "p90": {"x": x + 26, "y": plot_bottom - p90_h, "height": p90_h, "text_x": x + 38},
                    "label_x": x + 25,
                }
            )
        width = max(len(groups), 4) * 70 + 50
        charts.append({"worker": entry["worker"], "groups": groups, "width": width})
    return {
        "charts": charts,
        "title": title,
        "day_y": round(plot_bottom - day_hours * scale),
        "day_hours": day_hours,
        "bottom": plot_bottom,
    }


@register.simple_tag
def archived_for(thread, user) -> bool:
    """Whether ``user`` archived this conversation (the archive button offers the way back)."""
    return thread.read_states.filter(user=user, archived_at__isnull=False).exists()
