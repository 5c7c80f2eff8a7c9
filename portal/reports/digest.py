"""The Monday digest: each supervisor hears how many of their team's promises are overdue and due
this week, each worker the same of their own, with a link. Counts and colleagues' names only:
never a family or a child.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from portal import business_days
from portal.accounts.models import WORKER_ROLES, Role, User
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications

from .models import WeeklyDigest


@dataclass
class Load:
    overdue: int = 0
    due_this_week: int = 0
    members: list[tuple[str, int, int]] = field(default_factory=list)


def week_loads(*, now: datetime) -> tuple[dict[int, Load], dict[int, Load]]:
    """Open promises per owner (overdue, due before Monday next), and the same summed per supervisor."""
    week_of = business_days.start_of_week(now)
    week_ends = business_days.start_of_day(week_of + timedelta(days=7))
    rows = (
        Commitment.objects.filter(status=Commitment.Status.OPEN, due_at__lt=week_ends)
        .values("owner", "owner__team__supervisor")
        .annotate(overdue=Count("pk", filter=Q(due_at__lt=now)), due_this_week=Count("pk", filter=Q(due_at__gte=now)))
    )
    own: dict[int, Load] = {}
    team: dict[int, Load] = defaultdict(Load)
    by_owner = {}
    for row in rows:
        own[row["owner"]] = Load(row["overdue"], row["due_this_week"])
        by_owner[row["owner"]] = row
        supervisor = row["owner__team__supervisor"]
        if supervisor is not None:
            team[supervisor].overdue += row["overdue"]
            team[supervisor].due_this_week += row["due_this_week"]
    names = {person.pk: str(person) for person in User.objects.filter(pk__in=by_owner)}
    for owner, row in by_owner.items():
        supervisor = row["owner__team__supervisor"]
        if supervisor is not None and owner != supervisor:
            team[supervisor].members.append((names[owner], row["overdue"], row["due_this_week"]))
    for load in team.values():
        load.members.sort(key=lambda member: (-member[1], -member[2], member[0]))
    return own, dict(team)


def send_weekly_digests(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every active worker and supervisor who has not had it. Returns how many."""
    now = now or timezone.now()
    week_of = business_days.start_of_week(now)
    own, team = week_loads(now=now)
    already = set(WeeklyDigest.objects.filter(week_of=week_of).values_list("recipient", flat=True))
    people = User.objects.filter(is_active=True, role__in=WORKER_ROLES).exclude(pk__in=already).order_by("pk")
    supervisors = set(User.objects.filter(supervised_teams__isnull=False).values_list("pk", flat=True))
    sent = 0
    for person in people:
        mine = own.get(person.pk, Load())
        if person.role == Role.SUPERVISOR and person.pk in supervisors:
            load = team.get(person.pk, Load())
            kind, link = Notification.Kind.DIGEST_TEAM, reverse("followups:my_team")
            context = {
                "overdue": load.overdue + mine.overdue,
                "due_this_week": load.due_this_week + mine.due_this_week,
                "members": load.members,
                "own_overdue": mine.overdue,
                "own_due_this_week": mine.due_this_week,
            }
        else:
            kind, link = Notification.Kind.DIGEST_OWN, reverse("followups:my_day")
            context = {"overdue": mine.overdue, "due_this_week": mine.due_this_week}
        context["week_of"] = week_of.isoformat()
        with transaction.atomic():  # the row and the e-mail in the outbox together, or neither
            if not _claim(person, week_of, now=now, context=context):
                continue
            queue_notifications([NotificationSpec(kind=kind, recipient=person, context=context, link=link)], now=now)
        sent += 1
    return sent


def _claim(person: User, week_of, *, now: datetime, context: dict) -> bool:
    """Write the week's row first; another run that got there first wins, and this one sends nothing."""
    try:
        with transaction.atomic():
            WeeklyDigest.objects.create(
                recipient=person, week_of=week_of, sent_at=now, overdue=context["overdue"], due_this_week=context["due_this_week"]
            )
    except IntegrityError:
        return False
    return True
