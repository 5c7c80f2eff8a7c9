"""Template helpers for the inquiry pages: the inquirer's step list, the staff forms' ids, the funnel charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from django import template
from django.utils.translation import gettext as _

from inquiries.models import STAGE_ORDER, ContactLog, Stage, stage_rank

register = template.Library()


@register.filter
def with_ids(form, prefix: str):
    """Give a form's fields their own ids ("stage-note", "contact-note"): two forms on one page share field names."""
    form.auto_id = f"{prefix}-%s"
    return form


@register.simple_tag
def stage_steps(stages, inquiry) -> list[dict]:
    """The path as the inquirer reads it: each step done, current or still ahead.

    A closed inquiry shows how far it got (its furthest stage) with nothing current."""
    closed = inquiry.stage == Stage.CLOSED
    reached = stage_rank(inquiry.furthest_stage if closed else inquiry.stage)
    steps = []
    for value, label in stages:
        if value not in STAGE_ORDER:
            continue
        rank = stage_rank(value)
        if rank < reached or (closed and rank == reached):
            state = "done"
        elif rank == reached:
            state = "current"
        else:
            state = "ahead"
        steps.append({"value": value, "label": label, "state": state})
    return steps


_CONTACT_SHORT = {
    ContactLog.Kind.NO_ANSWER: lambda: _("Called, no answer"),
    ContactLog.Kind.VOICEMAIL: lambda: _("Voicemail left"),
    ContactLog.Kind.SPOKE: lambda: _("Spoke with them"),
    ContactLog.Kind.PERSONAL_EMAIL: lambda: _("Personal e-mail sent"),
    ContactLog.Kind.PERSONAL_TEXT: lambda: _("Personal text sent"),
    ContactLog.Kind.PACKET: lambda: _("Packet sent"),
    ContactLog.Kind.INQUIRED_AGAIN: lambda: _("They sent the form again"),
}


@register.filter
def contact_short(kind: str) -> str:
    """A contact as a queue row says it: "Voicemail left"."""
    label = _CONTACT_SHORT.get(kind)
    return label() if label else ""


@register.filter
def is_personal(kind: str) -> bool:
    return kind in ContactLog.PERSONAL


@register.simple_tag
def promise_for(step, promises):
    """The open ledger promise behind a promised step, if it is still open (its due date)."""
    for promise in promises:
        if getattr(promise, "step", None) is not None and promise.step.pk == step.pk:
            return promise
    return None


# --- The director's view -------------------------------------------------------------------

FUNNEL_WIDTH = 320
BAR_LEFT = 0
BAR_SPACE = 200  # the longest bar; the figure sits to its right
ROW_HEIGHT = 50


@dataclass
class CountyFunnel:
    name: str
    months: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    month_bars: list = field(default_factory=list)
    height: int = 0
    month_width: int = 0
    inquiries: int = 0


def _steps(totals: dict, inquiries: int) -> list[dict]:
    labels = [
        ("inquiries", _("Inquiries")),
        ("contacted_on_time", _("Personal contact within one business day")),
        ("session", _("Information session")),
        ("application", _("Application")),
        ("licensed", _("Licensed")),
    ]
    steps = []
    for index, (key, label) in enumerate(labels):
        value = totals[key]
        percent = round(100 * value / inquiries) if inquiries else 0
        width = round(BAR_SPACE * value / inquiries) if inquiries else 0
        top = index * ROW_HEIGHT
        steps.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "percent": percent,
                "width": max(width, 2),
                "label_y": top + 16,
                "bar_y": top + 23,
                "text_x": BAR_LEFT + max(width, 2) + 6,
                "text_y": top + 37,
            }
        )
    return steps


def _month_bars(months: list) -> list[dict]:
    bars = []
    for index, row in enumerate(months):
        percent = row.on_time_percent or 0
        height = round(percent * 1.2)
        x = 50 + index * 56
        bars.append({"row": row, "x": x, "y": 140 - height, "height": height, "text_x": x + 20, "percent": row.on_time_percent})
    return bars


@register.simple_tag
def funnel_by_county(rows) -> list[CountyFunnel]:
    """FunnelRows (county × month) grouped per county, with the window's totals drawn as a funnel:
    each step's bar is its share of the county's inquiries, so where people are lost shows at a glance."""
    counties: dict[str, CountyFunnel] = {}
    for row in rows:
        counties.setdefault(row.county, CountyFunnel(row.county)).months.append(row)
    for county in counties.values():
        county.months.sort(key=lambda row: row.month)
        totals = {key: sum(getattr(row, key) for row in county.months) for key in ("inquiries", "contacted_on_time", "session", "application", "licensed")}
        county.inquiries = totals["inquiries"]
        county.steps = _steps(totals, county.inquiries)
        county.height = len(county.steps) * ROW_HEIGHT + 4
        county.month_bars = _month_bars(county.months)
        county.month_width = max(len(county.month_bars), 5) * 56 + 50
    return list(counties.values())


@register.simple_tag
def reason_bars(reasons) -> dict:
    """Closing reasons as horizontal bars, the longest reason's bar full width."""
    reasons = list(reasons)
    top = max([count for _label, count in reasons] or [0])
    bars = []
    for index, (label, count) in enumerate(reasons):
        width = round(BAR_SPACE * count / top) if top else 0
        y = index * ROW_HEIGHT
        bars.append({"label": label, "count": count, "width": max(width, 2), "label_y": y + 16, "bar_y": y + 23, "text_x": max(width, 2) + 6, "text_y": y + 37})
    total = sum(count for _label, count in reasons)
    return {"bars": bars, "height": len(bars) * ROW_HEIGHT + 4, "width": FUNNEL_WIDTH, "total": total}


@register.simple_tag
def chase_state(overdue) -> dict:
    """Whether the inquirer already said "I haven't heard from anyone" about each late promise:
    the button stays while one of them has not been raised yet."""
    from portal.followups.models import CommitmentEvent

    events = dict(
        CommitmentEvent.objects.filter(commitment__in=[promise.pk for promise in overdue], kind=CommitmentEvent.Kind.FAMILY_CHASED)
        .order_by("at")
        .values_list("commitment_id", "at")
    )
    return {"told_at": min(events.values()) if events else None, "can_tell": any(promise.pk not in events for promise in overdue)}


@register.filter
def first_contact_item(timed):
    """From office_time_left's rows over an inquiry's promises: the first-contact one (not a promised step)."""
    return next((item for item in timed if getattr(item["row"], "step", None) is None), None)
