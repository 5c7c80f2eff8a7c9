"""Correcting a placement's dates: a reason is required, overlaps are refused, and the board follows.

Mr. Reed placed Ana with the Garcia family on Monday 1 March 2027 but she really arrived on
Thursday 25 February. Correcting it adds February's nights to the board; a wrong end date is
fixed the same way. What is already paid is never changed, only flagged for fiscal staff.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from placements import services
from placements.models import Placement
from portal.audit.models import AuditEntry
from reimbursements import services as money
from reimbursements.models import BoardPayment
from tests.conftest import chicago
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

MARCH_1 = chicago(2027, 3, 1, 10, 0)
MARCH_10 = chicago(2027, 3, 10, 10, 0)


@pytest.fixture
def ana(caseworker):
    return ChildFactory(first_name="Ana", last_name="Diaz", date_of_birth=date(2020, 5, 5), caseworker=caseworker)


@pytest.fixture
def placement(caseworker, household, ana):
    [placement] = services.place_children(
        actor=caseworker, household=household, children=[ana], started_on=MARCH_1.date(),
        medication={ana.pk: Placement.Medication.NONE_TAKEN}, now=MARCH_1,
    )
    money.generate_due_board_payments(now=MARCH_10)
    return placement


def _board(placement, month):
    return BoardPayment.objects.get(placement=placement, month=month)


def test_an_earlier_start_adds_the_missing_nights_to_the_board_with_the_reason(caseworker, placement):
    assert not BoardPayment.objects.filter(placement=placement, month=date(2027, 2, 1)).exists()

    services.correct_placement_dates(
        actor=caseworker, placement=placement, started_on=date(2027, 2, 25), ended_on=None, why="She arrived on the 25th; recorded late", now=MARCH_10
    )

    february = _board(placement, date(2027, 2, 1))
    assert (february.nights, february.amount) == (4, Decimal("111.00"))  # 25–28 February, age 6: $27.75 a night
    assert AuditEntry.objects.filter(action="placement.dates_corrected", object_id=str(placement.pk), actor=caseworker).count() == 1


def test_a_corrected_end_recalculates_the_unpaid_month_and_says_why(caseworker, placement):
    services.end_placement(actor=caseworker, placement=placement, ended_on=date(2027, 3, 8), end_reason="reunified", now=MARCH_10)
    march = _board(placement, date(2027, 3, 1))
    assert march.nights == 7

    services.correct_placement_dates(
        actor=caseworker, placement=placement, started_on=date(2027, 3, 1), ended_on=date(2027, 3, 9), why="She went home on the 9th", now=MARCH_10
    )

    march.refresh_from_db()
    assert (march.nights, march.amount) == (8, Decimal("222.00"))
    assert "She went home on the 9th" in march.history.last().note


def test_a_paid_month_is_not_changed_but_flagged_for_fiscal_staff(caseworker, fiscal_staff, placement):
    march = _board(placement, date(2027, 3, 1))
    money.move_board_payments(actor=fiscal_staff, payments=[march], to=BoardPayment.Status.APPROVED, now=MARCH_10)
    services.end_placement(actor=caseworker, placement=placement, ended_on=date(2027, 3, 8), end_reason="reunified", now=MARCH_10)

    march.refresh_from_db()
    assert (march.status, march.nights) == (BoardPayment.Status.APPROVED, 31)
    assert "fiscal staff will settle the difference" in march.history.last().note


@pytest.mark.parametrize(
    "started_on, ended_on, why, field",
    [
        (date(2027, 2, 25), None, "   ", "why"),
        (date(2027, 3, 1), None, "No change", "started_on"),
        (date(2027, 4, 1), None, "Typed the wrong month", "started_on"),
        (date(2027, 2, 25), date(2027, 3, 5), "Ended early", "ended_on"),
    ],
)
def test_a_correction_without_a_reason_without_a_change_in_the_future_or_ending_it_is_refused(caseworker, placement, started_on, ended_on, why, field):
    with pytest.raises(ValidationError) as refused:
        services.correct_placement_dates(actor=caseworker, placement=placement, started_on=started_on, ended_on=ended_on, why=why, now=MARCH_10)
    assert field in refused.value.message_dict
    placement.refresh_from_db()
    assert (placement.started_on, placement.ended_on) == (date(2027, 3, 1), None)


def test_dates_that_overlap_the_childs_earlier_family_are_refused(caseworker, ana, household):
    earlier = HouseholdFactory(name="The Brown family", county=household.county)
    [first] = services.place_children(
        actor=caseworker, household=earlier, children=[ana], started_on=date(2027, 2, 1), medication={ana.pk: "none_taken"}, now=chicago(2027, 2, 1, 9, 0)
    )
    services.end_placement(actor=caseworker, placement=first, ended_on=date(2027, 2, 20), end_reason="moved", now=chicago(2027, 2, 20, 9, 0))
    [second] = services.place_children(
        actor=caseworker, household=household, children=[ana], started_on=date(2027, 2, 20), medication={ana.pk: "none_taken"}, now=chicago(2027, 2, 20, 10, 0)
    )

    with pytest.raises(ValidationError, match="The Brown family"):
        services.correct_placement_dates(actor=caseworker, placement=second, started_on=date(2027, 2, 15), ended_on=None, why="Typo", now=MARCH_10)


def test_only_staff_on_the_childs_case_may_correct_dates(resource_parent, fiscal_staff, placement):
    for person in (resource_parent, fiscal_staff):
        with pytest.raises(PermissionDenied):
            services.correct_placement_dates(actor=person, placement=placement, started_on=date(2027, 2, 25), ended_on=None, why="x", now=MARCH_10)
