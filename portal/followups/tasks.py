from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sweep_commitments_task() -> int:
    return services.sweep_commitments().steps_taken
