"""A resource worker's families as partners, on a phone: the ones to call, and a note of thanks on an anniversary."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements import recognition
from tests.factories import HouseholdFactory

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser


def test_a_resource_worker_sees_who_to_call_and_thanks_a_family_on_their_anniversary(
    open_as, live_server, household, resource_worker, service_standards, office
):
    HouseholdFactory(name="The Lee family", county=office.county, resource_worker=resource_worker, phone="601-555-0147")
    today = timezone.localdate()
    household.licensed_on = date(today.year - 3, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
    household.save(update_fields=["licensed_on"])
    recognition.find_recognitions()

    phone = open_as()
    sign_in(phone, resource_worker)
    phone.goto("/families/to-call/")
    lees = phone.get_by_role("row").filter(has_text="The Lee family")
    expect(lees).to_contain_text("No child placed with them now")
    expect(lees.get_by_role("link", name="601-555-0147")).to_have_attribute("href", "tel:601-555-0147")
    check_page(phone, "families-to-call")

    phone.goto("/families/thanks/")
    expect(phone.get_by_text("3 years since they were licensed")).to_be_visible()
    phone.get_by_label("Your note to the family").fill("Thanks!")
    phone.get_by_role("button", name="Send the note").click()
    expect(phone.get_by_role("alert")).to_contain_text("at least 20 characters")
    check_page(phone, "families-thanks-error")
    phone.get_by_label("Your note to the family").fill("Three years of opening your home to children: thank you, from all of us.")
    phone.get_by_role("button", name="Send the note").click()
    expect(phone.locator(".messages")).to_contain_text("Your note was sent to The Garcia family")
    expect(phone.get_by_text("The Garcia family, on")).to_be_visible()
    check_page(phone, "families-thanked")
