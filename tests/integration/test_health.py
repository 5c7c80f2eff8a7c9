"""The health endpoint the load balancer and monitoring poll: web, database, Redis, and whether the sweep still finishes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.followups.models import Heartbeat
from portal.followups.tasks import SWEEP, sweep_commitments_task
from tests.integration.processes import RedisServer

pytestmark = pytest.mark.django_db


def _health(client):
    response = client.get(reverse("health"))
    return response.status_code, response.json()


def test_healthy_after_a_sweep_has_finished_and_stale_when_it_stops(client, settings, time_machine):
    settings.CELERY_BROKER_URL = "memory://"
    status, body = _health(client)
    assert status == 503 and body["sweep"] == {"state": "never ran"}  # a new install whose beat never started
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    sweep_commitments_task()
    status, body = _health(client)
    assert status == 200 and body["healthy"] is True
    assert (body["web"], body["database"], body["redis"]) == ("ok", "ok", "not used")
    assert body["sweep"]["state"] == "ok" and body["sweep"]["age_seconds"] == 0
    # Beat stopped: after five missed minutes the sweep is reported stale.
    time_machine.move_to(now + timedelta(seconds=settings.PORTAL_SWEEP_STALE_SECONDS + 1), tick=False)
    status, body = _health(client)
    assert status == 503 and body["sweep"]["state"] == "stale" and body["sweep"]["age_seconds"] == settings.PORTAL_SWEEP_STALE_SECONDS + 1
    assert client.get(reverse("health"))["Cache-Control"].startswith("max-age=0")


def test_redis_stopped_is_reported_and_its_return_noticed(client, settings, tmp_path):
    Heartbeat.beat(SWEEP, at=timezone.now())
    server = RedisServer(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    try:
        assert _health(client)[1]["redis"] == "ok"
        server.stop()
        status, body = _health(client)
        assert status == 503 and body["redis"] == "down" and body["database"] == "ok"
        server.start()
        status, body = _health(client)
        assert status == 200 and body["redis"] == "ok"
    finally:
        server.stop()


def test_the_answer_names_no_family_and_needs_no_sign_in(client, resource_parent, settings):
    settings.CELERY_BROKER_URL = "memory://"
    Heartbeat.beat(SWEEP, at=timezone.now())
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert set(response.json()) == {"healthy", "checked_at", "web", "database", "redis", "sweep"}
    assert "Garcia" not in response.content.decode()
