from celery import shared_task

from . import services


@shared_task
def generate_board_payments_task():
    """Daily: last month's and this month's board payment for every placement (idempotent)."""
    result = services.generate_due_board_payments()
    return {"created": result.created, "adjusted": result.adjusted, "held_for_rate": result.held_for_rate}
