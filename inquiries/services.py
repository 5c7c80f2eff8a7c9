"""Every write about inquiries: the public form, routing, the contact log, the pipeline, promised steps.

The promise: a warm, personal first contact within one business day (agency workshop:
"follow up as soon as possible; personal contact"); the standard is a row in the ledger.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import County, Role, Team, User
from portal.accounts.policies import may_see_family_data
from portal.followups.services import (
    ChaseResult,
    chase_commitment_by_link,
    meet_commitments_for,
    open_commitment,
    open_commitments_for,
    reassign_commitment,
    withdraw_commitments_for,
)
from portal.followups.models import CommitmentEvent
from portal.notifications.models import Notification
from portal.satisfaction import services as surveys
from portal.satisfaction.models import Occasion
from portal.notifications.services import NotificationSpec, queue_notifications

from . import policies
from .models import MAX_QUESTIONS_LENGTH, ContactLog, Inquiry, NextStep, Stage, StageChange, stage_rank

FIRST_CONTACT = "inquiry-first-contact"
NEXT_STEP = "inquiry-next-step"
_LINK_SALT = "inquiries.status-link"


# --- Contact details -------------------------------------------------------------------


def phone_key(raw: str) -> str:
    """A phone number in any common format, as digits: "(601) 555-0142", "601.555.0142", "+1 601 555 0142"."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def format_phone(digits: str) -> str:
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return f"+{digits}"


def _clean_contact(*, name: str, email: str, phone: str, contact_way: str, questions: str) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Tell us your name, so that we know who to ask for.")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter an e-mail address like name@example.org, or leave it empty and give a phone number.")
    phone = (phone or "").strip()
    digits = phone_key(phone)
    if phone and not (len(digits) == 10 or (phone.lstrip().startswith("+") and 8 <= len(digits) <= 15)):
        errors["phone"] = _("Enter a phone number with its area code, for example (601) 555-0142.")
    if not email and not phone:
        errors["email"] = _("Give us an e-mail address or a phone number (or both), so that we can reach you.")
    if contact_way in ("phone", "text") and not phone and "phone" not in errors:
        errors["phone"] = _("You asked us to call or text: please give a phone number.")
    if contact_way == "email" and not email and "email" not in errors:
        errors["email"] = _("You asked us to write: please give an e-mail address.")
    questions = (questions or "").strip()
    if len(questions) > MAX_QUESTIONS_LENGTH:
        errors["questions"] = _(
            "Please keep your questions to %(limit)s characters (this has %(count)s). We will talk about the rest when we call."
        ) % {"limit": MAX_QUESTIONS_LENGTH, "count": len(questions)}
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:150],
        "email": email,
        "phone": format_phone(digits) if digits else "",
        "email_key": email.casefold(),
        "phone_key": digits,
        "questions": questions,
    }


# --- Status links ------------------------------------------------------------------------


