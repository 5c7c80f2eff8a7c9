"""Every write to the follow-up ledger: open, meet, reassign, cancel, chase, sweep.

The domain apps call these; none of them computes a deadline (portal.business_days does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Household, Role, Team, User
from portal.accounts.services import effective_owner
from portal.audit.services import record_audit
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications

from . import policies
from .models import ClosureDay, Commitment, CommitmentEvent, ServiceStandard, Step


class UnknownStandard(LookupError):
    def __init__(self, code: str):
        super().__init__(f"There is no service standard with the code {code!r}; an administrator adds standards.")
        self.code = code


def get_standard(code: str) -> ServiceStandard:
    try:
        return ServiceStandard.objects.get(code=code)
    except ServiceStandard.DoesNotExist:
        raise UnknownStandard(code) from None


def _step_times(commitment: Commitment) -> list[tuple[str, datetime]]:
    steps = [(Step.OVERDUE, commitment.due_at), (Step.ESCALATE, commitment.escalate_at)]
    if commitment.remind_at is not None:
        steps.insert(0, (Step.REMIND, commitment.remind_at))
    return steps


def _following_step(commitment: Commitment, now: datetime) -> tuple[str, datetime | None]:
    for step, at in _step_times(commitment):
        if at > now:
            return step, at
    return "", None


# The column _step_times() reads each step's time from.
_STEP_COLUMN = {Step.REMIND: "remind_at", Step.OVERDUE: "due_at", Step.ESCALATE: "escalate_at"}


def _save_following_steps(batch: list[Commitment]) -> None:
    """Write each swept commitment's next step: one UPDATE per kind of step, whatever the batch size.

    The time of the next step is one of the row's own columns, so ``next_step_at = F(column)``
    writes the same value _following_step() computed. (bulk_update() built a CASE WHEN per row
    and field: about 0.75 ms of Python per commitment, measured with bench/sweep_ledger.py.)
    """
    by_step: dict[str, list[int]] = {}
    for commitment in batch:
        by_step.setdefault(commitment.next_step, []).append(commitment.pk)
    for step, pks in by_step.items():
        Commitment.objects.filter(pk__in=pks).update(
            next_step=step, next_step_at=F(_STEP_COLUMN[step]) if step else None
        )


@transaction.atomic
def open_commitment(
    *,
    standard: str,
    subject: models.Model,
    owner: User,
    household=None,
    owed_to_name: str = "",
    received_at: datetime | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Record a promise at the moment the work arrives, with its deadline from the one calendar."""
    now = now or timezone.now()
    received_at = received_at or now
    rule = get_standard(standard)
    if household is None and not owed_to_name:
        raise ValidationError(_("A promise must be owed to a household or a named person."))
    due_at = business_days.deadline(received_at, rule.business_days)
    remind_at = business_days.subtract_office_hours(due_at, float(rule.remind_office_hours_before))
    escalate_at = business_days.deadline(due_at, rule.escalate_after_business_days)
    worker = effective_owner(owner, on=business_days.local_date(now))
    team_id, office_id = _where_owed(worker)
    commitment = Commitment(
        standard=rule,
        team_id=team_id,
        office_id=office_id,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        household=household,
        owed_to_name=owed_to_name,
        owner=worker,
        covering_for=owner if worker != owner else None,
        opened_at=received_at,
        remind_at=remind_at if remind_at > received_at else None,
        due_at=due_at,
        escalate_at=escalate_at,
    )
    commitment.next_step, commitment.next_step_at = _following_step(commitment, received_at)
    commitment.save()
    CommitmentEvent.objects.create(commitment=commitment, kind=CommitmentEvent.Kind.OPENED, at=now, actor=actor)
    return commitment


def _where_owed(worker: User) -> tuple[int | None, int | None]:
    """The team and office a promise is owed from: its owner's, at the moment they take it on."""
    if worker.team_id is None:
        return None, None
    return worker.team_id, Team.objects.values_list("office_id", flat=True).get(pk=worker.team_id)


