"""The acceptance journey of placements and disclosure (issue 6, "Must show" 1).

Mr. Reed places a brother and sister with the Garcias. Sofi's medication did not come, so an
urgent promise opens, due the same business day. He fills what he already knows (Sofi's medicines
through the medication list) and leaves the rest being found out. Mrs. Garcia, on her phone,
sees the urgent medication item with who arranges it and by when, confirms she has read the
disclosure and asks a question about the medicine, which reaches Mr. Reed as a conversation
under the one-business-day reply promise. He fills one more item; when she looks again it is
marked "New", with who changed it and when. axe finds nothing on any page either of them sees.
"""

import re
from datetime import date
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from messaging.models import Thread, Topic
from placements.models import Child, DisclosureItem, NeedReferral, Placement
from portal.accounts.models import User
from portal.followups.models import Commitment

from .conftest import check_page, force_sign_in, sign_in

pytestmark = pytest.mark.browser

MEDICINE_ANSWER = "Her medicine is at her mother's apartment and did not come with her."
BEHAVIOURS = "Sofi is quiet for the first days. Sitting with her at bedtime and reading a story together helps."


def _when(moment) -> str:
    """A date and time as the pages print it (the English DATETIME_FORMAT, in the agency's zone)."""
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _item(child: Child, code: str) -> DisclosureItem:
    return DisclosureItem.objects.select_related("changed_by").get(disclosure__placement__child=child, entry__code=code)


def _promise(subject) -> Commitment:
    return Commitment.objects.select_related("owner").get(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, status=Commitment.Status.OPEN
    )


def _add_child(worker: Page, first: str, preferred: str, born: date, sibling: str = "") -> None:
    worker.get_by_role("link", name="Add a child").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Add a child")
    worker.get_by_label("First name").fill(first)
    worker.get_by_label("Preferred name").fill(preferred)
    worker.get_by_label("Last name").fill("Ruiz")
    worker.get_by_label("Date of birth").fill(born.isoformat())
    worker.get_by_label("Languages").fill("Spanish, English")
    if sibling:
        worker.get_by_label(sibling).check()
        check_page(worker, "disclosure-journey-add-sibling")
    else:
        check_page(worker, "disclosure-journey-add-child")
    with worker.expect_navigation():
        worker.get_by_role("button", name="Add the child").click()
    expect(worker.get_by_role("status")).to_contain_text(f"{first} Ruiz is added. You can place them now.")


def _edit(worker: Page, item: str) -> None:
    worker.get_by_role("link", name=re.compile(rf"^{re.escape(item)}")).click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text(item)


def _save(worker: Page) -> None:
    with worker.expect_navigation():
        worker.get_by_role("button", name="Save", exact=True).click()
    expect(worker.get_by_role("status")).to_contain_text("Saved. The family sees the change highlighted.")


