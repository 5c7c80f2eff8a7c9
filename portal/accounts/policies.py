"""Who may see and do what with people and households."""

from __future__ import annotations

from datetime import datetime

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal import business_days

from .models import Absence, Household, Role, User


def has_passed_mfa_setup(user) -> bool:
    """Staff see family data only once their account has a second factor (TOTP)."""
    if not user.is_authenticated:
        return False
    if not user.is_agency_staff:
        return True
    cached = getattr(user, "_portal_mfa", None)
    if cached is None:
        cached = user._portal_mfa = is_mfa_enabled(user)
    return cached


def may_see_family_data(user) -> bool:
    return user.is_authenticated and user.is_active and has_passed_mfa_setup(user)


def visible_households(user) -> QuerySet[Household]:
    """A family sees its own household; staff the families of their office's county and those they serve."""
    if not may_see_family_data(user):
        return Household.objects.none()
    if user.role == Role.RESOURCE_PARENT:
        return Household.objects.filter(pk=user.household_id)
    if user.role == Role.ADMINISTRATOR:
        return Household.objects.all()
    served = Q(resource_worker=user) | Q(commitments__owner=user)
    if user.role == Role.SUPERVISOR:
        served |= Q(resource_worker__team__supervisor=user) | Q(commitments__owner__team__supervisor=user)
    if user.team_id:
        served |= Q(county__offices__teams__members=user)
    return Household.objects.filter(served).distinct()


def team_members(supervisor: User) -> QuerySet[User]:
    return User.objects.filter(team__supervisor=supervisor, is_active=True).exclude(pk=supervisor.pk)


def can_record_absence(actor, worker) -> bool:
    if not may_see_family_data(actor) or not actor.is_agency_staff:
        return False
    if actor == worker or actor.role == Role.ADMINISTRATOR:
        return True
    return actor.role == Role.SUPERVISOR and worker.team_id is not None and worker.team.supervisor_id == actor.pk


def can_invite(actor, household) -> bool:
    if not may_see_family_data(actor):
        return False
    if actor.role == Role.ADMINISTRATOR:
        return True
    if actor.role in (Role.RESOURCE_WORKER, Role.SUPERVISOR):
        return visible_households(actor).filter(pk=household.pk).exists()
    return False


def current_absences(today) -> QuerySet[Absence]:
    return Absence.objects.filter(starts_on__lte=today, ends_on__gte=today, cancelled_at__isnull=True)


def covered_workers(user, now: datetime | None):
    """The colleagues ``user`` covers for today: their families' work comes to ``user``."""
    return current_absences(business_days.local_date(now or timezone.now())).filter(cover=user).values("worker")


def staff_scope(user, now: datetime | None, *, field: str) -> Q:
    """Work held by ``user`` (in ``field``), by a colleague they cover today, or, for a supervisor, by their team."""
    scope = Q(**{field: user}) | Q(**{f"{field}__in": covered_workers(user, now)})
    if user.role == Role.SUPERVISOR:
        scope |= Q(**{f"{field}__team__supervisor": user})
    return scope
