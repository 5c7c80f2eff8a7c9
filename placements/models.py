"""Children, their placements with resource families, and what the agency knows about them.

Minimal case data, not a case-management system: who the child is, which family they
live with and since when, their caseworker, and the disclosure checklist — everything
known about the child, shared with the family and kept up to date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Long enough for a real behaviour plan or school note; short enough to read on a phone.
ITEM_CONTENT_MAX = 4000


class Child(models.Model):
    first_name = models.CharField(_("first name"), max_length=80)
    preferred_name = models.CharField(
        _("preferred name"), max_length=80, blank=True, help_text=_("What the child likes to be called, if not the first name.")
    )
    last_name = models.CharField(_("last name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True, help_text=_("For example: English, Spanish"))
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    siblings = models.ManyToManyField("self", verbose_name=_("brothers and sisters"), blank=True, symmetrical=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def called(self) -> str:
        """The name to use on every page: the one the child prefers."""
        return self.preferred_name or self.first_name


class Placement(models.Model):
    class EndReason(models.TextChoices):
        REUNIFIED = "reunified", _("Went home to their family")
        RELATIVE = "relative", _("Moved to live with a relative")
        ADOPTED = "adopted", _("Adopted")
        GUARDIANSHIP = "guardianship", _("Guardianship")
        MOVED = "moved", _("Moved to another resource family")
        FAMILY_REQUEST = "family_request", _("The resource family asked for the child to move")
        AGED_OUT = "aged_out", _("Left care as an adult")
        OTHER = "other", _("Other")

    class Medication(models.TextChoices):
        ALL_CAME = "all_came", _("Yes, all of it came with the child")
        PARTLY = "partly", _("Partly: some of it came")
        DID_NOT_COME = "did_not_come", _("No, it did not come")
        NONE_TAKEN = "none_taken", _("The child takes no medication")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="placements")
    household = models.ForeignKey(
        "accounts.Household", verbose_name=_("resource family"), on_delete=models.PROTECT, related_name="placements"
    )
    started_on = models.DateField(_("placed on"))
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why the placement ended"), max_length=20, choices=EndReason.choices, blank=True)
    # When the placement was recorded: the moment the disclosure promises count from.
    placed_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    medication = models.CharField(
        _("did the child's medication come with them?"), max_length=20, choices=Medication.choices, blank=True
    )
    medication_sorted_at = models.DateTimeField(_("medication arranged"), null=True, blank=True)
    medication_sorted_note = models.CharField(_("how the medication was arranged"), max_length=500, blank=True)

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

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def medication_missing(self) -> bool:
        return self.medication in (self.Medication.PARTLY, self.Medication.DID_NOT_COME)


class ItemKind(models.TextChoices):
    TEXT = "text", _("Written answer")
    MEDICATIONS = "medications", _("List of medications")


class ChecklistEntry(models.Model):
    """One line of the disclosure template the administrator edits: what every family must be told."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title (English)"), max_length=120)
    title_es = models.CharField(_("title (Spanish)"), max_length=120, blank=True)
    guidance = models.CharField(
        _("what to find out (English)"), max_length=300, help_text=_("Shown to the caseworker filling the item.")
    )
    guidance_es = models.CharField(_("what to find out (Spanish)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True, help_text=_("New placements get the items in use."))

    class Meta:
        verbose_name = _("disclosure checklist item")
        verbose_name_plural = _("disclosure checklist")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title_es if get_language() == "es" and self.title_es else self.title

    @property
    def display_guidance(self) -> str:
        return self.guidance_es if get_language() == "es" and self.guidance_es else self.guidance


class Disclosure(models.Model):
    """Everything known about a child, shared with the family they are placed with.

    ``version`` goes up by one with each change the family can see; the family
    acknowledges a version, so a change asks them to read again.
    """

    placement = models.OneToOneField(Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="disclosure")
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return _("Disclosure for %(placement)s") % {"placement": self.placement}


class DisclosureItem(models.Model):
    class Status(models.TextChoices):
        KNOWN = "known", _("Known")
        PENDING = "pending", _("Being found out")
        NOT_APPLICABLE = "not_applicable", _("Does not apply")
        UNKNOWN = "unknown", _("Not known after asking")

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("disclosure"), on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(ChecklistEntry, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    content = models.TextField(_("what is known"), max_length=ITEM_CONTENT_MAX, blank=True)
    asked_whom = models.CharField(
        _("who was asked"), max_length=200, blank=True, help_text=_("Needed when nothing is known after asking.")
    )
    # Optimistic locking: a save names the revision it started from; a newer one is a conflict.
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The first moment the item stopped being pending: completeness after 1 and 5 business days.
    settled_at = models.DateTimeField(_("first settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        ordering = ["entry__position", "entry_id"]
        constraints = [models.UniqueConstraint(fields=["disclosure", "entry"], name="one_item_per_entry")]

    def __str__(self) -> str:
        return str(self.entry)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Medication(models.Model):
    """One medicine the child takes: everything a resource parent needs to give it and refill it."""

    class Supply(models.TextChoices):
        CAME = "came", _("A supply came with the child")
        SOME = "some", _("Some came, not enough")
        NONE = "none", _("None came")

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(_("medicine"), max_length=120)
    dose = models.CharField(_("dose"), max_length=120)
    schedule = models.CharField(_("when to give it"), max_length=200)
    prescriber = models.CharField(_("prescribed by"), max_length=120, blank=True)
    pharmacy = models.CharField(_("pharmacy"), max_length=200, blank=True)
    supply = models.CharField(_("supply"), max_length=10, choices=Supply.choices, default=Supply.NONE)
    refill_on = models.DateField(_("next refill"), null=True, blank=True)

    class Meta:
        verbose_name = _("medication")
        verbose_name_plural = _("medications")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ItemChange(models.Model):
    """What changed in an item, by whom and when: the family sees it highlighted until they have looked."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField(_("disclosure version"))
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=DisclosureItem.Status.choices)
    content = models.TextField(_("what is known"), blank=True)

    class Meta:
        verbose_name = _("change to a disclosure item")
        verbose_name_plural = _("changes to disclosure items")
        ordering = ["-at", "-pk"]


class FamilyNote(models.Model):
    """What the resource family wrote on an item ("she sleeps better with a night light").

    After the placement ends this is all the family still sees of the child's record.
    """

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="family_notes")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written"))
    body = models.TextField(_("note"), max_length=2000)

    class Meta:
        verbose_name = _("note from the family")
        verbose_name_plural = _("notes from the family")
        ordering = ["written_at", "pk"]


class Acknowledgement(models.Model):
    """A resource parent confirmed they read one version of the disclosure."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="acknowledgements")
    version = models.PositiveIntegerField(_("version read"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["disclosure", "version", "by"], name="one_acknowledgement_per_version")]


class LastVisit(models.Model):
    """When a resource parent last opened a child's page: what changed since is highlighted."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["disclosure", "user"], name="one_last_visit")]


class RespiteGrant(models.Model):
    """Time-limited read access to named items for a respite provider, through a private link.

    Only a hash of the link's secret is stored: the database alone cannot open it.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="respite_grants")
    provider_name = models.CharField(_("respite provider"), max_length=120)
    provider_email = models.EmailField(_("provider's e-mail"), blank=True)
    entries = models.ManyToManyField(ChecklistEntry, verbose_name=_("items they may read"), related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    starts_at = models.DateTimeField(_("from"))
    expires_at = models.DateTimeField(_("until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted"))
    revoked_at = models.DateTimeField(_("ended early"), null=True, blank=True)

    class Meta:
        verbose_name = _("respite access")
        verbose_name_plural = _("respite access")
        ordering = ["-granted_at"]
        constraints = [models.CheckConstraint(condition=Q(expires_at__gt=models.F("starts_at")), name="respite_ends_after_start")]

    def __str__(self) -> str:
        return self.provider_name


class NeedReferral(models.Model):
    """A family's need shared with an outside source (a clothing closet), only with their consent."""

    class Status(models.TextChoices):
        ASKING = "asking", _("Waiting for the family's permission")
        DECLINED = "declined", _("The family said no")
        SHARED = "shared", _("Shared; checking it was met")
        MET = "met", _("The need was met")
        NOT_MET = "not_met", _("The need was not met")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(_("what the family needs"), max_length=300)
    source = models.CharField(_("who we would share it with"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASKING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("asked"))
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField(_("permission recorded"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("checked"), null=True, blank=True)
    outcome_note = models.CharField(_("what happened"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("shared need")
        verbose_name_plural = _("shared needs")
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shared_at__isnull=True) | Q(consent_at__isnull=False), name="need_shared_only_with_consent"
            )
        ]

    def __str__(self) -> str:
        return self.need


# Events (hearings, meetings, visits) are placements models kept in their own module.
from .events.models import (  # noqa: E402, F401
    Event,
    EventReminder,
    Invitee,
    Observation,
    ObservationFile,
    VisitRequest,
    VisitSlot,
)


class Recognition(models.Model):
    """A day to thank a family: a year of their licence, a year of a child with them, an adoption."""

    class Kind(models.TextChoices):
        LICENCE_YEARS = "licence_years", _("Years licensed")
        PLACEMENT_YEARS = "placement_years", _("A year of a placement")
        ADOPTION = "adoption", _("An adoption finalised")

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="recognitions")
    kind = models.CharField(_("what to recognise"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("on"))
    years = models.PositiveSmallIntegerField(_("years"), default=0)
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(_("found"))
    thanked_at = models.DateTimeField(_("thanked"), null=True, blank=True)
    thanked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    thread = models.ForeignKey("messaging.Thread", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            # Found once, however often the daily task runs.
            models.UniqueConstraint(
                fields=["household", "kind", "occurred_on"], condition=Q(placement__isnull=True), name="recognition_once_per_family"
            ),
            models.UniqueConstraint(fields=["placement", "kind", "occurred_on"], name="recognition_once_per_placement"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.household} — {self.occurred_on}"
