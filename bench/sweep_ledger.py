"""Benchmark the follow-up ledger sweep against a raw SQL select of the same due rows.

    .venv/bin/python bench/sweep_ledger.py --rows 100000                       # fresh SQLite file in a temp dir
    .venv/bin/python bench/sweep_ledger.py --rows 1000000 \\
        --database-url postgres://user@host:5432/throwaway                      # an EMPTY throwaway database

Not a test: it prints figures, it asserts nothing about time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=None,
                        help="open commitments in the ledger (default 100000 on SQLite, 1000000 on PostgreSQL)")
    parser.add_argument("--due", type=int, default=1000, help="how many of them are due now (default 1000)")
    parser.add_argument("--batch-size", type=int, default=500, help="sweep_commitments(batch_size=...) (default 500)")
    parser.add_argument("--repeat", type=int, default=9, help="repetitions of each select timing; median reported")
    parser.add_argument("--sweep-repeat", type=int, default=3,
                        help="repetitions of the full sweep (the due state is rebuilt in between); median reported")
    parser.add_argument("--database-url", default=None,
                        help="use this database (must hold an empty ledger) instead of a fresh SQLite file")
    parser.add_argument("--no-history", action="store_true",
                        help="do not write an 'opened' CommitmentEvent per commitment (faster fill, smaller events table)")
    parser.add_argument("--analyze", action="store_true",
                        help="also run ANALYZE on SQLite after the fill (PostgreSQL is always VACUUM ANALYZEd)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one sweep and of one ORM batch select at size N")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--seed", type=int, default=20270301)
    return parser.parse_args()


ARGS = parse_args()
TMPDIR = None
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    TMPDIR = tempfile.mkdtemp(prefix="sweep-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
os.environ["CELERY_BROKER_URL"] = "memory://"  # delivery is enqueued on commit into an in-process broker
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "No hostname was supplied" for memory://

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.accounts.models import County, Household, Office, Role, Team, User  # noqa: E402
from portal.followups.models import Commitment, CommitmentEvent, ServiceStandard, Step  # noqa: E402
from portal.followups.services import sweep_commitments  # noqa: E402
from portal.notifications.models import Notification  # noqa: E402

VENDOR = connection.vendor
CT = Commitment._meta.db_table
EV = CommitmentEvent._meta.db_table
NT = Notification._meta.db_table
adapt = connection.ops.adapt_datetimefield_value
rng = random.Random(ARGS.seed)
NOW = timezone.now().replace(microsecond=0)


def out(text: str = "") -> None:
    print(text, flush=True)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


# --- Filling the ledger -----------------------------------------------------------------

COMMITMENT_COLS = [
    "id", "standard_id", "subject_type_id", "subject_id", "household_id", "owed_to_name", "owner_id",
    "covering_for_id", "opened_at", "remind_at", "due_at", "escalate_at", "status", "met_at", "met_by_id",
    "late", "cancelled_reason", "next_step", "next_step_at",
]
EVENT_COLS = ["commitment_id", "kind", "at", "actor_id", "from_owner_id", "to_owner_id", "note"]


def insert_rows(table: str, cols: list[str], rows, chunk: int = 20_000) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany in chunked transactions elsewhere."""
    column_list = ", ".join(q(c) for c in cols)
    if VENDOR == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {q(table)} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {q(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(cols))})"
    buffer = []
    for row in rows:
        buffer.append(row)
        if len(buffer) >= chunk:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, buffer)
            buffer = []
    if buffer:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, buffer)