def test_a_family_sees_the_urgent_medication_asks_and_sees_what_changed(
    open_as, service_standards, resource_parent, other_family, caseworker, supervisor
):
    # --- Mr. Reed adds Sofi and her brother Mateo, and places them together with the Garcias.
    worker = open_as()
    sign_in(worker, caseworker)
    worker.get_by_role("navigation").get_by_role("link", name="Disclosures").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Disclosures")
    check_page(worker, "disclosure-journey-staff-list-empty")
    _add_child(worker, "Sofía", "Sofi", date(2015, 8, 19))
    worker.get_by_role("link", name="Disclosures").first.click()
    _add_child(worker, "Mateo", "", date(2018, 1, 27), sibling="Sofía Ruiz")
    sofi, mateo = Child.objects.get(first_name="Sofía"), Child.objects.get(first_name="Mateo")
    assert list(mateo.siblings.all()) == [sofi] and (sofi.caseworker, sofi.called) == (caseworker, "Sofi")

    # The form comes back ticked for Mateo; Sofi joins him, each with their own medication answer.
    expect(worker.get_by_role("heading", level=1)).to_have_text("Place a child")
    expect(worker.get_by_label("Mateo Ruiz")).to_be_checked()
    worker.get_by_label("Resource family").select_option(label="The Garcia family")
    worker.get_by_label("Sofía Ruiz").check()
    worker.get_by_role("group", name="Did Sofi's medication come with them?").get_by_label("No, it did not come").check()
    worker.get_by_role("group", name="Did Mateo's medication come with them?").get_by_label(
        "The child takes no medication"
    ).check()
    check_page(worker, "disclosure-journey-place")
    with worker.expect_navigation():
        worker.get_by_role("button", name="Place with this family").click()
    expect(worker.get_by_role("status")).to_contain_text("Placed. The family can read the disclosure now")

    placement = Placement.objects.get(child=sofi)
    assert Placement.objects.get(child=mateo).household == placement.household == resource_parent.household
    urgent = _promise(placement)
    assert (urgent.standard.code, urgent.owner) == ("medication-at-placement", caseworker)
    expect(worker).to_have_url(re.compile(rf"/children/staff/{placement.pk}/$"))
    urgent_section = worker.locator("section.urgent")
    expect(urgent_section.get_by_role("heading", level=2)).to_have_text("Urgent: arrange the medication")
    expect(urgent_section).to_contain_text(f"Mr. Reed arranges it by {_when(urgent.due_at)}")
    check_page(worker, "disclosure-journey-staff-child-placed")

    # What he knows already: Sofi's medicines through the medication list, and her allergies.
    _edit(worker, "Current medications")
    worker.get_by_label("Known", exact=True).check()
    worker.get_by_label("Medicine:", exact=True).fill("Montelukast (chewable)")
    worker.get_by_label("Dose:", exact=True).fill("5 mg, one tablet")
    worker.get_by_label("When to give it:", exact=True).fill("Once a day, at bedtime")
    worker.get_by_label("Prescribed by:", exact=True).fill("Dr. Laura Kim, Jackson Pediatrics")
    worker.get_by_label("Pharmacy:", exact=True).fill("CVS, 1500 E County Line Rd, Ridgeland")
    worker.get_by_label("Supply:", exact=True).select_option(label="None came")
    worker.get_by_label("What is known").fill(MEDICINE_ANSWER)
    check_page(worker, "disclosure-journey-edit-medications")
    _save(worker)
    medicines = _item(sofi, "medications")
    assert medicines.status == DisclosureItem.Status.KNOWN
    assert [(m.name, m.supply) for m in medicines.medications.all()] == [("Montelukast (chewable)", "none")]

    _edit(worker, "Allergies")
    worker.get_by_label("Known", exact=True).check()
    worker.get_by_label("What is known").fill("Amoxicillin: a rash. No food allergies known.")
    _save(worker)

    # Mateo: he takes no medicine; everything else about him is still being found out.
    worker.get_by_role("link", name="← Disclosures").click()
    check_page(worker, "disclosure-journey-staff-list")
    worker.get_by_role("link", name="Mateo Ruiz").click()
    _edit(worker, "Current medications")
    worker.get_by_label("Does not apply").check()
    _save(worker)
    assert DisclosureItem.objects.filter(disclosure__placement__child=sofi, status=DisclosureItem.Status.PENDING).count() == 9
    assert DisclosureItem.objects.filter(disclosure__placement__child=mateo, status=DisclosureItem.Status.PENDING).count() == 10

    # --- Mrs. Garcia, on her phone: Sofi's page leads with the medication, who arranges it and by when.
    parent = open_as()
    sign_in(parent, resource_parent)
    parent.get_by_role("navigation").get_by_role("link", name="Children").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Children placed with you")
    card = parent.locator(".child-card").filter(has_text="Sofi Ruiz")
    expect(card).to_contain_text("Medication: urgent")
    expect(parent.locator(".child-card").filter(has_text="Mateo Ruiz")).not_to_contain_text("Medication: urgent")
    check_page(parent, "disclosure-journey-family-children")
    card.get_by_role("link", name="Sofi Ruiz").click()

    expect(parent.get_by_role("heading", level=1)).to_have_text("Sofi Ruiz")
    urgent_box = parent.locator("section.urgent")
    expect(urgent_box.get_by_role("heading", level=2)).to_have_text("Urgent: Sofi’s medication")
    expect(urgent_box).to_contain_text("Sofi’s medication did not come when Sofi was placed with you.")
    expect(urgent_box).to_contain_text(
        f"Mr. Reed is arranging it by {_when(urgent.due_at)} and will write here how you get it."
    )
    expect(urgent_box.get_by_role("heading", name="Until then: how to get the prescription filled")).to_be_visible()
    expect(parent.get_by_text("This is your first visit to Sofi’s page.")).to_be_visible()

    known = parent.locator(f"#item-{medicines.pk}")
    expect(known).to_contain_text("Montelukast (chewable)")
    expect(known).to_contain_text(MEDICINE_ANSWER)
    behaviours = _item(sofi, "behaviours")
    owed = _promise(behaviours)
    expect(parent.locator(f"#item-{behaviours.pk}")).to_contain_text(f"Mr. Reed is finding this out — by {_when(owed.due_at)}.")
    check_page(parent, "disclosure-journey-family-child-first-visit")

    disclosure = placement.disclosure
    disclosure.refresh_from_db()
    read_version = disclosure.version
    with parent.expect_navigation():
        parent.get_by_role("button", name=f"I have read this (version {read_version})").click()
    expect(parent.get_by_role("status")).to_contain_text("Thank you. Your caseworker can see that you have read everything")
    acknowledgement = disclosure.acknowledgements.get()
    assert (acknowledgement.by, acknowledgement.version) == (resource_parent, read_version)
    expect(parent.locator("#confirm-heading + p")).to_have_text(
        f"You confirmed on {_when(acknowledgement.at)} that you read this (version {read_version})."
    )
    check_page(parent, "disclosure-journey-family-child-read")

    # A question on the medicine goes to Mr. Reed, as a conversation with the reply promise.
    parent.get_by_role("link", name="Ask about Sofi’s medication").click()
    expect(parent.get_by_role("heading", level=1)).to_contain_text("Current medications")
    expect(parent.get_by_text("Your question goes to Mr. Reed, who answers within one business day.")).to_be_visible()
    check_page(parent, "disclosure-journey-family-item")
    parent.get_by_label("Your question").fill("Can we go to the Walgreens on State Street instead of the CVS?")
    with parent.expect_navigation():
        parent.get_by_role("button", name="Send my question").click()
    thread = Thread.objects.get()
    assert (thread.topic, thread.about, thread.assigned_to, thread.household) == (
        Topic.CHILD, sofi, caseworker, resource_parent.household
    )
    reply_promise = _promise(thread)
    assert (reply_promise.standard.code, reply_promise.owner) == ("message-reply", caseworker)
    expect(parent).to_have_url(re.compile(rf"/messages/{thread.pk}/$"))
    expect(parent.get_by_role("status")).to_contain_text("Your question was sent to Mr. Reed.")
    expect(parent.locator(".thread-status")).to_contain_text(f"Mr. Reed will answer by {_when(reply_promise.due_at)}.")
    check_page(parent, "disclosure-journey-family-question-sent")

    # --- Mr. Reed sees the question in his inbox, and fills one of the items still owed.
    worker.get_by_role("navigation").get_by_role("link", name=re.compile("^Inbox")).click()
    rows = worker.get_by_role("table", name="Conversations, soonest reply deadline first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Question about Sofi: Current medications")
    expect(rows.first).to_contain_text("The Garcia family")
    check_page(worker, "disclosure-journey-staff-inbox")
    worker.get_by_role("navigation").get_by_role("link", name="Disclosures").click()
    worker.get_by_role("link", name="Sofía Ruiz").click()
    _edit(worker, "Behaviours and what helps")
    worker.get_by_label("Known", exact=True).check()
    worker.get_by_label("What is known").fill(BEHAVIOURS)
    _save(worker)
    behaviours.refresh_from_db()
    assert behaviours.status == DisclosureItem.Status.KNOWN and behaviours.changed_by == caseworker
    assert not Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisclosureItem), subject_id=behaviours.pk, status=Commitment.Status.OPEN
    ).exists()

    # --- Mrs. Garcia looks again: the new item is highlighted, with who changed it and when.
    parent.goto(f"/children/{placement.pk}/")
    changes = parent.locator(".changes-summary")
    expect(changes).to_contain_text("One item changed since your last visit")
    expect(changes.get_by_role("link", name="Behaviours and what helps")).to_be_visible()
    changed = parent.locator(f"#item-{behaviours.pk}")
    expect(changed).to_have_class(re.compile(r"\bdisclosure-item--new\b"))
    expect(changed.get_by_role("heading", level=3)).to_contain_text("New")
    expect(changed).to_contain_text(f"Changed by Mr. Reed on {_when(behaviours.changed_at)}.")
    expect(changed).to_contain_text(BEHAVIOURS)
    expect(parent.locator(f"#item-{medicines.pk}")).not_to_have_class(re.compile(r"\bdisclosure-item--new\b"))
    disclosure.refresh_from_db()
    assert disclosure.version > read_version
    expect(parent.get_by_role("button", name=f"I have read this (version {disclosure.version})")).to_be_visible()
    check_page(parent, "disclosure-journey-family-child-changed")



