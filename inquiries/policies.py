"""The one place that says who may see and work on inquiries.

An inquiry is seen by the resource workers of the team it was routed to, whoever holds its
promises (a cover), the supervisors of that team and of the county's office, and
administrators. Nobody else: another team, another region, caseworkers, fiscal staff -> 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import County, Role
from portal.accounts.policies import may_see_family_data
from portal.followups.models import Commitment

from .models import Inquiry


def visible_inquiries(user) -> QuerySet[Inquiry]:
    if not may_see_family_data(user) or not user.is_agency_staff:
        return Inquiry.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Inquiry.objects.all()
    scope = Q(worker=user)
    if user.role == Role.RESOURCE_WORKER:
        scope |= Q(team_id=user.team_id) if user.team_id else Q()
        scope |= Q(pk__in=Commitment.objects.filter(owner=user, subject_type__app_label="inquiries", subject_type__model="inquiry").values("subject_id"))
    if user.role == Role.SUPERVISOR:
        scope |= Q(team__supervisor=user) | Q(county__in=region_of(user))
    return Inquiry.objects.filter(scope)


def region_of(user) -> QuerySet[County]:
    """The counties a supervisor answers for: those of the offices of the teams they supervise or belong to."""
    return County.objects.filter(Q(offices__teams__supervisor=user) | Q(offices__teams__members=user)).distinct()


def can_work_on(user, inquiry: Inquiry) -> bool:
    return visible_inquiries(user).filter(pk=inquiry.pk).exists()


def can_reassign(user, inquiry: Inquiry) -> bool:
    if not can_work_on(user, inquiry):
        return False
    return user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR) or inquiry.worker_id == user.pk


def funnel_counties(user) -> QuerySet[County]:
    """The director's view: supervisors see their region, administrators every county, nobody else any."""
    if not may_see_family_data(user):
        return County.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return County.objects.all()
    if user.role == Role.SUPERVISOR:
        return region_of(user)
    return County.objects.none()
