"""The ledger sweep next to django-helpdesk's ``escalate_tickets``, on the same N and the same PostgreSQL.

    # a throwaway cluster (prints DATABASE_URL; the bench only uses its host and port):
    PORTAL_CI_PG_DIR=/tmp/pg-sweep PORTAL_CI_REDIS_DIR=/tmp/redis-sweep bash scripts/ci_services.sh start
    # the peer, in its own virtualenv (not a project dependency):
    python3 -m venv /tmp/helpdesk-venv && /tmp/helpdesk-venv/bin/pip install django-helpdesk==2.6.1 psycopg2-binary
    flock /tmp/bench.lock .venv/bin/python bench/sweep_vs_helpdesk.py \\
        --server postgres://postgres@127.0.0.1:55432 --helpdesk-python /tmp/helpdesk-venv/bin/python

The bench creates fresh databases on that server (``sweep_ours_<pid>``, ``sweep_helpdesk_<pid>``,
``sweep_ledger_<pid>``) and drops them at the end (``--keep`` keeps them). It runs itself three ways:
``ours`` (the project's venv: sweep_ledger.py's fill, then ``sweep_commitments``), ``helpdesk``
(the peer's venv: ``settings.configure()`` here, then ``call_command("escalate_tickets")``) and,
unless ``--ledger-rows 0``, ``bench/sweep_ledger.py`` at 1 000 000 rows for the sweep / raw select ratio.
Not a test: it prints figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULT = "RESULT "  # a child's last line: RESULT {json}


def out(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="compare", choices=["compare", "ours", "helpdesk"],
                        help="compare (default) runs the other two in child processes")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:55432",
                        help="compare: the PostgreSQL server to create the throwaway databases on")
    parser.add_argument("--database-url", help="ours / helpdesk: an EMPTY database")
    parser.add_argument("--helpdesk-python", default="/tmp/helpdesk-venv/bin/python",
                        help="a python with django-helpdesk and psycopg2 installed")
    parser.add_argument("--rows", type=int, default=100_000, help="commitments / tickets (default 100000)")
    parser.add_argument("--due", type=int, default=10_000, help="how many of them are due (default 10000)")
    parser.add_argument("--batch-size", type=int, default=500, help="sweep_commitments(batch_size=...)")
    parser.add_argument("--repeat", type=int, default=3, help="timed sweeps of ours (median); helpdesk runs once")
    parser.add_argument("--ledger-rows", type=int, default=1_000_000,
                        help="also run bench/sweep_ledger.py at this size for A/C (0: skip)")
    parser.add_argument("--profile", action="store_true", help="ours: also print a cProfile of one sweep")
    parser.add_argument("--keep", action="store_true", help="compare: keep the databases")
    return parser.parse_args()


class Counter:
    """A connection.execute_wrapper: statements sent and the time spent in them (Django's query log stops at 9 000)."""

    def __init__(self):
        self.statements, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1


def timed_run(connection, fn) -> dict:
    """One run of fn with its statements counted; wall, process CPU and time inside cursor.execute()."""
    counter = Counter()
    with connection.execute_wrapper(counter):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "queries": counter.statements, "sql_seconds": counter.seconds}


