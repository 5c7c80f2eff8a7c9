"""The sweep reminds before the deadline, tells the supervisor when it passes, the next level a day on."""

import pytest
from django.core import mail

from portal.followups.models import CommitmentEvent, Step
from portal.followups.services import meet_commitment, sweep_commitments
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db(transaction=False)


def kinds_for(person):
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_nothing_happens_before_the_reminder_time(open_promise, caseworker):
    open_promise(chicago(2027, 3, 1, 9))
    assert sweep_commitments(now=chicago(2027, 3, 2, 14, 59)).steps_taken == 0
    assert not Notification.objects.exists()


def test_owner_is_reminded_two_office_hours_before(open_promise, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    sweep_commitments(now=chicago(2027, 3, 2, 15, 0))
    assert kinds_for(caseworker) == [Notification.Kind.DUE_SOON]
    promise.refresh_from_db()
    assert (promise.next_step, promise.next_step_at) == (Step.OVERDUE, promise.due_at)


def test_overdue_tells_owner_and_supervisor(open_promise, caseworker, supervisor):
    open_promise(chicago(2027, 3, 1, 9))
    sweep_commitments(now=chicago(2027, 3, 2, 15, 0))
    sweep_commitments(now=chicago(2027, 3, 2, 17, 1))
    assert kinds_for(caseworker) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert kinds_for(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_next_level_hears_one_business_day_later(open_promise, office):
    open_promise(chicago(2027, 3, 5, 9))  # Friday: due Monday 17:00, escalated Tuesday 17:00
    sweep_commitments(now=chicago(2027, 3, 8, 17, 1))
    assert kinds_for(office.program_manager) == []
    sweep_commitments(now=chicago(2027, 3, 9, 16, 59))
    assert kinds_for(office.program_manager) == []
    sweep_commitments(now=chicago(2027, 3, 9, 17, 0))
    assert kinds_for(office.program_manager) == [Notification.Kind.ESCALATED]


def test_a_late_sweep_skips_the_pointless_reminder_but_not_the_supervisor(open_promise, caseworker, supervisor, office):
    open_promise(chicago(2027, 3, 1, 9))
    sweep_commitments(now=chicago(2027, 3, 10, 9))
    assert kinds_for(caseworker) == [Notification.Kind.OVERDUE_OWNER]
    assert kinds_for(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
    assert kinds_for(office.program_manager) == [Notification.Kind.ESCALATED]


def test_running_the_sweep_twice_sends_each_step_once(open_promise):
    for day in (1, 2, 3):
        open_promise(chicago(2027, 3, day, 9))
    now = chicago(2027, 3, 10, 9)
    first = sweep_commitments(now=now)
    second = sweep_commitments(now=now)
    assert first.steps_taken == 6 and second.steps_taken == 0
    assert CommitmentEvent.objects.filter(kind__in=[Step.OVERDUE, Step.ESCALATE]).count() == 6


def test_a_met_promise_is_never_reminded(open_promise, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    meet_commitment(commitment=promise, actor=caseworker, now=chicago(2027, 3, 1, 11))
    sweep_commitments(now=chicago(2027, 3, 10, 9))
    assert not Notification.objects.exists()


def test_the_sweep_works_in_small_batches(open_promise):
    for day in range(1, 6):
        open_promise(chicago(2027, 3, day, 9))
    result = sweep_commitments(now=chicago(2027, 3, 30, 9), batch_size=2)
    assert result.batches == 3
    assert result.steps_taken == 10


def test_reminder_email_has_a_link_and_no_case_details(open_promise, caseworker, django_capture_on_commit_callbacks):
    promise = open_promise(chicago(2027, 3, 1, 9))
    promise.subject.summary = "Maria needs her inhaler refilled"
    promise.subject.save()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_commitments(now=chicago(2027, 3, 2, 15, 0))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [caseworker.email]
    assert f"/promises/{promise.pk}/" in message.body
    assert "inhaler" not in message.body and "Maria" not in message.body
    assert "The Garcia family" in message.body
