"""A real Celery beat and worker, on a real Redis, remind a family of tomorrow's court hearing: the 1-day reminder
e-mail reaches each parent exactly once, however many times the beat runs, and the 7-day one (whose moment came
before the invitation) never goes.

The worker and beat come from tests/integration/processes.py. The beat runs portal/celery.py's own schedule (but the
weekly digest) with every interval cut to 2 seconds (the reminders run every 5 minutes in production; a test cannot
wait that long).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from placements.events import services
from placements.events.models import Event, EventReminder
from portal import business_days
from portal.celery import app
from portal.notifications.models import Notification
from tests.factories import ChildFactory, ParentFactory, PlacementFactory
from tests.integration.processes import celery_worker_and_beat, fast_beat_module
from tests.integration.test_celery_processes import (  # noqa: F401  (redis_url is a fixture)
    emails_by_recipient,
    redis_url,
    sent_emails,
    wait_for,
)

pytestmark = pytest.mark.integration

BEAT_SECONDS = 2



def test_beat_and_worker_send_tomorrows_reminder_once_to_each_parent(
    service_standards, caseworker, household, resource_parent, redis_url, tmp_path  # noqa: F811
):
    partner = ParentFactory(household=household, title="Mr.", last_name="Garcia", email="mr.garcia@family.test")
    child = ChildFactory(first_name="Maya", last_name="Lopez", caseworker=caseworker)
    PlacementFactory(child=child, household=household)
    now = timezone.now()
    # Tomorrow, at a minute ago's time of day: the 1-day moment has just passed; the 7-day one came before the invitation.
    starts_at = now - timedelta(minutes=1) + timedelta(days=1)
    if business_days.same_time_days_before(starts_at, 1) > now:  # a change of the clocks tonight: keep the moment behind us
        starts_at -= timedelta(hours=1)
    event = services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), place="Hinds County Youth Court, Room 2",
        now=now - timedelta(days=3),
    )
    outbox = tmp_path / "mail"
    outbox.mkdir()
    expected = Counter({resource_parent.email: 1, partner.email: 1})
    # Everything the beat runs but the weekly digest and the yearly survey (they would write to these people too).
    beat = fast_beat_module(
        tmp_path, "fast_event_beat", BEAT_SECONDS,
        entries=[name for name in app.conf.beat_schedule if name not in ("weekly-digest", "ask-yearly-survey", "find-families-to-thank")],
    )
    with celery_worker_and_beat(tmp_path, redis_url=redis_url, outbox=outbox, beat_app=beat) as run:

        def delivered() -> bool:
            assert run.alive(), "a Celery process exited\n" + run.logs()
            return sum(emails_by_recipient(outbox).values()) >= 2

        assert wait_for(delivered, timeout=60), "no reminder was sent and delivered within 60 s\n" + run.logs()
        # Three more beats of the reminders: the hearing is still tomorrow, yet nothing goes out again.
        runs = run.task_runs("send_event_reminders_task")
        assert wait_for(
            lambda: run.task_runs("send_event_reminders_task") >= runs + 3, timeout=10 * BEAT_SECONDS + 20
        ), "beat stopped reminding\n" + run.logs()
        assert emails_by_recipient(outbox) == expected, run.logs()

    messages = sent_emails(outbox)
    assert {str(m["To"]) for m in messages} == set(expected)
    for message in messages:
        assert str(message["Subject"]).startswith("Reminder: Review hearing on ")
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert f"/calendar/{event.pk}/" in body
        assert "Maya" not in body and "Lopez" not in body
        assert not [part for part in message.iter_attachments()]  # a reminder carries no calendar file: the invitation did
    assert list(EventReminder.objects.filter(invitee__event=event).values_list("days_before", flat=True)) == [1, 1]
    reminders = Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER)
    assert reminders.count() == 2 and not reminders.filter(attempts__gt=1).exists()
    assert all(n.emailed_at is not None for n in reminders)
    # The invitation itself went out when the hearing was scheduled (in this process), not again from the worker.
    invitation = Notification.objects.get(kind=Notification.Kind.EVENT_INVITED, recipient=resource_parent)
    assert invitation.emailed_at is not None
