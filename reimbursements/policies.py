"""The one place that says who may see and do what with a family's money.

- A resource family sees the board payments and claims of its own household, nothing else.
- Fiscal staff see and work every claim and board payment (the fiscal unit serves the whole
  agency), and never a child's disclosure (placements' policies do not admit them).
- A supervisor of a team with fiscal clerks is the fiscal supervisor: sees what they see,
  receives escalations from the ledger, reassigns. An administrator may do everything.
- Caseworkers and resource workers do not see payments: families ask fiscal staff directly.
Anyone else gets a 404, never a 403 (HOUSE_STYLE §3).
"""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import Role, User
from portal.accounts.policies import may_see_family_data

from .models import BoardPayment, Claim, Receipt


def is_family(user) -> bool:
    return may_see_family_data(user) and user.role == Role.RESOURCE_PARENT and user.household_id is not None


def is_fiscal_supervisor(user) -> bool:
    return (
        may_see_family_data(user)
        and user.role == Role.SUPERVISOR
        and User.objects.filter(team__supervisor=user, role=Role.FISCAL, is_active=True).exists()
    )


def is_fiscal(user) -> bool:
    """Fiscal clerks, their supervisor and administrators: the people who move money."""
    if not may_see_family_data(user):
        return False
    return user.role in (Role.FISCAL, Role.ADMINISTRATOR) or is_fiscal_supervisor(user)


def fiscal_clerks() -> QuerySet[User]:
    return User.objects.filter(role=Role.FISCAL, is_active=True).order_by("last_name", "first_name")


def family_claims(user) -> QuerySet[Claim]:
    if not is_family(user):
        return Claim.objects.none()
    return Claim.objects.filter(household_id=user.household_id)


def family_board_payments(user) -> QuerySet[BoardPayment]:
    if not is_family(user):
        return BoardPayment.objects.none()
    return BoardPayment.objects.filter(household_id=user.household_id)


def staff_claims(user) -> QuerySet[Claim]:
    return Claim.objects.all() if is_fiscal(user) else Claim.objects.none()


def staff_board_payments(user) -> QuerySet[BoardPayment]:
    return BoardPayment.objects.all() if is_fiscal(user) else BoardPayment.objects.none()


def visible_claims(user) -> QuerySet[Claim]:
    return family_claims(user) if is_family(user) else staff_claims(user)


def visible_receipts(user) -> QuerySet[Receipt]:
    return Receipt.objects.filter(claim__in=visible_claims(user))


def can_claim_for(user, household) -> bool:
    return is_family(user) and user.household_id == household.pk


def can_change_claim(user, claim: Claim) -> bool:
    """The family fixes and resubmits a claim only when fiscal staff asked for more information."""
    return can_claim_for(user, claim.household) and claim.status == Claim.Status.MORE_INFO


def can_work_claims(user) -> bool:
    return is_fiscal(user)


def can_reassign(user) -> bool:
    """Any fiscal clerk may hand a claim to a colleague (or take it); so may their supervisor."""
    return is_fiscal(user)
