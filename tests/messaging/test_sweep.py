"""The sweep chases unanswered messages and call-backs on their business-day deadlines.

The seeded standards: "message-reply" and "return-call", one business day each, a reminder
two office hours before close of business, the next level one business day after the deadline.
Chicago time; Friday 20 November 2026 is an ordinary Friday, Thursday 26 November is Thanksgiving.
"""

from datetime import timedelta

import pytest

from messaging import services
from messaging.models import Topic
from portal.followups.models import Commitment
from portal.followups.services import sweep_commitments
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

FRIDAY_1630 = chicago(2026, 11, 20, 16, 30)
MONDAY_DEADLINE = chicago(2026, 11, 23, 17, 0)
CHASING_KINDS = [
    Notification.Kind.DUE_SOON,
    Notification.Kind.OVERDUE_OWNER,
    Notification.Kind.OVERDUE_SUPERVISOR,
    Notification.Kind.ESCALATED,
]


def chased(person):
    """The sweep's notifications to one person, in order (not the "new message" ones)."""
    return list(
        Notification.objects.filter(recipient=person, kind__in=CHASING_KINDS).order_by("created_at", "pk").values_list("kind", flat=True)
    )


def _ask(parent, child, *, now, body="Maya has no inhaler. How do we get her prescription?"):
    return services.start_thread(
        household=parent.household, topic=Topic.CHILD, about=child, subject="Maya's inhaler", body=body, author=parent, now=now
    )


def test_a_message_sent_friday_afternoon_is_due_monday_at_close_of_business(resource_parent, child):
    thread = _ask(resource_parent, child, now=FRIDAY_1630)
    promise = Commitment.objects.get(subject_id=thread.pk)
    assert promise.standard.code == "message-reply"
    assert promise.due_at == MONDAY_DEADLINE
    assert promise.remind_at == chicago(2026, 11, 23, 15, 0)
    assert promise.escalate_at == chicago(2026, 11, 24, 17, 0)


def test_an_unanswered_message_is_reminded_then_overdue_then_escalated_on_business_days(
    resource_parent, child, caseworker, supervisor, office
):
    _ask(resource_parent, child, now=FRIDAY_1630)
    program_manager = office.program_manager

    # Nothing over the weekend, nor on Monday morning.
    for moment in (chicago(2026, 11, 21, 12), chicago(2026, 11, 22, 20), chicago(2026, 11, 23, 14, 59)):
        assert sweep_commitments(now=moment).steps_taken == 0
    assert chased(caseworker) == []

    sweep_commitments(now=chicago(2026, 11, 23, 15, 0))
    assert chased(caseworker) == [Notification.Kind.DUE_SOON]
    assert chased(supervisor) == []

    assert sweep_commitments(now=chicago(2026, 11, 23, 16, 59)).steps_taken == 0
    sweep_commitments(now=MONDAY_DEADLINE)
    assert chased(caseworker) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
    assert chased(program_manager) == []

    assert sweep_commitments(now=chicago(2026, 11, 24, 16, 59)).steps_taken == 0
    sweep_commitments(now=chicago(2026, 11, 24, 17, 0))
    assert chased(program_manager) == [Notification.Kind.ESCALATED]
    assert chased(caseworker) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]


def test_the_sweep_notifications_point_to_the_promise_and_name_the_family(resource_parent, child, caseworker):
    thread = _ask(resource_parent, child, now=FRIDAY_1630)
    sweep_commitments(now=chicago(2026, 11, 23, 15, 0))
    note = Notification.objects.get(kind=Notification.Kind.DUE_SOON)
    promise = Commitment.objects.get(subject_id=thread.pk)
    assert note.commitment == promise and note.link == f"/promises/{promise.pk}/"
    assert note.context["owed_to"] == "The Garcia family"
    assert "Maya" not in str(note.context)


def test_running_the_sweep_twice_sends_nothing_twice(resource_parent, child, caseworker, supervisor, office):
    _ask(resource_parent, child, now=FRIDAY_1630)
    for moment in (chicago(2026, 11, 23, 15, 0), MONDAY_DEADLINE, chicago(2026, 11, 24, 17, 0)):
        first = sweep_commitments(now=moment)
        again = sweep_commitments(now=moment)
        assert first.steps_taken == 1 and again.steps_taken == 0
    assert Notification.objects.filter(kind__in=CHASING_KINDS).count() == 4  # reminder, owner, supervisor, next level
    assert sweep_commitments(now=chicago(2026, 11, 30, 9)).steps_taken == 0


def test_a_reply_before_the_deadline_stops_the_chasing(resource_parent, child, caseworker, supervisor):
    thread = _ask(resource_parent, child, now=FRIDAY_1630)
    sweep_commitments(now=chicago(2026, 11, 23, 15, 0))
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, on it.", now=chicago(2026, 11, 23, 16, 0))
    sweep_commitments(now=chicago(2026, 11, 25, 9, 0))
    assert chased(caseworker) == [Notification.Kind.DUE_SOON]
    assert chased(supervisor) == []


