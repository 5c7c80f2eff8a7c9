from celery import shared_task

from . import digest


@shared_task(acks_late=True)
def send_weekly_digests_task() -> int:
    """Monday 08:00, agency time (portal/celery.py): each person's digest for the week, once."""
    return digest.send_weekly_digests()
