"""The family's calendar (list and month), and the staff calendar, cost the same number of queries for 2 events
as for 200 (issue 7, "Must show" 4; bench/calendar_queries.py prints the figures up to 2 000).

Every event is made through placements.events.services, and the two small ones already have everything a
row can show: an upcoming court hearing whose family needs transport (a help promise to arrange), a meeting that
ended and waits for its outcome (an outcome promise). The 198 more add every other state: outcomes posted, a
next hearing date, cancellations, changed times, late notices, outside guests, answers of every kind, visits.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements.events import services
from placements.events.models import Event, Invitee
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 3, 15, 12, 0)  # Monday 15 March 2027, noon
RESPONSES = ["transport", "in_person", "video", "child_care", "", "cannot"]


def _shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _render(client, url) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in queries.captured_queries]


def _same_count(small: list[str], big: list[str], label: str) -> None:
    diff = "\n".join(difflib.unified_diff([_shape(q) for q in small], [_shape(q) for q in big], lineterm="", n=0))
    assert len(small) == len(big), f"{label}: {len(small)} queries for 2 events, {len(big)} for 200\n{diff}"


def add_events(*, caseworker, resource_worker, child, household, parent, start: int, count: int) -> list[Event]:
    """Events number ``start`` to ``start + count - 1``, all in March 2027, in every state a calendar shows."""
    made = []
    for n in range(start, start + count):
        upcoming = n % 2 == 0
        day = 16 + (n // 2) % 16 if upcoming else 1 + (n // 2) % 14  # 16–31 March ahead, 1–14 March past
        starts_at = chicago(2027, 3, day, 8 + n % 10, 15 * (n % 4))
        invited_at = starts_at - timedelta(days=2 if n % 7 == 3 else 10)  # some late
        invited_at = min(invited_at, NOW - timedelta(minutes=1))
        kind = [Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASE_PLAN_REVIEW, Event.Kind.BIRTH_FAMILY_VISIT][(n // 2) % 4]
        if n < 2:
            kind = Event.Kind.COURT_HEARING if upcoming else Event.Kind.FAMILY_TEAM_MEETING
        if n % 11 == 5:
            event = services.schedule_event(
                actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=household, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1), place="At home", now=invited_at,
            )
        else:
            event = services.schedule_event(
                actor=caseworker, kind=kind, hearing_type="review" if kind == Event.Kind.COURT_HEARING else "", child=child,
                starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), place=f"Room {n}",
                video_link="https://court.example.org/room" if n % 3 == 0 else "", purpose=f"Purpose {n}",
                guests=[services.Guest(name=f"Guest {n}", email=f"guest{n}@example.org")] if n % 4 == 1 else [], now=invited_at,
            )
        response = RESPONSES[0] if n < 2 else RESPONSES[n % len(RESPONSES)]
        if response:
            services.respond(user=parent, event=event, response=response, sequence=0, now=invited_at)
        if upcoming and n % 9 == 4:
            event = services.reschedule_event(
                actor=event.organiser, event=event, starts_at=starts_at + timedelta(hours=1), ends_at=starts_at + timedelta(hours=2),
                reason="Room change", now=invited_at + timedelta(minutes=5),
            )
        if n % 13 == 6:
            event = services.cancel_event(actor=event.organiser, event=event, reason="No longer needed", now=invited_at + timedelta(minutes=10))
        if not upcoming and not event.is_cancelled:
            Invitee.objects.filter(event=event).update(attended=True)
            if n % 4 == 3 and event.expects_outcome:
                services.record_outcome(
                    actor=event.organiser, event=event, outcome=f"Outcome {n}", next_hearing_on=starts_at.date() + timedelta(days=90),
                    now=event.ends_at + timedelta(hours=1),
                )
        made.append(event)
    services.open_outcome_promises(now=NOW)
    return made


@pytest.fixture
def calendar_world(caseworker, resource_worker, child, household, resource_parent, time_machine):
    def grow(start, count):
        time_machine.move_to(NOW - timedelta(days=40), tick=False)
        made = add_events(caseworker=caseworker, resource_worker=resource_worker, child=child, household=household, parent=resource_parent, start=start, count=count)
        time_machine.move_to(NOW, tick=False)
        return made

    return grow


def _urls():
    return {
        "family list": (reverse("events:family_calendar"), "parent"),
        "family month": (reverse("events:family_calendar") + "?month=2027-03", "parent"),
        "staff calendar (caseworker)": (reverse("events:staff_calendar"), "caseworker"),
        "staff calendar (supervisor)": (reverse("events:staff_calendar"), "supervisor"),
    }


def test_every_calendar_page_makes_as_many_queries_for_200_events_as_for_2(client, calendar_world, resource_parent, caseworker, supervisor, capsys):
    people = {"parent": resource_parent, "caseworker": caseworker, "supervisor": supervisor}
    calendar_world(0, 2)
    small = {}
    for label, (url, who) in _urls().items():
        client.force_login(people[who])
        client.get(url)  # warm-up: content types and the like are cached after the first page
        small[label] = _render(client, url)
    calendar_world(2, 198)
    assert Event.objects.count() == 200
    for label, (url, who) in _urls().items():
        client.force_login(people[who])
        _big, big_sql = _render(client, url)
        _small, small_sql = small[label]
        _same_count(small_sql, big_sql, label)
        with capsys.disabled():
            print(f"\n{label}: {len(small_sql)} queries with 2 events, {len(big_sql)} with 200")


def test_the_200_event_pages_really_show_the_200_events(client, calendar_world, resource_parent, caseworker):
    made = calendar_world(0, 200)
    client.force_login(resource_parent)
    listing = client.get(reverse("events:family_calendar"))
    shown = len(listing.context["upcoming"]) + len(listing.context["past"])
    assert shown == 200
    page = listing.content.decode()
    assert page.count('class="event-card') >= 200
    assert "Outcome 3" in page and "Not answered yet" in page and "Cancelled" in page and "Time or place changed" in page
    month = client.get(reverse("events:family_calendar"), {"month": "2027-03"})
    in_march = sum(len(day.events) for week in month.context["weeks"] for day in week if day.in_month)
    assert in_march == 200
    client.force_login(caseworker)
    staff = client.get(reverse("events:staff_calendar")).content.decode()
    # Mr. Reed's own events of the last two weeks and ahead (the licensing visits are Ms. Miller's).
    mine = {e.pk for e in made if e.organiser_id == caseworker.pk and e.starts_at >= NOW.astimezone(UTC) - timedelta(days=14)}
    assert len(mine) > 150
    tables = staff.split('id="late-heading"')[0]  # the late-invitations list below also links older events
    assert {int(pk) for pk in re.findall(r'href="/calendar/staff/(\d+)/"', tables)} == mine
    assert "Late notice" in staff and "Post the outcome by" in staff and "Arrange transport or child care by" in staff
