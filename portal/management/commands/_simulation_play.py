"""A month of an agency's work, played through the real services and the real beat schedule on a moved clock.

Families and inquirers act at any hour; staff act in office hours. Every promise the portal opens is
given a fate when it appears (kept on time, kept late, never kept) by its owner's habits, and kept,
when it is, the way staff keep it: a reply, a call, a decision, a payment, or the "mark as met" button.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from celery.schedules import maybe_schedule
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inquiries import services as inquiries
from inquiries.models import ContactLog, ContactWay, Interest
from messaging import services as messaging
from messaging.models import CallAttempt, Topic
from placements import services as placements
from placements.events import services as events
from placements.events.models import Event
from placements.models import Child, Placement
from portal import business_days
from portal.celery import app
from portal.followups.models import Commitment
from portal.followups.services import meet_commitment
from reimbursements import services as money
from reimbursements.models import Claim

from ._simulation_world import FIRST_NAMES, SURNAMES, World, case_worker_for

# Per calendar day, on average (Poisson): what arrives from outside and what staff start.
FAMILY_RATES = {"inquiry": 4.0, "message": 8.0, "callback": 2.0, "claim": 4.0}
# Per business day.
STAFF_RATES = {"placement": 1.0, "event": 3.0}
# How each kind of worker keeps promises: (on time, late); the rest are never kept.
HABITS = {"usual": (0.82, 0.12), "slow clerk": (0.35, 0.45)}


@dataclass
class Plan:
    """What the simulation meant to happen to each promise: the checker compares the ledger with it."""

    fate: str  # "on time", "late", "never"
    at: datetime | None


@dataclass
class Log:
    sweeps: list[datetime] = field(default_factory=list)
    beat_runs: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # a kind of action the portal refused: it is told, not hidden
    plans: dict[int, Plan] = field(default_factory=dict)
    fallbacks: Counter = field(default_factory=Counter)  # kept with "mark as met" because the domain action did not apply


def poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


class Simulation:
    def __init__(self, world: World, rng: random.Random, traveller, *, start: datetime, days: int, tick: timedelta, scale: float = 1.0,
                 remote_sweep=None):
        self.world, self.rng, self.traveller = world, rng, traveller
        # None: this process plays the beat, running each entry's task eagerly when its schedule says so. Otherwise a
        # callable that has a real beat and worker sweep at the given moment and returns once they have.
        self.remote_sweep = remote_sweep
        self.start, self.end, self.tick = start, start + timedelta(days=days), tick
        self.log = Log()
        self.family_rates = {kind: mean * scale for kind, mean in FAMILY_RATES.items()}
        self.staff_rates = {kind: mean * scale for kind, mean in STAFF_RATES.items()}
        self.queue: list = []
        self.order = itertools.count()
        self.seen_pk = Commitment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for commitment in Commitment.objects.all():
            self.log.plans[commitment.pk] = Plan("setup", commitment.met_at)
        self.beat = {
            name: {"task": entry["task"], "schedule": maybe_schedule(entry["schedule"], app=app), "last": start}
            for name, entry in app.conf.beat_schedule.items()
        }

    # The clock and the queue -------------------------------------------------------------------------------------

    def at(self, moment: datetime, action, *args, beat: bool = False) -> None:
        # At the same moment, people act before the beat looks: the checker assumes the same order.
        heapq.heappush(self.queue, (moment, 1 if beat else 0, next(self.order), action, args))

    def run(self) -> Log:
        self.plan_arrivals()
        moment = self.start
        while moment <= self.end:
            self.at(moment, self.run_beat, beat=True)
            moment += self.tick
        while self.queue:
            moment, _beat, _n, action, args = heapq.heappop(self.queue)
            if moment > self.end:
                break
            self.traveller.move_to(moment)
            action(*args)
            self.discover(moment)
        return self.log

    def run_beat(self) -> None:
        now = self.traveller_now()
        if self.remote_sweep is not None:
            self.remote_sweep(now)
            self.log.sweeps.append(now)
            return
        for name, entry in self.beat.items():
            due, _next = entry["schedule"].is_due(entry["last"])
            if due:
                entry["last"] = now
                app.tasks[entry["task"]].apply(throw=True)
                self.log.beat_runs[name] += 1
                if entry["task"].endswith("sweep_commitments_task"):
                    self.log.sweeps.append(now)

    def traveller_now(self) -> datetime:
        return timezone.now()

    # Arrivals -----------------------------------------------------------------------------------------------------

    def family_moment(self, day) -> datetime:
        """Families write in the evening after work, sometimes in the day, now and then at night."""
        hour = self.rng.choices(range(24), weights=[1, 1, 0, 0, 0, 1, 2, 4, 5, 5, 5, 5, 6, 5, 5, 5, 6, 8, 10, 12, 12, 10, 6, 3])[0]
        return business_days.local_datetime(day, datetime.min.time()) + timedelta(hours=hour, minutes=self.rng.randint(0, 59))

    def office_moment(self, day) -> datetime:
        opens = business_days.opening_of_business(day)
        return opens + timedelta(minutes=self.rng.randint(0, int((business_days.close_of_business(day) - opens).total_seconds() // 60) - 1))

    def plan_arrivals(self) -> None:
        first = business_days.local_date(self.start)
        for offset in range((self.end - self.start).days):
            day = first + timedelta(days=offset)
            for kind, mean in self.family_rates.items():
                for _ in range(poisson(self.rng, mean)):
                    self.at(self.family_moment(day), getattr(self, f"arrive_{kind}"))
            if business_days.is_business_day(day):
                for kind, mean in self.staff_rates.items():
                    for _ in range(poisson(self.rng, mean)):
                        self.at(self.office_moment(day), getattr(self, f"arrive_{kind}"))

    def attempt(self, what: str, action, *args, **kwargs):
        """Do what a person does; what the portal refuses (with a message, as a person would see it) is counted."""
        try:
            result = action(*args, **kwargs)
        except (ValidationError, PermissionDenied, money.PossibleDuplicate) as refused:
            reason = "; ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused) or type(refused).__name__
            self.log.refused[f"{what}: {reason}"[:200]] += 1
            return None
        self.log.actions[what] += 1
        return result

    def arrive_inquiry(self) -> None:
        n = next(self.order)
        self.attempt(
            "inquiry", inquiries.submit_inquiry, name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}",
            email=f"inquirer{n}@sim.example", phone=f"601-555-{n % 10000:04d}", contact_way=self.rng.choice(ContactWay.values),
            best_time="Evenings", language=self.rng.choice(["en", "en", "en", "es"]), county=self.rng.choice(self.world.counties),
            interest=self.rng.choice(Interest.values), questions="How do we start?", submission_key=uuid.uuid4(),
        )

    def placed(self) -> list[Placement]:
        return list(Placement.objects.filter(ended_on__isnull=True).select_related("household", "child__caseworker"))

    def arrive_message(self) -> None:
        household = self.rng.choice(self.world.households)
        self.attempt(
            "message", messaging.start_thread, household=household, topic=Topic.OTHER, subject="A question",
            body="Could someone call me about the next visit?", author=self.world.parents[household.pk], submission_key=uuid.uuid4(),
        )

    def arrive_callback(self) -> None:
        household = self.rng.choice(self.world.households)
        self.attempt(
            "callback", messaging.request_callback, household=household, requested_by=self.world.parents[household.pk],
            phone="601-555-0100", good_times="After 5 pm", reason="About the school meeting", submission_key=uuid.uuid4(),
        )

    def arrive_claim(self) -> None:
        placement = self.rng.choice(self.placed())
        today = business_days.local_date(self.traveller_now())
        days_placed = (today - placement.started_on).days
        if days_placed < 1:
            return  # nothing to claim yet for a child who arrived today
        self.attempt(
            "claim", money.submit_claim, user=self.world.parents[placement.household_id], kind=Claim.Kind.MILEAGE, child=placement.child,
            items=[money.ItemInput(on=today - timedelta(days=self.rng.randint(1, min(20, days_placed))), description="To the doctor",
                                   miles=Decimal(self.rng.randint(5, 80)), from_place="Home", to_place="Clinic")],
            confirm_duplicate=True, submission_key=uuid.uuid4(),
        )

    def arrive_placement(self) -> None:
        current = {p.household_id for p in self.placed()}
        free = [h for h in self.world.households if h.pk not in current]
        if not free:
            return
        household = self.rng.choice(free)
        worker = case_worker_for(self.rng, self.world.staff, household)
        child = Child.objects.create(first_name=self.rng.choice(FIRST_NAMES), last_name=household.name.split()[1],
                                     date_of_birth=business_days.local_date(self.start) - timedelta(days=self.rng.randint(365, 6000)),
                                     caseworker=worker)
        medication = self.rng.choices(Placement.Medication.values, weights=[5, 1, 1, 3])[0]
        self.attempt("placement", placements.place_children, actor=worker, household=household, children=[child],
                     started_on=business_days.local_date(self.traveller_now()), medication={child.pk: medication})

    def arrive_event(self) -> None:
        placement = self.rng.choice(self.placed())
        now = self.traveller_now()
        day = business_days.local_date(now) + timedelta(days=self.rng.randint(2, 20))
        while not business_days.is_business_day(day):
            day += timedelta(days=1)
        starts = business_days.opening_of_business(day) + timedelta(hours=self.rng.randint(1, 6))
        kind = self.rng.choice([Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASEWORKER_VISIT])
        self.attempt("event", events.schedule_event, actor=placement.child.caseworker, kind=kind, child=placement.child,
                     hearing_type=Event.HearingType.REVIEW if kind == Event.Kind.COURT_HEARING else "", starts_at=starts,
                     ends_at=starts + timedelta(hours=1), place="Youth Court" if kind == Event.Kind.COURT_HEARING else "The family's home")

    # Fates of promises --------------------------------------------------------------------------------------------

    def discover(self, now: datetime) -> None:
        """Give each new promise its fate, as its owner's habits would."""
        for commitment in Commitment.objects.filter(pk__gt=self.seen_pk).select_related("standard").order_by("pk"):
            self.seen_pk = commitment.pk
            if commitment.status != Commitment.Status.OPEN:
                self.log.plans[commitment.pk] = Plan("kept when made", commitment.met_at)
                continue
            on_time, late = HABITS["slow clerk" if commitment.owner_id == self.world.slow_clerk.pk else "usual"]
            draw = self.rng.random()
            if draw < on_time:
                plan = Plan("on time", self.office_time_between(now, commitment.due_at))
            elif draw < on_time + late:
                plan = Plan("late", self.office_time_between(commitment.due_at + timedelta(minutes=1), commitment.escalate_at + timedelta(days=3)))
            else:
                plan = Plan("never", None)
            self.log.plans[commitment.pk] = plan
            if plan.at is not None:
                self.at(plan.at, self.keep, commitment.pk)
            elif commitment.standard.code == inquiries.FIRST_CONTACT:
                # A voicemail alone does not keep the first-contact promise: the portal must still chase it.
                self.at(self.office_time_between(now, commitment.due_at), self.leave_voicemail, commitment.pk)

    def office_time_between(self, first: datetime, last: datetime) -> datetime:
        """A moment in office hours between ``first`` and ``last`` (the close of business before ``last`` at the latest)."""
        moment = first + (last - first) * self.rng.random()
        moment = business_days.next_opening(moment)
        return moment if moment < last else last - timedelta(minutes=5)

    def keep(self, pk: int) -> None:
        commitment = Commitment.objects.select_related("standard", "owner").get(pk=pk)
        if commitment.status != Commitment.Status.OPEN:
            self.log.actions["already kept"] += 1
            return
        code, owner, subject = commitment.standard.code, commitment.owner, commitment.subject
        try:
            if code == messaging.REPLY_STANDARD:
                messaging.post_message(thread=subject, author=owner, body="Thank you for writing. I will call you tomorrow morning.")
            elif code == messaging.CALLBACK_STANDARD:
                messaging.log_call(callback=subject, outcome=CallAttempt.Outcome.REACHED, actor=owner)
            elif code == inquiries.FIRST_CONTACT:
                inquiries.log_contact(inquiry=subject, kind=ContactLog.Kind.SPOKE, actor=owner)
            elif code == money.DECISION_STANDARD:
                if subject.status == Claim.Status.SUBMITTED:
                    money.take_claim(actor=owner, claim=subject)
                money.approve_claim(actor=owner, claim=Claim.objects.get(pk=subject.pk))
            elif code == money.PAYMENT_STANDARD:
                today = business_days.local_date(self.traveller_now())
                money.mark_claim_paid(actor=owner, claim=subject, paid_on=today, payment_number=f"SIM{subject.pk:07d}")
            elif code == placements.MEDICATION_STANDARD:
                placements.record_medication_sorted(actor=owner, placement=subject, note="Prescription sent to the family's pharmacy.")
            else:
                meet_commitment(commitment=commitment, actor=owner)
            self.log.actions[f"kept {code}"] += 1
        except (ValidationError, PermissionDenied) as refused:
            self.log.fallbacks[f"{code}: {refused}"[:160]] += 1
            meet_commitment(commitment=commitment, actor=owner)

    def leave_voicemail(self, pk: int) -> None:
        commitment = Commitment.objects.select_related("owner").get(pk=pk)
        self.attempt("voicemail", inquiries.log_contact, inquiry=commitment.subject, kind=ContactLog.Kind.VOICEMAIL, actor=commitment.owner)