def two_at_once(connections, fn) -> list[dict]:
    """Run fn in two forked processes released together by a barrier; each opens its own connection."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    connections.close_all()  # children must not share the parent's socket
    barrier, results = context.Barrier(2), context.Queue()

    def child(number: int) -> None:
        from django.db import connection

        try:
            barrier.wait()
            figures = timed_run(connection, fn)
            figures["extra"] = getattr(fn, "extra", lambda: {})()
            results.put((number, figures, None))
        except BaseException as error:  # report it: a duplicate step would surface here as an IntegrityError
            results.put((number, None, f"{type(error).__name__}: {error}"))
        finally:
            connection.close()

    processes = [context.Process(target=child, args=(n,)) for n in (1, 2)]
    for process in processes:
        process.start()
    got = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return [figures if figures else {"error": error} for _number, figures, error in sorted(got, key=lambda g: g[0])]


# --- ours: the project's venv -----------------------------------------------------------------------


def run_ours(args: argparse.Namespace) -> dict:
    # sweep_ledger.py reads its arguments and sets up Django when imported: hand it ours.
    sys.argv = ["sweep_ledger.py", "--database-url", args.database_url, "--rows", str(args.rows),
                "--due", str(args.due), "--batch-size", str(args.batch_size)]
    sys.path.insert(0, str(BENCH))
    import sweep_ledger as ledger
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.models import Count

    from portal.followups.models import Commitment, CommitmentEvent
    from portal.followups.services import sweep_commitments
    from portal.notifications.models import Notification

    out(f"[ours] PostgreSQL {'.'.join(map(str, connection.get_database_version()))}, {connection.settings_dict['NAME']}; "
        f"load average {load()}")
    call_command("migrate", verbosity=0)
    if Commitment.objects.exists():
        sys.exit("The ledger in this database is not empty: point --database-url at a throwaway database.")
    start = time.perf_counter()
    world = ledger.World(args.rows)
    world.fill(1, args.rows, history=True)
    due = ledger.DueSet(world, ledger.rng.sample(range(1, args.rows + 1), args.due))
    out(f"[ours] filled {args.rows:,} commitments ({args.due:,} due) in {time.perf_counter() - start:.1f} s; "
        f"VACUUM ANALYZE {ledger.analyze():.1f} s")

    last = {}

    def sweep():
        last["result"] = sweep_commitments(now=ledger.NOW, batch_size=args.batch_size)

    sweep.extra = lambda: {"steps": last["result"].steps_taken, "batches": last["result"].batches}

    sweep()  # warm-up: URL resolver, Celery's in-memory broker
    due.reset()
    runs = []
    for _ in range(args.repeat):
        figures = timed_run(connection, sweep)
        assert ledger.count(ledger.NT) == due.expected_notifications
        runs.append(figures)
        due.reset()
        out(f"[ours] one sweep: {figures['wall'] * 1000:.0f} ms, {figures['queries']} statements "
            f"(SQL {figures['sql_seconds'] * 1000:.0f} ms, process CPU {figures['cpu'] * 1000:.0f} ms)")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(sweep)
        due.reset()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)

    # Two sweeps at once, in two processes with their own connections.
    def step_events():
        return CommitmentEvent.objects.filter(id__gt=due.event_baseline).count()

    both = two_at_once(connections, sweep)
    errors = [r["error"] for r in both if "error" in r]
    duplicate_steps = (CommitmentEvent.objects.values("commitment_id", "kind").annotate(n=Count("id"))
                       .filter(n__gt=1).count())
    duplicate_notifications = (Notification.objects.values("commitment_id", "kind", "recipient_id")
                               .annotate(n=Count("id")).filter(n__gt=1).count())
    steps, notifications = step_events(), Notification.objects.count()
    still_due = ledger.count(ledger.CT, "WHERE status = 'open' AND next_step_at <= %s", [ledger.adapt(ledger.NOW)])
    shares = [f"{r['extra']['steps']:,} steps in {r['extra']['batches']} batches" for r in both if "extra" in r]
    out(f"[ours] two sweeps at once: {[round(r.get('wall', 0) * 1000) for r in both]} ms ({' / '.join(shares)}), "
        f"errors {errors or 'none'}; "
        f"{steps:,} steps recorded for {args.due:,} due, {notifications:,} notifications "
        f"(expected {due.expected_notifications:,}); duplicate steps {duplicate_steps}, "
        f"duplicate notifications {duplicate_notifications}; still due {still_due}")
    due.reset()
    return {
        "rows": args.rows, "due": args.due, "runs": runs, "both": both, "errors": errors,
        "duplicate_steps": duplicate_steps, "duplicate_notifications": duplicate_notifications,
        "steps_two": steps, "notifications_two": notifications, "expected_notifications": due.expected_notifications,
        "still_due": still_due,
    }


# --- the peer: django-helpdesk in its own venv ---------------------------------------------------------


def helpdesk_settings(database_url: str) -> dict:
    url = urlsplit(database_url)
    return {
        "DEBUG": False,
        "SECRET_KEY": "bench-only",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "SITE_ID": 1,
        "ALLOWED_HOSTS": ["*"],
        "ROOT_URLCONF": "bench_helpdesk_urls",  # filled in run_helpdesk(): helpdesk's URLs under their namespace
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "DATABASES": {"default": {
            "ENGINE": "django.db.backends.postgresql", "NAME": url.path.lstrip("/"), "USER": url.username or "postgres",
            "PASSWORD": url.password or "", "HOST": url.hostname or "127.0.0.1", "PORT": str(url.port or 5432),
        }},
        "INSTALLED_APPS": [
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.sites",
            "django.contrib.messages", "django.contrib.humanize", "rest_framework", "helpdesk",
        ],
        "TEMPLATES": [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                       "OPTIONS": {"context_processors": []}}],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # rendered and "sent" into memory
        "DEFAULT_FROM_EMAIL": "helpdesk@bench.test",
        "LOGGING_CONFIG": None,
        "HELPDESK_TEAMS_MODE_ENABLED": False,  # else its migrations need pinax-teams; escalation does not use teams
    }


def run_helpdesk(args: argparse.Namespace) -> dict:
    import logging
    import random
    from datetime import timedelta

    import django
    from django.conf import settings

    settings.configure(**helpdesk_settings(args.database_url))
    urls = sys.modules["bench_helpdesk_urls"] = types.ModuleType("bench_helpdesk_urls")
    django.setup()
    from django.urls import include, path

    urls.urlpatterns = [path("helpdesk/", include("helpdesk.urls"))]  # e-mails link to tickets by reverse()
    logging.disable(logging.WARNING)
    import helpdesk
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.models import Count
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket, TicketChange

    version = getattr(helpdesk, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("django-helpdesk")
    out(f"[helpdesk] django-helpdesk {version}, Django {django.get_version()}, "
        f"PostgreSQL {'.'.join(map(str, connection.get_database_version()))}, {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if Ticket.objects.exists():
        sys.exit("This database already has tickets: point --database-url at a throwaway database.")

    # What makes a ticket due (management/commands/escalate_tickets.py): its queue has escalate_days; the ticket
    # is open or reopened, not on hold, priority > 1, and last escalated (or created, if never) escalate_days ago.
    start = time.perf_counter()
    rng = random.Random(20270301)
    now = timezone.now()
    User = get_user_model()
    agents = [User.objects.create(username=f"agent{i}", email=f"agent{i}@bench.test", password="!", is_staff=True)
              for i in range(200)]
    queue = Queue.objects.create(title="Bench", slug="bench", email_address="queue@bench.test",
                                 escalate_days=1)
    due_ids = set(rng.sample(range(args.rows), args.due))
    overdue = now - timedelta(days=3)

    def ticket(i: int) -> Ticket:
        fields = {"status": Ticket.OPEN_STATUS, "priority": 3, "last_escalation": overdue}
        if i not in due_ids:
            kind = rng.random()
            if kind < 0.7:  # open, escalated in the last 20 hours
                fields["last_escalation"] = now - timedelta(seconds=rng.randint(60, 20 * 3600))
            elif kind < 0.9:  # closed
                fields["status"] = Ticket.CLOSED_STATUS
            else:  # already at the top priority
                fields["priority"] = 1
        return Ticket(title=f"Bench ticket {i}", queue=queue, submitter_email=f"family{i % 5000}@bench.test",
                      assigned_to=agents[i % len(agents)], description="A request from a family.", **fields)

    Ticket.objects.bulk_create((ticket(i) for i in range(args.rows)), batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE helpdesk_ticket SET created = last_escalation - interval '7 days'")
        cursor.execute("VACUUM ANALYZE")
    due_pks = list(Ticket.objects.filter(last_escalation=overdue, status=Ticket.OPEN_STATUS, priority=3)
                   .values_list("pk", flat=True))
    assert len(due_pks) == args.due, (len(due_pks), args.due)
    out(f"[helpdesk] filled {args.rows:,} tickets ({args.due:,} due) in {time.perf_counter() - start:.1f} s")

    def reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TicketChange._meta.db_table}")
            cursor.execute(f"DELETE FROM {FollowUp._meta.db_table}")
        Ticket.objects.filter(pk__in=due_pks).update(last_escalation=overdue, priority=3)
        mail.outbox = []

    def escalate():
        call_command("escalate_tickets")

    escalate.extra = lambda: {"emails": len(getattr(mail, "outbox", []))}
    mail.outbox = []
    figures = timed_run(connection, escalate)
    escalated = FollowUp.objects.count()
    emails = len(mail.outbox)
    out(f"[helpdesk] escalate_tickets: {figures['wall'] * 1000:.0f} ms, {figures['queries']} statements "
        f"(SQL {figures['sql_seconds'] * 1000:.0f} ms, process CPU {figures['cpu'] * 1000:.0f} ms); "
        f"{escalated:,} tickets escalated, {emails:,} e-mails")
    assert escalated == args.due, (escalated, args.due)
    reset()

    both = two_at_once(connections, escalate)
    errors = [r["error"] for r in both if "error" in r]
    followups = FollowUp.objects.count()
    twice = FollowUp.objects.values("ticket_id").annotate(n=Count("id")).filter(n__gt=1).count()
    priority_twice = Ticket.objects.filter(pk__in=due_pks, priority__lt=2).count()
    emails_two = sum(r.get("extra", {}).get("emails", 0) for r in both)
    out(f"[helpdesk] two at once: {[round(r.get('wall', 0) * 1000) for r in both]} ms, errors {errors or 'none'}; "
        f"{followups:,} escalation follow-ups for {args.due:,} due tickets; escalated twice {twice:,} "
        f"(priority lowered twice {priority_twice:,}); e-mails {emails_two:,} (once each would be {emails:,})")
    reset()
    return {
        "version": version, "django": django.get_version(), "rows": args.rows, "due": args.due, "runs": [figures],
        "emails": emails, "both": both, "errors": errors, "followups_two": followups, "escalated_twice": twice,
        "priority_twice": priority_twice, "emails_two": emails_two,
    }


# --- compare: creates the databases, runs the children, prints the table ------------------------------


def admin_sql(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def run_child(command: list[str], tag: str) -> tuple[dict | None, str]:
    """Run a child, echo its output as it comes, return its RESULT line's JSON and the whole output."""
    out(f"\n$ {' '.join(command)}")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, result = [], None
    for line in process.stdout:
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT):])
            continue
        lines.append(line)
        print(f"  {tag}| {line}", end="", flush=True)
    if process.wait() != 0:
        out(f"  {tag}| exited with {process.returncode}")
    return result, "".join(lines)


