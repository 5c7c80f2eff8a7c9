"""Money the agency owes a resource family: board payments, the clothing allowance and claims.

Every amount is a ``Decimal`` in dollars and cents (``DecimalField``), never a float. Board
is paid per night a child spends with the family (the day a child arrives counts, the day
they leave does not), at the daily rate for the child's level of care and age on that
night, so a month is prorated exactly and a rate that changes mid-month splits the month.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.files import private_path

CENT = Decimal("0.01")
money = dict(max_digits=10, decimal_places=2)


class LevelOfCare(models.TextChoices):
    BASIC = "basic", _("Basic")
    MODERATE = "moderate", _("Moderate")
    SPECIALIZED = "specialized", _("Specialized")
    INTENSIVE = "intensive", _("Intensive")


class BoardRate(models.Model):
    """A daily board rate for a level of care and an age band, from a date on (the administrator keeps it)."""

    level_of_care = models.CharField(_("level of care"), max_length=20, choices=LevelOfCare.choices)
    min_age = models.PositiveSmallIntegerField(_("from age"), help_text=_("The youngest age (in whole years) this rate is for."))
    max_age = models.PositiveSmallIntegerField(_("to age"), help_text=_("The oldest age (in whole years) this rate is for."))
    daily_rate = models.DecimalField(_("daily rate"), validators=[MinValueValidator(Decimal("0.01"))], **money)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("board rate")
        verbose_name_plural = _("board rates")
        ordering = ["level_of_care", "min_age", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["level_of_care", "min_age", "effective_from"], name="one_rate_per_band_and_date"),
            models.CheckConstraint(condition=Q(max_age__gte=models.F("min_age")), name="rate_age_band_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_of_care_display()} {self.min_age}–{self.max_age}: ${self.daily_rate}/day from {self.effective_from}"


class PlacementCare(models.Model):
    """The level of care the agency pays a placement at (assessed by the caseworker; basic unless set)."""

    placement = models.OneToOneField("placements.Placement", on_delete=models.CASCADE, related_name="care")
    level_of_care = models.CharField(_("level of care"), max_length=20, choices=LevelOfCare.choices, default=LevelOfCare.BASIC)

    class Meta:
        verbose_name = _("level of care")
        verbose_name_plural = _("levels of care")


class ClothingAllowanceRate(models.Model):
    """The initial clothing allowance by the child's age on the day of placement (configurable)."""

    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **money)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("clothing allowance")
        verbose_name_plural = _("clothing allowances")
        ordering = ["min_age", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["min_age", "effective_from"], name="one_clothing_amount_per_band_and_date")]

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}: ${self.amount} from {self.effective_from}"


class MileageRate(models.Model):
    per_mile = models.DecimalField(_("rate per mile"), max_digits=5, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))])
    effective_from = models.DateField(_("effective from"), unique=True)

    class Meta:
        verbose_name = _("mileage rate")
        verbose_name_plural = _("mileage rates")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"${self.per_mile}/mile from {self.effective_from}"


# --- Board payments ---------------------------------------------------------------------------


