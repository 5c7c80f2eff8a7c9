import pytest

from portal.audit.models import AuditEntry
from portal.audit.services import record_audit

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_or_deleted(caseworker, household):
    entry = record_audit(actor=caseworker, action="disclosure.read", obj=household, household_id=household.pk, item="medication")
    entry.action = "something else"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    stored = AuditEntry.objects.get()
    assert (stored.actor, stored.action, stored.household_id, stored.detail) == (caseworker, "disclosure.read", household.pk, {"item": "medication"})