def ledger_ratio(text: str) -> dict:
    """The figures of bench/sweep_ledger.py's summary table (N/10 and N columns)."""
    def pair(label: str):
        match = re.search(re.escape(label) + r".*?([\d.,]+)(?: ms)?\s+([\d.,]+)(?: ms)?\s*$", text, re.M)
        return [float(x.replace(",", "")) for x in match.groups()] if match else None

    found = {key: pair(label) for key, label in (
        ("a_over_c", "A/C  selection ratio, medians"), ("a_over_c_best", "A/C  selection ratio, best / best"),
        ("a", "A ORM batch select"), ("c", "C raw SQL, same joins/columns"), ("queries", "queries in one sweep"),
    )}
    uses = re.search(r"sweep select uses commitment_sweep_idx\s+(\S+)\s+(\S+)", text)
    scans = re.search(r"sweep select scans the whole table\s+(\S+)\s+(\S+)", text)
    found["uses_index"] = uses.groups() if uses else None
    found["scans"] = scans.groups() if scans else None
    return found


def compare(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    out(f"sweep_vs_helpdesk: {args.rows:,} rows, {args.due:,} due; {os.cpu_count()} CPUs, load average {load()} at the start")
    tag = os.getpid()
    names = {"ours": f"sweep_ours_{tag}", "helpdesk": f"sweep_helpdesk_{tag}", "ledger": f"sweep_ledger_{tag}"}
    server = args.server.rstrip("/")
    for name in names.values():
        admin_sql(server, f'CREATE DATABASE "{name}"')
    common = ["--rows", str(args.rows), "--due", str(args.due)]
    try:
        ours, _ = run_child([sys.executable, __file__, "ours", "--database-url", f"{server}/{names['ours']}",
                             "--batch-size", str(args.batch_size), "--repeat", str(args.repeat)] + common
                            + (["--profile"] if args.profile else []), "ours")
        peer, _ = run_child([args.helpdesk_python, __file__, "helpdesk", "--database-url",
                             f"{server}/{names['helpdesk']}"] + common, "helpdesk")
        ledger = None
        if args.ledger_rows:
            _, text = run_child([sys.executable, str(BENCH / "sweep_ledger.py"), "--rows", str(args.ledger_rows),
                                 "--database-url", f"{server}/{names['ledger']}"], "ledger")
            ledger = ledger_ratio(text)
    finally:
        if not args.keep:
            for name in names.values():
                admin_sql(server, f'DROP DATABASE IF EXISTS "{name}"')
    if not ours or not peer:
        sys.exit("a child failed; see its output above")
    table(args, ours, peer, ledger)
    out(f"\ntotal bench time {time.perf_counter() - started:.0f} s; load average {load()} at the end")


def table(args, ours: dict, peer: dict, ledger: dict | None) -> None:
    def per_due(result, key):
        return statistics.median(run[key] for run in result["runs"]) / result["due"]

    ours_ms, peer_ms = per_due(ours, "wall") * 1000, per_due(peer, "wall") * 1000
    ours_q, peer_q = per_due(ours, "queries"), per_due(peer, "queries")
    ours_sql, peer_sql = per_due(ours, "sql_seconds") * 1000, per_due(peer, "sql_seconds") * 1000
    ours_dup = ours["duplicate_steps"] + ours["duplicate_notifications"]
    out("\n=== result " + "=" * 88)
    out(f"PostgreSQL, same server; ours: median of {len(ours['runs'])} sweeps (batch_size {args.batch_size}); "
        f"django-helpdesk {peer['version']} (Django {peer['django']}): one run")
    out(f"{'':52}{'ours':>16}{'helpdesk':>16}{'helpdesk / ours':>17}  goal (ours)")
    rows = [
        ("N (commitments / tickets)", f"{ours['rows']:,}", f"{peer['rows']:,}", "", ""),
        ("due", f"{ours['due']:,}", f"{peer['due']:,}", "", ""),
        ("time per due item, ms", f"{ours_ms:.3f}", f"{peer_ms:.3f}", f"{peer_ms / ours_ms:.0f}x",
         f"<= 1 ms: {'met' if ours_ms <= 1 else 'MISSED'}"),
        ("  of which in SQL (cursor.execute), ms", f"{ours_sql:.3f}", f"{peer_sql:.3f}", "", ""),
        ("queries per due item (statements)", f"{ours_q:.4f}", f"{peer_q:.2f}", f"{peer_q / ours_q:.0f}x",
         f"<= 1: {'met' if ours_q <= 1 else 'MISSED'}"),
        ("statements in one run", f"{ours['runs'][0]['queries']:,}", f"{peer['runs'][0]['queries']:,}", "", ""),
        ("two at once: items stepped/escalated twice", f"{ours['duplicate_steps']:,}", f"{peer['escalated_twice']:,}",
         "", f"0: {'met' if ours_dup == 0 and not ours['errors'] else 'MISSED'}"),
        ("two at once: notifications sent twice", f"{ours['duplicate_notifications']:,}",
         f"{peer['emails_two'] - peer['emails']:,} e-mails", "", ""),
        ("two at once: wall of each process, s", " / ".join(f"{r.get('wall', 0):.1f}" for r in ours["both"]),
         " / ".join(f"{r.get('wall', 0):.1f}" for r in peer["both"]), "", ""),
    ]
    for label, a, b, ratio, goal in rows:
        out(f"{label:52}{a:>16}{b:>16}{ratio:>17}  {goal}")
    if ledger:
        ac = ledger.get("a_over_c") or [float("nan")] * 2
        best = ledger.get("a_over_c_best") or [float("nan")] * 2
        uses = ledger.get("uses_index") or ("?", "?")
        out(f"{'sweep_ledger.py --rows ' + format(args.ledger_rows, ',') + ' (1,000 due)':52}{'N/10':>16}{'N':>16}")
        out(f"{'  A/C ORM batch select / raw SQL, medians':52}{ac[0]:>16.2f}{ac[1]:>16.2f}{'':>17}  "
            f"<= 1.5: {'met' if ac[1] <= 1.5 else 'MISSED'}")
        out(f"{'  A/C best / best':52}{best[0]:>16.2f}{best[1]:>16.2f}")
        out(f"{'  the select uses commitment_sweep_idx':52}{uses[0]:>16}{uses[1]:>16}")


def main() -> None:
    args = parse_args()
    if args.mode == "compare":
        compare(args)
        return
    if not args.database_url:
        sys.exit("--database-url is required")
    result = run_ours(args) if args.mode == "ours" else run_helpdesk(args)
    print(RESULT + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
