"""Board payments: nights counted exactly, rates applied night by night, a month generated once.

Rates are the seeded ones (basic: $25.50 a night to age 5, $27.75 from 6 to 12, $30.25 from 13),
effective 1 July 2025. The arrival day counts, the leaving day does not.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from placements import services as placements
from portal.audit.models import AuditEntry
from portal.followups.models import ClosureDay
from reimbursements import services
from reimbursements.models import BoardPayment, BoardRate, LevelOfCare, PlacementCare
from tests.conftest import chicago
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2028, 3, 10, 9, 0)


def _place(household, *, born=date(2019, 6, 1), started_on, ended_on=None, level=None):
    placement = PlacementFactory(child=ChildFactory(date_of_birth=born), household=household, started_on=started_on, ended_on=ended_on)
    if level:
        PlacementCare.objects.create(placement=placement, level_of_care=level)
    return placement


def _month(placement, month) -> BoardPayment:
    services.generate_board_payments(month=month, now=NOW)
    return BoardPayment.objects.get(placement=placement, month=month)


def test_the_arrival_day_counts_and_the_leaving_day_does_not(household):
    placement = _place(household, started_on=date(2027, 10, 20), ended_on=date(2027, 11, 3))

    october, november = _month(placement, date(2027, 10, 1)), _month(placement, date(2027, 11, 1))

    assert (october.nights, october.amount) == (12, Decimal("333.00"))  # 20–31 October at $27.75
    assert (november.nights, november.amount) == (2, Decimal("55.50"))  # the 1st and 2nd; she left on the 3rd


def test_a_leap_february_pays_29_nights(household):
    placement = _place(household, started_on=date(2028, 1, 15))
    february = _month(placement, date(2028, 2, 1))
    assert (february.nights, february.amount) == (29, Decimal("804.75"))


def test_a_rate_that_changes_mid_month_splits_the_month_at_the_new_rate(household):
    BoardRate.objects.create(level_of_care=LevelOfCare.BASIC, min_age=6, max_age=12, daily_rate=Decimal("29.10"), effective_from=date(2027, 11, 15))
    placement = _place(household, started_on=date(2027, 9, 1))

    november = _month(placement, date(2027, 11, 1))

    assert [(s["from"], s["to"], s["nights"], s["daily_rate"]) for s in november.breakdown] == [
        ("2027-11-01", "2027-11-14", 14, "27.75"),
        ("2027-11-15", "2027-11-30", 16, "29.10"),
    ]
    assert november.amount == Decimal("388.50") + Decimal("465.60")


def test_a_birthday_mid_month_moves_the_child_to_the_next_age_band_that_night(household):
    placement = _place(household, born=date(2014, 11, 20), started_on=date(2027, 9, 1))  # turns 13 on 20 November 2027

    november = _month(placement, date(2027, 11, 1))

    assert [(s["nights"], s["daily_rate"]) for s in november.breakdown] == [(19, "27.75"), (11, "30.25")]
    assert november.amount == Decimal("527.25") + Decimal("332.75")


def test_the_level_of_care_sets_the_rate(household):
    placement = _place(household, started_on=date(2027, 9, 1), level=LevelOfCare.SPECIALIZED)
    assert _month(placement, date(2027, 11, 1)).amount == Decimal("52.50") * 30


def test_generating_a_month_twice_creates_and_changes_nothing_the_second_time(household):
    placements_ = [_place(household, started_on=date(2027, 10, day)) for day in (1, 10, 31)]
    first = services.generate_board_payments(month=date(2027, 10, 1), now=NOW)
    rows = list(BoardPayment.objects.order_by("pk").values_list("pk", "nights", "amount", "status"))

    second = services.generate_board_payments(month=date(2027, 10, 1), now=NOW)

    assert (first.created, second.created, second.adjusted, second.unchanged) == (3, 0, 0, 3)
    assert list(BoardPayment.objects.order_by("pk").values_list("pk", "nights", "amount", "status")) == rows
    assert sorted(row[1] for row in rows) == [1, 22, 31] and len(placements_) == 3


def test_an_ended_placement_adjusts_the_unpaid_month_and_says_why(caseworker, household):
    child = ChildFactory(date_of_birth=date(2019, 6, 1), caseworker=caseworker)
    [placement] = placements.place_children(
        actor=caseworker, household=household, children=[child], started_on=date(2028, 3, 1), medication={child.pk: "none_taken"}, now=chicago(2028, 3, 1, 9, 0)
    )
    march = _month(placement, date(2028, 3, 1))
    assert march.nights == 31

    placements.end_placement(actor=caseworker, placement=placement, ended_on=date(2028, 3, 9), end_reason="reunified", now=NOW)

    march.refresh_from_db()
    assert (march.nights, march.amount) == (8, Decimal("222.00"))
    assert "The placement ended on" in march.history.last().note and "Was $860.25, now $222.00." in march.history.last().note
    assert AuditEntry.objects.filter(action="board.adjusted", object_id=str(march.pk)).count() == 1


def test_a_month_already_approved_is_never_changed_only_flagged_once(caseworker, fiscal_staff, household):
    placement = _place(household, started_on=date(2028, 2, 1))
    february = _month(placement, date(2028, 2, 1))
    services.move_board_payments(actor=fiscal_staff, payments=[february], to=BoardPayment.Status.APPROVED, now=NOW)
    placement.ended_on = date(2028, 2, 10)
    placement.save()

    for _ in range(2):
        services.generate_board_payments(month=date(2028, 2, 1), now=NOW)

    february.refresh_from_db()
    assert (february.status, february.nights, february.amount) == (BoardPayment.Status.APPROVED, 29, Decimal("804.75"))
    assert february.history.filter(note__contains="fiscal staff will settle the difference").count() == 1


def test_a_child_without_a_date_of_birth_is_held_with_a_plain_reason_and_released_when_it_is_known(household):
    placement = _place(household, born=None, started_on=date(2027, 10, 1))
    october = _month(placement, date(2027, 10, 1))
    assert october.status == BoardPayment.Status.HELD and "No board rate is set" in october.reason

    placement.child.date_of_birth = date(2019, 6, 1)
    placement.child.save()
    october = _month(placement, date(2027, 10, 1))

    assert (october.status, october.reason, october.amount) == (BoardPayment.Status.SCHEDULED, "", Decimal("860.25"))


def test_board_is_expected_on_the_fifth_business_day_of_the_next_month_skipping_holidays(household):
    ClosureDay.objects.create(day=date(2028, 1, 4), reason="Ice storm")
    placement = _place(household, started_on=date(2027, 12, 1))
    december = _month(placement, date(2027, 12, 1))
    # January 2028: the 1st and 2nd are a weekend (New Year's Day is observed on Friday 31 December),
    # the office is closed on Tuesday the 4th: Monday 3, Wednesday 5, Thursday 6, Friday 7, Monday 10.
    assert december.expected_on == date(2028, 1, 10)


def test_moving_many_payments_is_all_or_nothing_and_a_hold_needs_a_reason(fiscal_staff, household):
    a = _month(_place(household, started_on=date(2027, 10, 1)), date(2027, 10, 1))
    b = _month(_place(household, started_on=date(2027, 10, 1)), date(2027, 10, 1))
    services.move_board_payments(actor=fiscal_staff, payments=[a], to=BoardPayment.Status.APPROVED, now=NOW)

    with pytest.raises(ValidationError, match="cannot be marked"):
        services.move_board_payments(actor=fiscal_staff, payments=[a, b], to=BoardPayment.Status.SENT, now=NOW)
    with pytest.raises(ValidationError):
        services.move_board_payments(actor=fiscal_staff, payments=[b], to=BoardPayment.Status.HELD, reason="  ", now=NOW)

    assert list(BoardPayment.objects.order_by("pk").values_list("status", flat=True)) == ["approved", "scheduled"]
    services.move_board_payments(actor=fiscal_staff, payments=[b], to=BoardPayment.Status.HELD, reason="The licence renewal is late.", now=NOW)
    b.refresh_from_db()
    assert (b.status, b.reason) == ("held", "The licence renewal is late.")
    assert AuditEntry.objects.filter(action="board.status", actor=fiscal_staff).count() == 2
