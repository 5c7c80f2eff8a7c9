"""A worker killed (SIGKILL, with its pool) in the middle of sending the sweep's reminders: after a new worker starts,
every due reminder has gone out, and none as two different messages.

A real beat sweeps 120 overdue promises (three notices each: the worker, the supervisor, the program manager) every
second; a real worker sends them through a mail backend as slow as a mail server (50 ms a message). Once some, not all,
are out, the test kills the worker's whole process group and starts another.

What "exactly once" can mean for e-mail: the notice a process was handing to the mail server at the instant it died may
be handed over again (no mail server tells whether it got it), so it carries the same Message-ID both times and mail
programs show it once. The test allows at most one such copy per pool process, and requires one distinct message per
notice: none lost, none sent as a second message.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import ContactRecord
from portal.followups.models import CommitmentEvent, Step
from portal.followups.services import open_commitment
from portal.notifications.models import Notification
from tests.integration.processes import celery_worker_and_beat, fast_beat_module
from tests.integration.test_celery_processes import (  # noqa: F401  (redis_url is a fixture)
    redis_url,
    sent_emails,
    wait_for,
)

pytestmark = pytest.mark.integration

PROMISES = 120
POOL = 2  # the worker's --concurrency


def test_a_worker_killed_mid_send_leaves_no_reminder_lost_or_doubled(
    service_standards, household, caseworker, supervisor, office, redis_url, tmp_path  # noqa: F811
):
    received_at = timezone.now() - timedelta(days=10)  # due and escalated days ago
    promises = []
    for number in range(PROMISES):
        call = ContactRecord.objects.create(
            household=household, kind=ContactRecord.Kind.CALL, received_at=received_at, summary=f"Call {number}", recorded_by=caseworker
        )
        promises.append(open_commitment(standard="return-call", subject=call, owner=caseworker, household=household, received_at=received_at))
    expected_notices = PROMISES * 3
    outbox = tmp_path / "mail"
    outbox.mkdir()
    beat = fast_beat_module(tmp_path, "kill_beat", 1, entries=["sweep-the-follow-up-ledger", "redeliver-notifications"])
    env = {"EMAIL_BACKEND": "tests.integration.slow_mail.EmailBackend", "PORTAL_TEST_MAIL_DELAY": "0.05",
           "PORTAL_NOTIFICATION_CLAIM_SECONDS": "5"}

    def emailed() -> int:
        return Notification.objects.filter(commitment__in=promises, emailed_at__isnull=False).count()

    with celery_worker_and_beat(tmp_path, redis_url=redis_url, outbox=outbox, beat_app=beat, env=env) as run:
        assert wait_for(lambda: emailed() >= 20, timeout=60), "the sweep sent nothing\n" + run.logs()
        run.kill_worker()
        at_kill = emailed()
        assert at_kill < expected_notices, "every notice was out before the kill: the test proved nothing (more promises?)"
        run.restart_worker()

        def all_out() -> bool:
            assert run.alive(), "a Celery process exited\n" + run.logs()
            return emailed() == expected_notices

        assert wait_for(all_out, timeout=120), f"{emailed()} of {expected_notices} notices out after the restart\n" + run.logs()
        sweeps = run.task_runs("sweep_commitments_task")
        assert wait_for(lambda: run.task_runs("sweep_commitments_task") >= sweeps + 3, timeout=30), run.logs()

    messages = sent_emails(outbox)
    by_id = Counter(str(message["Message-ID"]) for message in messages)
    assert len(by_id) == expected_notices  # one distinct message per notice: none lost, none sent as a second message
    copies = sum(by_id.values()) - len(by_id)
    assert copies <= POOL, f"{copies} notices handed over twice; at most the {POOL} in flight at the kill may be"
    assert Notification.objects.filter(commitment__in=promises).count() == expected_notices
    assert CommitmentEvent.objects.filter(commitment__in=promises, kind__in=[Step.OVERDUE, Step.ESCALATE]).count() == PROMISES * 2
    print(f"\nworker killed after {at_kill} of {expected_notices} notices; after the restart all {expected_notices} out, "
          f"{copies} handed over twice (same Message-ID)")
