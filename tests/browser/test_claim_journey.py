"""A mileage claim from a phone, all the way to paid: the family, the fiscal clerk and the accounting file.

Mrs. Garcia went to Maya's review hearing three days ago. On a 360 px phone she starts a mileage
claim, ticks the hearing (the trip fills itself in), adds the miles and a photo of her parking
receipt, and sends it. Ms. Baker (signed in with her authenticator code) takes it and asks where
the trip started; Mrs. Garcia answers; Ms. Baker approves it and uploads the accounting system's
file, which marks it paid. Mrs. Garcia's claim page shows every step with its date. axe finds
nothing on any page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.events import services as event_services
from placements.events.models import Event, Invitee
from portal import business_days
from portal.management.commands._demo_reimbursements import RECEIPT_JPEG
from reimbursements.models import Claim

from .conftest import check_page, force_sign_in, sign_in

pytestmark = pytest.mark.browser


def test_a_mileage_claim_from_a_hearing_goes_from_a_phone_to_paid(
    open_as, client, live_server, service_standards, resource_parent, fiscal_staff, household, caseworker, child, tmp_path
):
    resource_parent.language = "en"
    resource_parent.save()
    household.fiscal_contact = fiscal_staff
    household.save()
    now = timezone.now()
    starts = now - timedelta(days=3)
    hearing = event_services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child, starts_at=starts,
        ends_at=starts + timedelta(hours=1), place="Hinds County Youth Court", purpose="Maya's review hearing", now=now - timedelta(days=12),
    )
    Invitee.objects.filter(event=hearing).update(response=Invitee.Response.IN_PERSON, attended=True)

    # The family, on a phone.
    family = open_as()
    force_sign_in(family, client, live_server, resource_parent)
    family.goto("/money/")
    check_page(family, "claim-journey-family-money")
    family.get_by_role("link", name="Start a claim").click()
    family.get_by_role("link", name="Mileage").click()
    family.get_by_label("Hinds County Youth Court", exact=False).check()
    expect(family.locator("[name=trips-0-to_place]")).to_have_value("Hinds County Youth Court")
    family.locator("[name=trips-0-miles]").fill("23.5")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(RECEIPT_JPEG)
    family.locator("input[name=receipts]").set_input_files(str(photo))
    check_page(family, "claim-journey-family-new-mileage")
    family.get_by_role("button", name="Send the claim", exact=True).last.click()
    expect(family.get_by_role("heading", level=1)).to_contain_text("Claim C-")
    check_page(family, "claim-journey-family-sent")
    claim = Claim.objects.get(kind=Claim.Kind.MILEAGE)
    assert claim.items.get().event_id == hearing.pk and claim.amount == Decimal("16.45")  # 23.5 miles × $0.700
    assert claim.receipts.get().name == "IMG_2041.jpg"

    # The fiscal clerk asks where the trip started.
    clerk = open_as()
    sign_in(clerk, fiscal_staff)
    clerk.goto("/money/fiscal/")
    check_page(clerk, "claim-journey-fiscal-queue")
    clerk.get_by_role("link", name=claim.reference).click()
    clerk.get_by_role("button", name="Take it").click()
    clerk.locator("[name=info-reason]").select_option("trip_details")
    clerk.locator("[name=info-note]").fill("Where did the trip start? Please add your street.")
    clerk.get_by_role("button", name="Send back to the family").click()
    check_page(clerk, "claim-journey-fiscal-sent-back")

    # The family answers.
    family.goto(f"/money/claims/{claim.pk}/")
    expect(family.locator("#answer")).to_contain_text("Where did the trip start? Please add your street.")
    check_page(family, "claim-journey-family-more-info")
    family.get_by_label("Your answer").fill("From home, 12 Oak Street, Jackson.")
    family.get_by_role("button", name="Send it back to fiscal staff").click()
    expect(family.locator(".messages")).to_contain_text("sent back")

    # The clerk approves, then the accounting file marks it paid.
    clerk.goto(f"/money/fiscal/claims/{claim.pk}/")
    clerk.get_by_role("button", name="Approve", exact=True).click()
    expect(clerk.locator(".messages")).to_contain_text("Approved")
    paid_on = business_days.local_date(timezone.now())
    accounting = tmp_path / "payments.csv"
    accounting.write_text(f"reference,paid_date,amount,payment_number\n{claim.reference},{paid_on.isoformat()},16.45,EFT-77120\n")
    clerk.goto("/money/fiscal/import/")
    clerk.locator("input[name=file]").set_input_files(str(accounting))
    clerk.get_by_role("button", name="Upload and preview").click()
    check_page(clerk, "claim-journey-fiscal-import-preview")
    clerk.get_by_role("button", name=re.compile(r"^Apply 1 payment")).click()
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on, claim.payment_number) == (Claim.Status.PAID, paid_on, "EFT-77120")

    # What fiscal staff see of it on the patterns page: charts with their tables.
    clerk.goto("/money/fiscal/patterns/")
    expect(clerk.locator("svg.chart__svg").first).to_be_visible()
    check_page(clerk, "claim-journey-fiscal-patterns")

    # Every step, with its date, on the family's claim page.
    family.goto(f"/money/claims/{claim.pk}/")
    check_page(family, "claim-journey-family-paid")
    steps = family.locator("main").inner_text()
    dated = re.findall(r"^(Received|Being reviewed|More information needed|Approved|Paid) · \w+ \d+ \w+, \d+:\d+", steps, re.M)
    assert dated == ["Received", "Being reviewed", "More information needed", "Received", "Approved", "Paid"]  # each step, in order, with its date