class LinkProblem(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def status_token(inquiry: Inquiry) -> str:
    return signing.dumps({"i": inquiry.pk, "v": inquiry.link_version}, salt=_LINK_SALT, compress=True)


def status_path(inquiry: Inquiry) -> str:
    return reverse("inquiries:status", args=[status_token(inquiry)])


def inquiry_from_token(token: str) -> Inquiry:
    """The inquiry a private link opens. Expired, tampered or revoked links open nothing."""
    max_age = settings.PORTAL_INQUIRY_LINK_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkProblem(expired=True) from None
    except signing.BadSignature:
        raise LinkProblem(expired=False) from None
    inquiry = Inquiry.objects.select_related("worker__team__supervisor", "team__supervisor", "county").filter(
        pk=payload.get("i")
    ).first()
    if inquiry is None or inquiry.link_version != payload.get("v"):
        raise LinkProblem(expired=True)
    return inquiry


# --- The public form -------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    inquiry: Inquiry
    joined_existing: bool


def _route(county: County, *, now: datetime) -> tuple[Team, User]:
    """Round robin among the county's resource workers who are in today; else the team supervisor's queue.

    The county row is locked so that two inquiries arriving together go to two people.
    """
    County.objects.select_for_update().filter(pk=county.pk).first()
    today = business_days.local_date(now)
    away = User.objects.filter(
        absences__starts_on__lte=today, absences__ends_on__gte=today, absences__cancelled_at__isnull=True
    ).values("pk")
    worker = (
        User.objects.filter(role=Role.RESOURCE_WORKER, is_active=True, team__office__county=county)
        .exclude(pk__in=away)
        .annotate(last_assigned=Max("inquiries__received_at"))
        .select_related("team")
        .order_by(F("last_assigned").asc(nulls_first=True), "pk")
        .first()
    )
    if worker is not None:
        return worker.team, worker
    team = (
        Team.objects.filter(Q(office__county=county), supervisor__is_active=True).select_related("supervisor").order_by("pk").first()
        or Team.objects.filter(supervisor__is_active=True).select_related("supervisor").order_by("pk").first()
    )
    if team is None:
        raise ValidationError(_("We cannot take inquiries online right now. Please call us."))
    return team, team.supervisor


def _find_existing(email_key: str, digits: str) -> Inquiry | None:
    match = Q()
    if email_key:
        match |= Q(email_key=email_key)
    if digits:
        match |= Q(phone_key=digits)
    return (
        Inquiry.objects.select_for_update()
        .filter(match)
        .exclude(stage__in=[Stage.CLOSED, Stage.LICENSED])
        .order_by("-received_at")
        .first()
    )


@transaction.atomic
def submit_inquiry(
    *,
    name: str,
    email: str,
    phone: str,
    contact_way: str,
    best_time: str,
    language: str,
    county: County,
    interest: str,
    questions: str,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Submitted:
    """A person reaches out. A named worker will contact them personally within one business day.

    Sending the form again (same e-mail or phone) joins the open inquiry: one person, one record,
    one promise, whose deadline does not move.
    """
    now = now or timezone.now()
    if submission_key is not None:
        earlier = Inquiry.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return Submitted(earlier, joined_existing=False)
    details = _clean_contact(name=name, email=email, phone=phone, contact_way=contact_way, questions=questions)
    existing = _find_existing(details["email_key"], details["phone_key"])
    if existing is not None:
        ContactLog.objects.create(inquiry=existing, kind=ContactLog.Kind.INQUIRED_AGAIN, note=details["questions"], at=now)
        existing.times_received = F("times_received") + 1
        existing.last_received_at = now
        for field in ("email", "phone", "email_key", "phone_key"):
            if not getattr(existing, field) and details[field]:
                setattr(existing, field, details[field])
        existing.save()
        existing.refresh_from_db()
        return Submitted(existing, joined_existing=True)
    team, worker = _route(county, now=now)
    inquiry = Inquiry.objects.create(
        **details,
        contact_way=contact_way,
        best_time=(best_time or "").strip()[:120],
        language=language,
        county=county,
        interest=interest,
        team=team,
        worker=worker,
        received_at=now,
        last_received_at=now,
        submission_key=submission_key,
    )
    commitment = open_commitment(standard=FIRST_CONTACT, subject=inquiry, owner=worker, owed_to_name=inquiry.name, received_at=now, now=now)
    inquiry.first_contact_due_at = commitment.due_at
    if commitment.owner_id != worker.pk:
        inquiry.worker = commitment.owner  # the supervisor's queue, covered while they are away
    inquiry.save(update_fields=["first_contact_due_at", "worker"])
    context = {"owed_to": inquiry.name, "owner": str(inquiry.worker), "due_at": commitment.due_at.isoformat()}
    specs = [
        NotificationSpec(
            recipient=inquiry.worker,
            kind=Notification.Kind.NEW_INQUIRY,
            commitment=commitment,
            context=context,
            link=reverse("inquiries:detail", args=[inquiry.pk]),
        )
    ]
    if inquiry.email:
        specs.append(
            NotificationSpec(
                email_to=inquiry.email,
                kind=Notification.Kind.INQUIRY_RECEIVED,
                context=context | {"language": language},
                link=status_path(inquiry),
            )
        )
    queue_notifications(specs, now=now)
    return Submitted(inquiry, joined_existing=False)


@transaction.atomic
def resend_link(*, email: str, now: datetime | None = None) -> None:
    """Send a fresh private link to the e-mail of an open inquiry. Says nothing about whether one exists."""
    now = now or timezone.now()
    for inquiry in Inquiry.objects.filter(email_key=(email or "").strip().casefold()).exclude(stage=Stage.CLOSED)[:3]:
        queue_notifications(
            [
                NotificationSpec(
                    email_to=inquiry.email,
                    kind=Notification.Kind.INQUIRY_LINK,
                    context={"language": inquiry.language},
                    link=status_path(inquiry),
                )
            ],
            now=now,
        )


@transaction.atomic
def revoke_links(*, inquiry: Inquiry, actor: User, now: datetime | None = None) -> Inquiry:
    """Every link sent so far stops working (a forwarded e-mail); a new one goes to the inquirer."""
    now = now or timezone.now()
    if not policies.can_work_on(actor, inquiry):
        raise PermissionDenied(_("You cannot change this inquiry."))
    Inquiry.objects.filter(pk=inquiry.pk).update(link_version=F("link_version") + 1)
    inquiry.refresh_from_db()
    if inquiry.email:
        resend_link(email=inquiry.email, now=now)
    return inquiry


@transaction.atomic
def still_waiting(*, inquiry: Inquiry, now: datetime | None = None) -> ChaseResult:
    """The inquirer, on their private link, says nobody has contacted them: the supervisor hears, once."""
    now = now or timezone.now()
    # The first call, or a step promised since ("we will send the application"): the page offers the
    # button when any of them is late, so each late one can be raised, once, soonest first.
    subjects = [inquiry, *inquiry.next_steps.filter(done_at__isnull=True)]
    overdue = sorted(
        (promise for subject in subjects for promise in open_commitments_for(subject).filter(due_at__lt=now)),
        key=lambda promise: promise.due_at,
    )
    if not overdue:
        raise PermissionDenied(_("You can tell us once the date we promised has passed."))
    chased = set(
        CommitmentEvent.objects.filter(commitment__in=overdue, kind=CommitmentEvent.Kind.FAMILY_CHASED).values_list("commitment_id", flat=True)
    )
    first = next((promise for promise in overdue if promise.pk not in chased), overdue[0])
    return chase_commitment_by_link(commitment=first, now=now)


# --- The worker's side ------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You cannot change this inquiry."))


@transaction.atomic
def log_contact(*, inquiry: Inquiry, kind: str, actor: User, note: str = "", now: datetime | None = None) -> ContactLog:
    """Record a call, voicemail or personal message. Only a personal contact keeps the first-contact promise."""
    now = now or timezone.now()
    _require(policies.can_work_on(actor, inquiry))
    if kind not in ContactLog.Kind.values or kind == ContactLog.Kind.INQUIRED_AGAIN:
        raise ValidationError({"kind": _("Say what happened.")})
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    entry = ContactLog.objects.create(inquiry=inquiry, kind=kind, note=(note or "").strip()[:MAX_QUESTIONS_LENGTH], at=now, by=actor)
    if kind in ContactLog.PERSONAL and inquiry.first_contact_at is None:
        inquiry.first_contact_at = now
        span = business_days.office_hours_between(inquiry.received_at, now)
        inquiry.first_contact_office_hours = Decimal(span.total_seconds() / 3600).quantize(Decimal("0.01"))
        fields = ["first_contact_at", "first_contact_office_hours"]
        if inquiry.stage == Stage.NEW:
            fields += _set_stage(inquiry, Stage.CONTACTED, actor=actor, now=now)
        inquiry.save(update_fields=fields)
        meet_commitments_for(subject=inquiry, actor=actor, now=now, standard=FIRST_CONTACT)
        if inquiry.email:
            surveys.ask(
                occasion=Occasion.FIRST_CONTACT, email=inquiry.email, language=inquiry.language, office=inquiry.team.office, now=now
            )
    return entry


def _set_stage(inquiry: Inquiry, stage: str, *, actor: User, now: datetime, reason: str = "", note: str = "") -> list[str]:
    inquiry.stage = stage
    inquiry.closed_reason = reason if stage == Stage.CLOSED else ""
    fields = ["stage", "closed_reason"]
    if stage != Stage.CLOSED and stage_rank(stage) > stage_rank(inquiry.furthest_stage):
        inquiry.furthest_stage = stage
        fields.append("furthest_stage")
    StageChange.objects.create(inquiry=inquiry, stage=stage, closed_reason=inquiry.closed_reason, at=now, by=actor, note=note[:500])
    return fields


@transaction.atomic
def move_stage(
    *, inquiry: Inquiry, stage: str, actor: User, closed_reason: str = "", note: str = "", now: datetime | None = None
) -> Inquiry:
    """Move an inquiry along the path to a licence, or close it with a reason."""
    now = now or timezone.now()
    _require(policies.can_work_on(actor, inquiry))
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if stage not in Stage.values or stage == Stage.NEW:
        raise ValidationError({"stage": _("Choose a stage.")})
    if stage == Stage.CLOSED:
        if not closed_reason:
            raise ValidationError({"closed_reason": _("Say why the inquiry is closed; the director's report counts the reasons.")})
        withdraw_commitments_for(subject=inquiry, actor=actor, reason=_("The inquiry was closed."), now=now)
        for step in inquiry.next_steps.filter(done_at__isnull=True):
            withdraw_commitments_for(subject=step, actor=actor, reason=_("The inquiry was closed."), now=now)
    elif inquiry.first_contact_at is None:
        raise ValidationError({"stage": _("Make personal contact first: talk with them or write to them personally.")})
    if stage == inquiry.stage:
        return inquiry
    inquiry.save(update_fields=_set_stage(inquiry, stage, actor=actor, now=now, reason=closed_reason, note=note or ""))
    return inquiry


@transaction.atomic
def promise_next_step(*, inquiry: Inquiry, description: str, actor: User, now: datetime | None = None) -> NextStep:
    """A step promised to the inquirer ("we will send the application") becomes a dated promise."""
    now = now or timezone.now()
    _require(policies.can_work_on(actor, inquiry))
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what you promised, in the words you used with them.")})
    step = NextStep.objects.create(inquiry=inquiry, description=description[:200], promised_at=now, promised_by=actor)
    open_commitment(standard=NEXT_STEP, subject=step, owner=inquiry.worker, owed_to_name=inquiry.name, received_at=now, actor=actor, now=now)
    return step


@transaction.atomic
def complete_next_step(*, step: NextStep, actor: User, now: datetime | None = None) -> NextStep:
    now = now or timezone.now()
    _require(policies.can_work_on(actor, step.inquiry))
    step = NextStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is None:
        step.done_at = now
        step.save(update_fields=["done_at"])
        meet_commitments_for(subject=step, actor=actor, now=now)
    return step


@transaction.atomic
def reassign_inquiry(*, inquiry: Inquiry, to_worker: User, actor: User, now: datetime | None = None) -> Inquiry:
    """Hand an inquiry to a colleague. Its promises keep their deadlines."""
    now = now or timezone.now()
    _require(policies.can_reassign(actor, inquiry))
    if not to_worker.is_active or not to_worker.is_agency_staff or not may_see_family_data(to_worker):
        raise ValidationError({"to_worker": _("Choose an active member of staff.")})
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.worker_id == to_worker.pk:
        return inquiry
    inquiry.worker = to_worker
    if to_worker.team_id:
        inquiry.team_id = to_worker.team_id
    inquiry.save(update_fields=["worker", "team"])
    steps = list(inquiry.next_steps.filter(done_at__isnull=True))
    for subject in [inquiry, *steps]:
        for commitment in open_commitments_for(subject):
            reassign_commitment(commitment=commitment, to_owner=to_worker, actor=actor, now=now)
    return inquiry
