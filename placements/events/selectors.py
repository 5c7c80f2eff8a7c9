"""Reads for the event pages, scoped by events/policies.py, with the joins each page needs.

The family's calendar costs the same number of queries for 2 or 200 events (tests/events/test_queries.py).
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal import business_days
from portal.followups.models import Commitment
from portal.followups.services import open_commitments_for

from . import policies
from .models import Event, Invitee, Observation, VisitRequest, VisitSlot

_EVENT_JOINS = ("child", "household", "organiser__team__supervisor")


def _with_my_invitation(events: QuerySet[Event], user) -> QuerySet[Event]:
    return events.select_related(*_EVENT_JOINS).prefetch_related(
        Prefetch("invitees", queryset=Invitee.objects.filter(user=user), to_attr="my_invitation")
    )


def family_calendar(user, *, now: datetime, past_days: int = 60) -> QuerySet[Event]:
    """Upcoming events first, then those of the last two months (their outcomes)."""
    return _with_my_invitation(policies.family_events(user).filter(starts_at__gte=now - timedelta(days=past_days)), user).order_by("starts_at")


@dataclass
class Day:
    day: date
    in_month: bool
    events: list[Event] = field(default_factory=list)


def month_grid(user, *, month: date) -> list[list[Day]]:
    """Weeks of the month (Monday first) with the family's events on their local day: one query."""
    first = month.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    zone = business_days.agency_zone()
    window_start = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    window_end = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    days = {start + timedelta(days=offset): Day(start + timedelta(days=offset), (start + timedelta(days=offset)).month == first.month) for offset in range((end - start).days + 1)}
    events = _with_my_invitation(policies.family_events(user).filter(starts_at__gte=window_start, starts_at__lt=window_end), user)
    for event in events.order_by("starts_at"):
        days[business_days.local_date(event.starts_at)].events.append(event)
    ordered = [days[key] for key in sorted(days)]
    return [ordered[index : index + 7] for index in range(0, len(ordered), 7)]


def family_event(user, pk: int) -> Event:
    return get_object_or_404(_with_my_invitation(policies.family_events(user), user), pk=pk)


def my_observations(user, event: Event) -> QuerySet[Observation]:
    return event.observations.filter(written_by__household_id=user.household_id).select_related("written_by", "acknowledged_by").prefetch_related("files")


def help_promise(invitee: Invitee | None) -> Commitment | None:
    if invitee is None:
        return None
    return open_commitments_for(invitee).select_related("owner").first()


def staff_calendar(user, *, now: datetime, past_days: int = 14) -> QuerySet[Event]:
    return (
        policies.staff_events(user, now=now)
        .filter(starts_at__gte=now - timedelta(days=past_days))
        .select_related(*_EVENT_JOINS)
        .order_by("starts_at")
    )


def staff_event(user, pk: int, *, now: datetime) -> Event:
    return get_object_or_404(
        policies.staff_events(user, now=now)
        .select_related(*_EVENT_JOINS)
        .prefetch_related(
            Prefetch("invitees", queryset=Invitee.objects.select_related("user")),
            Prefetch("observations", queryset=Observation.objects.select_related("written_by", "acknowledged_by").prefetch_related("files")),
        ),
        pk=pk,
    )


def staff_observation(user, pk: int, *, now: datetime) -> Observation:
    return get_object_or_404(policies.staff_observations(user, now=now).select_related("event"), pk=pk)


def staff_invitee(user, pk: int, *, now: datetime) -> Invitee:
    return get_object_or_404(Invitee.objects.filter(event__in=policies.staff_events(user, now=now)).select_related("event"), pk=pk)


def observation_file(user, pk: int, *, now: datetime):
    """A file the family attached: for the family who sent it and the staff who see the event."""
    from .models import ObservationFile

    if user.is_agency_staff:
        return get_object_or_404(ObservationFile.objects.filter(observation__in=policies.staff_observations(user, now=now)), pk=pk)
    return get_object_or_404(ObservationFile.objects.filter(observation__in=policies.family_observations(user)), pk=pk)


def family_visit_requests(user) -> QuerySet[VisitRequest]:
    return policies.family_visit_requests(user).select_related("worker", "event").prefetch_related(
        Prefetch("slots", queryset=VisitSlot.objects.select_related("offered_by"))
    )


def family_visit_request(user, pk: int) -> VisitRequest:
    return get_object_or_404(family_visit_requests(user), pk=pk)


def staff_visit_requests(user, *, now: datetime) -> QuerySet[VisitRequest]:
    return policies.staff_visit_requests(user, now=now).select_related("household", "worker", "event").prefetch_related(
        Prefetch("slots", queryset=VisitSlot.objects.select_related("offered_by"))
    )


def staff_visit_request(user, pk: int, *, now: datetime) -> VisitRequest:
    return get_object_or_404(staff_visit_requests(user, now=now), pk=pk)


def visit_slot(request: VisitRequest, pk: int) -> VisitSlot:
    if not str(pk).isdigit():
        raise Http404  # a button value someone edited: not a slot, and not a 500
    return get_object_or_404(VisitSlot.objects.select_related("offered_by", "request"), pk=pk, request=request)


def late_invitations(user, *, now: datetime, days: int = 91) -> QuerySet[Event]:
    """Hearings, meetings and reviews invited to with less notice than the standard (the service report counts them)."""
    return (
        policies.staff_events(user, now=now)
        .filter(late_notice=True, created_at__gte=now - timedelta(days=days))
        .select_related(*_EVENT_JOINS)
        .order_by("-created_at")
    )
