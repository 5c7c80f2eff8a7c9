"""Stored notifications: the outbox every e-mail is delivered from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("A promise is due soon")
        OVERDUE_OWNER = "overdue_owner", _("A promise is overdue")
        OVERDUE_SUPERVISOR = "overdue_supervisor", _("A promise in your team is overdue")
        ESCALATED = "escalated", _("A promise is still open a business day late")
        FAMILY_CHASED = "family_chased", _("A family is still waiting")
        REASSIGNED = "reassigned", _("A promise was handed to you")
        INVITATION = "invitation", _("You are invited to the portal")
        MESSAGE_FOR_STAFF = "message_for_staff", _("A family wrote")
        MESSAGE_FOR_FAMILY = "message_for_family", _("The agency answered")
        CONVERSATION_HANDED = "conversation_handed", _("A conversation was passed to you")
        CALLBACK_REQUESTED = "callback_requested", _("A family asked for a call")
        NEW_INQUIRY = "new_inquiry", _("A new inquiry for you")
        INQUIRY_RECEIVED = "inquiry_received", _("Your inquiry was received")
        INQUIRY_LINK = "inquiry_link", _("A new link to your inquiry")
        CHILD_PLACED = "child_placed", _("What we know about a child placed with you")
        DISCLOSURE_UPDATED = "disclosure_updated", _("New information about a child placed with you")
        NEED_PERMISSION = "need_permission", _("Your permission is asked to share a need")
        RESPITE_ACCESS = "respite_access", _("Information for respite care")
        EVENT_INVITED = "event_invited", _("You are invited")
        EVENT_CHANGED = "event_changed", _("An event you are invited to has changed")
        EVENT_CANCELLED = "event_cancelled", _("An event you are invited to is cancelled")
        EVENT_REMINDER = "event_reminder", _("A reminder of an event")
        LATE_INVITATION = "late_invitation", _("An invitation went out later than the notice standard")
        EVENT_HELP_NEEDED = "event_help_needed", _("A family needs help to attend")
        OBSERVATIONS_SENT = "observations_sent", _("A family sent observations")
        OUTCOME_POSTED = "outcome_posted", _("What happened at an event")
        VISIT_TIMES_ASKED = "visit_times_asked", _("Your worker asks when a visit suits you")
        VISIT_TIMES_OFFERED = "visit_times_offered", _("A family offered times for a visit")
        CLAIM_CHANGED = "claim_changed", _("News about your claim")
        CLAIM_NEEDS_INFO = "claim_needs_info", _("Your claim needs something from you")
        PAYMENT_CHANGED = "payment_changed", _("News about a payment to you")
        DIGEST_TEAM = "digest_team", _("Your team's week")
        DIGEST_OWN = "digest_own", _("Your week")
        SURVEY = "survey", _("How did we do?")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    email_to = models.EmailField(blank=True, help_text=_("For someone without an account yet (an invitation)."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Only what the message needs: names of standards and families, dates, a link. Never child data.
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    commitment = models.ForeignKey(
        "followups.Commitment", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    send_email = models.BooleanField(default=True)
    deliver_after = models.DateTimeField(help_text=_("Quiet hours hold e-mail to families until this moment."))
    sending_since = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["deliver_after"],
                condition=Q(send_email=True, emailed_at__isnull=True),
                name="notification_outbox_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email_to=""), name="notification_has_someone_to_reach"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or self.email_to}"
