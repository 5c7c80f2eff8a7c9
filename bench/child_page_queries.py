"""Do the disclosure pages make the same number of queries for 1 changed item and for 20, and the staff list for 10 placements and for 200?

    .venv/bin/python bench/child_page_queries.py                              # fresh SQLite file in a temp dir
    .venv/bin/python bench/child_page_queries.py --placements 1000
    .venv/bin/python bench/child_page_queries.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

Everything is made through placements.services, the way caseworkers and families make it. The
administrator's checklist gets 9 items more than the 11 defaults, so a disclosure has 20 items. Two
siblings are placed with one family, who opens both pages; then the caseworker changes 1 item of the
sister's disclosure and all 20 of the brother's (4 medicines on the list, every kind of answer, some
still pending with their promise), and the family writes notes on 7 of his items. The family's child
page, the summary to print and the caseworker's view of the disclosure are rendered for each child
through Django's test client: the query count of one render and the median time of --repeat renders
(before each render the family's last visit is put back, so every render shows the changes as new).

Then the staff list ("Disclosures") of the caseworker and of the supervisor, with --small placements
on the caseworker's caseload and again after it grows to --placements. Prints each page's query
count at both sizes, its render time and the ratios; exits 1 if any page's query count differs.
See bench/README.md.
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
    parser.add_argument("--small", type=int, default=10, help="placements on the caseworker's caseload first (default 10)")
    parser.add_argument("--placements", type=int, default=200, help="placements on the caseload at the end (default 200)")
    parser.add_argument("--repeat", type=int, default=7, help="timed renders of each page; the median is reported (default 7)")
    parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    return parser.parse_args()


ARGS = parse_args()
TMPDIR = None
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    TMPDIR = tempfile.mkdtemp(prefix="child-page-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
os.environ["CELERY_BROKER_URL"] = "memory://"  # the "new information" e-mails are queued in-process, never sent
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

from placements import services  # noqa: E402
from placements.models import ChecklistEntry, Child, DisclosureItem, LastVisit, Placement  # noqa: E402
from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment  # noqa: E402

VENDOR = connection.vendor
NOW = timezone.now().replace(microsecond=0)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ITEMS = 20


def out(text: str = "") -> None:
    print(text, flush=True)


class World:
    """One office: Ms. Carter's team with Mr. Reed, the caseworker under test; the Bench family."""

    def __init__(self):
        self.county = County.objects.create(name="Bench County")
        manager = User.objects.create_user(email="manager@bench.test", password="!", role=Role.ADMINISTRATOR, title="Dr.", last_name="Manager")
        office = Office.objects.create(name="Bench office", county=self.county, program_manager=manager)
        self.supervisor = User.objects.create_user(email="carter@bench.test", password="!", role=Role.SUPERVISOR, title="Ms.", last_name="Carter")
        team = Team.objects.create(name="Team A", office=office, supervisor=self.supervisor)
        self.supervisor.team = team
        self.supervisor.save(update_fields=["team"])
        self.caseworker = User.objects.create_user(
            email="reed@bench.test", password="!", role=Role.CASEWORKER, title="Mr.", last_name="Reed", team=team
        )
        for person in (manager, self.supervisor, self.caseworker):
            TOTP.activate(person, SECRET)  # staff see family data only with MFA set up
        self.family, self.parent = self.add_family(0)
        self.families = 1

    def add_family(self, i: int) -> tuple[Household, User]:
        household = Household.objects.create(
            name=f"The Bench{i} family", licence_number=f"BENCH-{i:06d}", county=self.county,
            licence_status=Household.LicenceStatus.LICENSED,
        )
        # "!" stored as is: an unusable password, without the slow password hash (force_login needs none).
        parent = User.objects.create(
            email=f"parent{i}@bench.test", password="!", role=Role.RESOURCE_PARENT, title="Mrs.", last_name=f"Bench{i}", household=household
        )
        return household, parent


def twenty_item_checklist() -> None:
    have = ChecklistEntry.objects.filter(active=True).count()
    ChecklistEntry.objects.bulk_create(
        ChecklistEntry(code=f"bench-{n}", title=f"Extra item {n}", guidance="Ask the previous family.", position=500 + n)
        for n in range(ITEMS - have)
    )


