"""Display helpers for the placement pages, and the family home's "Children placed with you" card.

The family home lives in portal.followups, which must not import placements (the core never
imports a domain app): its template loads this library instead.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def children_placed_with(user) -> list:
    """The children living with the user's family now, each with ``pending_count`` and ``read_current``."""
    from placements import policies, selectors

    if not getattr(user, "is_authenticated", False) or not policies.is_family(user):
        return []
    return list(selectors.family_children(user))


@register.filter
def age(date_of_birth: date | None, today: date | None = None) -> str:
    """"7 years old", or months for a baby: how a family says it."""
    if not date_of_birth:
        return ""
    today = today or timezone.localdate()
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month - (today.day < date_of_birth.day)
    if months < 0:
        return ""
    if months < 24:
        return ngettext("%(count)d month old", "%(count)d months old", months) % {"count": months}
    years = months // 12
    return ngettext("%(count)d year old", "%(count)d years old", years) % {"count": years}


@register.simple_tag
def rows_by_code(rows) -> dict:
    """The disclosure rows keyed by checklist code, for pages that pick items by name (the summary)."""
    return {row.item.entry.code: row for row in rows}


@register.simple_tag
def respite_state(grant, now: datetime) -> str:
    """"ended" (ended early), "expired", "not_yet" or "active"."""
    if grant.revoked_at is not None:
        return "ended"
    if grant.expires_at <= now:
        return "expired"
    if grant.starts_at > now:
        return "not_yet"
    return "active"


@register.simple_tag
def place_rows(form) -> list[dict]:
    """Each child's checkbox beside that child's medication question, so the two read as one."""
    boxes = {str(box.data["value"]): box for box in form["children"]}
    return [
        {"child": child, "checkbox": boxes.get(str(child.pk)), "medication": field}
        for child, field in form.medication_fields()
    ]


@register.simple_tag
def activity_lines(entries) -> list[dict]:
    """The audit entries of a disclosure in the family's words: who, what and when."""
    from placements.models import ChecklistEntry

    titles = {entry.code: entry.display_title for entry in ChecklistEntry.objects.all()}
    lines = []
    for entry in entries:
        detail = entry.detail or {}
        item = titles.get(detail.get("item", ""), "")
        if detail.get("via") == "respite" or (entry.actor is None and detail.get("provider")):
            who = _("%(provider)s (respite provider)") % {"provider": detail.get("provider") or _("A respite provider")}
            what = _("Read the items the caseworker shared with them.")
        else:
            who = str(entry.actor) if entry.actor else _("The agency")
            if entry.action == "disclosure.changed":
                what = _("Changed “%(item)s”.") % {"item": item} if item else _("Changed the information.")
            elif item:
                what = _("Looked at “%(item)s”.") % {"item": item}
            else:
                what = _("Looked at the information.")
        role = entry.actor.get_role_display() if entry.actor is not None else ""
        lines.append({"at": entry.at, "who": who, "role": role, "what": what, "changed": entry.action == "disclosure.changed"})
    return lines


@register.filter
def pending_sentence(count: int) -> str:
    return ngettext("%(count)d item still being found out", "%(count)d items still being found out", count or 0) % {
        "count": count or 0
    }


@register.simple_tag
def soonest_promise(rows):
    """The earliest open promise among the rows (what is still being found out), or None."""
    promises = [row.promise for row in rows if row.promise is not None]
    return min(promises, key=lambda promise: promise.due_at) if promises else None


@register.simple_tag
def office_left(due_at: datetime | None, now: datetime):
    """Office time between now and a deadline (business_days' one calendar); None when past or missing."""
    from portal import business_days

    if due_at is None or due_at <= now:
        return None
    return business_days.office_hours_until(now, [due_at])[0]


@register.simple_tag
def row_for(item):
    """One item as an ItemRow, with the promise still open for it (the item page says who finds it out by when)."""
    from placements.selectors import ItemRow
    from placements.services import ITEM_STANDARD
    from portal.followups.services import open_commitments_for

    promise = None
    if item.is_pending:
        promise = open_commitments_for(item).filter(standard__code=ITEM_STANDARD).select_related("owner").first()
    return ItemRow(item=item, promise=promise, is_new=False)


@register.simple_tag
def moment_now() -> datetime:
    """The current moment, for pages whose view does not pass ``now`` (late or not)."""
    return timezone.now()


@register.simple_tag
def staff_rows(placements, now: datetime) -> list[dict]:
    """Each placement with the office time left before its next item and medication deadlines (one calendar look)."""
    from portal import business_days

    placements = list(placements)
    dues = [due for p in placements for due in (p.next_due, p.medication_due) if due is not None]
    lefts = dict(zip(dues, business_days.office_hours_until(now, dues))) if dues else {}
    return [
        {
            "placement": p,
            "next_left": lefts.get(p.next_due),
            "next_late": p.next_due is not None and p.next_due < now,
            "medication_left": lefts.get(p.medication_due),
            "medication_late": p.medication_due is not None and p.medication_due < now,
        }
        for p in placements
    ]


@register.simple_tag
def open_promise(subject):
    """The promise still open for a record (a shared need's check-back), or None."""
    from portal.followups.services import open_commitments_for

    return open_commitments_for(subject).select_related("owner").order_by("due_at").first()


@register.simple_tag
def respite_max_days() -> int:
    from placements.services import RESPITE_MAX_DAYS

    return RESPITE_MAX_DAYS


@register.simple_tag
def with_office_left(rows, now: datetime) -> list[dict]:
    """Each item row with the office time left before its promise (one calendar look for the page)."""
    from portal import business_days

    rows = list(rows)
    dues = [row.promise.due_at for row in rows if row.promise is not None and row.promise.due_at > now]
    lefts = dict(zip(dues, business_days.office_hours_until(now, dues))) if dues else {}
    return [{"row": row, "left": lefts.get(row.promise.due_at) if row.promise else None} for row in rows]


@register.simple_tag
def events_for_child(user, child, now: datetime, *, limit: int = 3, outcome_days: int = 90) -> dict:
    """The child's next events on the family's calendar and the latest outcome posted: one query.

    ``upcoming``: scheduled events that have not ended, soonest first; ``latest``: the most recent
    event whose outcome was posted (the issue: "the family sees it on the child's page").
    """
    from datetime import timedelta

    from django.db.models import Q

    from placements.events import policies as event_policies

    events = list(
        event_policies.family_events(user)
        .filter(child=child, status="scheduled")
        .filter(Q(ends_at__gt=now) | Q(outcome_at__gte=now - timedelta(days=outcome_days)))
        .select_related("organiser", "outcome_by")
        .order_by("starts_at")
    )
    upcoming = [event for event in events if event.ends_at > now]
    posted = [event for event in events if event.outcome_at is not None and event.ends_at <= now]
    return {"upcoming": upcoming[:limit], "more": max(len(upcoming) - limit, 0), "latest": posted[-1] if posted else None}
