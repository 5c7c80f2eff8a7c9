from __future__ import annotations

from django.db import models

from . import context
from .models import AuditEntry


def record_audit(*, actor, action: str, obj: models.Model | None = None, household_id: int | None = None, **detail) -> AuditEntry:
    """Write one line to the append-only audit log (disclosure reads, payment changes, staff overrides).

    Who, when, what, and from where: the address and browser of the request being served, if any."""
    origin = context.current()
    return AuditEntry.objects.create(
        at=context.recorded_at(),
        ip=origin.ip,
        user_agent=origin.user_agent,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        household_id=household_id,
        detail=detail,
    )
