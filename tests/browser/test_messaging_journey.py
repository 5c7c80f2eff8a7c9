"""The acceptance journey of messaging (issue 4, "Must show" 1).

A resource parent on a phone asks Maya's caseworker about her medication. He is away; the
colleague who covers sees the question first in her inbox, is offered a kinder wording as
she types, answers within the promised business day, and the family rates the conversation.
"""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from messaging import services
from messaging.models import Message, Thread, ThreadRating, Topic
from portal import business_days
from portal.accounts.services import record_absence
from portal.followups.models import Commitment

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tone_guide(transactional_db):
    """The tone guide's seed migration rows: a transactional test's flush removes them."""
    importlib.import_module("messaging.migrations.0003_seed_tone_guide").seed(apps, None)


def test_a_family_asks_the_cover_about_medication_and_rates_the_answer(
    open_as, service_standards, tone_guide, resource_parent, other_family, child, caseworker, colleague, supervisor
):
    today = business_days.local_date(timezone.now())
    away = record_absence(
        worker=caseworker, cover=colleague, starts_on=today, ends_on=today + timedelta(days=4), actor=supervisor
    )
    with translation.override("en"):
        away_until = formats.date_format(away.ends_on, "DATE_FORMAT")

    # The family: "Your team" says who is responsible for Maya, and who covers while he is away.
    parent = open_as()
    sign_in(parent, resource_parent, check_login=True)
    check_page(parent, "messaging-journey-family-landing")
    parent.get_by_role("navigation").get_by_role("link", name="Your team").click()
    expect(parent).to_have_url(re.compile(r"/messages/your-team/$"))
    check_page(parent, "messaging-your-team")
    card = parent.get_by_role("listitem").filter(has_text="Maya’s caseworker")
    expect(card).to_contain_text("Mr. Reed")
    expect(card).to_contain_text(f"Mr. Reed is away until {away_until}.")
    expect(card).to_contain_text("Today Ms. Shah covers, and answers your messages.")

    card.get_by_role("link", name="Write to Mr. Reed").click()
    expect(parent).to_have_url(re.compile(r"/messages/new/"))
    expect(parent.get_by_label("What is it about?")).to_have_value(f"child:placements.child:{child.pk}")
    check_page(parent, "messaging-new")
    parent.get_by_label("Subject").fill("Maya’s inhaler")
    parent.get_by_label("Your message").fill(
        "Maya came to us without her inhaler and has only a few puffs left. "
        "The pharmacy says they need a new prescription. Who should we call?"
    )
    with parent.expect_navigation():
        parent.get_by_role("button", name="Send").click()

    thread = Thread.objects.get()
    promise = Commitment.objects.get(status=Commitment.Status.OPEN)
    assert (thread.topic, thread.about, thread.assigned_to) == (Topic.CHILD, child, caseworker)
    assert (promise.owner, promise.covering_for) == (colleague, caseworker)
    with translation.override("en"):
        due = formats.date_format(timezone.localtime(promise.due_at), "DATETIME_FORMAT")
    expect(parent.get_by_role("status")).to_contain_text(f"Sent. Ms. Shah will answer by {due}.")
    expect(parent.locator(".thread-status")).to_contain_text(f"Ms. Shah will answer by {due}.")
    check_page(parent, "messaging-family-thread-sent")

    # Something newer but already answered, so the top row is there because of its deadline.
    services.start_thread(
        household=other_family.household,
        topic=Topic.OTHER,
        subject="Your respite care dates",
        body="Dear Mr. Johnson, the respite weekend you asked for is confirmed.",
        author=colleague,
    )

    # The covering colleague: the Garcias' question is the first row of her inbox.
    worker = open_as()
    sign_in(worker, colleague, check_mfa=True)
    check_page(worker, "messaging-journey-staff-landing")
    worker.goto("/messages/inbox/")
    check_page(worker, "messaging-inbox")
    rows = worker.get_by_role("table", name="Conversations, soonest reply deadline first").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Maya’s inhaler")
    expect(rows.first).to_contain_text("The Garcia family")
    expect(rows.first).to_contain_text("You are covering for Mr. Reed")
    rows.first.get_by_role("link", name="Maya’s inhaler").click()
    expect(worker).to_have_url(re.compile(rf"/messages/{thread.pk}/$"))

    reply = worker.get_by_label("Your reply")
    expect(reply).to_have_value(re.compile(r"^Dear Mrs\. Garcia,"))
    check_page(worker, "messaging-staff-thread")
    hints = worker.locator("#tone-hints[aria-live]")
    reply.fill("Dear Mrs. Garcia,\n\nCalm down")
    expect(hints).to_contain_text("I'm sorry")
    check_page(worker, "messaging-staff-thread-tone-hint")
    assert not Message.objects.filter(thread=thread, from_family=False).exists()  # a hint, never a send

    reply.fill(
        "Dear Mrs. Garcia,\n\nI'm sorry Maya came to you without her inhaler. I'll call her doctor this "
        "afternoon for a new prescription and tell you which pharmacy to go to.\n\nMs. Shah"
    )
    expect(hints).to_be_empty()
    with worker.expect_navigation():
        worker.get_by_role("button", name="Send", exact=True).click()
    expect(worker.get_by_role("status")).to_contain_text("Sent to The Garcia family.")
    check_page(worker, "messaging-staff-thread-sent")

    # The family reads the answer, closes the conversation and rates it with one tap.
    parent.reload()
    answer = parent.locator(".post--staff")
    expect(answer).to_contain_text("I'll call her doctor this afternoon")
    expect(answer).to_contain_text("Ms. Shah")
    check_page(parent, "messaging-family-thread-answered")
    with parent.expect_navigation():
        parent.get_by_role("button", name="Close conversation").click()
    expect(parent.get_by_role("heading", name="How did we do?")).to_be_visible()
    check_page(parent, "messaging-family-thread-closed")
    parent.get_by_text("5 – Very well").click()
    with parent.expect_navigation():
        parent.get_by_role("button", name="Send my rating").click()
    expect(parent.get_by_role("status")).to_contain_text("Thank you for telling us.")
    check_page(parent, "messaging-family-thread-rated")

    rating = ThreadRating.objects.get()
    assert (rating.thread, rating.rated_by, rating.score) == (thread, resource_parent, 5)
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.MET
    assert (promise.met_by, promise.late) == (colleague, False)
    assert promise.met_at <= promise.due_at
