"""The acceptance journey: a family sees what it is owed, and sees it kept."""

import re
from datetime import timedelta

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from portal.followups.models import Commitment, CommitmentEvent
from portal.notifications.models import Notification

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser


def owed_list(page):
    return page.locator("section", has=page.get_by_role("heading", name="What we owe you", exact=True))


def test_a_promise_marked_met_by_the_caseworker_moves_to_recently_done(
    open_as, service_standards, open_promise, resource_parent, caseworker, supervisor
):
    promise = open_promise(timezone.now())
    with translation.override("en"):  # an earlier test's request may have left Spanish active
        due = dateformat.format(timezone.localtime(promise.due_at), "l j F, g:i A")

    parent = open_as()
    sign_in(parent, resource_parent, check_login=True)
    expect(parent).to_have_url(re.compile(r"/family/$"))
    check_page(parent, "family-home")
    item = owed_list(parent).get_by_role("listitem").filter(has_text="A call back")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Mr. Reed is handling this.")
    expect(item).to_contain_text("Their supervisor is Ms. Carter.")
    expect(item).to_contain_text(f"By {due}")
    expect(item.get_by_role("button", name="Still waiting?")).to_have_count(0)
    expect(parent.get_by_role("heading", name="Recently done")).to_have_count(0)

    worker = open_as()
    sign_in(worker, caseworker, check_mfa=True)
    expect(worker).to_have_url(re.compile(r"/my-day/$"))
    check_page(worker, "my-day")
    row = worker.get_by_role("row").filter(has_text="The Garcia family")
    expect(row).to_contain_text("Return a call or callback request")
    row.get_by_role("button", name=re.compile(r"^Mark met")).click()
    expect(worker.get_by_role("status")).to_contain_text("Marked as met.")
    expect(worker.get_by_text("Nothing is waiting on you.")).to_be_visible()
    check_page(worker, "my-day-empty")

    parent.reload()
    expect(owed_list(parent).get_by_role("listitem")).to_have_count(0)
    expect(owed_list(parent)).to_contain_text("Nothing is outstanding.")
    done = parent.locator("section", has=parent.get_by_role("heading", name="Recently done"))
    expect(done.get_by_role("listitem")).to_have_count(1)
    expect(done).to_contain_text("A call back")
    expect(done).to_contain_text("by Mr. Reed")
    check_page(parent, "family-home-done")

    promise.refresh_from_db()
    assert promise.status == Commitment.Status.MET
    assert promise.met_by == caseworker


def test_still_waiting_on_an_overdue_promise_names_the_supervisor_and_counts_once(
    open_as, service_standards, open_promise, resource_parent, caseworker, supervisor
):
    promise = open_promise(timezone.now() - timedelta(days=14))

    parent = open_as()
    sign_in(parent, resource_parent)
    stale_tab = parent.context.new_page()  # the same family, a second tab left open
    stale_tab.goto("/family/")

    item = owed_list(parent).get_by_role("listitem").filter(has_text="A call back")
    expect(item).to_contain_text("Late:")
    check_page(parent, "family-home-overdue")
    item.get_by_role("button", name="Still waiting?").click()
    expect(parent.get_by_role("status")).to_contain_text(
        "Thank you for telling us. We have let Ms. Carter know, and we are sorry for the wait."
    )
    expect(parent.get_by_role("button", name="Still waiting?")).to_have_count(0)
    expect(item).to_contain_text("You told us you are still waiting. The supervisor knows.")
    check_page(parent, "family-home-chased")

    # Pressing again from a page that still shows the button changes nothing.
    stale_tab.get_by_role("button", name="Still waiting?").click()
    expect(stale_tab.get_by_role("status")).to_contain_text("You told us on")
    expect(stale_tab.get_by_role("status")).to_contain_text("Ms. Carter knows.")

    assert CommitmentEvent.objects.filter(commitment=promise, kind=CommitmentEvent.Kind.FAMILY_CHASED).count() == 1
    told = Notification.objects.filter(commitment=promise, kind=Notification.Kind.FAMILY_CHASED)
    assert sorted(n.recipient_id for n in told) == sorted([supervisor.pk, caseworker.pk])

    parent.goto("/notifications/")
    check_page(parent, "family-notifications")
