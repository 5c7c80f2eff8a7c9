"""Do the family home, "My day" and the fiscal queue make the same number of queries for 1 child and for 100, 10 claims and 1 000?

    .venv/bin/python bench/page_queries.py                                    # fresh SQLite file in a temp dir
    .venv/bin/python bench/page_queries.py --children 200 --claims 2000
    .venv/bin/python bench/page_queries.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

Everything is made through the real services, as bench/load_test.py's build_agency() makes an agency:
children placed with their disclosure checklists (place_children), a court hearing each (schedule_event),
a mileage claim each (submit_claim; placing a child also owes the clothing allowance), a conversation each
(start_thread; answered, then the family writes again: post_message) and last month's board payments (generate_board_payments).

First the small agency: the Shah family with 1 child placed, Ms. Shah (caseworker) with that placement on her
caseload, and --small claims in the fiscal queue. Then the large one: the Reed family with --children children
placed, all on Mr. Reed's caseload, and the queue grown to --claims claims. The family home (each family's
parent), "My day" (each caseworker) and the fiscal queue (Ms. Baker, fiscal) are rendered through Django's test
client: the query count of one render after a warm-up render, and the median time of --repeat renders. Prints
each page's query count at both sizes, its render time and the ratios; exits 1 if any page's query count differs.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100, help="children placed with the large family, on Mr. Reed's caseload (default 100)")
    parser.add_argument("--small", type=int, default=10, help="claims in the fiscal queue first (default 10)")
    parser.add_argument("--claims", type=int, default=1000, help="claims in the fiscal queue at the end (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed renders of each page; the median is reported (default 5)")
    parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    return parser.parse_args()


ARGS = parse_args()

from bench.harness import sql_difference, tidy, use_database  # noqa: E402

TMPDIR = use_database(ARGS.database_url, prefix="page-queries-bench-")

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

from messaging import services as messaging  # noqa: E402
from messaging.models import Thread, Topic  # noqa: E402
from placements import services as placements  # noqa: E402
from placements.events import services as events  # noqa: E402
from placements.events.models import Event  # noqa: E402
from placements.models import Child, Placement  # noqa: E402
from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment  # noqa: E402
from reimbursements import fiscal_selectors  # noqa: E402
from reimbursements import services as money  # noqa: E402
from reimbursements.models import BoardPayment, Claim  # noqa: E402
from reimbursements.services import ItemInput  # noqa: E402

VENDOR = connection.vendor
NOW = timezone.now().replace(microsecond=0)
PLACED_AT = NOW - timedelta(days=40)  # last month is covered: each placement has a board payment
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# One child in four came without their medication. Its same-day promise is the soonest, so My day's first page (50 a page) shows
# those and then disclosure items at both sizes: a page of only one kind of promise would make one query fewer (one per kind).
MEDICATION = [Placement.Medication.DID_NOT_COME, Placement.Medication.ALL_CAME, Placement.Medication.NONE_TAKEN, Placement.Medication.ALL_CAME]


def out(text: str = "") -> None:
    print(text, flush=True)


class Agency:
    """One office: Ms. Carter's team with two caseworkers, a resource worker and a fiscal clerk; the families."""

    def __init__(self):
        self.county = County.objects.create(name="Bench County")
        manager = User.objects.create(email="manager@bench.test", password="!", role=Role.ADMINISTRATOR, title="Dr.", last_name="Manager")
        office = Office.objects.create(name="Bench office", county=self.county, program_manager=manager, phone="601-555-0100")
        self.supervisor = self.person("carter", Role.SUPERVISOR, "Ms.", None)
        team = Team.objects.create(name="Team A", office=office, supervisor=self.supervisor)
        self.supervisor.team = team
        self.supervisor.save(update_fields=["team"])
        self.small_worker = self.person("shah", Role.CASEWORKER, "Ms.", team)  # 1 placement on her caseload
        self.large_worker = self.person("reed", Role.CASEWORKER, "Mr.", team)  # --children placements on his
        self.resource_worker = self.person("miller", Role.RESOURCE_WORKER, "Ms.", team)
        self.fiscal = self.person("baker", Role.FISCAL, "Ms.", team)
        for person in (manager, self.supervisor, self.small_worker, self.large_worker, self.resource_worker, self.fiscal):
            TOTP.activate(person, SECRET)  # staff see family data only with MFA set up
        self.parents: list[User] = []
        self.children = 0

    @staticmethod
    def person(name: str, role: str, title: str, team: Team | None) -> User:
        # "!" stored as is: an unusable password, without the slow password hash (force_login needs none).
        return User.objects.create(email=f"{name}@bench.test", password="!", role=role, title=title, last_name=name.title(), team=team)

    def family(self, name: str) -> User:
        i = len(self.parents)
        household = Household.objects.create(
            name=f"The {name} family", licence_number=f"BENCH-{i:06d}", county=self.county, licence_status=Household.LicenceStatus.LICENSED,
            licensed_on=date(2024, 1, 1), resource_worker=self.resource_worker, fiscal_contact=self.fiscal,
        )
        parent = User.objects.create(email=f"parent{i}@bench.test", password="!", role=Role.RESOURCE_PARENT, title="Mrs.", last_name=name,
                                     household=household)
        self.parents.append(parent)
        return parent

    @transaction.atomic  # one commit for the lot: SQLite's fsync per service call would be most of the set-up time
    def place(self, parent: User, worker: User, count: int) -> None:
        """``count`` children placed with the family, each with a hearing, a mileage claim and a conversation; then the board payments."""
        household = parent.household
        for _ in range(count):
            n = self.children
            self.children += 1
            child = Child.objects.create(first_name=f"Child{n:04d}", last_name=household.name.split()[1], caseworker=worker,
                                         date_of_birth=date(2012, 1, 1) + timedelta(days=n * 17 % 3000))
            (placement,) = placements.place_children(actor=worker, household=household, children=[child], started_on=PLACED_AT.date(),
                                                     medication={child.pk: MEDICATION[n % 4]}, now=PLACED_AT)
            # Each child's hearing notice (kept when it is sent) and the staff reply below a minute apart, so the family's
            # "Recently done" (the last 10) holds both kinds of promise with 1 child and with 100, as a real list would.
            sent = NOW - timedelta(days=2, minutes=10 * n)
            starts = NOW + timedelta(days=3 + n % 10, hours=2)
            events.schedule_event(actor=worker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
                                  starts_at=starts, ends_at=starts + timedelta(hours=1), place="Bench County Youth Court", now=sent)
            self.mileage(parent, child=child, n=n)
            thread = messaging.start_thread(household=household, topic=Topic.OTHER, subject=f"About {child.first_name}",
                                            body="When is the next visit?", author=parent, now=NOW - timedelta(days=3, minutes=n))
            # Answered (the reply promise kept: "Recently done"), then the family writes again (a new one open: "What we owe you").
            messaging.post_message(thread=thread, author=self.resource_worker, body="On Tuesday at 10.", now=sent + timedelta(minutes=1))
            messaging.post_message(thread=thread, author=parent, body="Could it be 11?", now=NOW - timedelta(hours=20, minutes=n))
        money.generate_board_payments(month=(NOW.replace(day=1) - timedelta(days=1)).replace(day=1).date(), now=NOW)

    @staticmethod
    def mileage(parent: User, *, child: Child | None, n: int) -> Claim:
        trip = ItemInput(on=(NOW - timedelta(days=3 + n % 20)).date(), description="To the doctor", miles=Decimal(5 + n % 300) + Decimal("0.5"),
                         from_place="Home", to_place="Clinic")
        return money.submit_claim(user=parent, kind=Claim.Kind.MILEAGE, child=child, items=[trip], confirm_duplicate=True,
                                  now=NOW - timedelta(days=1, minutes=n))

    @transaction.atomic
    def fill_queue(self, to: int) -> None:
        """Mileage claims from other families (20 of them) until the fiscal queue holds ``to`` claims."""
        senders = [parent for parent in self.parents if parent.last_name.startswith("Other")]
        while len(senders) < 20:
            senders.append(self.family(f"Other{len(senders)}"))
        have = queued()
        for n in range(have, to):
            self.mileage(senders[n % len(senders)], child=None, n=n)


