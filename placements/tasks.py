from celery import shared_task

from . import recognition
from .events import services as events


@shared_task
def send_event_reminders_task() -> int:
    return events.send_event_reminders()


@shared_task
def open_outcome_promises_task() -> int:
    return events.open_outcome_promises()


@shared_task
def find_recognitions_task() -> int:
    """Daily: today's anniversaries and this week's adoptions become promises to thank the family."""
    return recognition.find_recognitions()
