"""First-contact inquiries from people thinking about fostering or adopting, and their path to a licence.

No account: the inquirer reaches their status page through a signed, expiring, revocable link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_QUESTIONS_LENGTH = 4000


class Interest(models.TextChoices):
    FOSTER = "foster", _("Fostering")
    ADOPT = "adopt", _("Adopting")
    KINSHIP = "kinship", _("Caring for a relative or family friend (kinship)")
    RESPITE = "respite", _("Respite care (short breaks for other families)")
    UNSURE = "unsure", _("Not sure yet")


class ContactWay(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")


class Stage(models.TextChoices):
    """The path from inquiry to licensed family. The order is the funnel's order."""

    NEW = "new", _("Inquiry received")
    CONTACTED = "contacted", _("First contact made")
    SESSION_INVITED = "session_invited", _("Invited to an information session")
    SESSION_ATTENDED = "session_attended", _("Attended an information session")
    ORIENTATION = "orientation", _("Orientation")
    APPLICATION = "application", _("Application started")
    HOME_STUDY = "home_study", _("Home study")
    LICENSED = "licensed", _("Licensed")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = [stage for stage in Stage.values if stage != Stage.CLOSED]


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class ClosedReason(models.TextChoices):
    OTHER_AGENCY = "other_agency", _("Chose another agency")
    NOT_READY = "not_ready", _("Not ready yet")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_RESPONSE = "no_response", _("No response after several attempts")
    WITHDREW = "withdrew", _("Changed their mind")


class Inquiry(models.Model):
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The forms used to find a re-inquiry by the same person: lower-case e-mail, digits-only phone.
    email_key = models.CharField(max_length=254, blank=True, db_index=True, editable=False)
    phone_key = models.CharField(max_length=15, blank=True, db_index=True, editable=False)
    contact_way = models.CharField(_("preferred way to reach them"), max_length=10, choices=ContactWay.choices)
    best_time = models.CharField(_("best time to call"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    county = models.ForeignKey("accounts.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="inquiries")
    interest = models.CharField(_("interested in"), max_length=10, choices=Interest.choices)
    questions = models.TextField(_("their questions"), max_length=MAX_QUESTIONS_LENGTH, blank=True)
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="inquiries")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resource worker"), on_delete=models.PROTECT, related_name="inquiries"
    )
    received_at = models.DateTimeField(_("received"))
    last_received_at = models.DateTimeField(_("last heard from them"))
    times_received = models.PositiveSmallIntegerField(default=1)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.NEW)
    # How far along the path they got, even if later closed: what the funnel counts.
    furthest_stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW, editable=False)
    closed_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosedReason.choices, blank=True)
    first_contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first personal contact"), null=True, blank=True)
    first_contact_office_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    # Bumped to revoke every status link sent so far.
    link_version = models.PositiveIntegerField(default=1, editable=False)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["county", "received_at"], name="inquiry_county_month"),
            models.Index(fields=["worker", "stage"], name="inquiry_worker_stage"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(email="", phone=""), name="inquiry_has_email_or_phone"),
            models.CheckConstraint(condition=Q(stage="closed") | Q(closed_reason=""), name="inquiry_reason_only_when_closed"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage not in (Stage.CLOSED, Stage.LICENSED)


class ContactLog(models.Model):
    """Each time the agency tried to reach the inquirer, or they reached out again."""

    class Kind(models.TextChoices):
        NO_ANSWER = "no_answer", _("Called: no answer")
        VOICEMAIL = "voicemail", _("Called: left a voicemail")
        SPOKE = "spoke", _("Spoke with them")
        PERSONAL_EMAIL = "personal_email", _("Wrote them a personal e-mail")
        PERSONAL_TEXT = "personal_text", _("Wrote them a personal text")
        PACKET = "packet", _("Sent the information packet")
        INQUIRED_AGAIN = "inquired_again", _("They sent the form again")

    # Only a person talking or writing to them is first contact (DOMAIN.md: "a call, not a mailed packet").
    PERSONAL = {Kind.SPOKE, Kind.PERSONAL_EMAIL, Kind.PERSONAL_TEXT}

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=MAX_QUESTIONS_LENGTH, blank=True)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.inquiry}"


class StageChange(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.inquiry}"


class NextStep(models.Model):
    """A step the worker promised the inquirer ("we will send the application"), tracked in the ledger."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="next_steps")
    description = models.CharField(_("what we promised"), max_length=200)
    promised_at = models.DateTimeField()
    promised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["promised_at", "pk"]

    def __str__(self) -> str:
        return self.description
