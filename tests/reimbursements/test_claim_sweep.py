"""The ledger's sweep chases fiscal staff: a claim's decision (10 business days), its payment (5), the clothing allowance (10).

Each reminds the clerk two office hours before the deadline, tells the clerk and their supervisor
at the deadline, and the office's program manager one business day later. Nothing is sent twice.
Monday 1 March 2027, 10:00 in Chicago; the office is open 08:00–17:00.
"""

from datetime import date
from decimal import Decimal

import pytest

from placements import services as placements
from portal.followups.services import sweep_commitments
from portal.notifications.models import Notification
from reimbursements import services
from reimbursements.models import Claim
from reimbursements.services import ItemInput
from tests.conftest import chicago
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

CHASING = [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR, Notification.Kind.ESCALATED]


def chased(person, standard):
    return list(
        Notification.objects.filter(recipient=person, kind__in=CHASING, commitment__standard__code=standard)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def sweep_twice(now):
    first = sweep_commitments(now=now).notifications
    assert sweep_commitments(now=now).notifications == 0, f"a second sweep at {now} sent again"
    return first


@pytest.fixture
def claim(household, fiscal_staff, resource_parent, child):
    household.fiscal_contact = fiscal_staff
    household.save()
    child.placements.update(started_on=date(2027, 1, 4))
    return services.submit_claim(
        user=resource_parent, kind=Claim.Kind.MILEAGE, child=child, now=chicago(2027, 3, 1, 10, 0),
        items=[ItemInput(on=date(2027, 2, 26), description="Family team meeting", miles=Decimal("20"), from_place="Home", to_place="Jackson office")],
    )


def test_an_undecided_claim_reminds_the_clerk_then_tells_the_supervisor_then_the_program_manager(claim, fiscal_staff, supervisor, office):
    decision = "reimbursement-decision"
    assert sweep_twice(chicago(2027, 3, 15, 14, 59)) == 0
    assert sweep_twice(chicago(2027, 3, 15, 15, 0)) == 1  # two office hours before Monday the 15th, 17:00
    assert sweep_twice(chicago(2027, 3, 15, 17, 0)) == 2
    assert sweep_twice(chicago(2027, 3, 16, 17, 0)) == 1

    assert chased(fiscal_staff, decision) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, decision) == [Notification.Kind.OVERDUE_SUPERVISOR]
    assert chased(office.program_manager, decision) == [Notification.Kind.ESCALATED]


def test_a_claim_decided_in_time_is_not_chased_and_its_payment_is_chased_instead(claim, fiscal_staff, supervisor):
    services.approve_claim(actor=fiscal_staff, claim=claim, now=chicago(2027, 3, 2, 9, 0))

    # The payment is due five business days after approval: Tuesday 9 March, 17:00.
    for moment in (chicago(2027, 3, 9, 15, 0), chicago(2027, 3, 9, 17, 0), chicago(2027, 3, 15, 17, 0)):
        sweep_twice(moment)

    assert chased(fiscal_staff, "reimbursement-decision") == []
    assert chased(fiscal_staff, "payment-after-approval") == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, "payment-after-approval") == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_a_paid_claim_is_never_chased(claim, fiscal_staff):
    services.approve_claim(actor=fiscal_staff, claim=claim, now=chicago(2027, 3, 2, 9, 0))
    services.mark_claim_paid(actor=fiscal_staff, claim=claim, paid_on=date(2027, 3, 3), payment_number="EFT-1", now=chicago(2027, 3, 3, 9, 0))
    assert sweep_twice(chicago(2027, 3, 31, 17, 0)) == 0
    assert Notification.objects.filter(kind__in=CHASING).count() == 0


def test_the_clothing_allowance_is_chased_from_the_day_of_placement(caseworker, household, fiscal_staff, supervisor):
    household.fiscal_contact = fiscal_staff
    household.save()
    child = ChildFactory(first_name="Ana", date_of_birth=date(2016, 4, 2), caseworker=caseworker)
    placements.place_children(
        actor=caseworker, household=household, children=[child], started_on=date(2027, 3, 1), medication={child.pk: "none_taken"}, now=chicago(2027, 3, 1, 10, 0)
    )
    allowance = Claim.objects.get(kind=Claim.Kind.CLOTHING, child=child)
    assert (allowance.status, allowance.amount) == (Claim.Status.APPROVED, Decimal("300.00"))

    for moment in (chicago(2027, 3, 15, 15, 0), chicago(2027, 3, 15, 17, 0)):  # due Monday 15 March, 17:00
        sweep_twice(moment)
    assert chased(fiscal_staff, "clothing-allowance") == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, "clothing-allowance") == [Notification.Kind.OVERDUE_SUPERVISOR]
