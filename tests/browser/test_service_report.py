"""The service report at a desk and on a phone: Ms. Carter sees whether her team keeps its promises,
with the charts, narrows to one worker, and opens the promises behind a number."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.followups.services import meet_commitment, sweep_commitments

from .conftest import DESKTOP, check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def two_months(service_standards, open_promise, caseworker, colleague):
    now = timezone.now()
    for days_ago, owner, late in ((40, caseworker, False), (35, colleague, True), (20, caseworker, False), (12, colleague, False)):
        received = now - timedelta(days=days_ago)
        kept = open_promise(received, owner=owner)
        meet_commitment(commitment=kept, actor=owner, now=received + (timedelta(days=5) if late else timedelta(hours=1)))
    missed = open_promise(now - timedelta(days=9))
    sweep_commitments(now=now)
    open_promise(now - timedelta(days=8), standard="letter-reply")
    return missed


def test_a_supervisor_reads_the_report_with_its_charts_narrows_to_a_worker_and_opens_a_missed_promise(open_as, live_server, two_months, supervisor):
    desk = open_as()
    desk.set_viewport_size(DESKTOP)
    sign_in(desk, supervisor)
    desk.get_by_role("link", name="Service report").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Service report")
    expect(desk.get_by_role("img", name=re.compile("share kept on time; the upright mark is its target"))).to_be_visible()
    expect(desk.get_by_role("img", name=re.compile("Each bar is a month"))).to_be_visible()
    calls = desk.get_by_role("row").filter(has=desk.get_by_role("rowheader", name="Return a call or callback request"))
    expect(calls.locator("td").first).to_have_text("5")
    check_page(desk, "service-report")

    desk.get_by_role("link", name="Mr. Reed").click()
    expect(desk.get_by_label("Worker")).to_have_value(str(two_months.owner_id))
    calls = desk.get_by_role("row").filter(has=desk.get_by_role("rowheader", name="Return a call or callback request"))
    calls.get_by_role("cell").nth(3).get_by_role("link", name="1").click()  # missed, still open
    expect(desk.get_by_role("heading", level=1)).to_have_text("Promises behind the report")
    expect(desk.get_by_text("Still open, overdue")).to_be_visible()
    check_page(desk, "service-report-promises")
    desk.get_by_role("link", name="Return a call or callback request").click()
    expect(desk).to_have_url(re.compile(rf"/promises/{two_months.pk}/$"))

    phone = open_as()
    sign_in(phone, supervisor)
    phone.goto("/reports/service/")
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    phone.get_by_label("From (month)").fill(f"{this_month:%Y-%m}")
    phone.get_by_label("To (month)").fill(f"{last_month:%Y-%m}")
    phone.get_by_role("button", name="Show").click()
    expect(phone.get_by_text("The last month cannot be before the first.", exact=True)).to_be_visible()
    expect(phone.get_by_label("From (month)")).to_have_value(f"{this_month:%Y-%m}")  # what was typed is kept
    check_page(phone, "service-report-phone-error")
