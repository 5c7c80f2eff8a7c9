"""Children and their placements with resource families.

Only what other capabilities already need: who the child is, which family they live
with, and their caseworker. The disclosure checklist and events come with their issue.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Child(models.Model):
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Placement(models.Model):
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="placements")
    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("resource family"), on_delete=models.PROTECT, related_name="placements"
    )
    started_on = models.DateField(_("placed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-started_on"]
        constraints = [
            # A child lives with one family at a time.
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_current_placement"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="placement_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return _("%(child)s with %(household)s") % {"child": self.child, "household": self.household}