def _office_minutes(span) -> int:
    return int(span.total_seconds() // 60)


@transaction.atomic
def record_kept_promise(
    *, standard: str, subject: models.Model, owner: User, household, due_at: datetime, kept_at: datetime
) -> Commitment:
    """A promise kept by the very act that makes it (an invitation is its own notice): on time or late, for the report.

    Opened when kept, or at its deadline if that had passed already; never reminded. Its office time to keep
    is not measured: there was no wait.
    """
    rule = get_standard(standard)
    team_id, office_id = _where_owed(owner)
    commitment = Commitment.objects.create(
        standard=rule, subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, household=household,
        owner=owner, team_id=team_id, office_id=office_id, opened_at=min(kept_at, due_at), due_at=due_at, escalate_at=due_at,
        status=Commitment.Status.MET, met_at=kept_at, met_by=owner, late=kept_at > due_at,
    )
    CommitmentEvent.objects.bulk_create(
        [
            CommitmentEvent(commitment=commitment, kind=CommitmentEvent.Kind.OPENED, at=kept_at, actor=owner),
            CommitmentEvent(commitment=commitment, kind=CommitmentEvent.Kind.MET, at=kept_at, actor=owner),
        ]
    )
    return commitment


def open_commitments_for(subject: models.Model) -> models.QuerySet[Commitment]:
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, status=Commitment.Status.OPEN
    )


@transaction.atomic
def meet_commitment(*, commitment: Commitment, actor: User, now: datetime | None = None) -> Commitment:
    """Mark a promise kept. Meeting it twice changes nothing: the first time stands."""
    if not policies.can_meet(actor, commitment):
        raise PermissionDenied(_("You cannot mark this promise as met."))
    return _mark_met(commitment, actor=actor, now=now or timezone.now())


def _mark_met(commitment: Commitment, *, actor: User, now: datetime) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.OPEN:
        return commitment
    commitment.status = Commitment.Status.MET
    commitment.met_at = now
    commitment.met_by = actor
    commitment.late = now > commitment.due_at
    commitment.office_minutes_to_meet = _office_minutes(business_days.office_hours_between(commitment.opened_at, now))
    commitment.next_step, commitment.next_step_at = "", None
    commitment.save(update_fields=["status", "met_at", "met_by", "late", "office_minutes_to_meet", "next_step", "next_step_at"])
    CommitmentEvent.objects.create(commitment=commitment, kind=CommitmentEvent.Kind.MET, at=now, actor=actor)
    return commitment


@transaction.atomic
def meet_commitments_for(
    *, subject: models.Model, actor: User, now: datetime | None = None, standard: str | None = None
) -> int:
    """Meet every open promise about one subject: a staff reply meets the reply promise of its thread.

    The subject's app has already decided that ``actor`` may act on the subject (a colleague
    brought into a thread answers it as well as its owner), so the ledger's own
    owner-or-supervisor rule for the "mark as met" button does not apply here.
    """
    now = now or timezone.now()
    met = 0
    commitments = open_commitments_for(subject)
    if standard is not None:
        commitments = commitments.filter(standard__code=standard)
    for commitment in commitments:
        if _mark_met(commitment, actor=actor, now=now).met_at == now:
            met += 1
    return met


@transaction.atomic
def meet_commitments_for_all(*, subjects: list[models.Model], actor: User, now: datetime | None = None) -> int:
    """``meet_commitments_for`` for many subjects of one model at once (an accounting file pays 10 000 claims).

    A constant number of queries, whatever the number of subjects.
    """
    now = now or timezone.now()
    if not subjects:
        return 0
    subject_type = ContentType.objects.get_for_model(subjects[0])
    ids = [subject.pk for subject in subjects]
    met = []
    for start in range(0, len(ids), 1000):
        met += list(
            Commitment.objects.select_for_update()
            .filter(subject_type=subject_type, subject_id__in=ids[start : start + 1000], status=Commitment.Status.OPEN)
            .order_by("pk")
        )
    # Two plain UPDATEs per thousand (kept late, kept in time): bulk_update's CASE per row is far slower.
    for late in (True, False):
        ids = [c.pk for c in met if (now > c.due_at) == late]
        for start in range(0, len(ids), 1000):
            Commitment.objects.filter(pk__in=ids[start : start + 1000]).update(
                status=Commitment.Status.MET, met_at=now, met_by=actor, late=late, next_step="", next_step_at=None
            )
    # Each promise's office time to meet differs: one prepared statement run for every row.
    spans = business_days.office_hours_between_each([(c.opened_at, now) for c in met])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Commitment._meta.db_table} SET office_minutes_to_meet = %s WHERE id = %s",
            [(_office_minutes(span), c.pk) for c, span in zip(met, spans)],
        )
    CommitmentEvent.objects.bulk_create(
        [CommitmentEvent(commitment=c, kind=CommitmentEvent.Kind.MET, at=now, actor=actor) for c in met], batch_size=1000
    )
    return len(met)


