"""Every write about events: invitations, answers, the family's observations, outcomes, reminders, visits.

The promises (rows in portal.followups):
- ``event-notice``: invite at least 5 business days before a hearing, meeting or review (a late
  invitation is allowed, flagged to the supervisor and counted);
- ``event-help``: a family that needs transport or child care to attend hears back within 1 business day;
- ``observation-receipt``: the caseworker confirms receiving the family's observations within 1 business day;
- ``hearing-outcome``: the outcome is posted to the family within 1 business day after the event ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Household, Role, User
from portal.followups.services import (
    get_standard,
    meet_commitments_for,
    open_commitment,
    record_kept_promise,
    supervisor_of,
    withdraw_commitments_for,
)
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications

from . import policies
from .models import OBSERVATIONS_MAX, Event, EventReminder, Invitee, Observation, ObservationFile, VisitRequest, VisitSlot

NOTICE_STANDARD = "event-notice"
HELP_STANDARD = "event-help"
RECEIPT_STANDARD = "observation-receipt"
OUTCOME_STANDARD = "hearing-outcome"
LONGEST_EVENT = timedelta(hours=12)
MOST_EXTRA_INVITEES = 10


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You cannot change this event."))


def family_link(event: Event) -> str:
    return reverse("events:family_event", args=[event.pk])


def staff_link(event: Event) -> str:
    return reverse("events:staff_event", args=[event.pk])


def _context(event: Event, **extra) -> dict:
    # The kind of event, when and who organises it; never the child's name (it is e-mailed).
    return {
        "event": event.pk,
        "what": event.title,
        "due_at": event.starts_at.isoformat(),
        "owner": str(event.organiser),
        "owed_to": str(event.household),
        **extra,
    }


def _tell_invitees(event: Event, kind: str, *, now: datetime, **extra) -> None:
    specs = []
    for invitee in event.invitees.select_related("user"):
        if invitee.user_id is not None:
            if invitee.user.is_active:
                specs.append(NotificationSpec(recipient=invitee.user, kind=kind, context=_context(event, **extra), link=family_link(event)))
        elif invitee.email:
            # Someone without an account gets the calendar file and the agency's words, not a portal link.
            specs.append(NotificationSpec(email_to=invitee.email, kind=kind, context=_context(event, language="en", **extra)))
    queue_notifications(specs, now=now)


def _tell_staff(person: User | None, event: Event, kind: str, *, now: datetime, **extra) -> None:
    if person is not None and person.is_active:
        queue_notifications([NotificationSpec(recipient=person, kind=kind, context=_context(event, **extra), link=staff_link(event))], now=now)


# --- Scheduling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guest:
    name: str
    email: str


def _check_time(starts_at: datetime, ends_at: datetime, *, now: datetime) -> None:
    if starts_at <= now:
        raise ValidationError({"starts_at": _("This time has already passed. Choose a time ahead.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > LONGEST_EVENT:
        raise ValidationError({"ends_at": _("An event can last at most 12 hours; schedule a second day separately.")})


def _check_where(place: str, video_link: str) -> None:
    if not place and not video_link:
        raise ValidationError({"place": _("Say where it happens, or give the video link, or both.")})


def _household_for(actor: User, child, household: Household | None, *, now: datetime) -> Household:
    from placements.models import Placement

    if child is not None:
        _require(policies.can_schedule_for_child(actor, child, now=now), _("You can only schedule events for children on your caseload."))
        current = Placement.objects.filter(child=child, ended_on__isnull=True).select_related("household").first()
        if current is None:
            raise ValidationError({"child": _("%(child)s is not placed with a resource family now.") % {"child": child.called}})
        return current.household
    if household is None:
        raise ValidationError({"household": _("Choose the child or the resource family.")})
    _require(policies.can_schedule_for_household(actor, household, now=now), _("You cannot schedule events for this family."))
    return household


@transaction.atomic
def schedule_event(
    *,
    actor: User,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    child=None,
    household: Household | None = None,
    hearing_type: str = "",
    place: str = "",
    video_link: str = "",
    purpose: str = "",
    guests: list[Guest] = (),
    now: datetime | None = None,
) -> Event:
    """Invite the family (the resource parents of the current placement) and anyone named, with a calendar file.

    An invitation later than the notice standard still goes out, and the supervisor is told.
    """
    now = now or timezone.now()
    if kind not in Event.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of event this is.")})
    if kind == Event.Kind.COURT_HEARING and hearing_type not in Event.HearingType.values:
        raise ValidationError({"hearing_type": _("Choose the type of hearing.")})
    if kind != Event.Kind.COURT_HEARING:
        hearing_type = ""
    place, video_link, purpose = (place or "").strip(), (video_link or "").strip(), (purpose or "").strip()
    _check_time(starts_at, ends_at, now=now)
    _check_where(place, video_link)
    if len(purpose) > 1000:
        raise ValidationError({"purpose": _("Keep the purpose to 1000 characters.")})
    if len(guests) > MOST_EXTRA_INVITEES:
        raise ValidationError({"guests": _("Invite at most %(count)s other people here.") % {"count": MOST_EXTRA_INVITEES}})
    household = _household_for(actor, child, household, now=now)
    notice = business_days.business_days_of_notice(now, starts_at)
    event = Event.objects.create(
        kind=kind,
        hearing_type=hearing_type,
        child=child,
        household=household,
        organiser=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        purpose=purpose,
        created_at=now,
        invited_at=now,
        notice_business_days=notice,
        late_notice=policies.needs_notice(kind) and notice < get_standard(NOTICE_STANDARD).business_days,
    )
    parents = User.objects.filter(household=household, role=Role.RESOURCE_PARENT, is_active=True)
    Invitee.objects.bulk_create(
        [Invitee(event=event, user=parent) for parent in parents]
        + [Invitee(event=event, name=guest.name.strip()[:120], email=guest.email.strip()) for guest in guests]
    )
    _tell_invitees(event, Notification.Kind.EVENT_INVITED, now=now)
    if policies.needs_notice(kind):
        # The notice is a promise kept (or kept late) by this invitation: the service report counts it.
        record_kept_promise(
            standard=NOTICE_STANDARD, subject=event, owner=actor, household=household, kept_at=now,
            due_at=business_days.notice_deadline(starts_at, get_standard(NOTICE_STANDARD).business_days),
        )
    if event.late_notice:
        _tell_staff(supervisor_of(actor), event, Notification.Kind.LATE_INVITATION, now=now, notice=notice)
    return event


def _locked_for_change(actor: User, event: Event, *, now: datetime) -> Event:
    _require(policies.can_manage_event(actor, event, now=now))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError({"reason": _("This event was cancelled on %(date)s.") % {"date": date_format(event.cancelled_at)}})
    if event.ends_at <= now:
        raise ValidationError({"reason": _("This event is over; record what happened instead.")})
    return event


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, in plain words: the family reads it.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason to 300 characters.")})
    return reason


@transaction.atomic
def reschedule_event(
    *,
    actor: User,
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    place: str | None = None,
    video_link: str | None = None,
    now: datetime | None = None,
) -> Event:
    """Move an event: every invitee hears at once, with a calendar file that replaces the old entry (same UID)."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    event = _locked_for_change(actor, event, now=now)
    _check_time(starts_at, ends_at, now=now)
    place = event.place if place is None else place.strip()
    video_link = event.video_link if video_link is None else video_link.strip()
    _check_where(place, video_link)
    event.starts_at, event.ends_at, event.place, event.video_link = starts_at, ends_at, place, video_link
    event.sequence += 1
    event.change_reason, event.changed_at = reason, now
    event.save()
    _tell_invitees(event, Notification.Kind.EVENT_CHANGED, now=now, reason=reason)
    return event