class World:
    """The organisation the commitments hang off: standards, users in teams, households."""

    def __init__(self, rows: int):
        self.standard = ServiceStandard.objects.get(code="return-call")  # seeded by migration 0002
        self.household_ct = ContentType.objects.get_for_model(Household)
        county = County.objects.create(name="Bench County")
        admins = User.objects.bulk_create(
            User(email=f"admin{i}@bench.test", password="!", role=Role.ADMINISTRATOR, last_name=f"Admin{i}")
            for i in range(2)
        )
        managers = User.objects.bulk_create(
            User(email=f"pm{i}@bench.test", password="!", role=Role.SUPERVISOR, title="Dr.", last_name=f"Manager{i}")
            for i in range(2)
        )
        offices = Office.objects.bulk_create(
            Office(name=f"Bench office {i}", county=county, program_manager=managers[i]) for i in range(2)
        )
        supervisors = User.objects.bulk_create(
            User(email=f"sup{i}@bench.test", password="!", role=Role.SUPERVISOR, title="Ms.", last_name=f"Super{i}")
            for i in range(20)
        )
        teams = Team.objects.bulk_create(
            Team(name=f"Team {i}", office=offices[i % 2], supervisor=supervisors[i]) for i in range(20)
        )
        workers = User.objects.bulk_create(
            User(email=f"worker{i}@bench.test", password="!", role=Role.CASEWORKER, title="Mr.",
                 last_name=f"Worker{i}", team=teams[i % 20])
            for i in range(200)
        )
        for team, supervisor in zip(teams, supervisors):
            supervisor.team = team
        User.objects.bulk_update(supervisors, ["team"])
        self.admins, self.owner_ids = admins, [w.pk for w in workers]
        households = max(100, min(50_000, rows // 20))
        Household.objects.bulk_create(
            (Household(name=f"The Bench{i} family", licence_number=f"BENCH-{i:07d}", county=county,
                       licence_status=Household.LicenceStatus.LICENSED) for i in range(households)),
            batch_size=2000,
        )
        self.household_ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))

    def future_state(self, opened=None):
        """Timestamps of a commitment whose first step (the reminder) is still ahead."""
        due = NOW + timedelta(seconds=rng.randint(3 * 3600, 30 * 86400))
        opened = opened or NOW - timedelta(seconds=rng.randint(0, 5 * 86400))
        remind = due - timedelta(hours=2)
        return opened, remind, due, due + timedelta(days=1), Step.REMIND.value, remind

    def commitment_rows(self, first_id: int, last_id: int, opened_log: list | None):
        std, ct = self.standard.pk, self.household_ct.pk
        hh, owners = self.household_ids, self.owner_ids
        for pk in range(first_id, last_id + 1):
            household = hh[pk % len(hh)]
            opened, remind, due, escalate, step, step_at = self.future_state()
            if opened_log is not None:
                opened_log.append((pk, adapt(opened)))
            yield (pk, std, ct, household, household, "", owners[pk % len(owners)], None, adapt(opened),
                   adapt(remind), adapt(due), adapt(escalate), "open", None, None, False, "", step, adapt(step_at))

    def fill(self, first_id: int, last_id: int, history: bool) -> None:
        """Insert commitments first_id..last_id (all due later), and their 'opened' events."""
        opened_log: list | None = [] if history else None
        insert_rows(CT, COMMITMENT_COLS, self.commitment_rows(first_id, last_id, opened_log))
        for statement in connection.ops.sequence_reset_sql(no_style(), [Commitment]):
            with connection.cursor() as cursor:
                cursor.execute(statement)
        if history:
            insert_rows(EV, EVENT_COLS, ((pk, "opened", at, None, None, None, "") for pk, at in opened_log))


