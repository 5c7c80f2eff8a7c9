"""Do the calendars make the same number of queries for 2, 200 and 2 000 events, and how does their time grow?

    .venv/bin/python bench/calendar_queries.py                              # fresh SQLite file in a temp dir
    .venv/bin/python bench/calendar_queries.py --sizes 2,200,2000,5000
    .venv/bin/python bench/calendar_queries.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

Everything is made through placements.events.services, the way caseworkers and families make it. One family
(the Garcias, one child placed with them, Mr. Reed her caseworker, Ms. Miller their resource worker) is invited to
events all in the current month: hearings, family team meetings, reviews, birth-family visits and licensing
visits; upcoming ones and ones that ended earlier in the month; answers of every kind (transport and child care
open a help promise), outside guests, rescheduled and cancelled ones, late invitations, outcomes posted and
outcome promises still open. The two smallest already have a help promise and an outcome promise.

Then, at each size, the family's calendar list, the month view (?month=this month) and the caseworker's staff
calendar are rendered through Django's test client: the query count of one render (after one warm-up), the time
spent in SQL in that render and the median wall time of --repeat renders. Prints a table and the ratios;
exits 1 if any page's query count differs between sizes. See bench/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2,200,2000", help="numbers of events to measure at, ascending (default 2,200,2000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed renders of each page; the median is reported (default 7)")
    parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    return parser.parse_args()


ARGS = parse_args()
SIZES = [int(size) for size in ARGS.sizes.split(",")]
assert SIZES == sorted(SIZES) and SIZES[0] >= 2, "--sizes must ascend from at least 2"
TMPDIR = None
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    TMPDIR = tempfile.mkdtemp(prefix="calendar-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
os.environ["CELERY_BROKER_URL"] = "memory://"  # the invitation e-mails are queued in-process, never sent
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client; no setup_test_environment(), whose
# template instrumentation (response.context) would add its own cost to every render timed here

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("kombu.connection").setLevel(logging.ERROR)

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from placements.events import services  # noqa: E402
from placements.events.models import Event, Invitee  # noqa: E402
from placements.models import Child, Placement  # noqa: E402
from portal import business_days  # noqa: E402
from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment  # noqa: E402

VENDOR = connection.vendor
NOW = timezone.now().replace(second=0, microsecond=0)
LOCAL_NOW = NOW.astimezone(business_days.agency_zone())
FIRST = LOCAL_NOW.replace(day=1, hour=0, minute=0)
DAYS_IN_MONTH = ((FIRST + timedelta(days=32)).replace(day=1) - FIRST).days
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
KINDS = [Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASE_PLAN_REVIEW, Event.Kind.BIRTH_FAMILY_VISIT]
RESPONSES = ["transport", "in_person", "video", "child_care", "", "cannot"]


def out(text: str = "") -> None:
    print(text, flush=True)


class World:
    """Ms. Carter's team: Mr. Reed (caseworker) and Ms. Miller (resource worker); the Garcias and their foster child."""

    def __init__(self):
        county = County.objects.create(name="Bench County")
        manager = User.objects.create_user(email="manager@bench.test", password="!", role=Role.ADMINISTRATOR, title="Dr.", last_name="Manager")
        office = Office.objects.create(name="Bench office", county=county, program_manager=manager)
        self.supervisor = User.objects.create_user(email="carter@bench.test", password="!", role=Role.SUPERVISOR, title="Ms.", last_name="Carter")
        team = Team.objects.create(name="Team A", office=office, supervisor=self.supervisor)
        self.supervisor.team = team
        self.supervisor.save(update_fields=["team"])
        self.caseworker = User.objects.create_user(
            email="reed@bench.test", password="!", role=Role.CASEWORKER, title="Mr.", last_name="Reed", team=team
        )
        self.resource_worker = User.objects.create_user(
            email="miller@bench.test", password="!", role=Role.RESOURCE_WORKER, title="Ms.", last_name="Miller", team=team
        )
        for person in (manager, self.supervisor, self.caseworker, self.resource_worker):
            TOTP.activate(person, SECRET)  # staff see family data only with MFA set up
        self.household = Household.objects.create(
            name="The Garcia family", licence_number="BENCH-000001", county=county, licence_status=Household.LicenceStatus.LICENSED,
            resource_worker=self.resource_worker, street_address="12 Magnolia Street", city="Jackson",
        )
        # "!" stored as is: an unusable password, without the slow password hash (force_login needs none).
        self.parent = User.objects.create(
            email="garcia@bench.test", password="!", role=Role.RESOURCE_PARENT, title="Mrs.", last_name="Garcia", household=self.household
        )
        self.child = Child.objects.create(first_name="Maya", last_name="Bench", caseworker=self.caseworker)
        Placement.objects.create(child=self.child, household=self.household, started_on=(FIRST - timedelta(days=90)).date())
        self.made = 0


