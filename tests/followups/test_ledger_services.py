"""Opening, meeting, handing over, cancelling and chasing promises in the ledger."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messaging.models import ContactRecord
from portal.audit.models import AuditEntry
from portal.followups.models import Commitment, CommitmentEvent, Step
from portal.followups.services import (
    UnknownStandard,
    cancel_commitment,
    chase_commitment,
    meet_commitment,
    open_commitment,
    reassign_commitment,
)
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def test_opening_stores_the_calendar_deadline_and_the_first_step(open_promise):
    promise = open_promise(chicago(2027, 5, 28, 16, 30))
    assert promise.due_at == chicago(2027, 6, 1, 17, 0)
    assert promise.remind_at == chicago(2027, 6, 1, 15, 0)
    assert promise.escalate_at == chicago(2027, 6, 2, 17, 0)
    assert (promise.next_step, promise.next_step_at) == (Step.REMIND, promise.remind_at)
    assert promise.events.get().kind == CommitmentEvent.Kind.OPENED


def test_unknown_standard_is_a_clear_error_and_saves_nothing(household, caseworker):
    record = ContactRecord.objects.create(
        household=household, kind="call", received_at=chicago(2027, 3, 1, 9), summary="x", recorded_by=caseworker
    )
    with pytest.raises(UnknownStandard, match="no service standard with the code 'call-me-maybe'"):
        open_commitment(standard="call-me-maybe", subject=record, owner=caseworker, household=household)
    assert not Commitment.objects.exists()


def test_a_promise_must_be_owed_to_someone(household, caseworker):
    record = ContactRecord.objects.create(
        household=household, kind="call", received_at=chicago(2027, 3, 1, 9), summary="x", recorded_by=caseworker
    )
    with pytest.raises(ValidationError):
        open_commitment(standard="return-call", subject=record, owner=caseworker)


def test_meeting_on_time_is_not_late_and_meeting_twice_keeps_the_first(open_promise, caseworker, colleague):
    promise = open_promise(chicago(2027, 3, 1, 9))
    first = meet_commitment(commitment=promise, actor=caseworker, now=chicago(2027, 3, 2, 10))
    again = meet_commitment(commitment=promise, actor=caseworker, now=chicago(2027, 3, 5, 10))
    assert first.status == again.status == Commitment.Status.MET
    assert again.met_at == chicago(2027, 3, 2, 10)
    assert again.late is False
    assert again.next_step_at is None
    assert promise.events.filter(kind=CommitmentEvent.Kind.MET).count() == 1


def test_meeting_after_the_deadline_is_recorded_as_late(open_promise, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    assert meet_commitment(commitment=promise, actor=caseworker, now=chicago(2027, 3, 3, 9)).late is True


def test_a_family_cannot_mark_its_own_promise_met(open_promise, resource_parent):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(PermissionDenied):
        meet_commitment(commitment=promise, actor=resource_parent)


def test_a_worker_from_outside_cannot_meet_someone_elses_promise(open_promise, fiscal_staff):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(PermissionDenied):
        meet_commitment(commitment=promise, actor=fiscal_staff)


def test_handing_over_keeps_the_deadline_and_the_history(open_promise, caseworker, colleague):
    promise = open_promise(chicago(2027, 3, 1, 9))
    due = promise.due_at
    reassign_commitment(commitment=promise, to_owner=colleague, actor=caseworker, note="I am in court", now=chicago(2027, 3, 1, 10))
    promise.refresh_from_db()
    assert promise.owner == colleague and promise.due_at == due
    event = promise.events.get(kind=CommitmentEvent.Kind.REASSIGNED)
    assert (event.from_owner, event.to_owner, event.note) == (caseworker, colleague, "I am in court")
    assert Notification.objects.filter(recipient=colleague, kind=Notification.Kind.REASSIGNED).count() == 1


def test_a_promise_cannot_be_handed_to_a_family(open_promise, caseworker, resource_parent):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(ValidationError):
        reassign_commitment(commitment=promise, to_owner=resource_parent, actor=caseworker)


def test_cancelling_needs_a_reason(open_promise, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(ValidationError):
        cancel_commitment(commitment=promise, actor=caseworker, reason="   ")
    cancel_commitment(commitment=promise, actor=caseworker, reason="The family withdrew the request")
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.CANCELLED
    assert promise.cancelled_reason == "The family withdrew the request"
    entry = AuditEntry.objects.get(action="commitment.cancelled")
    assert (entry.actor, entry.household_id, entry.object_id) == (caseworker, promise.household_id, str(promise.pk))


def test_still_waiting_tells_the_supervisor_once(open_promise, resource_parent, supervisor, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    first = chase_commitment(commitment=promise, actor=resource_parent, now=chicago(2027, 3, 3, 19))
    second = chase_commitment(commitment=promise, actor=resource_parent, now=chicago(2027, 3, 3, 20))
    assert first.notified and not second.notified
    assert second.chased_at == chicago(2027, 3, 3, 19)
    chased = Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED)
    assert sorted(n.recipient.email for n in chased) == [caseworker.email, supervisor.email]


def test_still_waiting_is_refused_before_the_deadline(open_promise, resource_parent):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(PermissionDenied):
        chase_commitment(commitment=promise, actor=resource_parent, now=chicago(2027, 3, 2, 16))


def test_another_family_cannot_chase_a_promise_that_is_not_theirs(open_promise, other_family):
    promise = open_promise(chicago(2027, 3, 1, 9))
    with pytest.raises(PermissionDenied):
        chase_commitment(commitment=promise, actor=other_family, now=chicago(2027, 3, 4, 9))
