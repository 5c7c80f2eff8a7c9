"""Staff pages on a phone and a desk: a supervisor's day, and recording a call."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal import business_days
from portal.followups.services import chase_commitment, meet_commitment

from .conftest import check_page, force_sign_in, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def team_history(service_standards, open_promise, caseworker, colleague, resource_parent):
    """Three weeks of kept promises (one late), one overdue promise the family chased, one open.

    Each kept promise arrives on a Monday at noon and is met in that same week (the late one on
    Friday), so the chart has three weekly bars whatever day the test runs.
    """
    now = timezone.now()
    today = timezone.localtime(now, business_days.agency_zone())
    this_monday_noon = (today - timedelta(days=today.weekday())).replace(hour=12, minute=0, second=0, microsecond=0)
    for weeks_ago, late in ((3, False), (2, True), (1, False), (1, False)):
        received = this_monday_noon - timedelta(weeks=weeks_ago)
        kept = open_promise(received, owner=colleague if late else caseworker)
        meet_commitment(commitment=kept, actor=kept.owner, now=received + (timedelta(days=4) if late else timedelta(hours=2)))
    overdue = open_promise(now - timedelta(days=14))
    chase_commitment(commitment=overdue, actor=resource_parent)
    open_promise(now)
    return overdue


def test_a_supervisor_sees_the_team_the_chart_and_each_promise(open_as, client, live_server, team_history, supervisor, caseworker):
    boss = open_as()
    sign_in(boss, supervisor)
    expect(boss).to_have_url(re.compile(r"/my-team/$"))
    reed = boss.get_by_role("row").filter(has_text="Mr. Reed")
    expect(reed.locator("td")).to_have_text(["2", "0", "1"])
    chart = boss.get_by_role("img", name=re.compile("Share of the team's promises met on time"))
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(3)
    check_page(boss, "my-team")

    reed.get_by_role("link", name="Mr. Reed").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Open promises of Mr. Reed")
    check_page(boss, "team-worker")

    boss.get_by_role("link", name="Notifications").click()
    note = boss.get_by_role("listitem").filter(has_text=re.compile("still waiting", re.I))
    expect(note).to_have_count(1)
    check_page(boss, "notifications")
    note.get_by_role("link").click()
    expect(boss).to_have_url(re.compile(rf"/promises/{team_history.pk}/$"))
    expect(boss.get_by_text("Overdue", exact=True)).to_be_visible()
    check_page(boss, "promise-detail")
    boss.get_by_text("Hand to a colleague").click()
    boss.get_by_text("Cancel this promise").click()
    check_page(boss, "promise-detail-open")

    boss.get_by_role("link", name="Out of office").click()
    boss.get_by_role("button", name="Record the absence").click()
    expect(boss.get_by_role("alert")).to_contain_text("Please check what you typed")
    check_page(boss, "absences-errors")


def test_a_caseworker_records_a_call_and_it_joins_my_day(open_as, client, live_server, team_history, caseworker):
    worker = open_as()
    force_sign_in(worker, client, live_server, caseworker)
    worker.goto("/messages/calls-and-letters/new/")
    check_page(worker, "record-call")

    worker.get_by_role("button", name="Record it").click()
    expect(worker.get_by_role("alert")).to_contain_text("Please check what you typed")
    check_page(worker, "record-call-errors")

    worker.get_by_label("Resource family").select_option(label="The Garcia family")
    worker.get_by_label("How they reached us").select_option(label="Voicemail")
    worker.get_by_label("What they asked for").fill("Asks when the clothing allowance will arrive.")
    worker.get_by_role("button", name="Record it").click()
    expect(worker).to_have_url(re.compile(r"/my-day/$"))
    expect(worker.get_by_role("status")).to_contain_text("Recorded.")
    expect(worker.get_by_role("row").filter(has_text="Voicemail from The Garcia family")).to_have_count(1)
    check_page(worker, "my-day-full")

    worker.goto("/people/absences/")
    check_page(worker, "absences")


def test_a_wrong_password_is_explained_accessibly(open_as, transactional_db, resource_parent):
    page = open_as()
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(resource_parent.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    expect(page.get_by_text(re.compile("not correct", re.I))).to_be_visible()
    check_page(page, "login-error")