def queued() -> int:
    return Claim.objects.filter(status__in=fiscal_selectors.QUEUE_STATUSES).count()


def render(person: User, url_name: str) -> dict:
    client = Client()
    client.force_login(person)
    url = reverse(url_name)
    assert client.get(url).status_code == 200  # warm-up: URL resolver, content types, the holiday calendar
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [query["sql"] for query in queries.captured_queries]  # now: the next request resets the log
    sql_seconds = sum(float(query["time"]) for query in queries.captured_queries)
    times = []
    for _ in range(ARGS.repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {"queries": len(sql), "sql": sql, "sql_seconds": sql_seconds,
            "median": statistics.median(times), "kib": len(response.content) / 1024}


def show(label: str, name: str, result: dict) -> None:
    out(f"  {label:>16}  {name:26}: {result['queries']:>3} queries, median {result['median'] * 1000:7.1f} ms "
        f"(of which SQL {result['sql_seconds'] * 1000:.1f} ms in the captured run), {result['kib']:.0f} KiB")


def main() -> int:
    started = time.perf_counter()
    db = connection.settings_dict
    out(f"database: {VENDOR} {'.'.join(map(str, connection.get_database_version()))}, {db['NAME']}; "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    if Placement.objects.exists() or Claim.objects.exists():
        sys.exit("This database already has placements or claims: point --database-url at a throwaway database.")
    agency = Agency()
    t0 = time.perf_counter()
    small_family = agency.family("Shah")
    agency.place(small_family, agency.small_worker, 1)
    agency.fill_queue(ARGS.small)
    out(f"small: 1 child placed, {Commitment.objects.filter(owner=agency.small_worker, status='open').count()} open promises of Ms. Shah, "
        f"{queued()} claims in the queue, in {time.perf_counter() - t0:.1f} s")
    pages = [  # (page, small size, large size, who at the small size, who at the large, URL name)
        ("Family home", "1 child", f"{ARGS.children} children", small_family, None, "followups:family_home"),
        ("My day (caseworker)", "1 placement", f"{ARGS.children} placements", agency.small_worker, agency.large_worker, "followups:my_day"),
        ("Fiscal queue", f"{ARGS.small} claims", f"{ARGS.claims:,} claims", agency.fiscal, agency.fiscal, "reimbursements:fiscal_queue"),
    ]
    small = {name: render(person, url_name) for name, _s, _l, person, _p, url_name in pages}
    for name, size, *_rest in pages:
        show(size, name, small[name])

    t0 = time.perf_counter()
    large_family = agency.family("Reed")
    pages[0] = (*pages[0][:4], large_family, pages[0][5])
    agency.place(large_family, agency.large_worker, ARGS.children)
    agency.fill_queue(ARGS.claims)
    out(f"large: {Placement.objects.filter(household=large_family.household).count()} children placed with the Reeds, "
        f"{Commitment.objects.filter(owner=agency.large_worker, status='open').count():,} open promises of Mr. Reed, "
        f"{queued():,} claims in the queue ({Claim.objects.count():,} claims, {Thread.objects.count():,} conversations, "
        f"{Event.objects.count():,} events, {BoardPayment.objects.count():,} board payments, {Commitment.objects.count():,} commitments) "
        f"in {time.perf_counter() - t0:.1f} s")
    if VENDOR == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    large = {name: render(person, url_name) for name, _s, _l, _p, person, url_name in pages}
    for name, _size, size, *_rest in pages:
        show(size, name, large[name])

    out("\n=== result " + "=" * 100)
    out(f"{'page':22}{'N small':>14}{'N large':>16}{'queries small':>15}{'queries large':>15}{'ratio':>7}{'median ms small':>17}{'median ms large':>17}")
    differs = []
    for name, small_size, large_size, *_rest in pages:
        a, b = small[name], large[name]
        out(f"{name:22}{small_size:>14}{large_size:>16}{a['queries']:>15}{b['queries']:>15}{b['queries'] / a['queries']:>7.2f}"
            f"{a['median'] * 1000:>17.1f}{b['median'] * 1000:>17.1f}")
        if a["queries"] != b["queries"]:
            differs.append(name)
            out(f"  query counts differ for {name}; the difference (- {small_size}, + {large_size}):")
            for line in sql_difference(a["sql"], b["sql"]):
                out(f"    {line[:220]}")
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    tidy(TMPDIR, keep=ARGS.keep, out=out)
    if differs:
        out("FAIL: the query count grows with what the page shows: " + ", ".join(differs))
        return 1
    out("OK: the same number of queries at both sizes on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
