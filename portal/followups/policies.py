"""The one place that says who may see or act on a promise in the ledger."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from portal.accounts.models import Role
from portal.accounts.policies import may_see_family_data

from .models import Commitment


def visible_commitments(user) -> QuerySet[Commitment]:
    """A family sees its household's promises; a worker their own; a supervisor their team's."""
    if not may_see_family_data(user):
        return Commitment.objects.none()
    if user.role == Role.RESOURCE_PARENT:
        return Commitment.objects.filter(household_id=user.household_id)
    if user.role == Role.ADMINISTRATOR:
        return Commitment.objects.all()
    if user.role == Role.SUPERVISOR:
        # Their team's, and (as an office's program manager) what their office owes: the service report's lists.
        return Commitment.objects.filter(
            Q(owner=user) | Q(owner__team__supervisor=user) | Q(covering_for=user) | Q(team__supervisor=user) | Q(office__program_manager=user)
        )
    return Commitment.objects.filter(Q(owner=user) | Q(covering_for=user))


def can_meet(user, commitment: Commitment) -> bool:
    if not may_see_family_data(user) or not user.is_agency_staff:
        return False
    return visible_commitments(user).filter(pk=commitment.pk).exists()


def can_reassign(user, commitment: Commitment) -> bool:
    return can_meet(user, commitment)


def can_chase(user, commitment: Commitment, *, now: datetime) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.RESOURCE_PARENT
        and commitment.household_id == user.household_id
        and commitment.status == Commitment.Status.OPEN
        and commitment.due_at < now
    )
