"""Staff record calls and letters so their answers are promised and tracked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.followups.models import Commitment

pytestmark = pytest.mark.django_db


def _form(target, **overrides):
    data = {
        "household": target.pk,
        "kind": "voicemail",
        "received_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "summary": "Asked about respite care",
        "callback_number": "601-555-0100",
    }
    data.update(overrides)
    return data


def test_a_voicemail_opens_a_one_business_day_promise(client, caseworker, household):
    client.force_login(caseworker)
    response = client.post(reverse("messaging:record_contact"), _form(household))
    assert response.status_code == 302
    promise = Commitment.objects.get()
    assert promise.standard.code == "return-call" and promise.owner == caseworker and promise.household == household


def test_a_letter_gets_five_business_days(client, caseworker, household):
    client.force_login(caseworker)
    client.post(reverse("messaging:record_contact"), _form(household, kind="letter"))
    assert Commitment.objects.get().standard.code == "letter-reply"


def test_a_future_time_is_refused_and_the_text_is_kept(client, caseworker, household):
    client.force_login(caseworker)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("messaging:record_contact"), _form(household, received_at=future, summary="Keep me"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be in the future" in page and "Keep me" in page
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"household": "not-a-number"}, {"household": "999999"}, {"kind": "carrier-pigeon"}, {"received_at": "yesterday-ish"}, {"summary": ""}, {"summary": "x" * 5000}],
)
def test_bad_input_is_a_form_error_never_a_server_error(client, caseworker, household, overrides):
    client.force_login(caseworker)
    response = client.post(reverse("messaging:record_contact"), _form(household, **overrides))
    assert response.status_code == 200
    assert "Please check what you typed" in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_family_cannot_record_calls(client, resource_parent):
    client.force_login(resource_parent)
    assert client.get(reverse("messaging:record_contact")).status_code == 404


def test_a_household_from_another_county_is_not_offered(client, caseworker):
    from tests.factories import CountyFactory, HouseholdFactory

    elsewhere = HouseholdFactory(county=CountyFactory(name="Far County"))
    client.force_login(caseworker)
    response = client.post(reverse("messaging:record_contact"), _form(elsewhere))
    assert response.status_code == 200
    assert not Commitment.objects.exists()
