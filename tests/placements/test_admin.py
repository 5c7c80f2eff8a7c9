"""The administrator edits the disclosure checklist in the admin; what is known about a child is not there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from placements.models import ChecklistEntry, Disclosure, DisclosureItem, Medication
from portal.accounts.models import Role
from tests.factories import PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_the_administrator_rewords_a_checklist_item_and_new_disclosures_use_it(admin_client, caseworker, household):
    entry = ChecklistEntry.objects.get(code="school")
    response = admin_client.post(
        reverse("admin:placements_checklistentry_change", args=[entry.pk]),
        {"title": "School, day care and education needs", "title_es": entry.title_es, "guidance": entry.guidance,
         "guidance_es": entry.guidance_es, "position": entry.position, "active": "on"},
    )
    assert response.status_code == 302
    placement = PlacementFactory(household=household)
    assert placement.disclosure.items.filter(entry__title="School, day care and education needs").exists()


def test_a_retired_checklist_item_is_left_out_of_new_disclosures_but_cannot_be_deleted(admin_client, household):
    entry = ChecklistEntry.objects.get(code="belongings")
    entry.active = False
    entry.save()
    assert not PlacementFactory(household=household).disclosure.items.filter(entry=entry).exists()
    response = admin_client.post(reverse("admin:placements_checklistentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ChecklistEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("model", [Disclosure, DisclosureItem, Medication])
def test_what_is_known_about_a_child_cannot_be_read_in_the_admin_where_reads_are_not_audited(model):
    assert not admin.site.is_registered(model)


def test_the_placement_admin_pages_open(admin_client, child):
    for name in ("child", "placement", "respitegrant", "needreferral", "checklistentry"):
        assert admin_client.get(reverse(f"admin:placements_{name}_changelist"), {"q": "a"}).status_code == 200
    assert admin_client.get(reverse("admin:placements_child_change", args=[child.pk])).status_code == 200
