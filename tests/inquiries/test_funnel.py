"""The director's funnel on a generated data set equals what the generation plan says it must be.

About forty inquiries over two counties (Hinds, Rankin) and three months (September to November
2026) are planned with a seeded random generator, then driven through the services with fixed
``now=`` times: some contacted personally on time, some late (a voicemail first, which does not
count), some never; some reaching an information session, an application, a licence; some closed
with a reason. The expected figures are worked out from the plan alone — every office-hours figure by
the arithmetic of the plan (an inquiry received Monday at 10:00 and called Wednesday at 9:30 waited
7 + 9 + 1.5 office hours) — and never by querying the database the way the selector does.

The edges: an inquiry received on 30 September at 22:00 (already 1 October in UTC) is September's;
one on Saturday 31 October is October's and is answered on Monday 2 November, after the clocks
went back; inquiries just outside the window (31 August 22:00, 1 December 00:30) are not counted.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from inquiries import selectors, services
from inquiries.models import ClosedReason, ContactLog, Stage
from portal import business_days
from portal.accounts.models import Role
from tests.conftest import CHICAGO
from tests.factories import CountyFactory, OfficeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SINCE, UNTIL = date(2026, 9, 1), date(2026, 12, 1)
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]

# Mondays and Tuesdays whose next two days are ordinary business days (no Labor Day, Columbus Day,
# Veterans Day or Thanksgiving nearby); Saturdays whose Monday and Tuesday are business days.
WEEKDAYS = {
    9: [date(2026, 9, d) for d in (14, 15, 21, 22, 28)],
    10: [date(2026, 10, d) for d in (5, 6, 19, 20, 26, 27)],
    11: [date(2026, 11, d) for d in (2, 3, 16, 17)],
}
SATURDAYS = {9: [date(2026, 9, 19), date(2026, 9, 26)], 10: [date(2026, 10, 17), date(2026, 10, 31)], 11: [date(2026, 11, 7), date(2026, 11, 14)]}

# The path, in the funnel's order (written out here, not taken from the model).
PATH = ["contacted", "session_invited", "session_attended", "orientation", "application", "home_study", "licensed"]


def local(day: date, hours: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHICAGO) + timedelta(hours=hours)


@dataclass
class Plan:
    county: str
    received_at: datetime
    month: date
    contact: str  # "on_time", "late" or "never"
    voicemail_at: datetime | None = None
    contact_at: datetime | None = None
    office_hours: float | None = None
    furthest: str = "new"
    path: list[str] = field(default_factory=list)
    closed_reason: str = ""


def _plan_one(rng: random.Random, county: str, month_number: int) -> Plan:
    """One inquiry: when it arrives, whether and when the first personal contact comes, how far it gets."""
    arrival = rng.choice(["weekday", "weekday", "weekday", "evening", "saturday"])
    contact = rng.choices(["on_time", "late", "never"], weights=[6, 3, 2])[0]
    d = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0])  # office hours into the day of contact
    if arrival == "weekday":
        day = rng.choice(WEEKDAYS[month_number])
        start = rng.choice([8.5, 9.0, 10.0, 11.0, 13.0])
        received = local(day, start)
        if contact == "on_time":  # the same day, d hours later
            contact_at, hours = local(day, start + d), d
        else:  # two business days later: the rest of the first day, a full day, then d hours
            contact_at, hours = local(day + timedelta(days=2), 8 + d), (17 - start) + 9 + d
    elif arrival == "evening":
        day = rng.choice(WEEKDAYS[month_number])
        received = local(day, 19.5)
        if contact == "on_time":  # the next morning
            contact_at, hours = local(day + timedelta(days=1), 8 + d), d
        else:
            contact_at, hours = local(day + timedelta(days=2), 8 + d), 9 + d
    else:
        saturday = rng.choice(SATURDAYS[month_number])
        received = local(saturday, 11.0)
        if contact == "on_time":  # Monday
            contact_at, hours = local(saturday + timedelta(days=2), 8 + d), d
        else:  # Tuesday
            contact_at, hours = local(saturday + timedelta(days=3), 8 + d), 9 + d
    plan = Plan(county=county, received_at=received, month=date(2026, month_number, 1), contact=contact)
    if contact == "never":
        if rng.random() < 0.5:
            plan.closed_reason = ClosedReason.NO_RESPONSE
        return plan
    plan.contact_at, plan.office_hours = contact_at, hours
    if contact == "late" and rng.random() < 0.7:
        plan.voicemail_at = received + timedelta(minutes=30)  # a voicemail in time is not first contact
    plan.furthest = rng.choices(PATH, weights=[4, 3, 3, 2, 3, 2, 2])[0]
    # Sometimes every step is recorded, sometimes the worker jumps (straight to "application").
    reached = PATH[1 : PATH.index(plan.furthest) + 1]
    plan.path = reached if rng.random() < 0.6 else reached[-1:]
    if plan.furthest != "licensed" and rng.random() < 0.35:
        plan.closed_reason = rng.choice([ClosedReason.OTHER_AGENCY, ClosedReason.NOT_READY, ClosedReason.NOT_ELIGIBLE, ClosedReason.WITHDREW])
    return plan


def make_plans(seed: int = 20261116) -> list[Plan]:
    rng = random.Random(seed)
    plans = [_plan_one(rng, county, month) for month in (9, 10, 11) for county in ("Hinds", "Rankin") for _ in range(7)]
    # The edges, fixed: late on the month's last evening; a Saturday before the clocks go back.
    plans.append(Plan("Hinds", local(date(2026, 9, 30), 22.0), date(2026, 9, 1), "on_time",
                      contact_at=local(date(2026, 10, 1), 9.0), office_hours=1.0, furthest="session_attended",
                      path=["session_invited", "session_attended"]))
    plans.append(Plan("Rankin", local(date(2026, 10, 31), 11.0), date(2026, 10, 1), "on_time",
                      contact_at=local(date(2026, 11, 2), 8.5), office_hours=0.5, furthest="contacted"))
    return plans


OUTSIDE = [("Hinds", local(date(2026, 8, 31), 22.0)), ("Rankin", local(date(2026, 12, 1), 0.5))]


def reached(plan: Plan, stage: str) -> bool:
    return plan.furthest != "new" and PATH.index(plan.furthest) >= PATH.index(stage)


def expected_rows(plans: list[Plan], counties: set[str]) -> dict[tuple[str, date], dict]:
    grouped: dict[tuple[str, date], list[Plan]] = defaultdict(list)
    for plan in plans:
        if plan.county in counties:
            grouped[(plan.county, plan.month)].append(plan)
    rows = {}
    for key, group in grouped.items():
        on_time = sum(1 for plan in group if plan.contact == "on_time")
        hours = [plan.office_hours for plan in group if plan.office_hours is not None]
        rows[key] = {
            "inquiries": len(group),
            "contacted_on_time": on_time,
            "session": sum(1 for plan in group if reached(plan, "session_attended")),
            "application": sum(1 for plan in group if reached(plan, "application")),
            "licensed": sum(1 for plan in group if plan.furthest == "licensed"),
            "median_hours_to_contact": round(statistics.median(hours), 1) if hours else None,
            "on_time_percent": round(100 * on_time / len(group)),
        }
    return rows


@pytest.fixture
def world(office, team, supervisor, resource_worker):
    rankin_office = OfficeFactory(name="Rankin office", county=CountyFactory(name="Rankin"), program_manager=office.program_manager)
    ward = UserFactory(role=Role.SUPERVISOR, last_name="Ward", email="ward@agency.test")
    rankin_team = TeamFactory(office=rankin_office, supervisor=ward)
    ward.team = rankin_team
    ward.save(update_fields=["team"])
    diaz = UserFactory(role=Role.RESOURCE_WORKER, team=rankin_team, last_name="Diaz", email="diaz@agency.test")
    return {
        "counties": {"Hinds": office.county, "Rankin": rankin_office.county},
        "workers": {"Hinds": resource_worker, "Rankin": diaz},
        "administrator": office.program_manager,
        "hinds_supervisor": supervisor,
        "rankin_supervisor": ward,
    }


def drive(plans: list[Plan], world) -> None:
    """Each plan through the services, in the order things happen, each at its own moment."""
    for sequence, plan in enumerate(sorted(plans, key=lambda p: p.received_at)):
        inquiry = services.submit_inquiry(
            name=f"Inquirer {sequence}", email=f"inquirer{sequence}@example.org", phone="", contact_way="email", best_time="",
            language="en", county=world["counties"][plan.county], interest="foster", questions="", now=plan.received_at,
        ).inquiry
        worker = world["workers"][plan.county]
        assert inquiry.worker == worker
        if plan.voicemail_at:
            services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=worker, now=plan.voicemail_at)
        moment = plan.contact_at
        if moment:
            services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=worker, now=moment)
            for stage in plan.path:
                moment += timedelta(days=3)
                services.move_stage(inquiry=inquiry, stage=stage, actor=worker, now=moment)
        if plan.closed_reason:
            services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason=plan.closed_reason, actor=worker,
                                now=(moment or plan.received_at) + timedelta(days=10))
    for county, received_at in OUTSIDE:
        services.submit_inquiry(
            name="Outside the window", email=f"outside{received_at:%m%d}@example.org", phone="", contact_way="email", best_time="",
            language="en", county=world["counties"][county], interest="foster", questions="", now=received_at,
        )


def _as_dict(rows) -> dict[tuple[str, date], dict]:
    return {
        (row.county, row.month): {
            "inquiries": row.inquiries,
            "contacted_on_time": row.contacted_on_time,
            "session": row.session,
            "application": row.application,
            "licensed": row.licensed,
            "median_hours_to_contact": row.median_hours_to_contact,
            "on_time_percent": row.on_time_percent,
        }
        for row in rows
    }


def test_the_plan_is_a_fair_test():
    """A guard on the generator: the data set has every case the funnel must count, and the calendar agrees with it."""
    plans = make_plans()
    assert 40 <= len(plans) <= 50
    assert {plan.contact for plan in plans} == {"on_time", "late", "never"}
    assert {plan.furthest for plan in plans} >= {"new", "contacted", "session_attended", "application", "licensed"}
    assert any(plan.voicemail_at and plan.contact == "late" for plan in plans)
    assert any(plan.path and len(plan.path) == 1 and plan.furthest in ("application", "home_study", "licensed") for plan in plans)
    assert len({plan.closed_reason for plan in plans if plan.closed_reason}) >= 3
    assert {(plan.county, plan.month) for plan in plans} == {(c, m) for c in ("Hinds", "Rankin") for m in MONTHS}
    for days in WEEKDAYS.values():
        for day in days:
            assert all(business_days.is_business_day(day + timedelta(days=k)) for k in range(3)), day
    for days in SATURDAYS.values():
        for saturday in days:
            assert all(business_days.is_business_day(saturday + timedelta(days=k)) for k in (2, 3)), saturday
    for plan in plans:
        if plan.contact_at:
            due = business_days.deadline(plan.received_at, 1)
            assert (plan.contact_at <= due) == (plan.contact == "on_time"), plan


def test_the_funnel_equals_the_hand_computed_figures_for_an_administrator(world):
    plans = make_plans()
    drive(plans, world)
    expected = expected_rows(plans, {"Hinds", "Rankin"})
    assert len(expected) == 6
    rows = selectors.funnel(world["administrator"], since=SINCE, until=UNTIL)
    assert [(row.county, row.month) for row in rows] == sorted(expected)
    assert _as_dict(rows) == expected
    assert sum(row.inquiries for row in rows) == len(plans)  # the two just outside the window are not counted
    reasons = Counter(plan.closed_reason for plan in plans if plan.closed_reason)
    labels = dict(ClosedReason.choices)
    assert selectors.closing_reasons(world["administrator"], since=SINCE, until=UNTIL) == [
        (labels[value], reasons[value]) for value in ClosedReason.values if reasons[value]
    ]


def test_a_supervisor_sees_the_funnel_of_their_region_only(world):
    plans = make_plans()
    drive(plans, world)
    for who, county in (("hinds_supervisor", "Hinds"), ("rankin_supervisor", "Rankin")):
        rows = selectors.funnel(world[who], since=SINCE, until=UNTIL)
        assert _as_dict(rows) == expected_rows(plans, {county})
        reasons = Counter(plan.closed_reason for plan in plans if plan.closed_reason and plan.county == county)
        assert dict(selectors.closing_reasons(world[who], since=SINCE, until=UNTIL)) == {
            dict(ClosedReason.choices)[value]: count for value, count in reasons.items()
        }
    assert selectors.funnel(world["workers"]["Hinds"], since=SINCE, until=UNTIL) == []


def test_the_csv_has_the_same_figures(client, world):
    plans = make_plans()
    drive(plans, world)
    client.force_login(world["administrator"])
    response = client.get(reverse("inquiries:funnel_csv"), {"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "inquiry-funnel-2026-09-2026-12.csv" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    got = {
        (row["county"], row["month"]): {
            "inquiries": int(row["inquiries"]),
            "contacted_on_time": int(row["contacted_on_time"]),
            "on_time_percent": int(row["on_time_percent"]),
            "session": int(row["information_session"]),
            "application": int(row["application"]),
            "licensed": int(row["licensed"]),
            "median_hours_to_contact": float(row["median_office_hours_to_first_contact"]) if row["median_office_hours_to_first_contact"] else None,
        }
        for row in table
    }
    assert got == {(county, f"{month:%Y-%m}"): figures for (county, month), figures in expected_rows(plans, {"Hinds", "Rankin"}).items()}


def test_the_csv_of_a_supervisor_has_no_other_regions_county(client, world):
    drive(make_plans(), world)
    client.force_login(world["hinds_supervisor"])
    body = client.get(reverse("inquiries:funnel_csv"), {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}).content.decode()
    assert "Hinds" in body and "Rankin" not in body
