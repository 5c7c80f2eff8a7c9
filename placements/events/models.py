"""Court hearings, family team meetings, reviews and visits: what a resource family is invited to.

Models of the placements app (imported by placements/models.py), kept in their own module.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.files import private_path

OBSERVATIONS_MAX = 8000


class Event(models.Model):
    class Kind(models.TextChoices):
        COURT_HEARING = "court_hearing", _("Court hearing")
        FAMILY_TEAM_MEETING = "family_team_meeting", _("Family team meeting")
        CASE_PLAN_REVIEW = "case_plan_review", _("Case plan review")
        CASEWORKER_VISIT = "caseworker_visit", _("Caseworker visit")
        LICENSING_VISIT = "licensing_visit", _("Licensing visit")
        BIRTH_FAMILY_VISIT = "birth_family_visit", _("Visit with the birth family")

    class HearingType(models.TextChoices):
        SHELTER = "shelter", _("Shelter hearing")
        ADJUDICATION = "adjudication", _("Adjudication")
        DISPOSITION = "disposition", _("Disposition")
        REVIEW = "review", _("Review hearing")
        PERMANENCY = "permanency", _("Permanency hearing")
        TERMINATION = "termination", _("Termination of parental rights")
        OTHER = "other", _("Other hearing")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    hearing_type = models.CharField(_("type of hearing"), max_length=20, choices=HearingType.choices, blank=True)
    child = models.ForeignKey(
        "placements.Child", verbose_name=_("child"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("resource family"), on_delete=models.PROTECT, related_name="events"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="organised_events"
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    purpose = models.TextField(_("what it is for"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # A calendar entry keeps its UID for life; each change raises SEQUENCE so calendars replace it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"))
    invited_at = models.DateTimeField(_("invitation sent"))
    notice_business_days = models.PositiveSmallIntegerField(_("business days of notice given"))
    late_notice = models.BooleanField(_("invited later than the notice standard"), default=False)
    change_reason = models.CharField(_("why it changed"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    outcome = models.TextField(_("what happened"), max_length=4000, blank=True)
    next_hearing_on = models.DateField(_("next hearing"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome posted"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the sweep opened the "post the outcome" promise after the event ended.
    outcome_promised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(kind="court_hearing") | Q(hearing_type=""), name="hearing_type_only_for_hearings"
            ),
        ]
        indexes = [models.Index(fields=["household", "starts_at"], name="event_household_start_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def expects_outcome(self) -> bool:
        """Hearings, meetings and reviews end with something the family must be told."""
        return self.kind in (self.Kind.COURT_HEARING, self.Kind.FAMILY_TEAM_MEETING, self.Kind.CASE_PLAN_REVIEW)

    @property
    def takes_observations(self) -> bool:
        return self.kind in (self.Kind.COURT_HEARING, self.Kind.CASE_PLAN_REVIEW, self.Kind.FAMILY_TEAM_MEETING)

    @property
    def title(self) -> str:
        """What the calendar entry says: the kind of event, never the child's name."""
        if self.kind == self.Kind.COURT_HEARING and self.hearing_type:
            return self.get_hearing_type_display()
        return self.get_kind_display()


class Invitee(models.Model):
    class Response(models.TextChoices):
        IN_PERSON = "in_person", _("I will attend in person")
        VIDEO = "video", _("I will attend by video")
        TRANSPORT = "transport", _("I want to attend but need transport")
        CHILD_CARE = "child_care", _("I want to attend but need child care")
        CANNOT = "cannot", _("I cannot attend")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations_to_events"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    response = models.CharField(_("answer"), max_length=20, choices=Response.choices, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    note = models.CharField(_("note with the answer"), max_length=300, blank=True)
    arranged = models.CharField(_("transport or child care arranged"), max_length=300, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_invitation_per_person"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="invitee_has_account_or_email"),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.name or self.email

    @property
    def needs_help(self) -> bool:
        return self.response in (self.Response.TRANSPORT, self.Response.CHILD_CARE)


class EventReminder(models.Model):
    """One reminder sent to one invitee, days before one scheduled time: never twice, again after a reschedule."""

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitee", "days_before", "starts_at"], name="one_reminder_per_time")
        ]


class Observation(models.Model):
    """What the resource family wants the court (or the meeting) to know, for the caseworker's report."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="observations")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("sent"))
    body = models.TextField(_("observations"), max_length=OBSERVATIONS_MAX)
    acknowledged_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("observations from the family")
        verbose_name_plural = _("observations from families")
        ordering = ["submitted_at"]


def observation_path(instance, filename: str) -> str:
    return private_path("observations")


class ObservationFile(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=observation_path, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class VisitRequest(models.Model):
    """A worker needs to visit; the family offers times that suit them, the worker books one."""

    class Status(models.TextChoices):
        ASKING = "asking", _("Waiting for the family's times")
        OFFERED = "offered", _("The family offered times")
        BOOKED = "booked", _("Booked")
        WITHDRAWN = "withdrawn", _("No longer needed")

    household = models.ForeignKey("accounts.Household", on_delete=models.PROTECT, related_name="visit_requests")
    child = models.ForeignKey("placements.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_requests")
    kind = models.CharField(_("visit"), max_length=30, choices=[
        (Event.Kind.CASEWORKER_VISIT, Event.Kind.CASEWORKER_VISIT.label),
        (Event.Kind.LICENSING_VISIT, Event.Kind.LICENSING_VISIT.label),
    ])
    purpose = models.CharField(_("what the visit is for"), max_length=300)
    between_from = models.DateField(_("from"))
    between_until = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASKING)
    requested_at = models.DateTimeField(_("asked"))
    event = models.OneToOneField(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_request")

    class Meta:
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(between_until__gte=models.F("between_from")), name="visit_window_in_order")
        ]


class VisitSlot(models.Model):
    """A time the family offered (or the worker proposed instead)."""

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start")]
