"""The simulation's slow mode: three days of an agency, with every sweep made by a real beat and worker on real Redis.

This process plays the families and staff on a moved clock. The worker's tasks run at the simulated moment
too: the Celery app module below starts time-machine in each task from a clock file this process writes, and
stops it after. At each look of the beat this process moves the clock file and waits until the worker has
finished a sweep at that moment (its heartbeat says when). The worker's e-mail goes to files; the checker
of ``simulate_month`` then compares the ledger, the outbox and those files with its reference calendar.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine

from portal import business_days
from portal.followups.models import Heartbeat
from portal.followups.tasks import SWEEP
from portal.management.commands._simulation_check import NOTICE_STEP, check
from portal.management.commands._simulation_play import Simulation
from portal.management.commands._simulation_world import Builder
from portal.notifications.models import Notification
from portal.notifications.services import message_id
from tests.integration.processes import celery_worker_and_beat
from tests.integration.test_celery_processes import redis_url, sent_emails, wait_for  # noqa: F401  (redis_url is a fixture)

pytestmark = pytest.mark.integration

CLOCK_APP = '''
"""The portal's Celery app, whose tasks run at the simulated moment written in PORTAL_SIMULATED_CLOCK."""
import os
from datetime import datetime

import time_machine
from celery.signals import task_postrun, task_prerun

from portal.celery import app

app.conf.beat_schedule = {
    name: {**app.conf.beat_schedule[name], "schedule": 1.0} for name in ("sweep-the-follow-up-ledger", "redeliver-notifications")
}
_travels = {}


@task_prerun.connect
def _to_the_simulated_moment(task_id=None, **kwargs):
    with open(os.environ["PORTAL_SIMULATED_CLOCK"]) as clock:
        moment = datetime.fromisoformat(clock.read().strip())
    _travels[task_id] = time_machine.travel(moment, tick=False)
    _travels[task_id].start()


@task_postrun.connect
def _back_to_now(task_id=None, **kwargs):
    travel = _travels.pop(task_id, None)
    if travel is not None:
        travel.stop()
'''


def test_three_days_swept_by_a_real_beat_and_worker_forget_nothing_and_send_nothing_twice(service_standards, redis_url, tmp_path):  # noqa: F811
    (tmp_path / "simulated_clock_app.py").write_text(CLOCK_APP)
    clock = tmp_path / "clock"
    start = business_days.start_of_day(date(2026, 11, 30))  # a Monday; the Friday before was the agency's closure
    clock.write_text((start - timedelta(hours=6)).isoformat())
    outbox = tmp_path / "mail"
    outbox.mkdir()
    rng = random.Random(11)

    def sweep_at(moment):
        clock.write_text(moment.isoformat())
        assert wait_for(lambda: Heartbeat.objects.filter(name=SWEEP, at__gte=moment).exists(), timeout=60), run.logs()

    with (
        celery_worker_and_beat(tmp_path, redis_url=redis_url, outbox=outbox, beat_app="simulated_clock_app", worker_app="simulated_clock_app",
                               env={"PORTAL_SIMULATED_CLOCK": str(clock)}) as run,
        time_machine.travel(start - timedelta(hours=6), tick=False) as traveller,
    ):
        world = Builder(rng, households=16, placements=8, offices=1).build(start=start.date(), now=start - timedelta(hours=6))
        simulation = Simulation(world, rng, traveller, start=start, days=3, tick=timedelta(hours=2), remote_sweep=sweep_at)
        log = simulation.run()
        step_notices = Notification.objects.filter(kind__in=list(NOTICE_STEP))
        assert wait_for(lambda: not step_notices.filter(emailed_at__isnull=True).exists(), timeout=60), run.logs()
        assert run.alive(), run.logs()

    message_ids = Counter(str(message["Message-ID"]) for message in sent_emails(outbox))
    report = check(start=start, end=simulation.end, sweeps=log.sweeps, plans=log.plans, message_ids=message_ids)

    assert report["zeros"] == {name: 0 for name in report["zeros"]}
    assert all(report["steps"]["taken"].get(step, 0) > 0 for step in ("remind", "overdue", "escalate")), report["steps"]
    # The worker sent each step's e-mail, once (what else it sent, a family's held e-mail, is not counted here).
    assert step_notices.exists() and all(message_ids[message_id(notice)] == 1 for notice in step_notices)
