"""Latency from a follow-up step coming due to its e-mail being handed to SMTP, with a real Celery worker and beat.

    flock /tmp/bench.lock .venv/bin/python bench/reminder_latency.py            # ~5 minutes; starts and stops its own services
    .venv/bin/python bench/reminder_latency.py --commitments 40 --window 200    # the defaults

The bench starts its own PostgreSQL and Redis (scripts/ci_services.sh with PORTAL_CI_PG_DIR=/tmp/pg-lat and
PORTAL_CI_REDIS_DIR=/tmp/redis-lat; stopped at the end), an SMTP sink on loopback in this process that records when
each message's DATA ends, and the production stack's worker (prefork, --concurrency=2, as docker-compose.yml) and beat,
with PORTAL_ENV=production and the production sweep interval (settings' default PORTAL_SWEEP_SECONDS, not overridden).
It opens --commitments promises with the real service (open_commitment), then gives each a next step at a known
moment spread over --window seconds ahead: even ones their reminder (one e-mail to the owner), odd ones their deadline
(the reminder already sent; e-mails to the owner and the supervisor). The real beat → sweep → outbox → delivery task
→ SMTP path does the rest. Prints, per e-mail, arrival − the moment its step came due: min / median / p95 / max,
split into the wait for the next sweep and sweep + delivery; the e-mails per commitment and any that arrived twice.
Not a test: it prints figures. See bench/README.md.

The helpers above main() (services, production environment, processes) are shared with bench/worker_memory.py.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import math
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- Shared with bench/worker_memory.py ---------------------------------------------------------


def out(text: str = "") -> None:
    print(text, flush=True)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f", {kib / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{platform.node()}: {os.cpu_count()} CPUs ({model}){memory}, Python {platform.python_version()}, {platform.platform()}"


class Services:
    """This bench's own PostgreSQL and Redis (scripts/ci_services.sh in directories of its own); stopped on exit."""

    def __init__(self, pg_dir: str, redis_dir: str):
        self.env = {**os.environ, "PORTAL_CI_PG_DIR": pg_dir, "PORTAL_CI_REDIS_DIR": redis_dir}
        self.database_url = self.redis_url = ""

    def start(self) -> Services:
        done = subprocess.run(["bash", str(ROOT / "scripts" / "ci_services.sh"), "start"], env=self.env, check=True,
                              stdout=subprocess.PIPE, text=True)
        exports = dict(line.removeprefix("export ").split("=", 1) for line in done.stdout.splitlines() if line.startswith("export "))
        self.database_url, self.redis_url = exports["DATABASE_URL"], exports["REDIS_URL"]
        return self

    def stop(self) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ci_services.sh"), "stop"], env=self.env, check=False)


