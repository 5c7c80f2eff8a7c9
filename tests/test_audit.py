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
    stored = AuditEntry.objects.get(action="disclosure.read")
    assert (stored.actor, stored.action, stored.household_id, stored.detail) == (caseworker, "disclosure.read", household.pk, {"item": "medication"})


def test_not_even_a_bulk_update_or_delete_or_the_database_changes_an_entry(caseworker, household):
    from django.db import DatabaseError, connection, transaction

    entry = record_audit(actor=caseworker, action="disclosure.read", obj=household, household_id=household.pk)
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # Past the ORM, at the console: the database's trigger refuses it.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'tampered' WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "disclosure.read"


def test_each_entry_says_from_where_behind_the_configured_proxies(client, resource_parent, settings):
    from django.urls import reverse

    from tests.factories import PASSWORD

    client.post(reverse("account_login"), {"login": resource_parent.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5",
                HTTP_USER_AGENT="Mozilla/5.0 (Android 14; Mobile)")
    signed_in = AuditEntry.objects.get(action="account.signed_in")
    assert (signed_in.actor, signed_in.ip, signed_in.user_agent) == (resource_parent, "10.0.0.5", "Mozilla/5.0 (Android 14; Mobile)")
    settings.PORTAL_PROXY_COUNT = 1  # the load balancer's address is REMOTE_ADDR; the family's is the last hop it added
    client.logout()
    client.post(reverse("account_login"), {"login": resource_parent.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    failed = AuditEntry.objects.get(action="account.sign_in_failed")
    assert (failed.actor, failed.ip, failed.detail) == (None, "203.0.113.9", {"login": resource_parent.email})


def test_access_grants_and_permission_changes_are_recorded_with_who_made_them(client, office, caseworker, colleague, household, resource_worker):
    from datetime import date

    from django.contrib.auth.models import Group
    from django.urls import reverse

    from portal.accounts.models import Role
    from portal.accounts.services import invite_family_member, record_absence

    administrator = office.program_manager
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    # In the admin: the caseworker is made a supervisor, and put in a group.
    page = client.get(reverse("admin:accounts_user_change", args=[caseworker.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list | tuple)}
    data.update(role=Role.SUPERVISOR, groups=[Group.objects.create(name="Court liaison").pk], user_permissions=[], email=caseworker.email,
                team=caseworker.team_id, date_joined_0="2026-01-01", date_joined_1="09:00", last_login_0="", last_login_1="")
    response = client.post(reverse("admin:accounts_user_change", args=[caseworker.pk]), data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    changed = AuditEntry.objects.get(action="account.access_changed", object_id=str(caseworker.pk))
    assert (changed.actor, changed.ip, changed.detail["changes"]["role"]) == (administrator, "10.1.2.3", [Role.CASEWORKER, Role.SUPERVISOR])
    grouped = AuditEntry.objects.get(action="permissions.changed", object_id=str(caseworker.pk))
    assert (grouped.actor, grouped.detail) == (administrator, {"change": "add", "which": ["Court liaison"]})
    # A cover and an invitation: each a way to see a family's information.
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 5), actor=caseworker)
    cover = AuditEntry.objects.get(action="access.cover_arranged")
    assert (cover.actor, cover.detail["cover"]) == (caseworker, colleague.pk)
    invite_family_member(household=household, email="second.parent@example.org", actor=resource_worker)
    assert AuditEntry.objects.get(action="access.invited").household_id == household.pk


def test_an_administrator_finds_a_households_lines_and_nobody_can_add_change_or_delete_one(client, office, caseworker, household):
    from django.urls import reverse

    administrator = office.program_manager
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    record_audit(actor=caseworker, action="disclosure.read", household_id=household.pk + 1000)
    record_audit(actor=caseworker, action="disclosure.read", household_id=household.pk + 2000)
    client.force_login(administrator)
    found = client.get(reverse("admin:audit_auditentry_changelist"), {"q": str(household.pk + 1000)})
    assert found.status_code == 200 and [entry.household_id for entry in found.context["cl"].result_list] == [household.pk + 1000]
    by_person = client.get(reverse("admin:audit_auditentry_changelist"), {"q": caseworker.last_name})
    assert by_person.context["cl"].result_count >= 2
    entry = AuditEntry.objects.filter(household_id=household.pk + 1000).get()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "tampered"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "disclosure.read"