def test_a_run_of_three_family_messages_is_one_promise_chased_once(resource_parent, child, caseworker, supervisor):
    thread = _ask(resource_parent, child, now=FRIDAY_1630)
    services.post_message(thread=thread, author=resource_parent, body="Also her shoes.", now=chicago(2026, 11, 21, 10, 0))
    services.post_message(thread=thread, author=resource_parent, body="Hello?", now=chicago(2026, 11, 23, 9, 0))
    assert Commitment.objects.count() == 1
    # Still due Monday: the later messages of the run do not move the deadline.
    assert Commitment.objects.get().due_at == MONDAY_DEADLINE
    sweep_commitments(now=chicago(2026, 11, 23, 17, 0))
    assert chased(caseworker) == [Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_a_callback_request_is_reminded_overdue_and_escalated_like_a_message(resource_parent, caseworker, supervisor, office):
    callback = services.request_callback(
        household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142", to_user=caseworker, now=FRIDAY_1630
    )
    promise = Commitment.objects.get(subject_id=callback.pk, standard__code="return-call")
    assert promise.due_at == MONDAY_DEADLINE
    assert sweep_commitments(now=chicago(2026, 11, 23, 14, 59)).steps_taken == 0
    sweep_commitments(now=chicago(2026, 11, 23, 15, 0))
    sweep_commitments(now=chicago(2026, 11, 23, 15, 0))
    assert chased(caseworker) == [Notification.Kind.DUE_SOON]
    sweep_commitments(now=MONDAY_DEADLINE)
    sweep_commitments(now=MONDAY_DEADLINE)
    assert chased(caseworker) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
    sweep_commitments(now=chicago(2026, 11, 24, 17, 0))
    sweep_commitments(now=chicago(2026, 11, 24, 17, 0))
    assert chased(office.program_manager) == [Notification.Kind.ESCALATED]


def test_a_voicemail_does_not_stop_the_chasing_but_reaching_the_family_does(resource_parent, caseworker, supervisor):
    callback = services.request_callback(
        household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142", to_user=caseworker, now=FRIDAY_1630
    )
    services.log_call(callback=callback, outcome="voicemail", actor=caseworker, now=chicago(2026, 11, 23, 10, 0))
    sweep_commitments(now=MONDAY_DEADLINE)
    assert chased(caseworker) == [Notification.Kind.OVERDUE_OWNER]
    services.log_call(callback=callback, outcome="reached", actor=caseworker, now=chicago(2026, 11, 24, 9, 0))
    sweep_commitments(now=chicago(2026, 11, 25, 9, 0))
    assert chased(caseworker) == [Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATED).count() == 0


def test_thanksgiving_is_not_a_business_day(resource_parent, child, caseworker, supervisor):
    """Wednesday's message is due Friday, not on Thanksgiving Thursday."""
    thread = _ask(resource_parent, child, now=chicago(2026, 11, 25, 10, 0))
    promise = Commitment.objects.get(subject_id=thread.pk)
    assert promise.due_at == chicago(2026, 11, 27, 17, 0)
    assert promise.escalate_at == chicago(2026, 11, 30, 17, 0)  # Friday's next business day is Monday
    # On Thanksgiving afternoon nothing is due yet (without the holiday it would be overdue at 17:00).
    assert sweep_commitments(now=chicago(2026, 11, 26, 17, 30)).steps_taken == 0
    sweep_commitments(now=chicago(2026, 11, 27, 15, 0))
    assert chased(caseworker) == [Notification.Kind.DUE_SOON]
    sweep_commitments(now=chicago(2026, 11, 27, 17, 0))
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_a_callback_asked_on_thanksgiving_eve_is_due_the_friday_after(resource_parent, caseworker):
    callback = services.request_callback(
        household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142", to_user=caseworker,
        now=chicago(2026, 11, 25, 18, 0),
    )
    promise = Commitment.objects.get(subject_id=callback.pk, standard__code="return-call")
    assert promise.due_at == chicago(2026, 11, 27, 17, 0)
    assert sweep_commitments(now=chicago(2026, 11, 26, 23, 0)).steps_taken == 0


def test_an_away_workers_unanswered_message_chases_the_cover(resource_parent, child, caseworker, colleague, supervisor):
    from portal.accounts.services import record_absence

    record_absence(
        worker=caseworker, cover=colleague, starts_on=chicago(2026, 11, 20).date(), ends_on=chicago(2026, 11, 27).date(),
        actor=supervisor, now=chicago(2026, 11, 19, 9),
    )
    _ask(resource_parent, child, now=FRIDAY_1630)
    sweep_commitments(now=MONDAY_DEADLINE + timedelta(minutes=1))
    assert chased(colleague) == [Notification.Kind.OVERDUE_OWNER]
    assert chased(caseworker) == []
    assert chased(supervisor) == [Notification.Kind.OVERDUE_SUPERVISOR]
