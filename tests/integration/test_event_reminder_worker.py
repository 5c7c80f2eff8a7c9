"""A real Celery beat and worker, on a real Redis, remind a family of tomorrow's court hearing: the 1-day reminder
e-mail reaches each parent exactly once, however many times the beat runs, and the 7-day one (whose moment came
before the invitation) never goes.

The helpers (Redis, the database URL, the file outbox, stopping processes) are those of test_celery_processes.py.
The beat runs portal/celery.py's own schedule with every interval cut to 2 seconds (the reminders run every
5 minutes in production; a test cannot wait that long): a small app module written to the test's temporary
directory takes portal.celery's app and changes only the intervals.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from placements.events import services
from placements.events.models import Event, EventReminder
from portal import business_days
from portal.notifications.models import Notification
from tests.factories import ChildFactory, ParentFactory, PlacementFactory
from tests.integration.test_celery_processes import (  # noqa: F401  (redis_url is a fixture)
    database_url,
    emails_by_recipient,
    redis_url,
    sent_emails,
    stop,
    tail,
    wait_for,
)

pytestmark = pytest.mark.integration

BEAT_SECONDS = 2
FAST_BEAT = f"""from portal.celery import app

app.conf.beat_schedule = {{name: {{**entry, "schedule": {float(BEAT_SECONDS)}}} for name, entry in app.conf.beat_schedule.items()}}
"""



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
    (tmp_path / "fast_event_beat.py").write_text(FAST_BEAT)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")]),
        "PYTHONUNBUFFERED": "1",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes: list[subprocess.Popen] = []

    def start(app: str, args: list[str], log: Path) -> None:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", app, *args], cwd=settings.BASE_DIR, env=env, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )
            )

    def reminder_runs() -> int:
        text = worker_log.read_text(errors="replace") if worker_log.exists() else ""
        return sum(1 for line in text.splitlines() if "send_event_reminders_task[" in line and "succeeded" in line)

    def logs() -> str:
        return "\n".join([tail(worker_log), tail(beat_log)])

    expected = Counter({resource_parent.email: 1, partner.email: 1})
    try:
        start(
            "portal",
            ["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"events-{os.getpid()}@%h"],
            worker_log,
        )
        start("fast_event_beat", ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")], beat_log)

        def delivered() -> bool:
            assert all(process.poll() is None for process in processes), "a Celery process exited\n" + logs()
            return sum(emails_by_recipient(outbox).values()) >= 2

        assert wait_for(delivered, timeout=60), "no reminder was sent and delivered within 60 s\n" + logs()
        # Three more beats of the reminders: the hearing is still tomorrow, yet nothing goes out again.
        runs = reminder_runs()
        assert wait_for(lambda: reminder_runs() >= runs + 3, timeout=10 * BEAT_SECONDS + 20), "beat stopped reminding\n" + logs()
        assert emails_by_recipient(outbox) == expected, logs()
    finally:
        for process in reversed(processes):
            stop(process)

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
