"""Do messaging's list pages make the same number of queries with 20 conversations and with 2 000?

    .venv/bin/python bench/inbox_queries.py                                   # fresh SQLite file in a temp dir
    .venv/bin/python bench/inbox_queries.py --threads 20000
    .venv/bin/python bench/inbox_queries.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

Renders "My inbox" (the caseworker), the family's message list and the supervisor's team inbox
through Django's test client, first with --small conversations made through the services (the way
a family writes), then after the ledger and the conversations grow to --threads with bulk inserts
shaped like the services' rows (an open reply promise for each unanswered conversation, a met one
for each answered, read states, first-reply times for the chart). Prints each page's query count
at both sizes, its render time and the ratios; exits 1 if any page's query count differs.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
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
    parser.add_argument("--small", type=int, default=20, help="conversations made through the services first (default 20)")
    parser.add_argument("--threads", type=int, default=2000, help="conversations in the caseworker's inbox at the end (default 2000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed renders of each page; the median is reported (default 7)")
    parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--seed", type=int, default=20261116)
    return parser.parse_args()


ARGS = parse_args()
TMPDIR = None
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    TMPDIR = tempfile.mkdtemp(prefix="inbox-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
os.environ["CELERY_BROKER_URL"] = "memory://"  # the "new message" e-mails are queued in-process, never sent
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client; no setup_test_environment(), whose
# template instrumentation (response.context) would add its own cost to every render timed here

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("kombu.connection").setLevel(logging.ERROR)

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from messaging import selectors, services  # noqa: E402
from messaging.models import CallbackRequest, Message, ReadState, Thread, Topic  # noqa: E402
from portal import business_days  # noqa: E402
from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment, ServiceStandard, Step  # noqa: E402

VENDOR = connection.vendor
rng = random.Random(ARGS.seed)
NOW = timezone.now().replace(microsecond=0)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def office_hours(start, end):
    """What messaging.services stores when the first reply is sent."""
    from decimal import Decimal

    return Decimal(business_days.office_hours_between(start, end).total_seconds() / 3600).quantize(Decimal("0.01"))


def out(text: str = "") -> None:
    print(text, flush=True)


class World:
    """One office: a supervisor's team with the caseworker under test and a colleague, and the families."""

    def __init__(self):
        county = County.objects.create(name="Bench County")
        manager = User.objects.create_user(email="manager@bench.test", password="!", role=Role.ADMINISTRATOR, title="Dr.", last_name="Manager")
        office = Office.objects.create(name="Bench office", county=county, program_manager=manager)
        self.supervisor = User.objects.create_user(email="carter@bench.test", password="!", role=Role.SUPERVISOR, title="Ms.", last_name="Carter")
        team = Team.objects.create(name="Team A", office=office, supervisor=self.supervisor)
        self.supervisor.team = team
        self.supervisor.save(update_fields=["team"])
        self.caseworker = User.objects.create_user(email="reed@bench.test", password="!", role=Role.CASEWORKER, title="Mr.", last_name="Reed", team=team)
        self.colleague = User.objects.create_user(email="shah@bench.test", password="!", role=Role.CASEWORKER, title="Ms.", last_name="Shah", team=team)
        for person in (manager, self.supervisor, self.caseworker, self.colleague):
            TOTP.activate(person, SECRET)  # staff see family data only with MFA set up
        self.county = county
        self.households: list[Household] = []
        self.parents: list[User] = []
        self.add_families(40)
        self.family = self.households[0]  # the family whose message list is measured
        self.family_parent = self.parents[0]

    def add_families(self, count: int) -> None:
        start = len(self.households)
        households = Household.objects.bulk_create(
            Household(name=f"The Bench{i} family", licence_number=f"BENCH-{i:06d}", county=self.county,
                      licence_status=Household.LicenceStatus.LICENSED, resource_worker=self.caseworker)
            for i in range(start, start + count)
        )
        parents = User.objects.bulk_create(
            User(email=f"parent{i}@bench.test", password="!", role=Role.RESOURCE_PARENT, title="Mrs.",
                 last_name=f"Bench{i}", household=household)
            for i, household in zip(range(start, start + count), households)
        )
        self.households += households
        self.parents += parents

    def household_for(self, i: int) -> tuple[Household, User]:
        """A fifth of the conversations are the measured family's; the rest spread over the others."""
        index = 0 if i % 5 == 0 else 1 + i % (len(self.households) - 1)
        return self.households[index], self.parents[index]


