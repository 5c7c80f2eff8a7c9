"""The ledger's sweep chases an unanswered inquiry: the worker before the deadline, the supervisor after it,
the next level a business day later; each once. An inquiry already answered personally is left alone.

Friday 20 November 2026, 19:00 in Chicago: the office is closed, so first contact is due at the close of
Monday 23 November (17:00); the reminder comes two office hours earlier (15:00), the overdue notice when
the deadline passes, the escalation at the close of Tuesday 24 November.
"""

from datetime import timedelta

import pytest
from django.core import mail

from inquiries import services
from inquiries.models import ContactLog
from portal.followups.models import Commitment, CommitmentEvent, Step
from portal.followups.services import sweep_commitments
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

FRIDAY_EVENING = chicago(2026, 11, 20, 19, 0)
MONDAY_REMIND = chicago(2026, 11, 23, 15, 0)
MONDAY_DUE = chicago(2026, 11, 23, 17, 0)
TUESDAY_ESCALATE = chicago(2026, 11, 24, 17, 0)

CHASING = [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR, Notification.Kind.ESCALATED]


def _inquire(office, **overrides):
    data = dict(
        name="Ana Pérez", email="ana@example.org", phone="", contact_way="email", best_time="", language="en",
        county=office.county, interest="adopt", questions="", now=FRIDAY_EVENING,
    )
    return services.submit_inquiry(**(data | overrides)).inquiry


def _chasing(person) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person, kind__in=CHASING).values_list("kind", flat=True))


def _sweep_twice(now):
    """A second sweep at the same moment (a retry, a second beat) must add nothing."""
    first = sweep_commitments(now=now)
    assert sweep_commitments(now=now).notifications == 0
    return first


def test_the_deadline_and_the_chase_times_are_those_of_the_business_calendar(office, team, resource_worker):
    inquiry = _inquire(office)
    promise = Commitment.objects.get(standard__code=services.FIRST_CONTACT)
    assert inquiry.first_contact_due_at == promise.due_at == MONDAY_DUE
    assert (promise.remind_at, promise.escalate_at) == (MONDAY_REMIND, TUESDAY_ESCALATE)
    assert (promise.next_step, promise.next_step_at) == (Step.REMIND, MONDAY_REMIND)


def test_an_unanswered_inquiry_is_chased_step_by_step_each_step_once(office, team, supervisor, resource_worker):
    _inquire(office)
    manager = office.program_manager
    everyone = (resource_worker, supervisor, manager)

    for quiet in (chicago(2026, 11, 21, 10), chicago(2026, 11, 23, 9), MONDAY_REMIND - timedelta(minutes=1)):
        assert _sweep_twice(quiet).notifications == 0
    assert [_chasing(person) for person in everyone] == [[], [], []]

    assert _sweep_twice(MONDAY_REMIND).notifications == 1
    assert [_chasing(person) for person in everyone] == [[Notification.Kind.DUE_SOON], [], []]

    assert _sweep_twice(MONDAY_DUE - timedelta(minutes=1)).notifications == 0
    assert _sweep_twice(MONDAY_DUE + timedelta(minutes=1)).notifications == 2
    assert [_chasing(person) for person in everyone] == [
        [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER],
        [Notification.Kind.OVERDUE_SUPERVISOR],
        [],
    ]

    assert _sweep_twice(TUESDAY_ESCALATE - timedelta(minutes=1)).notifications == 0
    assert _sweep_twice(TUESDAY_ESCALATE).notifications == 1
    assert _chasing(manager) == [Notification.Kind.ESCALATED]

    # A week on, still open: nothing more is sent.
    assert _sweep_twice(chicago(2026, 12, 2, 12)).notifications == 0
    assert sum(len(_chasing(person)) for person in everyone) == 4
    promise = Commitment.objects.get(standard__code=services.FIRST_CONTACT)
    assert promise.status == Commitment.Status.OPEN and promise.next_step_at is None
    assert sorted(CommitmentEvent.objects.filter(commitment=promise).exclude(kind="opened").values_list("kind", flat=True)) == sorted(
        [Step.REMIND, Step.OVERDUE, Step.ESCALATE]
    )


def test_the_chasing_e_mails_name_the_inquirer_and_go_out_once(
    office, team, supervisor, resource_worker, django_capture_on_commit_callbacks
):
    _inquire(office, name="Zoë 🌻 Núñez")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _sweep_twice(MONDAY_REMIND)
    with django_capture_on_commit_callbacks(execute=True):
        _sweep_twice(MONDAY_DUE + timedelta(minutes=1))
    received = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert [to for to, _subject in received] == sorted([resource_worker.email, resource_worker.email, supervisor.email])
    promise = Commitment.objects.get(standard__code=services.FIRST_CONTACT)
    for message in mail.outbox:
        assert "Zoë 🌻 Núñez" in message.body
        assert f"/promises/{promise.pk}/" in message.body  # to the promise, behind a login


def test_a_late_sweep_tells_the_worker_and_supervisor_but_sends_no_pointless_reminder(office, team, supervisor, resource_worker):
    _inquire(office)
    _sweep_twice(MONDAY_DUE + timedelta(hours=1))
    assert _chasing(resource_worker) == [Notification.Kind.OVERDUE_OWNER]
    assert _chasing(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_an_inquiry_answered_personally_is_not_chased(office, team, supervisor, resource_worker):
    inquiry = _inquire(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 23, 9, 30))
    for moment in (MONDAY_REMIND, MONDAY_DUE + timedelta(minutes=1), TUESDAY_ESCALATE, chicago(2026, 12, 2, 12)):
        assert _sweep_twice(moment).notifications == 0
    for person in (resource_worker, supervisor, office.program_manager):
        assert _chasing(person) == []


def test_a_voicemail_is_not_an_answer_so_the_chase_goes_on(office, team, supervisor, resource_worker):
    inquiry = _inquire(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 23, 9, 30))
    _sweep_twice(MONDAY_DUE + timedelta(minutes=1))
    assert _chasing(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_a_closed_inquiry_is_not_chased(office, team, supervisor, resource_worker):
    inquiry = _inquire(office)
    services.move_stage(inquiry=inquiry, stage="closed", closed_reason="withdrew", actor=resource_worker, now=chicago(2026, 11, 23, 9))
    assert _sweep_twice(TUESDAY_ESCALATE).notifications == 0


def test_a_promised_step_is_chased_like_the_first_call(office, team, supervisor, resource_worker):
    inquiry = _inquire(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 23, 9))
    step = services.promise_next_step(inquiry=inquiry, description="Mail the application", actor=resource_worker,
                                      now=chicago(2026, 11, 23, 9, 5))
    # Monday + two business days = Wednesday 25 November, 17:00 (Thanksgiving is the day after).
    assert Commitment.objects.get(subject_id=step.pk, standard__code=services.NEXT_STEP).due_at == chicago(2026, 11, 25, 17)
    _sweep_twice(chicago(2026, 11, 25, 17, 1))
    assert _chasing(resource_worker) == [Notification.Kind.OVERDUE_OWNER]
    assert _chasing(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
    # Escalation waits for the next business day: Friday 27 November, not Thanksgiving.
    assert _sweep_twice(chicago(2026, 11, 26, 18)).notifications == 0
    assert _sweep_twice(chicago(2026, 11, 27, 17)).notifications == 1
