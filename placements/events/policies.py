"""Who may see and do what with events. Someone else's event is a 404 (HOUSE_STYLE §3).

- A resource family sees the events of their household (they were invited as its parents).
- Staff see events they organise, events of the children on their caseload (or of a colleague
  they cover today, or, for a supervisor, of their team), and events of the families they are
  the resource worker for; an administrator all of them.
- Outside invitees (a guardian ad litem, a therapist) have no account: they get the e-mail and
  the calendar file only.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from portal.accounts.models import Role
from portal.accounts.policies import may_see_family_data, staff_scope

from .. import policies as placement_policies
from .models import Event, Observation, VisitRequest

NOTICE_KINDS = (Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASE_PLAN_REVIEW)


def needs_notice(kind: str) -> bool:
    """Hearings, family team meetings and reviews carry the notice standard; visits are agreed with the family."""
    return kind in NOTICE_KINDS


def family_events(user) -> QuerySet[Event]:
    if not placement_policies.is_family(user):
        return Event.objects.none()
    return Event.objects.filter(household_id=user.household_id)


def staff_events(user, *, now: datetime | None = None) -> QuerySet[Event]:
    if not may_see_family_data(user) or not user.is_agency_staff or user.role == Role.FISCAL:
        return Event.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Event.objects.all()
    scope = staff_scope(user, now, field="organiser") | staff_scope(user, now, field="child__caseworker")
    scope |= staff_scope(user, now, field="household__resource_worker")
    return Event.objects.filter(scope)


def can_schedule_for_child(user, child, *, now: datetime | None = None) -> bool:
    return placement_policies.staff_children(user, now=now).filter(pk=child.pk).exists()


def can_schedule_for_household(user, household, *, now: datetime | None = None) -> bool:
    """The family's resource worker (or cover, or supervisor), or an administrator: licensing visits and the like."""
    if not may_see_family_data(user) or not user.is_agency_staff:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    from portal.accounts.models import Household

    return Household.objects.filter(staff_scope(user, now, field="resource_worker"), pk=household.pk).exists()


def can_ask_for_visit(user, household, *, child=None, now: datetime | None = None) -> bool:
    """The family's resource worker (or cover, or supervisor), or staff of a child placed there now: the caseworker's visit.

    A visit about a child is asked of the family she lives with now, never of another household.
    """
    current = placement_policies.staff_placements(user, now=now).filter(household=household, ended_on__isnull=True)
    if child is not None:
        if not child.placements.filter(household=household, ended_on__isnull=True).exists():
            return False
        current = current.filter(child=child)
    return can_schedule_for_household(user, household, now=now) or current.exists()


def can_manage_event(user, event: Event, *, now: datetime | None = None) -> bool:
    return staff_events(user, now=now).filter(pk=event.pk).exists()


def can_respond(user, event: Event) -> bool:
    return family_events(user).filter(pk=event.pk, invitees__user=user).exists()


def family_visit_requests(user) -> QuerySet[VisitRequest]:
    if not placement_policies.is_family(user):
        return VisitRequest.objects.none()
    return VisitRequest.objects.filter(household_id=user.household_id)


def staff_visit_requests(user, *, now: datetime | None = None) -> QuerySet[VisitRequest]:
    if not may_see_family_data(user) or not user.is_agency_staff:
        return VisitRequest.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return VisitRequest.objects.all()
    return VisitRequest.objects.filter(staff_scope(user, now, field="worker") | staff_scope(user, now, field="household__resource_worker"))


def can_answer_visit(user, request: VisitRequest) -> bool:
    return family_visit_requests(user).filter(pk=request.pk).exists()


def staff_observations(user, *, now: datetime | None = None) -> QuerySet[Observation]:
    return Observation.objects.filter(event__in=staff_events(user, now=now))


def family_observations(user) -> QuerySet[Observation]:
    return Observation.objects.filter(event__in=family_events(user))


def schedulable_households(user, *, now: datetime | None = None):
    """The families ``user`` may invite without naming a child: those whose resource worker they are (or cover, or supervise)."""
    from portal.accounts.models import Household

    if not may_see_family_data(user) or not user.is_agency_staff:
        return Household.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Household.objects.all()
    return Household.objects.filter(staff_scope(user, now, field="resource_worker"))
