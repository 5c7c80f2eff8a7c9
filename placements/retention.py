"""The families the agency is about to lose: licensed households with no child placed, promises overdue,
low ratings of their conversations, or many "Still waiting?" presses, for their resource worker to call.

One query for the page whatever the number of families: each signal is a subquery count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from messaging.models import ThreadRating
from portal.accounts.models import Household, Role
from portal.accounts.policies import may_see_family_data
from portal.followups.models import Commitment, CommitmentEvent

from .models import Placement

LOW_RATING = 2  # out of 5
RATINGS_WITHIN = timedelta(days=180)
CHASES_WITHIN = timedelta(days=90)
MANY_CHASES = 2


def may_see(user) -> bool:
    return may_see_family_data(user) and user.role in (Role.RESOURCE_WORKER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _households(user) -> QuerySet[Household]:
    """Each resource worker their families; a supervisor their team's; the administrator all."""
    licensed = Household.objects.filter(licence_status=Household.LicenceStatus.LICENSED)
    if user.role == Role.ADMINISTRATOR:
        return licensed
    if user.role == Role.SUPERVISOR:
        return licensed.filter(Q(resource_worker__team__supervisor=user) | Q(resource_worker=user))
    return licensed.filter(resource_worker=user)


def _count(queryset, field: str = "pk"):
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass
class FamilyToCall:
    household: Household
    reasons: list[str]


def families_to_call(user, *, now: datetime) -> list[FamilyToCall]:
    households = (
        _households(user)
        .annotate(
            placed=_count(Placement.objects.filter(household=OuterRef("pk"), ended_on__isnull=True), "household"),
            overdue=_count(
                Commitment.objects.filter(household=OuterRef("pk"), status=Commitment.Status.OPEN, due_at__lt=now), "household"
            ),
            low_ratings=_count(
                ThreadRating.objects.filter(thread__household=OuterRef("pk"), score__lte=LOW_RATING, rated_at__gte=now - RATINGS_WITHIN),
                "thread__household",
            ),
            chases=_count(
                CommitmentEvent.objects.filter(
                    commitment__household=OuterRef("pk"), kind=CommitmentEvent.Kind.FAMILY_CHASED, at__gte=now - CHASES_WITHIN
                ),
                "commitment__household",
            ),
        )
        .filter(Q(placed=0) | Q(overdue__gt=0) | Q(low_ratings__gt=0) | Q(chases__gte=MANY_CHASES))
        .select_related("resource_worker")
        .order_by("name")
    )
    result = []
    for household in households:
        reasons = []
        if household.overdue:
            reasons.append(
                ngettext("%(count)d promise to them overdue", "%(count)d promises to them overdue", household.overdue)
                % {"count": household.overdue}
            )
        if household.chases >= MANY_CHASES:
            reasons.append(_("pressed “Still waiting?” %(count)d times in 90 days") % {"count": household.chases})
        if household.low_ratings:
            reasons.append(_("rated a conversation 1 or 2 out of 5 in the last six months"))
        if not household.placed:
            reasons.append(_("no child placed with them now"))
        result.append(FamilyToCall(household=household, reasons=reasons))
    # The most signals first: a family with three reasons to leave is the first call to make.
    return sorted(result, key=lambda row: (-len(row.reasons), row.household.name))
