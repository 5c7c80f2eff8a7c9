"""Every write placements makes: children, placements, the disclosure checklist, respite access, shared needs.

The promises (rows in portal.followups, seeded by migration 0003):
- ``disclosure-item``: an item the caseworker is still finding out, shared within 2 business days;
- ``medication-at-placement``: medication that did not (all) come with the child, the same business day;
- ``need-follow-up``: after sharing a family's need (with their permission), check it was met.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Household, Role, User
from portal.audit.services import record_audit
from portal.followups.services import meet_commitments_for, open_commitment, withdraw_commitments_for
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications

from . import policies
from .signals import placement_dates_changed, placement_started
from .models import (
    ITEM_CONTENT_MAX,
    Acknowledgement,
    ChecklistEntry,
    Child,
    Disclosure,
    DisclosureItem,
    FamilyNote,
    ItemChange,
    ItemKind,
    LastVisit,
    Medication,
    NeedReferral,
    Placement,
    RespiteGrant,
)

ITEM_STANDARD = "disclosure-item"
MEDICATION_STANDARD = "medication-at-placement"
NEED_STANDARD = "need-follow-up"
RESPITE_MAX_DAYS = 30
NOTE_MAX = 2000

Status = DisclosureItem.Status


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You cannot change this child's information."))


def _family_members(household_id: int) -> list[User]:
    return list(User.objects.filter(household_id=household_id, role=Role.RESOURCE_PARENT, is_active=True))


def family_link(placement: Placement) -> str:
    return reverse("placements:child", args=[placement.pk])


def _tell_family(placement: Placement, kind: str, *, now: datetime) -> None:
    """A link to the child's page, never what changed: e-mail carries no child information.

    One unread notice is enough: a caseworker filling eight items sends one e-mail, not eight.
    """
    link = family_link(placement)
    members = _family_members(placement.household_id)
    waiting = set(
        Notification.objects.filter(
            recipient__in=members, kind=kind, link=link, read_at__isnull=True
        ).values_list("recipient_id", flat=True)
    )
    context = {"owed_to": str(placement.household), "owner": str(placement.child.caseworker or "")}
    queue_notifications(
        [NotificationSpec(recipient=m, kind=kind, context=context, link=link) for m in members if m.pk not in waiting],
        now=now,
    )


# --- Children and placements ------------------------------------------------------------------


@transaction.atomic
def add_child(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    preferred_name: str = "",
    date_of_birth: date | None = None,
    languages: str = "",
    caseworker: User | None = None,
    siblings=(),
) -> Child:
    _require(policies.is_case_staff(actor), _("Only caseworkers and their supervisors add children."))
    caseworker = caseworker or (actor if actor.role == Role.CASEWORKER else None)
    # A child without a caseworker would be on nobody's caseload: nobody would see or fill the disclosure.
    if caseworker is None or caseworker.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise ValidationError({"caseworker": _("Choose the child's caseworker.")})
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
    child = Child.objects.create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        languages=languages.strip(),
        caseworker=caseworker,
    )
    if siblings:
        child.siblings.add(*siblings)
    record_audit(actor=actor, action="child.added", obj=child)
    return child


def _open_item_promise(item: DisclosureItem, placement: Placement, *, actor: User, now: datetime) -> None:
    owner = placement.child.caseworker or actor
    open_commitment(standard=ITEM_STANDARD, subject=item, owner=owner, household=placement.household, actor=actor, now=now)


@transaction.atomic
def place_children(
    *,
    actor: User,
    household: Household,
    children: list[Child],
    started_on: date,
    medication: dict[int, str],
    planned_end_on: date | None = None,
    now: datetime | None = None,
) -> list[Placement]:
    """Place one child, or brothers and sisters together, with a resource family.

    Each placement gets its disclosure checklist, every item owed until the caseworker fills it;
    medication that did not (all) come opens the same-business-day promise.
    """
    now = now or timezone.now()
    _require(policies.can_place_with(actor, household), _("Children can only be placed with a licensed resource family."))
    if not children:
        raise ValidationError({"children": _("Choose at least one child to place.")})
    if started_on > business_days.local_date(now) + timedelta(days=60):
        raise ValidationError({"started_on": _("A placement can be recorded up to 60 days ahead.")})
    if planned_end_on is not None and planned_end_on < started_on:
        raise ValidationError({"planned_end_on": _("The planned end cannot be before the placement starts.")})
    allowed = set(policies.staff_children(actor, now=now).values_list("pk", flat=True))
    # Lock the children: two caseworkers placing the same child at once cannot both succeed.
    locked = list(Child.objects.select_for_update().filter(pk__in=[c.pk for c in children]).order_by("pk"))
    _require(all(child.pk in allowed for child in locked), _("You can only place children on your caseload."))
    current = {
        p.child_id: p
        for p in Placement.objects.filter(child__in=locked, ended_on__isnull=True).select_related("household")
    }
    for child in locked:
        if child.pk in current:
            raise ValidationError(
                {
                    "children": _("%(child)s is already placed with %(household)s since %(date)s. End that placement first.")
                    % {"child": child, "household": current[child.pk].household, "date": date_format(current[child.pk].started_on)}
                }
            )
        if medication.get(child.pk) not in Placement.Medication.values:
            raise ValidationError(
                {"children": _("Answer whether %(child)s's medication came with them.") % {"child": child.called}}
            )
    entries = list(ChecklistEntry.objects.filter(active=True))
    placements = []
    for child in locked:
        try:
            with transaction.atomic():
                placement = Placement.objects.create(
                    child=child,
                    household=household,
                    started_on=started_on,
                    planned_end_on=planned_end_on,
                    placed_at=now,
                    placed_by=actor,
                    medication=medication[child.pk],
                )
        except IntegrityError:
            raise ValidationError({"children": _("%(child)s was placed by someone else a moment ago.") % {"child": child}}) from None
        disclosure = Disclosure.objects.create(placement=placement, updated_at=now)
        items = DisclosureItem.objects.bulk_create([DisclosureItem(disclosure=disclosure, entry=e) for e in entries])
        for item in items:
            _open_item_promise(item, placement, actor=actor, now=now)
        if placement.medication_missing:
            open_commitment(
                standard=MEDICATION_STANDARD,
                subject=placement,
                owner=child.caseworker or actor,
                household=household,
                actor=actor,
                now=now,
            )
        record_audit(actor=actor, action="placement.started", obj=placement, household_id=household.pk)
        placement_started.send(sender=Placement, placement=placement, actor=actor, now=now)
        placements.append(placement)
        _tell_family(placement, Notification.Kind.CHILD_PLACED, now=now)
    if len(locked) > 1:
        for child in locked:
            child.siblings.add(*[other for other in locked if other != child])
    return placements


@transaction.atomic
def record_medication_sorted(*, actor: User, placement: Placement, note: str, now: datetime | None = None) -> Placement:
    """The caseworker got the medication to the family (or the prescription to their pharmacy): the urgent promise is kept."""
    now = now or timezone.now()
    _require(policies.can_manage_placement(actor, placement, now=now))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how the medication was arranged, so the family knows what to do.")})
    if len(note) > 500:
        raise ValidationError({"note": _("Keep this to 500 characters; put details in the medication list.")})
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.medication_missing:
        raise ValidationError({"note": _("This child's medication came with them; there is nothing to arrange.")})
    placement.medication_sorted_at = now
    placement.medication_sorted_note = note
    placement.save(update_fields=["medication_sorted_at", "medication_sorted_note"])
    meet_commitments_for(subject=placement, actor=actor, now=now, standard=MEDICATION_STANDARD)
    Disclosure.objects.filter(placement=placement).update(version=F("version") + 1, updated_at=now)
    record_audit(actor=actor, action="disclosure.medication_arranged", obj=placement, household_id=placement.household_id)
    _tell_family(placement, Notification.Kind.DISCLOSURE_UPDATED, now=now)
    return placement


@transaction.atomic
def end_placement(
    *, actor: User, placement: Placement, ended_on: date, end_reason: str, now: datetime | None = None
) -> Placement:
    now = now or timezone.now()
    _require(policies.can_manage_placement(actor, placement, now=now))
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.ended_on is not None:
        raise ValidationError({"ended_on": _("This placement already ended on %(date)s.") % {"date": date_format(placement.ended_on)}})
    if ended_on < placement.started_on:
        raise ValidationError(
            {"ended_on": _("The end date cannot be before the placement started (%(date)s).") % {"date": date_format(placement.started_on)}}
        )
    if ended_on > business_days.local_date(now):
        raise ValidationError({"ended_on": _("Record the end on the day it happens; use the planned end for a date ahead.")})
    if end_reason not in Placement.EndReason.values:
        raise ValidationError({"end_reason": _("Choose why the placement ended.")})
    placement.ended_on = ended_on
    placement.end_reason = end_reason
    placement.save(update_fields=["ended_on", "end_reason"])
    reason = _("The placement ended.")
    withdraw_commitments_for(subject=placement, actor=actor, reason=reason, now=now)
    for item in DisclosureItem.objects.filter(disclosure__placement=placement, status=Status.PENDING):
        withdraw_commitments_for(subject=item, actor=actor, reason=reason, now=now)
    for need in placement.needs.filter(status__in=[NeedReferral.Status.ASKING, NeedReferral.Status.SHARED]):
        withdraw_commitments_for(subject=need, actor=actor, reason=reason, now=now)
    placement.respite_grants.filter(revoked_at__isnull=True, expires_at__gt=now).update(revoked_at=now)
    record_audit(actor=actor, action="placement.ended", obj=placement, household_id=placement.household_id, reason=end_reason)
    placement_dates_changed.send(
        sender=Placement, placement=placement, actor=actor, now=now,
        reason=_("The placement ended on %(date)s.") % {"date": date_format(ended_on)},
    )
    return placement


@transaction.atomic
def correct_placement_dates(
    *, actor: User, placement: Placement, started_on: date, ended_on: date | None, why: str, now: datetime | None = None
) -> Placement:
    """Fix the dates a placement was recorded with (a typing slip, a late report), saying why.

    Board payments follow: reimbursements hears of it and recalculates the months not yet paid.
    """
    now = now or timezone.now()
    _require(policies.can_manage_placement(actor, placement, now=now))
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    why = (why or "").strip()
    today = business_days.local_date(now)
    if not why:
        raise ValidationError({"why": _("Say why the dates change; the family and fiscal staff read it.")})
    if started_on > today:
        raise ValidationError({"started_on": _("A placement that has not started yet cannot be corrected; record it when it starts.")})
    if placement.ended_on is None and ended_on is not None:
        raise ValidationError({"ended_on": _("To end a placement, use “End this placement”.")})
    if placement.ended_on is not None:
        if ended_on is None:
            raise ValidationError({"ended_on": _("Enter the day the placement ended.")})
        if ended_on > today:
            raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
        if ended_on < started_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
    if (started_on, ended_on) == (placement.started_on, placement.ended_on):
        raise ValidationError({"started_on": _("These are the dates already recorded; nothing changed.")})
    others = Placement.objects.filter(child_id=placement.child_id).exclude(pk=placement.pk)
    for other in others:
        other_end = other.ended_on or date.max
        if started_on < other_end and other.started_on < (ended_on or date.max):
            raise ValidationError(
                {"started_on": _("%(child)s lived with %(household)s from %(date)s; the dates cannot overlap.")
                 % {"child": placement.child.called, "household": other.household, "date": date_format(other.started_on)}}
            )
    before = {"started_on": placement.started_on.isoformat(), "ended_on": placement.ended_on.isoformat() if placement.ended_on else None}
    placement.started_on, placement.ended_on = started_on, ended_on
    placement.save(update_fields=["started_on", "ended_on"])
    record_audit(
        actor=actor, action="placement.dates_corrected", obj=placement, household_id=placement.household_id,
        before=before, after={"started_on": started_on.isoformat(), "ended_on": ended_on.isoformat() if ended_on else None}, why=why[:300],
    )
    placement_dates_changed.send(
        sender=Placement, placement=placement, actor=actor, now=now,
        reason=_("Placement dates corrected: %(why)s") % {"why": why[:200]},
    )
    return placement


# --- The disclosure checklist -----------------------------------------------------------------


class EditConflict(Exception):
    """Someone else saved the item after this editor opened it. Nothing is overwritten."""

    def __init__(self, item: DisclosureItem):
        super().__init__("The item changed while it was being edited.")
        self.item = item


@dataclass(frozen=True)
class MedicationRow:
    name: str
    dose: str
    schedule: str
    prescriber: str = ""
    pharmacy: str = ""
    supply: str = Medication.Supply.NONE
    refill_on: date | None = None


def _medication_summary(rows: list[MedicationRow]) -> str:
    return "\n".join(f"{row.name}, {row.dose}, {row.schedule}" for row in rows)


def _check_item(status: str, content: str, asked_whom: str, medications) -> None:
    if status not in Status.values:
        raise ValidationError({"status": _("Choose whether this is known, being found out, or does not apply.")})
    if len(content) > ITEM_CONTENT_MAX:
        raise ValidationError(
            {"content": _("Keep this to %(limit)s characters; it has %(count)s. Attach longer reports to a message.")
             % {"limit": ITEM_CONTENT_MAX, "count": len(content)}}
        )
    if len(asked_whom) > 200:
        raise ValidationError({"asked_whom": _("Keep this to 200 characters.")})
    if status == Status.KNOWN and not content and not medications:
        raise ValidationError({"content": _("Write what is known, or choose another status.")})
    if status == Status.UNKNOWN and not asked_whom:
        raise ValidationError({"asked_whom": _("Say who was asked, so the family knows the agency tried.")})


@transaction.atomic
def update_item(
    *,
    actor: User,
    item: DisclosureItem,
    status: str,
    content: str = "",
    asked_whom: str = "",
    revision: int,
    medications: list[MedicationRow] | None = None,
    now: datetime | None = None,
) -> DisclosureItem:
    """Save one item of a disclosure, unless someone else saved it first (then ``EditConflict``)."""
    now = now or timezone.now()
    placement = item.disclosure.placement
    _require(policies.can_update_disclosure(actor, placement, now=now))
    content, asked_whom = (content or "").strip(), (asked_whom or "").strip()
    is_medication_list = item.entry.kind == ItemKind.MEDICATIONS
    medications = list(medications or []) if is_medication_list else []
    _check_item(status, content, asked_whom, medications)
    item = DisclosureItem.objects.select_for_update().select_related("entry", "disclosure").get(pk=item.pk)
    if item.revision != revision:
        raise EditConflict(item)
    if status != Status.UNKNOWN:
        asked_whom = ""
    if status in (Status.PENDING, Status.NOT_APPLICABLE):
        content, medications = ("", []) if status == Status.NOT_APPLICABLE else (content, medications)
    old_rows = [
        MedicationRow(m.name, m.dose, m.schedule, m.prescriber, m.pharmacy, m.supply, m.refill_on) for m in item.medications.all()
    ]
    if (item.status, item.content, item.asked_whom) == (status, content, asked_whom) and (
        not is_medication_list or old_rows == medications
    ):
        return item
    was_pending = item.is_pending
    item.status, item.content, item.asked_whom = status, content, asked_whom
    item.revision += 1
    item.changed_at, item.changed_by = now, actor
    if not item.is_pending and item.settled_at is None:
        item.settled_at = now
    item.save()
    if is_medication_list:
        item.medications.all().delete()
        Medication.objects.bulk_create([Medication(item=item, **row.__dict__) for row in medications])
    Disclosure.objects.filter(pk=item.disclosure_id).update(version=F("version") + 1, updated_at=now)
    version = Disclosure.objects.values_list("version", flat=True).get(pk=item.disclosure_id)
    summary = content if not is_medication_list else "\n".join(filter(None, [_medication_summary(medications), content]))
    ItemChange.objects.create(item=item, version=version, at=now, by=actor, status=status, content=summary)
    if was_pending and not item.is_pending:
        meet_commitments_for(subject=item, actor=actor, now=now, standard=ITEM_STANDARD)
    elif item.is_pending and not was_pending:
        _open_item_promise(item, placement, actor=actor, now=now)
    record_audit(
        actor=actor, action="disclosure.changed", obj=item.disclosure, household_id=placement.household_id,
        item=item.entry.code, status=status,
    )
    _tell_family(placement, Notification.Kind.DISCLOSURE_UPDATED, now=now)
    return item


class StaleAcknowledgement(Exception):
    """The family read an older version; what changed since must be read first."""


@transaction.atomic
def acknowledge(*, user: User, disclosure: Disclosure, version: int, now: datetime | None = None) -> Acknowledgement:
    now = now or timezone.now()
    _require(policies.can_act_as_family(user, disclosure.placement), _("Only the family the child lives with can confirm this."))
    current = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if version != current.version:
        raise StaleAcknowledgement()
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        disclosure=current, version=version, by=user, defaults={"at": now}
    )
    return acknowledgement


def record_read(*, reader: User | None, disclosure: Disclosure, household_id: int, via: str, **detail) -> None:
    """Every read of a disclosure, by anyone, goes to the audit log (the family sees who on the staff looked)."""
    record_audit(actor=reader, action="disclosure.read", obj=disclosure, household_id=household_id, via=via, **detail)


@transaction.atomic
def record_visit(*, user: User, disclosure: Disclosure, now: datetime | None = None) -> datetime | None:
    """Remember this visit and return the previous one: what changed after it is highlighted."""
    now = now or timezone.now()
    visit = LastVisit.objects.select_for_update().filter(disclosure=disclosure, user=user).first()
    if visit is None:
        LastVisit.objects.create(disclosure=disclosure, user=user, at=now)
        return None
    previous, visit.at = visit.at, now
    visit.save(update_fields=["at"])
    return previous


def _family_item(user: User, item: DisclosureItem) -> DisclosureItem:
    _require(policies.can_act_as_family(user, item.disclosure.placement), _("Only the family the child lives with can do this."))
    return item


@transaction.atomic
def add_family_note(*, user: User, item: DisclosureItem, body: str, now: datetime | None = None) -> FamilyNote:
    now = now or timezone.now()
    _family_item(user, item)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your note before saving.")})
    if len(body) > NOTE_MAX:
        raise ValidationError({"body": _("Notes can be up to %(limit)s characters; this one has %(count)s.") % {"limit": NOTE_MAX, "count": len(body)}})
    return FamilyNote.objects.create(item=item, written_by=user, written_at=now, body=body)


def ask_about_item(*, user: User, item: DisclosureItem, body: str, submission_key=None, now: datetime | None = None):
    """A question on any item goes to the child's caseworker as a conversation, under the reply promise."""
    from messaging.models import Topic
    from messaging.services import start_thread

    _family_item(user, item)
    placement = item.disclosure.placement
    subject = _("Question about %(child)s: %(item)s") % {"child": placement.child.called, "item": item.entry.display_title}
    return start_thread(
        household=placement.household,
        topic=Topic.CHILD,
        subject=subject[:120],
        body=body,
        author=user,
        about=placement.child,
        submission_key=submission_key,
        now=now,
    )