@transaction.atomic
def withdraw_commitments_for(*, subject: models.Model, actor: User, reason: str, now: datetime | None = None) -> int:
    """The family withdrew what they asked for (they closed the conversation): nothing is owed any more."""
    now = now or timezone.now()
    withdrawn = 0
    for commitment in open_commitments_for(subject).select_for_update():
        commitment.status = Commitment.Status.CANCELLED
        commitment.cancelled_reason = reason[:300]
        commitment.next_step, commitment.next_step_at = "", None
        commitment.save(update_fields=["status", "cancelled_reason", "next_step", "next_step_at"])
        CommitmentEvent.objects.create(
            commitment=commitment, kind=CommitmentEvent.Kind.CANCELLED, at=now, actor=actor, note=reason[:300]
        )
        withdrawn += 1
    return withdrawn


@transaction.atomic
def reassign_commitment(
    *, commitment: Commitment, to_owner: User, actor: User, note: str = "", now: datetime | None = None
) -> Commitment:
    """Hand a promise to a colleague. The deadline does not move; the history keeps who had it."""
    now = now or timezone.now()
    if not policies.can_reassign(actor, commitment):
        raise PermissionDenied(_("You cannot hand this promise to someone else."))
    if not to_owner.is_agency_staff or not to_owner.is_active:
        raise ValidationError(_("A promise can only be handed to an active member of staff."))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.OPEN:
        raise ValidationError(_("This promise is already closed."))
    if commitment.owner_id == to_owner.pk:
        return commitment
    _hand_over(commitment, to_owner=to_owner, actor=actor, note=note, now=now, covering_for=None)
    return commitment


@transaction.atomic
def hand_over_commitments_for(*, subject: models.Model, to_owner: User, actor: User, note: str = "", now: datetime | None = None) -> int:
    """Hand every open promise about one subject to a colleague (a fiscal clerk takes a claim).

    As with ``meet_commitments_for``, the subject's app has decided that ``actor`` may do this.
    The deadline does not move; the history keeps who had each promise.
    """
    now = now or timezone.now()
    if not to_owner.is_agency_staff or not to_owner.is_active:
        raise ValidationError(_("A promise can only be handed to an active member of staff."))
    handed = 0
    for commitment in open_commitments_for(subject).select_for_update():
        if commitment.owner_id != to_owner.pk:
            _hand_over(commitment, to_owner=to_owner, actor=actor, note=note, now=now, covering_for=None)
            handed += 1
    return handed


def _hand_over(commitment: Commitment, *, to_owner: User, actor, note: str, now: datetime, covering_for) -> None:
    previous = commitment.owner
    commitment.owner = to_owner
    commitment.covering_for = covering_for
    commitment.team_id, commitment.office_id = _where_owed(to_owner)
    commitment.save(update_fields=["owner", "covering_for", "team", "office"])
    CommitmentEvent.objects.create(
        commitment=commitment,
        kind=CommitmentEvent.Kind.REASSIGNED,
        at=now,
        actor=actor,
        from_owner=previous,
        to_owner=to_owner,
        note=note[:300],
    )
    if actor is not None and actor.pk == to_owner.pk:
        return  # someone who takes a promise themselves needs no e-mail about it
    queue_notifications(
        [
            NotificationSpec(
                recipient=to_owner,
                kind=Notification.Kind.REASSIGNED,
                commitment=commitment,
                context=_commitment_context(commitment) | {"from": str(previous)},
                link=_staff_link(commitment),
            )
        ],
        now=now,
    )


def hand_over_for_absence(*, commitment: Commitment, cover: User, away: User, now: datetime) -> None:
    _hand_over(commitment, to_owner=cover, actor=None, note=_("Covering while %(name)s is away") % {"name": away}, now=now, covering_for=away)


def hand_back_after_absence(*, commitment: Commitment, now: datetime) -> None:
    _hand_over(commitment, to_owner=commitment.covering_for, actor=None, note=_("Back from absence"), now=now, covering_for=None)


