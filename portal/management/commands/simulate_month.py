"""Play a month of an agency's work through the real services, calendar, ledger and beat schedule, and check it.

    DATABASE_URL=sqlite:////tmp/simulation.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/simulation.sqlite3 .venv/bin/python manage.py simulate_month

The database must be empty (a throwaway one): the command builds an agency in it. The clock is moved with
time-machine; Celery tasks run eagerly in this process, each beat entry when its own schedule says it is due
(``tests/integration/test_simulation_worker.py`` runs a shorter period through a real worker and beat).
E-mail goes to Django's in-memory backend so that every message can be counted. Writes ``simulation.json``
and ``simulation.html`` (charts) to ``--out`` and exits with an error if any check that must be zero is not.
"""

from __future__ import annotations

import json
import logging
import random
import time as wall
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from portal import business_days
from portal.accounts.models import Household
from portal.celery import app

from ._simulation_check import check
from ._simulation_play import Log, Simulation
from ._simulation_report import write_html
from ._simulation_world import Builder


def a_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--start takes a date as 2026-11-02, not {text!r}.") from None


class Command(BaseCommand):
    help = "Simulate a month of an agency's work through the real scheduler and check that no promise is forgotten."

    def add_arguments(self, parser):
        parser.add_argument("--start", type=a_date, default=date(2026, 11, 2),
                            help="the first day (default 2026-11-02: Veterans Day and Thanksgiving fall in the month)")
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--households", type=int, default=300)
        parser.add_argument("--placements", type=int, default=130, help="children placed before the month begins (about one a business day follow)")
        parser.add_argument("--offices", type=int, default=3, help="regional offices, each serving two counties with 12 staff")
        parser.add_argument("--tick-minutes", type=int, default=15, help="how far the clock moves between two looks of the beat")
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies how much arrives each day")
        parser.add_argument("--out", default=str(settings.BASE_DIR / "var" / "simulation"))

    def handle(self, *args, **options):
        if not 1 <= options["days"] <= 92:
            raise CommandError("--days is between 1 and 92.")
        if options["placements"] > options["households"]:
            raise CommandError("--placements cannot be more than --households: one child per family at the start.")
        if Household.objects.exists():
            raise CommandError(
                "The database already has families. Give the simulation an empty one, e.g. DATABASE_URL=sqlite:////tmp/simulation.sqlite3 (migrate it first)."
            )
        report = simulate(**{k: options[k] for k in ("start", "days", "seed", "households", "placements", "offices", "tick_minutes", "scale")},
                          progress=self.stdout.write).report
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "simulation.json").write_text(json.dumps(report, indent=2, default=str))
        write_html(report, out / "simulation.html")
        self.stdout.write(summary(report))
        self.stdout.write(f"Written: {out / 'simulation.json'} and {out / 'simulation.html'}")
        failed = {name: count for name, count in report["zeros"].items() if count}
        if failed:
            raise CommandError("Checks that must be zero are not: " + ", ".join(f"{name} {count}" for name, count in failed.items()))


def simulate(*, start: date, days: int, seed: int, households: int, placements: int, offices: int, tick_minutes: int, scale: float = 1.0,
             progress=lambda text: None) -> Simulated:
    """Build the agency the evening before ``start``, play ``days`` days, and return the checked figures."""
    from django.core import mail

    rng = random.Random(seed)
    first = business_days.start_of_day(start)
    began = wall.perf_counter()
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py registers its tasks
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line per eager task would drown the summary
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            time_machine.travel(first - timedelta(hours=6), tick=False) as traveller,
        ):
            mail.outbox = []
            world = Builder(rng, households=households, placements=placements, offices=offices).build(start=start, now=first - timedelta(hours=6))
            progress(f"Built the agency: {len(world.staff.everyone)} staff, {len(world.households)} families, {len(world.placements)} children placed.")
            simulation = Simulation(world, rng, traveller, start=first, days=days, tick=timedelta(minutes=tick_minutes), scale=scale)
            log = simulation.run()
            played = wall.perf_counter() - began
            progress(f"Played {days} days in {played:.0f} s: {sum(log.actions.values())} actions, {len(log.sweeps)} sweeps.")
            report = check(start=first, end=simulation.end, sweeps=log.sweeps, plans=log.plans)
            mail.outbox = []
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous
    fates = {}
    for plan in log.plans.values():
        fates[plan.fate] = fates.get(plan.fate, 0) + 1
    report["agency"] = {
        "staff": len(world.staff.everyone), "families": len(world.households), "counties": len(world.counties),
        "children placed at the start": len(world.placements), "workers on leave": [f"{a} ({f:%d %b}–{t:%d %b}, {c} covers)" for a, c, f, t in world.absences],
        "closures": [f"{day:%a %d %b}: {reason}" for day, reason in world.closures],
        "holidays": [f"{d:%a %d %b}: {name}" for d in (start + timedelta(days=k) for k in range(days)) if (name := business_days.official_holiday_name(d))],
    }
    report["run"] = {"start": first.isoformat(), "days": days, "seed": seed, "tick minutes": tick_minutes, "seconds": round(wall.perf_counter() - began, 1),
                     "sweeps": len(log.sweeps), "beat runs": dict(log.beat_runs), "actions": dict(sorted(log.actions.items())),
                     "refused by the portal": dict(log.refused), "kept with mark as met instead": dict(log.fallbacks), "planned fates": fates}
    return Simulated(report, log, first, simulation.end)


@dataclass
class Simulated:
    report: dict
    log: Log  # what was played: the sweeps' moments and each promise's planned fate, for checking again
    start: datetime
    end: datetime


def summary(report: dict) -> str:
    outcome, steps = report["outcome"], report["steps"]
    lines = [
        "",
        f"Promises opened in the month: {outcome.get('opened', 0)}",
        *(f"  {name:<20} {outcome.get(name, 0):>6}" for name in ("met on time", "met late", "missed", "withdrawn", "open, not yet due")),
        "Steps the sweeps took (expected by the reference calendar):",
        *(f"  {step:<20} {steps['taken'].get(step, 0):>6} ({steps['expected'].get(step, 0)})" for step in ("remind", "overdue", "escalate")),
        f"Step notices: {report['notifications']['step notices']}, e-mailed {report['notifications']['e-mailed']}; "
        f"longest wait from the sweep to the e-mail: {report['latency_seconds']['max']:.0f} s (simulated)",
        "Must be zero:",
        *(f"  {name:<40} {count:>6}" for name, count in report["zeros"].items()),
        f"Ran in {report['run']['seconds']} s.",
    ]
    return "\n".join(lines)
