"""Every write about a family's money: board payments, the clothing allowance, claims, accounting files.

Each function is one transaction. A claim's decision and its payment are promises in the
ledger (standards "reimbursement-decision" and "payment-after-approval"; the clothing
allowance has its own), so the sweep reminds the clerk and escalates to the fiscal
supervisor. Every change to a payment is written to the audit log. Families are told of
each step by a notification that carries a link, never an amount or a child's name.
"""

from __future__ import annotations

import logging

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from placements.models import Child, Placement
from portal import business_days
from portal.accounts.models import Household, Role, User
from portal.audit.services import record_audit
from portal.followups.services import (
    hand_over_commitments_for,
    meet_commitments_for,
    meet_commitments_for_all,
    open_commitment,
    withdraw_commitments_for,
)
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications
from portal.satisfaction import services as surveys
from portal.satisfaction.models import Occasion

from . import policies, rates
from .models import (
    BoardPayment,
    BoardPaymentEvent,
    BoardRate,
    Claim,
    ClaimEvent,
    ClaimItem,
    ClothingAllowanceRate,
    MileageRate,
    PaymentImport,
    LevelOfCare,
    PlacementCare,
    Receipt,
)

logger = logging.getLogger(__name__)

DECISION_STANDARD = "reimbursement-decision"
PAYMENT_STANDARD = "payment-after-approval"
CLOTHING_STANDARD = "clothing-allowance"
MAX_AMOUNT = Decimal("10000.00")  # one claim line; more is a typing slip, not an expense
MAX_MILES = Decimal("1000")  # one trip
MAX_ITEMS = 40


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You cannot change this payment."))


def _clerk_for(household: Household) -> User | None:
    """The family's fiscal contact, or the first active clerk: every claim has someone to act on it."""
    if household.fiscal_contact_id and household.fiscal_contact.is_active:
        return household.fiscal_contact
    return policies.fiscal_clerks().first()


def _tell_family(household_id: int, kind: str, link: str, *, now: datetime, context: dict | None = None) -> None:
    members = User.objects.filter(household_id=household_id, role=Role.RESOURCE_PARENT, is_active=True)
    queue_notifications([NotificationSpec(recipient=m, kind=kind, context=context or {}, link=link) for m in members], now=now)


def claim_link(claim: Claim) -> str:
    return reverse("reimbursements:claim", args=[claim.pk])


def staff_claim_link(claim: Claim) -> str:
    return reverse("reimbursements:staff_claim", args=[claim.pk])


def _log(claim: Claim, *, status: str, actor: User | None, now: datetime, reason: str = "", note: str = "") -> ClaimEvent:
    return ClaimEvent.objects.create(claim=claim, at=now, actor=actor, status=status, reason=reason, note=note[:1000])


def _audit_claim(actor, claim: Claim, action: str, **detail) -> None:
    record_audit(actor=actor, action=f"claim.{action}", obj=claim, household_id=claim.household_id, status=claim.status, amount=str(claim.amount), **detail)


# --- Board payments ---------------------------------------------------------------------------


def expected_pay_date(month: date) -> date:
    following = rates.next_month(month)
    return business_days.nth_business_day_of_month(following.year, following.month, settings.PORTAL_BOARD_PAY_BUSINESS_DAY)


def _level(placement: Placement) -> str:
    try:
        return placement.care.level_of_care
    except PlacementCare.DoesNotExist:
        return LevelOfCare.BASIC


@dataclass
class GenerationResult:
    created: int = 0
    adjusted: int = 0
    unchanged: int = 0
    held_for_rate: int = 0
    flagged_paid: list[int] = field(default_factory=list)


def _compute(placement: Placement, month: date, board_rates: list[BoardRate]) -> tuple[rates.BoardMonth | None, str]:
    try:
        return (
            rates.board_for_month(
                month=month,
                started_on=placement.started_on,
                ended_on=placement.ended_on,
                date_of_birth=placement.child.date_of_birth,
                level=_level(placement),
                rates=board_rates,
            ),
            "",
        )
    except rates.MissingRate:
        return None, _("No board rate is set for this child's level of care and age yet. Fiscal staff have been told and will pay it once it is set.")


