"""The follow-up ledger: every promise the agency owes a family, with its deadline."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ServiceStandard(models.Model):
    """A promise the agency makes, and how long it allows itself to keep it.

    Rows, not constants: an administrator edits them in the admin (DOMAIN.md:
    "the deadlines are configuration, not constants: agencies differ").
    """

    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("How the code names this standard."))
    name = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    family_wording = models.CharField(
        _("what the family reads (English)"),
        max_length=200,
        help_text=_("Plain words for “What we owe you”, e.g. “A reply to your message”."),
    )
    family_wording_es = models.CharField(_("what the family reads (Spanish)"), max_length=200, blank=True)
    business_days = models.PositiveSmallIntegerField(_("business days allowed"))
    remind_office_hours_before = models.DecimalField(
        _("remind the owner this many office hours before the deadline"), max_digits=5, decimal_places=2, default=2
    )
    escalate_after_business_days = models.PositiveSmallIntegerField(
        _("tell the next level when still open this many business days after the deadline"), default=1
    )
    source = models.CharField(_("where the promise comes from"), max_length=200, blank=True)
    target_percent = models.PositiveSmallIntegerField(
        _("target: share met on time (%)"),
        default=90,
        validators=[MaxValueValidator(100)],
        help_text=_("Below this share of promises kept on time, the service report says the standard failed."),
    )
    exceeded_percent = models.PositiveSmallIntegerField(
        _("exceeded at (%)"),
        default=98,
        validators=[MaxValueValidator(100)],
        help_text=_("At or above this share, the report says the standard was exceeded. Not below the target."),
    )

    class Meta:
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__lte=models.F("exceeded_percent"), exceeded_percent__lte=100),
                name="standard_targets_in_order",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.target_percent is not None and self.exceeded_percent is not None and self.target_percent > self.exceeded_percent:
            raise ValidationError(
                {"exceeded_percent": _("The share at which the standard is exceeded cannot be below its target.")}
            )

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_es if get_language() == "es" and self.name_es else self.name

    @property
    def display_wording(self) -> str:
        return self.family_wording_es if get_language() == "es" and self.family_wording_es else self.family_wording


class ClosureDay(models.Model):
    """A day the agency is closed beyond the state's official holidays (a storm, a state closure)."""

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.reason}"


class Step(models.TextChoices):
    REMIND = "remind", _("Reminder before the deadline")
    OVERDUE = "overdue", _("Overdue: owner and supervisor told")
    ESCALATE = "escalate", _("Still open: next level told")


class Commitment(models.Model):
    """One promise owed to a family or an inquirer, due at a business-day deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")

    standard = models.ForeignKey(
        ServiceStandard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="commitments"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    household = models.ForeignKey(
        "accounts.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    owed_to_name = models.CharField(
        _("owed to"), max_length=160, blank=True, help_text=_("An inquirer's name when there is no household yet.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="commitments"
    )
    covering_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("covering for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The worker who is away; the commitment goes back to them when they return."),
    )
    # Where the promise was owed, kept as it was: a worker who later changes team takes nothing with them.
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"))
    remind_at = models.DateTimeField(_("remind the owner at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    escalate_at = models.DateTimeField(_("tell the next level at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("met by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)
    office_minutes_to_meet = models.PositiveIntegerField(
        _("office minutes taken to meet"), null=True, blank=True, help_text=_("From receipt to met, counting office hours only.")
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    next_step = models.CharField(max_length=12, choices=Step.choices, blank=True)
    next_step_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at"]
        indexes = [
            # The sweep's only query: open rows whose next step has come.
            models.Index(fields=["next_step_at"], condition=Q(status="open"), name="commitment_sweep_idx"),
            models.Index(fields=["owner", "status", "due_at"], name="commitment_owner_idx"),
            models.Index(fields=["household", "status", "due_at"], name="commitment_household_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="commitment_subject_idx"),
            # The service report: the promises due in a period, for the agency, an office or a team.
            models.Index(fields=["due_at"], name="commitment_due_idx"),
            models.Index(fields=["team", "due_at"], name="commitment_team_due_idx"),
            models.Index(fields=["office", "due_at"], name="commitment_office_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="met", met_at__isnull=False) | ~Q(status="met"), name="met_commitment_has_met_at"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(next_step_at__isnull=True), name="closed_commitment_has_no_next_step"
            ),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("opened_at")), name="commitment_due_after_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.standard} — {self.household or self.owed_to_name} — {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CommitmentEvent(models.Model):
    """The history of a commitment, and the proof that each reminder step went out once.

    A unique constraint over (commitment, kind) for the one-time kinds makes a second
    sweep, a retried task or a restarted worker unable to send a step twice.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        REMIND = Step.REMIND.value, Step.REMIND.label
        OVERDUE = Step.OVERDUE.value, Step.OVERDUE.label
        ESCALATE = Step.ESCALATE.value, Step.ESCALATE.label
        FAMILY_CHASED = "family_chased", _("Family asked “Still waiting?”")
        REASSIGNED = "reassigned", _("Reassigned")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")

    ONCE_ONLY = (Kind.REMIND, Kind.OVERDUE, Kind.ESCALATE, Kind.FAMILY_CHASED, Kind.MET, Kind.CANCELLED)

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("commitment event")
        verbose_name_plural = _("commitment events")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind"],
                condition=Q(kind__in=["remind", "overdue", "escalate", "family_chased", "met", "cancelled"]),
                name="commitment_step_happens_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """When a periodic job last finished: the health check reports a sweep that has stopped."""

    name = models.CharField(_("job"), max_length=40, unique=True)
    at = models.DateTimeField(_("last finished"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, *, at, detail: str = "") -> None:
        cls.objects.update_or_create(name=name, defaults={"at": at, "detail": detail[:200]})