def _when(n: int) -> tuple[object, bool]:
    """Event n's start, somewhere in this month, spread over the days and the hours; and whether it is still ahead."""
    day = n % DAYS_IN_MONTH
    start = FIRST.replace(day=day + 1, hour=8 + (n // DAYS_IN_MONTH) % 11, minute=15 * (n % 4))
    return start, start > NOW


@transaction.atomic  # one commit for the lot: SQLite's fsync per service call would be most of the set-up time
def add_events(world: World, count: int) -> None:
    for _ in range(count):
        n = world.made
        world.made += 1
        starts_at, upcoming = _when(n)
        if n < 2:  # the first two: one ahead with a help promise, one over with an outcome promise
            starts_at = NOW + timedelta(days=1) if n == 0 else NOW - timedelta(hours=3)
            upcoming = n == 0
        invited_at = starts_at - timedelta(days=2 if n % 7 == 3 else 12)
        invited_at = min(invited_at, NOW - timedelta(minutes=1))
        kind = KINDS[(n // 2) % 4] if n >= 2 else (Event.Kind.COURT_HEARING if upcoming else Event.Kind.FAMILY_TEAM_MEETING)
        if n % 11 == 5:
            event = services.schedule_event(
                actor=world.resource_worker, kind=Event.Kind.LICENSING_VISIT, household=world.household, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1), place="At home", now=invited_at,
            )
        else:
            event = services.schedule_event(
                actor=world.caseworker, kind=kind, hearing_type="review" if kind == Event.Kind.COURT_HEARING else "", child=world.child,
                starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), place=f"Hinds County Youth Court, Room {n % 9}",
                video_link="https://court.example.org/room" if n % 3 == 0 else "", purpose=f"Purpose of event {n}",
                guests=[services.Guest(name=f"Guest {n}", email=f"guest{n}@example.org")] if n % 4 == 1 else [], now=invited_at,
            )
        response = "transport" if n < 2 else RESPONSES[n % len(RESPONSES)]
        if response:
            services.respond(user=world.parent, event=event, response=response, sequence=0, now=invited_at)
        if upcoming and n % 9 == 4:
            event = services.reschedule_event(
                actor=event.organiser, event=event, starts_at=starts_at + timedelta(minutes=30), ends_at=starts_at + timedelta(minutes=90),
                reason="Room change", now=invited_at + timedelta(minutes=5),
            )
        if n % 13 == 6:
            event = services.cancel_event(actor=event.organiser, event=event, reason="No longer needed", now=invited_at + timedelta(minutes=10))
        if not upcoming and not event.is_cancelled and event.ends_at <= NOW:
            Invitee.objects.filter(event=event).update(attended=True)
            if n % 4 == 3 and event.expects_outcome:
                services.record_outcome(
                    actor=event.organiser, event=event, outcome=f"Outcome of event {n}: the plan stays.",
                    next_hearing_on=starts_at.date() + timedelta(days=90), now=event.ends_at + timedelta(minutes=30),
                )
    services.open_outcome_promises(now=NOW)


def _shape(sql: str) -> str:
    """A query without its literal values, so that the same query with other ids compares equal."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def measure(client: Client, url: str) -> dict:
    assert client.get(url).status_code == 200  # warm-up: URL resolver, content types, the holiday calendar
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [query["sql"] for query in queries.captured_queries]
    sql_seconds = sum(float(query["time"]) for query in queries.captured_queries)
    times = []
    for _ in range(ARGS.repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    html = response.content.decode()
    return {
        "queries": len(sql), "sql": sql, "sql_seconds": sql_seconds, "median": statistics.median(times),
        "shown": len(set(re.findall(r'href="/calendar/(?:staff/)?(\d+)/"', html))), "bytes": len(html),
    }


def main() -> int:
    started = time.perf_counter()
    db = connection.settings_dict
    out(f"database: {VENDOR} {'.'.join(map(str, connection.get_database_version()))}, {db['NAME']}; "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    out(f"now {LOCAL_NOW:%A %d %B %Y %H:%M %Z}; every event in {FIRST:%B %Y}")
    call_command("migrate", verbosity=0)
    if Event.objects.exists():
        sys.exit("This database already has events: point --database-url at a throwaway database.")
    world = World()
    family, staff = Client(), Client()
    family.force_login(world.parent)
    staff.force_login(world.caseworker)
    pages = [
        ("Family calendar (list)", family, reverse("events:family_calendar")),
        ("Family calendar (month)", family, reverse("events:family_calendar") + f"?month={FIRST:%Y-%m}"),
        ("Staff calendar (caseworker)", staff, reverse("events:staff_calendar")),
    ]
    results: dict[int, dict[str, dict]] = {}
    for size in SIZES:
        t0 = time.perf_counter()
        add_events(world, size - world.made)
        if VENDOR == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
        out(f"\n{Event.objects.count():,} events ({Event.objects.filter(status='cancelled').count():,} cancelled, "
            f"{Event.objects.filter(late_notice=True).count():,} invited late), {Invitee.objects.count():,} invitees, "
            f"{Commitment.objects.filter(status='open').count():,} open promises; made through the services in {time.perf_counter() - t0:.1f} s")
        results[size] = {}
        for name, client, url in pages:
            result = measure(client, url)
            results[size][name] = result
            out(f"  N={size:<6} {name:30} {result['shown']:>5} events linked, {result['bytes'] / 1024:7.0f} KiB: {result['queries']:>3} queries, "
                f"median {result['median'] * 1000:8.1f} ms (SQL {result['sql_seconds'] * 1000:.1f} ms in the captured run)")

    out("\n=== result " + "=" * 70)
    out(f"{'page':32}" + "".join(f"{'queries N=' + str(s):>16}" for s in SIZES) + "".join(f"{'ms N=' + str(s):>13}" for s in SIZES) + f"{'time ratio':>12}")
    differs = []
    small, big = SIZES[0], SIZES[-1]
    for name, _client, _url in pages:
        row = [results[s][name] for s in SIZES]
        out(f"{name:32}" + "".join(f"{r['queries']:>16}" for r in row) + "".join(f"{r['median'] * 1000:>13.1f}" for r in row)
            + f"{row[-1]['median'] / row[0]['median']:>12.1f}")
        if len({r["queries"] for r in row}) > 1:
            differs.append(name)
            out(f"  query counts differ for {name}; the difference (- N={small}, + N={big}):")
            for line in difflib.unified_diff([_shape(q) for q in row[0]["sql"]], [_shape(q) for q in row[-1]["sql"]], lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    out(f"    {line[:220]}")
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    if TMPDIR and not ARGS.keep:
        import shutil

        shutil.rmtree(TMPDIR, ignore_errors=True)
    elif TMPDIR:
        out(f"kept {TMPDIR}/bench.sqlite3")
    if differs:
        out("FAIL: the query count grows with the number of events: " + ", ".join(differs))
        return 1
    out("OK: the same number of queries at every size on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
