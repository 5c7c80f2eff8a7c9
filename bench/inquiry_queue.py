"""Do the inquiry pages make the same number of queries with 20 open inquiries and with 1 000?

    .venv/bin/python bench/inquiry_queue.py                                   # fresh SQLite file in a temp dir
    .venv/bin/python bench/inquiry_queue.py --inquiries 10000
    .venv/bin/python bench/inquiry_queue.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

Renders the resource worker's inquiry queue, the supervisor's team queue (?all=1) and the director's
funnel through Django's test client, first with --small inquiries made through the services (the way
the public form and the worker make them), then after the worker's open inquiries grow to --inquiries
with bulk inserts shaped like the services' rows (an open or met first-contact promise for each, the
contact log, stage changes, promised steps with their own promises, some closed and licensed ones for
the funnel). Prints each page's query count at both sizes, its render time and the ratios; exits 1 if
any page's query count differs. See bench/README.md.
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
from datetime import datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=20, help="inquiries made through the services first (default 20)")
    parser.add_argument("--inquiries", type=int, default=1000, help="open inquiries in the worker's queue at the end (default 1000)")
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
    TMPDIR = tempfile.mkdtemp(prefix="inquiry-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
os.environ["CELERY_BROKER_URL"] = "memory://"  # the confirmation e-mails are queued in-process, never sent
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

from django.db.models import QuerySet  # noqa: E402

from inquiries import policies, selectors, services  # noqa: E402
from inquiries.models import ClosedReason, ContactLog, Inquiry, NextStep, Stage, StageChange  # noqa: E402
from portal import business_days  # noqa: E402
from portal.accounts.models import County, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment, ServiceStandard, Step  # noqa: E402

VENDOR = connection.vendor
rng = random.Random(ARGS.seed)
NOW = timezone.now().replace(microsecond=0)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
INTERESTS = ["foster", "adopt", "kinship", "respite", "unsure"]
ATTEMPTS = [ContactLog.Kind.NO_ANSWER, ContactLog.Kind.VOICEMAIL, ContactLog.Kind.PACKET]
PERSONAL = [ContactLog.Kind.SPOKE, ContactLog.Kind.PERSONAL_EMAIL, ContactLog.Kind.PERSONAL_TEXT]
LATER_STAGES = [Stage.SESSION_INVITED, Stage.SESSION_ATTENDED, Stage.ORIENTATION, Stage.APPLICATION, Stage.HOME_STUDY]


def earlier_today() -> datetime:
    """A moment earlier today (agency time): whatever the day, its first-contact deadline is still ahead."""
    midnight = datetime.combine(business_days.local_date(NOW), dt_time.min, tzinfo=business_days.agency_zone())
    start = max(midnight, NOW - timedelta(hours=12))
    return start + (NOW - start) * rng.random()


def office_hours(start, end) -> Decimal:
    """What inquiries.services stores at the first personal contact."""
    return Decimal(business_days.office_hours_between(start, end).total_seconds() / 3600).quantize(Decimal("0.01"))


def out(text: str = "") -> None:
    print(text, flush=True)


def staff(email: str, role: str, last_name: str, team=None) -> User:
    person = User.objects.create_user(email=email, password="!", role=role, title="Ms.", last_name=last_name, team=team)
    TOTP.activate(person, SECRET)  # staff see family data only with MFA set up
    return person


class World:
    """Ms. Carter supervises two teams in two counties (her region); Ms. Miller's queue is measured."""

    def __init__(self):
        manager = staff("manager@bench.test", Role.ADMINISTRATOR, "Manager")
        self.supervisor = staff("carter@bench.test", Role.SUPERVISOR, "Carter")
        self.county = County.objects.create(name="Bench County")
        self.east = County.objects.create(name="Bench East")
        team = Team.objects.create(name="Team A", office=Office.objects.create(name="Bench office", county=self.county,
                                                                               program_manager=manager), supervisor=self.supervisor)
        east_team = Team.objects.create(name="Team East", office=Office.objects.create(name="Bench east office", county=self.east,
                                                                                       program_manager=manager), supervisor=self.supervisor)
        self.supervisor.team = team
        self.supervisor.save(update_fields=["team"])
        self.team, self.east_team = team, east_team
        self.worker = staff("miller@bench.test", Role.RESOURCE_WORKER, "Miller", team)
        self.east_worker = staff("diaz@bench.test", Role.RESOURCE_WORKER, "Diaz", east_team)
        self.teammate = None  # joins before the bulk rows, so that the small phase routes everything to Ms. Miller
        self.sequence = 0

    def next_person(self) -> int:
        self.sequence += 1
        return self.sequence


