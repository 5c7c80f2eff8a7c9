from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.policies import visible_households
from portal.followups.services import open_commitment

from .models import ContactRecord


@transaction.atomic
def record_contact(
    *, household, kind: str, received_at: datetime, summary: str, actor, callback_number: str = "", now: datetime | None = None
) -> ContactRecord:
    """Log a call, voicemail or letter so its answer is promised (one business day; five for mail)."""
    now = now or timezone.now()
    if not actor.is_agency_staff or not visible_households(actor).filter(pk=household.pk).exists():
        raise PermissionDenied(_("You cannot record contact for this household."))
    if received_at > now:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    record = ContactRecord.objects.create(
        household=household,
        kind=kind,
        received_at=received_at,
        summary=summary,
        callback_number=callback_number,
        recorded_by=actor,
    )
    open_commitment(
        standard=ContactRecord.STANDARD_FOR_KIND[kind],
        subject=record,
        owner=actor,
        household=household,
        received_at=received_at,
        actor=actor,
        now=now,
    )
    return record