# --- Respite access ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def grant_respite(
    *,
    actor: User,
    placement: Placement,
    provider_name: str,
    entries: list[ChecklistEntry],
    starts_at: datetime,
    expires_at: datetime,
    provider_email: str = "",
    now: datetime | None = None,
) -> tuple[RespiteGrant, str]:
    """Give a respite provider read access to named items until a set time. Returns the grant and its private link."""
    now = now or timezone.now()
    _require(policies.can_update_disclosure(actor, placement, now=now))
    provider_name = (provider_name or "").strip()
    if not provider_name:
        raise ValidationError({"provider_name": _("Name the respite provider.")})
    if not entries:
        raise ValidationError({"entries": _("Choose at least one item they may read.")})
    if expires_at <= starts_at:
        raise ValidationError({"expires_at": _("The access must end after it starts.")})
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The end is already past; choose a time ahead.")})
    if expires_at - starts_at > timedelta(days=RESPITE_MAX_DAYS):
        raise ValidationError({"expires_at": _("Respite access lasts at most %(days)s days.") % {"days": RESPITE_MAX_DAYS}})
    token = secrets.token_urlsafe(24)
    grant = RespiteGrant.objects.create(
        placement=placement,
        provider_name=provider_name,
        provider_email=provider_email,
        token_hash=_hash(token),
        starts_at=starts_at,
        expires_at=expires_at,
        granted_by=actor,
        granted_at=now,
    )
    grant.entries.set(entries)
    record_audit(
        actor=actor, action="disclosure.respite_granted", obj=grant, household_id=placement.household_id,
        provider=provider_name, items=[e.code for e in entries], until=expires_at.isoformat(),
    )
    link = respite_path(token)
    if provider_email:
        queue_notifications(
            [NotificationSpec(email_to=provider_email, kind=Notification.Kind.RESPITE_ACCESS, link=link,
                              context={"owner": str(actor), "due_at": expires_at.isoformat(), "language": "en"})],
            now=now,
        )
    return grant, link


