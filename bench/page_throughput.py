"""Page throughput: the family home, the worker's "My day" and the fiscal queue against a bare view returning "ok".

    flock /tmp/bench.lock .venv/bin/python bench/page_throughput.py \\
        --database-url postgres://postgres@127.0.0.1:55433/portal_tput --redis-url redis://127.0.0.1:56380/5

The database must be an EMPTY throwaway PostgreSQL one: the bench migrates it and fills it with load_test.py's agency
(300 households, 150 children placed with their disclosure checklists, 100 hearings, a conversation per family, a
mileage claim per placed family, last month's board payments, 20 staff with two-factor set up). The family measured has
two children placed, two conversations (one answered) and a claim. Then one gunicorn (PORTAL_ENV=production, 2 × cores
+ 1 sync workers, settings bench/throughput_settings.py: the portal's settings and middleware, plus /bench/ok/ from
bench/throughput_urls.py) serves every page; wrk, on the same loopback, loads each page in turn for --duration seconds
after --warmup seconds, with the same threads and connections, signed in through session cookies (a few sessions per
person, rotated, so that SESSION_SAVE_EVERY_REQUEST does not make every request wait on one session row). Every page is
checked first (200, the expected heading, no redirect to sign-in or two-factor) and every response is counted by
status: a non-2xx makes the bench fail. The bare view is measured first and last; the ratio is to the mean of the two.
A second gunicorn with none of the portal's middleware (only allauth's, which allauth requires) gives the floor of the bare
view (--no-floor skips it).

It prints requests/s, median and p99 latency, non-2xx and the ratio to the bare view per page, whether the goals are
met (family home ≥ 0.5×, staff queues ≥ 0.3×), the queries and in-process render time of each page (Django's test
client against the same database, before gunicorn starts) and, for a page that misses its goal (or all, --profile
all), a cProfile of --profile-renders renders. Not a test: it prints figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY_GOAL, STAFF_GOAL = 0.5, 0.3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an EMPTY throwaway PostgreSQL database")
    parser.add_argument("--redis-url", required=True, help="a Redis database the bench may flush")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (more than the workers: none is idle)")
    parser.add_argument("--duration", type=int, default=20, help="measured seconds per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured seconds of the same load before each page")
    parser.add_argument("--sessions", type=int, default=16, help="sessions per person, rotated by wrk")
    parser.add_argument("--renders", type=int, default=20, help="in-process renders per page for the median render time")
    parser.add_argument("--profile", choices=["missed", "all", "none"], default="missed", help="cProfile which pages")
    parser.add_argument("--profile-renders", type=int, default=30)
    parser.add_argument("--no-floor", action="store_true", help="skip the bare view without middleware")
    return parser.parse_args()


ARGS = parse_args()

from bench.agency import free_port, production_environment  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="portal-tput-"))
ENV = {
    **production_environment(database_url=ARGS.database_url, redis_url=ARGS.redis_url, work=WORK),
    "DJANGO_SETTINGS_MODULE": "bench.throughput_settings",
    "BENCH_STATIC_ROOT": str(WORK / "static"),
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}
ENV.pop("BENCH_NO_MIDDLEWARE", None)


PORT = free_port()
ENV["PORTAL_BASE_URL"] = f"https://127.0.0.1:{PORT}"
os.environ.update(ENV)

# page label → (path, who, text the page must contain, goal)
PAGES = {
    "bare view": ("/bench/ok/", "family", "ok", None),
    "family home": ("/family/", "family", "Welcome, Mrs. Family0", FAMILY_GOAL),
    "My day (caseworker)": ("/my-day/", "caseworker", "My day", STAFF_GOAL),
    "fiscal queue": ("/money/fiscal/", "fiscal", "Claims queue", STAFF_GOAL),
}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args, "--settings", "bench.throughput_settings"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)


def build_agency() -> dict[str, dict]:
    """load_test.py's agency (bench/agency.py); returns the three people measured with their sessions."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from bench.agency import build, session_for
    from messaging import services as messaging
    from messaging.models import Topic

    agency = build(active=200, siblings_for_first=True)  # the family measured has a brother and sister placed together
    now = timezone.now()
    answered = messaging.start_thread(household=agency.households[0], topic=Topic.OTHER, subject="School forms", body="Who signs the school forms?",
                                      author=agency.parents[0], now=now - timedelta(days=5))
    messaging.post_message(thread=answered, author=agency.resource_workers[0], body="I will bring them on Thursday.", now=now - timedelta(days=4))

    def measured(user) -> dict:
        return {"user": user.email, "sessions": [session_for(user) for _ in range(ARGS.sessions)]}

    return {"family": measured(agency.parents[0]), "caseworker": measured(agency.caseworkers[0]), "fiscal": measured(agency.fiscal[0])}