def through_services(world: World, count: int) -> None:
    """The first inquiries, through the public form's service and the worker's: the way they are really made."""
    for i in range(count + count // 4):
        county = world.east if i >= count else world.county
        n = world.next_person()
        # One in four came in today (its deadline ahead), the rest over the last 20 days.
        received = earlier_today() if i % 4 == 0 else NOW - timedelta(hours=rng.uniform(24, 24 * 20))
        inquiry = services.submit_inquiry(
            name=f"Inquirer {n}", email=f"inquirer{n}@example.org", phone=f"601555{n:04d}", contact_way="phone", best_time="evenings",
            language=rng.choice(["en", "es"]), county=county, interest=rng.choice(INTERESTS),
            questions="How do board payments work?", now=received,
        ).inquiry
        worker = inquiry.worker
        if i % 5 in (0, 3):  # a voicemail first
            services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=worker, now=received + timedelta(minutes=40))
        if i % 5 in (1, 3):  # two in five reached personally, one of them moved along with a promised step
            contacted = min(received + timedelta(hours=rng.uniform(1, 30)), NOW - timedelta(seconds=30))
            services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=worker, now=contacted)
            if i % 5 == 3:
                services.move_stage(inquiry=inquiry, stage=Stage.SESSION_INVITED, actor=worker, now=contacted)
                services.promise_next_step(inquiry=inquiry, description="Send the information session dates", actor=worker, now=contacted)


class Promises:
    """Ledger rows shaped like open_commitment()'s, with the calendar's times computed once per day received."""

    def __init__(self, code: str):
        self.standard = ServiceStandard.objects.get(code=code)
        self.by_day: dict = {}

    def row(self, *, subject_type, subject_id, owner, owed_to, received, met_at=None) -> Commitment:
        day = business_days.local_date(received)
        if day not in self.by_day:
            due = business_days.deadline(received, self.standard.business_days)
            self.by_day[day] = (due, business_days.subtract_office_hours(due, float(self.standard.remind_office_hours_before)),
                                business_days.deadline(due, self.standard.escalate_after_business_days))
        due, remind, escalate = self.by_day[day]
        row = Commitment(standard=self.standard, subject_type=subject_type, subject_id=subject_id, owed_to_name=owed_to, owner=owner,
                         opened_at=received, remind_at=remind if remind > received else None, due_at=due, escalate_at=escalate)
        if met_at is not None:
            row.status, row.met_at, row.met_by, row.late = Commitment.Status.MET, met_at, owner, met_at > due
        else:
            steps = ((Step.REMIND, row.remind_at), (Step.OVERDUE, due), (Step.ESCALATE, escalate))
            row.next_step, row.next_step_at = next(((s, at) for s, at in steps if at is not None and at > NOW), ("", None))
        return row