def items_of(placement: Placement) -> list[DisclosureItem]:
    return list(DisclosureItem.objects.filter(disclosure__placement=placement).select_related("entry", "disclosure__placement"))


def the_two_children(world: World) -> tuple[Placement, Placement]:
    """The sister's disclosure with 1 change since the family's visit, the brother's with 20."""
    ana = Child.objects.create(first_name="Ana", last_name="Bench", caseworker=world.caseworker)
    leo = Child.objects.create(first_name="Leo", last_name="Bench", caseworker=world.caseworker)
    placed_at = NOW - timedelta(hours=3)
    sister, brother = services.place_children(
        actor=world.caseworker, household=world.family, children=[ana, leo], started_on=placed_at.date(),
        medication={ana.pk: Placement.Medication.DID_NOT_COME, leo.pk: Placement.Medication.DID_NOT_COME}, now=placed_at,
    )
    changed_at = NOW - timedelta(hours=1)
    first = items_of(sister)[0]
    services.update_item(actor=world.caseworker, item=first, status="known", content="Asthma, mild", revision=0, now=changed_at)
    statuses = ["known", "not_applicable", "unknown", "pending"]
    for n, item in enumerate(items_of(brother)):
        status, medications = statuses[n % 4], None
        if item.entry.code == "medications":
            status = "known"
            medications = [
                services.MedicationRow(f"Medicine {m}", "5 mg", "Morning", prescriber="Dr. Lee", pharmacy="Walgreens, State St.", supply="some")
                for m in range(4)
            ]
        services.update_item(
            actor=world.caseworker, item=item, status=status, content=f"What we know, part {n}. " * 8, asked_whom="The school nurse",
            revision=0, medications=medications, now=changed_at,
        )
        if n % 3 == 0:
            services.add_family_note(user=world.parent, item=item, body=f"Our note on part {n}.", now=changed_at)
    for placement in (sister, brother):
        services.propose_need(actor=world.caseworker, placement=placement, need="Winter coat", source="Closet", now=changed_at)
    return sister, brother


@transaction.atomic  # one commit for the lot: SQLite's fsync per service call would be most of the set-up time
def place_more(world: World, count: int) -> None:
    """More children on Mr. Reed's caseload, each with another family, one item answered."""
    answers = [Placement.Medication.DID_NOT_COME, Placement.Medication.ALL_CAME, Placement.Medication.PARTLY, Placement.Medication.NONE_TAKEN]
    for _ in range(count):
        i = world.families
        world.families += 1
        household, _parent = world.add_family(i)
        child = Child.objects.create(first_name=f"Child{i}", last_name="Bench", caseworker=world.caseworker)
        placed_at = NOW - timedelta(hours=2, minutes=i % 90)
        placement = services.place_children(
            actor=world.caseworker, household=household, children=[child], started_on=placed_at.date(),
            medication={child.pk: answers[i % 4]}, now=placed_at,
        )[0]
        item = items_of(placement)[i % ITEMS]
        services.update_item(actor=world.caseworker, item=item, status="known", content="Known", revision=0, now=placed_at + timedelta(minutes=30))


