"""Every placements page renders for the person it is for, with the words that person needs."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from placements import services
from placements.models import DisclosureItem, Placement
from tests.conftest import chicago
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = chicago(2027, 3, 1, 10, 0)
TUESDAY_9 = chicago(2027, 3, 2, 9, 0)


@pytest.fixture
def now(time_machine):
    """Move the clock; every page reads timezone.now()."""

    def move(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    move(MONDAY_10)
    return move


@pytest.fixture
def siblings(caseworker):
    return [
        ChildFactory(first_name="Ana", preferred_name="Annie", last_name="Ruiz", caseworker=caseworker, languages="Spanish, English",
                     date_of_birth=chicago(2019, 6, 1).date()),
        ChildFactory(first_name="Leo", last_name="Ruiz", caseworker=caseworker, date_of_birth=chicago(2021, 1, 15).date()),
    ]


@pytest.fixture
def placed(now, caseworker, household, resource_parent, siblings):
    """Ana and Leo placed together with the Garcias on Monday at 10; Ana's medication did not come."""
    return services.place_children(
        actor=caseworker,
        household=household,
        children=siblings,
        started_on=MONDAY_10.date(),
        medication={siblings[0].pk: Placement.Medication.DID_NOT_COME, siblings[1].pk: Placement.Medication.NONE_TAKEN},
        now=MONDAY_10,
    )


def _item(placement, code):
    return DisclosureItem.objects.select_related("entry", "disclosure__placement").get(disclosure__placement=placement, entry__code=code)


def _fill(placement, code, content, *, actor, now, status="known", **extra):
    item = _item(placement, code)
    return services.update_item(actor=actor, item=item, status=status, content=content, revision=item.revision, now=now, **extra)


def _page(client, user, name, *args, status=200):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == status, (name, response.status_code)
    return response.content.decode()


