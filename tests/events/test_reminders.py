"""Reminders to families 7 days and 1 day before (issue 7, "Must show" 2), and the outcome promise when an event ends.

The beat is simulated as it really runs: the sweep is called on every tick of real (UTC) time, hourly on the
event's minute (the real beat runs every 5 minutes; a coarser tick only keeps the suite fast), from the
invitation until after the event, so a reminder sent twice, an hour early or late after a change of the
clocks, or not at all would show. What a family expects, and what the code does:

- "7 days before" and "1 day before" are calendar days, at the event's own time of day on the wall clock.
  A hearing on the Monday after Thanksgiving is reminded on the Sunday before ("tomorrow"), and a hearing on
  Tuesday 6 July 2027 on Monday 5 July, the observed holiday: a reminder is a nudge to the family, not office
  work, so weekends and holidays do not move it (they would make "1 day before" mean "4 days before").
- Across 14 March and 7 November 2027 a 10:00 hearing is reminded at 10:00, not 09:00 or 11:00.
- Each reminder once, also when two sweeps run at the same moment; a reschedule starts over for the new time.
- A reminder whose moment came before the invitation is not sent (the invitation was the notice).
- Quiet hours hold the e-mail until they end; a cancelled event is never reminded.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core import mail
from django.db import connection

from placements.events import services
from placements.events.models import Event, EventReminder, Invitee
from portal import business_days
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import deliver_notification
from tests.conftest import CHICAGO, chicago
from tests.factories import ParentFactory

pytestmark = pytest.mark.django_db

TICK = timedelta(hours=1)


def _meeting(caseworker, child, starts_at, *, invited_at, kind=Event.Kind.FAMILY_TEAM_MEETING, **extra) -> Event:
    return services.schedule_event(
        actor=caseworker, kind=kind, child=child, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
        place="Jackson office", now=invited_at, **extra,
    )


def _beat(start, end, step=TICK) -> int:
    """Run the sweep as the beat does, on every tick of real time from ``start`` to ``end``."""
    moment, sent = start.astimezone(dt_timezone.utc), 0
    while moment <= end:
        sent += services.send_event_reminders(now=moment)
        moment += step
    return sent


def _sent(event: Event) -> list[tuple[int, str]]:
    """(days before, local wall-clock moment sent) of each reminder, in order."""
    rows = EventReminder.objects.filter(invitee__event=event).order_by("sent_at", "-days_before")
    return [(row.days_before, row.sent_at.astimezone(CHICAGO).strftime("%a %Y-%m-%d %H:%M %Z")) for row in rows]


def _reminders(recipient) -> list[Notification]:
    return list(Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER, recipient=recipient).order_by("created_at"))


@pytest.mark.parametrize(
    "starts_at, invited_at, expected",
    [
        # Spring forward on Sunday 14 March 2027: the 7-day reminder is on the other side of the change.
        (chicago(2027, 3, 17, 10, 0), chicago(2027, 3, 8, 9, 0), [(7, "Wed 2027-03-10 10:00 CST"), (1, "Tue 2027-03-16 10:00 CDT")]),
        # Fall back on Sunday 7 November 2027.
        (chicago(2027, 11, 10, 10, 0), chicago(2027, 11, 1, 9, 0), [(7, "Wed 2027-11-03 10:00 CDT"), (1, "Tue 2027-11-09 10:00 CST")]),
        # The 1-day reminder falls on the day of each change itself.
        (chicago(2027, 3, 15, 9, 0), chicago(2027, 3, 5, 9, 0), [(7, "Mon 2027-03-08 09:00 CST"), (1, "Sun 2027-03-14 09:00 CDT")]),
        (chicago(2027, 11, 8, 9, 0), chicago(2027, 10, 29, 9, 0), [(7, "Mon 2027-11-01 09:00 CDT"), (1, "Sun 2027-11-07 09:00 CST")]),
        # The Monday after Thanksgiving (Thursday 25 November 2027): reminded the Sunday before, a calendar day.
        (chicago(2027, 11, 29, 10, 0), chicago(2027, 11, 19, 9, 0), [(7, "Mon 2027-11-22 10:00 CST"), (1, "Sun 2027-11-28 10:00 CST")]),
        # 4 July 2027 is a Sunday, observed on Monday 5 July: a Tuesday hearing is reminded on the holiday.
        (chicago(2027, 7, 6, 10, 0), chicago(2027, 6, 25, 9, 0), [(7, "Tue 2027-06-29 10:00 CDT"), (1, "Mon 2027-07-05 10:00 CDT")]),
        # An evening visit (after midnight UTC) keeps its local day.
        (chicago(2027, 3, 17, 19, 30), chicago(2027, 3, 8, 9, 30), [(7, "Wed 2027-03-10 19:30 CST"), (1, "Tue 2027-03-16 19:30 CDT")]),
    ],
    ids=["spring-forward", "fall-back", "day-of-spring-change", "day-of-autumn-change", "after-thanksgiving", "after-fourth-of-july", "evening"],
)
def test_reminders_go_7_days_and_1_day_before_at_the_same_wall_clock_time_once_each(
    caseworker, child, resource_parent, starts_at, invited_at, expected
):
    event = _meeting(caseworker, child, starts_at, invited_at=invited_at)
    assert _beat(invited_at, starts_at + timedelta(hours=2)) == 2
    assert _sent(event) == expected
    notifications = _reminders(resource_parent)
    assert [n.context["days"] for n in notifications] == [7, 1]
    assert all(n.link == f"/calendar/{event.pk}/" for n in notifications)
    # What the family reads: the event's own local time, whatever the clocks did in between.
    deliver_notification(notification_id=notifications[-1].pk, now=notifications[-1].created_at)
    local = starts_at.astimezone(CHICAGO)
    hour = local.strftime("%I:%M %p").lstrip("0").replace("PM", "PM").replace("AM", "AM")
    assert mail.outbox[-1].subject == f"Reminder: Family team meeting on {local:%A} {local.day} {local:%B}, {hour}"
    for row in EventReminder.objects.filter(invitee__event=event):
        local_day = business_days.local_date(row.sent_at)
        assert (local.date() - local_day).days == row.days_before  # calendar days, holidays and weekends included
        assert row.sent_at.astimezone(CHICAGO).time() == local.time()


def test_the_holiday_cases_are_what_a_family_expects(caseworker, child, resource_parent):
    """Spelled out: the reminder for a hearing after a holiday weekend still says "tomorrow" the day before."""
    assert not business_days.is_business_day(date(2027, 11, 28)) and not business_days.is_business_day(date(2027, 7, 5))
    # Invited on Wednesday 24 November (after the 7-day moment) for Monday the 29th: Thanksgiving and the
    # weekend pass without a word, then "tomorrow" on Sunday at the hearing's time.
    monday = _meeting(caseworker, child, chicago(2027, 11, 29, 10, 0), invited_at=chicago(2027, 11, 24, 16, 0))
    assert _beat(chicago(2027, 11, 24, 16, 0), chicago(2027, 11, 28, 9, 0)) == 0
    assert services.send_event_reminders(now=chicago(2027, 11, 28, 9, 59)) == 0
    assert services.send_event_reminders(now=chicago(2027, 11, 28, 10, 0)) == 1
    assert _sent(monday) == [(1, "Sun 2027-11-28 10:00 CST")]


def test_running_the_sweep_twice_at_the_same_moment_sends_nothing_more(caseworker, child, resource_parent, household):
    ParentFactory(household=household, last_name="Garcia", email="mr.garcia@family.test")
    event = _meeting(
        caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0),
        guests=[services.Guest(name="Ana Ruiz", email="ana@example.org")],
    )
    moment = chicago(2027, 3, 10, 10, 0)
    assert services.send_event_reminders(now=moment) == 3  # both parents and the guest
    assert services.send_event_reminders(now=moment) == 0
    assert services.send_event_reminders(now=moment + timedelta(minutes=5)) == 0
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER).count() == 3
    assert EventReminder.objects.filter(invitee__event=event).count() == 3
    guest = Notification.objects.get(kind=Notification.Kind.EVENT_REMINDER, recipient__isnull=True)
    assert guest.email_to == "ana@example.org" and guest.link == ""


def test_a_second_sweep_that_starts_while_the_first_is_sending_sends_nothing(caseworker, child, resource_parent, monkeypatch):
    """Two beats at the same moment: the second reaches the same invitee while the first holds its reminder row."""
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    moment = chicago(2027, 3, 16, 10, 0)
    real_queue = services.queue_notifications
    second = []

    def queue_while_another_sweep_runs(specs, *, now):
        if not second:
            second.append(services.send_event_reminders(now=now))
        return real_queue(specs, now=now)

    monkeypatch.setattr(services, "queue_notifications", queue_while_another_sweep_runs)
    assert services.send_event_reminders(now=moment) == 1
    assert second == [0]
    assert len(_reminders(resource_parent)) == 1
    assert list(EventReminder.objects.filter(invitee__event=event).values_list("days_before", flat=True)) == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_two_connections_send_each_reminder_of_40_events_once(service_standards, caseworker, child, resource_parent, monkeypatch):
    events = [
        _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0) + timedelta(minutes=n), invited_at=chicago(2027, 3, 1, 9, 0))
        for n in range(40)
    ]
    real_queue = services.queue_notifications

    def queue_slowly(specs, *, now):
        import time as clock

        clock.sleep(0.005)  # hold the reminder row a moment, so the other sweep meets it
        return real_queue(specs, now=now)

    monkeypatch.setattr(services, "queue_notifications", queue_slowly)
    start, results, errors = threading.Barrier(2), {}, []

    def sweep(name):
        try:
            start.wait(timeout=10)
            results[name] = services.send_event_reminders(now=chicago(2027, 3, 16, 11, 0))
        except Exception as error:  # reported below with the thread's name
            errors.append((name, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, args=(name,), name=name) for name in ("beat-a", "beat-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(results.values()) == 40
    assert Counter(EventReminder.objects.values_list("invitee__event", flat=True)) == Counter({e.pk: 1 for e in events})
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER).count() == 40


def test_a_reschedule_starts_the_reminders_over_for_the_new_time(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    assert _beat(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 11, 9, 0)) == 1  # the 7-day reminder for the 17th
    services.reschedule_event(
        actor=caseworker, event=event, starts_at=chicago(2027, 3, 24, 14, 0), ends_at=chicago(2027, 3, 24, 15, 0),
        reason="The room is needed for a trial.", now=chicago(2027, 3, 11, 9, 0),
    )
    assert _beat(chicago(2027, 3, 11, 9, 0), chicago(2027, 3, 24, 16, 0)) == 2
    assert _sent(event) == [(7, "Wed 2027-03-10 10:00 CST"), (7, "Wed 2027-03-17 14:00 CDT"), (1, "Tue 2027-03-23 14:00 CDT")]
    assert [datetime.fromisoformat(n.context["due_at"]) for n in _reminders(resource_parent)] == [
        chicago(2027, 3, 17, 10, 0), chicago(2027, 3, 24, 14, 0), chicago(2027, 3, 24, 14, 0),
    ]


def test_a_reschedule_to_a_closer_time_sends_only_the_reminder_still_ahead(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 24, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    services.reschedule_event(
        actor=caseworker, event=event, starts_at=chicago(2027, 3, 15, 10, 0), ends_at=chicago(2027, 3, 15, 11, 0),
        reason="Moved earlier at the family's request.", now=chicago(2027, 3, 11, 9, 0),
    )
    # The old 7-day moment (17 March) and the new one (8 March, before the change) are both never sent.
    assert _beat(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 25, 12, 0)) == 1
    assert _sent(event) == [(1, "Sun 2027-03-14 10:00 CDT")]


def test_a_reminder_whose_moment_came_before_the_invitation_is_not_sent(caseworker, child, resource_parent):
    # Invited on Tuesday 9 March for Friday 12 March: the 7-day moment (5 March) had passed; only "tomorrow" goes.
    event = _meeting(caseworker, child, chicago(2027, 3, 12, 10, 0), invited_at=chicago(2027, 3, 9, 15, 0))
    assert _beat(chicago(2027, 3, 9, 15, 0), chicago(2027, 3, 12, 12, 0)) == 1
    assert _sent(event) == [(1, "Thu 2027-03-11 10:00 CST")]
    # Invited the evening before, after the 1-day moment: no reminder at all, the invitation was the notice.
    late = _meeting(caseworker, child, chicago(2027, 3, 19, 9, 0), invited_at=chicago(2027, 3, 18, 16, 0), kind=Event.Kind.CASEWORKER_VISIT)
    assert _beat(chicago(2027, 3, 18, 16, 0), chicago(2027, 3, 19, 10, 0)) == 0
    assert _sent(late) == []


def test_a_beat_that_was_down_sends_only_the_nearest_reminder_when_it_is_back(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    assert services.send_event_reminders(now=chicago(2027, 3, 16, 12, 0)) == 1  # down from the 9th until the 16th at noon
    assert _sent(event) == [(1, "Tue 2027-03-16 12:00 CDT")]
    assert _beat(chicago(2027, 3, 16, 12, 0), chicago(2027, 3, 17, 12, 0)) == 0


def test_quiet_hours_hold_the_reminder_email_until_they_end(caseworker, child, resource_parent, household):
    household.quiet_hours_start, household.quiet_hours_end = time(21, 0), time(8, 0)
    household.save(update_fields=["quiet_hours_start", "quiet_hours_end"])
    early = _meeting(caseworker, child, chicago(2027, 3, 17, 7, 30), invited_at=chicago(2027, 3, 8, 9, 30), guests=[services.Guest(name="Ana", email="ana@example.org")])
    assert _beat(chicago(2027, 3, 8, 9, 30), chicago(2027, 3, 17, 9, 30)) == 4
    family = _reminders(resource_parent)
    assert [(n.created_at.astimezone(CHICAGO).strftime("%d %H:%M"), n.deliver_after.astimezone(CHICAGO).strftime("%d %H:%M")) for n in family] == [
        ("10 07:30", "10 08:00"), ("16 07:30", "16 08:00"),
    ]
    # Nothing is e-mailed inside the quiet hours; the outbox hands it over when they end.
    from portal.notifications.services import pending_notification_ids

    assert family[-1].pk not in pending_notification_ids(now=chicago(2027, 3, 16, 7, 59))
    assert family[-1].pk in pending_notification_ids(now=chicago(2027, 3, 16, 8, 0))
    # The guest has no quiet hours on record: on time.
    guest = Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER, email_to="ana@example.org").order_by("created_at")
    assert [n.deliver_after for n in guest] == [chicago(2027, 3, 10, 7, 30), chicago(2027, 3, 16, 7, 30)]
    assert early.pk


def test_quiet_hours_over_midnight_hold_a_late_evening_reminder_until_morning(caseworker, child, resource_parent, household):
    household.quiet_hours_start, household.quiet_hours_end = time(21, 0), time(8, 0)
    household.save(update_fields=["quiet_hours_start", "quiet_hours_end"])
    _meeting(caseworker, child, chicago(2027, 3, 17, 21, 30), invited_at=chicago(2027, 3, 15, 9, 0), kind=Event.Kind.BIRTH_FAMILY_VISIT)
    _beat(chicago(2027, 3, 15, 9, 30), chicago(2027, 3, 16, 23, 30), step=timedelta(minutes=30))
    (reminder,) = _reminders(resource_parent)
    assert reminder.deliver_after == chicago(2027, 3, 17, 8, 0)


def test_a_cancelled_event_is_never_reminded(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    services.cancel_event(actor=caseworker, event=event, reason="Not needed any more.", now=chicago(2027, 3, 2, 9, 0))
    assert _beat(chicago(2027, 3, 2, 9, 0), chicago(2027, 3, 17, 12, 0)) == 0
    assert not EventReminder.objects.exists() and not _reminders(resource_parent)


def test_an_inactive_parent_is_not_reminded(caseworker, child, resource_parent):
    _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    resource_parent.is_active = False
    resource_parent.save(update_fields=["is_active"])
    assert services.send_event_reminders(now=chicago(2027, 3, 16, 10, 0)) == 0


def test_the_reminder_days_are_configuration(caseworker, child, resource_parent, settings):
    settings.PORTAL_EVENT_REMINDER_DAYS = [3]
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    assert _beat(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 17, 12, 0)) == 1
    assert _sent(event) == [(3, "Sun 2027-03-14 10:00 CDT")]
    settings.PORTAL_EVENT_REMINDER_DAYS = [14, 2, 2]
    later = _meeting(caseworker, child, chicago(2027, 4, 20, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    assert _beat(chicago(2027, 4, 1, 9, 0), chicago(2027, 4, 20, 12, 0)) == 2
    assert [d for d, _at in _sent(later)] == [14, 2]
    settings.PORTAL_EVENT_REMINDER_DAYS = []
    third = _meeting(caseworker, child, chicago(2027, 5, 4, 10, 0), invited_at=chicago(2027, 4, 1, 9, 0))
    assert _beat(chicago(2027, 5, 2, 9, 0), chicago(2027, 5, 4, 12, 0), step=timedelta(hours=1)) == 0
    assert _sent(third) == []


@pytest.mark.parametrize("value", ["seven", "0", "7,90"])
def test_the_reminder_setting_refuses_nonsense_at_start_up(value):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PORTAL_EVENT_REMINDER_DAYS": value}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings"], cwd=Path(__file__).resolve().parents[2], env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "PORTAL_EVENT_REMINDER_DAYS" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_a_repeated_or_skipped_hour_reminds_once(caseworker, child, resource_parent):
    """Night-time events are rare, but a reminder at a time the clocks skip or repeat still goes exactly once."""
    repeated = _meeting(caseworker, child, chicago(2027, 11, 8, 1, 30), invited_at=chicago(2027, 11, 5, 9, 0), kind=Event.Kind.BIRTH_FAMILY_VISIT)
    skipped = _meeting(caseworker, child, chicago(2027, 3, 15, 2, 30), invited_at=chicago(2027, 3, 12, 9, 0), kind=Event.Kind.BIRTH_FAMILY_VISIT)
    _beat(chicago(2027, 11, 6, 12, 0), chicago(2027, 11, 7, 12, 0), step=timedelta(minutes=30))
    _beat(chicago(2027, 3, 13, 12, 0), chicago(2027, 3, 14, 12, 0), step=timedelta(minutes=30))
    assert _sent(repeated) == [(1, "Sun 2027-11-07 01:30 CDT")]  # the first 01:30, not again an hour later
    assert _sent(skipped) == [(1, "Sun 2027-03-14 03:30 CDT")]  # 02:30 never happens: the hour after


# --- The outcome promise when an event ends ---------------------------------------------------


def test_the_outcome_is_promised_once_per_ended_hearing_meeting_or_review(caseworker, resource_worker, child, household, resource_parent):
    invited = chicago(2027, 3, 1, 9, 0)
    kinds = [Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASE_PLAN_REVIEW, Event.Kind.CASEWORKER_VISIT, Event.Kind.BIRTH_FAMILY_VISIT]
    events = {
        kind: _meeting(caseworker, child, chicago(2027, 3, 10, 9, 0), invited_at=invited, kind=kind, hearing_type="review" if kind == "court_hearing" else "")
        for kind in kinds
    }
    licensing = services.schedule_event(
        actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=household, starts_at=chicago(2027, 3, 10, 9, 0),
        ends_at=chicago(2027, 3, 10, 10, 0), place="At home", now=invited,
    )
    cancelled = _meeting(caseworker, child, chicago(2027, 3, 10, 9, 0), invited_at=invited, kind=Event.Kind.CASE_PLAN_REVIEW)
    services.cancel_event(actor=caseworker, event=cancelled, reason="Merged with the team meeting.", now=invited)
    already = _meeting(caseworker, child, chicago(2027, 3, 10, 9, 0), invited_at=invited)
    services.record_outcome(actor=caseworker, event=already, outcome="Agreed on a school change.", now=chicago(2027, 3, 10, 9, 50))

    assert services.open_outcome_promises(now=chicago(2027, 3, 10, 9, 59)) == 0  # not over yet
    assert services.open_outcome_promises(now=chicago(2027, 3, 10, 10, 0)) == 3
    assert services.open_outcome_promises(now=chicago(2027, 3, 10, 10, 5)) == 0
    assert services.open_outcome_promises(now=chicago(2027, 3, 11, 10, 0)) == 0
    promised = Commitment.objects.filter(standard__code="hearing-outcome")
    expected = {events[k].pk for k in kinds[:3]}
    assert set(promised.values_list("subject_id", flat=True)) == expected and promised.count() == 3
    assert {p.owner for p in promised} == {caseworker} and {p.due_at for p in promised} == {chicago(2027, 3, 11, 17, 0)}
    assert {p.household for p in promised} == {household}
    for event in [events[kinds[3]], events[kinds[4]], licensing, cancelled, already]:
        event.refresh_from_db()
        assert event.outcome_promised_at is None
    assert not Commitment.objects.filter(standard__code="hearing-outcome", subject_id__in=[licensing.pk, cancelled.pk, already.pk]).exists()
    services.record_outcome(actor=caseworker, event=events[kinds[0]], outcome="Maya stays with you.", now=chicago(2027, 3, 11, 9, 0))
    assert promised.get(subject_id=events[kinds[0]].pk).status == "met"


def test_an_outcome_promise_for_an_event_ending_friday_evening_is_due_monday(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 12, 17, 30), invited_at=chicago(2027, 3, 1, 9, 0))
    assert services.open_outcome_promises(now=chicago(2027, 3, 13, 8, 0)) == 1  # the beat noticed it Saturday morning
    promise = Commitment.objects.get(standard__code="hearing-outcome", subject_id=event.pk)
    assert promise.opened_at == chicago(2027, 3, 12, 18, 30) and promise.due_at == chicago(2027, 3, 15, 17, 0)


def test_invitee_answers_do_not_change_reminders(caseworker, child, resource_parent):
    event = _meeting(caseworker, child, chicago(2027, 3, 17, 10, 0), invited_at=chicago(2027, 3, 1, 9, 0))
    services.respond(user=resource_parent, event=event, response=Invitee.Response.CANNOT, sequence=0, now=chicago(2027, 3, 2, 9, 0))
    # Someone who said they cannot come is still reminded: they may change their mind, and the answer is one click away.
    assert _beat(chicago(2027, 3, 2, 9, 0), chicago(2027, 3, 17, 12, 0)) == 2
