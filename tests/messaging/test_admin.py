"""The admin shows messaging for lookup; only the tone guide and saved replies are edited there."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from messaging.models import CallbackRequest, Thread, ThreadRating, TonePhrase
from portal.accounts.models import Household, User


@pytest.fixture
def demo_admin(db, client):
    call_command("load_demo", stdout=StringIO())
    admin = User.objects.get(email="admin@demo.agency")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", [Thread, CallbackRequest, ThreadRating, TonePhrase, "messaging.SavedReply", Household]
)
def test_the_administrator_can_list_and_open_messaging_records(demo_admin, model):
    model = apps.get_model(model) if isinstance(model, str) else model
    opts = model._meta
    listing = demo_admin.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "a"})
    assert listing.status_code == 200
    first = model.objects.first()
    assert demo_admin.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])).status_code == 200


def test_conversations_cannot_be_changed_in_the_admin_so_the_ledger_stays_true(demo_admin):
    thread = Thread.objects.first()
    response = demo_admin.post(reverse("admin:messaging_thread_change", args=[thread.pk]), {"subject": "Changed"})
    assert response.status_code == 403
    assert Thread.objects.get(pk=thread.pk).subject != "Changed"


def test_the_administrator_edits_a_tone_guide_alternative_in_the_list(demo_admin):
    phrase = TonePhrase.objects.get(language="en", phrase="Calm down")
    rows = list(TonePhrase.objects.filter(language="en").order_by("language", "phrase"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for i, row in enumerate(rows):
        data |= {
            f"form-{i}-id": row.pk,
            f"form-{i}-alternative": "I'm sorry this happened" if row == phrase else row.alternative,
            f"form-{i}-active": "on" if row.active else "",
        }
    response = demo_admin.post(reverse("admin:messaging_tonephrase_changelist") + "?language__exact=en", data)
    assert response.status_code == 302, response.content[:2000]
    phrase.refresh_from_db()
    assert phrase.alternative == "I'm sorry this happened"