@transaction.atomic
def cancel_commitment(*, commitment: Commitment, actor: User, reason: str, now: datetime | None = None) -> Commitment:
    now = now or timezone.now()
    if not policies.can_reassign(actor, commitment):
        raise PermissionDenied(_("You cannot cancel this promise."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this promise no longer applies."))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.OPEN:
        return commitment
    commitment.status = Commitment.Status.CANCELLED
    commitment.cancelled_reason = reason[:300]
    commitment.next_step, commitment.next_step_at = "", None
    commitment.save(update_fields=["status", "cancelled_reason", "next_step", "next_step_at"])
    CommitmentEvent.objects.create(
        commitment=commitment, kind=CommitmentEvent.Kind.CANCELLED, at=now, actor=actor, note=reason[:300]
    )
    # A promise to a family withdrawn by staff is an override worth a line in the audit log.
    record_audit(
        actor=actor, action="commitment.cancelled", obj=commitment, household_id=commitment.household_id, reason=reason[:300]
    )
    return commitment


@dataclass(frozen=True)
class ChaseResult:
    notified: bool
    chased_at: datetime


@transaction.atomic
def chase_commitment(*, commitment: Commitment, actor: User, now: datetime | None = None) -> ChaseResult:
    """A family presses "Still waiting?" on a promise past its deadline: the supervisor hears, once."""
    now = now or timezone.now()
    if not policies.can_chase(actor, commitment, now=now):
        raise PermissionDenied(_("You can ask about a promise once its deadline has passed."))
    return _record_chase(commitment, actor=actor, now=now)


@transaction.atomic
def chase_commitment_by_link(*, commitment: Commitment, now: datetime | None = None) -> ChaseResult:
    """Someone without an account (an inquirer on their private status link) says they are still waiting.

    The caller has checked the signed link; the promise must be open and past its deadline.
    """
    now = now or timezone.now()
    if commitment.status != Commitment.Status.OPEN or commitment.due_at >= now:
        raise PermissionDenied(_("You can ask about a promise once its deadline has passed."))
    return _record_chase(commitment, actor=None, now=now)


def _record_chase(commitment: Commitment, *, actor: User | None, now: datetime) -> ChaseResult:
    commitment = Commitment.objects.select_for_update(of=("self",)).select_related("owner__team__supervisor").get(pk=commitment.pk)
    previous = CommitmentEvent.objects.filter(commitment=commitment, kind=CommitmentEvent.Kind.FAMILY_CHASED).first()
    if previous is not None:
        return ChaseResult(notified=False, chased_at=previous.at)
    CommitmentEvent.objects.create(commitment=commitment, kind=CommitmentEvent.Kind.FAMILY_CHASED, at=now, actor=actor)
    context = _commitment_context(commitment)
    queue_notifications(
        [
            NotificationSpec(recipient=person, kind=Notification.Kind.FAMILY_CHASED, commitment=commitment, context=context, link=_staff_link(commitment))
            for person in {supervisor_of(commitment.owner) or commitment.owner, commitment.owner}
        ],
        now=now,
    )
    return ChaseResult(notified=True, chased_at=now)


# --- The sweep ---------------------------------------------------------------------


def supervisor_of(worker: User) -> User | None:
    team = worker.team
    if team is None or team.supervisor_id is None or team.supervisor_id == worker.pk:
        return _next_level_of(worker)
    return team.supervisor


def _next_level_of(worker: User) -> User | None:
    team = worker.team
    if team is not None and team.office.program_manager_id and team.office.program_manager_id != worker.pk:
        return team.office.program_manager
    return None


def _administrators() -> list[User]:
    return list(User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk"))


def _commitment_context(commitment: Commitment) -> dict:
    return {
        "standard": commitment.standard.code,
        "standard_name": commitment.standard.name,
        "standard_name_es": commitment.standard.name_es,
        "owed_to": str(commitment.household) if commitment.household_id else commitment.owed_to_name,
        "owner": str(commitment.owner),
        "due_at": commitment.due_at.isoformat(),
    }


def _staff_link(commitment: Commitment) -> str:
    from django.urls import reverse

    return reverse("followups:commitment", args=[commitment.pk])


def _notifications_for_step(commitment: Commitment, step: str, admins: list[User]) -> list[NotificationSpec]:
    context = _commitment_context(commitment)
    link = _staff_link(commitment)
    owner = commitment.owner

    def spec(person, kind):
        return NotificationSpec(recipient=person, kind=kind, commitment=commitment, context=context, link=link)

    if step == Step.REMIND:
        return [spec(owner, Notification.Kind.DUE_SOON)]
    if step == Step.OVERDUE:
        specs = [spec(owner, Notification.Kind.OVERDUE_OWNER)]
        supervisor = supervisor_of(owner)
        for person in [supervisor] if supervisor else admins:
            if person != owner:
                specs.append(spec(person, Notification.Kind.OVERDUE_SUPERVISOR))
        return specs
    next_level = _next_level_of(owner)
    return [spec(person, Notification.Kind.ESCALATED) for person in ([next_level] if next_level else admins)]


def due_commitments(*, now: datetime, batch_size: int) -> models.QuerySet[Commitment]:
    """The sweep's only scan: open rows whose next step has come, on the partial index."""
    return (
        Commitment.objects.select_for_update(skip_locked=True)
        .filter(status=Commitment.Status.OPEN, next_step_at__lte=now)
        # Only what a step needs: each column left out is a conversion saved on every due row.
        .only("standard", "household", "owed_to_name", "owner", "remind_at", "due_at", "escalate_at", "next_step", "next_step_at")
        .order_by("next_step_at", "pk")[:batch_size]
    )


def claim_due_batch(*, now: datetime, batch_size: int) -> list[Commitment]:
    """Lock a batch of due commitments and attach what their notifications need.

    The standards, households, owners and their supervisors are few and repeat across
    a batch, so they are loaded once each by primary key (four small queries) rather
    than joined onto every row: building eight model instances per row was most of
    the select's cost (bench/sweep_ledger.py). Must run inside a transaction.
    """
    batch = list(due_commitments(now=now, batch_size=batch_size))
    if not batch:
        return batch
    standards = ServiceStandard.objects.in_bulk({c.standard_id for c in batch})
    households = Household.objects.only("pk", "name").in_bulk({c.household_id for c in batch if c.household_id})
    owners = User.objects.select_related("team__office").in_bulk({c.owner_id for c in batch})
    chiefs = User.objects.in_bulk(
        {person_id for owner in owners.values() if owner.team for person_id in (owner.team.supervisor_id, owner.team.office.program_manager_id) if person_id}
    )
    for owner in owners.values():
        if owner.team:
            owner.team.supervisor = chiefs.get(owner.team.supervisor_id)
            owner.team.office.program_manager = chiefs.get(owner.team.office.program_manager_id)
    for commitment in batch:
        commitment.standard = standards[commitment.standard_id]
        commitment.household = households.get(commitment.household_id)
        commitment.owner = owners[commitment.owner_id]
    return batch


@dataclass
class SweepResult:
    steps_taken: int = 0
    notifications: int = 0
    batches: int = 0


def sweep_commitments(*, now: datetime | None = None, batch_size: int = 500) -> SweepResult:
    """Remind before the deadline, tell the supervisor when it passes, the next level a business day on.

    Each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED, and each step is
    written as a CommitmentEvent under a unique (commitment, kind) constraint in the
    same transaction that queues its notifications: two sweeps at once, a retry, or
    a worker killed half-way cannot send a step twice.
    """
    now = now or timezone.now()
    result = SweepResult()
    admins: list[User] | None = None
    while True:
        with transaction.atomic():
            batch = claim_due_batch(now=now, batch_size=batch_size)
            if not batch:
                return result
            if admins is None:
                admins = _administrators()
            already = set(
                CommitmentEvent.objects.filter(
                    commitment__in=batch, kind__in=[Step.REMIND, Step.OVERDUE, Step.ESCALATE]
                ).values_list("commitment_id", "kind")
            )
            events, specs = [], []
            for commitment in batch:
                due_steps = [step for step, at in _step_times(commitment) if at <= now]
                if len(due_steps) > 1:
                    # A sweep that catches up sends no "due soon" for a promise already overdue,
                    # but the owner and supervisor still hear before the next level does.
                    due_steps = [step for step in due_steps if step != Step.REMIND]
                for step in due_steps:
                    if (commitment.pk, step) not in already:
                        events.append(CommitmentEvent(commitment=commitment, kind=step, at=now))
                        specs.extend(_notifications_for_step(commitment, step, admins))
                commitment.next_step, commitment.next_step_at = _following_step(commitment, now)
            CommitmentEvent.objects.bulk_create(events)
            queue_notifications(specs, now=now)
            _save_following_steps(batch)
            result.steps_taken += len(events)
            result.notifications += len(specs)
            result.batches += 1


@transaction.atomic
def add_closure_day(*, day, reason: str) -> ClosureDay:
    closure, _created = ClosureDay.objects.update_or_create(day=day, defaults={"reason": reason})
    return closure
