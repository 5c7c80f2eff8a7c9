"""What the reports send, kept so that it is sent once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklyDigest(models.Model):
    """One Monday digest to one person for one week: the row is written before the e-mail, so a
    second beat, a retried task or two workers at once cannot send a second one."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField(_("week of (Monday)"))
    sent_at = models.DateTimeField(_("queued"))
    overdue = models.PositiveIntegerField(_("overdue"))
    due_this_week = models.PositiveIntegerField(_("due this week"))

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [models.UniqueConstraint(fields=["recipient", "week_of"], name="one_digest_per_person_per_week")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.week_of:%Y-%m-%d}"