CSRF_TOKEN = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))  # what a browser's cookie holds


def cookie(session: str) -> str:
    return f"sessionid={session}; csrftoken={CSRF_TOKEN}"


def in_process(people: dict[str, dict]) -> dict[str, dict]:
    """Queries and median render time of each page through Django's test client against the same database (no gunicorn)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    figures = {}
    for label, (path, who, _, _) in PAGES.items():
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.cookies["sessionid"] = people[who]["sessions"][0]
        client.cookies["csrftoken"] = CSRF_TOKEN
        client.get(path)  # templates compiled, caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries = list(captured.captured_queries)  # now: the next request resets the connection's log
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code} in process")
        times = []
        for _ in range(ARGS.renders):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        figures[label] = {"queries": len(queries), "sql_ms": sql_ms, "render_ms": statistics.median(times) * 1000,
                          "bytes": len(response.content), "client": client}
    return figures


def profile(label: str, client, path: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(ARGS.profile_renders):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(r"/work/main/(?!\.venv)", 30)
    return f"\n--- cProfile of {ARGS.profile_renders} renders of {label} ({path}) ---\n" + out.getvalue()


def start_gunicorn(log: Path, *, no_middleware: bool = False) -> subprocess.Popen:
    env = {**ENV, "BENCH_NO_MIDDLEWARE": "1"} if no_middleware else ENV
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
             "--workers", str(ARGS.workers), "--access-logfile", "-", "--control-socket", str(log.with_suffix(".ctl"))],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    probe = urllib.request.Request(f"http://127.0.0.1:{PORT}/bench/ok/", headers={"X-Forwarded-Proto": "https"})
    while True:
        try:
            urllib.request.build_opener(NoRedirect).open(probe, timeout=5).read()
            return process
        except urllib.error.HTTPError:
            return process  # it answers: up (check() then says whether with the right page)
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise SystemExit(f"gunicorn did not start; see {log}") from None
            time.sleep(0.5)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(label: str, path: str, sessions: list[str], marker: str) -> None:
    """Every session gets a 200 with the page's heading: not a redirect to sign-in or two-factor that would look fast."""
    opener = urllib.request.build_opener(NoRedirect)
    for session in sessions:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"X-Forwarded-Proto": "https", "Cookie": cookie(session)})
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{label}: {path} answered {error.code} {error.headers.get('Location', '')}") from None
        body = response.read().decode()
        if response.status != 200 or marker not in body:
            raise SystemExit(f"{label}: {path} answered {response.status} without {marker!r}")


WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  requests_ = {}
  for i, c in ipairs(args) do
    requests_[i] = wrk.format(nil, nil, {["Cookie"] = c, ["X-Forwarded-Proto"] = "https"})
  end
  n, ok, redirects, other = 0, 0, 0, 0
