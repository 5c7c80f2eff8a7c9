"""Survey results by office and quarter, the comments, and how many families answered the yearly survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncQuarter

from portal import business_days
from portal.accounts.models import Office, Role

from .models import Occasion, SurveyAnswer, SurveyRequest


def visible_offices(user) -> QuerySet[Office]:
    """Administrators: every office. Supervisors: the offices of their teams and those they manage."""
    if user.role == Role.ADMINISTRATOR:
        return Office.objects.all()
    if user.role != Role.SUPERVISOR:
        return Office.objects.none()
    return Office.objects.filter(Q(teams__supervisor=user) | Q(program_manager=user)).distinct()


@dataclass
class QuarterRow:
    office: str
    quarter: date
    answers: int
    average: Decimal
    pleased: int  # 4 or 5

    @property
    def pleased_percent(self) -> int:
        return round(100 * self.pleased / self.answers) if self.answers else 0

    @property
    def label(self) -> str:
        return f"Q{(self.quarter.month - 1) // 3 + 1} {self.quarter.year}"


def by_office_and_quarter(offices, *, since: datetime, until: datetime) -> list[QuarterRow]:
    rows = (
        SurveyAnswer.objects.filter(office__in=offices, answered_at__gte=since, answered_at__lt=until)
        .annotate(quarter=TruncQuarter("answered_at", tzinfo=business_days.agency_zone()))
        .values("office__name", "quarter")
        .annotate(answers=Count("pk"), average=Avg("score"), pleased=Count("pk", filter=Q(score__gte=4)))
        .order_by("office__name", "quarter")
    )
    return [
        QuarterRow(
            office=row["office__name"],
            quarter=row["quarter"].date() if isinstance(row["quarter"], datetime) else row["quarter"],
            answers=row["answers"],
            average=Decimal(str(row["average"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            pleased=row["pleased"],
        )
        for row in rows
    ]


def comments(offices, *, since: datetime, until: datetime) -> QuerySet[SurveyAnswer]:
    return (
        SurveyAnswer.objects.filter(office__in=offices, answered_at__gte=since, answered_at__lt=until)
        .exclude(comment="")
        .select_related("office")
        .order_by("-answered_at")
    )


@dataclass
class YearlyTurnout:
    year: int
    families_asked: int
    families_answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.families_answered / self.families_asked) if self.families_asked else 0


def yearly_turnout(offices, *, year: int) -> YearlyTurnout:
    """How many licensed families were asked for the yearly survey, and how many answered (one answer per family counts)."""
    requests = SurveyRequest.objects.filter(
        occasion=Occasion.YEARLY,
        office__in=offices,
        sent_at__gte=business_days.start_of_day(date(year, 1, 1)),
        sent_at__lt=business_days.start_of_day(date(year + 1, 1, 1)),
    )
    figures = requests.aggregate(
        asked=Count("recipient__household", distinct=True),
        answered=Count("recipient__household", distinct=True, filter=Q(answered=True)),
    )
    return YearlyTurnout(year=year, families_asked=figures["asked"], families_answered=figures["answered"])
