"""What the simulated month shows, checked against a calculation that shares no code with the portal's calendar.

The reference below counts business days with its own loops over the ``holidays`` package and the agency's
closure days, and finds the reminder moment by walking back one office minute at a time. It then says, from
the moments the beat really swept and the moments each promise was kept, which reminders, overdue notices and
escalations should exist, and to whom each should go. The portal's ledger, outbox and sent e-mail are compared
with that.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core import mail

from portal.accounts.models import Role, User
from portal.followups.models import ClosureDay, Commitment, CommitmentEvent, Step
from portal.notifications.models import Notification

STEP_NOTICES = {
    Step.REMIND: (Notification.Kind.DUE_SOON,),
    Step.OVERDUE: (Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR),
    Step.ESCALATE: (Notification.Kind.ESCALATED,),
}
NOTICE_STEP = {kind: step for step, kinds in STEP_NOTICES.items() for kind in kinds}
KEPT_WHEN_MADE = "event-notice"


class ReferenceCalendar:
    """Business days and office minutes, counted the slow, obvious way."""

    def __init__(self, first_year: int, last_year: int):
        self.zone = ZoneInfo(settings.AGENCY_TIME_ZONE)
        self.opens, self.closes = settings.AGENCY_OFFICE_OPENS, settings.AGENCY_OFFICE_CLOSES
        years = range(first_year - 1, last_year + 2)
        self.holidays = set(holidays.country_holidays(settings.AGENCY_HOLIDAY_COUNTRY, subdiv=settings.AGENCY_HOLIDAY_SUBDIVISION or None,
                                                      years=years, observed=True))
        self.closed = set(ClosureDay.objects.values_list("day", flat=True))

    def open_on(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays and day not in self.closed

    def at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)

    def due(self, received: datetime, business_days: int) -> datetime:
        local = received.astimezone(self.zone)
        if business_days == 0:
            day = local.date() if local.time() < self.closes else local.date() + timedelta(days=1)
            while not self.open_on(day):
                day += timedelta(days=1)
            return self.at(day, self.closes)
        following = [local.date() + timedelta(days=k) for k in range(1, 400)]
        return self.at([day for day in following if self.open_on(day)][business_days - 1], self.closes)

    def office_hours_before(self, moment: datetime, hours) -> datetime:
        minutes = round(float(hours) * 60)
        cursor = moment.astimezone(self.zone).replace(tzinfo=None)
        while minutes > 0:
            day = cursor.date()
            if not self.open_on(day) or cursor.time() <= self.opens:
                cursor = datetime.combine(day - timedelta(days=1), self.closes)
            elif cursor.time() > self.closes:
                cursor = datetime.combine(day, self.closes)
            else:
                cursor -= timedelta(minutes=1)
                minutes -= 1
        return cursor.replace(tzinfo=self.zone)

    def notice_deadline(self, event_at: datetime, business_days: int) -> datetime:
        day = event_at.astimezone(self.zone).date()
        before = [day - timedelta(days=k) for k in range(1, 400)]
        return self.at([d for d in before if self.open_on(d)][business_days - 1], time.min)


def expected_times(calendar: ReferenceCalendar, commitment: Commitment) -> dict[str, datetime | None]:
    rule = commitment.standard
    due = calendar.due(commitment.opened_at, rule.business_days)
    remind = calendar.office_hours_before(due, rule.remind_office_hours_before)
    return {
        "remind_at": remind if remind > commitment.opened_at else None,
        "due_at": due,
        "escalate_at": calendar.due(due, rule.escalate_after_business_days),
    }


class Org:
    """Who hears of a promise's steps, read from the organisation chart, not from the sweep's code."""

    def __init__(self):
        self.people = {u.pk: u for u in User.objects.filter(role__in=[r for r in Role.values if r != Role.RESOURCE_PARENT]).select_related("team__office")}
        self.administrators = sorted(pk for pk, u in self.people.items() if u.role == Role.ADMINISTRATOR and u.is_active)

    def manager_above(self, pk: int) -> int | None:
        team = self.people[pk].team
        manager = team.office.program_manager_id if team else None
        return manager if manager and manager != pk else None

    def boss_of(self, pk: int) -> int | None:
        team = self.people[pk].team
        if team and team.supervisor_id and team.supervisor_id != pk:
            return team.supervisor_id
        return self.manager_above(pk)

    def recipients(self, step: str, owner: int) -> Counter:
        if step == Step.REMIND:
            return Counter({(Notification.Kind.DUE_SOON, owner): 1})
        if step == Step.OVERDUE:
            told = Counter({(Notification.Kind.OVERDUE_OWNER, owner): 1})
            for person in [self.boss_of(owner)] if self.boss_of(owner) else self.administrators:
                if person != owner:
                    told[(Notification.Kind.OVERDUE_SUPERVISOR, person)] += 1
            return told
        above = self.manager_above(owner)
        return Counter({(Notification.Kind.ESCALATED, person): 1 for person in ([above] if above else self.administrators)})


def owner_at(commitment: Commitment, changes: list[CommitmentEvent], moment: datetime) -> int:
    if not changes:
        return commitment.owner_id
    owner = changes[0].from_owner_id or commitment.owner_id
    for change in changes:
        if change.at <= moment and change.to_owner_id:
            owner = change.to_owner_id
    return owner


def check(*, start: datetime, end: datetime, sweeps: list[datetime], plans: dict, message_ids: Counter | None = None) -> dict:
    """Everything the month shows: the outcome of each promise, and the checks that must come out at zero."""
    calendar = ReferenceCalendar(start.year, end.year)
    org = Org()
    commitments = list(Commitment.objects.select_related("standard").order_by("pk"))
    events_of: dict[int, list[CommitmentEvent]] = defaultdict(list)
    for event in CommitmentEvent.objects.order_by("at", "pk"):
        events_of[event.commitment_id].append(event)
    notices: dict[tuple[int, str], Counter] = defaultdict(Counter)
    notice_rows = list(Notification.objects.filter(kind__in=list(NOTICE_STEP), commitment__isnull=False))
    for notice in notice_rows:
        notices[(notice.commitment_id, NOTICE_STEP[notice.kind])][(notice.kind, notice.recipient_id)] += 1
    # The e-mail as sent: Django's in-memory outbox here, the worker's files when a real worker sent it.
    sent_ids = message_ids if message_ids is not None else Counter(message.message()["Message-ID"] for message in getattr(mail, "outbox", []))

    wrong_deadlines, late_flag_wrong, plan_wrong = [], [], []
    expected_steps, sent_steps, missing, unexpected, wrong_recipients = Counter(), Counter(), [], [], []
    latencies = []
    outcome = Counter()
    by_standard: dict[str, Counter] = defaultdict(Counter)
    by_day: dict[date, Counter] = defaultdict(Counter)
    steps_by_day: dict[date, Counter] = defaultdict(Counter)
    step_at = {}
    for commitment in commitments:
        history = events_of[commitment.pk]
        if commitment.standard.code == KEPT_WHEN_MADE:
            event = commitment.subject
            wanted = {"due_at": calendar.notice_deadline(event.starts_at, commitment.standard.business_days)}
        else:
            wanted = expected_times(calendar, commitment)
        for name, want in wanted.items():
            if getattr(commitment, name) != want:
                wrong_deadlines.append({"id": commitment.pk, "standard": commitment.standard.code, "field": name,
                                        "portal": str(getattr(commitment, name)), "reference": str(want)})
        closed_at = commitment.met_at or next((e.at for e in history if e.kind == CommitmentEvent.Kind.CANCELLED), None)
        if commitment.met_at is not None and commitment.late != (commitment.met_at > commitment.due_at):
            late_flag_wrong.append(commitment.pk)
        plan = plans.get(commitment.pk)
        if plan is not None and plan.fate in ("on time", "late") and commitment.met_at is not None and commitment.met_at == plan.at:
            if (plan.fate == "late") != commitment.late:
                plan_wrong.append(commitment.pk)

        # Outcome, counted for promises opened in the month.
        if commitment.opened_at >= start:
            if commitment.status == Commitment.Status.MET:
                result = "met late" if commitment.late else "met on time"
            elif commitment.status == Commitment.Status.CANCELLED:
                result = "withdrawn"
            else:
                result = "missed" if commitment.due_at <= end else "open, not yet due"
            outcome["opened"] += 1
            outcome[result] += 1
            by_standard[commitment.standard.code][result] += 1
            by_day[calendar_day(calendar, commitment.opened_at)]["opened"] += 1
            if commitment.met_at:
                by_day[calendar_day(calendar, commitment.met_at)][result] += 1

        # Which steps the sweeps should have taken: the first sweep at or after each step's moment, if the promise was still open.
        if commitment.standard.code == KEPT_WHEN_MADE:
            continue
        reference = wanted
        changes = [e for e in history if e.to_owner_id]
        due_steps = []
        for step, moment in ((Step.REMIND, reference["remind_at"]), (Step.OVERDUE, reference["due_at"]), (Step.ESCALATE, reference["escalate_at"])):
            if moment is None:
                continue
            index = bisect.bisect_left(sweeps, moment)
            if index == len(sweeps):
                continue
            swept = sweeps[index]
            if closed_at is not None and closed_at <= swept:
                continue
            if step == Step.REMIND and reference["due_at"] <= swept:
                continue  # the sweep caught up: "due soon" is not sent for a promise already overdue
            due_steps.append((step, swept))
        taken = Counter(e.kind for e in history if e.kind in (Step.REMIND, Step.OVERDUE, Step.ESCALATE))
        for step, swept in due_steps:
            expected_steps[step] += 1
            step_at[(commitment.pk, step)] = swept
            if not taken[step]:
                missing.append({"id": commitment.pk, "step": step, "swept": swept.isoformat()})
            want = org.recipients(step, owner_at(commitment, changes, swept))
            if notices[(commitment.pk, step)] != want:
                wrong_recipients.append(
                    {"id": commitment.pk, "step": step, "sent": sorted(map(list, notices[(commitment.pk, step)])), "expected": sorted(map(list, want))}
                )
            steps_by_day[calendar_day(calendar, swept)][step] += 1
        for step, count in taken.items():
            sent_steps[step] += count
            if step not in {s for s, _ in due_steps}:
                unexpected.append({"id": commitment.pk, "step": step})
    # A promise still open when the sweep passed its escalation moment, with nobody above told.
    misses_not_escalated = [m["id"] for m in missing if m["step"] == Step.ESCALATE]
    duplicate_notices = sum(count - 1 for counter in notices.values() for count in counter.values() if count > 1)
    duplicate_emails = sum(count - 1 for count in sent_ids.values() if count > 1)
    staff_notices = [n for n in notice_rows if n.send_email]
    not_emailed = [n.pk for n in staff_notices if n.emailed_at is None]
    for notice in staff_notices:
        swept = step_at.get((notice.commitment_id, NOTICE_STEP[notice.kind]))
        if notice.emailed_at and swept:
            latencies.append((notice.emailed_at - swept).total_seconds())
    zeros = {
        "deadlines differing from the reference": len(wrong_deadlines),
        "steps expected but not taken": len(missing),
        "steps taken but not expected": len(unexpected),
        "steps told to the wrong people": len(wrong_recipients),
        "duplicate notifications": duplicate_notices,
        "duplicate e-mails": duplicate_emails,
        "misses not escalated": len(misses_not_escalated),
        "step notices never e-mailed": len(not_emailed),
        "kept promises marked late wrongly": len(late_flag_wrong) + len(plan_wrong),
    }
    return {
        "outcome": dict(outcome),
        "by_standard": {code: dict(counts) for code, counts in sorted(by_standard.items())},
        "by_day": {day.isoformat(): dict(counts) for day, counts in sorted(by_day.items())},
        "steps_by_day": {day.isoformat(): dict(counts) for day, counts in sorted(steps_by_day.items())},
        "steps": {"expected": dict(expected_steps), "taken": dict(sent_steps)},
        "notifications": {"step notices": len(notice_rows), "e-mailed": len(staff_notices) - len(not_emailed), "e-mails sent in all": sum(sent_ids.values())},
        "latency_seconds": {"max": max(latencies, default=0), "median": sorted(latencies)[len(latencies) // 2] if latencies else 0},
        "zeros": zeros,
        "examples": {"deadlines": wrong_deadlines[:5], "missing": missing[:5], "unexpected": unexpected[:5], "recipients": wrong_recipients[:5],
                     "not escalated": misses_not_escalated[:5]},
    }


def calendar_day(calendar: ReferenceCalendar, moment: datetime) -> date:
    return moment.astimezone(calendar.zone).date()
