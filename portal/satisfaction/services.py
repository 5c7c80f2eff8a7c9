"""Asking families how we did, at most once a month each, and keeping their answers apart from their case."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Household, Office, Role, User
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications

from .models import Occasion, SurveyAnswer, SurveyRequest

LINK_DAYS = 30
AT_MOST_EVERY = timedelta(days=30)  # "never more than one request a month to the same person"
YEAR = timedelta(days=365)


class SurveyUnavailable(Exception):
    """The link cannot take an answer; ``reason`` says why in a word the page turns into a sentence."""

    def __init__(self, reason: str, request: SurveyRequest | None = None):
        super().__init__(reason)
        self.reason, self.request = reason, request


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _person_key(recipient: User | None, email: str) -> str:
    return f"user:{recipient.pk}" if recipient is not None else f"email:{email.strip().lower()}"


def office_of(household: Household | None) -> Office | None:
    """The office that serves a family: their resource worker's."""
    worker = household.resource_worker if household is not None else None
    return worker.team.office if worker is not None and worker.team_id else None


def ask(*, occasion: str, recipient: User | None = None, email: str = "", language: str = "", office: Office | None = None,
        now: datetime | None = None) -> SurveyRequest | None:
    """Send one survey link, unless this person was asked in the last month (then nothing, and None)."""
    now = now or timezone.now()
    if recipient is not None and (not recipient.is_active or recipient.role != Role.RESOURCE_PARENT):
        return None
    if recipient is None and not email:
        return None
    key = _person_key(recipient, email)
    with transaction.atomic():
        if recipient is not None:  # two occasions at the same moment: the second waits, then sees the first
            User.objects.select_for_update().filter(pk=recipient.pk).first()
        if SurveyRequest.objects.filter(person_key=key, sent_at__gt=now - AT_MOST_EVERY).exists():
            return None
        token = secrets.token_urlsafe(32)
        language = language or (recipient.language if recipient is not None else "en")
        request = SurveyRequest.objects.create(
            occasion=occasion, recipient=recipient, email="" if recipient is not None else email, person_key=key,
            language=language, office=office, token_hash=_hash(token), sent_at=now, expires_at=now + timedelta(days=LINK_DAYS),
        )
        queue_notifications(
            [
                NotificationSpec(
                    kind=Notification.Kind.SURVEY,
                    recipient=recipient,
                    email_to="" if recipient is not None else email,
                    context={"occasion": occasion, "language": language, "days": LINK_DAYS},
                    link=reverse("satisfaction:survey", args=[token]),
                )
            ],
            now=now,
        )
    return request


def ask_family(*, occasion: str, household: Household, now: datetime | None = None) -> list[SurveyRequest]:
    """Ask each adult of a family (each at most once a month)."""
    office = office_of(household)
    parents = User.objects.filter(household=household, role=Role.RESOURCE_PARENT, is_active=True).order_by("pk")
    return [r for r in (ask(occasion=occasion, recipient=p, office=office, now=now) for p in parents) if r is not None]


def ask_yearly(*, now: datetime | None = None) -> int:
    """Every licensed family's parents, once a year (and never within a month of another request)."""
    now = now or timezone.now()
    asked_this_year = SurveyRequest.objects.filter(occasion=Occasion.YEARLY, sent_at__gt=now - YEAR).values("recipient")
    parents = (
        User.objects.filter(
            role=Role.RESOURCE_PARENT, is_active=True, household__licence_status=Household.LicenceStatus.LICENSED
        )
        .exclude(pk__in=asked_this_year)
        .select_related("household__resource_worker__team__office")
        .order_by("pk")
    )
    sent = 0
    for parent in parents.iterator(chunk_size=500):
        sent += ask(occasion=Occasion.YEARLY, recipient=parent, office=office_of(parent.household), now=now) is not None
    return sent


def request_for(token: str) -> SurveyRequest:
    """The request behind a link, or why it cannot be answered: unknown (tampered), answered, expired."""
    return _answerable(SurveyRequest.objects.filter(token_hash=_hash(token)).first(), now=timezone.now())


def _answerable(request: SurveyRequest | None, *, now: datetime) -> SurveyRequest:
    if request is None:
        raise SurveyUnavailable("unknown")
    if request.answered:
        raise SurveyUnavailable("answered", request)
    if request.expires_at <= now:
        raise SurveyUnavailable("expired", request)
    return request


@transaction.atomic
def answer(*, token: str, score: int, comment: str = "", may_contact: bool = False, contact_name: str = "",
           contact: str = "", now: datetime | None = None) -> SurveyAnswer:
    """Keep an answer, apart from who gave it (unless they asked to be contacted). One answer per link."""
    now = now or timezone.now()
    request = _answerable(SurveyRequest.objects.select_for_update().filter(token_hash=_hash(token)).first(), now=now)
    request.answered = True
    request.save(update_fields=["answered"])
    return SurveyAnswer.objects.create(
        occasion=request.occasion,
        office=request.office,
        score=score,
        comment=comment.strip(),
        language=request.language,
        answered_at=now,
        may_contact=may_contact,
        contact_name=contact_name.strip() if may_contact else "",
        contact_phone_or_email=contact.strip() if may_contact else "",
    )
