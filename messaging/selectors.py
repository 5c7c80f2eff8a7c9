"""Every read messaging's pages make, already scoped to the person asking (policies.py)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Household, Role, User
from portal.accounts.policies import covered_workers, current_absences, team_members
from portal.accounts.services import active_absence
from portal.followups.models import Commitment

from . import policies, routing
from .models import Attachment, CallbackRequest, Message, Participant, ReadState, Thread
from .services import CALLBACK_STANDARD, REPLY_STANDARD


def _open_commitment(model) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), subject_id=OuterRef("pk"), status=Commitment.Status.OPEN
    ).order_by("due_at")


def _unread_by(user: User):
    """Something was written since this person last read the conversation."""
    return ~Exists(ReadState.objects.filter(thread=OuterRef("pk"), user=user, last_read_at__gte=OuterRef("last_message_at")))


def with_inbox_columns(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """What a list of conversations shows, in the same query: reply deadline, unread, archived."""
    mine = ReadState.objects.filter(thread=OuterRef("pk"), user=user)
    return threads.select_related("household", "assigned_to").annotate(
        reply_due_at=Subquery(_open_commitment(Thread).values("due_at")[:1]),
        reply_owner_id=Subquery(_open_commitment(Thread).values("owner_id")[:1]),
        archived_at=Subquery(mine.values("archived_at")[:1]),
        unread=_unread_by(user),
    )


def with_reply_owners(threads) -> list[Thread]:
    """Who answers each listed conversation: the holder, or the colleague covering while they are away.

    One query for the page, whatever its length (the ledger's open promise names the owner).
    """
    threads = list(threads)
    owners = User.objects.in_bulk({thread.reply_owner_id for thread in threads if thread.reply_owner_id})
    for thread in threads:
        thread.reply_owner = owners.get(thread.reply_owner_id)
    return threads


def _search(threads: QuerySet[Thread], query: str) -> QuerySet[Thread]:
    query = (query or "").strip()[:100]
    if not query:
        return threads
    matching = Message.objects.filter(body__icontains=query).exclude(kind=Message.Kind.NOTE).values("thread")
    return threads.filter(Q(subject__icontains=query) | Q(pk__in=matching) | Q(household__name__icontains=query))


def _archived_by(user: User, archived: bool):
    # An EXISTS, not a filter on the archived_at subquery: PostgreSQL estimated that filter at a few
    # rows and joined households and users by nested loops, 240 ms for 2 000 threads (bench/inbox_queries.py).
    archived_by_me = Exists(ReadState.objects.filter(thread=OuterRef("pk"), user=user, archived_at__isnull=False))
    return archived_by_me if archived else ~archived_by_me


def family_threads(user: User, *, query: str = "", archived: bool = False) -> QuerySet[Thread]:
    threads = _search(with_inbox_columns(policies.visible_threads(user), user), query)
    return threads.filter(_archived_by(user, archived)).order_by("-last_message_at", "-pk")


def _answered_by(user: User, now: datetime) -> QuerySet[Thread]:
    """The conversations this worker answers: held, covered today, or brought into."""
    brought_in = Participant.objects.filter(user=user).values("thread")
    return Thread.objects.filter(Q(assigned_to=user) | Q(assigned_to__in=covered_workers(user, now)) | Q(pk__in=brought_in))


def my_inbox(user: User, *, now: datetime, query: str = "", archived: bool = False) -> QuerySet[Thread]:
    """The conversations this worker answers (held, covered today, brought into): soonest deadline first."""
    threads = _search(with_inbox_columns(_answered_by(user, now), user), query).filter(_archived_by(user, archived))
    return threads.order_by(F("reply_due_at").asc(nulls_last=True), "-last_message_at", "-pk")


def team_inbox(supervisor: User, *, now: datetime) -> QuerySet[Thread]:
    """Every open conversation the team holds that waits for a reply, overdue first."""
    team = Q(assigned_to__team__supervisor=supervisor) | Q(assigned_to=supervisor)
    threads = with_inbox_columns(policies.visible_threads(supervisor, now=now).filter(team), supervisor)
    return threads.filter(reply_due_at__isnull=False).order_by("reply_due_at", "-pk")


@dataclass
class WorkerBacklog:
    worker: User
    waiting: int
    overdue: int
    away_until: date | None = None
    cover: User | None = None


def team_backlog(supervisor: User, *, now: datetime) -> list[WorkerBacklog]:
    """Who is behind: each worker's unanswered messages and call-backs, and how many are overdue."""
    open_here = Q(commitments__status=Commitment.Status.OPEN, commitments__standard__code__in=[REPLY_STANDARD, CALLBACK_STANDARD])
    workers = (
        team_members(supervisor)
        .annotate(
            waiting=Count("commitments", filter=open_here),
            overdue=Count("commitments", filter=open_here & Q(commitments__due_at__lt=now)),
        )
        .order_by("-overdue", "-waiting", "last_name")
    )
    today = business_days.local_date(now)
    absences = {
        absence.worker_id: absence
        for absence in current_absences(today).filter(worker__in=[w.pk for w in workers]).select_related("cover")
    }
    rows = []
    for worker in workers:
        absence = absences.get(worker.pk)
        rows.append(
            WorkerBacklog(
                worker, worker.waiting, worker.overdue, absence.ends_on if absence else None, absence.cover if absence else None
            )
        )
    return rows


def thread_for(user: User, pk: int, *, now: datetime | None = None) -> Thread:
    threads = policies.visible_threads(user, now=now).select_related(
        "household", "assigned_to__team__supervisor", "rating", "closed_by"
    )
    return get_object_or_404(threads, pk=pk)


def thread_messages(thread: Thread, user: User) -> list[Message]:
    messages = thread.messages.select_related("author", "to_user").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if not user.is_agency_staff:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    return list(messages)


def family_read_times(thread: Thread) -> list[tuple[User, datetime]]:
    """When each family member last read the conversation: the read receipts staff see."""
    states = ReadState.objects.filter(
        thread=thread, user__household_id=thread.household_id, user__role=Role.RESOURCE_PARENT, last_read_at__isnull=False
    ).select_related("user")
    return [(state.user, state.last_read_at) for state in states]


def participants(thread: Thread) -> list[User]:
    return [p.user for p in Participant.objects.filter(thread=thread).select_related("user").order_by("added_at")]


def reply_commitment(thread: Thread) -> Commitment | None:
    return (
        Commitment.objects.filter(
            subject_type=ContentType.objects.get_for_model(Thread), subject_id=thread.pk, status=Commitment.Status.OPEN
        )
        .select_related("owner", "covering_for")
        .first()
    )


def attachment_for(user: User, pk: int) -> Attachment:
    """An attachment, only to someone who can see its message: anyone else gets a 404."""
    attachments = Attachment.objects.filter(message__thread__in=policies.visible_threads(user))
    if not user.is_agency_staff:
        attachments = attachments.exclude(message__kind=Message.Kind.NOTE)
    return get_object_or_404(attachments, pk=pk)


def unread_count(user: User, *, now: datetime) -> int:
    """The badge on every page: the conversations of the inbox (not archived) with something unread.

    One plain COUNT: counting the inbox's own queryset made the database and Django build its deadline
    columns too, about 9 ms of every page a family opens (bench/page_throughput.py's profile).
    """
    threads = _answered_by(user, now) if user.is_agency_staff else policies.visible_threads(user)
    return threads.filter(_archived_by(user, False)).filter(_unread_by(user)).count()


def greeting(thread: Thread, messages: list[Message]) -> str:
    """ "Dear Mrs. Garcia," in the family's language: title and surname (agency training)."""
    writers = [m.author for m in reversed(messages) if m.from_family and m.kind == Message.Kind.MESSAGE]
    person = (
        writers[0] if writers else User.objects.filter(household_id=thread.household_id, is_active=True).order_by("pk").first()
    )
    name = person.formal_name if person is not None else str(thread.household)
    with translation.override(thread.household.preferred_language):
        return _("Dear %(name)s,") % {"name": name}


def callbacks_for_family(user: User) -> QuerySet[CallbackRequest]:
    return (
        policies.visible_callbacks(user)
        .select_related("assigned_to")
        .prefetch_related("attempts")
        .annotate(call_due_at=Subquery(_open_commitment(CallbackRequest).values("due_at")[:1]))
        .filter(Q(status=CallbackRequest.Status.OPEN) | Q(reached_at__isnull=False))
        .order_by("-requested_at")[:10]
    )


def my_callbacks(user: User, *, now: datetime) -> QuerySet[CallbackRequest]:
    covered = covered_workers(user, now)
    return (
        CallbackRequest.objects.filter(Q(assigned_to=user) | Q(assigned_to__in=covered), status=CallbackRequest.Status.OPEN)
        .select_related("household", "assigned_to")
        .annotate(call_due_at=Subquery(_open_commitment(CallbackRequest).values("due_at")[:1]))
        .order_by(F("call_due_at").asc(nulls_last=True))
    )


def callback_for(user: User, pk: int) -> CallbackRequest:
    return get_object_or_404(policies.visible_callbacks(user).select_related("household", "assigned_to", "requested_by"), pk=pk)


def colleagues(user: User) -> QuerySet[User]:
    """Who a conversation can be passed to or shared with: any active member of staff."""
    return (
        User.objects.filter(is_active=True, role__in=[r for r in Role.values if r != Role.RESOURCE_PARENT])
        .exclude(pk=user.pk)
        .select_related("team")
        .order_by("last_name", "first_name")
    )


# --- "Your team" ---------------------------------------------------------------------


@dataclass
class TeamMember:
    role: str
    person: User
    write_value: str  # the "What is it about?" choice that reaches this person
    supervisor: User | None
    away_until: date | None = None
    cover: User | None = None


def your_team(household: Household, *, now: datetime) -> list[TeamMember]:
    """Who is responsible for what: each child's caseworker, the resource worker, the fiscal contact."""
    today = business_days.local_date(now)
    cards: list[TeamMember] = []
    for _group, options in routing.options_for(household):
        for option in options:
            kind = routing.about_kind(option.about)
            if kind is None or option.topic != routing.Topic.CHILD:
                continue
            person = kind.responsible(option.about)
            if person is not None:
                cards.append(TeamMember(kind.role(option.about), person, option.value, None))
    if household.resource_worker_id:
        cards.append(
            TeamMember(
                _("Your resource worker (licensing and support)"), household.resource_worker, routing.Topic.LICENSING, None
            )
        )
    if household.fiscal_contact_id:
        cards.append(
            TeamMember(
                _("Your fiscal contact (board payments and reimbursements)"),
                household.fiscal_contact,
                routing.Topic.PAYMENT,
                None,
            )
        )
    for card in cards:
        card.supervisor = (
            card.person.team.supervisor if card.person.team_id and card.person.team.supervisor_id != card.person.pk else None
        )
        absence = active_absence(card.person, today)
        if absence is not None:
            card.away_until, card.cover = absence.ends_on, absence.cover
    return cards


# --- Time to first reply -------------------------------------------------------------


@dataclass
class ReplyTimes:
    worker: User
    week: date
    replies: int
    median_hours: float
    p90_hours: float


def first_reply_times(supervisor: User, *, now: datetime, weeks: int = 8) -> list[ReplyTimes]:
    """Median and 90th percentile office hours from a family's first message to the first reply, per worker and week.

    Office hours, not clock hours: a message sent on Friday evening and answered on Monday
    at nine was answered within the hour the office opened.
    """
    since = business_days.opening_of_business(business_days.start_of_week(now) - timedelta(weeks=weeks - 1))
    threads = (
        Thread.objects.filter(first_reply_at__gte=since, first_reply_at__lte=now, first_reply_office_hours__isnull=False)
        .filter(Q(first_reply_by__team__supervisor=supervisor) | Q(first_reply_by=supervisor))
        .values_list("first_reply_by", "first_reply_at", "first_reply_office_hours")
    )
    samples: dict[tuple[int, date], list[float]] = {}
    for worker_id, replied_at, hours in threads:
        samples.setdefault((worker_id, business_days.start_of_week(replied_at)), []).append(float(hours))
    workers = User.objects.in_bulk({worker_id for worker_id, _week in samples})
    rows = []
    for (worker_id, week), hours in sorted(samples.items(), key=lambda item: (str(workers[item[0][0]]), item[0][1])):
        p90 = statistics.quantiles(hours, n=10, method="inclusive")[-1] if len(hours) > 1 else hours[0]
        rows.append(ReplyTimes(workers[worker_id], week, len(hours), round(statistics.median(hours), 1), round(p90, 1)))
    return rows