class DueSet:
    """The commitments due now, and how to put them back after a sweep moved them on.

    40 % are due for the reminder (one notification), 40 % overdue (owner and supervisor),
    20 % a business day past due (program manager). Overdue and escalated rows carry the
    earlier steps' events, as they would in a live ledger.
    """

    def __init__(self, world: World, ids: list[int]):
        self.world, self.ids, self.rows = world, sorted(ids), []
        mix = random.Random(ARGS.seed)  # the same mix of steps at every table size: same query count expected
        for pk in self.ids:
            kind = mix.random()
            if kind < 0.4:
                remind = NOW - timedelta(seconds=mix.randint(60, 100 * 60))
                due = remind + timedelta(hours=2)
                opened, escalate, step, step_at, history = due - timedelta(hours=20), due + timedelta(days=1), "remind", remind, []
            elif kind < 0.8:
                due = NOW - timedelta(seconds=mix.randint(60, 20 * 3600))
                remind, opened, escalate = due - timedelta(hours=2), due - timedelta(days=1), due + timedelta(days=1)
                step, step_at, history = "overdue", due, [("remind", remind)]
            else:
                escalate = NOW - timedelta(seconds=mix.randint(60, 48 * 3600))
                due = escalate - timedelta(days=1)
                remind, opened = due - timedelta(hours=2), due - timedelta(days=1)
                step, step_at, history = "escalate", escalate, [("remind", remind), ("overdue", due)]
            self.rows.append((pk, opened, remind, due, escalate, step, step_at, history))
        self.expected_notifications = sum({"remind": 1, "overdue": 2, "escalate": 1}[r[5]] for r in self.rows)
        with transaction.atomic():
            self.write_state()
            insert_rows(EV, EVENT_COLS, ((pk, kind, adapt(at), None, None, None, "")
                                         for pk, *_rest, history in self.rows for kind, at in history))
        self.event_baseline = max_id(EV)

    def write_state(self) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {q(CT)} SET opened_at=%s, remind_at=%s, due_at=%s, escalate_at=%s, next_step=%s, "
                f"next_step_at=%s, status='open' WHERE id=%s",
                [(adapt(o), adapt(r), adapt(d), adapt(e), s, adapt(sa), pk) for pk, o, r, d, e, s, sa, _h in self.rows],
            )

    def reset(self) -> None:
        """Undo a sweep: its events and notifications go, the due rows are due again."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {q(NT)}")
            cursor.execute(f"DELETE FROM {q(EV)} WHERE id > %s", [self.event_baseline])
            self.write_state()

    def retire(self, history_baseline: int) -> None:
        """Make these rows not due any more (before the ledger grows and a new due set is drawn)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {q(NT)}")
            cursor.execute(f"DELETE FROM {q(EV)} WHERE id > %s", [history_baseline])
            future = []
            for pk in self.ids:
                o, r, d, e, s, sa = self.world.future_state()
                future.append((adapt(o), adapt(r), adapt(d), adapt(e), s, adapt(sa), pk))
            cursor.executemany(
                f"UPDATE {q(CT)} SET opened_at=%s, remind_at=%s, due_at=%s, escalate_at=%s, next_step=%s, "
                f"next_step_at=%s WHERE id=%s",
                future,
            )


def max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {q(table)}")
        return cursor.fetchone()[0]


def count(table: str, where: str = "", params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(table)} {where}", params)
        return cursor.fetchone()[0]


def analyze() -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if VENDOR == "postgresql" else "ANALYZE")
    return time.perf_counter() - start


# --- The queries being compared -------------------------------------------------------------


def sweep_queryset(limit: int):
    """The sweep's own select (portal.followups.services.due_commitments); the bench checks its SQL is what the sweep sent."""
    from portal.followups.services import due_commitments

    return due_commitments(now=NOW, batch_size=limit)


def columns(model, alias: str) -> list[str]:
    return [f"{alias}.{q(f.column)}" for f in model._meta.concrete_fields]