def _text(html: str) -> str:
    """The page's words, without tags, on one line (blocktranslate keeps the template's line breaks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


# --- The family -------------------------------------------------------------------------------


def test_the_family_sees_each_child_with_what_is_still_being_found_out_and_new_information(client, placed, resource_parent, caseworker):
    _fill(placed[0], "allergies", "Peanuts: carries an EpiPen.", actor=caseworker, now=MONDAY_10)
    page = _text(_page(client, resource_parent, "placements:children"))
    assert "Children placed with you" in page
    assert "Annie Ruiz" in page and "Leo Ruiz" in page
    assert "10 items still being found out" in page and "11 items still being found out" in page
    assert "New information" in page
    assert "Medication: urgent" in page
    home = _text(_page(client, resource_parent, "followups:family_home"))
    assert "Children placed with you" in home and "Annie Ruiz" in home and "New information" in home


def test_the_child_page_puts_the_missing_medication_first_with_who_by_when_and_how_to_fill_the_prescription(
    client, placed, resource_parent, caseworker, supervisor, settings
):
    page = _text(_page(client, resource_parent, "placements:child", placed[0].pk))
    assert page.index("Urgent: Annie’s medication") < page.index("What changed since your last visit") < page.index("What we know about Annie")
    assert "Mr. Reed is arranging it by Monday 1 March, 5:00 PM" in page
    assert "call the pharmacy printed on the label" in page
    assert "Medicaid card" in page and "emergency supply" in page
    assert settings.AGENCY_ON_CALL_PHONE in page
    assert "Their supervisor is Ms. Carter." in page
    assert "Spanish, English" in page and "Leo" in page  # languages; the brother placed together
    assert "This is your first visit" in page
    assert "Mr. Reed is finding this out — by Wednesday 3 March, 5:00 PM." in page
    assert "I have read this (version 1)" in page
    assert "Ask about this or add a note" in page
    assert "Print a summary for the doctor or school" in page and "Who looked at this" in page
    assert "Urgent" not in _text(_page(client, resource_parent, "placements:child", placed[1].pk))


def test_what_changed_since_the_last_visit_is_marked_new_with_who_and_when(client, placed, resource_parent, caseworker, now):
    _page(client, resource_parent, "placements:child", placed[0].pk)  # the first visit
    now(TUESDAY_9)
    _fill(placed[0], "school", "Grade 2 at Oak Elementary, Ms. Lee's class.", actor=caseworker, now=TUESDAY_9)
    medicines = _item(placed[0], "medications")
    services.update_item(
        actor=caseworker, item=medicines, status="known", revision=medicines.revision, now=TUESDAY_9,
        medications=[services.MedicationRow("Albuterol inhaler", "2 puffs", "When wheezing", "Dr. Patel", "Walgreens, State St.", "none")],
    )
    now(TUESDAY_9 + timedelta(hours=1))
    html = _page(client, resource_parent, "placements:child", placed[0].pk)
    page = _text(html)
    assert "2 items changed since your last visit on Monday 1 March, 10:00 AM." in page
    assert page.count("New : changed since your last visit") == 2
    assert "Changed by Mr. Reed on Tuesday 2 March, 9:00 AM." in page
    assert "Grade 2 at Oak Elementary" in page
    assert "Albuterol inhaler" in page and "2 puffs" in page and "Dr. Patel" in page and "None came" in page
    assert "I have read this (version 3)" in page


def test_once_the_medication_is_arranged_the_family_reads_how(client, placed, resource_parent, caseworker, now):
    services.record_medication_sorted(actor=caseworker, placement=placed[0], note="Prescription sent to Walgreens on State St., ready after 4 pm.", now=MONDAY_10)
    page = _text(_page(client, resource_parent, "placements:child", placed[0].pk))
    assert "Annie’s medication is arranged" in page
    assert "Prescription sent to Walgreens on State St., ready after 4 pm." in page
    assert "Urgent" not in page


def test_after_confirming_the_family_sees_when(client, placed, resource_parent):
    services.acknowledge(user=resource_parent, disclosure=placed[0].disclosure, version=1, now=MONDAY_10)
    page = _text(_page(client, resource_parent, "placements:child", placed[0].pk))
    assert "You confirmed on Monday 1 March, 10:00 AM that you read this (version 1)." in page
    assert "I have read this" not in page


def test_a_need_asks_the_family_yes_or_no(client, placed, resource_parent, caseworker):
    services.propose_need(actor=caseworker, placement=placed[0], need="Winter coat, size 8", source="Northside Clothing Closet", now=MONDAY_10)
    html = _page(client, resource_parent, "placements:child", placed[0].pk)
    assert "<legend>" in html and 'value="yes"' in html and 'value="no"' in html
    assert "may we share “Winter coat, size 8” with Northside Clothing Closet?" in _text(html)


def test_the_item_page_has_a_question_form_and_a_note_form_with_their_own_ids(client, placed, resource_parent):
    item = _item(placed[0], "behaviours")
    html = _page(client, resource_parent, "placements:item", placed[0].pk, item.pk)
    page = _text(html)
    assert "Your question goes to Mr. Reed, who answers within one business day." in page
    assert "Mr. Reed is finding this out — by Wednesday 3 March, 5:00 PM." in page
    assert 'id="id_body"' in html and 'id="note_body"' in html
    assert 'name="action" value="note"' in html


def test_a_note_too_long_keeps_what_was_typed(client, placed, resource_parent):
    item = _item(placed[0], "behaviours")
    client.force_login(resource_parent)
    response = client.post(reverse("placements:item", args=[placed[0].pk, item.pk]), {"action": "note", "body": "x" * 2001})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please check what you typed" in page and 'href="#note_body"' in page and "x" * 2001 in page


def test_the_summary_is_one_printable_page_for_the_doctor(client, placed, resource_parent, caseworker):
    _fill(placed[0], "allergies", "Peanuts: carries an EpiPen.", actor=caseworker, now=MONDAY_10)
    html = _page(client, resource_parent, "placements:summary", placed[0].pk)
    page = _text(html)
    assert "Ana Ruiz" in page and "likes to be called Annie" in page and "1 June 2019" in page
    assert "Peanuts: carries an EpiPen." in page
    assert "Not known yet: the caseworker is finding out." in page
    assert "Print or save as PDF" in html and "data-print" in html and "js/print.js" in html
    assert "Behaviours" not in page  # only what a doctor or school needs


def test_who_looked_lists_staff_reads_and_changes(client, placed, resource_parent, caseworker):
    _page(client, caseworker, "placements:staff_child", placed[0].pk)
    _fill(placed[0], "allergies", "None known after asking the birth mother.", actor=caseworker, now=MONDAY_10)
    page = _text(_page(client, resource_parent, "placements:activity", placed[0].pk))
    assert "Mr. Reed" in page and "Looked at the information." in page and "Changed “Allergies”." in page


def test_after_the_placement_ends_the_family_sees_only_its_own_notes(client, placed, resource_parent, caseworker, now):
    services.add_family_note(user=resource_parent, item=_item(placed[0], "behaviours"), body="Sleeps better with a night light.", now=MONDAY_10)
    _fill(placed[0], "school", "Oak Elementary", actor=caseworker, now=MONDAY_10)
    now(TUESDAY_9)
    services.end_placement(actor=caseworker, placement=placed[0], ended_on=TUESDAY_9.date(), end_reason="reunified", now=TUESDAY_9)
    page = _text(_page(client, resource_parent, "placements:past_child", placed[0].pk))
    assert "Sleeps better with a night light." in page
    assert "What you wrote yourselves stays yours" in page
    assert "Oak Elementary" not in page
    assert "Children who lived with you before" in _text(_page(client, resource_parent, "placements:children"))


# --- Respite providers ------------------------------------------------------------------------


def _grant(placement, caseworker, *, starts, ends, now):
    from placements.models import ChecklistEntry

    return services.grant_respite(
        actor=caseworker, placement=placement, provider_name="Rosa Diaz", entries=list(ChecklistEntry.objects.filter(code__in=["allergies", "behaviours"])),
        starts_at=starts, expires_at=ends, now=now,
    )


def test_a_respite_provider_reads_only_the_named_items_without_an_account(client, placed, caseworker):
    _fill(placed[0], "allergies", "Peanuts: carries an EpiPen.", actor=caseworker, now=MONDAY_10)
    _fill(placed[0], "school", "Oak Elementary", actor=caseworker, now=MONDAY_10)
    _grant_row, link = _grant(placed[0], caseworker, starts=MONDAY_10, ends=MONDAY_10 + timedelta(days=2), now=MONDAY_10)
    page = _text(client.get(link).content.decode())
    assert "About Annie" in page and "Shared with Rosa Diaz by Mr. Reed" in page
    assert "Peanuts: carries an EpiPen." in page and "Oak Elementary" not in page
    assert "noindex" in client.get(link).content.decode()


@pytest.mark.parametrize(
    ("when", "words"),
    [("unknown", "We cannot find this link"), ("not_yet", "This link is not open yet"), ("expired", "This link has ended")],
)
def test_a_respite_link_that_does_not_work_says_why_and_what_to_do(client, placed, caseworker, now, when, words):
    if when == "unknown":
        link = reverse("placements:respite", args=["not-a-real-token"])
    else:
        starts = MONDAY_10 + timedelta(days=1) if when == "not_yet" else MONDAY_10
        _grant_row, link = _grant(placed[0], caseworker, starts=starts, ends=starts + timedelta(days=1), now=MONDAY_10)
        if when == "expired":
            now(MONDAY_10 + timedelta(days=3))
    response = client.get(link)
    assert response.status_code == 404
    page = _text(response.content.decode())
    assert words in page
    if when != "not_yet":
        assert "ask the caseworker for a new link" in page


# --- Staff ------------------------------------------------------------------------------------


def test_the_disclosure_list_shows_pending_counts_deadlines_and_the_medication_first(client, placed, caseworker):
    page = _text(_page(client, caseworker, "placements:disclosures"))
    assert page.index("Ana Ruiz") < page.index("Leo Ruiz")
    assert "The Garcia family" in page
    assert "Urgent to arrange by Mon 1 Mar, 5:00 PM" in page
    assert "7 h 00 min of office time left" in page  # Monday 10 am to the medication deadline, 5 pm
    assert "25 h 00 min of office time left" in page  # to the items' deadline, Wednesday 5 pm: 7 + 9 + 9
    assert "Place a child" in page and "Add a child" in page


def test_the_completeness_page_draws_two_charts_with_tables_for_a_supervisor(client, placed, caseworker, supervisor, now):
    _fill(placed[0], "allergies", "Peanuts", actor=caseworker, now=MONDAY_10)
    now(chicago(2027, 3, 15, 10, 0))
    html = _page(client, supervisor, "placements:completeness")
    page = _text(html)
    assert html.count('role="img"') == 2
    assert "Per caseworker" in page and "Per office" in page and "Mr. Reed" in page
    assert "Known after 1 business day" in page and "Known after 5 business days" in page
    assert "5% (of 2 placements)" in page  # 1 of 22 items known


def test_add_child_and_place_forms_group_the_medication_question_per_child(client, caseworker, household, siblings):
    assert "Add the child" in _page(client, caseworker, "placements:add_child")
    html = _page(client, caseworker, "placements:place")
    page = _text(html)
    assert "Did Annie's medication come with them?" in page and "Did Leo's medication come with them?" in page
    assert html.count("<legend>") >= 3
    assert "urgent promise for you, due by the end of the business day" in page


def test_the_caseworker_sees_each_item_with_status_deadline_and_the_medication_form(client, placed, caseworker):
    html = _page(client, caseworker, "placements:staff_child", placed[0].pk)
    page = _text(html)
    assert "Urgent: arrange the medication" in page and "How was the medication arranged?" in page
    assert "Mr. Reed, by Wed 3 Mar, 5:00 PM" in page
    assert "The family has not confirmed yet" in page
    assert "Brothers and sisters placed together" in page and "Leo Ruiz" in page
    assert reverse("placements:respite_access", args=[placed[0].pk]) in html
    assert reverse("placements:end", args=[placed[0].pk]) in html


def test_the_medication_item_edits_with_a_formset(client, placed, caseworker):
    html = _page(client, caseworker, "placements:edit_item", _item(placed[0], "medications").pk)
    assert 'name="medications-TOTAL_FORMS"' in html and 'name="medications-0-name"' in html
    assert "What to find out:" in html


def test_an_edit_after_a_colleague_saved_shows_both_versions_and_keeps_what_was_typed(client, placed, caseworker, supervisor):
    item = _item(placed[0], "behaviours")
    services.update_item(actor=supervisor, item=item, status="known", content="Hits when frightened; calm voice helps.", revision=0, now=MONDAY_10)
    client.force_login(caseworker)
    response = client.post(reverse("placements:edit_item", args=[item.pk]), {"status": "known", "content": "Shy at first.", "asked_whom": "", "revision": 0})
    assert response.status_code == 200
    page = _text(response.content.decode())
    assert "Someone else changed this item while you were editing" in page
    assert "Their version, saved by Ms. Carter" in page and "Hits when frightened; calm voice helps." in page
    assert "What you typed" in page and "Shy at first." in page
    assert "Save my version (replaces theirs)" in page


def test_end_and_respite_pages_render_and_the_new_link_shows_once(client, placed, caseworker):
    assert "End the placement" in _page(client, caseworker, "placements:end", placed[0].pk)
    client.force_login(caseworker)
    response = client.post(
        reverse("placements:respite_access", args=[placed[0].pk]),
        {"provider_name": "Rosa Diaz", "entries": [_item(placed[0], "allergies").entry_id], "starts_at": "2027-03-01T10:00", "expires_at": "2027-03-03T10:00"},
    )
    assert response.status_code == 302
    first = client.get(response.url).content.decode()
    assert "it is shown only this once" in first and 'value="http://testserver/children/respite/' in first
    again = _text(client.get(response.url).content.decode())
    assert "shown only this once" not in again
    assert "Rosa Diaz" in again and "Active" in again and "End this access now" in again


def test_the_navigation_names_the_placement_pages_for_each_role(client, resource_parent, caseworker, supervisor, resource_worker):
    assert reverse("placements:children") in _page(client, resource_parent, "followups:family_home")
    worker = _page(client, caseworker, "followups:my_day")
    assert reverse("placements:disclosures") in worker and reverse("placements:completeness") not in worker
    boss = _page(client, supervisor, "followups:my_day")
    assert reverse("placements:disclosures") in boss and reverse("placements:completeness") in boss
    assert reverse("placements:disclosures") not in _page(client, resource_worker, "followups:my_day")


def test_another_family_and_a_resource_worker_get_404(client, placed, other_family, resource_worker):
    _page(client, other_family, "placements:child", placed[0].pk, status=404)
    _page(client, resource_worker, "placements:disclosures", status=404)


def test_a_confirmation_of_an_old_version_asks_the_family_to_read_again(client, placed, resource_parent, caseworker):
    _fill(placed[0], "school", "Oak Elementary", actor=caseworker, now=MONDAY_10)
    client.force_login(resource_parent)
    response = client.post(reverse("placements:acknowledge", args=[placed[0].pk]), {"version": 1}, follow=True)
    page = _text(response.content.decode())
    assert "Something changed while you were reading." in page
    assert "I have read this (version 2)" in page


def test_the_family_home_has_no_children_card_when_no_child_is_placed(client, resource_parent):
    assert "Children placed with you" not in _text(_page(client, resource_parent, "followups:family_home"))


def test_an_ended_placement_is_read_only_for_staff(client, placed, caseworker):
    services.end_placement(actor=caseworker, placement=placed[1], ended_on=MONDAY_10.date(), end_reason="reunified", now=MONDAY_10)
    html = _page(client, caseworker, "placements:staff_child", placed[1].pk)
    assert "ended on 1 March 2027" in _text(html)
    assert reverse("placements:edit_item", args=[_item(placed[1], "school").pk]) not in html
    assert reverse("placements:end", args=[placed[1].pk]) not in html