def test_the_demo_disclosures_read_well_on_a_phone(open_as, service_standards, client, live_server):
    """The demo's every disclosure state, as the family, a respite provider and the supervisor see it."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    elena = User.objects.get(email="garcia@demo.family")
    # Mrs. Garcia reads the portal in Spanish (the demo's choice); this walk-through reads the English words.
    elena.language = "en"
    elena.save(update_fields=["language"])
    maya, noah = (Placement.objects.get(child__first_name=name) for name in ("Maya", "Noah"))

    family = open_as()
    force_sign_in(family, client, live_server, elena)
    family.goto("/children/")
    expect(family.locator(".child-card")).to_have_count(4)
    expect(family.get_by_role("link", name="Noah Bennett")).to_be_visible()
    check_page(family, "disclosure-demo-family-children")

    # Maya: two changes since the last visit, a confirmation of an older version, a note, a question of consent.
    family.get_by_role("link", name="Maya Lopez").click()
    expect(family.locator(".changes-summary")).to_contain_text("2 items changed since your last visit")
    expect(family.locator(".disclosure-item--new")).to_have_count(2)
    expect(family.get_by_text("Maya duerme mejor con la luz del pasillo encendida.")).to_be_visible()
    check_page(family, "disclosure-demo-family-maya")
    need = family.get_by_role("group", name=re.compile(r"may we share “Winter coats and boots"))
    need.get_by_label("Yes, share it").check()
    with family.expect_navigation():
        family.get_by_role("button", name="Send my answer").click()
    expect(family.get_by_role("status")).to_contain_text("Thank you. We will share it and check with you that it helped.")
    assert NeedReferral.objects.get().consent_by == elena
    check_page(family, "disclosure-demo-family-maya-consented")
    family.get_by_role("link", name="Who looked at this").click()
    expect(family.get_by_role("main")).to_contain_text("Mr. Reed")
    check_page(family, "disclosure-demo-family-activity")
    family.goto(f"/children/{maya.pk}/summary/")
    expect(family.get_by_role("main")).to_contain_text("Cetirizine")
    check_page(family, "disclosure-demo-family-summary")
    family.goto(f"/children/past/{noah.pk}/")
    expect(family.get_by_role("main")).to_contain_text("A Noah le ayuda un cuento de dinosaurios")
    check_page(family, "disclosure-demo-family-past-child")

    # The respite provider's private link: only the four items she was given.
    link = re.search(r"https?://\S+(/children/respite/\S+/)", out.getvalue()).group(1)
    provider = open_as()
    provider.goto(link)
    expect(provider.get_by_role("heading", level=1)).to_have_text("About Maya")
    expect(provider.locator(".disclosure-item")).to_have_count(4)
    check_page(provider, "disclosure-demo-respite")

    # The supervisor's chart has bars for both caseworkers; Ms. Shah's list starts with Sofi's medication.
    supervisor = open_as()
    force_sign_in(supervisor, client, live_server, User.objects.get(email="supervisor@demo.agency"))
    supervisor.goto("/children/staff/completeness/")
    main = supervisor.get_by_role("main")
    expect(main).to_contain_text("Mr. Reed")
    expect(main).to_contain_text("Ms. Shah")
    check_page(supervisor, "disclosure-demo-completeness")
    shah = open_as()
    force_sign_in(shah, client, live_server, User.objects.get(email="caseworker2@demo.agency"))
    shah.goto("/children/staff/")
    first = shah.get_by_role("table").locator("tbody tr").first
    expect(first).to_contain_text("Sofía Ruiz")
    expect(first).to_contain_text("Urgent")
    check_page(shah, "disclosure-demo-staff-list")