def respite_path(token: str) -> str:
    return reverse("placements:respite", args=[token])


@transaction.atomic
def revoke_respite(*, actor: User, grant: RespiteGrant, now: datetime | None = None) -> RespiteGrant:
    now = now or timezone.now()
    _require(policies.can_manage_placement(actor, grant.placement, now=now))
    if grant.revoked_at is None:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        record_audit(actor=actor, action="disclosure.respite_revoked", obj=grant, household_id=grant.placement.household_id)
    return grant


class RespiteUnavailable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "unknown", "not_yet", "expired"


def usable_respite_grant(token: str, *, now: datetime | None = None) -> RespiteGrant:
    now = now or timezone.now()
    grant = (
        RespiteGrant.objects.select_related("placement__child", "placement__household", "placement__disclosure", "granted_by")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if grant is None:
        raise RespiteUnavailable("unknown")
    if grant.revoked_at is not None or grant.expires_at <= now or grant.placement.ended_on is not None:
        raise RespiteUnavailable("expired")
    if grant.starts_at > now:
        raise RespiteUnavailable("not_yet")
    return grant


# --- Sharing a family's need with an outside source -------------------------------------------


@transaction.atomic
def propose_need(*, actor: User, placement: Placement, need: str, source: str, now: datetime | None = None) -> NeedReferral:
    """Ask the family's permission to share a need (a clothing closet, a school-supply drive)."""
    now = now or timezone.now()
    _require(policies.can_update_disclosure(actor, placement, now=now))
    need, source = (need or "").strip(), (source or "").strip()
    if not need:
        raise ValidationError({"need": _("Describe the need in the family's words.")})
    if not source:
        raise ValidationError({"source": _("Name who it would be shared with.")})
    if len(need) > 300 or len(source) > 200:
        raise ValidationError({"need": _("Keep the need to 300 characters and the name to 200.")})
    referral = NeedReferral.objects.create(placement=placement, need=need, source=source, proposed_by=actor, proposed_at=now)
    _tell_family(placement, Notification.Kind.NEED_PERMISSION, now=now)
    return referral


@transaction.atomic
def answer_need(*, user: User, referral: NeedReferral, consent: bool, now: datetime | None = None) -> NeedReferral:
    now = now or timezone.now()
    _require(policies.family_needs(user).filter(pk=referral.pk).exists(), _("Only the family can give this permission."))
    referral = NeedReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != NeedReferral.Status.ASKING:
        raise ValidationError({"consent": _("You already answered this on %(date)s.") % {"date": date_format(referral.consent_at or referral.outcome_at or referral.proposed_at)}})
    if consent:
        referral.consent_by, referral.consent_at = user, now
        referral.save(update_fields=["consent_by", "consent_at"])
    else:
        referral.status, referral.outcome_at = NeedReferral.Status.DECLINED, now
        referral.save(update_fields=["status", "outcome_at"])
    record_audit(actor=user, action="need.consent" if consent else "need.declined", obj=referral, household_id=referral.placement.household_id)
    return referral


@transaction.atomic
def share_need(*, actor: User, referral: NeedReferral, now: datetime | None = None) -> NeedReferral:
    """Record that the need was passed on; only with the family's recorded permission. Opens the check-back promise."""
    now = now or timezone.now()
    _require(policies.staff_needs(actor, now=now).filter(pk=referral.pk).exists())
    referral = NeedReferral.objects.select_for_update().select_related("placement__household", "placement__child").get(pk=referral.pk)
    if referral.consent_at is None:
        raise ValidationError({"need": _("The family has not given permission yet; it cannot be shared.")})
    if referral.shared_at is not None:
        return referral
    referral.status, referral.shared_at = NeedReferral.Status.SHARED, now
    referral.save(update_fields=["status", "shared_at"])
    placement = referral.placement
    open_commitment(
        standard=NEED_STANDARD, subject=referral, owner=placement.child.caseworker or actor, household=placement.household,
        actor=actor, now=now,
    )
    record_audit(actor=actor, action="need.shared", obj=referral, household_id=placement.household_id, source=referral.source)
    return referral


@transaction.atomic
def record_need_outcome(*, actor: User, referral: NeedReferral, met: bool, note: str = "", now: datetime | None = None) -> NeedReferral:
    now = now or timezone.now()
    _require(policies.staff_needs(actor, now=now).filter(pk=referral.pk).exists())
    referral = NeedReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != NeedReferral.Status.SHARED:
        raise ValidationError({"note": _("Only a need that was shared can be checked.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Keep this to 500 characters.")})
    referral.status = NeedReferral.Status.MET if met else NeedReferral.Status.NOT_MET
    referral.outcome_at, referral.outcome_note = now, note
    referral.save(update_fields=["status", "outcome_at", "outcome_note"])
    meet_commitments_for(subject=referral, actor=actor, now=now, standard=NEED_STANDARD)
    return referral