def raw_select_sql(limit: int, joins: bool) -> str:
    """Hand-written SQL: the brief's SELECT … WHERE status='open' AND next_step_at <= %s ORDER BY next_step_at."""
    if not joins:
        return (f"SELECT {', '.join(columns(Commitment, 'c'))} FROM {q(CT)} c "
                f"WHERE c.status = 'open' AND c.next_step_at <= %s ORDER BY c.next_step_at, c.id LIMIT {limit}")
    select = (columns(Commitment, "c") + columns(ServiceStandard, "s") + columns(Household, "h") + columns(User, "o")
              + columns(Team, "t") + columns(User, "sup") + columns(Office, "off") + columns(User, "pm"))
    return (
        f"SELECT {', '.join(select)} FROM {q(CT)} c "
        f"JOIN {q(ServiceStandard._meta.db_table)} s ON s.id = c.standard_id "
        f"LEFT JOIN {q(Household._meta.db_table)} h ON h.id = c.household_id "
        f"JOIN {q(User._meta.db_table)} o ON o.id = c.owner_id "
        f"LEFT JOIN {q(Team._meta.db_table)} t ON t.id = o.team_id "
        f"LEFT JOIN {q(User._meta.db_table)} sup ON sup.id = t.supervisor_id "
        f"LEFT JOIN {q(Office._meta.db_table)} off ON off.id = t.office_id "
        f"LEFT JOIN {q(User._meta.db_table)} pm ON pm.id = off.program_manager_id "
        f"WHERE c.status = 'open' AND c.next_step_at <= %s ORDER BY c.next_step_at, c.id LIMIT {limit}"
    )


class Timing:
    """Wall-clock (perf_counter) and this process's CPU time (process_time) of repeated runs."""

    def __init__(self, wall: list[float], cpu: list[float]):
        self.wall, self.cpu = wall, cpu
        self.median, self.best, self.cpu_median = statistics.median(wall), min(wall), statistics.median(cpu)


def timed(fn, repeat: int, warm: bool = True, after=None) -> tuple[Timing, object]:
    wall, cpu, value = [], [], None
    if warm:
        fn()
        if after:
            after()
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        if after:
            after()
    return Timing(wall, cpu), value


def run_raw(sql: str, params) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def run_orm(limit: int) -> int:
    """What the sweep really does to get a batch: the locked select plus the lookups by primary key."""
    from portal.followups.services import claim_due_batch

    with transaction.atomic():
        return len(claim_due_batch(now=NOW, batch_size=limit))


