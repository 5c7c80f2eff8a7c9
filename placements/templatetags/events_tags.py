"""Display helpers for the event pages (court hearings, meetings, reviews, visits).

Each helper costs a fixed number of queries for the whole page, never one per event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django import template

register = template.Library()

HELP_STANDARD = "event-help"
OUTCOME_STANDARD = "hearing-outcome"


def _open_promises(model, ids, code: str):
    """Open ledger rows of one standard for many subjects of one model: subject id → commitment."""
    from django.contrib.contenttypes.models import ContentType

    from portal.followups.models import Commitment

    if not ids:
        return {}
    rows = Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), subject_id__in=list(ids), status=Commitment.Status.OPEN, standard__code=code
    ).select_related("owner")
    return {row.subject_id: row for row in rows}


@register.simple_tag
def staff_event_rows(events) -> list[dict]:
    """Each event of the staff calendar with its answers counted, help still to arrange and the outcome promise.

    Three queries for the page, however many events it lists.
    """
    from placements.events.models import Event, Invitee

    events = list(events)
    ids = [event.pk for event in events]
    invitees = list(Invitee.objects.filter(event_id__in=ids).values_list("pk", "event_id", "response")) if ids else []
    counts: dict[int, Counter] = defaultdict(Counter)
    for _pk, event_id, response in invitees:
        counts[event_id][response or ""] += 1
    help_open = _open_promises(Invitee, [pk for pk, _e, response in invitees if response in (Invitee.Response.TRANSPORT, Invitee.Response.CHILD_CARE)], HELP_STANDARD)
    help_by_event: dict[int, list] = defaultdict(list)
    for pk, event_id, _response in invitees:
        if pk in help_open:
            help_by_event[event_id].append(help_open[pk])
    outcome_open = _open_promises(Event, [event.pk for event in events if event.expects_outcome and not event.outcome_at], OUTCOME_STANDARD)
    labels = dict(Invitee.Response.choices)
    rows = []
    for event in events:
        counted = counts[event.pk]
        help_promises = sorted(help_by_event[event.pk], key=lambda promise: promise.due_at)
        rows.append(
            {
                "event": event,
                "answers": [(labels[value], counted[value]) for value in Invitee.Response.values if counted[value]],
                "unanswered": counted[""],
                "invited": sum(counted.values()),
                "help": help_promises[0] if help_promises else None,
                "help_count": len(help_promises),
                "outcome_promise": outcome_open.get(event.pk),
            }
        )
    return rows


@register.simple_tag
def promise_for(subject, code: str):
    """The open promise of one standard about one record (who owes it, by when), or None."""
    if subject is None:
        return None
    return _open_promises(type(subject), [subject.pk], code).get(subject.pk)


@register.simple_tag
def month_links(month: date) -> dict:
    """?month= values for the months before and after the one shown."""
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {"previous": previous, "next": following, "previous_param": f"{previous:%Y-%m}", "next_param": f"{following:%Y-%m}"}


@register.filter
def month_events(weeks) -> list:
    """The month's days that have events, in order, for the full list under the grid."""
    return [day for week in weeks for day in week if day.in_month and day.events]


@register.filter
def first_of(value):
    """The first item of a list, or None (an event's ``my_invitation`` is a prefetched list)."""
    return value[0] if value else None


@register.filter
def family_slots(slots) -> list:
    """The visit times the family offered (not those the worker proposed)."""
    return [slot for slot in slots if from_family(slot)]


@register.filter
def from_family(slot) -> bool:
    """A visit time offered by the resource family (as opposed to one proposed by the worker)."""
    return getattr(slot.offered_by, "role", "") == "resource_parent"


@register.simple_tag
def with_outcome_promises(events) -> list[dict]:
    """Past events with the open "post the outcome" promise of each (one query for the list)."""
    from placements.events.models import Event

    events = list(events)
    promises = _open_promises(Event, [event.pk for event in events if event.expects_outcome and not event.outcome_at], OUTCOME_STANDARD)
    return [{"event": event, "promise": promises.get(event.pk)} for event in events]


@register.simple_tag
def write_about_url(event) -> str:
    """A new message about this event, under the topic that reaches the right person (messaging.routing's choice values)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if event.kind == "licensing_visit":
        about = "licensing"
    else:
        topic = "court" if event.expects_outcome else "child"
        about = f"{topic}:{event.child._meta.label_lower}:{event.child_id}" if event.child_id else ("court" if event.expects_outcome else "other")
    return f"{reverse('messaging:new')}?{urlencode({'about': about})}"


@register.simple_tag
def split_by_end(rows, now) -> dict:
    """Rows of events still to come (soonest first) and of those that ended (latest first)."""
    return {
        "upcoming": [row for row in rows if row["event"].ends_at > now],
        "past": [row for row in reversed(rows) if row["event"].ends_at <= now],
    }
