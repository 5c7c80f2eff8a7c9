"""The service report: for each standard, how many promises fell due, how many were kept on time,
how long keeping them took in office hours, how many reached the next level, and the verdict.

A promise counts in the period its deadline falls in (agency time), where it was owed. Of those:

- *on time*: met by the deadline; *late*: met after it; *missed*: still open past it;
- *not yet due*: still open with time left (counted, but not judged);
- *escalated*: still open a business day late, so the next level was told (the ledger's step);
- the on-time rate is on time ÷ (on time + late + missed), and the verdict compares it with the
  standard's target and its "exceeded" level, both set by the administrator.

Every figure for a page comes from a fixed number of aggregate queries, whatever the size of
the ledger: one per table (standards, people or units, months), plus one for the percentiles
where the database has no ``percentile_cont`` (SQLite).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from django.db import connection
from django.db.models import Aggregate, Count, Exists, FilteredRelation, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from portal import business_days
from portal.followups.models import Commitment, CommitmentEvent, ServiceStandard

ON_TIME = Q(status=Commitment.Status.MET, late=False)
LATE = Q(status=Commitment.Status.MET, late=True)


class Verdict:
    EXCEEDED = "exceeded"
    MET = "met"
    FAILED = "failed"


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``: the interpolated percentile."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_cont(sorted_values: list[int], fraction: float) -> float | None:
    """The same interpolation as PostgreSQL's ``percentile_cont``, for a sorted list."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass
class Figures:
    """One row of the report: a standard, a unit (office, team, worker) or a month."""

    key: object = None
    label: str = ""
    promises: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    escalated: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None
    standard: ServiceStandard | None = None
    extra: dict = field(default_factory=dict)

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def not_yet_due(self) -> int:
        return self.promises - self.judged

    @property
    def percent(self) -> Decimal | None:
        """On-time share, rounded down to a tenth: the figure shown never flatters the real one."""
        if not self.judged:
            return None
        return (Decimal(self.on_time * 100) / Decimal(self.judged)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def verdict(self) -> str | None:
        if self.standard is None or not self.judged:
            return None
        # Whole numbers, no rounding: 899 of 1 000 is below a 90 % target.
        if self.on_time * 100 >= self.standard.exceeded_percent * self.judged:
            return Verdict.EXCEEDED
        if self.on_time * 100 >= self.standard.target_percent * self.judged:
            return Verdict.MET
        return Verdict.FAILED


@dataclass(frozen=True)
class Period:
    """Whole months in the agency's time zone: [first day of ``first``, first day after ``last``)."""

    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        return business_days.start_of_day(self.first.replace(day=1))

    @property
    def ends_at(self) -> datetime:
        return business_days.start_of_day(next_month(self.last))

    def months(self) -> list[date]:
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def promises_in(period: Period, scope: Q) -> QuerySet[Commitment]:
    """The promises that fell due in the period, where the person may count them (cancelled ones excluded)."""
    return (
        Commitment.objects.filter(scope, due_at__gte=period.starts_at, due_at__lt=period.ends_at)
        .exclude(status=Commitment.Status.CANCELLED)
    )


def _escalated() -> Exists:
    return Exists(CommitmentEvent.objects.filter(commitment=OuterRef("pk"), kind=CommitmentEvent.Kind.ESCALATE))


def _grouped(commitments: QuerySet[Commitment], group: list[str], *, now: datetime) -> list[dict]:
    aggregates = {
        "promises": Count("pk"),
        "on_time": Count("pk", filter=ON_TIME),
        "late": Count("pk", filter=LATE),
        "missed": Count("pk", filter=Q(status=Commitment.Status.OPEN, due_at__lt=now)),
        # A join on the few escalation events (one per commitment at most: a unique constraint), which
        # the database hashes once, rather than a lookup per promise: 1.4 s less at a million on PostgreSQL.
        "escalated": Count("escalation"),
    }
    commitments = commitments.annotate(
        escalation=FilteredRelation("events", condition=Q(events__kind=CommitmentEvent.Kind.ESCALATE))
    )
    if connection.vendor == "postgresql":
        aggregates["median_minutes"] = PercentileCont("office_minutes_to_meet", 0.5)
        aggregates["p90_minutes"] = PercentileCont("office_minutes_to_meet", 0.9)
    rows = list(commitments.values(*group).annotate(**aggregates).order_by(*group))
    if connection.vendor != "postgresql":
        _percentiles_in_python(commitments, group, rows)
    return rows


def _percentiles_in_python(commitments: QuerySet[Commitment], group: list[str], rows: list[dict]) -> None:
    """Where the database has no ``percentile_cont``: one query for every group's times, sorted."""
    values: dict[tuple, list[int]] = {}
    times = commitments.filter(office_minutes_to_meet__isnull=False).values_list(*group, "office_minutes_to_meet")
    for row in times.order_by(*group, "office_minutes_to_meet"):
        values.setdefault(tuple(row[:-1]), []).append(row[-1])
    for row in rows:
        sorted_values = values.get(tuple(row[name] for name in group), [])
        row["median_minutes"] = percentile_cont(sorted_values, 0.5)
        row["p90_minutes"] = percentile_cont(sorted_values, 0.9)


def _figures(row: dict, **extra) -> Figures:
    return Figures(
        promises=row["promises"],
        on_time=row["on_time"],
        late=row["late"],
        missed=row["missed"],
        escalated=row["escalated"],
        median_minutes=row["median_minutes"],
        p90_minutes=row["p90_minutes"],
        **extra,
    )


def by_standard(commitments: QuerySet[Commitment], *, now: datetime) -> list[Figures]:
    """Every standard, in name order, with its figures (a standard with no promises shows zeros)."""
    rows = {row["standard"]: row for row in _grouped(commitments, ["standard"], now=now)}
    result = []
    for standard in ServiceStandard.objects.order_by("name"):
        row = rows.get(standard.pk)
        figures = _figures(row, key=standard.code, standard=standard) if row else Figures(key=standard.code, standard=standard)
        figures.label = standard.display_name
        result.append(figures)
    return result


def total(rows: list[Figures]) -> Figures:
    """All standards together (no verdict: each standard has its own target)."""
    return Figures(
        promises=sum(r.promises for r in rows),
        on_time=sum(r.on_time for r in rows),
        late=sum(r.late for r in rows),
        missed=sum(r.missed for r in rows),
        escalated=sum(r.escalated for r in rows),
    )


UNIT_FIELDS = {
    "office": ["office", "office__name"],
    "team": ["team", "team__name"],
    "worker": ["owner", "owner__title", "owner__first_name", "owner__last_name"],
}


def by_unit(commitments: QuerySet[Commitment], unit: str, *, now: datetime) -> list[Figures]:
    """Figures per office, team or worker; promises owed outside any team are one row ("No team")."""
    fields = UNIT_FIELDS[unit]
    result = []
    for row in _grouped(commitments, fields, now=now):
        if unit == "worker":
            title, first, last = row["owner__title"], row["owner__first_name"], row["owner__last_name"]
            label = f"{title} {last}".strip() if title and last else f"{first} {last}".strip()
        else:
            label = row[fields[1]]
        result.append(_figures(row, key=row[fields[0]], label=label or ""))
    return sorted(result, key=lambda figures: (figures.key is None, figures.label.lower()))


def by_month(commitments: QuerySet[Commitment], period: Period, *, now: datetime) -> list[Figures]:
    """Every month of the period, in order, empty months included: the trend."""
    annotated = commitments.annotate(month=TruncMonth("due_at", tzinfo=business_days.agency_zone()))
    rows = {_as_date(row["month"]): row for row in _grouped(annotated, ["month"], now=now)}
    return [
        _figures(rows[month], key=month) if month in rows else Figures(key=month)
        for month in period.months()
    ]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


OUTCOMES = ("on_time", "late", "missed", "not_yet_due", "escalated")


def with_outcome(commitments: QuerySet[Commitment], outcome: str, *, now: datetime) -> QuerySet[Commitment]:
    """The promises behind one number of the report."""
    if outcome == "on_time":
        return commitments.filter(ON_TIME)
    if outcome == "late":
        return commitments.filter(LATE)
    if outcome == "missed":
        return commitments.filter(status=Commitment.Status.OPEN, due_at__lt=now)
    if outcome == "not_yet_due":
        return commitments.filter(status=Commitment.Status.OPEN, due_at__gte=now)
    if outcome == "escalated":
        return commitments.filter(_escalated())
    return commitments
