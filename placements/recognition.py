"""Recognition, one of the agency's five R's: a year of a licence, a year of a placement, an adoption
finalised. Each is a promise in the ledger for the family's resource worker ("thank the family"), so the
sweep reminds them like any other; writing the personal note (into messaging) keeps it.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import Topic
from messaging.services import start_thread
from portal import business_days
from portal.accounts.models import Household, Role
from portal.accounts.policies import may_see_family_data
from portal.followups.services import meet_commitments_for, open_commitment

from .models import Placement, Recognition

STANDARD = "recognition-thanks"
ADOPTIONS_LOOK_BACK = timedelta(days=7)


def _same_day_years_ago(today: date, day: date) -> bool:
    """Whether ``today`` is an anniversary of ``day`` (29 February is kept on 28 February in other years)."""
    if day >= today:
        return False
    if (day.month, day.day) == (today.month, today.day):
        return True
    return (day.month, day.day) == (2, 29) and (today.month, today.day) == (2, 28) and not calendar.isleap(today.year)


def find_recognitions(*, now: datetime | None = None) -> int:
    """Today's anniversaries and this week's adoptions, each once, each a promise for the resource worker."""
    now = now or timezone.now()
    today = business_days.local_date(now)
    found: list[tuple[Household, str, date, int, Placement | None]] = []
    licensed = Household.objects.filter(
        licence_status=Household.LicenceStatus.LICENSED, licensed_on__isnull=False, resource_worker__isnull=False
    ).select_related("resource_worker")
    for household in licensed.filter(Q(licensed_on__month=today.month, licensed_on__day=today.day) | Q(licensed_on__month=2, licensed_on__day=29)):
        if _same_day_years_ago(today, household.licensed_on):
            found.append((household, Recognition.Kind.LICENCE_YEARS, today, today.year - household.licensed_on.year, None))
    ongoing = Placement.objects.filter(ended_on__isnull=True, household__resource_worker__isnull=False).select_related(
        "household__resource_worker"
    )
    for placement in ongoing.filter(Q(started_on__month=today.month, started_on__day=today.day) | Q(started_on__month=2, started_on__day=29)):
        if _same_day_years_ago(today, placement.started_on):
            found.append((placement.household, Recognition.Kind.PLACEMENT_YEARS, today, today.year - placement.started_on.year, placement))
    adopted = Placement.objects.filter(
        end_reason=Placement.EndReason.ADOPTED, ended_on__gt=today - ADOPTIONS_LOOK_BACK, ended_on__lte=today,
        household__resource_worker__isnull=False,
    ).select_related("household__resource_worker")
    for placement in adopted:
        found.append((placement.household, Recognition.Kind.ADOPTION, placement.ended_on, 0, placement))
    made = 0
    for household, kind, day, years, placement in found:
        made += _recognise(household, kind, day, years, placement, now=now)
    return made


def _recognise(household: Household, kind: str, day: date, years: int, placement: Placement | None, *, now: datetime) -> bool:
    try:
        with transaction.atomic():
            recognition = Recognition.objects.create(
                household=household, kind=kind, occurred_on=day, years=years, placement=placement, found_at=now
            )
            # Owed to the family by name, not on their "What we owe you": a thank-you announced is not a surprise.
            open_commitment(standard=STANDARD, subject=recognition, owner=household.resource_worker, owed_to_name=household.name, now=now)
    except IntegrityError:  # found already (the task ran twice today)
        return False
    return True


def visible_recognitions(user) -> QuerySet[Recognition]:
    if not may_see_family_data(user):
        return Recognition.objects.none()
    recognitions = Recognition.objects.select_related("household", "placement__child", "household__resource_worker")
    if user.role == Role.ADMINISTRATOR:
        return recognitions
    if user.role == Role.SUPERVISOR:
        return recognitions.filter(Q(household__resource_worker__team__supervisor=user) | Q(household__resource_worker=user))
    if user.role == Role.RESOURCE_WORKER:
        return recognitions.filter(household__resource_worker=user)
    return Recognition.objects.none()


@transaction.atomic
def send_thanks(*, recognition: Recognition, actor, note: str, now: datetime | None = None) -> Recognition:
    """The personal note goes to the family as a message in the portal (the e-mail carries only a link)."""
    now = now or timezone.now()
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    if not visible_recognitions(actor).filter(pk=recognition.pk).exists():
        raise PermissionDenied(_("You cannot thank this family."))
    if recognition.thanked_at is not None:
        raise ValidationError(_("This family has already been thanked for this."))
    note = (note or "").strip()
    if len(note) < 20:
        raise ValidationError({"note": _("Write a few words of your own: at least 20 characters.")})
    thread = start_thread(household=recognition.household, topic=Topic.OTHER, subject=_("Thank you"), body=note, author=actor, now=now)
    recognition.thanked_at, recognition.thanked_by, recognition.thread = now, actor, thread
    recognition.save(update_fields=["thanked_at", "thanked_by", "thread"])
    meet_commitments_for(subject=recognition, actor=actor, now=now)
    return recognition
