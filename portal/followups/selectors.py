"""Reads of the ledger for pages, already scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from portal import business_days
from portal.accounts.models import User
from portal.accounts.policies import team_members

from .models import Commitment, CommitmentEvent
from .registry import describe, subject_prefetch
from .policies import visible_commitments

_PAGE_RELATED = ("standard", "household", "owner__team__supervisor", "covering_for")


def open_commitments_for_family(user) -> QuerySet[Commitment]:
    return (
        visible_commitments(user)
        .filter(status=Commitment.Status.OPEN)
        .select_related(*_PAGE_RELATED)
        .prefetch_related(subject_prefetch())
        .order_by("due_at")
    )


def with_family_titles(commitments) -> list[Commitment]:
    """Each promise with what it is about and where the family reads more, in the subject app's words."""
    commitments = list(commitments)
    for commitment in commitments:
        kind = describe(commitment.subject)
        commitment.about = kind.family_title(commitment.subject) if kind else ""
        commitment.about_url = kind.family_url(commitment.subject) if kind else None
    return commitments


@dataclass
class PromiseGroup:
    first: Commitment  # the soonest: who does it, by when, and the "Still waiting?" button
    items: list[Commitment]


def grouped_for_family(commitments) -> list[PromiseGroup]:
    """One card per promise and page: seven items still being found out about one child are one card, not seven."""
    groups: dict[tuple, PromiseGroup] = {}
    for commitment in with_family_titles(commitments):  # soonest first
        key = (commitment.standard_id, commitment.about_url) if commitment.about_url else ("one", commitment.pk)
        groups.setdefault(key, PromiseGroup(first=commitment, items=[])).items.append(commitment)
    return list(groups.values())


def recently_met_for_family(user, *, now: datetime, days: int = 30) -> QuerySet[Commitment]:
    return (
        visible_commitments(user)
        .filter(status=Commitment.Status.MET, met_at__gte=now - timedelta(days=days))
        .select_related("standard", "met_by")
        .prefetch_related(subject_prefetch())
        .order_by("-met_at")
    )


def my_day(user) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(owner=user, status=Commitment.Status.OPEN)
        .select_related(*_PAGE_RELATED)
        .prefetch_related(subject_prefetch())
        .order_by("due_at", "pk")  # a stable order: the pages neither repeat nor skip a promise
    )


def commitment_detail(user, pk: int) -> Commitment:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible_commitments(user).select_related(*_PAGE_RELATED, "met_by"), pk=pk)


def chased_commitment_ids(commitments) -> set[int]:
    return set(
        CommitmentEvent.objects.filter(
            commitment__in=[c.pk for c in commitments], kind=CommitmentEvent.Kind.FAMILY_CHASED
        ).values_list("commitment_id", flat=True)
    )


@dataclass
class WorkerLoad:
    worker: User
    open: int
    due_today: int
    overdue: int


def team_load(supervisor: User, *, now: datetime) -> list[WorkerLoad]:
    """Each worker's open, due-today and overdue counts, in one query."""
    end_of_today = business_days.close_of_business(business_days.local_date(now))
    open_rows = Q(commitments__status=Commitment.Status.OPEN)
    workers = (
        team_members(supervisor)
        .annotate(
            open_count=Count("commitments", filter=open_rows),
            due_today=Count("commitments", filter=open_rows & Q(commitments__due_at__gte=now, commitments__due_at__lte=end_of_today)),
            overdue=Count("commitments", filter=open_rows & Q(commitments__due_at__lt=now)),
        )
        .order_by("-overdue", "-due_today", "last_name")
    )
    return [WorkerLoad(worker=w, open=w.open_count, due_today=w.due_today, overdue=w.overdue) for w in workers]


@dataclass
class WeekRate:
    week: datetime
    met: int
    on_time: int

    @property
    def rate(self) -> float:
        return self.on_time / self.met if self.met else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


def on_time_rate_by_week(supervisor: User, *, now: datetime, weeks: int = 8) -> list[WeekRate]:
    """Share of the team's promises met on time, per week met, for the supervisor's chart."""
    since = now - timedelta(weeks=weeks)
    rows = (
        Commitment.objects.filter(
            Q(owner__team__supervisor=supervisor) | Q(owner=supervisor),
            status=Commitment.Status.MET,
            met_at__gte=since,
        )
        .annotate(week=TruncWeek("met_at", tzinfo=business_days.agency_zone()))
        .values("week")
        .annotate(met=Count("pk"), on_time=Count("pk", filter=Q(late=False)))
        .order_by("week")
    )
    return [WeekRate(week=row["week"], met=row["met"], on_time=row["on_time"]) for row in rows]


def worker_commitments(supervisor: User, worker_pk: int) -> tuple[User, QuerySet[Commitment]]:
    from django.shortcuts import get_object_or_404

    worker = get_object_or_404(team_members(supervisor), pk=worker_pk)
    return worker, my_day(worker)


def with_office_time_left(commitments, *, now: datetime) -> list[Commitment]:
    """Attach how much office time is left before each deadline (zero once it has passed), and what each is about."""
    rows = list(commitments)
    for row, left in zip(rows, business_days.office_hours_until(now, [row.due_at for row in rows])):
        row.office_time_left = left
        row.is_overdue = row.due_at < now
        kind = describe(row.subject)
        row.about = kind.staff_title(row.subject) if kind else ""
    return rows
