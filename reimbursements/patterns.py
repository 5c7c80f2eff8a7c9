"""Where payments and paperwork go wrong: the fiscal patterns dashboard's figures.

Each figure is a handful of aggregate queries, whatever the number of claims: ageing of the
claims still open (business days since received, from the one calendar), promises kept late or
still overdue by county, kind of claim and clerk (from the ledger), the reasons fiscal staff
most often send a claim back, and the average days from received to paid by month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from portal import business_days
from portal.followups.models import Commitment

from .models import Claim, ClaimEvent
from .services import CLOTHING_STANDARD, DECISION_STANDARD, PAYMENT_STANDARD

MONEY_STANDARDS = (DECISION_STANDARD, PAYMENT_STANDARD, CLOTHING_STANDARD)
BUCKETS = ((0, 5), (6, 10), (11, 20), (21, None))


@dataclass
class Row:
    label: str
    value: float | int
    count: int = 0  # how many claims an average is over


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("More than %(n)s business days") % {"n": low - 1}
    return _("%(low)s–%(high)s business days") % {"low": low, "high": high}


def ageing(*, now: datetime) -> list[Row]:
    """Open claims by business days since they were received (the clothing allowance from the placement)."""
    received = list(Claim.objects.filter(status__in=Claim.OPEN).values_list("submitted_at", flat=True))
    ages = business_days.business_days_elapsed_each(received, now)
    rows = []
    for low, high in BUCKETS:
        rows.append(Row(_bucket_label(low, high), sum(1 for age in ages if age >= low and (high is None or age <= high))))
    return rows


def _late_promises(*, now: datetime, since: datetime):
    """The money promises kept late, or still open past their deadline, opened since ``since``."""
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(Claim),
        standard__code__in=MONEY_STANDARDS,
        opened_at__gte=since,
    ).filter(Q(status=Commitment.Status.MET, late=True) | Q(status=Commitment.Status.OPEN, due_at__lt=now))


def late_by(*, now: datetime, since: datetime) -> dict[str, list[Row]]:
    """Late promises counted by the family's county, the kind of claim and the clerk who had them."""
    late_ids = _late_promises(now=now, since=since).values("subject_id")
    claims = Claim.objects.filter(pk__in=late_ids)
    kinds = dict(Claim.Kind.choices)
    by_county = claims.values("household__county__name").annotate(n=Count("pk")).order_by("-n", "household__county__name")
    by_kind = claims.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    by_clerk = (
        _late_promises(now=now, since=since)
        .values("owner__title", "owner__first_name", "owner__last_name")
        .annotate(n=Count("subject_id", distinct=True))
        .order_by("-n", "owner__last_name")
    )
    return {
        "county": [Row(r["household__county__name"] or _("No county"), r["n"]) for r in by_county],
        "kind": [Row(str(kinds.get(r["kind"], r["kind"])), r["n"]) for r in by_kind],
        "clerk": [
            Row(" ".join(part for part in (r["owner__title"], r["owner__last_name"] or r["owner__first_name"]) if part) or _("Nobody"), r["n"])
            for r in by_clerk
        ],
    }


def info_reasons(*, since: datetime) -> list[Row]:
    """Why claims were sent back for more information, most frequent first."""
    labels = dict(Claim.InfoReason.choices)
    counted = (
        ClaimEvent.objects.filter(status=Claim.Status.MORE_INFO, at__gte=since)
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")
    )
    return [Row(str(labels.get(r["reason"], r["reason"] or _("Not given"))), r["n"]) for r in counted]


def days_to_pay(*, today: date, months: int = 12) -> list[Row]:
    """Average calendar days from received to paid, by the month the claims were paid (the last ``months``)."""
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    paid = Claim.objects.filter(status=Claim.Status.PAID, paid_on__gte=first, paid_on__lte=today).exclude(kind=Claim.Kind.CLOTHING)
    totals: dict[date, list[int]] = {}
    for submitted_at, paid_on in paid.values_list("submitted_at", "paid_on").iterator(chunk_size=2000):
        month = paid_on.replace(day=1)
        days = (paid_on - business_days.local_date(submitted_at)).days
        totals.setdefault(month, []).append(max(days, 0))
    rows = []
    for month in sorted(totals):
        days = totals[month]
        rows.append(Row(month.strftime("%Y-%m"), round(sum(days) / len(days), 1), len(days)))
    return rows