def _shape(sql: str) -> str:
    """A query without its literal values, so that the same query with other ids compares equal."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _rows(result: dict) -> int:
    return len(set(re.findall(r'href="/children/staff/(\d+)/"', result["html"])))


def measure(client: Client, url: str, *, before=lambda: None) -> dict:
    before()
    assert client.get(url).status_code == 200  # warm-up: URL resolver, content types, the holiday calendar
    before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [query["sql"] for query in queries.captured_queries]
    sql_seconds = sum(float(query["time"]) for query in queries.captured_queries)
    times = []
    for _ in range(ARGS.repeat):
        before()
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {"queries": len(sql), "sql": sql, "sql_seconds": sql_seconds, "median": statistics.median(times), "html": response.content.decode()}


def report(label: str, name: str, result: dict, shown: str) -> None:
    out(f"  {label:>10}  {name:34} {shown:>22}: {result['queries']:>3} queries, median {result['median'] * 1000:7.1f} ms "
        f"(of which SQL {result['sql_seconds'] * 1000:.1f} ms in the captured run)")


def compare(pairs: list[tuple[str, dict, dict]], small_label: str, big_label: str) -> list[str]:
    out(f"{'page':40}{'queries ' + small_label:>18}{'queries ' + big_label:>18}{'median ms':>12}{'median ms':>12}{'time ratio':>12}")
    differs = []
    for name, a, b in pairs:
        out(f"{name:40}{a['queries']:>18}{b['queries']:>18}{a['median'] * 1000:>12.1f}{b['median'] * 1000:>12.1f}"
            f"{b['median'] / a['median']:>12.2f}")
        if a["queries"] != b["queries"]:
            differs.append(name)
            out(f"  query counts differ for {name}; the difference (- {small_label}, + {big_label}):")
            for line in difflib.unified_diff([_shape(q) for q in a["sql"]], [_shape(q) for q in b["sql"]], lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    out(f"    {line[:220]}")
    return differs


def main() -> int:
    started = time.perf_counter()
    db = connection.settings_dict
    out(f"database: {VENDOR} {'.'.join(map(str, connection.get_database_version()))}, {db['NAME']}; "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    if Placement.objects.exists():
        sys.exit("This database already has placements: point --database-url at a throwaway database.")
    twenty_item_checklist()
    world = World()
    sister, brother = the_two_children(world)

    family = Client()
    family.force_login(world.parent)
    staff = Client()
    staff.force_login(world.caseworker)
    long_ago = NOW - timedelta(hours=2)  # after the placement, before the changes

    def visited_before_the_changes():
        LastVisit.objects.filter(user=world.parent).update(at=long_ago)

    out(f"\n1. One child's pages: 1 item changed since the family's last visit, and {ITEMS}")
    pages = [
        ("Family child page", family, "placements:child", visited_before_the_changes),
        ("Summary to print (family)", family, "placements:summary", lambda: None),
        ("Caseworker's view of the disclosure", staff, "placements:staff_child", lambda: None),
    ]
    children = []
    for name, client, url_name, before in pages:
        one = measure(client, reverse(url_name, args=[sister.pk]), before=before)
        twenty = measure(client, reverse(url_name, args=[brother.pk]), before=before)
        if url_name == "placements:child":
            new = (one["html"].count("disclosure-item--new"), twenty["html"].count("disclosure-item--new"))
            assert new == (1, ITEMS), f"the family page should show 1 and {ITEMS} new items, shows {new}"
        report("1 changed", name, one, "")
        report(f"{ITEMS} changed", name, twenty, "")
        children.append((name, one, twenty))

    out(f"\n2. The staff list: {ARGS.small} placements on the caseload, then {ARGS.placements}")
    place_more(world, ARGS.small - 2)  # the two siblings count
    lists = [("Disclosures (caseworker)", world.caseworker), ("Disclosures (supervisor)", world.supervisor)]
    clients = {}
    for name, person in lists:
        clients[name] = Client()
        clients[name].force_login(person)
    url = reverse("placements:disclosures")
    small = {name: measure(clients[name], url) for name, _person in lists}
    for name, _person in lists:
        report(f"N={ARGS.small}", name, small[name], f"{_rows(small[name])} rows")
    t0 = time.perf_counter()
    place_more(world, ARGS.placements - ARGS.small)
    out(f"grew to {Placement.objects.count():,} placements, {DisclosureItem.objects.count():,} items, "
        f"{Commitment.objects.count():,} commitments ({Commitment.objects.filter(status='open').count():,} open) "
        f"through the services in {time.perf_counter() - t0:.1f} s")
    if VENDOR == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    big = {name: measure(clients[name], url) for name, _person in lists}
    for name, _person in lists:
        report(f"N={ARGS.placements}", name, big[name], f"{_rows(big[name])} rows")

    out("\n=== result " + "=" * 70)
    differs = compare(children, "1 changed", f"{ITEMS} changed")
    out("")
    differs += compare([(name, small[name], big[name]) for name, _person in lists], f"N={ARGS.small}", f"N={ARGS.placements}")
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    if TMPDIR and not ARGS.keep:
        import shutil

        shutil.rmtree(TMPDIR, ignore_errors=True)
    elif TMPDIR:
        out(f"kept {TMPDIR}/bench.sqlite3")
    if differs:
        out("FAIL: the query count grows with what the page shows: " + ", ".join(differs))
        return 1
    out("OK: the same number of queries at both sizes on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
