"""A real Celery beat and worker, on a real Redis, send the weekly digest: each person gets exactly one e-mail
although the beat fires the digest again and again.

The beat runs portal/celery.py's own "weekly-digest" entry with its Monday 08:00 crontab cut to every 2 seconds
(tests/test_digest.py checks the crontab itself against the agency's clock): the task decides the week and
writes one row per person and week before anything is sent.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.reports.models import WeeklyDigest
from tests.integration.processes import celery_worker_and_beat, fast_beat_module
from tests.integration.test_celery_processes import (  # noqa: F401  (redis_url is a fixture)
    emails_by_recipient,
    redis_url,
    sent_emails,
    wait_for,
)

pytestmark = pytest.mark.integration

BEAT_SECONDS = 2


def test_beat_and_worker_send_each_person_one_digest_a_week(
    service_standards, open_promise, caseworker, colleague, supervisor, resource_worker, resource_parent, redis_url, tmp_path  # noqa: F811
):
    open_promise(timezone.now() - timedelta(days=10))  # Mr. Reed's: overdue
    outbox = tmp_path / "mail"
    outbox.mkdir()
    beat = fast_beat_module(tmp_path, "fast_digest_beat", BEAT_SECONDS, entries=["weekly-digest"])
    expected = Counter({caseworker.email: 1, colleague.email: 1, resource_worker.email: 1, supervisor.email: 1})
    with celery_worker_and_beat(tmp_path, redis_url=redis_url, outbox=outbox, beat_app=beat) as run:

        def delivered() -> bool:
            assert run.alive(), "a Celery process exited\n" + run.logs()
            return sum(emails_by_recipient(outbox).values()) >= len(expected)

        assert wait_for(delivered, timeout=60), "no digest was sent within 60 s\n" + run.logs()
        runs = run.task_runs("send_weekly_digests_task")
        assert wait_for(
            lambda: run.task_runs("send_weekly_digests_task") >= runs + 3, timeout=10 * BEAT_SECONDS + 20
        ), "beat stopped sending digests\n" + run.logs()
        assert emails_by_recipient(outbox) == expected, run.logs()

    assert WeeklyDigest.objects.count() == len(expected)
    subjects = {str(message["To"]): str(message["Subject"]) for message in sent_emails(outbox)}
    assert "1 overdue" in subjects[caseworker.email] and "Your team" in subjects[supervisor.email]
    for message in sent_emails(outbox):
        assert "Garcia" not in message.get_body(preferencelist=("plain",)).get_content()
