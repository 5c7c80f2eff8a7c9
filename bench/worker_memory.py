"""Memory of a real Celery worker's pool process that sweeps the follow-up ledger at 100 000 and at 1 000 000 commitments.

    flock /tmp/bench.lock .venv/bin/python bench/worker_memory.py --deliver        # starts and stops its own services
    .venv/bin/python bench/worker_memory.py --small 100000 --rows 1000000 --due-share 0.1 --repeat 2   # the defaults

The bench starts its own PostgreSQL and Redis (scripts/ci_services.sh with PORTAL_CI_PG_DIR=/tmp/pg-mem and
PORTAL_CI_REDIS_DIR=/tmp/redis-mem; stopped at the end), so the database is an empty throwaway one. It fills the ledger
with bench/sweep_ledger.py's World/DueSet (imported, not copied: COPY on PostgreSQL, one "opened" event per commitment,
a due set of 40 % reminders, 40 % overdue, 20 % escalated with their earlier events).

The worker is the real one, with the production environment (PORTAL_ENV=production, so DEBUG is off): `celery -A portal
worker --pool prefork --concurrency 1`, through a small app module that only adds Celery signal handlers which write the
pool process's /proc/self/status VmRSS and VmHWM before and after each task (and the length of Django's query log).
The sweep task (portal.followups.tasks.sweep_commitments_task) is sent through Redis to a queue of its own that the
worker consumes; the delivery tasks the sweep queues after each batch go to the default queue, which this worker does
not consume: they are counted and dropped, so that what is measured is the sweep (mail is the dummy backend anyway).
With --deliver, one more sweep at the first size keeps its delivery tasks, which are then moved onto the worker's queue
and run by the same pool process (the dummy backend: rendered, not sent), and its memory after them is printed too.
VmHWM is reset (/proc/<pid>/clear_refs) before each sweep, so each sweep's peak is its own.

Order: the worker starts; an empty sweep warms it (code, connections); --small commitments with --due-share due are
swept --repeat times (the due rows are made due again in between); the ledger grows to --rows with a new due set of
the same share, swept --repeat times. Not a test: it prints figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from reminder_latency import ROOT, Services, load_average, machine, out, production_env, start_process, stop_process, wait_for

QUEUE = "bench-sweep"
SWEEP_TASK = "portal.followups.tasks.sweep_commitments_task"
DELIVER_TASK = "portal.notifications.tasks.deliver_notifications_task"

# The worker's app: portal.celery's, plus signal handlers that write the pool process's memory to a file.
INSTRUMENTED_APP = '''
import gc
import json
import os
import time

from celery.signals import task_postrun, task_prerun, worker_process_init

from portal.celery import app  # noqa: F401  (celery -A finds it here)

LOG = os.environ["BENCH_MEMORY_LOG"]


def _write(event, task=None):
    status = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, _colon, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0])
    record = {"event": event, "task": getattr(task, "name", ""), "pid": os.getpid(), "t": time.time(), **status}
    if event == "postrun":
        from django.db import connection

        record["queries_log"] = len(connection.queries_log)
        record["gc_objects"] = len(gc.get_objects())
    with open(LOG, "a") as log:
        log.write(json.dumps(record) + "\\n")


@worker_process_init.connect
def _init(**_kwargs):
    _write("process_init")


@task_prerun.connect
def _before(task=None, **_kwargs):
    _write("prerun", task)


@task_postrun.connect
def _after(task=None, **_kwargs):
    _write("postrun", task)
'''


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=100_000, help="commitments at the first size (default 100000)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="commitments at the second size (default 1000000)")
    parser.add_argument("--due-share", type=float, default=0.1, help="share of the ledger due at each sweep (default 0.1)")
    parser.add_argument("--repeat", type=int, default=2, help="sweeps at each size, the due rows made due again between (default 2)")
    parser.add_argument("--deliver", action="store_true",
                        help="at the first size, one more sweep whose delivery tasks the same pool process then runs (dummy backend)")
    parser.add_argument("--no-history", action="store_true", help="no 'opened' event per commitment (faster fill)")
    parser.add_argument("--pg-dir", default="/tmp/pg-mem")
    parser.add_argument("--redis-dir", default="/tmp/redis-mem")
    parser.add_argument("--seed", type=int, default=20270301)
    return parser.parse_args()


def load_filler(database_url: str, seed: int):
    """bench/sweep_ledger.py's fill code, imported: it reads its options from sys.argv when imported (and sets Django
    up in development mode, DEBUG off, on this database)."""
    saved = sys.argv
    sys.argv = [saved[0], "--database-url", database_url, "--seed", str(seed)]
    try:
        import sweep_ledger
    finally:
        sys.argv = saved
    return sweep_ledger


class Worker:
    def __init__(self, env: dict[str, str], work: Path):
        self.log, self.memory_log = work / "worker.log", work / "memory.jsonl"
        app_dir = work / "app"
        app_dir.mkdir()
        (app_dir / "bench_memory_app.py").write_text(INSTRUMENTED_APP)
        self.env = {**env, "BENCH_MEMORY_LOG": str(self.memory_log), "PYTHONPATH": os.pathsep.join([str(app_dir), str(ROOT)])}
        self.process = None
        self.child = 0

    def start(self) -> None:
        self.process = start_process(
            [sys.executable, "-m", "celery", "-A", "bench_memory_app", "worker", "--pool", "prefork", "--concurrency", "1",
             "-Q", QUEUE, "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "memory@%h"],
            env=self.env, log=self.log)
        if not wait_for(lambda: self.records("process_init") and " ready." in self.log.read_text(errors="replace"), timeout=120):
            raise SystemExit(f"the worker did not start; see {self.log}")
        self.child = self.records("process_init")[-1]["pid"]

    def records(self, event: str) -> list[dict]:
        if not self.memory_log.exists():
            return []
        return [r for r in map(json.loads, self.memory_log.read_text().splitlines()) if r["event"] == event]

    def status(self, pid: int | None = None) -> dict[str, int]:
        values = {}
        for line in Path(f"/proc/{pid or self.child}/status").read_text().splitlines():
            key, _colon, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0])
        return values

    def reset_peak(self) -> None:
        Path(f"/proc/{self.child}/clear_refs").write_text("5")  # VmHWM := VmRSS

    def sweep(self, broker, broker_url: str) -> dict:
        """Send the sweep task through Redis, wait for the pool process to finish it; its memory before and after."""
        done = len([r for r in self.records("postrun") if r["task"] == SWEEP_TASK])
        self.reset_peak()
        sent = time.time()
        with broker.connection_for_write(broker_url) as connection:  # CELERY_BROKER_URL (memory://) would win over broker=
            broker.send_task(SWEEP_TASK, queue=QUEUE, connection=connection)
        if not wait_for(lambda: len([r for r in self.records("postrun") if r["task"] == SWEEP_TASK]) > done, timeout=1800, every=0.5):
            raise SystemExit(f"the sweep did not finish within 30 minutes; see {self.log}")
        before = [r for r in self.records("prerun") if r["task"] == SWEEP_TASK][-1]
        after = [r for r in self.records("postrun") if r["task"] == SWEEP_TASK][-1]
        assert before["pid"] == after["pid"] == self.child, (before, after, self.child)
        return {"before": before, "after": after, "seconds": after["t"] - before["t"], "queued": after["t"] - sent}


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    out(f"machine: {machine()}")
    out(f"load average at the start: {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="worker-memory-"))
    services = Services(args.pg_dir, args.redis_dir).start()
    worker = None
    try:
        env = production_env(database_url=services.database_url, redis_url=services.redis_url, work=work,
                             EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PORTAL_LOG_LEVEL="INFO")
        out(f"PostgreSQL {services.database_url}, Redis {services.redis_url}; logs in {work}")
        filler = load_filler(services.database_url, args.seed)
        worker = Worker(env, work)
        run(args, filler, worker, services)
    finally:
        if worker and worker.process:
            stop_process(worker.process)
        try:
            from django.db import connection

            connection.close()
        finally:
            services.stop()
    out(f"\nload average at the end: {load_average()}; bench time {time.monotonic() - started:.0f} s")


def run(args, filler, worker: Worker, services: Services) -> None:
    import redis
    from celery import Celery
    from django.core.management import call_command

    from portal.followups.models import Commitment

    call_command("migrate", verbosity=0)
    if Commitment.objects.exists():
        raise SystemExit("The ledger is not empty: this bench wants a throwaway database.")
    broker = Celery("bench", set_as_current=False)  # a client of the worker's broker: the bench process's own is memory://
    queues = redis.Redis.from_url(services.redis_url)
    rng = random.Random(args.seed)
    world = filler.World(args.rows)
    results: list[tuple[str, int, int, dict]] = []
    delivered: list[tuple] = []

    def sweep(label: str, rows: int, due, keep_deliveries: bool = False) -> None:
        result = worker.sweep(broker, services.redis_url)
        deliveries = queues.llen("celery")  # the delivery tasks the sweep queued: not consumed by this worker
        if not keep_deliveries:
            queues.delete("celery")
        notifications = filler.count(filler.NT)
        steps = filler.count(filler.EV, "WHERE kind IN ('remind', 'overdue', 'escalate') AND id > %s", [due.event_baseline]) if due else 0
        left = filler.count(filler.CT, "WHERE status = 'open' AND next_step_at <= %s", [filler.adapt(filler.NOW)])
        result.update(deliveries=deliveries, notifications=notifications, steps=steps, left=left)
        results.append((label, rows, len(due.ids) if due else 0, result))
        a, b = result["before"], result["after"]
        out(f"{label:26} {rows:>9,} rows {len(due.ids) if due else 0:>7,} due: {result['seconds']:6.1f} s; pool process "
            f"RSS {mib(a['VmRSS'])} → {mib(b['VmRSS'])}, peak (VmHWM) {mib(b['VmHWM'])}; {steps:,} steps, "
            f"{notifications:,} notifications, {deliveries} delivery tasks queued, {left} due rows left; "
            f"query log {b['queries_log']}, gc objects {b['gc_objects']:,}")
        if due and not keep_deliveries:
            due.reset()

    def deliver(label: str) -> None:
        """Let the same pool process run the delivery tasks the last sweep queued (moved onto its queue), dummy backend."""
        from portal.notifications.models import Notification

        done = len([r for r in worker.records("postrun") if r["task"] == DELIVER_TASK])
        worker.reset_peak()
        moved, started = 0, time.time()
        while queues.rpoplpush("celery", QUEUE):
            moved += 1
        wait_for(lambda: len([r for r in worker.records("postrun") if r["task"] == DELIVER_TASK]) >= done + moved, timeout=1800, every=0.5)
        last = [r for r in worker.records("postrun") if r["task"] == DELIVER_TASK][-1]
        emailed = Notification.objects.filter(emailed_at__isnull=False).count()
        delivered.append((label, moved, emailed, time.time() - started, last))
        out(f"{label}: {moved} delivery tasks, {emailed:,} e-mails handed to the dummy backend in {time.time() - started:.0f} s; "
            f"pool process RSS after {mib(last['VmRSS'])}, peak (VmHWM) {mib(last['VmHWM'])}; query log {last['queries_log']}")

    worker.start()
    idle = worker.status()
    out(f"worker started: pool process {worker.child}, RSS {mib(idle['VmRSS'])} (main process {worker.process.pid}, "
        f"RSS {mib(worker.status(worker.process.pid)['VmRSS'])})")

    t0 = time.perf_counter()
    world.fill(1, args.small, history=not args.no_history)
    history_baseline = filler.max_id(filler.EV)
    out(f"filled {args.small:,} commitments in {time.perf_counter() - t0:.0f} s; ANALYZE {filler.analyze():.0f} s")
    sweep("warm-up, nothing due", args.small, None)

    due = filler.DueSet(world, rng.sample(range(1, args.small + 1), int(args.small * args.due_share)))
    filler.analyze()
    for n in range(args.repeat):
        sweep(f"sweep {n + 1} at N = {args.small:,}", args.small, due)
    if args.deliver:
        sweep(f"sweep {args.repeat + 1} at N = {args.small:,}", args.small, due, keep_deliveries=True)
        deliver(f"its deliveries at N = {args.small:,}")
        due.reset()

    due.retire(history_baseline)
    t0 = time.perf_counter()
    world.fill(args.small + 1, args.rows, history=not args.no_history)
    due = filler.DueSet(world, rng.sample(range(1, args.rows + 1), int(args.rows * args.due_share)))
    out(f"filled {args.rows - args.small:,} more commitments and drew {len(due.ids):,} due in {time.perf_counter() - t0:.0f} s; "
        f"ANALYZE {filler.analyze():.0f} s")
    for n in range(args.repeat):
        sweep(f"sweep {n + 1} at N = {args.rows:,}", args.rows, due)

    out("\n=== result: the pool process that ran the sweep task (prefork, concurrency 1), production settings (DEBUG off)")
    out(f"{'':28}{'rows':>10}{'due':>9}{'seconds':>9}{'RSS before':>13}{'RSS after':>12}{'peak VmHWM':>13}{'query log':>11}")
    out(f"{'worker idle after start':28}{'':>10}{'':>9}{'':>9}{'':>13}{mib(idle['VmRSS']):>12}{'':>13}")
    for label, rows, due_rows, r in results:
        out(f"{label:28}{rows:>10,}{due_rows:>9,}{r['seconds']:>9.1f}{mib(r['before']['VmRSS']):>13}"
            f"{mib(r['after']['VmRSS']):>12}{mib(r['after']['VmHWM']):>13}{r['after']['queries_log']:>11}")
    for label, moved, emailed, seconds, last in delivered:
        out(f"{label:28}{moved:>10} tasks{emailed:>9,} e-mails {seconds:>5.0f} s{'':>13}{mib(last['VmRSS']):>12}{mib(last['VmHWM']):>13}"
            f"{last['queries_log']:>11}")
    small = [r for label, rows, d, r in results if rows == args.small and d]
    big = [r for label, rows, d, r in results if rows == args.rows and d]
    if small and big:
        growth = big[-1]["after"]["VmRSS"] - small[-1]["after"]["VmRSS"]
        peak_growth = max(r["after"]["VmHWM"] for r in big) - max(r["after"]["VmHWM"] for r in small)
        out(f"growth from N = {args.small:,} to N = {args.rows:,} ({len(due.ids):,} due vs "
            f"{int(args.small * args.due_share):,}): RSS after the last sweep {growth / 1024:+.1f} MiB, peak {peak_growth / 1024:+.1f} MiB")


if __name__ == "__main__":
    main()
