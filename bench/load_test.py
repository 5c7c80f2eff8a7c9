"""A bounded load test on loopback: 200 families and 20 staff for 5 minutes against gunicorn, PostgreSQL and Redis.

    .venv/bin/python bench/load_test.py --database-url postgres://postgres@127.0.0.1:55432/portal_load \\
        --redis-url redis://127.0.0.1:56379/3

The database must be an EMPTY throwaway one: the bench migrates it and fills it with an agency (300 households,
150 children placed with their disclosure checklists, conversations, claims, board payments, hearings, 20 staff).
It then starts the production stack the way docker-compose does (PORTAL_ENV=production; gunicorn with 2 × cores + 1
workers; a Celery worker and beat), signs each person in (a session per account, staff with two-factor set up),
runs locust headless for --minutes (it stops by itself) and prints requests/s, median, p95 and p99 latency and
errors for family pages and staff pages. Not a test: it prints figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an EMPTY throwaway PostgreSQL database")
    parser.add_argument("--redis-url", required=True, help="a Redis database the bench may flush")
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--family-wait", default="3,12", help="seconds a family reads a page before the next, low,high (default 3,12)")
    parser.add_argument("--staff-wait", default="2,8", help="seconds a member of staff spends on a page, low,high (default 2,8)")
    return parser.parse_args()


ARGS = parse_args()

from bench.agency import free_port, production_environment  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="portal-load-"))
ENV = {
    **production_environment(database_url=ARGS.database_url, redis_url=ARGS.redis_url, work=WORK),
    "PORTAL_SWEEP_SECONDS": "30",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


PORT = free_port()
ENV["PORTAL_BASE_URL"] = f"https://127.0.0.1:{PORT}"
os.environ.update(ENV)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def build_agency() -> list[dict]:
    """The agency (bench/agency.py); returns one session per person who will take part."""
    import django

    django.setup()
    from bench.agency import build, session_for
    from portal.accounts.models import Role

    agency = build(active=ARGS.families)
    caseload: dict[int, int] = {}  # caseworker id → one of their placements
    for _n, placement in sorted(agency.placements.items()):
        caseload.setdefault(placement.child.caseworker_id, placement.pk)
    sessions = []
    for n, parent in enumerate(agency.parents[: ARGS.families]):
        placement, claim = agency.placements.get(n), agency.claims.get(n)
        sessions.append({"kind": "family", "session": session_for(parent), "thread": agency.threads[n].pk,
                         "placement": placement.pk if placement else None, "claim": claim.pk if claim else None})
    team_placement = {}  # a supervisor opens a child of their own team
    for worker in agency.caseworkers:
        if worker.pk in caseload:
            team_placement.setdefault(worker.team_id, caseload[worker.pk])
    for person in [*agency.supervisors, *agency.caseworkers, *agency.resource_workers, *agency.fiscal][: ARGS.staff]:
        placement = caseload.get(person.pk) or (team_placement.get(person.team_id) if person.role == Role.SUPERVISOR else None)
        sessions.append({"kind": "staff", "role": person.role, "session": session_for(person), "placement": placement})
    return sessions


def start(args: list[str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def warm_up(sessions: list[dict]) -> None:
    """As a deployment that has been running a while: each gunicorn worker has compiled its templates and opened its
    database connection, and beat's first round of tasks (all of them, at start) is over. Not measured."""
    pages = ["/family/", "/messages/", "/children/", "/calendar/", "/money/"]
    staff_pages = ["/my-day/", "/messages/inbox/", "/calendar/staff/", "/money/fiscal/", "/my-team/", "/inquiries/", "/children/staff/"]
    family = next(person for person in sessions if person["kind"] == "family")
    for _ in range(3 * ARGS.workers):
        for person, urls in ((family, pages), *((person, staff_pages) for person in sessions if person["kind"] == "staff")):
            for url in urls:
                request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers={
                    "X-Forwarded-Proto": "https", "Cookie": f"sessionid={person['session']}"})
                try:
                    urllib.request.urlopen(request, timeout=30).read()
                except urllib.error.HTTPError:
                    pass  # a page this person may not open: warm all the same
    time.sleep(20)


def main() -> None:
    print(f"work directory {WORK}; gunicorn on 127.0.0.1:{PORT} with {ARGS.workers} workers")
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    import redis

    redis.Redis.from_url(ARGS.redis_url).flushdb()
    built = time.monotonic()
    sessions = build_agency()
    print(f"agency built in {time.monotonic() - built:.0f} s: {len(sessions)} people signed in")
    sessions_file, summary_file = WORK / "sessions.json", WORK / "summary.json"
    sessions_file.write_text(json.dumps(sessions))
    processes = [
        start([sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(ARGS.workers)],
              WORK / "gunicorn.log"),
        start([sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=1", "--loglevel=WARNING"], WORK / "worker.log"),
        start([sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=WARNING", "--schedule", str(WORK / "beat")],
              WORK / "beat.log"),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/", headers={"X-Forwarded-Proto": "https"})
                urllib.request.urlopen(request, timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise SystemExit("the portal did not become healthy within 60 s; see " + str(WORK))
                time.sleep(1)
        warm_up(sessions)
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", f"http://127.0.0.1:{PORT}",
             "--users", str(ARGS.families + ARGS.staff), "--spawn-rate", "20", "--run-time", f"{int(ARGS.minutes * 60)}s",
             "--stop-timeout", "10", "--only-summary", "--reset-stats", "--loglevel", "WARNING"],
            cwd=ROOT, env={**ENV, "LOAD_SESSIONS": str(sessions_file), "LOAD_SUMMARY": str(summary_file),
                           "LOAD_FAMILIES": str(ARGS.families), "LOAD_STAFF": str(ARGS.staff),
                           "LOAD_FAMILY_WAIT": ARGS.family_wait, "LOAD_STAFF_WAIT": ARGS.staff_wait},
            capture_output=True, text=True, timeout=ARGS.minutes * 60 + 180,
        )
        print((locust.stdout + locust.stderr)[-8000:])
    finally:
        for process in processes:
            stop(process)
    summary = json.loads(summary_file.read_text())
    print(f"\n{ARGS.families} families (a page every {ARGS.family_wait} s) and {ARGS.staff} staff (every {ARGS.staff_wait} s) for "
          f"{ARGS.minutes:g} minutes, gunicorn {ARGS.workers} workers, PostgreSQL and Redis on loopback, {os.cpu_count()} cores:")
    total = summary.pop("all")
    for group, figures in sorted(summary.items()):
        print(f"  {group:8} {figures['requests']:6} requests, {figures['failures']} errors, median {figures['median_ms']} ms, "
              f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms")
    print(f"  all      {total['requests']:6} requests, {total['failures']} errors, {total['rps']} requests/s")
    (WORK / "result.json").write_text(json.dumps({"groups": summary, "all": total}, indent=2))
    print(f"written to {WORK / 'result.json'}")


if __name__ == "__main__":
    main()
