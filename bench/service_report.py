"""The service report over a large ledger: queries per page, and time, at two sizes.

    .venv/bin/python bench/service_report.py                         # fresh SQLite file, 10 000 then 100 000 promises
    .venv/bin/python bench/service_report.py --sizes 10000,1000000 \\
        --database-url postgres://user@host:5432/throwaway            # an EMPTY throwaway database

The ledger is filled in bulk (COPY on PostgreSQL; each promise with its "opened" event) with a year of promises across 8 standards, 2 offices, 10 teams
and 100 workers: 80 % kept on time, 10 % kept late, 6 % still open past their deadline (a third of those
escalated, with the event the sweep writes), the rest not yet due; each kept one with its office minutes. At each
size, the report page (the administrator over 12 months, a supervisor over 6, one worker over 3), its CSV and the
list behind the "missed" number are rendered through Django's test client: the number of queries (must be the
same at both sizes), the time spent in SQL, and the median wall time. Not a test: see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--sizes", default="10000,100000", help="numbers of promises, ascending (default 10000,100000)")
parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
parser.add_argument("--repeat", type=int, default=5, help="timed renders per page; median reported")
parser.add_argument("--seed", type=int, default=20270301)
ARGS = parser.parse_args()
SIZES = [int(size) for size in ARGS.sizes.split(",")]
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='report-bench-')}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client, without setup_test_environment()
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal import business_days  # noqa: E402
from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment, CommitmentEvent, ServiceStandard  # noqa: E402

NOW = timezone.now().replace(microsecond=0)
rng = random.Random(ARGS.seed)
COLS = [
    "standard_id", "subject_type_id", "subject_id", "household_id", "owed_to_name", "owner_id", "team_id", "office_id",
    "opened_at", "remind_at", "due_at", "escalate_at", "status", "met_at", "late", "office_minutes_to_meet",
    "cancelled_reason", "next_step", "next_step_at",
]


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_rows(table: str, cols: list[str], rows) -> None:
    """COPY on PostgreSQL, chunked executemany elsewhere."""
    column_list = ", ".join(q(c) for c in cols)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {q(table)} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {q(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(cols))})"
    buffer = []
    for row in rows:
        buffer.append(row)
        if len(buffer) >= 20_000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, buffer)
            buffer = []
    if buffer:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, buffer)


class Agency:
    def __init__(self):
        county = County.objects.create(name="Report County")
        self.admin = self._staff("admin@bench.test", Role.ADMINISTRATOR, "Admin")
        offices = [Office.objects.create(name=f"Office {i}", county=county) for i in range(2)]
        self.supervisors, self.teams, self.workers = [], [], []
        for i in range(10):
            supervisor = self._staff(f"sup{i}@bench.test", Role.SUPERVISOR, f"Super{i}")
            team = Team.objects.create(name=f"Team {i}", office=offices[i % 2], supervisor=supervisor)
            supervisor.team = team
            supervisor.save(update_fields=["team"])
            self.supervisors.append(supervisor)
            self.teams.append(team)
        self.workers = User.objects.bulk_create(
            User(email=f"w{i}@bench.test", password="!", role=Role.CASEWORKER, title="Mr.", last_name=f"Worker{i}", team=self.teams[i % 10])
            for i in range(100)
        )
        self.households = list(
            Household.objects.bulk_create(
                Household(name=f"The Bench{i} family", licence_number=f"RB-{i:06d}", county=county) for i in range(2000)
            )
        )
        self.standards = list(ServiceStandard.objects.order_by("pk")[:8])
        self.office_of = {team.pk: team.office_id for team in self.teams}
        self.household_ct = ContentType.objects.get_for_model(Household).pk

    def _staff(self, email, role, name) -> User:
        person = User.objects.create(email=email, password="!", role=role, title="Ms.", last_name=name)
        TOTP.activate(person, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        return person

    def rows(self, count: int):
        adapt = connection.ops.adapt_datetimefield_value
        for _ in range(count):
            worker = rng.choice(self.workers)
            household = rng.choice(self.households)
            standard = rng.choice(self.standards)
            due = NOW - timedelta(seconds=rng.randint(-5 * 86400, 365 * 86400))
            opened = due - timedelta(days=rng.choice((1, 2, 3, 5, 10)))
            escalate = due + timedelta(days=1)
            roll = rng.random()
            status, met, late, minutes, next_step, next_at = "open", None, False, None, "", None
            if due > NOW:
                next_step, next_at = "remind", due - timedelta(hours=2)
            elif roll < 0.80:
                status, met, minutes = "met", opened + (due - opened) * rng.random(), rng.randint(10, 4000)
            elif roll < 0.90:
                status, met, late, minutes = "met", due + timedelta(hours=rng.randint(1, 72)), True, rng.randint(540, 9000)
            elif roll < 0.96:
                next_step, next_at = "escalate", escalate
            else:
                status, met, minutes = "met", opened + timedelta(hours=1), 60
            if met is not None and met > NOW:
                met = NOW
            yield (
                standard.pk, self.household_ct, household.pk, household.pk, "", worker.pk, worker.team_id, self.office_of[worker.team_id],
                adapt(opened), None, adapt(due), adapt(escalate), status, adapt(met) if met else None, late, minutes,
                "", next_step, adapt(next_at) if next_at else None,
            )

    def fill(self, count: int) -> None:
        before = Commitment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(Commitment._meta.db_table, COLS, self.rows(count))
        # Every promise has its "opened" event, as in a real ledger: the escalation join must find its few among them.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(CommitmentEvent._meta.db_table)} (commitment_id, kind, at, note) "
                f"SELECT id, 'opened', opened_at, '' FROM {q(Commitment._meta.db_table)} WHERE id > %s",
                [before],
            )
        for statement in connection.ops.sequence_reset_sql(no_style(), [Commitment]):
            with connection.cursor() as cursor:
                cursor.execute(statement)
        # The sweep's escalation event for a third of the missed ones.
        missed = Commitment.objects.filter(status="open", due_at__lt=NOW - timedelta(days=2)).values_list("pk", flat=True)
        already = set(CommitmentEvent.objects.filter(kind="escalate").values_list("commitment_id", flat=True))
        adapt = connection.ops.adapt_datetimefield_value
        insert_rows(
            CommitmentEvent._meta.db_table, ["commitment_id", "kind", "at", "note"],
            ((pk, "escalate", adapt(NOW), "") for pk in missed if pk % 3 == 0 and pk not in already),
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def month(offset: int) -> str:
    today = business_days.local_date(NOW).replace(day=1)
    index = today.year * 12 + today.month - 1 - offset
    return f"{index // 12}-{index % 12 + 1:02d}"


def measure(agency: Agency) -> dict:
    pages = {
        "report, administrator, 12 months": (agency.admin, "/reports/service/", {"since": month(11), "until": month(0)}),
        "report, supervisor, 6 months": (agency.supervisors[0], "/reports/service/", {}),
        "report, one worker, 3 months": (agency.admin, "/reports/service/", {"since": month(2), "worker": agency.workers[0].pk}),
        "CSV, administrator, 12 months": (agency.admin, "/reports/service/csv/", {"since": month(11), "until": month(0)}),
        "list behind 'missed', administrator": (agency.admin, "/reports/service/promises/", {"since": month(11), "outcome": "missed"}),
    }
    results = {}
    for label, (person, url, params) in pages.items():
        client = Client()
        client.force_login(person)
        response = client.get(url, params)
        assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        # Read now: the next request resets the connection's query log.
        queries, sql = len(captured.captured_queries), sum(float(query["time"]) for query in captured.captured_queries)
        times = []
        for _ in range(ARGS.repeat):
            started = time.perf_counter()
            client.get(url, params)
            times.append(time.perf_counter() - started)
        results[label] = {"queries": queries, "sql": sql, "median": statistics.median(times)}
    return results


def main() -> None:
    call_command("migrate", verbosity=0)
    if Commitment.objects.exists():
        sys.exit("The ledger in this database is not empty: point --database-url at a throwaway database.")
    version = ".".join(str(part) for part in connection.get_database_version())
    print(f"database: {connection.vendor} {version}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    agency = Agency()
    filled, by_size = 0, {}
    for size in SIZES:
        started = time.perf_counter()
        agency.fill(size - filled)
        filled = size
        print(f"filled to {Commitment.objects.count():,} promises in {time.perf_counter() - started:.1f} s", flush=True)
        by_size[size] = measure(agency)
    print(f"\n{'page':42}" + "".join(f"{'queries N=' + format(s, ','):>20}" for s in SIZES) + "".join(f"{'median N=' + format(s, ','):>24}" for s in SIZES))
    same = True
    for label in by_size[SIZES[0]]:
        counts = [by_size[s][label]["queries"] for s in SIZES]
        same &= len(set(counts)) == 1
        print(
            f"{label:42}" + "".join(f"{c:>20}" for c in counts)
            + "".join(f"{by_size[s][label]['median'] * 1000:>14.0f} ms (SQL {by_size[s][label]['sql'] * 1000:.0f})" for s in SIZES)
        )
    print("\nquery counts the same at every size:", "yes" if same else "NO")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