def in_bulk(world: World, open_count: int, *, worker: User, county: County, team: Team, closed_share: float = 0.1,
            most_overdue: int = 15) -> None:
    """``open_count`` more open inquiries for ``worker`` (and ``closed_share`` as many closed or licensed ones).

    The shape of a worker who mostly keeps up, whatever day the bench runs: 1 % (at most 15) never
    reached and overdue (received 8 to 30 days ago; at most ``most_overdue``), 7 % received earlier today (first call still ahead), the rest
    reached personally over the last 8 weeks and somewhere along the path; a third of those have a
    promised step, still open (due in two business days) if promised today, done otherwise. So the
    first page of the queue has overdue rows and rows with time left at every size.
    """
    inquiry_type = ContentType.objects.get_for_model(Inquiry)
    step_type = ContentType.objects.get_for_model(NextStep)
    first_contact, next_step = Promises(services.FIRST_CONTACT), Promises(services.NEXT_STEP)
    # Fewer overdue rows than a page holds, over all the team's workers: a first page of nothing but overdue
    # rows needs no look at the closure days (its "office time left" column is empty), one query fewer:
    # bounded, not growth (bench/README.md), but it would make the two sizes unlike.
    overdue_new, fresh_new = min(most_overdue, max(1, open_count // 100)), max(1, open_count * 7 // 100)
    with transaction.atomic():
        plans = []
        for i in range(open_count + int(open_count * closed_share)):
            stage, contact_at, step_at = Stage.NEW, None, None
            if i < overdue_new:
                received = NOW - timedelta(days=rng.uniform(8, 30))
            elif i < overdue_new + fresh_new:
                received = earlier_today()
            else:
                received = NOW - timedelta(days=rng.uniform(1, 56))
                contact_at = min(received + timedelta(hours=rng.uniform(0.5, 40)), NOW - timedelta(minutes=5))
                stage = rng.choice([Stage.CONTACTED, Stage.CONTACTED, *LATER_STAGES])
                if rng.random() < 0.33:
                    step_at = earlier_today() if rng.random() < 0.5 else contact_at
            if i >= open_count:
                stage, step_at = rng.choice([Stage.CLOSED, Stage.CLOSED, Stage.LICENSED]), None
                contact_at = contact_at or min(received + timedelta(hours=3), NOW - timedelta(minutes=5))
            furthest = stage if stage != Stage.CLOSED else rng.choice([Stage.CONTACTED, *LATER_STAGES])
            plans.append((world.next_person(), received, contact_at, stage, furthest, step_at))
        inquiries = Inquiry.objects.bulk_create(
            (Inquiry(name=f"Inquirer {n}", email=f"inquirer{n}@example.org", email_key=f"inquirer{n}@example.org",
                     phone=services.format_phone(f"60{n:08d}"), phone_key=f"60{n:08d}", contact_way="phone", best_time="evenings",
                     language="en", county=county, interest=rng.choice(INTERESTS), questions="How do board payments work?",
                     team=team, worker=worker, received_at=received, last_received_at=received, stage=stage, furthest_stage=furthest,
                     closed_reason=rng.choice(ClosedReason.values) if stage == Stage.CLOSED else "",
                     first_contact_due_at=business_days.deadline(received, first_contact.standard.business_days),
                     first_contact_at=contact_at, first_contact_office_hours=office_hours(received, contact_at) if contact_at else None)
             for n, received, contact_at, stage, furthest, _step_at in plans),
            batch_size=500,
        )
        logs, changes, commitments, steps = [], [], [], []
        for inquiry, plan in zip(inquiries, plans):
            step_at = plan[-1]
            for k in range(rng.choice([0, 0, 1, 1, 2, 3])):  # calls that did not reach them
                at = min(inquiry.received_at + timedelta(minutes=30 * (k + 1)), NOW - timedelta(seconds=k + 1))
                logs.append(ContactLog(inquiry=inquiry, kind=rng.choice(ATTEMPTS), at=at, by=worker))
            if inquiry.first_contact_at:
                logs.append(ContactLog(inquiry=inquiry, kind=rng.choice(PERSONAL), note="Talked about board payments.",
                                       at=inquiry.first_contact_at, by=worker))
                changes.append(StageChange(inquiry=inquiry, stage=Stage.CONTACTED, at=inquiry.first_contact_at, by=worker))
                if inquiry.stage not in (Stage.NEW, Stage.CONTACTED):
                    changes.append(StageChange(inquiry=inquiry, stage=inquiry.stage, closed_reason=inquiry.closed_reason,
                                               at=inquiry.first_contact_at, by=worker))
            commitments.append(first_contact.row(subject_type=inquiry_type, subject_id=inquiry.pk, owner=worker, owed_to=inquiry.name,
                                                 received=inquiry.received_at, met_at=inquiry.first_contact_at))
            if step_at is not None:
                done = step_at + timedelta(days=1) if step_at < NOW - timedelta(days=1) else None
                steps.append(NextStep(inquiry=inquiry, description="Send the application", promised_at=step_at, promised_by=worker,
                                      done_at=done))
        ContactLog.objects.bulk_create(logs, batch_size=1000)
        StageChange.objects.bulk_create(changes, batch_size=1000)
        steps = NextStep.objects.bulk_create(steps, batch_size=1000)
        commitments += [next_step.row(subject_type=step_type, subject_id=step.pk, owner=worker, owed_to=step.inquiry.name,
                                      received=step.promised_at, met_at=step.done_at) for step in steps]
        Commitment.objects.bulk_create(commitments, batch_size=1000)


def _queue(world: World, who: str) -> QuerySet:
    return selectors.inquiry_queue(getattr(world, who), now=timezone.now(), everyone=who == "supervisor")


PAGES = [
    ("Inquiry queue (worker)", "worker", "inquiries:queue", {}),
    ("Team queue (supervisor)", "supervisor", "inquiries:queue", {"all": "1"}),
    ("Funnel (supervisor)", "supervisor", "inquiries:funnel", {}),
]
PAGE_SIZE = 50  # inquiries.views.QUEUE_PAGE_SIZE


def measure(world: World, label: str) -> dict:
    results = {}
    for name, who, url_name, query in PAGES:
        client = Client()
        client.force_login(getattr(world, who))
        url = reverse(url_name)
        assert client.get(url, query).status_code == 200  # warm-up: URL resolver, content types, the holiday calendar
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.status_code == 200, (name, response.status_code)
        sql = [q["sql"] for q in queries.captured_queries]  # now: the next request resets the log
        sql_seconds = sum(float(q["time"]) for q in queries.captured_queries)
        if url_name == "inquiries:queue":
            listed = _queue(world, who).count()
            rows = min(listed, PAGE_SIZE)
            dues = [row.next_due_at for row in _queue(world, who)[:PAGE_SIZE]]
            mix = f" ({sum(1 for due in dues if due and due < timezone.now())} overdue, {sum(1 for due in dues if due and due >= timezone.now())} with time left)"
        else:
            listed = rows = Inquiry.objects.filter(county__in=policies.funnel_counties(getattr(world, who))).count()
            mix = ""
        times = []
        for _ in range(ARGS.repeat):
            started = time.perf_counter()
            client.get(url, query)
            times.append(time.perf_counter() - started)
        results[name] = {"queries": len(sql), "listed": listed, "rows": rows, "median": statistics.median(times),
                         "best": min(times), "sql": sql, "sql_seconds": sql_seconds}
        what = "rows on the page" if url_name == "inquiries:queue" else "inquiries counted"
        out(f"  {label:>7}  {name:26} {listed:>6} listed, {rows:>5} {what}{mix}: "
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
    if Inquiry.objects.exists():
        sys.exit("This database already has inquiries: point --database-url at a throwaway database.")
    world = World()
    through_services(world, ARGS.small)
    assert selectors.inquiry_queue(world.worker, now=NOW).count() == ARGS.small, "the small phase should all be Ms. Miller's"
    small = measure(world, f"N={ARGS.small}")
    t0 = time.perf_counter()
    world.teammate = staff("nguyen@bench.test", Role.RESOURCE_WORKER, "Nguyen", world.team)
    in_bulk(world, ARGS.inquiries - ARGS.small, worker=world.worker, county=world.county, team=world.team)
    in_bulk(world, ARGS.inquiries // 5, worker=world.teammate, county=world.county, team=world.team, most_overdue=5)
    in_bulk(world, ARGS.inquiries // 5, worker=world.east_worker, county=world.east, team=world.east_team, most_overdue=5)
    out(f"grew to {Inquiry.objects.count():,} inquiries ({selectors.inquiry_queue(world.worker, now=NOW).count():,} open in "
        f"Ms. Miller's queue), {ContactLog.objects.count():,} contact-log entries, {NextStep.objects.count():,} promised steps, "
        f"{Commitment.objects.count():,} commitments ({Commitment.objects.filter(status='open').count():,} open) "
        f"in {time.perf_counter() - t0:.1f} s")
    if VENDOR == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    big = measure(world, f"N={ARGS.inquiries}")

    out("\n=== result " + "=" * 70)
    out(f"{'page':28}{'queries N=' + str(ARGS.small):>16}{'queries N=' + str(ARGS.inquiries):>18}"
        f"{'median ms':>12}{'median ms':>12}{'time ratio':>12}")
    differs = []
    for name, *_rest in PAGES:
        a, b = small[name], big[name]
        out(f"{name:28}{a['queries']:>16}{b['queries']:>18}{a['median'] * 1000:>12.1f}{b['median'] * 1000:>12.1f}"
            f"{b['median'] / a['median']:>12.2f}")
        if a["queries"] != b["queries"]:
            differs.append(name)
            out(f"  query counts differ for {name}; the difference (- N={ARGS.small}, + N={ARGS.inquiries}):")
            for line in difflib.unified_diff([_shape(q) for q in a["sql"]], [_shape(q) for q in b["sql"]], lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    out(f"    {line[:220]}")
    out(f"query count ratio (N={ARGS.inquiries} / N={ARGS.small}): "
        + ", ".join(f"{name}: {big[name]['queries'] / small[name]['queries']:.2f}" for name, *_rest in PAGES))
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    if TMPDIR and not ARGS.keep:
        import shutil

        shutil.rmtree(TMPDIR, ignore_errors=True)
    elif TMPDIR:
        out(f"kept {TMPDIR}/bench.sqlite3")
    if differs:
        out("FAIL: the query count grows with the number of inquiries: " + ", ".join(differs))
        return 1
    out("OK: the same number of queries at both sizes on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