def through_services(world: World, count: int) -> None:
    """The first conversations, written the way families and workers write them."""
    for i in range(count):
        household, parent = world.household_for(i)
        started = NOW - timedelta(days=rng.uniform(0.1, 20))
        thread = services.start_thread(household=household, topic=Topic.OTHER, subject=f"Question {i}",
                                       body="Hello, a question about the respite care form.", author=parent, now=started)
        if i % 5 in (1, 3):  # two in five answered
            services.post_message(thread=thread, author=world.caseworker, body="Dear Mrs. Bench, here it is.",
                                  now=started + timedelta(hours=3))
    for i in range(5):
        household, parent = world.household_for(i)
        services.request_callback(household=household, requested_by=parent, phone="601-555-0100",
                                  to_user=world.caseworker, now=NOW - timedelta(hours=rng.uniform(1, 60)))


def in_bulk(world: World, count: int, callbacks: int) -> None:
    """Grow to ``count`` more conversations (and ``callbacks`` call-backs), shaped like the services' rows."""
    reply = ServiceStandard.objects.get(code="message-reply")
    call = ServiceStandard.objects.get(code="return-call")
    thread_type = ContentType.objects.get_for_model(Thread)
    callback_type = ContentType.objects.get_for_model(CallbackRequest)
    deadlines: dict = {}

    def promise(standard, subject_type, subject_id, household, received, *, met_at=None):
        day = business_days.local_date(received)
        if day not in deadlines:
            due = business_days.deadline(received, standard.business_days)
            deadlines[day] = (due, business_days.subtract_office_hours(due, float(standard.remind_office_hours_before)),
                              business_days.deadline(due, standard.escalate_after_business_days))
        due, remind, escalate = deadlines[day]
        row = Commitment(standard=standard, subject_type=subject_type, subject_id=subject_id, household=household,
                         owner=world.caseworker, opened_at=received, remind_at=remind, due_at=due, escalate_at=escalate)
        if met_at is None:
            row.next_step, row.next_step_at = next((s, at) for s, at in ((Step.REMIND, remind), (Step.OVERDUE, due), (Step.ESCALATE, escalate), ("", None)) if at is None or at > NOW)
        else:
            row.status, row.met_at, row.met_by, row.late = Commitment.Status.MET, met_at, world.caseworker, met_at > due
        return row

    with transaction.atomic():
        plans = []
        for i in range(count):
            household, parent = world.household_for(i)
            started = NOW - timedelta(days=rng.uniform(0.1, 56))
            answered = rng.random() < 0.4
            replied = started + timedelta(hours=rng.uniform(0.5, 30)) if answered else None
            if replied and replied > NOW:
                replied = NOW - timedelta(minutes=5)
            plans.append((household, parent, started, replied))
        threads = Thread.objects.bulk_create(
            (Thread(household=household, topic=Topic.OTHER, subject=f"Bulk question {i}", assigned_to=world.caseworker,
                    started_by=parent, started_at=started, last_message_at=replied or started,
                    awaiting_reply_since=None if replied else started, first_family_message_at=started,
                    first_reply_at=replied, first_reply_by=world.caseworker if replied else None,
                    first_reply_office_hours=office_hours(started, replied) if replied else None)
             for i, (household, parent, started, replied) in enumerate(plans)),
            batch_size=500,
        )
        messages, commitments, reads = [], [], []
        for thread, (household, parent, started, replied) in zip(threads, plans):
            messages.append(Message(thread=thread, author=parent, from_family=True, body="Hello, a question.", sent_at=started))
            reads.append(ReadState(thread=thread, user=parent, last_read_at=started))
            if replied:
                messages.append(Message(thread=thread, author=world.caseworker, body="Dear Mrs. Bench, here it is.", sent_at=replied))
                reads.append(ReadState(thread=thread, user=world.caseworker, last_read_at=replied))
            commitments.append(promise(reply, thread_type, thread.pk, household, started, met_at=replied))
        Message.objects.bulk_create(messages, batch_size=1000)
        ReadState.objects.bulk_create(reads, batch_size=1000)
        calls = CallbackRequest.objects.bulk_create(
            CallbackRequest(household=household, requested_by=parent, assigned_to=world.caseworker, phone="601-555-0100",
                            requested_at=NOW - timedelta(hours=rng.uniform(1, 60)))
            for household, parent in (world.household_for(i) for i in range(callbacks))
        )
        commitments += [promise(call, callback_type, c.pk, c.household, c.requested_at) for c in calls]
        Commitment.objects.bulk_create(commitments, batch_size=1000)


