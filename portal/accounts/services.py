"""Writes about people: invitations, absences and who covers for whom."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.audit.services import record_audit

from . import policies
from .models import Absence, Household, Invitation, Role, User


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Absences -----------------------------------------------------------------------


def active_absence(worker: User, on: date) -> Absence | None:
    return (
        Absence.objects.filter(worker=worker, starts_on__lte=on, ends_on__gte=on, cancelled_at__isnull=True)
        .select_related("cover")
        .first()
    )


def effective_owner(worker: User, *, on: date) -> User:
    """Who does a worker's work today: the worker, or the colleague covering while they are away."""
    absence = active_absence(worker, on)
    return absence.cover if absence else worker


@transaction.atomic
def record_absence(
    *, worker: User, cover: User, starts_on: date, ends_on: date, actor: User, note: str = "", now: datetime | None = None
) -> Absence:
    """A worker will be away: name who covers, so families are never told "that's not my job"."""
    now = now or timezone.now()
    if not policies.can_record_absence(actor, worker):
        raise PermissionDenied(_("You can record only your own absences or those of your team."))
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day away cannot be before the first day.")
    if cover == worker:
        errors["cover"] = _("Choose a colleague other than the person who is away.")
    elif not cover.is_agency_staff or not cover.is_active:
        errors["cover"] = _("The covering colleague must be an active member of staff.")
    elif Absence.objects.filter(
        worker=cover, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists():
        errors["cover"] = _("%(name)s is also away during those days. Choose someone who is in.") % {"name": cover}
    if errors:
        raise ValidationError(errors)
    User.objects.select_for_update().filter(pk=worker.pk).first()  # serialise absences of one worker
    if Absence.objects.filter(
        worker=worker, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists():
        raise ValidationError({"starts_on": _("An absence is already recorded for some of those days.")})
    absence = Absence.objects.create(
        worker=worker, cover=cover, starts_on=starts_on, ends_on=ends_on, note=note, recorded_by=actor
    )
    # Access granted: the cover sees the worker's families and children for those days.
    record_audit(actor=actor, action="access.cover_arranged", obj=absence, worker=worker.pk, cover=cover.pk,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    transaction.on_commit(lambda: apply_absences(now=now))
    return absence


@transaction.atomic
def cancel_absence(*, absence: Absence, actor: User, now: datetime | None = None) -> Absence:
    now = now or timezone.now()
    if not policies.can_record_absence(actor, absence.worker):
        raise PermissionDenied(_("You cannot change this absence."))
    absence.cancelled_at = now
    absence.save(update_fields=["cancelled_at"])
    transaction.on_commit(lambda: apply_absences(now=now))
    return absence


def apply_absences(*, now: datetime | None = None) -> int:
    """Hand open promises to the cover while a worker is away, and back when they return.

    Deadlines never move. Runs from beat every few minutes and right after an absence is recorded.
    """
    from portal.followups.models import Commitment
    from portal.followups.services import hand_back_after_absence, hand_over_for_absence

    now = now or timezone.now()
    today = business_days.local_date(now)
    moved = 0
    away = Absence.objects.filter(starts_on__lte=today, ends_on__gte=today, cancelled_at__isnull=True).select_related(
        "worker", "cover"
    )
    away_ids = set()
    for absence in away:
        away_ids.add(absence.worker_id)
        for commitment in Commitment.objects.filter(owner=absence.worker, status=Commitment.Status.OPEN):
            with transaction.atomic():
                hand_over_for_absence(commitment=commitment, cover=absence.cover, away=absence.worker, now=now)
            moved += 1
    returning = (
        Commitment.objects.filter(status=Commitment.Status.OPEN, covering_for__isnull=False)
        .exclude(covering_for_id__in=away_ids)
        .select_related("covering_for")
    )
    for commitment in returning:
        with transaction.atomic():
            hand_back_after_absence(commitment=commitment, now=now)
        moved += 1
    return moved


# --- Invitations -----------------------------------------------------------------------


@transaction.atomic
def invite_family_member(
    *,
    household: Household,
    email: str,
    actor: User,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Staff invite a resource parent by e-mail; the link leads to choosing a password."""
    from portal.notifications.models import Notification
    from portal.notifications.services import NotificationSpec, queue_notifications

    now = now or timezone.now()
    if not policies.can_invite(actor, household):
        raise PermissionDenied(_("You cannot invite members of this household."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this e-mail address.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        household=household,
        first_name=first_name,
        last_name=last_name,
        title=title,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_audit(actor=actor, action="access.invited", obj=invitation, household_id=household.pk, email=email)  # a way into a household
    queue_notifications(
        [
            NotificationSpec(
                kind=Notification.Kind.INVITATION,
                email_to=email,
                context={
                    "household": household.name,
                    "valid_days": settings.INVITATION_VALID_DAYS,
                    "language": household.preferred_language,
                },
                link=reverse("accounts:accept_invitation", args=[token]),
            )
        ],
        now=now,
    )
    return invitation, token


class InvitationUnusable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def usable_invitation(token: str, *, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("household").filter(token_hash=_token_hash(token)).first()
    if invitation is None:
        raise InvitationUnusable(_("This invitation link is not valid. Please ask your resource worker for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Please sign in instead."))
    if invitation.expires_at <= now:
        raise InvitationUnusable(
            _("This invitation expired on %(date)s. Please ask your resource worker to send a new one.")
            % {"date": business_days.local_date(invitation.expires_at).isoformat()}
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, token: str, password: str, first_name: str, last_name: str, title: str = "", now: datetime | None = None
) -> User:
    now = now or timezone.now()
    invitation = usable_invitation(token, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Please sign in instead."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationUnusable(_("Someone already has an account with this e-mail address. Please sign in instead."))
    user = User(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        title=title,
        role=Role.RESOURCE_PARENT,
        household=invitation.household,
        language=invitation.household.preferred_language,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    invitation.accepted_at = now
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


def set_language(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
