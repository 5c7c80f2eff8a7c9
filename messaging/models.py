"""Contact with families outside the portal: phone calls, voicemails and letters the agency must answer."""

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal import business_days


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