PAGES = [
    ("My inbox (caseworker)", "caseworker", "messaging:inbox", lambda user: selectors.my_inbox(user, now=timezone.now())),
    ("Family message list", "family_parent", "messaging:family_home", lambda user: selectors.family_threads(user)),
    ("Team inbox (supervisor)", "supervisor", "messaging:team", lambda user: selectors.team_inbox(user, now=timezone.now())),
]
PAGE_SIZE = 50  # messaging.views.INBOX_PAGE_SIZE


def measure(world: World, label: str) -> dict:
    results = {}
    for name, who, url_name, listing in PAGES:
        client = Client()
        client.force_login(getattr(world, who))
        url = reverse(url_name)
        assert client.get(url).status_code == 200  # warm-up: URL resolver, content types, the holiday calendar
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        sql = [query["sql"] for query in queries.captured_queries]  # now: the next request resets the log
        sql_seconds = sum(float(query["time"]) for query in queries.captured_queries)
        listed = listing(getattr(world, who)).count()
        rows = min(listed, PAGE_SIZE)
        times = []
        for _ in range(ARGS.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        results[name] = {"queries": len(sql), "listed": listed, "rows": rows, "median": statistics.median(times),
                         "best": min(times), "sql": sql, "sql_seconds": sql_seconds}
        out(f"  {label:>6}  {name:26} {listed:>6} listed, {rows:>3} rows on the page: "
            f"{len(sql):>3} queries, median {statistics.median(times) * 1000:7.1f} ms "
            f"(of which SQL {sql_seconds * 1000:.1f} ms in the captured run)")
    return results


def _shape(sql: str) -> str:
    """A query without its literal values, so that the same query with other ids compares equal."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def main() -> int:
    started = time.perf_counter()
    db = connection.settings_dict
    out(f"database: {VENDOR} {'.'.join(map(str, connection.get_database_version()))}, {db['NAME']}; "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    if Thread.objects.exists():
        sys.exit("This database already has conversations: point --database-url at a throwaway database.")
    world = World()
    through_services(world, ARGS.small)
    small = measure(world, f"N={ARGS.small}")
    t0 = time.perf_counter()
    world.add_families(400)
    in_bulk(world, ARGS.threads - ARGS.small, callbacks=95)
    out(f"grew to {Thread.objects.count():,} conversations, {Message.objects.count():,} messages, "
        f"{Commitment.objects.count():,} commitments ({Commitment.objects.filter(status='open').count():,} open) "
        f"in {time.perf_counter() - t0:.1f} s")
    if VENDOR == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    big = measure(world, f"N={ARGS.threads}")

    out("\n=== result " + "=" * 70)
    out(f"{'page':28}{'queries N=' + str(ARGS.small):>16}{'queries N=' + str(ARGS.threads):>18}"
        f"{'median ms':>12}{'median ms':>12}{'time ratio':>12}")
    differs = []
    for name, *_rest in PAGES:
        a, b = small[name], big[name]
        out(f"{name:28}{a['queries']:>16}{b['queries']:>18}{a['median'] * 1000:>12.1f}{b['median'] * 1000:>12.1f}"
            f"{b['median'] / a['median']:>12.2f}")
        if a["queries"] != b["queries"]:
            differs.append(name)
            out(f"  query counts differ for {name}; the difference (- N={ARGS.small}, + N={ARGS.threads}):")
            for line in difflib.unified_diff([_shape(q) for q in a["sql"]], [_shape(q) for q in b["sql"]], lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    out(f"    {line[:220]}")
    out(f"query count ratio (N={ARGS.threads} / N={ARGS.small}): "
        + ", ".join(f"{name}: {big[name]['queries'] / small[name]['queries']:.2f}" for name, *_rest in PAGES))
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    if TMPDIR and not ARGS.keep:
        import shutil

        shutil.rmtree(TMPDIR, ignore_errors=True)
    elif TMPDIR:
        out(f"kept {TMPDIR}/bench.sqlite3")
    if differs:
        out("FAIL: the query count grows with the number of conversations: " + ", ".join(differs))
        return 1
    out("OK: the same number of queries at both sizes on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
