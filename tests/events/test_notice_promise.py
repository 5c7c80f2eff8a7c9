"""A hearing's invitation is the notice the family is owed: kept on time or late, it is a promise the service report counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from placements.events import services
from placements.events.models import Event
from portal import business_days
from portal.followups.models import Commitment
from portal.reports import selectors
from portal.reports.policies import report_scope
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2027, 3, 1, 9, 0)


def _schedule(caseworker, child, starts_at, kind=Event.Kind.COURT_HEARING):
    return services.schedule_event(
        actor=caseworker, kind=kind, child=child, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), now=MONDAY_9,
        place="Hinds County Youth Court", hearing_type=Event.HearingType.REVIEW if kind == Event.Kind.COURT_HEARING else "",
    )


def test_the_notice_deadline_is_the_start_of_the_earliest_of_the_business_days_it_must_leave():
    # Five business days before Tuesday 9 March: 8, 5, 4, 3 and 2 March; notice on Monday the 1st still counts them all.
    assert business_days.notice_deadline(chicago(2027, 3, 9, 10), 5) == chicago(2027, 3, 2, 0, 0)
    assert business_days.business_days_of_notice(chicago(2027, 3, 1, 23, 59), chicago(2027, 3, 9, 10)) == 5
    assert business_days.business_days_of_notice(chicago(2027, 3, 2, 0, 0), chicago(2027, 3, 9, 10)) == 4


def test_an_invitation_in_good_time_is_a_promise_kept_and_a_late_one_a_promise_kept_late(service_standards, caseworker, child, supervisor):
    on_time = _schedule(caseworker, child, chicago(2027, 3, 9, 10))
    late = _schedule(caseworker, child, chicago(2027, 3, 4, 10))  # three business days' notice
    kept = Commitment.objects.filter(standard__code="event-notice")
    assert {(c.subject_id, c.status, c.late) for c in kept} == {(on_time.pk, "met", False), (late.pk, "met", True)}
    assert late.late_notice and not on_time.late_notice
    # The late one's deadline (the start of 25 February) falls in February: it counts there, like every promise.
    assert late.pk == Commitment.objects.get(standard__code="event-notice", due_at=chicago(2027, 2, 25, 0, 0)).subject_id
    february_and_march = selectors.Period(date(2027, 2, 1), date(2027, 3, 1))
    rows = selectors.by_standard(selectors.promises_in(february_and_march, report_scope(supervisor)), now=MONDAY_9)
    notices = next(row for row in rows if row.key == "event-notice")
    assert (notices.promises, notices.on_time, notices.late, str(notices.percent)) == (2, 1, 1, "50.0")


def test_a_visit_that_needs_no_notice_makes_no_promise(service_standards, caseworker, child):
    _schedule(caseworker, child, chicago(2027, 3, 2, 10), kind=Event.Kind.BIRTH_FAMILY_VISIT)
    assert not Commitment.objects.filter(standard__code="event-notice").exists()
