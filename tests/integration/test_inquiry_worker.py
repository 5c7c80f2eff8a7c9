"""A real Celery beat and worker, on a real Redis, chase an unanswered inquiry: the overdue e-mail reaches
the resource worker and the supervisor exactly once, and nothing reaches the inquirer.

The helpers (Redis, the database URL, the file outbox, stopping processes) are those of
test_celery_processes.py, imported, so both tests start the processes the same way.
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

from inquiries import services
from portal import business_days
from portal.followups.models import Commitment, CommitmentEvent, Step
from portal.notifications.models import Notification
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

SWEEP_SECONDS = 2


def overdue_but_not_escalated_received_at(now):
    """A moment such that first contact was due at the last close of business that has passed, so the
    overdue step is due now and the escalation (a business day later) is still ahead, whatever day it is."""
    day = business_days.local_date(now)
    while not (business_days.is_business_day(day) and business_days.close_of_business(day) < now):
        day -= timedelta(days=1)
    due_day = day
    day -= timedelta(days=1)
    while not business_days.is_business_day(day):
        day -= timedelta(days=1)
    received_at = business_days.opening_of_business(day) + timedelta(hours=2)
    assert business_days.deadline(received_at, 1) == business_days.close_of_business(due_day)
    return received_at


def test_beat_and_worker_send_the_overdue_inquiry_e_mails_once(
    service_standards, office, team, supervisor, resource_worker, redis_url, tmp_path  # noqa: F811
):
    now = timezone.now()
    received_at = overdue_but_not_escalated_received_at(now)
    inquiry = services.submit_inquiry(
        name="Ana Pérez", email="ana@example.org", phone="", contact_way="email", best_time="", language="es",
        county=office.county, interest="foster", questions="", now=received_at,
    ).inquiry
    promise = Commitment.objects.get(standard__code=services.FIRST_CONTACT)
    assert inquiry.worker == resource_worker and promise.due_at < now < promise.escalate_at
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PORTAL_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONUNBUFFERED": "1",
    }
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes: list[subprocess.Popen] = []

    def start(args: list[str], log: Path) -> None:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    celery + args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

    def sweeps_done() -> int:
        text = worker_log.read_text(errors="replace") if worker_log.exists() else ""
        return sum(1 for line in text.splitlines() if "sweep_commitments_task[" in line and "succeeded" in line)

    def logs() -> str:
        return "\n".join([tail(worker_log), tail(beat_log)])

    expected = Counter({resource_worker.email: 1, supervisor.email: 1})
    try:
        start(
            ["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"inquiry-{os.getpid()}@%h"],
            worker_log,
        )
        start(["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")], beat_log)

        def delivered() -> bool:
            assert all(process.poll() is None for process in processes), "a Celery process exited\n" + logs()
            return sum(emails_by_recipient(outbox).values()) >= 2

        assert wait_for(delivered, timeout=45), "nothing was swept and delivered within 45 s\n" + logs()
        # Two more beats: the promise is still open and overdue, yet nothing goes out again.
        swept = sweeps_done()
        assert wait_for(lambda: sweeps_done() >= swept + 2, timeout=6 * SWEEP_SECONDS + 10), "beat stopped sweeping\n" + logs()
        assert emails_by_recipient(outbox) == expected, logs()
    finally:
        for process in reversed(processes):
            stop(process)

    by_recipient = {str(message["To"]): message for message in sent_emails(outbox)}
    for address in expected:
        body = by_recipient[address].get_body(preferencelist=("plain",)).get_content()
        assert "Ana Pérez" in body and f"/promises/{promise.pk}/" in body
    assert "Overdue" in str(by_recipient[supervisor.email]["Subject"])
    assert "ana@example.org" not in by_recipient  # the inquirer is never told the agency is late by a robot
    assert sorted(Notification.objects.filter(commitment=promise).exclude(kind=Notification.Kind.NEW_INQUIRY).values_list("kind", flat=True)) == sorted(
        [Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR]
    )
    assert not Notification.objects.filter(commitment=promise, attempts__gt=1).exists()
    assert list(CommitmentEvent.objects.filter(commitment=promise).exclude(kind="opened").values_list("kind", flat=True)) == [Step.OVERDUE]
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN and promise.next_step == Step.ESCALATE
