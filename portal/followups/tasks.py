from celery import shared_task
from django.utils import timezone

from . import services
from .models import Heartbeat

SWEEP = "sweep"


@shared_task(acks_late=True)
def sweep_commitments_task() -> int:
    steps = services.sweep_commitments().steps_taken
    # Written once the sweep has finished: the health check reports a sweep that stopped finishing.
    Heartbeat.beat(SWEEP, at=timezone.now(), detail=f"{steps} steps")
    return steps
