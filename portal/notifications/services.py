"""Write notifications to the outbox, then deliver them by e-mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import business_days

from .messages import headline_and_text
from .models import Notification

logger = logging.getLogger(__name__)

def _stale_claim() -> timedelta:
    """How long a claimed notification waits before another delivery may take it (its sender may have died)."""
    return timedelta(seconds=settings.PORTAL_NOTIFICATION_CLAIM_SECONDS)


@dataclass
class NotificationSpec:
    kind: str
    recipient: object | None = None
    email_to: str = ""
    context: dict = field(default_factory=dict)
    link: str = ""
    commitment: object | None = None


def quiet_hours_end(recipient, now: datetime) -> datetime:
    """When a family's quiet hours end, if ``now`` falls inside them; otherwise ``now``."""
    household = getattr(recipient, "household", None)
    if household is None or household.quiet_hours_start is None:
        return now
    start, end = household.quiet_hours_start, household.quiet_hours_end
    local = now.astimezone(business_days.agency_zone())
    moment = local.time()
    inside = (start <= moment < end) if start < end else (moment >= start or moment < end)
    if not inside:
        return now
    end_day = local.date() if moment < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=business_days.agency_zone())


def _wants_email(recipient) -> bool:
    if recipient is None:
        return True
    household = getattr(recipient, "household", None)
    if recipient.is_agency_staff or household is None:
        return True
    return household.contact_by_email


def queue_notifications(specs: list[NotificationSpec], *, now: datetime) -> list[Notification]:
    """Store notifications in the outbox and deliver them once the transaction commits.

    Written first and sent after commit, so a rolled-back step sends nothing and a
    broker that is down delays mail but loses none (deliver_pending picks it up).
    """
    if not specs:
        return []
    rows = [
        Notification(
            recipient=spec.recipient,
            email_to=spec.email_to,
            kind=spec.kind,
            context=spec.context,
            link=spec.link,
            commitment=spec.commitment,
            created_at=now,
            send_email=_wants_email(spec.recipient),
            deliver_after=quiet_hours_end(spec.recipient, now) if spec.recipient else now,
        )
        for spec in specs
    ]
    created = Notification.objects.bulk_create(rows)
    due_now = [row.pk for row in created if row.send_email and row.deliver_after <= now]
    if due_now:
        transaction.on_commit(lambda: _enqueue_delivery(due_now))
    return created


def _enqueue_delivery(ids: list[int]) -> None:
    from .tasks import deliver_notifications_task

    try:
        deliver_notifications_task.delay(ids)
    except Exception:  # the broker is down: the periodic redelivery sends them later
        logger.warning("Could not queue delivery of %d notifications; they stay in the outbox.", len(ids))


def _claim(notification_id: int, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True, send_email=True)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - _stale_claim()))
        .update(sending_since=now, attempts=F("attempts") + 1)
    )


def absolute_url(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return f"{settings.PORTAL_BASE_URL}{link}"


# Files a kind of notification carries (a calendar invitation), provided by the domain app that
# owns the kind: the core never imports a domain app (ARCHITECTURE.md).
_attachment_providers: dict[str, Callable[[Notification], list[tuple[str, bytes, str]]]] = {}


def register_attachments(kind: str, provider: Callable[[Notification], list[tuple[str, bytes, str]]]) -> None:
    _attachment_providers[kind] = provider


def message_id(notification: Notification) -> str:
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "portal.invalid"
    return f"<notification-{notification.pk}.{int(notification.created_at.timestamp())}@{domain}>"


def render_email(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    language = recipient.language if recipient else notification.context.get("language", settings.LANGUAGE_CODE)
    with translation.override(language):
        headline, text = headline_and_text(notification)
        context = {
            "headline": headline,
            "text": text,
            "link": absolute_url(notification.link),
            "recipient": recipient,
            "agency_name": settings.AGENCY_NAME,
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context).strip()
        body = render_to_string("notifications/email/notification_body.txt", context)
        html = render_to_string("notifications/email/notification_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[recipient.email if recipient else notification.email_to],
        # The same Message-ID every time: an e-mail handed over again after a worker died mid-send
        # is the same message, which mail programs show once.
        headers={"Message-ID": message_id(notification)},
    )
    message.attach_alternative(html, "text/html")
    provider = _attachment_providers.get(notification.kind)
    for name, content, mimetype in provider(notification) if provider else []:
        message.attach(name, content, mimetype)
    return message


def deliver_notification(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one stored notification by e-mail, once. Returns whether this call sent it."""
    now = now or timezone.now()
    if not _claim(notification_id, now):
        return False
    notification = Notification.objects.select_related("recipient__household").get(pk=notification_id)
    try:
        render_email(notification).send()
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(sending_since=None, last_error=str(error)[:300])
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now(), last_error="")
    return True


def pending_notification_ids(*, now: datetime, limit: int = 200) -> list[int]:
    return list(
        Notification.objects.filter(send_email=True, emailed_at__isnull=True, deliver_after__lte=now)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - _stale_claim()))
        .order_by("deliver_after")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def mark_read(*, user, notification_ids: list[int] | None = None, now: datetime | None = None) -> int:
    now = now or timezone.now()
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=now)