end
function request()
  n = n + 1
  return requests_[(n % #requests_) + 1]
end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status >= 300 and status < 400 then redirects = redirects + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local o, r, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); r = r + t:get("redirects"); x = x + t:get("other")
  end
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "ok": %d, "redirects": %d, "other": %d, '
    .. '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, o, r, x, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def wrk(path: str, sessions: list[str], seconds: int) -> dict:
    result = subprocess.run(
        ["wrk", f"-t{ARGS.threads}", f"-c{ARGS.connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WORK / "count.lua"),
         f"http://127.0.0.1:{PORT}{path}", "--", *[cookie(session) for session in sessions]],
        capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line[len("BENCH "):])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["non_2xx"] = figures["redirects"] + figures["other"]
    return figures


def measure(label: str, path: str, sessions: list[str]) -> dict:
    wrk(path, sessions, ARGS.warmup)
    figures = wrk(path, sessions, ARGS.duration)
    print(f"  {label:28} {figures['rps']:7.1f} req/s  median {figures['p50_us'] / 1000:6.1f} ms  p99 {figures['p99_us'] / 1000:6.1f} ms  "
          f"non-2xx {figures['non_2xx']}  socket errors {figures['socket_errors']}", flush=True)
    return figures


def main() -> None:
    print(f"load average at start: {load_average()}; {os.cpu_count()} CPUs; work directory {WORK}")
    print(f"gunicorn on 127.0.0.1:{PORT}, {ARGS.workers} sync workers; wrk -t{ARGS.threads} -c{ARGS.connections}, {ARGS.warmup} s warm-up + "
          f"{ARGS.duration} s per page", flush=True)
    (WORK / "count.lua").write_text(WRK_SCRIPT)
    subprocess.run(["wrk", "--version"], capture_output=True)  # fails early if wrk is missing
    began = time.monotonic()
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    import redis

    redis.Redis.from_url(ARGS.redis_url).flushdb()
    people = build_agency()
    print(f"database migrated and agency built in {time.monotonic() - began:.0f} s", flush=True)

    from django.db import connection

    from portal.accounts.models import User
    from portal.followups.models import Commitment
    from reimbursements.models import Claim

    caseworker = User.objects.get(email=people["caseworker"]["user"])
    print(f"My day of {caseworker.email}: {Commitment.objects.filter(owner=caseworker, status=Commitment.Status.OPEN).count()} open promises; "
          f"fiscal queue: {Claim.objects.count()} claims (50 a page)")
    local = in_process(people)
    connection.close()

    results: dict[str, dict] = {}
    server = start_gunicorn(WORK / "gunicorn.log")
    try:
        for label, (path, who, marker, _) in PAGES.items():
            check(label, path, people[who]["sessions"], marker)
        print("every page answers 200 with its heading for every session; measuring:", flush=True)
        results["bare view (first)"] = measure("bare view (first)", "/bench/ok/", people["family"]["sessions"])
        for label, (path, who, _, _) in list(PAGES.items())[1:]:
            results[label] = measure(label, path, people[who]["sessions"])
        results["bare view (last)"] = measure("bare view (last)", "/bench/ok/", people["family"]["sessions"])
    finally:
        stop(server)
    if not ARGS.no_floor:
        server = start_gunicorn(WORK / "gunicorn-floor.log", no_middleware=True)
        try:
            check("bare view, no portal middleware", "/bench/ok/", people["family"]["sessions"][:1], "ok")
            results["floor"] = measure("bare view, no portal middleware", "/bench/ok/", people["family"]["sessions"])
        finally:
            stop(server)

    bare = (results["bare view (first)"]["rps"] + results["bare view (last)"]["rps"]) / 2
    failed = [label for label, figures in results.items()
              if figures["non_2xx"] or figures["socket_errors"] or figures["timeouts"] or not figures["requests"]]
    print(f"\nOne gunicorn ({ARGS.workers} sync workers, PORTAL_ENV=production, the portal's middleware), PostgreSQL 15 and Redis on loopback, "
          f"wrk -t{ARGS.threads} -c{ARGS.connections} {ARGS.duration} s per page, {os.cpu_count()} CPUs shared by all:")
    print("| page | requests/s | median | p99 | non-2xx | ratio to bare | goal | queries | SQL | render in process |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    rows = [("bare view (first)", "bare view"), ("bare view (last)", "bare view")] + [(label, label) for label in list(PAGES)[1:]]
    missed = []
    for key, label in rows:
        figures, page, goal = results[key], local[label], PAGES[label][3]
        ratio = figures["rps"] / bare
        verdict = ""
        if goal is not None:
            met = ratio >= goal
            verdict = f"≥ {goal}×: {'met' if met else 'MISSED'}"
            if not met:
                missed.append(label)
        print(f"| {key} | {figures['rps']:.1f} | {figures['p50_us'] / 1000:.1f} ms | {figures['p99_us'] / 1000:.1f} ms | {figures['non_2xx']} | "
              f"{ratio:.2f} | {verdict} | {page['queries']} | {page['sql_ms']:.1f} ms | {page['render_ms']:.1f} ms |")
    if "floor" in results:
        floor = results["floor"]
        print(f"| bare view, no portal middleware (floor) | {floor['rps']:.1f} | {floor['p50_us'] / 1000:.1f} ms | {floor['p99_us'] / 1000:.1f} ms | "
              f"{floor['non_2xx']} | {floor['rps'] / bare:.2f} | | 0 | | |")
    print(f"(ratio to the mean of the two bare-view runs, {bare:.1f} req/s; the bare view goes through all the portal's middleware, "
          f"signed in as the family measured)")
    to_profile = {"missed": missed, "all": list(PAGES)[1:], "none": []}[ARGS.profile]
    for label in to_profile:
        print(profile(label, local[label]["client"], PAGES[label][0]))
    (WORK / "result.json").write_text(json.dumps({"wrk": results, "in_process": {k: {f: v for f, v in d.items() if f != "client"}
                                                                                  for k, d in local.items()}}, indent=2))
    print(f"written to {WORK / 'result.json'}; load average at end: {load_average()}")
    if failed:
        raise SystemExit(f"non-2xx responses or socket errors under load: {', '.join(failed)} (see {WORK})")


if __name__ == "__main__":
    main()