@transaction.atomic
def generate_board_payments(*, month: date, now: datetime | None = None, reason: str = "", placements=None) -> GenerationResult:
    """Create (or bring up to date) the board payment of every placement that covers ``month``.

    Idempotent: a second run finds each payment already right and changes nothing. A payment
    not yet paid out (scheduled or held) whose placement dates changed is recomputed and the
    reason recorded in its history; an approved, sent or paid one is never changed: it is
    flagged in its history for fiscal staff to settle by hand.
    """
    now = now or timezone.now()
    first, last = rates.month_bounds(month)
    board_rates = list(BoardRate.objects.all())
    candidates = Placement.objects.filter(started_on__lte=last).exclude(ended_on__lte=first)
    if placements is not None:
        candidates = candidates.filter(pk__in=[p.pk for p in placements])
    candidates = candidates.select_related("child", "care")
    existing = {p.placement_id: p for p in BoardPayment.objects.select_for_update().filter(month=first, placement__in=candidates)}
    result = GenerationResult()
    expected_on = expected_pay_date(first)
    for placement in candidates:
        computed, hold_reason = _compute(placement, first, board_rates)
        payment = existing.get(placement.pk)
        if payment is None:
            if computed is not None and computed.nights == 0:
                continue
            payment = BoardPayment(
                placement=placement, household_id=placement.household_id, month=first, expected_on=expected_on, created_at=now, updated_at=now
            )
            _apply_computation(payment, computed, hold_reason)
            payment.save()
            BoardPaymentEvent.objects.create(payment=payment, at=now, status=payment.status, note=payment.reason)
            result.created += 1
            result.held_for_rate += payment.held_for_rate
            continue
        if computed is None:
            changed = not payment.held_for_rate and payment.status != BoardPayment.Status.HELD
        else:
            changed = payment.held_for_rate or (payment.nights, payment.amount) != (computed.nights, computed.amount)
        if not changed:
            result.unchanged += 1
            continue
        if payment.status not in BoardPayment.UNPAID:
            note = _("The placement's dates changed after this payment was %(status)s; fiscal staff will settle the difference.") % {
                "status": payment.get_status_display().lower()
            }
            if not payment.history.filter(note=note).exists():
                BoardPaymentEvent.objects.create(payment=payment, at=now, status=payment.status, note=note)
                result.flagged_paid.append(payment.pk)
            continue
        before = payment.amount
        _apply_computation(payment, computed, hold_reason)
        payment.updated_at = now
        payment.save()
        why = reason or _("Recalculated from the placement's dates and the board rates.")
        BoardPaymentEvent.objects.create(
            payment=payment, at=now, status=payment.status,
            note=_("%(why)s Was $%(before)s, now $%(after)s.") % {"why": why, "before": before, "after": payment.amount},
        )
        record_audit(actor=None, action="board.adjusted", obj=payment, household_id=payment.household_id, before=str(before), after=str(payment.amount), why=why)
        result.adjusted += 1
    return result


def _apply_computation(payment: BoardPayment, computed, hold_reason: str) -> None:
    if computed is None:
        if payment.pk is None:
            payment.nights, payment.amount = 0, Decimal("0.00")
        if payment.status != BoardPayment.Status.HELD:  # a clerk's own hold keeps its reason
            payment.status, payment.reason, payment.held_for_rate = BoardPayment.Status.HELD, hold_reason, True
        return
    payment.nights, payment.breakdown, payment.amount = computed.nights, computed.segments, computed.amount
    if payment.held_for_rate:
        payment.status, payment.reason, payment.held_for_rate = BoardPayment.Status.SCHEDULED, "", False


def generate_due_board_payments(*, now: datetime | None = None) -> GenerationResult:
    """The beat job: last month (until it is paid) and this month, so families see what is coming."""
    now = now or timezone.now()
    today = business_days.local_date(now)
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    total = GenerationResult()
    for month in (last_month, this_month):
        result = generate_board_payments(month=month, now=now)
        total.created += result.created
        total.adjusted += result.adjusted
        total.unchanged += result.unchanged
        total.held_for_rate += result.held_for_rate
        total.flagged_paid += result.flagged_paid
    return total


def on_placement_dates_changed(*, placement: Placement, actor, now: datetime, reason: str, **kwargs) -> None:
    """The placement ended (or its dates were corrected): bring its unpaid months up to date, saying why."""
    months = set(BoardPayment.objects.filter(placement=placement).values_list("month", flat=True))
    if months:
        # A start moved earlier adds months; a later start or an earlier end empties some.
        month, this_month = placement.started_on.replace(day=1), business_days.local_date(now).replace(day=1)
        while month <= this_month:
            months.add(month)
            month = rates.next_month(month)
    for month in sorted(months):
        generate_board_payments(month=month, now=now, reason=reason, placements=[placement])


_BOARD_MOVES = {
    BoardPayment.Status.APPROVED: (BoardPayment.Status.SCHEDULED, BoardPayment.Status.HELD),
    BoardPayment.Status.SENT: (BoardPayment.Status.APPROVED,),
    BoardPayment.Status.HELD: (BoardPayment.Status.SCHEDULED, BoardPayment.Status.APPROVED),
    BoardPayment.Status.RETURNED: (BoardPayment.Status.SENT, BoardPayment.Status.PAID),
    BoardPayment.Status.SCHEDULED: (BoardPayment.Status.HELD, BoardPayment.Status.RETURNED),
}


