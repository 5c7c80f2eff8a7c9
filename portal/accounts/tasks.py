from celery import shared_task

from . import services


@shared_task(acks_late=True)
def apply_absences_task() -> int:
    return services.apply_absences()
