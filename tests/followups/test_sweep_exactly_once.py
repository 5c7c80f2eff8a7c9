"""A sweep cut off half-way, or two sweeps at once, still send every due step exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from portal.followups import services
from portal.followups.models import CommitmentEvent, Step
from portal.followups.services import sweep_commitments
from portal.notifications import services as notification_services
from portal.notifications.models import Notification
from portal.notifications.services import deliver_notification
from tests.conftest import chicago

# Thursday 4 March 2027, 16:00 in the agency's zone; no holiday that week.
NOW = chicago(2027, 3, 4, 16, 0)
# When a call came in, and which steps are due by NOW (a catch-up sends no "due soon").
ARRIVALS = [
    (chicago(2027, 3, 1, 9), [Step.OVERDUE, Step.ESCALATE]),  # due Tue 17:00, next level Wed 17:00
    (chicago(2027, 3, 1, 10), [Step.OVERDUE, Step.ESCALATE]),
    (chicago(2027, 3, 2, 9), [Step.OVERDUE]),  # due Wed 17:00, next level Thu 17:00
    (chicago(2027, 3, 3, 9), [Step.REMIND]),  # due Thu 17:00: reminded from 15:00
    (chicago(2027, 3, 3, 11), [Step.REMIND]),
]
NOTIFICATIONS_PER_STEP = {Step.REMIND: 1, Step.OVERDUE: 2, Step.ESCALATE: 1}  # overdue: owner and supervisor


def sent_steps() -> Counter:
    return Counter(
        CommitmentEvent.objects.filter(kind__in=[Step.REMIND, Step.OVERDUE, Step.ESCALATE]).values_list("commitment_id", "kind")
    )


def notifications_sent() -> Counter:
    return Counter(Notification.objects.values_list("commitment_id", "kind", "recipient_id"))


@pytest.mark.django_db
def test_a_sweep_interrupted_half_way_sends_every_due_step_once_when_run_again(open_promise, caseworker, supervisor, office, monkeypatch):
    promises = [open_promise(received_at) for received_at, _steps in ARRIVALS]
    expected = Counter({(promise.pk, step): 1 for promise, (_at, steps) in zip(promises, ARRIVALS) for step in steps})

    real_queue = services.queue_notifications
    calls = []

    def queue_then_crash_on_the_second_batch(specs, *, now):
        calls.append(len(specs))
        if len(calls) == 2:
            raise ConnectionError("the worker lost the database half-way through the sweep")
        return real_queue(specs, now=now)

    monkeypatch.setattr(services, "queue_notifications", queue_then_crash_on_the_second_batch)
    with pytest.raises(ConnectionError):
        sweep_commitments(now=NOW, batch_size=2)

    # The first batch stands; the second left no trace; the third was never reached.
    first_batch = {promise.pk for promise in promises[:2]}
    assert {pk for pk, _step in sent_steps()} == first_batch
    assert {pk for pk, _kind, _to in notifications_sent()} == first_batch
    for promise in promises[2:]:
        promise.refresh_from_db()
        assert promise.next_step_at <= NOW

    monkeypatch.setattr(services, "queue_notifications", real_queue)
    rerun = sweep_commitments(now=NOW, batch_size=2)
    assert rerun.steps_taken == sum(len(steps) for _at, steps in ARRIVALS[2:])
    assert sweep_commitments(now=NOW, batch_size=2).steps_taken == 0

    assert sent_steps() == expected
    sent = notifications_sent()
    assert set(sent.values()) == {1}
    assert sum(sent.values()) == sum(NOTIFICATIONS_PER_STEP[step] for _pk, step in expected)

    # Delivery is claimed per notification: delivering the whole outbox twice sends each e-mail once.
    for _attempt in range(2):
        for pk in Notification.objects.values_list("pk", flat=True):
            deliver_notification(notification_id=pk, now=NOW)
    assert len(mail.outbox) == sum(sent.values())
    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        {caseworker.email: 5, supervisor.email: 3, office.program_manager.email: 2}
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_step_of_300_promises_exactly_once(service_standards, open_promise, monkeypatch):
    promises = []
    for i in range(300):
        received_at, steps = ARRIVALS[i % len(ARRIVALS)]
        promises.append((open_promise(received_at + timedelta(seconds=i)), steps))
    expected = Counter({(promise.pk, step): 1 for promise, steps in promises for step in steps})

    real_queue = services.queue_notifications
    batches_by_thread: Counter = Counter()

    def queue_slowly(specs, *, now):
        # Hold the batch's row locks a moment, so the other sweep has to skip past them.
        batches_by_thread[threading.current_thread().name] += 1
        time.sleep(0.01)
        return real_queue(specs, now=now)

    monkeypatch.setattr(services, "queue_notifications", queue_slowly)
    # Delivery has its own once-only claim (tested elsewhere); here count what each commit hands it.
    handed_to_delivery: list[int] = []
    monkeypatch.setattr(notification_services, "_enqueue_delivery", handed_to_delivery.extend)
    start = threading.Barrier(2)
    results, errors = {}, []

    def sweep(name):
        try:
            start.wait(timeout=10)
            results[name] = sweep_commitments(now=NOW, batch_size=10)
        except Exception as error:  # reported below, with the thread's name
            errors.append((name, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, args=(name,), name=name) for name in ("sweep-a", "sweep-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert set(batches_by_thread) == {"sweep-a", "sweep-b"}, "both sweeps should have claimed batches"
    assert sum(result.steps_taken for result in results.values()) == len(expected)
    assert sent_steps() == expected
    assert CommitmentEvent.objects.filter(kind__in=[Step.REMIND, Step.OVERDUE, Step.ESCALATE]).count() == len(expected)
    sent = notifications_sent()
    assert set(sent.values()) == {1}
    assert sum(sent.values()) == Notification.objects.count() == sum(NOTIFICATIONS_PER_STEP[step] for _pk, step in expected)
    assert Counter(handed_to_delivery) == Counter(Notification.objects.values_list("pk", flat=True))
    assert sweep_commitments(now=NOW).steps_taken == 0