@transaction.atomic
def move_board_payments(*, actor: User, payments, to: str, reason: str = "", now: datetime | None = None) -> int:
    """Approve, send, hold, release or mark returned many board payments at once; all or none."""
    now = now or timezone.now()
    _require(policies.is_fiscal(actor))
    if to not in _BOARD_MOVES:
        raise ValidationError(_("Choose what to do with the payments."))
    reason = (reason or "").strip()
    if to in (BoardPayment.Status.HELD, BoardPayment.Status.RETURNED) and not reason:
        raise ValidationError({"reason": _("Say in plain words why, so the family understands.")})
    locked = list(BoardPayment.objects.select_for_update().filter(pk__in=[p.pk for p in payments]).order_by("pk"))
    if not locked:
        raise ValidationError(_("Choose at least one payment."))
    wrong = [p for p in locked if p.status not in _BOARD_MOVES[to]]
    if wrong:
        raise ValidationError(
            _("%(count)s of the chosen payments cannot be marked “%(to)s” from where they are (%(refs)s). Nothing was changed.")
            % {"count": len(wrong), "to": BoardPayment.Status(to).label, "refs": ", ".join(p.reference for p in wrong[:10])}
        )
    for payment in locked:
        before = payment.status
        payment.status = to
        payment.reason = reason[:300] if to in (BoardPayment.Status.HELD, BoardPayment.Status.RETURNED) else ""
        payment.held_for_rate = False
        payment.updated_at = now
        BoardPaymentEvent.objects.create(payment=payment, at=now, actor=actor, status=to, note=reason[:500])
        record_audit(actor=actor, action="board.status", obj=payment, household_id=payment.household_id, before=before, after=to, amount=str(payment.amount))
    BoardPayment.objects.bulk_update(locked, ["status", "reason", "held_for_rate", "updated_at"])
    if to in (BoardPayment.Status.HELD, BoardPayment.Status.RETURNED):
        for household_id in {p.household_id for p in locked}:
            _tell_family(household_id, Notification.Kind.PAYMENT_CHANGED, reverse("reimbursements:family_money"), now=now)
    return len(locked)


# --- The clothing allowance -------------------------------------------------------------------


def on_placement_started(*, placement: Placement, actor, now: datetime, **kwargs) -> Claim | None:
    """Placing a child creates the initial clothing allowance, owed within its standard from day one."""
    try:
        amount = rates.clothing_amount(
            list(ClothingAllowanceRate.objects.all()), date_of_birth=placement.child.date_of_birth, placed_on=placement.started_on
        )
        note = ""
    except rates.MissingRate:
        amount, note = Decimal("0.00"), _("Fiscal staff will set the amount: the child's age or the allowance for it is not recorded yet.")
    claim = Claim.objects.create(
        household_id=placement.household_id,
        child=placement.child,
        placement=placement,
        kind=Claim.Kind.CLOTHING,
        status=Claim.Status.APPROVED,
        amount=amount,
        submitted_at=now,
        decided_at=now,
        clerk=_clerk_for(placement.household),
    )
    _log(claim, status=Claim.Status.APPROVED, actor=actor, now=now, note=note or _("Owed to you because a child was placed with you."))
    owner = claim.clerk or actor
    open_commitment(standard=CLOTHING_STANDARD, subject=claim, owner=owner, household=placement.household, actor=actor, now=now)
    _audit_claim(actor, claim, "clothing_created")
    return claim


# --- Claims by the family ---------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    on: date
    description: str
    amount: Decimal | None = None
    miles: Decimal | None = None
    from_place: str = ""
    to_place: str = ""
    event_id: int | None = None


class PossibleDuplicate(Exception):
    """The same child, date and amount is already claimed: the family confirms before it is sent."""

    def __init__(self, claims: list[Claim]):
        super().__init__("possible duplicate")
        self.claims = claims


