"""Satisfaction surveys, kept apart from case data.

A request knows whom it was sent to (so that nobody is asked more than once a month) and an
answer knows only the occasion, the office and the moment: nothing links the two, so an answer
cannot be traced back to a family unless the family chose to give their name to be contacted.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Occasion(models.TextChoices):
    CONVERSATION = "conversation", _("After a conversation closed")
    CLAIM_PAID = "claim_paid", _("After a claim was paid")
    FIRST_CONTACT = "first_contact", _("After the first call about fostering")
    YEARLY = "yearly", _("Yearly, every licensed family")


class SurveyRequest(models.Model):
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("asked")
    )
    email = models.EmailField(_("e-mail address (no account)"), blank=True)
    person_key = models.CharField(max_length=260, editable=False, help_text=_("Who was asked, for the once-a-month rule."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    office = models.ForeignKey("accounts.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("link works until"))
    # Whether, not when: a time here could be matched with the answer's and name the family.
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("survey request")
        verbose_name_plural = _("survey requests")
        indexes = [models.Index(fields=["person_key", "sent_at"], name="survey_request_person_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(recipient__isnull=False) | ~Q(email=""), name="survey_request_has_someone")
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.sent_at:%Y-%m-%d}"


class SurveyAnswer(models.Model):
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    office = models.ForeignKey("accounts.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    answered_at = models.DateTimeField(_("answered"))
    may_contact = models.BooleanField(_("may be contacted"), default=False)
    contact_name = models.CharField(_("name, to be contacted"), max_length=150, blank=True)
    contact_phone_or_email = models.CharField(_("phone or e-mail, to be contacted"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["answered_at", "office"], name="survey_answer_period_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="survey_score_between_1_and_5"),
            models.CheckConstraint(
                condition=Q(may_contact=True) | Q(contact_name="", contact_phone_or_email=""), name="survey_contact_only_if_allowed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()}: {self.score}/5"