def production_env(*, database_url: str, redis_url: str, work: Path, **extra: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the worker and beat (PORTAL_ENV=production), on this bench's services."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_", "DJANGO_", "CELERY_", "EMAIL_"))}
    env.update({
        "PORTAL_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": "https://portal.bench.invalid",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "PORTAL_MEDIA_ROOT": str(work / "media"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env


def start_process(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as sink:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)


def stop_process(process: subprocess.Popen) -> None:
    """Warm shutdown first, then nothing of the process group may survive."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def wait_for(condition, *, timeout: float, every: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- The SMTP sink ------------------------------------------------------------------------------


class SmtpSink:
    """A minimal SMTP server on 127.0.0.1 (a thread with its own asyncio loop) that keeps every message and the time
    (time.time()) its DATA ended: the moment the portal handed the e-mail to SMTP."""

    def __init__(self):
        self.messages: list[tuple[float, email.message.EmailMessage]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> SmtpSink:
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await reply("220 sink.bench.invalid ESMTP bench sink")
        try:
            while line := await reader.readline():
                verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                if verb == "EHLO":
                    await reply("250-sink.bench.invalid\r\n250-8BITMIME\r\n250 SIZE 52428800")
                elif verb == "HELO":
                    await reply("250 sink.bench.invalid")
                elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    arrived = time.time()
                    self.messages.append((arrived, email.message_from_bytes(b"".join(lines), policy=email.policy.default)))
                    await reply("250 OK: queued")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    break
                else:
                    await reply("502 Command not implemented")
        finally:
            writer.close()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


# --- The bench ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commitments", type=int, default=40, help="promises whose next step comes due (default 40)")
    parser.add_argument("--lead", type=float, default=20.0, help="seconds from setup to the first step coming due (default 20)")
    parser.add_argument("--window", type=float, default=200.0, help="the steps come due spread over this many seconds (default 200)")
    parser.add_argument("--grace", type=float, default=90.0, help="seconds to wait for e-mail after the last step came due (default 90)")
    parser.add_argument("--sweep-seconds", type=int, default=None,
                        help="PORTAL_SWEEP_SECONDS for beat (default: not set, so the production default of settings)")
    parser.add_argument("--pg-dir", default="/tmp/pg-lat")
    parser.add_argument("--redis-dir", default="/tmp/redis-lat")
    return parser.parse_args()


def build(count: int):
    """An office, a team with its supervisor, four caseworkers and ``count`` households, each owed a return call
    opened through the real service. Returns the commitments."""
    from portal.accounts.models import County, Household, Office, Role, Team, User
    from portal.followups.services import open_commitment

    password = "!"  # no password: nobody signs in
    county = County.objects.create(name="Latency County")
    manager = User.objects.create(email="pm@latency.test", password=password, role=Role.SUPERVISOR, last_name="Manager")
    office = Office.objects.create(name="Latency office", county=county, program_manager=manager)
    supervisor = User.objects.create(email="supervisor@latency.test", password=password, role=Role.SUPERVISOR, last_name="Boss")
    team = Team.objects.create(name="Latency team", office=office, supervisor=supervisor)
    supervisor.team = team
    supervisor.save(update_fields=["team"])
    workers = [User.objects.create(email=f"worker{n}@latency.test", password=password, role=Role.CASEWORKER,
                                   last_name=f"Worker{n}", team=team) for n in range(4)]
    commitments = []
    for n in range(count):
        household = Household.objects.create(name=f"The Latency{n} family", licence_number=f"LAT-{n:05d}", county=county,
                                             licence_status=Household.LicenceStatus.LICENSED)
        commitments.append(open_commitment(standard="return-call", subject=household, owner=workers[n % 4], household=household))
    return commitments


def schedule(commitments, first_due: float, window: float) -> dict[int, tuple[float, str]]:
    """Give each commitment a next step at a known wall-clock moment: returns {commitment id: (due at, step)}."""
    from datetime import datetime, timedelta
    from datetime import timezone as tz

    from django.db import transaction

    from portal.followups.models import Commitment, CommitmentEvent, Step

    plan = {}
    with transaction.atomic():
        for n, commitment in enumerate(commitments):
            moment = first_due + window * n / max(1, len(commitments) - 1)
            at = datetime.fromtimestamp(moment, tz.utc)
            if n % 2 == 0:  # the reminder comes due: one e-mail, to the owner
                remind, due, step = at, at + timedelta(hours=2), Step.REMIND
            else:  # the deadline passes, the reminder went two hours ago: the owner and the supervisor
                remind, due, step = at - timedelta(hours=2), at, Step.OVERDUE
                CommitmentEvent.objects.create(commitment=commitment, kind=Step.REMIND, at=remind)
            Commitment.objects.filter(pk=commitment.pk).update(
                opened_at=remind - timedelta(hours=1), remind_at=remind, due_at=due, escalate_at=due + timedelta(days=1),
                next_step=step, next_step_at=at,
            )
            plan[commitment.pk] = (at.timestamp(), str(step))
    return plan


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    out(f"machine: {machine()}")
    out(f"load average at the start: {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="reminder-latency-"))
    services = Services(args.pg_dir, args.redis_dir).start()
    sink = SmtpSink().start()
    processes: list[subprocess.Popen] = []
    try:
        env = production_env(database_url=services.database_url, redis_url=services.redis_url, work=work,
                             EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), PORTAL_LOG_LEVEL="INFO",
                             **({"PORTAL_SWEEP_SECONDS": str(args.sweep_seconds)} if args.sweep_seconds else {}))
        out(f"PostgreSQL {services.database_url}, Redis {services.redis_url}, SMTP sink 127.0.0.1:{sink.port}, logs in {work}")
        migrate(env)
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        assert not settings.DEBUG and settings.PRODUCTION
        commitments = build(args.commitments)
        interval = settings.PORTAL_SWEEP_SECONDS
        source = "set by --sweep-seconds" if args.sweep_seconds else "production: settings' default, not set in docker-compose.yml"
        out(f"{len(commitments)} promises opened with open_commitment(); beat's sweep interval PORTAL_SWEEP_SECONDS = {interval} s ({source})")

        worker_log, beat_log = work / "worker.log", work / "beat.log"
        celery = [sys.executable, "-m", "celery", "-A", "portal"]
        processes.append(start_process([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env=env, log=worker_log))
        processes.append(start_process([*celery, "beat", "--loglevel=INFO", "--schedule", str(work / "beat-schedule")],
                                       env=env, log=beat_log))
        if not wait_for(lambda: " ready." in worker_log.read_text(errors="replace"), timeout=90):
            raise SystemExit(f"the worker did not start; see {worker_log}")
        out(f"worker (prefork, concurrency 2) and beat running after {time.monotonic() - started:.0f} s")

        first_due = time.time() + args.lead
        plan = schedule(commitments, first_due, args.window)
        last_due = max(at for at, _step in plan.values())
        expected = sum(1 if step == "remind" else 2 for _at, step in plan.values())
        out(f"steps come due from +{args.lead:.0f} s to +{args.lead + args.window:.0f} s: "
            f"{sum(step == 'remind' for _at, step in plan.values())} reminders, "
            f"{sum(step == 'overdue' for _at, step in plan.values())} deadlines; {expected} e-mails expected")
        wait_for(lambda: time.time() > last_due and len(sink.messages) >= expected, timeout=last_due - time.time() + args.grace, every=1)
        time.sleep(5)  # anything arriving twice, late
    finally:
        for process in reversed(processes):
            stop_process(process)
        sink.stop()

    try:
        report(plan, sink.messages, expected, interval, work)
    finally:
        from django.db import connection

        connection.close()
        services.stop()
    out(f"\nload average at the end: {load_average()}; bench time {time.monotonic() - started:.0f} s")


def report(plan: dict[int, tuple[float, str]], messages, expected: int, interval: int, work: Path) -> None:
    import re
    from collections import Counter

    from portal.notifications.models import Notification

    notes = {n.pk: n for n in Notification.objects.select_related("recipient")}
    seen = Counter()
    rows = []  # (commitment id, step, kind, latency, created - due, arrived - created)
    for arrived, message in messages:
        match = re.match(r"<notification-(\d+)\.", message["Message-ID"] or "")
        note = notes.get(int(match.group(1))) if match else None
        if note is None or note.commitment_id not in plan:
            out(f"  an e-mail not from a planned step: {message['Subject']!r} to {message['To']}")
            continue
        seen[note.pk] += 1
        due, step = plan[note.commitment_id]
        created = note.created_at.timestamp()  # the sweep's "now"
        rows.append((note.commitment_id, step, note.kind, arrived - due, created - due, arrived - created))
    twice = {pk: n for pk, n in seen.items() if n > 1}
    latencies = [r[3] for r in rows]
    out(f"\n{len(messages)} e-mails arrived ({expected} expected); arrived more than once: {len(twice)} {twice or ''}")
    per_commitment = Counter(r[0] for r in rows)
    shape = Counter((plan[pk][1], tuple(sorted(r[2] for r in rows if r[0] == pk))) for pk in plan)
    for (step, kinds), n in sorted(shape.items()):
        out(f"  {n:3} commitments at step {step!r}: e-mails {list(kinds) or 'NONE'}")
    missing = [pk for pk in plan if per_commitment[pk] == 0]
    if missing:
        out(f"  NO e-mail for commitments {missing}")
    if not latencies:
        return
    p95 = percentile(latencies, 0.95)
    out(f"\nlatency, step came due → DATA ended at the SMTP sink, {len(latencies)} e-mails:")
    out(f"  min {min(latencies):.1f} s   median {statistics.median(latencies):.1f} s   p95 {p95:.1f} s   max {max(latencies):.1f} s")
    waits, sends = [r[4] for r in rows], [r[5] for r in rows]
    out(f"  of which waiting for the sweep (sweep's now − due):   min {min(waits):.1f}  median {statistics.median(waits):.1f}  "
        f"max {max(waits):.1f} s")
    out(f"  of which sweep + outbox + delivery (arrival − now): min {min(sends):.2f}  median {statistics.median(sends):.2f}  "
        f"max {max(sends):.2f} s")
    for kind in sorted({r[2] for r in rows}):
        subset = [r[3] for r in rows if r[2] == kind]
        out(f"  {kind:20} {len(subset):3} e-mails: median {statistics.median(subset):.1f} s, max {max(subset):.1f} s")
    out(f"goal max ≤ 60 s: {'MET' if max(latencies) <= 60 else 'NOT MET'} (max {max(latencies):.1f} s) with the beat interval "
        f"of {interval} s: the wait alone can be up to {interval} s")
    sweeps = [line for line in (work / "worker.log").read_text(errors="replace").splitlines()
              if "sweep_commitments_task" in line and "succeeded" in line]
    out(f"sweeps run by the worker: {len(sweeps)}; last: {sweeps[-1].strip() if sweeps else '-'}")


if __name__ == "__main__":
    main()
