"""Events through their services: invitation with its notice, answers, observations, outcome, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from placements.events import services
from placements.events.models import Event, EventReminder, Invitee
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import deliver_notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2027, 3, 1, 9, 0)


@pytest.fixture
def hearing(caseworker, child, resource_parent):
    return services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
        starts_at=chicago(2027, 3, 4, 10, 0), ends_at=chicago(2027, 3, 4, 11, 0), place="Hinds County Youth Court, Room 2",
        now=MONDAY_9,
    )


def _calendar(notification) -> Calendar:
    deliver_notification(notification_id=notification.pk)
    message = mail.outbox[-1]
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def test_a_hearing_three_business_days_ahead_is_invited_late_and_the_supervisor_is_told(hearing, supervisor, resource_parent):
    assert hearing.notice_business_days == 2 and hearing.late_notice
    assert Notification.objects.filter(recipient=supervisor, kind=Notification.Kind.LATE_INVITATION).exists()
    invitation = Notification.objects.get(recipient=resource_parent, kind=Notification.Kind.EVENT_INVITED)
    entry = _calendar(invitation).walk("VEVENT")[0]
    assert str(entry["summary"]) == "Review hearing"
    assert entry.decoded("dtstart") == chicago(2027, 3, 4, 10, 0)
    assert "Maya" not in mail.outbox[-1].body


def test_a_reschedule_sends_a_calendar_file_with_the_same_uid_that_replaces_the_entry(hearing, caseworker, resource_parent):
    first = _calendar(Notification.objects.get(recipient=resource_parent, kind=Notification.Kind.EVENT_INVITED)).walk("VEVENT")[0]
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 11, 14, 0), ends_at=chicago(2027, 3, 11, 15, 0),
        reason="The judge is ill.", now=MONDAY_9 + timedelta(hours=2),
    )
    second = _calendar(Notification.objects.get(recipient=resource_parent, kind=Notification.Kind.EVENT_CHANGED)).walk("VEVENT")[0]
    assert second["uid"] == first["uid"] and int(second["sequence"]) == int(first["sequence"]) + 1
    assert second.decoded("dtstart") == chicago(2027, 3, 11, 14, 0)


def test_needing_transport_opens_a_promise_and_a_stale_answer_is_refused(hearing, caseworker, resource_parent):
    invitee = services.respond(user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, now=MONDAY_9)
    promise = Commitment.objects.get(standard__code="event-help", subject_id=invitee.pk)
    assert promise.owner == caseworker and promise.status == "open"
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 5, 10, 0), ends_at=chicago(2027, 3, 5, 11, 0),
        reason="Courtroom change.", now=MONDAY_9,
    )
    with pytest.raises(services.EventChanged):
        services.respond(user=resource_parent, event=hearing, response=Invitee.Response.CANNOT, sequence=0, now=MONDAY_9)


def test_observations_wait_for_a_receipt_and_the_outcome_is_promised_when_the_hearing_ends(hearing, caseworker, resource_parent):
    observation = services.submit_observations(user=resource_parent, event=hearing, body="Maya is sleeping better.", now=MONDAY_9)
    assert Commitment.objects.get(standard__code="observation-receipt", subject_id=observation.pk).status == "open"
    services.acknowledge_observations(actor=caseworker, observation=observation, now=MONDAY_9)
    assert Commitment.objects.get(standard__code="observation-receipt", subject_id=observation.pk).status == "met"
    assert services.open_outcome_promises(now=chicago(2027, 3, 4, 10, 30)) == 0
    assert services.open_outcome_promises(now=chicago(2027, 3, 4, 11, 5)) == 1
    promise = Commitment.objects.get(standard__code="hearing-outcome", subject_id=hearing.pk)
    assert promise.due_at == chicago(2027, 3, 5, 17, 0)
    services.record_outcome(actor=caseworker, event=hearing, outcome="Maya stays with you; next review in June.", now=chicago(2027, 3, 4, 15, 0))
    promise.refresh_from_db()
    assert promise.status == "met"


def test_reminders_go_seven_days_and_one_day_before_once_each(caseworker, child, resource_parent):
    event = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=chicago(2027, 3, 17, 10, 0),
        ends_at=chicago(2027, 3, 17, 11, 0), place="Jackson office", now=MONDAY_9,
    )
    assert services.send_event_reminders(now=chicago(2027, 3, 10, 9, 59)) == 0
    assert services.send_event_reminders(now=chicago(2027, 3, 10, 10, 0)) == 1  # across the change of the clocks on the 14th
    assert services.send_event_reminders(now=chicago(2027, 3, 10, 10, 5)) == 0
    assert services.send_event_reminders(now=chicago(2027, 3, 16, 10, 0)) == 1
    assert list(EventReminder.objects.filter(invitee__event=event).values_list("days_before", flat=True).order_by("-days_before")) == [7, 1]