@transaction.atomic
def cancel_event(*, actor: User, event: Event, reason: str, now: datetime | None = None) -> Event:
    now = now or timezone.now()
    reason = _clean_reason(reason)
    event = _locked_for_change(actor, event, now=now)
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.change_reason, event.changed_at, event.cancelled_at = reason, now, now
    event.save()
    withdrawn = _("The event was cancelled.")
    for invitee in event.invitees.all():
        withdraw_commitments_for(subject=invitee, actor=actor, reason=withdrawn, now=now)
    _tell_invitees(event, Notification.Kind.EVENT_CANCELLED, now=now, reason=reason)
    return event


# --- The family's answers ---------------------------------------------------------------------


class EventChanged(Exception):
    """The family answered for a time or place that has changed since they opened the page."""

    def __init__(self, event: Event):
        super().__init__("The event changed while the family was answering.")
        self.event = event


@transaction.atomic
def respond(*, user: User, event: Event, response: str, sequence: int, note: str = "", now: datetime | None = None) -> Invitee:
    """Attend in person or by video, or cannot; needing transport or child care opens a promise to help."""
    now = now or timezone.now()
    _require(policies.can_respond(user, event), _("Only the family invited can answer."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.sequence != sequence:
        raise EventChanged(event)
    if event.is_cancelled or event.starts_at <= now:
        raise ValidationError({"response": _("This event is over or cancelled; there is nothing to answer.")})
    if response not in Invitee.Response.values:
        raise ValidationError({"response": _("Choose your answer.")})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note to 300 characters.")})
    invitee = Invitee.objects.select_for_update().get(event=event, user=user)
    needed_help = invitee.needs_help
    invitee.response, invitee.note, invitee.responded_at = response, note, now
    invitee.save(update_fields=["response", "note", "responded_at"])
    if invitee.needs_help and not needed_help:
        open_commitment(standard=HELP_STANDARD, subject=invitee, owner=event.organiser, household=event.household, actor=user, now=now)
        _tell_staff(event.organiser, event, Notification.Kind.EVENT_HELP_NEEDED, now=now)
    elif needed_help and not invitee.needs_help:
        withdraw_commitments_for(subject=invitee, actor=user, reason=_("The family no longer needs help to attend."), now=now)
    return invitee


@transaction.atomic
def arrange_help(*, actor: User, invitee: Invitee, note: str, now: datetime | None = None) -> Invitee:
    """The organiser arranged the transport or child care: the promise is kept and the family reads how."""
    now = now or timezone.now()
    _require(policies.can_manage_event(actor, invitee.event, now=now))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was arranged: who drives, at what time, or who looks after the children.")})
    if len(note) > 300:
        raise ValidationError({"note": _("Keep this to 300 characters.")})
    invitee = Invitee.objects.select_for_update().select_related("event").get(pk=invitee.pk)
    invitee.arranged = note
    invitee.save(update_fields=["arranged"])
    meet_commitments_for(subject=invitee, actor=actor, now=now, standard=HELP_STANDARD)
    return invitee


@transaction.atomic
def submit_observations(
    *, user: User, event: Event, body: str, files=(), submission_key: uuid.UUID | None = None, now: datetime | None = None
) -> Observation:
    """The family's written observations for the court report; the caseworker confirms receipt within the standard."""
    now = now or timezone.now()
    if submission_key is not None:
        earlier = Observation.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    _require(policies.can_respond(user, event), _("Only the family invited can send observations."))
    if not event.takes_observations:
        raise ValidationError({"body": _("Observations are for hearings, meetings and reviews.")})
    if event.is_cancelled or event.starts_at <= now:
        raise ValidationError({"body": _("This event is over or cancelled; write to your caseworker instead.")})
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError({"body": _("Write your observations, or attach them.")})
    if len(body) > OBSERVATIONS_MAX:
        raise ValidationError({"body": _("Keep this to %(limit)s characters, or attach a document.") % {"limit": OBSERVATIONS_MAX}})
    if len(files) > 5:
        raise ValidationError({"files": _("Attach at most 5 files.")})
    observation = Observation.objects.create(event=event, written_by=user, submitted_at=now, body=body, submission_key=submission_key)
    for checked in files:
        ObservationFile.objects.create(
            observation=observation, file=checked.file, name=checked.name, content_type=checked.content_type, size=checked.size
        )
    open_commitment(standard=RECEIPT_STANDARD, subject=observation, owner=event.organiser, household=event.household, actor=user, now=now)
    _tell_staff(event.organiser, event, Notification.Kind.OBSERVATIONS_SENT, now=now)
    return observation


@transaction.atomic
def acknowledge_observations(*, actor: User, observation: Observation, now: datetime | None = None) -> Observation:
    now = now or timezone.now()
    _require(policies.can_manage_event(actor, observation.event, now=now))
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.acknowledged_at is None:
        observation.acknowledged_at, observation.acknowledged_by = now, actor
        observation.save(update_fields=["acknowledged_at", "acknowledged_by"])
        meet_commitments_for(subject=observation, actor=actor, now=now, standard=RECEIPT_STANDARD)
    return observation


# --- Afterwards -------------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    *,
    actor: User,
    event: Event,
    outcome: str,
    attended: dict[int, bool] | None = None,
    next_hearing_on: date | None = None,
    now: datetime | None = None,
) -> Event:
    """What happened, in plain words, and who attended: the family reads it on the child's page."""
    now = now or timezone.now()
    _require(policies.can_manage_event(actor, event, now=now))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError({"outcome": _("This event was cancelled; there is no outcome to record.")})
    if event.starts_at > now:
        raise ValidationError({"outcome": _("The event has not started yet; record the outcome afterwards.")})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write what happened in plain words: decisions, the next date, changes to visits.")})
    if len(outcome) > 4000:
        raise ValidationError({"outcome": _("Keep this to 4000 characters.")})
    if next_hearing_on is not None and next_hearing_on <= business_days.local_date(event.starts_at):
        raise ValidationError({"next_hearing_on": _("The next hearing must be after this one.")})
    event.outcome, event.next_hearing_on, event.outcome_at, event.outcome_by = outcome, next_hearing_on, now, actor
    event.save(update_fields=["outcome", "next_hearing_on", "outcome_at", "outcome_by"])
    for invitee in event.invitees.all():
        if attended and invitee.pk in attended:
            invitee.attended = attended[invitee.pk]
            invitee.save(update_fields=["attended"])
    meet_commitments_for(subject=event, actor=actor, now=now, standard=OUTCOME_STANDARD)
    for invitee in event.invitees.all():
        # Help to attend an event that is over can no longer be given: nothing is owed for it now.
        withdraw_commitments_for(subject=invitee, actor=actor, reason=_("The event is over."), now=now)
    _tell_invitees(event, Notification.Kind.OUTCOME_POSTED, now=now)
    return event


def open_outcome_promises(*, now: datetime | None = None) -> int:
    """When a hearing, meeting or review has ended, promise its outcome within the standard (beat, every few minutes)."""
    now = now or timezone.now()
    opened = 0
    due = Event.objects.filter(
        status=Event.Status.SCHEDULED,
        ends_at__lte=now,
        outcome_promised_at__isnull=True,
        outcome_at__isnull=True,
        kind__in=[Event.Kind.COURT_HEARING, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASE_PLAN_REVIEW],
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            event = Event.objects.select_for_update(skip_locked=True).filter(pk=pk, outcome_promised_at__isnull=True).select_related("organiser", "household").first()
            if event is None:
                continue
            open_commitment(
                standard=OUTCOME_STANDARD, subject=event, owner=event.organiser, household=event.household,
                received_at=event.ends_at, now=now,
            )
            event.outcome_promised_at = now
            event.save(update_fields=["outcome_promised_at"])
            opened += 1
    return opened


def reminder_days() -> list[int]:
    return sorted(set(settings.PORTAL_EVENT_REMINDER_DAYS), reverse=True)


def send_event_reminders(*, now: datetime | None = None) -> int:
    """Remind invitees 7 days and 1 day before (configurable), each once, at the same wall-clock time.

    A reminder whose moment came before the invitation (or the last change) is not sent: the
    invitation itself was the notice. If the beat was down, only the nearest reminder goes.
    """
    now = now or timezone.now()
    days = reminder_days()
    if not days:
        return 0
    horizon = now + timedelta(days=max(days) + 1)
    events = Event.objects.filter(status=Event.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon).prefetch_related("invitees__user")
    sent = 0
    for event in events:
        told_at = max(event.invited_at, event.changed_at or event.invited_at)
        moments = [(d, business_days.same_time_days_before(event.starts_at, d)) for d in days]
        passed = [(d, at) for d, at in moments if told_at < at <= now]
        if not passed:
            continue
        d, _at = min(passed, key=lambda pair: pair[0])
        for invitee in event.invitees.all():
            if invitee.user_id is not None and not invitee.user.is_active:
                continue
            try:
                with transaction.atomic():
                    EventReminder.objects.create(invitee=invitee, days_before=d, starts_at=event.starts_at, sent_at=now)
                    spec = (
                        NotificationSpec(recipient=invitee.user, kind=Notification.Kind.EVENT_REMINDER, context=_context(event, days=d), link=family_link(event))
                        if invitee.user_id
                        else NotificationSpec(email_to=invitee.email, kind=Notification.Kind.EVENT_REMINDER, context=_context(event, days=d, language="en"))
                    )
                    queue_notifications([spec], now=now)
            except IntegrityError:
                continue  # another sweep sent it
            sent += 1
    return sent


@dataclass(frozen=True)
class Trip:
    """An event a resource parent attended in person: what a mileage claim can be prefilled from."""

    event_id: int
    day: date
    what: str
    place: str


def attended_trips(*, household: Household, since: date, until: date) -> list[Trip]:
    """For reimbursements: events the family attended in person between two dates (no claim is made here)."""
    events = Event.objects.filter(
        household=household,
        status=Event.Status.SCHEDULED,
        invitees__user__household=household,
        invitees__attended=True,
        starts_at__date__gte=since,
        starts_at__date__lte=until,
    ).exclude(place="").exclude(invitees__response=Invitee.Response.VIDEO).distinct().order_by("starts_at")
    return [Trip(event_id=e.pk, day=business_days.local_date(e.starts_at), what=e.title, place=e.place) for e in events]


# --- Home visits at times that suit the family ------------------------------------------------


@transaction.atomic
def ask_for_visit_times(
    *, actor: User, household: Household, kind: str, purpose: str, between_from: date, between_until: date, child=None, now: datetime | None = None
) -> VisitRequest:
    now = now or timezone.now()
    _require(policies.can_ask_for_visit(actor, household, child=child, now=now), _("You can ask for visit times only from families you work with."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the visit is for.")})
    if between_from < business_days.local_date(now):
        raise ValidationError({"between_from": _("Choose dates from today on.")})
    if between_until < between_from:
        raise ValidationError({"between_until": _("The last day must not be before the first.")})
    if (between_until - between_from).days > 60:
        raise ValidationError({"between_until": _("Ask for times within two months.")})
    request = VisitRequest.objects.create(
        household=household, child=child, worker=actor, kind=kind, purpose=purpose[:300],
        between_from=between_from, between_until=between_until, requested_at=now,
    )
    parents = User.objects.filter(household=household, role=Role.RESOURCE_PARENT, is_active=True)
    queue_notifications(
        [NotificationSpec(recipient=p, kind=Notification.Kind.VISIT_TIMES_ASKED, context={"owner": str(actor)}, link=reverse("events:family_visit", args=[request.pk])) for p in parents],
        now=now,
    )
    return request


def _check_slot(request: VisitRequest, starts_at: datetime, ends_at: datetime, *, now: datetime) -> None:
    _check_time(starts_at, ends_at, now=now)
    day = business_days.local_date(starts_at)
    if not request.between_from <= day <= request.between_until:
        raise ValidationError(
            {"slots": _("Choose times between %(first)s and %(last)s.") % {"first": date_format(request.between_from), "last": date_format(request.between_until)}}
        )


@transaction.atomic
def offer_visit_times(*, user: User, request: VisitRequest, times: list[tuple[datetime, datetime]], now: datetime | None = None) -> VisitRequest:
    """The family offers up to three times that suit them (evenings included)."""
    now = now or timezone.now()
    _require(policies.can_answer_visit(user, request), _("Only the family asked can offer times."))
    request = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (VisitRequest.Status.ASKING, VisitRequest.Status.OFFERED):
        raise ValidationError({"slots": _("This visit is already booked or no longer needed.")})
    if not 1 <= len(times) <= 3:
        raise ValidationError({"slots": _("Offer one, two or three times.")})
    for starts_at, ends_at in times:
        _check_slot(request, starts_at, ends_at, now=now)
    request.slots.all().delete()
    VisitSlot.objects.bulk_create([VisitSlot(request=request, starts_at=s, ends_at=e, offered_by=user, offered_at=now) for s, e in times])
    request.status = VisitRequest.Status.OFFERED
    request.save(update_fields=["status"])
    queue_notifications(
        [NotificationSpec(recipient=request.worker, kind=Notification.Kind.VISIT_TIMES_OFFERED, context={"owed_to": str(request.household)}, link=reverse("events:staff_visit", args=[request.pk]))],
        now=now,
    )
    return request


@transaction.atomic
def book_visit(*, actor: User, slot: VisitSlot, place: str = "", now: datetime | None = None) -> Event:
    """Book one of the offered times: it goes on both calendars as an event (the family chose it: no notice standard)."""
    now = now or timezone.now()
    request = VisitRequest.objects.select_for_update().select_related("household").get(pk=slot.request_id)
    # The worker who asked, their cover today, their supervisor, or the family's resource worker.
    _require(policies.staff_visit_requests(actor, now=now).filter(pk=request.pk).exists())
    if request.status == VisitRequest.Status.BOOKED:
        raise ValidationError({"slots": _("This visit is already booked.")})
    household = request.household
    address = place or ", ".join(filter(None, [household.street_address, household.city])) or _("At the family's home")
    event = schedule_event(
        actor=actor, kind=request.kind, household=household if request.child is None else None, child=request.child,
        starts_at=slot.starts_at, ends_at=slot.ends_at, place=address, purpose=request.purpose, now=now,
    )
    request.status, request.event = VisitRequest.Status.BOOKED, event
    request.save(update_fields=["status", "event"])
    # The family chose this time: they need not answer whether they will be home.
    event.invitees.filter(user__household=household).update(response=Invitee.Response.IN_PERSON, responded_at=now)
    return event


@transaction.atomic
def propose_visit_time(
    *, actor: User, request: VisitRequest, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> VisitSlot:
    """None of the family's times work: the worker proposes another, and the family accepts it or offers more."""
    now = now or timezone.now()
    # The worker who asked, their cover today, their supervisor, or the family's resource worker.
    _require(policies.staff_visit_requests(actor, now=now).filter(pk=request.pk).exists())
    request = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (VisitRequest.Status.BOOKED, VisitRequest.Status.WITHDRAWN):
        raise ValidationError({"slots": _("This visit is already booked or no longer needed.")})
    _check_slot(request, starts_at, ends_at, now=now)
    slot = VisitSlot.objects.create(request=request, starts_at=starts_at, ends_at=ends_at, offered_by=actor, offered_at=now)
    parents = User.objects.filter(household=request.household_id, role=Role.RESOURCE_PARENT, is_active=True)
    queue_notifications(
        [NotificationSpec(recipient=p, kind=Notification.Kind.VISIT_TIMES_ASKED, context={"owner": str(actor)}, link=reverse("events:family_visit", args=[request.pk])) for p in parents],
        now=now,
    )
    return slot


@transaction.atomic
def accept_visit_time(*, user: User, slot: VisitSlot, now: datetime | None = None) -> Event:
    """The family accepts the time the worker proposed: it is booked for both."""
    now = now or timezone.now()
    request = slot.request
    _require(policies.can_answer_visit(user, request), _("Only the family asked can accept a time."))
    if slot.offered_by_id == user.pk or slot.offered_by.role == Role.RESOURCE_PARENT:
        raise ValidationError({"slots": _("This is a time you offered; your worker books it.")})
    return book_visit(actor=request.worker, slot=slot, now=now)
