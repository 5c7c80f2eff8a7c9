"""Reads for the fiscal staff's pages, each scoped by ``policies`` (anyone else gets nothing, hence a 404).

The "when" of a claim is the ledger's: the open commitment's ``due_at`` and ``owner``. Nothing
here computes a deadline; the age of a claim comes from ``portal.business_days``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from portal import business_days
from portal.followups.models import Commitment

from . import policies, services
from .models import BoardPayment, Claim, PaymentImport

QUEUE_STATUSES = (Claim.Status.SUBMITTED, Claim.Status.IN_REVIEW, Claim.Status.APPROVED)


def _open_commitments(model) -> QuerySet[Commitment]:
    return Commitment.objects.filter(subject_type=ContentType.objects.get_for_model(model), status=Commitment.Status.OPEN)


def queue_claims(user, *, status: str = "", kind: str = "", clerk=None, mine: bool = False) -> QuerySet[Claim]:
    """Claims fiscal staff owe something on, the soonest ledger deadline first (none last, then oldest)."""
    next_due = _open_commitments(Claim).filter(subject_id=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
    claims = policies.staff_claims(user).filter(status__in=QUEUE_STATUSES)
    if status:
        claims = claims.filter(status=status)
    if kind:
        claims = claims.filter(kind=kind)
    if clerk is not None:
        claims = claims.filter(clerk=clerk)
    if mine:
        claims = claims.filter(clerk=user)
    return (
        claims.select_related("household", "clerk")
        .annotate(next_due=Subquery(next_due))
        .order_by(F("next_due").asc(nulls_last=True), "submitted_at", "pk")
    )


def commitments_for(claims) -> dict[int, Commitment]:
    """The open promise of each listed claim (the soonest if several), in one query."""
    ids = [claim.pk for claim in claims]
    found: dict[int, Commitment] = {}
    if not ids:
        return found
    for commitment in _open_commitments(Claim).filter(subject_id__in=ids).select_related("owner", "standard").order_by("-due_at"):
        found[commitment.subject_id] = commitment  # ordered latest first, so the soonest wins
    return found


@dataclass
class QueueRow:
    claim: Claim
    commitment: Commitment | None
    age: int
    overdue: bool


def queue_rows(claims, *, now: datetime) -> list[QueueRow]:
    claims = list(claims)
    promises = commitments_for(claims)
    ages = business_days.business_days_elapsed_each([claim.submitted_at for claim in claims], now)
    rows = []
    for claim, age in zip(claims, ages):
        commitment = promises.get(claim.pk)
        rows.append(QueueRow(claim=claim, commitment=commitment, age=age, overdue=commitment is not None and commitment.due_at < now))
    return rows


def staff_claim(user, pk: int) -> Claim:
    return get_object_or_404(
        policies.staff_claims(user).select_related("household", "clerk", "child", "submitted_by").prefetch_related("items", "receipts"),
        pk=pk,
    )


def claim_history(claim: Claim) -> list:
    """Each step, with its reason in words (the code names a choice of the status it moved to)."""
    events = list(claim.history.select_related("actor").order_by("at", "pk"))
    for event in events:
        choices = Claim.DenialReason if event.status == Claim.Status.DENIED else Claim.InfoReason
        event.reason_label = choices(event.reason).label if event.reason in choices.values else ""
    return events


def claim_commitment(claim: Claim) -> Commitment | None:
    return commitments_for([claim]).get(claim.pk)


def board_payments(user, *, month: date | None = None, status: str = "") -> QuerySet[BoardPayment]:
    payments = policies.staff_board_payments(user).select_related("household")
    if month is not None:
        payments = payments.filter(month=month)
    if status:
        payments = payments.filter(status=status)
    return payments.order_by("-month", "household__name", "pk")


def staff_board_payment(user, pk: int) -> BoardPayment:
    return get_object_or_404(policies.staff_board_payments(user).select_related("household"), pk=pk)


def board_history(payment: BoardPayment):
    return payment.history.select_related("actor").order_by("at", "pk")


def _imports(user) -> QuerySet[PaymentImport]:
    return PaymentImport.objects.all() if policies.is_fiscal(user) else PaymentImport.objects.none()


def recent_imports(user, *, limit: int = 10) -> list[PaymentImport]:
    return list(_imports(user).select_related("uploaded_by", "applied_by").order_by("-uploaded_at", "-pk")[:limit])


def staff_import(user, pk: int) -> PaymentImport:
    return get_object_or_404(_imports(user).select_related("uploaded_by", "applied_by"), pk=pk)


def import_preview(batch: PaymentImport, *, now: datetime) -> services.ImportPreview:
    """What applying the file would do now (re-read: a clerk may have paid a claim by hand since the upload)."""
    return services.preview_import(batch.content, today=business_days.local_date(now))


# --- Export ---------------------------------------------------------------------------------

EXPORT_HEADER = ["reference", "family", "kind", "month", "status", "amount", "submitted_on", "decided_on", "expected_on", "paid_on", "payment_number"]


def _day(moment: datetime | None) -> str:
    return business_days.local_date(moment).isoformat() if moment else ""


def export_rows(user, *, what: str, since: date, until: date):
    """Rows for the accounting export: claims received and board months falling in [since, until]."""
    if what in ("claims", "all"):
        start = business_days.local_datetime(since, time(0))
        end = business_days.local_datetime(until + timedelta(days=1), time(0))
        claims = policies.staff_claims(user).filter(submitted_at__gte=start, submitted_at__lt=end).select_related("household").order_by("submitted_at", "pk")
        for claim in claims.iterator(chunk_size=2000):
            yield [
                claim.reference, claim.household.name, claim.kind, "", claim.status, str(claim.amount),
                _day(claim.submitted_at), _day(claim.decided_at), "", claim.paid_on.isoformat() if claim.paid_on else "", claim.payment_number,
            ]
    if what in ("board", "all"):
        payments = (
            policies.staff_board_payments(user)
            .filter(month__range=(since.replace(day=1), until))
            .select_related("household")
            .order_by("month", "pk")
        )
        for payment in payments.iterator(chunk_size=2000):
            yield [
                payment.reference, payment.household.name, "board", payment.month.strftime("%Y-%m"), payment.status, str(payment.amount),
                _day(payment.created_at), "", payment.expected_on.isoformat(), payment.paid_on.isoformat() if payment.paid_on else "",
                payment.payment_number,
            ]