class BoardPayment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        HELD = "held", _("Held")
        RETURNED = "returned", _("Returned")

    UNPAID = (Status.SCHEDULED, Status.HELD)

    placement = models.ForeignKey("placements.Placement", on_delete=models.PROTECT, related_name="board_payments")
    household = models.ForeignKey("accounts.Household", on_delete=models.PROTECT, related_name="board_payments")
    month = models.DateField(_("month"), help_text=_("The first day of the month the board is for."))
    nights = models.PositiveSmallIntegerField(_("days in placement"))
    # The rates that applied, one segment per run of nights at the same rate: [{"from", "to", "nights", "daily_rate", "amount"}].
    breakdown = models.JSONField(_("how the amount is made up"), default=list)
    amount = models.DecimalField(_("amount"), **money)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(_("reason"), max_length=300, blank=True, help_text=_("Why it is held or was returned, in plain words."))
    # Held by the monthly job because no rate covers a night; released by the job once one does.
    held_for_rate = models.BooleanField(default=False)
    expected_on = models.DateField(_("expected pay date"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_number = models.CharField(_("cheque or EFT number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("board payment")
        verbose_name_plural = _("board payments")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="one_board_payment_per_placement_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="board_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "expected_on"], name="board_status_expected_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"B-{self.pk:06d}" if self.pk else "B-new"


class BoardPaymentEvent(models.Model):
    """Each change to a board payment: who, when, from which status to which, and why."""

    payment = models.ForeignKey(BoardPayment, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=BoardPayment.Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


# --- Claims -----------------------------------------------------------------------------------


class Claim(models.Model):
    class Kind(models.TextChoices):
        MILEAGE = "mileage", _("Mileage")
        CHILD_CARE = "child_care", _("Child care")
        SCHOOL_FEES = "school_fees", _("School fees")
        OTHER = "other", _("Other approved expense")
        CLOTHING = "clothing", _("Initial clothing allowance")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Received")
        IN_REVIEW = "in_review", _("Being reviewed")
        MORE_INFO = "more_info", _("More information needed")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        DENIED = "denied", _("Not approved")

    class InfoReason(models.TextChoices):
        RECEIPT_MISSING = "receipt_missing", _("A receipt is missing")
        RECEIPT_UNREADABLE = "receipt_unreadable", _("A receipt cannot be read")
        AMOUNT_DIFFERS = "amount_differs", _("The amount differs from the receipt")
        TRIP_DETAILS = "trip_details", _("A trip needs its start, end or purpose")
        NOT_PRE_APPROVED = "not_pre_approved", _("The expense needs the caseworker's approval first")
        OTHER = "other", _("Something else (explained below)")

    class DenialReason(models.TextChoices):
        NOT_COVERED = "not_covered", _("This expense is not one the agency pays")
        COVERED_ELSEWHERE = "covered_elsewhere", _("It is already paid by the board payment or another claim")
        TOO_LATE = "too_late", _("It was claimed more than 90 days after the expense")
        NO_PLACEMENT = "no_placement", _("The child was not placed with you on that date")
        OTHER = "other", _("Another reason (explained below)")

    OPEN = (Status.SUBMITTED, Status.IN_REVIEW, Status.MORE_INFO, Status.APPROVED)
    WITH_FISCAL = (Status.SUBMITTED, Status.IN_REVIEW)

    household = models.ForeignKey("accounts.Household", on_delete=models.PROTECT, related_name="claims")
    child = models.ForeignKey("placements.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("kind of claim"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    amount = models.DecimalField(_("amount"), **money)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("received"))
    # A form posted twice (a double tap on a slow phone) makes one claim.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fiscal clerk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="claims_assigned"
    )
    info_reason = models.CharField(_("what is needed"), max_length=30, choices=InfoReason.choices, blank=True)
    denial_reason = models.CharField(_("why it was not approved"), max_length=30, choices=DenialReason.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_number = models.CharField(_("cheque or EFT number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_not_negative"),
            # One clothing allowance per placement.
            models.UniqueConstraint(fields=["placement"], condition=Q(kind="clothing"), name="one_clothing_allowance_per_placement"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="claim_status_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}" if self.pk else "C-new"


class ClaimItem(models.Model):
    """One trip or one expense of a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    on = models.DateField(_("date"))
    description = models.CharField(_("what it was for"), max_length=200)
    from_place = models.CharField(_("from"), max_length=200, blank=True)
    to_place = models.CharField(_("to"), max_length=200, blank=True)
    miles = models.DecimalField(_("miles"), max_digits=6, decimal_places=1, null=True, blank=True)
    rate = models.DecimalField(_("rate per mile"), max_digits=5, decimal_places=3, null=True, blank=True)
    amount = models.DecimalField(_("amount"), **money)
    event_id = models.PositiveIntegerField(null=True, blank=True, help_text=_("The hearing, meeting or visit this trip was for."))

    class Meta:
        ordering = ["on", "pk"]


def receipt_path(receipt: "Receipt", filename: str) -> str:
    return private_path("receipts")


class Receipt(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "pk"]


class ClaimEvent(models.Model):
    """Every step of a claim: who, when, the status it moved to, and a note the family can read."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Claim.Status.choices)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]


# --- Accounting import ------------------------------------------------------------------------


class PaymentImport(models.Model):
    """An accounting-system CSV: previewed first, applied once, all rows or none."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    rows = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
