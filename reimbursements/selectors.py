"""Reads for the money pages, already scoped by policies.py, with the joins each page needs.

Each waiting claim carries its open promise from the ledger (who has it, by when): one query
for the whole page, never one per claim.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from placements.models import Placement
from portal import business_days
from portal.followups.models import Commitment

from . import policies
from .models import Claim, ClaimEvent, ClaimItem

ZERO = Decimal("0.00")


def with_promises(claims) -> list[Claim]:
    """Each claim with ``promise``: its open ledger commitment (owner, due_at) or None."""
    claims = list(claims)
    ids = [c.pk for c in claims]
    promises: dict[int, Commitment] = {}
    if ids:
        rows = (
            Commitment.objects.filter(
                subject_type=ContentType.objects.get_for_model(Claim), subject_id__in=ids, status=Commitment.Status.OPEN
            )
            .select_related("owner", "standard")
            .order_by("due_at")
        )
        for row in rows:
            promises.setdefault(row.subject_id, row)
    for claim in claims:
        claim.promise = promises.get(claim.pk)
    return claims


def family_money(user, *, now: datetime) -> dict:
    """What the money page shows: recent board payments, clothing allowances and claims."""
    since = (business_days.local_date(now).replace(day=1) - timedelta(days=366)).replace(day=1)
    board = policies.family_board_payments(user).filter(month__gte=since).select_related("placement__child").order_by("-month", "pk")
    claims = with_promises(policies.family_claims(user).select_related("child", "clerk").order_by("-submitted_at", "-pk"))
    return {
        "board_payments": list(board),
        "clothing": [c for c in claims if c.kind == Claim.Kind.CLOTHING],
        "claims": [c for c in claims if c.kind != Claim.Kind.CLOTHING],
    }


def family_claim(user, pk: int) -> Claim:
    """One of the family's own claims with its lines, receipts and history; anyone else's is a 404."""
    queryset = policies.family_claims(user).select_related("child", "clerk", "household__fiscal_contact").prefetch_related(
        Prefetch("items", queryset=ClaimItem.objects.order_by("on", "pk")),
        "receipts",
        Prefetch("history", queryset=ClaimEvent.objects.select_related("actor").order_by("at", "pk")),
    )
    claim = get_object_or_404(queryset, pk=pk)
    return with_promises([claim])[0]


def claimable_children(user) -> list[tuple[int, str]]:
    """Children placed with the family now or before: (child id, name), the current ones first."""
    if not policies.is_family(user):
        return []
    seen: dict[int, str] = {}
    placements = Placement.objects.filter(household_id=user.household_id).select_related("child").order_by("ended_on", "-started_on")
    current, past = [], []
    for placement in placements:
        if placement.child_id in seen:
            continue
        seen[placement.child_id] = placement.child.called
        (current if placement.ended_on is None else past).append((placement.child_id, placement.child.called, placement.ended_on is not None))
    return [(pk, name, was) for pk, name, was in current + past]


def month_bounds(year: int, month: int) -> tuple[date, date] | None:
    """The first and last day of a month, or None when there is no such month worth showing."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Statement:
    first: date
    last: date
    board_payments: list = field(default_factory=list)
    paid_claims: list = field(default_factory=list)
    approved_claims: list = field(default_factory=list)
    previous: date | None = None
    following: date | None = None

    @property
    def board_total(self) -> Decimal:
        return sum((p.amount for p in self.board_payments), ZERO)

    @property
    def paid_claims_total(self) -> Decimal:
        return sum((c.amount for c in self.paid_claims), ZERO)

    @property
    def approved_claims_total(self) -> Decimal:
        return sum((c.amount for c in self.approved_claims), ZERO)

    @property
    def total(self) -> Decimal:
        return self.board_total + self.paid_claims_total


def family_statement(user, *, first: date, last: date, now: datetime) -> Statement:
    """One month for the household: its board payments, claims paid that month, claims approved and not yet paid."""
    today = business_days.local_date(now)
    board = policies.family_board_payments(user).filter(month=first).select_related("placement__child").order_by("placement__child__first_name", "pk")
    claims = policies.family_claims(user).select_related("child")
    paid = claims.filter(status=Claim.Status.PAID, paid_on__gte=first, paid_on__lte=last).order_by("paid_on", "pk")
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=business_days.agency_zone())
    approved = claims.filter(status=Claim.Status.APPROVED, decided_at__lt=end).order_by("decided_at", "pk")
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return Statement(
        first=first,
        last=last,
        board_payments=list(board),
        paid_claims=list(paid),
        approved_claims=list(approved),
        previous=previous if previous.year >= 2000 else None,
        following=following if following <= today.replace(day=1) else None,
    )


def current_mileage_rate(*, now: datetime):
    """The rate per mile in force today (None when none is set yet)."""
    from . import rates
    from .models import MileageRate

    try:
        return rates.mileage_rate(list(MileageRate.objects.all()), business_days.local_date(now))
    except rates.MissingRate:
        return None


@dataclass
class HistoryStep:
    event: ClaimEvent
    status_label: str
    reason_label: str
    who: str


def claim_history(claim: Claim) -> list[HistoryStep]:
    """Each step with its plain status, the reason's words and who took it (the family reads it)."""
    statuses = dict(Claim.Status.choices)
    info, denial = dict(Claim.InfoReason.choices), dict(Claim.DenialReason.choices)
    steps = []
    for event in claim.history.all():
        reasons = denial if event.status == Claim.Status.DENIED else info
        steps.append(
            HistoryStep(
                event=event,
                status_label=statuses.get(event.status, event.status),
                reason_label=reasons.get(event.reason, "") if event.reason else "",
                who=str(event.actor) if event.actor else "",
            )
        )
    return steps


def last_event(claim: Claim, status: str) -> ClaimEvent | None:
    found = [e for e in claim.history.all() if e.status == status]
    return found[-1] if found else None
