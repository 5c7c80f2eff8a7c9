"""People, households and the agency's organisation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESOURCE_PARENT = "resource_parent", _("Resource parent")
    CASEWORKER = "caseworker", _("Caseworker")
    RESOURCE_WORKER = "resource_worker", _("Resource worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    FISCAL = "fiscal", _("Fiscal staff")
    ADMINISTRATOR = "administrator", _("Agency administrator")


STAFF_ROLES = frozenset(role for role in Role.values if role != Role.RESOURCE_PARENT)
WORKER_ROLES = frozenset({Role.CASEWORKER, Role.RESOURCE_WORKER, Role.FISCAL, Role.SUPERVISOR})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    title = models.CharField(
        _("title"), max_length=20, blank=True, help_text=_("How the person likes to be addressed: Mr., Ms., Dr.…")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESOURCE_PARENT)
    household = models.ForeignKey(
        "accounts.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="resource_parent", household__isnull=False) | ~Q(role="resource_parent"),
                name="resource_parent_has_household",
            ),
        ]

    def __str__(self) -> str:
        return self.formal_name or self.email

    @property
    def formal_name(self) -> str:
        """Title and surname, as the agency's training asks staff to address people."""
        if self.title and self.last_name:
            return f"{self.title} {self.last_name}"
        return self.get_full_name()

    @property
    def is_agency_staff(self) -> bool:
        return self.role in STAFF_ROLES


class County(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="offices")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    program_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("program manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_offices",
        help_text=_("Hears about promises still open one business day after they were due."),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="teams")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["office__name", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="unique_team_name_per_office")]

    def __str__(self) -> str:
        return f"{self.name} ({self.office})"


class Household(models.Model):
    """A resource family: the people one licence covers."""

    class LicenceStatus(models.TextChoices):
        IN_STUDY = "in_study", _("Home study in progress")
        LICENSED = "licensed", _("Licensed")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("family name"), max_length=120, help_text=_("For example: the Garcia family"))
    licence_number = models.CharField(_("licence number"), max_length=40, unique=True)
    licence_status = models.CharField(
        _("licence status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.IN_STUDY
    )
    licensed_on = models.DateField(
        _("licensed since"), null=True, blank=True, help_text=_("The day the family was first licensed: its anniversary is a day to thank them.")
    )
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="households")
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    contact_by_email = models.BooleanField(_("contact by e-mail"), default=True)
    contact_by_text = models.BooleanField(_("contact by text message"), default=False)
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    resource_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resource worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource_families",
    )
    fiscal_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fiscal contact"),
        help_text=_("The fiscal clerk who answers this family's questions about board payments and reimbursements."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fiscal_families",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="quiet_hours_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """Families do not sign up freely: staff invite each member by e-mail."""

    email = models.EmailField(_("e-mail address"))
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="invitations"
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=20, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class Absence(models.Model):
    """A worker away from the office, and the colleague who covers."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="absences"
    )
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("covering colleague"), on_delete=models.PROTECT, related_name="covers"
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"),
            models.CheckConstraint(condition=~Q(cover=models.F("worker")), name="absence_cover_is_someone_else"),
        ]
        indexes = [models.Index(fields=["worker", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.worker} {self.starts_on}–{self.ends_on}"
