from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=900, max_retries=8)
def deliver_notifications_task(notification_ids: list[int]) -> int:
    return sum(services.deliver_notification(notification_id=pk) for pk in notification_ids)


@shared_task(acks_late=True)
def deliver_pending_notifications_task() -> int:
    return deliver_notifications_task(services.pending_notification_ids(now=timezone.now()))
