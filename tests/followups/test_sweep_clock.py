"""The sweep keeps the agency's wall clock across daylight-saving changes, and a beat that was down for an hour
catches up with one message per due step, not a burst.

Times are written in UTC on purpose: a deadline computed with the wrong offset would be an hour off there.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from portal.followups.models import CommitmentEvent, Step
from portal.followups.services import sweep_commitments
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "received, due, remind",
    [
        # Friday 12 March 2027, winter time (UTC−6). The clocks go forward on Sunday: Monday's 17:00 is 22:00 UTC (UTC−5).
        (chicago(2027, 3, 12, 9), utc(2027, 3, 15, 22), utc(2027, 3, 15, 20)),
        # Friday 5 November 2027, summer time (UTC−5). The clocks go back on Sunday: Monday's 17:00 is 23:00 UTC (UTC−6).
        (chicago(2027, 11, 5, 9), utc(2027, 11, 8, 23), utc(2027, 11, 8, 21)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_deadline_across_a_clock_change_stays_at_5_pm_and_the_reminder_at_3(open_promise, caseworker, supervisor, received, due, remind):
    promise = open_promise(received)
    assert promise.due_at == due
    assert sweep_commitments(now=remind - timedelta(minutes=1)).steps_taken == 0
    assert sweep_commitments(now=remind).steps_taken == 1
    assert Notification.objects.get(recipient=caseworker).kind == Notification.Kind.DUE_SOON
    assert sweep_commitments(now=due - timedelta(minutes=1)).steps_taken == 0
    assert sweep_commitments(now=due).steps_taken == 1
    assert Notification.objects.filter(recipient=supervisor, kind=Notification.Kind.OVERDUE_SUPERVISOR).count() == 1


def test_a_beat_down_for_an_hour_catches_up_once_per_due_step(open_promise, caseworker, supervisor):
    # Tuesday 2 March 2027: forty calls came in on Monday between 9:00 and 10:57; each promise is due Tuesday 17:00 and
    # its reminder is at 15:00. Another ten came in on Friday: due Monday 17:00, so overdue since yesterday (next level at
    # 17:00 today).
    for minute in range(0, 120, 3):
        open_promise(chicago(2027, 3, 1, 9) + timedelta(minutes=minute))
    for minute in range(10):
        open_promise(chicago(2027, 2, 26, 9) + timedelta(minutes=minute))
    # The beat sweeps every minute until 14:30, when it goes down (and everything before was already handled).
    sweep_commitments(now=chicago(2027, 3, 2, 14, 30))
    handled_before = CommitmentEvent.objects.exclude(kind="opened").count()
    # It comes back at 15:30, an hour later, and sweeps every minute again until 15:45.
    sent = [sweep_commitments(now=chicago(2027, 3, 2, 15, 30) + timedelta(minutes=minute)).steps_taken for minute in range(16)]
    assert sent[0] == 40 and sum(sent[1:]) == 0  # the missed reminders at once, then nothing again
    steps = Counter(CommitmentEvent.objects.exclude(kind="opened").values_list("commitment_id", "kind"))
    assert max(steps.values()) == 1  # no step twice
    reminders = Notification.objects.filter(recipient=caseworker, kind=Notification.Kind.DUE_SOON).count()
    assert reminders == 40 and handled_before == 10  # Friday's promises: overdue, handled before the beat went down