def _price_items(kind: str, items: list[ItemInput], *, placement: Placement | None, today: date) -> list[ClaimItem]:
    if not items:
        raise ValidationError({"items": _("Add at least one trip or expense.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("A claim can have up to %(n)s lines; please send the rest in another claim.") % {"n": MAX_ITEMS}})
    mileage_rates = list(MileageRate.objects.all()) if kind == Claim.Kind.MILEAGE else []
    oldest = today - timedelta(days=settings.PORTAL_CLAIM_MAX_AGE_DAYS)
    priced = []
    for number, item in enumerate(items, start=1):
        where = _("Line %(n)s: ") % {"n": number}
        if not isinstance(item.on, date):
            raise ValidationError({"items": where + _("enter the date.")})
        if item.on > today:
            raise ValidationError({"items": where + _("the date cannot be in the future.")})
        if item.on < oldest:
            raise ValidationError({"items": where + _("expenses can be claimed up to %(n)s days after; this one is older.") % {"n": settings.PORTAL_CLAIM_MAX_AGE_DAYS}})
        if placement is not None and item.on < placement.started_on:
            raise ValidationError({"items": where + _("the date is before the child was placed with you (%(date)s).") % {"date": date_format(placement.started_on)}})
        description = (item.description or "").strip()
        if not description:
            raise ValidationError({"items": where + _("say what it was for.")})
        if kind == Claim.Kind.MILEAGE:
            miles = item.miles
            if miles is None or not isinstance(miles, Decimal) or not miles.is_finite() or miles <= 0:
                raise ValidationError({"items": where + _("enter the miles driven, more than 0.")})
            if miles > MAX_MILES:
                raise ValidationError({"items": where + _("%(miles)s miles is more than one trip can be; please check.") % {"miles": miles}})
            if not item.from_place.strip() or not item.to_place.strip():
                raise ValidationError({"items": where + _("say where the trip started and where it went.")})
            try:
                per_mile = rates.mileage_rate(mileage_rates, item.on)
            except rates.MissingRate:
                raise ValidationError({"items": where + _("there is no mileage rate for that date yet; please call your fiscal contact.")}) from None
            priced.append(
                ClaimItem(
                    on=item.on, description=description[:200], from_place=item.from_place.strip()[:200], to_place=item.to_place.strip()[:200],
                    miles=miles.quantize(Decimal("0.1")), rate=per_mile, amount=rates.mileage_amount(miles.quantize(Decimal("0.1")), per_mile),
                    event_id=item.event_id,
                )
            )
        else:
            amount = item.amount
            if amount is None or not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
                raise ValidationError({"items": where + _("enter the amount, more than $0.")})
            if amount.as_tuple().exponent < -2:
                raise ValidationError({"items": where + _("enter dollars and cents, for example 12.50.")})
            if amount > MAX_AMOUNT:
                raise ValidationError({"items": where + _("$%(amount)s is more than one expense can be; please check.") % {"amount": amount}})
            priced.append(ClaimItem(on=item.on, description=description[:200], amount=amount.quantize(rates.CENT)))
    return priced


def _check_events(items: list[ItemInput], *, household_id: int) -> None:
    """A trip may name a hearing, meeting or visit only of this family (a forged number is refused)."""
    from placements.events.models import Event

    named = {item.event_id for item in items if item.event_id is not None}
    if named and Event.objects.filter(pk__in=named, household_id=household_id).count() != len(named):
        raise ValidationError({"items": _("A trip names an event that is not yours. Please choose the trip again.")})


def _placement_for(user: User, child: Child | None) -> Placement | None:
    if child is None:
        return None
    placement = Placement.objects.filter(household_id=user.household_id, child=child).order_by("-started_on").first()
    if placement is None:
        raise ValidationError({"child": _("Choose a child who is or was placed with you.")})
    return placement


def possible_duplicates(*, household_id: int, child: Child | None, items: list[ClaimItem], exclude: Claim | None = None) -> list[Claim]:
    """Claims of the same family for the same child with a line on the same date for the same amount."""
    found = {}
    candidates = ClaimItem.objects.filter(claim__household_id=household_id, claim__child=child).exclude(claim__status=Claim.Status.DENIED)
    if exclude is not None:
        candidates = candidates.exclude(claim=exclude)
    for item in items:
        for match in candidates.filter(on=item.on, amount=item.amount).select_related("claim"):
            found[match.claim_id] = match.claim
    return list(found.values())


def _save_receipts(claim: Claim, receipts, *, user: User, now: datetime) -> None:
    for checked in receipts:
        receipt = Receipt(claim=claim, name=checked.name, content_type=checked.content_type, size=checked.size, uploaded_at=now, uploaded_by=user)
        receipt.file.save(checked.name, checked.file, save=False)
        receipt.save()


@transaction.atomic
def submit_claim(
    *,
    user: User,
    kind: str,
    items: list[ItemInput],
    child: Child | None = None,
    receipts=(),
    note: str = "",
    confirm_duplicate: bool = False,
    submission_key=None,
    now: datetime | None = None,
) -> Claim:
    now = now or timezone.now()
    _require(policies.is_family(user), _("Only a resource family can send a claim."))
    if kind not in Claim.Kind.values or kind == Claim.Kind.CLOTHING:
        raise ValidationError({"kind": _("Choose what the claim is for.")})
    if submission_key is not None:
        earlier = Claim.objects.filter(submission_key=submission_key, household_id=user.household_id).first()
        if earlier is not None:
            return earlier
    if kind in (Claim.Kind.CHILD_CARE, Claim.Kind.SCHOOL_FEES) and child is None:
        raise ValidationError({"child": _("Choose the child this is for.")})
    placement = _placement_for(user, child)
    _check_events(items, household_id=user.household_id)
    priced = _price_items(kind, items, placement=placement, today=business_days.local_date(now))
    if kind != Claim.Kind.MILEAGE and not receipts:
        raise ValidationError({"receipts": _("Add a photo or PDF of the receipt.")})
    if not confirm_duplicate:
        duplicates = possible_duplicates(household_id=user.household_id, child=child, items=priced)
        if duplicates:
            raise PossibleDuplicate(duplicates)
    household = user.household
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                household=household, child=child, placement=placement, kind=kind, amount=sum((i.amount for i in priced), Decimal("0.00")),
                submitted_by=user, submitted_at=now, submission_key=submission_key, clerk=_clerk_for(household),
            )
    except IntegrityError:
        # The same form, sent twice at once: the first one made the claim. Another family's key finds nothing.
        earlier = Claim.objects.filter(submission_key=submission_key, household_id=user.household_id).first()
        if earlier is None:
            raise ValidationError(_("This form was already used. Please open a new claim form.")) from None
        return earlier
    for item in priced:
        item.claim = claim
    ClaimItem.objects.bulk_create(priced)
    _save_receipts(claim, receipts, user=user, now=now)
    _log(claim, status=Claim.Status.SUBMITTED, actor=user, now=now, note=(note or "").strip())
    if claim.clerk is not None:
        open_commitment(standard=DECISION_STANDARD, subject=claim, owner=claim.clerk, household=household, actor=user, now=now)
    _audit_claim(user, claim, "submitted")
    _tell_family(household.pk, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    return claim


@transaction.atomic
def resubmit_claim(
    *, user: User, claim: Claim, items: list[ItemInput] | None = None, receipts=(), note: str = "", now: datetime | None = None
) -> Claim:
    """The family fixed what fiscal staff asked for: the claim goes back, with a new decision promise."""
    now = now or timezone.now()
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _require(policies.can_change_claim(user, claim), _("This claim is not waiting for anything from you."))
    note = (note or "").strip()
    if items is None and not receipts and not note:
        raise ValidationError({"note": _("Add what was asked for: a receipt, a change, or a note.")})
    if items is not None:
        _check_events(items, household_id=claim.household_id)
        priced = _price_items(claim.kind, items, placement=claim.placement, today=business_days.local_date(now))
        claim.items.all().delete()
        for item in priced:
            item.claim = claim
        ClaimItem.objects.bulk_create(priced)
        claim.amount = sum((i.amount for i in priced), Decimal("0.00"))
    _save_receipts(claim, receipts, user=user, now=now)
    claim.status, claim.info_reason = Claim.Status.SUBMITTED, ""
    claim.save(update_fields=["status", "info_reason", "amount"])
    _log(claim, status=Claim.Status.SUBMITTED, actor=user, now=now, note=note or _("Sent again with the changes asked for."))
    owner = claim.clerk or _clerk_for(claim.household)
    if owner is not None:
        open_commitment(standard=DECISION_STANDARD, subject=claim, owner=owner, household=claim.household, actor=user, now=now)
    _audit_claim(user, claim, "resubmitted")
    return claim


# --- The fiscal workflow ----------------------------------------------------------------------


def _lock_for_fiscal(actor: User, claim: Claim, allowed: tuple[str, ...], doing: str) -> Claim:
    _require(policies.can_work_claims(actor), _("Only fiscal staff work on claims."))
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status not in allowed:
        last = claim.history.order_by("-at", "-pk").select_related("actor").first()
        raise ValidationError(
            _("This claim cannot be %(doing)s: it is “%(status)s” since %(when)s (%(who)s). Reload to see it.")
            % {
                "doing": doing,
                "status": claim.get_status_display(),
                "when": date_format(timezone.localtime(last.at, business_days.agency_zone()), "DATETIME_FORMAT") if last else "",
                "who": str(last.actor) if last and last.actor else _("the portal"),
            }
        )
    return claim


@transaction.atomic
def take_claim(*, actor: User, claim: Claim, now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    claim = _lock_for_fiscal(actor, claim, Claim.WITH_FISCAL, _("taken"))
    claim.status, claim.clerk = Claim.Status.IN_REVIEW, actor
    claim.save(update_fields=["status", "clerk"])
    hand_over_commitments_for(subject=claim, to_owner=actor, actor=actor, now=now)
    _log(claim, status=claim.status, actor=actor, now=now)
    _audit_claim(actor, claim, "taken")
    _tell_family(claim.household_id, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    return claim


@transaction.atomic
def reassign_claim(*, actor: User, claim: Claim, to: User, note: str = "", now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    _require(policies.can_reassign(actor))
    if to.role != Role.FISCAL or not to.is_active:
        raise ValidationError({"to": _("Choose an active fiscal clerk.")})
    claim = _lock_for_fiscal(actor, claim, Claim.OPEN, _("handed over"))
    claim.clerk = to
    claim.save(update_fields=["clerk"])
    hand_over_commitments_for(subject=claim, to_owner=to, actor=actor, note=note, now=now)
    _audit_claim(actor, claim, "reassigned", to=to.pk)
    return claim


@transaction.atomic
def ask_for_information(*, actor: User, claim: Claim, reason: str, note: str, now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    claim = _lock_for_fiscal(actor, claim, Claim.WITH_FISCAL, _("sent back"))
    if reason not in Claim.InfoReason.values:
        raise ValidationError({"reason": _("Choose what is needed.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say in plain words what the family should send or change.")})
    claim.status, claim.info_reason = Claim.Status.MORE_INFO, reason
    claim.save(update_fields=["status", "info_reason"])
    # The agency owes nothing while it waits for the family; a new promise starts when they resubmit.
    withdraw_commitments_for(subject=claim, actor=actor, reason=_("More information asked from the family."), now=now)
    _log(claim, status=claim.status, actor=actor, now=now, reason=reason, note=note)
    _audit_claim(actor, claim, "more_info", reason=reason)
    _tell_family(claim.household_id, Notification.Kind.CLAIM_NEEDS_INFO, claim_link(claim), now=now)
    return claim


@transaction.atomic
def approve_claim(*, actor: User, claim: Claim, amount: Decimal | None = None, note: str = "", now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    claim = _lock_for_fiscal(actor, claim, Claim.WITH_FISCAL, _("approved"))
    note = (note or "").strip()
    if amount is not None and amount != claim.amount:
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount > claim.amount and claim.kind != Claim.Kind.CLOTHING:
            raise ValidationError({"amount": _("An approved amount is more than $0 and not more than what was claimed.")})
        if not note:
            raise ValidationError({"note": _("Say why the approved amount differs from what was claimed.")})
        note = _("Approved $%(amount)s of $%(claimed)s. %(note)s") % {"amount": amount, "claimed": claim.amount, "note": note}
        claim.amount = amount.quantize(rates.CENT)
    claim.status, claim.decided_at, claim.clerk = Claim.Status.APPROVED, now, claim.clerk or actor
    claim.save(update_fields=["status", "decided_at", "clerk", "amount"])
    meet_commitments_for(subject=claim, actor=actor, now=now, standard=DECISION_STANDARD)
    open_commitment(standard=PAYMENT_STANDARD, subject=claim, owner=claim.clerk, household=claim.household, actor=actor, now=now)
    _log(claim, status=claim.status, actor=actor, now=now, note=note)
    _audit_claim(actor, claim, "approved")
    _tell_family(claim.household_id, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    return claim


@transaction.atomic
def deny_claim(*, actor: User, claim: Claim, reason: str, note: str, now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    claim = _lock_for_fiscal(actor, claim, Claim.WITH_FISCAL, _("refused"))
    if reason not in Claim.DenialReason.values:
        raise ValidationError({"reason": _("Choose why it is not approved.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Explain the decision in plain words; the family reads it.")})
    claim.status, claim.denial_reason, claim.decided_at = Claim.Status.DENIED, reason, now
    claim.save(update_fields=["status", "denial_reason", "decided_at"])
    meet_commitments_for(subject=claim, actor=actor, now=now, standard=DECISION_STANDARD)
    _log(claim, status=claim.status, actor=actor, now=now, reason=reason, note=note)
    _audit_claim(actor, claim, "denied", reason=reason)
    _tell_family(claim.household_id, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    return claim


@transaction.atomic
def set_allowance_amount(*, actor: User, claim: Claim, amount: Decimal, note: str, now: datetime | None = None) -> Claim:
    """Fiscal staff set or correct the clothing allowance before it is paid (the child's age was not known)."""
    now = now or timezone.now()
    claim = _lock_for_fiscal(actor, claim, (Claim.Status.APPROVED,), _("changed"))
    if claim.kind != Claim.Kind.CLOTHING:
        raise ValidationError({"amount": _("Only the clothing allowance's amount is set here; a claim's amount is set when it is approved.")})
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("Enter an amount more than $0 and up to $%(max)s.") % {"max": MAX_AMOUNT}})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how the amount was set; the family reads it.")})
    before = claim.amount
    claim.amount = amount.quantize(rates.CENT)
    claim.save(update_fields=["amount"])
    _log(claim, status=claim.status, actor=actor, now=now, note=_("Amount set to $%(amount)s. %(note)s") % {"amount": claim.amount, "note": note})
    _audit_claim(actor, claim, "amount_set", before=str(before))
    _tell_family(claim.household_id, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    return claim


def _check_payment(paid_on: date | None, number: str, *, today: date) -> str:
    if paid_on is None:
        raise ValidationError({"paid_on": _("Enter the date it was paid.")})
    if paid_on > today:
        raise ValidationError({"paid_on": _("The paid date cannot be in the future.")})
    number = (number or "").strip()
    if not number:
        raise ValidationError({"payment_number": _("Enter the cheque or EFT number.")})
    return number[:40]


@transaction.atomic
def mark_claim_paid(*, actor: User, claim: Claim, paid_on: date, payment_number: str, now: datetime | None = None) -> Claim:
    now = now or timezone.now()
    number = _check_payment(paid_on, payment_number, today=business_days.local_date(now))
    claim = _lock_for_fiscal(actor, claim, (Claim.Status.APPROVED,), _("marked paid"))
    claim.status, claim.paid_on, claim.payment_number = Claim.Status.PAID, paid_on, number
    claim.save(update_fields=["status", "paid_on", "payment_number"])
    meet_commitments_for(subject=claim, actor=actor, now=now)
    _log(claim, status=claim.status, actor=actor, now=now, note=_("Paid on %(date)s, number %(number)s.") % {"date": date_format(paid_on), "number": number})
    _audit_claim(actor, claim, "paid", paid_on=paid_on.isoformat(), payment_number=number)
    _tell_family(claim.household_id, Notification.Kind.CLAIM_CHANGED, claim_link(claim), now=now)
    surveys.ask_family(occasion=Occasion.CLAIM_PAID, household=claim.household, now=now)
    return claim


@dataclass
class BulkResult:
    done: list[Claim] = field(default_factory=list)
    refused: list[tuple[Claim, str]] = field(default_factory=list)


def act_on_claims(*, actor: User, claims, action: str, now: datetime | None = None) -> BulkResult:
    """Take or approve many claims at once; each in its own transaction, each refusal reported by reference."""
    now = now or timezone.now()
    _require(policies.can_work_claims(actor), _("Only fiscal staff work on claims."))
    do = {"take": take_claim, "approve": approve_claim}.get(action)
    if do is None:
        raise ValidationError(_("Choose what to do with the chosen claims."))
    result = BulkResult()
    for claim in claims:
        try:
            result.done.append(do(actor=actor, claim=claim, now=now))
        except ValidationError as error:
            result.refused.append((claim, " ".join(error.messages)))
    return result


# --- Accounting import ------------------------------------------------------------------------

IMPORT_COLUMNS = ("reference", "paid_date", "amount", "payment_number")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass
class ImportRow:
    line: int
    reference: str
    paid_on: date | None = None
    amount: Decimal | None = None
    payment_number: str = ""
    error: str = ""
    change: str = ""  # "pay", "already", "" when bad
    target: object = None


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if r.error]

    @property
    def to_pay(self) -> list[ImportRow]:
        return [r for r in self.rows if r.change == "pay"]

    @property
    def already(self) -> list[ImportRow]:
        return [r for r in self.rows if r.change == "already"]


def read_csv_text(raw: bytes) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than 5 MB. Split it by month and upload each part."))
    if b"\x00" in raw[:4096]:
        raise ValidationError(_("This is not a CSV text file. Export the payments from the accounting system as CSV."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not in UTF-8. In the accounting system, export as “CSV UTF-8”.")) from None


def _parse_rows(text: str) -> list[ImportRow]:
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ValidationError(_("The file is empty.")) from None
    if tuple(header) != IMPORT_COLUMNS:
        raise ValidationError(
            _("The columns must be exactly: %(expected)s. This file has: %(found)s.")
            % {"expected": ", ".join(IMPORT_COLUMNS), "found": ", ".join(header) or _("no columns")}
        )
    rows = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            row = ImportRow(line=line, reference=(values[0].strip().upper() if values else ""))
            rows.append(row)
            if len(values) != len(IMPORT_COLUMNS):
                row.error = _("has %(n)s values; 4 are needed.") % {"n": len(values)}
                continue
            try:
                row.paid_on = date.fromisoformat(values[1].strip())
            except ValueError:
                row.error = _("the paid date “%(value)s” is not a date like 2026-11-23.") % {"value": values[1].strip()[:20]}
                continue
            raw_amount = values[2].strip().replace("$", "").replace(",", "")
            try:
                row.amount = Decimal(raw_amount)
                if not row.amount.is_finite() or row.amount.as_tuple().exponent < -2:
                    raise ValueError
            except (ArithmeticError, ValueError):
                row.error = _("the amount “%(value)s” is not dollars and cents.") % {"value": values[2].strip()[:20]}
                continue
            row.payment_number = values[3].strip()[:40]
            if not row.payment_number:
                row.error = _("the cheque or EFT number is missing.")
    except csv.Error as error:
        raise ValidationError(_("The file is not a well-formed CSV (%(error)s).") % {"error": error}) from None
    return rows


def _ref_pk(reference: str, prefix: str) -> int | None:
    if reference.startswith(prefix) and reference[len(prefix):].isdigit():
        return int(reference[len(prefix):])
    return None


def preview_import(text: str, *, today: date) -> ImportPreview:
    """Check every row against what the portal holds; nothing is written."""
    rows = _parse_rows(text)
    claim_ids = {pk for r in rows if (pk := _ref_pk(r.reference, "C-"))}
    board_ids = {pk for r in rows if (pk := _ref_pk(r.reference, "B-"))}
    claims = Claim.objects.in_bulk(claim_ids)
    boards = BoardPayment.objects.in_bulk(board_ids)
    seen: dict[str, int] = {}
    for row in rows:
        if row.error:
            continue
        if row.reference in seen:
            row.error = _("the reference %(ref)s is also on line %(line)s.") % {"ref": row.reference, "line": seen[row.reference]}
            continue
        seen[row.reference] = row.line
        target = claims.get(_ref_pk(row.reference, "C-")) or boards.get(_ref_pk(row.reference, "B-"))
        if target is None:
            row.error = _("no claim or board payment has the reference “%(ref)s”.") % {"ref": row.reference[:20]}
            continue
        row.target = target
        if row.paid_on > today:
            row.error = _("the paid date %(date)s is in the future.") % {"date": row.paid_on.isoformat()}
        elif row.amount != target.amount:
            row.error = _("the amount $%(file)s does not match the portal's $%(portal)s.") % {"file": row.amount, "portal": target.amount}
        elif target.status == "paid":
            if (target.paid_on, target.payment_number) == (row.paid_on, row.payment_number):
                row.change = "already"
            else:
                row.error = _("it is already recorded as paid on %(date)s with number %(number)s.") % {"date": target.paid_on, "number": target.payment_number}
        elif isinstance(target, Claim) and target.status != Claim.Status.APPROVED:
            row.error = _("the claim is “%(status)s”, not approved, so it cannot be paid.") % {"status": target.get_status_display()}
        elif isinstance(target, BoardPayment) and target.status not in (BoardPayment.Status.APPROVED, BoardPayment.Status.SENT):
            row.error = _("the board payment is “%(status)s”; only approved or sent payments can be paid.") % {"status": target.get_status_display()}
        else:
            row.change = "pay"
    return ImportPreview(rows=rows)


@transaction.atomic
def upload_import(*, actor: User, name: str, raw: bytes, now: datetime | None = None) -> tuple[PaymentImport, ImportPreview]:
    now = now or timezone.now()
    _require(policies.is_fiscal(actor), _("Only fiscal staff import payments."))
    text = read_csv_text(raw)
    preview = preview_import(text, today=business_days.local_date(now))
    batch = PaymentImport.objects.create(
        uploaded_by=actor, uploaded_at=now, name=(name or "payments.csv")[:200], sha256=hashlib.sha256(raw).hexdigest(),
        content=text, rows=len(preview.rows), bad_rows=len(preview.bad),
    )
    return batch, preview


def _set_paid_rows(model, values: list[tuple]) -> None:
    """One prepared UPDATE run for every row (executemany): bulk_update builds a CASE per row and field,
    which costs seconds per thousand rows in Python before the database sees it."""
    if not values:
        return
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET {quote('paid_on')} = %s, {quote('payment_number')} = %s WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


@transaction.atomic
def apply_import(*, actor: User, batch: PaymentImport, now: datetime | None = None) -> int:
    """Apply every good row or none. Refused if any row is bad now; the same file twice changes nothing."""
    now = now or timezone.now()
    _require(policies.is_fiscal(actor), _("Only fiscal staff import payments."))
    batch = PaymentImport.objects.select_for_update().get(pk=batch.pk)
    if batch.applied_at is not None:
        raise ValidationError(_("This file was already applied on %(when)s. Nothing was changed again.") % {"when": date_format(timezone.localtime(batch.applied_at, business_days.agency_zone()), "DATETIME_FORMAT")})
    # Lock what the rows touch, then check again: a clerk may have paid one by hand since the preview.
    preview = preview_import(batch.content, today=business_days.local_date(now))
    claim_ids = [r.target.pk for r in preview.to_pay if isinstance(r.target, Claim)]
    board_ids = [r.target.pk for r in preview.to_pay if isinstance(r.target, BoardPayment)]
    list(Claim.objects.select_for_update().filter(pk__in=claim_ids))
    list(BoardPayment.objects.select_for_update().filter(pk__in=board_ids))
    preview = preview_import(batch.content, today=business_days.local_date(now))
    if preview.bad:
        raise ValidationError(
            _("%(count)s rows cannot be applied (first: line %(line)s, %(error)s). Fix the file and upload it again; nothing was changed.")
            % {"count": len(preview.bad), "line": preview.bad[0].line, "error": preview.bad[0].error}
        )
    claims, boards = [], []
    for row in preview.to_pay:
        target = row.target
        target.paid_on, target.payment_number, target.status = row.paid_on, row.payment_number, "paid"
        (claims if isinstance(target, Claim) else boards).append(target)
    # What differs per row (date, number) goes in bulk; what is the same for all in one UPDATE per thousand.
    for model, rows in ((Claim, claims), (BoardPayment, boards)):
        _set_paid_rows(model, [(row.paid_on, row.payment_number, row.pk) for row in rows])
    for model, rows, fields in ((Claim, claims, {"status": Claim.Status.PAID}), (BoardPayment, boards, {"status": BoardPayment.Status.PAID, "updated_at": now})):
        ids = [row.pk for row in rows]
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(**fields)
    # The family reads these notes: the date and the number, not the agency's file name (that is in the audit log).
    def paid_note(target) -> str:
        return _("Paid on %(date)s, number %(number)s.") % {"date": date_format(target.paid_on), "number": target.payment_number}

    ClaimEvent.objects.bulk_create(
        [ClaimEvent(claim=c, at=now, actor=actor, status=Claim.Status.PAID, note=paid_note(c)) for c in claims], batch_size=1000
    )
    BoardPaymentEvent.objects.bulk_create(
        [BoardPaymentEvent(payment=b, at=now, actor=actor, status=BoardPayment.Status.PAID, note=paid_note(b)) for b in boards], batch_size=1000
    )
    from portal.audit.models import AuditEntry

    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor, action="claim.paid" if isinstance(t, Claim) else "board.paid", object_type=t._meta.label_lower, object_id=str(t.pk),
                household_id=t.household_id, detail={"amount": str(t.amount), "paid_on": t.paid_on.isoformat(), "payment_number": t.payment_number, "import": batch.pk},
            )
            for t in [*claims, *boards]
        ],
        batch_size=1000,
    )
    meet_commitments_for_all(subjects=claims, actor=actor, now=now)
    batch.applied_at, batch.applied_by, batch.changed = now, actor, len(claims) + len(boards)
    batch.save(update_fields=["applied_at", "applied_by", "changed"])
    link = reverse("reimbursements:family_money")
    households = {t.household_id for t in [*claims, *boards]}
    members = User.objects.filter(household_id__in=households, role=Role.RESOURCE_PARENT, is_active=True)
    queue_notifications([NotificationSpec(recipient=m, kind=Notification.Kind.PAYMENT_CHANGED, link=link) for m in members], now=now)
    # Families whose claims were paid are asked how it went: after the commit, by the worker, so a file of
    # thousands of claims is applied as fast as before (each family once a month at most, as always).
    paid_families = sorted({claim.household_id for claim in claims})
    if paid_families:
        transaction.on_commit(lambda: _ask_paid_families(paid_families))
    return batch.changed


def _ask_paid_families(household_ids: list[int]) -> None:
    from portal.satisfaction.tasks import ask_families_task

    try:
        ask_families_task.delay(Occasion.CLAIM_PAID, household_ids)
    except Exception:  # the broker is down: a survey is not worth failing a payment file for
        logger.warning("Could not queue the surveys of %d paid families.", len(household_ids))
