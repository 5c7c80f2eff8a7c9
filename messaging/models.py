"""Conversations between a resource family and the agency, and the requests for a call back.

Also the contact that reaches the agency outside the portal (calls, voicemails, letters),
the tone guide staff write with, and each team's saved replies.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal import business_days
from portal.files import private_path

MAX_MESSAGE_LENGTH = 5000


class Topic(models.TextChoices):
    CHILD = "child", _("A child placed with you")
    PAYMENT = "payment", _("A board payment or reimbursement")
    LICENSING = "licensing", _("Licensing and training")
    COURT = "court", _("A court hearing or meeting")
    OTHER = "other", _("Something else")


class Thread(models.Model):
    """One conversation between a household and the agency, held by one member of staff at a time."""

    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("resource family"), on_delete=models.PROTECT, related_name="threads"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=120)
    # What it is about, when it is one thing: a child, a claim, a disclosure item (the owning app registers it).
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("with"), on_delete=models.PROTECT, related_name="assigned_threads"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"))
    last_message_at = models.DateTimeField(_("last message"))
    # The first family message still without a staff reply; None when nothing is waiting.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    # For the time-to-first-reply chart: the first family message and the first staff answer to it.
    first_family_message_at = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    first_reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Office hours from the first family message to the first reply, computed once when the reply
    # is sent (like a deadline), so the supervisor's chart is a read, not a calendar walk per thread.
    first_reply_office_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["household", "-last_message_at"], name="thread_family_recent"),
            models.Index(fields=["assigned_to", "-last_message_at"], name="thread_assignee_recent"),
            models.Index(fields=["first_reply_at"], name="thread_first_reply"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(about_type__isnull=True, about_id__isnull=True) | Q(about_type__isnull=False, about_id__isnull=False),
                name="thread_about_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Message(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Note for staff")  # never shown to the family
        TRANSFERRED = "transferred", _("Passed to a colleague")
        COLLEAGUE_ADDED = "colleague_added", _("Colleague brought in")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    from_family = models.BooleanField(default=False)
    # The colleague a transfer or an invitation names.
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    # A random key the form carries: a second tap on "Send" finds the first message instead of a copy.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="message_thread_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.thread}"


def _attachment_path(instance, filename: str) -> str:
    return private_path("messaging")


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """A colleague brought into a thread by the person who holds it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_participations")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_participation_per_person")]

    def __str__(self) -> str:
        return f"{self.user} in {self.thread}"


class ReadState(models.Model):
    """How far one person has read a thread, and whether they archived it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states")
    last_read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_state_per_person")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread}"


class ThreadRating(models.Model):
    """How the family felt about a closed conversation: the yearly satisfaction figures start here."""

    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="rating")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_between_1_and_5")]

    def __str__(self) -> str:
        return f"{self.score}/5 — {self.thread}"


class CallbackRequest(models.Model):
    """A family asks to be called: only reaching them keeps the promise (one business day)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a call")
        REACHED = "reached", _("Called")
        WITHDRAWN = "withdrawn", _("No longer needed")

    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("resource family"), on_delete=models.PROTECT, related_name="callback_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who calls"), on_delete=models.PROTECT, related_name="callbacks_to_make"
    )
    phone = models.CharField(_("number to call"), max_length=30)
    good_times = models.CharField(_("good times to call"), max_length=200, blank=True)
    reason = models.CharField(_("what it is about"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("asked"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reached_at = models.DateTimeField(_("reached"), null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["assigned_to", "status"], name="callback_assignee_status")]

    def __str__(self) -> str:
        return _("Call %(household)s") % {"household": self.household}

    @property
    def family_title(self) -> str:
        day = formats.date_format(business_days.local_date(self.requested_at), "DATE_FORMAT")
        return _("A call back you asked for on %(day)s") % {"day": day}

    @property
    def staff_title(self) -> str:
        return _("Call back %(household)s") % {"household": self.household}


class CallAttempt(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached them")
        VOICEMAIL = "voicemail", _("Left a voicemail")
        NO_ANSWER = "no_answer", _("No answer, no voicemail")

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("how it went"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField(_("called"))

    class Meta:
        ordering = ["called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.callback}"


class TonePhrase(models.Model):
    """A phrase the agency's customer-service training says angers families, with its polite alternative."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    phrase = models.CharField(_("phrase to avoid"), max_length=120)
    alternative = models.CharField(_("polite alternative"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tone guide phrase")
        verbose_name_plural = _("tone guide")
        ordering = ["language", "phrase"]
        constraints = [models.UniqueConstraint(fields=["language", "phrase"], name="one_tone_phrase_per_language")]

    def __str__(self) -> str:
        return f"“{self.phrase}” → “{self.alternative}”"


class SavedReply(models.Model):
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=MAX_MESSAGE_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["team", "language", "title"], name="one_saved_reply_title_per_team")]

    def __str__(self) -> str:
        return self.title


class ContactRecord(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        VOICEMAIL = "voicemail", _("Voicemail")
        VERBAL = "verbal", _("Request in person")
        LETTER = "letter", _("Letter")
        FAX = "fax", _("Fax")

    # The standard each kind opens (DOMAIN.md: calls in one business day, mail in five).
    STANDARD_FOR_KIND = {
        Kind.CALL: "return-call",
        Kind.VOICEMAIL: "return-call",
        Kind.VERBAL: "return-call",
        Kind.LETTER: "letter-reply",
        Kind.FAX: "letter-reply",
    }

    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="contact_records"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"))
    summary = models.TextField(_("what they asked for"), max_length=2000)
    callback_number = models.CharField(_("number to call back"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call or letter")
        verbose_name_plural = _("calls and letters")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.household}"

    @property
    def family_title(self) -> str:
        day = formats.date_format(business_days.local_date(self.received_at), "DATE_FORMAT")
        if self.kind in (self.Kind.LETTER, self.Kind.FAX):
            return _("Your %(kind)s received on %(day)s") % {"kind": self.get_kind_display().lower(), "day": day}
        return _("Your %(kind)s on %(day)s") % {"kind": self.get_kind_display().lower(), "day": day}

    @property
    def staff_title(self) -> str:
        return _("%(kind)s from %(household)s") % {"kind": self.get_kind_display(), "household": self.household}
