"""The Monday digest: one e-mail a week to each supervisor (their team) and each worker (their own), counts only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from portal.celery import app
from portal.followups.services import meet_commitment
from portal.notifications.models import Notification
from portal.reports.digest import send_weekly_digests
from portal.reports.models import WeeklyDigest
from tests.conftest import CHICAGO, chicago

MONDAY_8 = chicago(2027, 3, 15, 8)  # the Monday after the clocks went forward


@pytest.fixture
def week(service_standards, open_promise, caseworker, colleague, supervisor, resource_worker, fiscal_staff):
    open_promise(chicago(2027, 3, 10, 9))  # due Thu 11 March: overdue
    open_promise(chicago(2027, 3, 11, 9))  # due Fri 12 March: overdue
    open_promise(chicago(2027, 3, 15, 9))  # due Tue 16 March: this week
    open_promise(chicago(2027, 3, 24, 9))  # due the week after: not counted
    meet_commitment(commitment=open_promise(chicago(2027, 3, 9, 9)), actor=caseworker, now=chicago(2027, 3, 9, 10))  # kept
    open_promise(chicago(2027, 3, 17, 9), owner=colleague)  # due Thu 18 March: this week
    return caseworker


def _sent(to):
    return [message for message in mail.outbox if message.to == [to.email]]


def test_each_supervisor_hears_their_teams_week_and_each_worker_their_own(week, caseworker, colleague, supervisor, fiscal_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests(now=MONDAY_8)
    reed, carter = _sent(caseworker), _sent(supervisor)
    assert len(reed) == 1 and len(carter) == 1
    assert reed[0].subject.endswith("Your week of 15 Mar: 2 overdue, 1 due")
    assert "2 of your promises are overdue. 1 more falls due by Sunday." in reed[0].body and "/my-day/" in reed[0].body
    assert carter[0].subject.endswith("Your team's week of 15 Mar: 2 overdue, 2 due")
    assert "Mr. Reed: 2 overdue, 1 due this week." in carter[0].body and "Ms. Shah: 0 overdue, 1 due this week." in carter[0].body
    assert "/my-team/" in carter[0].body
    # Nothing to do is news too: a worker with no open promise hears that none is due.
    assert "none falls due this week" in _sent(fiscal_staff)[0].body
    for message in mail.outbox:
        assert "Garcia" not in message.body and "Garcia" not in message.alternatives[0][0]


def test_a_second_run_the_same_week_sends_nothing_and_next_monday_sends_again(week, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_weekly_digests(now=MONDAY_8)
        again = send_weekly_digests(now=MONDAY_8 + timedelta(hours=3))
    assert first == WeeklyDigest.objects.count() > 0 and again == 0
    assert len(_sent(caseworker)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests(now=MONDAY_8 + timedelta(days=7)) == first
    assert len(_sent(caseworker)) == 2


def test_families_and_inactive_staff_get_no_digest(week, resource_parent, colleague, django_capture_on_commit_callbacks):
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests(now=MONDAY_8)
    assert not _sent(resource_parent) and not _sent(colleague)
    assert not Notification.objects.filter(recipient__in=[resource_parent, colleague]).exists()


@pytest.mark.parametrize(
    "last_run, now, due",
    [
        (chicago(2027, 3, 14, 23), chicago(2027, 3, 15, 8, 0, 30), True),  # Monday 08:00 CDT, the day after the change
        (chicago(2027, 3, 14, 23), chicago(2027, 3, 15, 7, 59), False),
        (chicago(2027, 1, 10, 23), chicago(2027, 1, 11, 8, 0, 30), True),  # Monday 08:00 CST
        (chicago(2027, 3, 15, 8), chicago(2027, 3, 16, 8, 0, 30), False),  # Tuesday: already sent this week
    ],
)
def test_the_beat_schedule_runs_the_digest_at_eight_on_monday_agency_time(last_run, now, due):
    schedule = app.conf.beat_schedule["weekly-digest"]["schedule"]
    assert app.conf.beat_schedule["weekly-digest"]["task"] == "portal.reports.tasks.send_weekly_digests_task"
    schedule.nowfun = lambda: now.astimezone(schedule.tz)
    try:
        assert schedule.is_due(last_run).is_due is due
    finally:
        schedule.nowfun = None
    assert str(schedule.tz) == str(CHICAGO)

