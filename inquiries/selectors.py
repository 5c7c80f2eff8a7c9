"""Every read the inquiry pages make, scoped by policies.py."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import timezone as dt_timezone

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least, NullIf, TruncMonth
from django.shortcuts import get_object_or_404

from portal import business_days
from portal.accounts.models import User
from portal.followups.models import Commitment
from portal.followups.services import open_commitments_for

from . import policies
from .models import ClosedReason, ContactLog, Inquiry, NextStep, Stage, stage_rank
from .services import NEXT_STEP


def _next_due() -> NullIf:
    """The soonest open promise of an inquiry: its first call, or a step promised since.

    Two subqueries, each on commitment_subject_idx, rather than one with an OR: PostgreSQL cannot use
    the index for the OR and read every open commitment for every inquiry (6.7 s for a queue of 10 000
    on PostgreSQL, bench/inquiry_queue.py). LEAST is NULL on SQLite when either side is NULL, hence
    "never" for a missing side, turned back into NULL (nothing promised) at the end.
    """
    first_call = Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(Inquiry), subject_id=OuterRef("pk"), status=Commitment.Status.OPEN
    ).order_by("due_at")
    steps = Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(NextStep),
        subject_id__in=NextStep.objects.filter(inquiry=OuterRef(OuterRef("pk"))).values("pk"),
        status=Commitment.Status.OPEN,
    ).order_by("due_at")
    never = Value(datetime(9999, 12, 31, tzinfo=dt_timezone.utc), output_field=DateTimeField())
    soonest = Least(
        Coalesce(Subquery(first_call.values("due_at")[:1]), never), Coalesce(Subquery(steps.values("due_at")[:1]), never)
    )
    return NullIf(soonest, never)


def inquiry_queue(user: User, *, now: datetime, everyone: bool = False) -> QuerySet[Inquiry]:
    """Open inquiries by the soonest promise: the worker's own (and those they cover), or the whole team's."""
    inquiries = policies.visible_inquiries(user).exclude(stage__in=[Stage.CLOSED, Stage.LICENSED])
    if not everyone:
        covering = Commitment.objects.filter(
            owner=user, status=Commitment.Status.OPEN, subject_type=ContentType.objects.get_for_model(Inquiry)
        ).values("subject_id")
        inquiries = inquiries.filter(Q(worker=user) | Q(pk__in=covering))
    last_contact = ContactLog.objects.filter(inquiry=OuterRef("pk")).exclude(kind=ContactLog.Kind.INQUIRED_AGAIN).order_by("-at")
    return (
        inquiries.select_related("county", "worker")
        .annotate(
            next_due_at=_next_due(),
            last_contact_kind=Subquery(last_contact.values("kind")[:1]),
            last_contact_at=Subquery(last_contact.values("at")[:1]),
            attempts=Count("contacts", filter=~Q(contacts__kind=ContactLog.Kind.INQUIRED_AGAIN)),
        )
        .order_by(F("next_due_at").asc(nulls_last=True), "received_at", "pk")
    )


def inquiry_for(user: User, pk: int) -> Inquiry:
    return get_object_or_404(
        policies.visible_inquiries(user).select_related("county", "worker__team__supervisor", "team__supervisor"), pk=pk
    )


def contact_log(inquiry: Inquiry) -> list[ContactLog]:
    return list(inquiry.contacts.select_related("by"))


def open_promises(inquiry: Inquiry) -> list[Commitment]:
    """What the agency still owes this inquirer, soonest first: the first call, then each promised step."""
    steps = {step.pk: step for step in inquiry.next_steps.all()}
    commitments = list(open_commitments_for(inquiry).select_related("owner", "standard"))
    step_type = ContentType.objects.get_for_model(NextStep)
    commitments += list(
        Commitment.objects.filter(subject_type=step_type, subject_id__in=list(steps), status=Commitment.Status.OPEN).select_related(
            "owner", "standard"
        )
    )
    for commitment in commitments:
        commitment.step = steps.get(commitment.subject_id) if commitment.standard.code == NEXT_STEP else None
    return sorted(commitments, key=lambda c: c.due_at)


def reassign_choices(user: User) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=["resource_worker", "supervisor"]).order_by("last_name", "first_name")


# --- The director's view -------------------------------------------------------------------------

FUNNEL_STEPS = [
    ("inquiries", None),
    ("contacted_on_time", None),
    ("session", Stage.SESSION_ATTENDED),
    ("application", Stage.APPLICATION),
    ("licensed", Stage.LICENSED),
]


@dataclass
class FunnelRow:
    county: str
    month: date
    inquiries: int = 0
    contacted_on_time: int = 0
    session: int = 0
    application: int = 0
    licensed: int = 0
    median_hours_to_contact: float | None = None
    hours: list[float] = field(default_factory=list, repr=False)

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.contacted_on_time / self.inquiries) if self.inquiries else None


def _reached(stage: str) -> list[str]:
    return [s for s in Stage.values if s != Stage.CLOSED and stage_rank(s) >= stage_rank(stage)]


def funnel(user: User, *, since: date, until: date) -> list[FunnelRow]:
    """Per county and month of the first inquiry: how many, how many contacted personally on time,
    and how many reached an information session, an application, a licence. Months are the agency's."""
    counties = policies.funnel_counties(user)
    zone = business_days.agency_zone()
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(until, datetime.min.time(), tzinfo=zone)
    rows = (
        Inquiry.objects.filter(county__in=counties, received_at__gte=start, received_at__lt=end)
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("county__name", "month")
        .annotate(
            inquiries=Count("pk"),
            contacted_on_time=Count("pk", filter=Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due_at"))),
            session=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.SESSION_ATTENDED))),
            application=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.APPLICATION))),
            licensed=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.LICENSED))),
        )
        .order_by("county__name", "month")
    )
    result = {
        (row["county__name"], _month(row["month"])): FunnelRow(
            row["county__name"], _month(row["month"]), row["inquiries"], row["contacted_on_time"], row["session"], row["application"], row["licensed"]
        )
        for row in rows
    }
    hours = Inquiry.objects.filter(
        county__in=counties, received_at__gte=start, received_at__lt=end, first_contact_office_hours__isnull=False
    ).values_list("county__name", "received_at", "first_contact_office_hours")
    for county, received_at, value in hours:
        result[(county, business_days.local_date(received_at).replace(day=1))].hours.append(float(value))
    for row in result.values():
        row.median_hours_to_contact = round(statistics.median(row.hours), 1) if row.hours else None
    return list(result.values())


def _month(value) -> date:
    return value.date().replace(day=1) if isinstance(value, datetime) else value.replace(day=1)


def closing_reasons(user: User, *, since: date, until: date) -> list[tuple[str, int]]:
    zone = business_days.agency_zone()
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(until, datetime.min.time(), tzinfo=zone)
    counts = Counter(
        Inquiry.objects.filter(
            county__in=policies.funnel_counties(user), received_at__gte=start, received_at__lt=end, stage=Stage.CLOSED
        ).values_list("closed_reason", flat=True)
    )
    return [(label, counts[value]) for value, label in ClosedReason.choices if counts[value]]
