"""The acceptance journey of inquiries (issue 5, "Must show" 1).

Someone who has thought about fostering for a long time finally writes to us, in Spanish, on
a phone, and her first question is about money. She sees who will call her and by when; the
resource worker leaves a voicemail (the promise stays open), then reaches her (the promise is
kept, on time); her private page shows that first contact was made.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from inquiries.models import ContactLog, Inquiry, Stage
from portal.followups.models import Commitment

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser

QUESTION = "¿Cuánto es el pago mensual por cuidar a un niño? ¿Y quién paga la ropa y los útiles escolares?"


@pytest.fixture
def next_step_standard(transactional_db):
    """The inquiry-next-step standard's seed migration row: a transactional test's flush removes it."""
    importlib.import_module("inquiries.migrations.0002_seed_next_step_standard").seed(apps, None)


class Spanish:
    """The Spanish the page shows for one of its strings. Strings with no Spanish yet are noted,
    and the test fails at its end: an English page must not pass for a Spanish one, but the rest
    of the journey is still checked, and every missing string is listed at once."""

    def __init__(self):
        self.missing: list[str] = []

    def __call__(self, message: str) -> str:
        with translation.override("es"):
            spanish = gettext(message)
        if spanish == message and message not in self.missing:
            self.missing.append(message)
        return spanish


def test_an_inquirer_writes_in_spanish_and_sees_her_first_contact_made(
    open_as, service_standards, next_step_standard, office, team, resource_worker, supervisor
):
    es = Spanish()
    # The inquirer, not signed in, on a phone. The language switch in the footer turns the form Spanish.
    inquirer = open_as()
    inquirer.goto("/inquire/")
    expect(inquirer.get_by_role("heading", level=1)).to_have_text("Thinking about fostering or adopting?")
    check_page(inquirer, "inquiry-form")
    footer = inquirer.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option("es")
    with inquirer.expect_navigation():
        footer.get_by_role("button", name="Change").click()
    expect(inquirer).to_have_url(re.compile(r"/inquire/$"))
    expect(inquirer.locator("html")).to_have_attribute("lang", "es")
    expect(inquirer.get_by_role("heading", level=1)).to_have_text(es("Thinking about fostering or adopting?"))
    expect(inquirer.get_by_text(es(
        "Ask anything. Many people first ask about money — how board payments and reimbursements work. "
        "That is a good question to start with."
    ))).to_be_visible()
    check_page(inquirer, "inquiry-form-es")

    inquirer.get_by_label(es("Your name")).fill("Ana Pérez")
    inquirer.get_by_label(es("Phone number")).fill("601.555 0142")
    inquirer.get_by_role("textbox", name=es("E-mail address")).fill("ana.perez@example.org")
    inquirer.get_by_role("group", name=es("How should we reach you?")).get_by_label(es("Phone call")).check()
    inquirer.get_by_label(es("Best time to call (optional)")).fill("Por las tardes, después de las 5")
    inquirer.get_by_label(es("Your county")).select_option(label="Hinds")
    inquirer.get_by_label(es("Fostering"), exact=True).check()
    expect(inquirer.get_by_role("group", name=es("Language we should use")).get_by_label("Español")).to_be_checked()
    inquirer.get_by_label(es("Your questions (optional)")).fill(QUESTION)
    with inquirer.expect_navigation():
        inquirer.get_by_role("button", name=es("Send")).click()

    # The confirmation names the worker and the deadline, as a Spanish local date and time.
    inquiry = Inquiry.objects.get()
    promise = Commitment.objects.get()
    assert (inquiry.name, inquiry.phone, inquiry.language, inquiry.questions) == ("Ana Pérez", "(601) 555-0142", "es", QUESTION)
    assert (inquiry.worker, promise.owner, promise.owed_to_name, promise.status) == (
        resource_worker, resource_worker, "Ana Pérez", Commitment.Status.OPEN
    )
    assert promise.due_at == inquiry.first_contact_due_at > timezone.now()
    with translation.override("es"):
        due = formats.date_format(timezone.localtime(promise.due_at), "DATETIME_FORMAT")
    expect(inquirer).to_have_url(re.compile(r"/inquire/status/[^/]+/\?new=1$"))
    status_url = inquirer.url
    expect(inquirer.get_by_role("heading", level=1)).to_have_text(es("Thank you, %(name)s.") % {"name": "Ana Pérez"})
    expect(inquirer.locator(".confirmation__promise")).to_have_text(
        es("%(worker)s from our %(county)s County team will contact you personally by %(due)s.")
        % {"worker": "Ms. Miller", "county": "Hinds", "due": due}
    )
    expect(inquirer.locator("[aria-current=step]")).to_contain_text(es("Inquiry received"))
    expect(inquirer.get_by_text(QUESTION)).to_be_visible()
    check_page(inquirer, "inquiry-confirmation-es")

    # The resource worker finds her at the top of the queue, with her question ready for the call.
    worker = open_as()
    sign_in(worker, resource_worker)
    worker.get_by_role("navigation", name="Main").get_by_role("link", name="Inquiries").click()
    expect(worker).to_have_url(re.compile(r"/inquiries/$"))
    rows = worker.get_by_role("table", name="Your open inquiries, soonest promise first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Not contacted yet")
    check_page(worker, "inquiry-queue")
    rows.first.get_by_role("link", name="Ana Pérez").click()
    expect(worker).to_have_url(re.compile(rf"/inquiries/{inquiry.pk}/$"))
    expect(worker.locator(".their-questions")).to_contain_text(QUESTION)
    with translation.override("en"):
        due_en = formats.date_format(timezone.localtime(promise.due_at), "DATETIME_FORMAT")
    expect(worker.locator("#first-heading + .promise")).to_contain_text(f"Ms. Miller contacts them personally by {due_en}")
    check_page(worker, "inquiry-detail")

    # A voicemail is logged and shown, but it is not personal contact: the promise stays open.
    log = worker.locator("form", has=worker.get_by_role("button", name="Log it"))
    log.get_by_label("Called: left a voicemail").check()
    log.get_by_label("Note (optional)").fill("Dejé un mensaje en español con mi número directo.")
    with worker.expect_navigation():
        log.get_by_role("button", name="Log it").click()
    expect(worker.get_by_role("status")).to_contain_text("the first-contact promise stays open")
    expect(worker.locator(".contact-log")).to_contain_text("Called: left a voicemail")
    check_page(worker, "inquiry-detail-voicemail")
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN
    inquiry.refresh_from_db()
    assert (inquiry.stage, inquiry.first_contact_at) == (Stage.NEW, None)

    # She calls back; they talk: the first-contact promise is kept, on time.
    log.get_by_label("Spoke with them").check()
    with worker.expect_navigation():
        log.get_by_role("button", name="Log it").click()
    expect(worker.get_by_role("status")).to_contain_text("the first-contact promise is kept")
    expect(worker.locator("#first-heading + .promise")).to_contain_text("On time.")
    check_page(worker, "inquiry-detail-spoke")
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.MET
    assert (promise.met_by, promise.late) == (resource_worker, False)
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.CONTACTED
    assert list(inquiry.contacts.values_list("kind", flat=True)) == [ContactLog.Kind.VOICEMAIL, ContactLog.Kind.SPOKE]

    # The inquirer opens her private link again: first contact is made, in Spanish.
    inquirer.reload()
    expect(inquirer).to_have_url(status_url)
    expect(inquirer.locator("html")).to_have_attribute("lang", "es")
    expect(inquirer.locator("[aria-current=step]")).to_contain_text(es("First contact made"))
    expect(inquirer.locator(".confirmation__promise")).to_have_count(0)
    with translation.override("es"):
        contacted = formats.date_format(timezone.localtime(inquiry.first_contact_at), "DATETIME_FORMAT")
    expect(inquirer.get_by_text(es("First personal contact: %(when)s.") % {"when": contacted})).to_be_visible()
    check_page(inquirer, "inquiry-status-contacted-es")

    assert not es.missing, "These strings the inquirer sees have no Spanish translation:\n" + "\n".join(es.missing)