@contextmanager
def capture_sql():
    """Every statement the sweep sends, with its real parameters (not the display form)."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((sql, params, many, time.perf_counter() - start))

    with connection.execute_wrapper(wrapper):
        yield seen


def explain(sql: str, params) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        if VENDOR == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)  # EXPLAIN ANALYZE ran the FOR UPDATE: let go of the locks
            return lines
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        depth, lines = {0: -1}, []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return lines


def plan_uses_sweep_index(lines: list[str]) -> tuple[bool, bool]:
    text = "\n".join(lines)
    uses_index = "commitment_sweep_idx" in text
    if VENDOR == "postgresql":
        scans_table = f"Seq Scan on {CT}" in text
    else:
        scans_table = any(line.strip() in (f"SCAN {CT}", "SCAN c") for line in lines)
    return uses_index, scans_table


# --- One measured table size --------------------------------------------------------------------


def measure(label: str, due: DueSet, rows_in_ledger: int) -> dict:
    out(f"\n=== {label}: {rows_in_ledger:,} open commitments, {len(due.ids):,} due, batch_size={ARGS.batch_size} ===")
    result = {"rows": rows_in_ledger, "due": len(due.ids)}

    # 1. One sweep with every statement captured: query count, and the exact select it sends.
    with CaptureQueriesContext(connection) as captured, capture_sql() as statements:
        start = time.perf_counter()
        sweep = sweep_commitments(now=NOW, batch_size=ARGS.batch_size)
        total = time.perf_counter() - start
    result["queries"] = len(captured)
    result["steps"], result["notifications"], result["batches"] = sweep.steps_taken, sweep.notifications, sweep.batches
    assert sweep.steps_taken == len(due.ids), f"the sweep took {sweep.steps_taken} steps for {len(due.ids)} due rows"
    assert sweep.notifications == due.expected_notifications == count(NT), (sweep.notifications, due.expected_notifications)
    assert count(CT, "WHERE status = 'open' AND next_step_at <= %s", [adapt(NOW)]) == 0
    kinds: dict[str, int] = {}
    for item in captured.captured_queries:
        word = item["sql"].split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    result["query_kinds"] = kinds
    in_db: dict[str, float] = {}
    for sql, _params, _many, seconds in statements:
        word = sql.split(None, 1)[0].upper()
        word = "SELECT (the batch)" if word == "SELECT" and f'FROM "{CT}"' in sql and "ORDER BY" in sql else word
        in_db[word] = in_db.get(word, 0.0) + seconds
    for item in captured.captured_queries:  # COMMIT (and BEGIN on PostgreSQL) bypass the execute wrapper
        word = item["sql"].split(None, 1)[0].upper()
        if word in ("BEGIN", "COMMIT", "ROLLBACK") and word not in in_db:
            in_db[word + "*"] = in_db.get(word + "*", 0.0) + float(item["time"])
    result["split"] = (total, in_db)
    sweep_selects = [(sql, params) for sql, params, _many, _seconds in statements
                     if sql.lstrip().upper().startswith("SELECT") and f'FROM "{CT}"' in sql and "ORDER BY" in sql]
    sweep_sql, sweep_params = sweep_selects[0]
    with transaction.atomic():  # select_for_update compiles only inside a transaction
        copy_sql, copy_params = sweep_queryset(ARGS.batch_size).query.sql_with_params()
    same_sql = (sweep_sql, tuple(sweep_params)) == (copy_sql, tuple(copy_params))
    result["same_sql"] = same_sql
    out(f"queries in one sweep: {len(captured)} {dict(sorted(kinds.items()))}; "
        f"{sweep.batches} batches, {sweep.steps_taken} steps, {sweep.notifications} notifications")
    out(f"  where that sweep's {total * 1000:.0f} ms went (wall): in cursor.execute() "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(in_db.items(), key=lambda kv: -kv[1]))
        + f"; the rest, {(total - sum(in_db.values())) * 1000:.0f} ms, outside them (Python: ORM, sweep logic, row fetching, on_commit enqueue)"
        + " (* timed by Django to the millisecond)")
    due.reset()

    # 2. The full sweep, timed; the due state is rebuilt (untimed) after each run.
    sweep_timing, _ = timed(lambda: sweep_commitments(now=NOW, batch_size=ARGS.batch_size), ARGS.sweep_repeat,
                            warm=False, after=due.reset)
    result["sweep"] = sweep_timing
    out("full sweep, wall: " + ", ".join(f"{t * 1000:.1f}" for t in sweep_timing.wall) + " ms; "
        "process CPU: " + ", ".join(f"{t * 1000:.1f}" for t in sweep_timing.cpu) + " ms")
    out(f"  median {sweep_timing.median * 1000:.1f} ms = {sweep_timing.median / len(due.ids) * 1e6:.0f} µs per due row")

    # 3. Peak Python memory of one sweep.
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    sweep_commitments(now=NOW, batch_size=ARGS.batch_size)
    result["peak_mib"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    due.reset()
    out(f"peak traced Python memory of one sweep: {result['peak_mib']:.1f} MiB")

    # 4. The selection alone: the sweep's batch select vs raw SQL of the same rows (nothing is written).
    limit = ARGS.batch_size
    now_param = [adapt(NOW)]
    candidates = {
        "A": ("ORM: the sweep's queryset, list() of model instances", lambda: run_orm(limit)),
        "B": ("the sweep's exact SQL and parameters, cursor.fetchall()", lambda: run_raw(sweep_sql, sweep_params)),
        "C": ("raw SQL, same 8 tables / columns / order, fetchall()",
              lambda: run_raw(raw_select_sql(limit, joins=True), now_param)),
        "D": ("raw SQL, followups_commitment columns only, no joins",
              lambda: run_raw(raw_select_sql(limit, joins=False), now_param)),
        "E": (f"raw SQL like C for all {len(due.ids)} due rows (LIMIT {len(due.ids)})",
              lambda: run_raw(raw_select_sql(len(due.ids), joins=True), now_param)),
    }
    out(f"select of one batch, each run in its own transaction, {ARGS.repeat} runs: "
        f"wall median (best) / process CPU median")
    for key, (label, fn) in candidates.items():
        timing, rows = timed(fn, ARGS.repeat)
        expected = len(due.ids) if key == "E" else min(limit, len(due.ids))
        assert rows == expected, (key, rows, expected)
        result[key] = timing
        out(f"  {key}  {label:58} {timing.median * 1000:8.2f} ms ({timing.best * 1000:7.2f}) / {timing.cpu_median * 1000:7.2f} ms")
    a, b, c, d, e = (result[k] for k in "ABCDE")
    out(f"  A/C = {a.median / c.median:.2f} (best/best {a.best / c.best:.2f})   B/C = {b.median / c.median:.2f}   "
        f"A/D = {a.median / d.median:.2f}   full sweep / E = {sweep_timing.median / e.median:.1f}")

    # 5. The plan of the sweep's select.
    lines = explain(sweep_sql, sweep_params)
    uses_index, scans = plan_uses_sweep_index(lines)
    result["uses_index"], result["scans"] = uses_index, scans
    out(("EXPLAIN (ANALYZE, BUFFERS)" if VENDOR == "postgresql" else "EXPLAIN QUERY PLAN") + " of the sweep's select:")
    for line in lines:
        out("    " + line)
    out(f"  -> uses commitment_sweep_idx: {'yes' if uses_index else 'NO'}; "
        f"full scan of {CT}: {'YES' if scans else 'no'}; SQL identical to the bench's copy: {'yes' if same_sql else 'NO'}")
    return result


def profile(due: DueSet) -> None:
    import cProfile
    import pstats

    for label, fn in (("one sweep", lambda: sweep_commitments(now=NOW, batch_size=ARGS.batch_size)),
                      ("one ORM batch select", lambda: run_orm(ARGS.batch_size))):
        profiler = cProfile.Profile()
        profiler.runcall(fn)
        due.reset()
        out(f"\n--- cProfile of {label}, top 25 by cumulative time ---")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        out("--- top 15 by own time ---")
        stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    started = time.perf_counter()
    rows = ARGS.rows or (1_000_000 if VENDOR == "postgresql" else 100_000)
    small = max(rows // 10, ARGS.due)
    if ARGS.due > small:
        sys.exit("--due must not exceed --rows / 10")
    db = connection.settings_dict
    version = ".".join(str(part) for part in connection.get_database_version())
    out(f"database: {VENDOR} {version}, {db['NAME']}; Django {django.get_version()}, Python {sys.version.split()[0]}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    if Commitment.objects.exists() or Notification.objects.exists():
        sys.exit("The ledger in this database is not empty: point --database-url at a throwaway database.")
    world = World(rows)

    # Size 1: a tenth of the ledger, with the due rows among it.
    t0 = time.perf_counter()
    world.fill(1, small, history=not ARGS.no_history)
    history_baseline = max_id(EV)
    due = DueSet(world, rng.sample(range(1, small + 1), ARGS.due))
    fill_small = time.perf_counter() - t0
    if VENDOR == "postgresql" or ARGS.analyze:
        out(f"ANALYZE: {analyze():.1f} s")
    out(f"filled {small:,} commitments in {fill_small:.1f} s")
    # Warm-up: URL resolver, Celery's in-memory broker, connection setup.
    sweep_commitments(now=NOW, batch_size=ARGS.batch_size)
    due.reset()
    small_result = measure("size 1/10", due, small)

    # Size N: grow the ledger with rows due later and draw a new due set from all of it.
    due.retire(history_baseline)
    t0 = time.perf_counter()
    world.fill(small + 1, rows, history=not ARGS.no_history)
    due = DueSet(world, rng.sample(range(1, rows + 1), ARGS.due))
    fill_big = time.perf_counter() - t0
    out(f"\nfilled {rows - small:,} more commitments in {fill_big:.1f} s "
        f"(ledger: {count(CT):,} commitments, {count(EV):,} events)")
    if VENDOR == "postgresql" or ARGS.analyze:
        out(f"ANALYZE: {analyze():.1f} s")
    big_result = measure("size N", due, rows)
    if ARGS.profile:
        profile(due)

    # The summary.
    out("\n=== result " + "=" * 78)
    out(f"{VENDOR}, {ARGS.due:,} due rows, batch_size {ARGS.batch_size}; selects: {ARGS.repeat} runs, "
        f"full sweep: {ARGS.sweep_repeat} runs; wall clock unless marked CPU")
    out(f"{'':56}{'N = ' + format(small_result['rows'], ','):>14}{'N = ' + format(big_result['rows'], ','):>16}")

    def line(label, get, fmt):
        out(f"{label:56}{fmt(get(small_result)):>14}{fmt(get(big_result)):>16}")

    def ms(seconds):
        return f"{seconds * 1000:.1f} ms"

    def ratio(x):
        return f"{x:.2f}"

    line("queries in one sweep", lambda r: r["queries"], str)
    line("full sweep, median", lambda r: r["sweep"].median, ms)
    line("full sweep, best", lambda r: r["sweep"].best, ms)
    line("full sweep, process CPU median", lambda r: r["sweep"].cpu_median, ms)
    line("full sweep per due row, median", lambda r: r["sweep"].median / r["due"], lambda s: f"{s * 1e6:.0f} µs")
    line("one captured sweep (debug cursor on)", lambda r: r["split"][0], ms)
    line("  of which inside cursor.execute() and COMMIT", lambda r: sum(r["split"][1].values()), ms)
    line("  of which outside them (Python)", lambda r: r["split"][0] - sum(r["split"][1].values()), ms)
    line("peak traced Python memory of one sweep", lambda r: r["peak_mib"], lambda m: f"{m:.1f} MiB")
    for key, label in (("A", f"A ORM batch select ({ARGS.batch_size} rows, models built)"),
                       ("B", "B sweep's SQL, raw fetchall"), ("C", "C raw SQL, same joins/columns, fetchall"),
                       ("D", "D raw SQL, commitment columns only"), ("E", f"E raw SQL like C, all {ARGS.due} due rows")):
        line(label + ", median", lambda r, k=key: r[k].median, ms)
    line("A/C  selection ratio, medians (goal <= 1.5)", lambda r: r["A"].median / r["C"].median, ratio)
    line("A/C  selection ratio, best / best", lambda r: r["A"].best / r["C"].best, ratio)
    line("B/C  database part only (medians)", lambda r: r["B"].median / r["C"].median, ratio)
    line("A/D  vs the brief's bare one-table SELECT", lambda r: r["A"].median / r["D"].median, ratio)
    line("full sweep / E  (not like for like: the sweep writes)", lambda r: r["sweep"].median / r["E"].median,
         lambda x: f"{x:.1f}")
    line("sweep select uses commitment_sweep_idx", lambda r: r["uses_index"], lambda b: "yes" if b else "NO")
    line("sweep select scans the whole table", lambda r: r["scans"], lambda b: "YES" if b else "no")
    line("bench's copy of the select == the sweep's SQL", lambda r: r["same_sql"], lambda b: "yes" if b else "NO")
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if TMPDIR and not ARGS.keep:
            import shutil

            shutil.rmtree(TMPDIR, ignore_errors=True)
        elif TMPDIR:
            print(f"kept {TMPDIR}/bench.sqlite3")
