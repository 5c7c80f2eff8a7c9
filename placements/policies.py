"""The one place that says who may see and do what with children, placements and disclosures.

- A resource family sees a child's disclosure only while the child is placed with them.
  After the placement ends they see only what they themselves wrote.
- Staff see the placements of the children in their caseload, of a colleague they cover
  today, and a supervisor those of their team's caseload; an administrator all of them.
  Whoever may see a disclosure on the staff side may also keep it up to date.
- A respite provider reads the named items of one placement through a private link, only
  between its start and end (see ``usable_respite_grant``).
Anyone else gets a 404, never a 403 (HOUSE_STYLE §3).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from portal.accounts.models import Role
from portal.accounts.policies import may_see_family_data, staff_scope

from .models import Child, NeedReferral, Placement


def is_family(user) -> bool:
    return may_see_family_data(user) and user.role == Role.RESOURCE_PARENT


def is_case_staff(user) -> bool:
    """Staff who work with children's cases: caseworkers, their supervisors, administrators."""
    return may_see_family_data(user) and user.role in (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def family_placements(user) -> QuerySet[Placement]:
    """Every placement, current or ended, of the user's household."""
    if not is_family(user):
        return Placement.objects.none()
    return Placement.objects.filter(household_id=user.household_id)


def family_current_placements(user) -> QuerySet[Placement]:
    """The placements whose disclosure the family may read: the children living with them now."""
    return family_placements(user).filter(ended_on__isnull=True)


def staff_children(user, *, now: datetime | None = None) -> QuerySet[Child]:
    if not is_case_staff(user):
        return Child.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Child.objects.all()
    return Child.objects.filter(staff_scope(user, now, field="caseworker"))


def staff_placements(user, *, now: datetime | None = None) -> QuerySet[Placement]:
    if not is_case_staff(user):
        return Placement.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Placement.objects.all()
    return Placement.objects.filter(staff_scope(user, now, field="child__caseworker"))


def family_needs(user) -> QuerySet[NeedReferral]:
    return NeedReferral.objects.filter(placement__in=family_current_placements(user))


def staff_needs(user, *, now: datetime | None = None) -> QuerySet[NeedReferral]:
    return NeedReferral.objects.filter(placement__in=staff_placements(user, now=now))


def can_place_with(user, household) -> bool:
    """Case staff may place a child they work with in any household whose licence allows it."""
    return is_case_staff(user) and household.licence_status == household.LicenceStatus.LICENSED


def can_update_disclosure(user, placement: Placement, *, now: datetime | None = None) -> bool:
    """The child's caseworker, their cover today, their supervisor or an administrator, while the child lives there."""
    return staff_placements(user, now=now).filter(pk=placement.pk, ended_on__isnull=True).exists()


def can_manage_placement(user, placement: Placement, *, now: datetime | None = None) -> bool:
    return staff_placements(user, now=now).filter(pk=placement.pk).exists()


def can_act_as_family(user, placement: Placement) -> bool:
    """Acknowledge, ask, add a note, give permission: the family the child lives with now."""
    return family_current_placements(user).filter(pk=placement.pk).exists()
