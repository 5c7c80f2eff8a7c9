from celery import shared_task

from . import services


@shared_task(acks_late=True)
def ask_yearly_task() -> int:
    """Daily: every licensed family's parents get the yearly survey once a year (never twice in a month)."""
    return services.ask_yearly()


@shared_task(acks_late=True)
def ask_families_task(occasion: str, household_ids: list[int]) -> int:
    """After an accounting file paid many claims: each family's parents asked once (at most once a month)."""
    from portal.accounts.models import Household

    return sum(len(services.ask_family(occasion=occasion, household=h)) for h in Household.objects.filter(pk__in=household_ids))
