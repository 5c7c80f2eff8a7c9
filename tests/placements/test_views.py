"""Bad input through the pages: each is a clear message, what was typed is kept, nothing is lost, never a 500.

Monday 1 March 2027 in Chicago. Mr. Reed placed Maya with the Garcias at 9:00 (her medication did not come).
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.utils import timezone
from django.urls import reverse

from messaging.models import Thread
from placements import services
from placements.models import Acknowledgement, Child, DisclosureItem, FamilyNote, NeedReferral, Placement, RespiteGrant
from portal.accounts.models import Household
from portal.audit.models import AuditEntry
from tests.conftest import chicago
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 3, 1, 10, 0)
PLACED_AT = chicago(2027, 3, 1, 9, 0)
HUGE = 2**63  # beyond any database integer


@pytest.fixture
def maya(caseworker, household, resource_parent, time_machine):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory(first_name="Maya", last_name="Lopez", caseworker=caseworker)
    (placement,) = services.place_children(
        actor=caseworker, household=household, children=[child], started_on=PLACED_AT.date(), medication={child.pk: "did_not_come"},
        now=PLACED_AT,
    )
    return placement


def _item(placement, code) -> DisclosureItem:
    return DisclosureItem.objects.select_related("entry", "disclosure__placement").get(disclosure__placement=placement, entry__code=code)


def _page(response) -> str:
    return response.content.decode()


def _reads() -> int:
    return AuditEntry.objects.filter(action="disclosure.read").count()


# --- Editing an item ----------------------------------------------------------------------------


def test_a_conflicting_edit_shows_both_versions_keeps_what_was_typed_and_overwrites_nothing(client, maya, caseworker, supervisor):
    allergies = _item(maya, "allergies")
    url = reverse("placements:edit_item", args=[allergies.pk])
    client.force_login(caseworker)
    opened = client.get(url)
    assert opened.context["form"]["revision"].value() == 0
    # Meanwhile Ms. Carter saves the same item.
    services.update_item(actor=supervisor, item=allergies, status="known", content="Peanuts: EpiPen in her school bag", revision=0, now=NOW)

    mine = "No known allergies (asked the birth mother)"
    response = client.post(url, {"status": "known", "content": mine, "asked_whom": "", "revision": 0})
    page = _page(response)
    assert response.status_code == 200
    assert "Ms. Carter changed this item" in page and "Nothing was overwritten" in page
    assert "Peanuts: EpiPen in her school bag" in page  # their version
    assert page.count(mine) >= 2  # what he typed: shown beside theirs and still in the form
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(mine), page)
    assert _item(maya, "allergies").content == "Peanuts: EpiPen in her school bag"
    # The form now names their revision: saving again replaces theirs, knowingly.
    assert re.search(r'<input type="hidden" name="revision" value="1"', page)
    again = client.post(url, {"status": "known", "content": mine, "asked_whom": "", "revision": 1})
    assert again.status_code == 302
    assert _item(maya, "allergies").content == mine


def test_an_item_that_is_too_long_is_refused_with_the_text_kept(client, maya, caseworker):
    behaviours = _item(maya, "behaviours")
    client.force_login(caseworker)
    typed = "She settles with a story. " * 160  # 4 160 characters
    response = client.post(
        reverse("placements:edit_item", args=[behaviours.pk]), {"status": "known", "content": typed, "asked_whom": "", "revision": 0}
    )
    assert response.status_code == 200
    assert "4000" in _page(response)
    assert typed.strip()[:500] in _page(response)
    behaviours.refresh_from_db()
    assert (behaviours.status, behaviours.content, behaviours.revision) == ("pending", "", 0)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"status": "known", "content": "", "asked_whom": "", "revision": 0}, "Write what is known"),
        ({"status": "unknown", "content": "", "asked_whom": "", "revision": 0}, "who was asked"),
        ({"status": "maybe", "content": "x", "asked_whom": "", "revision": 0}, "Select a valid choice"),
        ({"status": "known", "content": "x", "asked_whom": "", "revision": "abc"}, ""),
        ({"status": "known", "content": "x", "asked_whom": "", "revision": -1}, ""),
    ],
    ids=["known-without-content", "unknown-without-who", "unknown-status", "revision-not-a-number", "negative-revision"],
)
def test_an_incomplete_item_is_explained_and_nothing_is_saved(client, maya, caseworker, data, words):
    school = _item(maya, "school")
    client.force_login(caseworker)
    response = client.post(reverse("placements:edit_item", args=[school.pk]), data)
    assert response.status_code == 200
    assert 'class="error-summary"' in _page(response) or "errorlist" in _page(response)
    assert words in _page(response)
    school.refresh_from_db()
    assert (school.status, school.revision) == ("pending", 0)


def test_a_medicine_without_a_dose_is_explained_and_the_other_medicines_are_kept(client, maya, caseworker):
    medications = _item(maya, "medications")
    client.force_login(caseworker)
    data = {
        "status": "known", "content": "", "asked_whom": "", "revision": 0,
        "medications-TOTAL_FORMS": 2, "medications-INITIAL_FORMS": 0, "medications-MIN_NUM_FORMS": 0, "medications-MAX_NUM_FORMS": 20,
        "medications-0-name": "Albuterol", "medications-0-dose": "2 puffs", "medications-0-schedule": "As needed", "medications-0-supply": "none",
        "medications-1-name": "Cetirizine", "medications-1-dose": "", "medications-1-schedule": "Morning", "medications-1-supply": "none",
    }
    response = client.post(reverse("placements:edit_item", args=[medications.pk]), data)
    assert response.status_code == 200
    assert "Please check the medicines" in _page(response) and 'value="Albuterol"' in _page(response)
    assert not _item(maya, "medications").medications.exists()


def test_an_item_of_an_ended_placement_cannot_be_saved_and_says_why(client, maya, caseworker):
    services.end_placement(actor=caseworker, placement=maya, ended_on=NOW.date(), end_reason="reunified", now=NOW)
    health = _item(maya, "health")
    client.force_login(caseworker)
    response = client.post(
        reverse("placements:edit_item", args=[health.pk]), {"status": "known", "content": "Asthma", "revision": 0}, follow=True
    )
    assert "This placement has ended" in _page(response)
    health.refresh_from_db()
    assert health.content == ""


# --- The family's side ----------------------------------------------------------------------------


def test_a_stale_acknowledgement_asks_the_family_to_read_again(client, maya, caseworker, resource_parent, time_machine):
    client.force_login(resource_parent)
    page = client.get(reverse("placements:child", args=[maya.pk]))
    assert page.context["acknowledge_form"]["version"].value() == 1
    time_machine.move_to(chicago(2027, 3, 1, 10, 5), tick=False)  # while she reads, Mr. Reed adds something
    services.update_item(actor=caseworker, item=_item(maya, "school"), status="known", content="Grade 2", revision=0)
    time_machine.move_to(chicago(2027, 3, 1, 10, 10), tick=False)
    response = client.post(reverse("placements:acknowledge", args=[maya.pk]), {"version": 1}, follow=True)
    assert "Something changed while you were reading" in _page(response)
    assert not Acknowledgement.objects.exists()
    assert response.context["acknowledge_form"]["version"].value() == 2
    assert "disclosure-item--new" in _page(response)  # what changed is highlighted
    confirmed = client.post(reverse("placements:acknowledge", args=[maya.pk]), {"version": 2}, follow=True)
    assert "Thank you" in _page(confirmed)
    assert list(Acknowledgement.objects.values_list("version", flat=True)) == [2]


@pytest.mark.parametrize("version", ["", "abc", "0", "-3"])
def test_a_malformed_acknowledgement_is_a_message_not_an_error(client, maya, resource_parent, version):
    client.force_login(resource_parent)
    response = client.post(reverse("placements:acknowledge", args=[maya.pk]), {"version": version}, follow=True)
    assert response.status_code == 200
    assert "Please read the page and confirm again" in _page(response)
    assert not Acknowledgement.objects.exists()


def test_a_note_or_question_too_long_or_empty_is_explained_with_the_text_kept(client, maya, resource_parent):
    client.force_login(resource_parent)
    url = reverse("placements:item", args=[maya.pk, _item(maya, "behaviours").pk])
    note = "She likes the night light on. " * 70  # 2 100 characters
    response = client.post(url, {"action": "note", "body": note})
    assert response.status_code == 200 and "2000" in _page(response) and note.strip()[:300] in _page(response)
    question = "Who is her therapist? " * 240  # 5 280 characters
    response = client.post(url, {"action": "question", "body": question, "submission_key": uuid.uuid4()})
    assert response.status_code == 200 and "5000" in _page(response) and question.strip()[:300] in _page(response)
    response = client.post(url, {"action": "question", "body": "   ", "submission_key": uuid.uuid4()})
    assert response.status_code == 200
    assert not FamilyNote.objects.exists() and not Thread.objects.exists()


def test_a_question_sent_twice_is_one_question(client, maya, resource_parent, caseworker):
    client.force_login(resource_parent)
    url = reverse("placements:item", args=[maya.pk, _item(maya, "medications").pk])
    data = {"action": "question", "body": "Which pharmacy has her inhaler?", "submission_key": uuid.uuid4()}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    thread = Thread.objects.get()
    assert first.url == second.url == reverse("messaging:thread", args=[thread.pk])
    assert thread.assigned_to == caseworker and thread.messages.count() == 1


def test_a_consent_answer_that_is_neither_yes_nor_no_changes_nothing(client, maya, caseworker, resource_parent):
    referral = services.propose_need(actor=caseworker, placement=maya, need="Winter coat", source="Closet", now=NOW)
    client.force_login(resource_parent)
    for answer in ({}, {"consent": "maybe"}):
        response = client.post(reverse("placements:answer_need", args=[referral.pk]), answer, follow=True)
        assert "Choose yes or no" in _page(response)
    answered = client.post(reverse("placements:answer_need", args=[referral.pk]), {"consent": "no"}, follow=True)
    assert "Nothing has been shared" in _page(answered)
    again = client.post(reverse("placements:answer_need", args=[referral.pk]), {"consent": "yes"}, follow=True)
    assert "You already answered" in _page(again)
    referral.refresh_from_db()
    assert (referral.status, referral.consent_at) == ("declined", None)


# --- Placements ----------------------------------------------------------------------------------


def test_an_end_date_before_the_start_is_explained_and_what_was_typed_is_kept(client, maya, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("placements:end", args=[maya.pk]), {"ended_on": "2027-02-14", "end_reason": "relative"})
    page = _page(response)
    assert response.status_code == 200
    assert "The end date cannot be before the placement started" in page
    assert 'value="2027-02-14"' in page
    assert re.search(r'<option value="relative"\s+selected', page)
    maya.refresh_from_db()
    assert maya.ended_on is None


def test_an_end_date_ahead_is_explained(client, maya, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("placements:end", args=[maya.pk]), {"ended_on": "2027-03-04", "end_reason": "relative"})
    assert response.status_code == 200 and "Record the end on the day it happens" in _page(response)
    maya.refresh_from_db()
    assert maya.ended_on is None


def _snapshot():
    return (
        Child.objects.count(),
        sorted(Placement.objects.values_list("pk", "ended_on")),
        RespiteGrant.objects.count(),
        NeedReferral.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "needs_placement", "data"),
    [
        ("end", True, {"ended_on": "2027-02-30", "end_reason": "reunified"}),
        ("end", True, {"ended_on": "yesterday", "end_reason": "reunified"}),
        ("end", True, {"ended_on": "", "end_reason": ""}),
        ("end", True, {"ended_on": "99999-01-01", "end_reason": "reunified"}),
        ("respite_access", True, {"provider_name": "Ms. Alvarez", "entries": [], "starts_at": "soon", "expires_at": "2027-13-01T09:00"}),
        ("respite_access", True, {"provider_name": "", "starts_at": "2027-03-02T09:00", "expires_at": "2027-03-02T08:00"}),
        ("place", False, {"started_on": "31/31/2027", "household": "not-a-number", "children": ["x"]}),
        ("add_child", False, {"first_name": "Nina", "last_name": "Ortiz", "date_of_birth": "2015-02-29"}),
        ("add_child", False, {"first_name": "Nina", "last_name": "Ortiz", "date_of_birth": "2031-01-01"}),
    ],
    ids=["end-30-feb", "end-word", "end-empty", "end-year-99999", "respite-bad-times", "respite-ends-first",
         "place-bad-date", "child-29-feb-2015", "child-born-in-future"],
)
def test_a_malformed_or_impossible_date_is_explained_and_nothing_changes(client, maya, caseworker, name, needs_placement, data):
    ChildFactory(first_name="Ines", last_name="Lopez", caseworker=caseworker)  # waiting to be placed: the form is there
    client.force_login(caseworker)
    before = _snapshot()
    response = client.post(reverse(f"placements:{name}", args=[maya.pk] if needs_placement else []), data)
    assert response.status_code == 200
    assert "errorlist" in _page(response) or 'class="error-summary"' in _page(response)
    assert _snapshot() == before


def test_respite_access_over_thirty_days_is_explained_with_the_form_kept(client, maya, caseworker):
    client.force_login(caseworker)
    allergies = _item(maya, "allergies").entry
    response = client.post(
        reverse("placements:respite_access", args=[maya.pk]),
        {"provider_name": "Ms. Alvarez", "entries": [allergies.pk], "starts_at": "2027-03-02T09:00", "expires_at": "2027-04-15T09:00"},
    )
    assert response.status_code == 200
    assert "at most 30 days" in _page(response) and 'value="Ms. Alvarez"' in _page(response)
    assert not RespiteGrant.objects.exists()


def test_placing_a_child_already_placed_or_with_an_unlicensed_family_is_refused_on_the_page(client, maya, caseworker, other_family):
    client.force_login(caseworker)
    unlicensed = other_family.household
    unlicensed.licence_status = Household.LicenceStatus.IN_STUDY
    unlicensed.save(update_fields=["licence_status"])
    waiting = ChildFactory(first_name="Ines", last_name="Lopez", caseworker=caseworker)
    before = _snapshot()
    for household, child in [(maya.household, maya.child), (unlicensed, waiting)]:
        data = {"household": household.pk, "children": [child.pk], f"medication_{child.pk}": "all_came",
                "started_on": NOW.date().isoformat(), "submission_key": uuid.uuid4()}
        response = client.post(reverse("placements:place"), data)
        assert response.status_code == 200 and "errorlist" in _page(response)
    assert _snapshot() == before


def test_the_place_form_sent_twice_places_once_and_says_the_child_was_just_placed(client, caseworker, household):
    waiting = ChildFactory(first_name="Ines", last_name="Lopez", caseworker=caseworker)
    client.force_login(caseworker)
    data = {"household": household.pk, "children": [waiting.pk], f"medication_{waiting.pk}": "all_came",
            "started_on": timezone.localdate().isoformat()}
    assert client.post(reverse("placements:place"), data).status_code == 302
    again = client.post(reverse("placements:place"), data)
    assert again.status_code == 200
    assert "has just been placed" in _page(again)
    assert Placement.objects.filter(child=waiting).count() == 1


def test_placing_without_the_medication_answer_asks_for_it(client, caseworker, household, maya):
    waiting = ChildFactory(first_name="Ines", last_name="Lopez", caseworker=caseworker)
    client.force_login(caseworker)
    response = client.post(
        reverse("placements:place"),
        {"household": household.pk, "children": [waiting.pk], "started_on": NOW.date().isoformat(), "submission_key": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "Answer whether Ines&#x27;s medication came with them" in _page(response) or "Answer whether Ines's medication" in _page(response)
    assert not Placement.objects.filter(child=waiting).exists()


def test_a_staff_page_shown_again_after_a_bad_form_is_audited_like_any_read(client, maya, caseworker):
    """The caseworker's disclosure page re-shown with an error still shows the whole disclosure: it is a read."""
    client.force_login(caseworker)
    for name, data in [("medication_sorted", {"note": ""}), ("propose_need", {"need": "", "source": ""})]:
        before = _reads()
        response = client.post(reverse(f"placements:{name}", args=[maya.pk]), data)
        assert response.status_code == 200 and "errorlist" in _page(response)
        assert _reads() == before + 1, name
        assert AuditEntry.objects.filter(action="disclosure.read").first().actor == caseworker


# --- Unknown objects and wrong methods ------------------------------------------------------------


def test_unknown_or_impossible_ids_are_404_never_500(client, maya, caseworker, resource_parent):
    item = _item(maya, "health")
    family_urls = [
        reverse("placements:child", args=[maya.pk + 1000]),
        reverse("placements:child", args=[HUGE]),
        reverse("placements:item", args=[maya.pk, item.pk + 1000]),
        reverse("placements:item", args=[maya.pk, HUGE]),
        reverse("placements:item", args=[HUGE, item.pk]),
        reverse("placements:summary", args=[0]),
        reverse("placements:activity", args=[HUGE]),
        reverse("placements:past_child", args=[maya.pk]),  # current, not past
        reverse("placements:past_child", args=[HUGE]),
    ]
    client.force_login(resource_parent)
    for url in family_urls:
        assert client.get(url).status_code == 404, url
    for url in [reverse("placements:acknowledge", args=[HUGE]), reverse("placements:answer_need", args=[HUGE])]:
        assert client.post(url, {"version": 1, "consent": "yes"}).status_code == 404, url
    staff_urls = [
        reverse("placements:staff_child", args=[maya.pk + 1000]),
        reverse("placements:staff_child", args=[HUGE]),
        reverse("placements:edit_item", args=[item.pk + 1000]),
        reverse("placements:edit_item", args=[HUGE]),
        reverse("placements:end", args=[HUGE]),
        reverse("placements:respite_access", args=[HUGE]),
    ]
    client.force_login(caseworker)
    for url in staff_urls:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("placements:medication_sorted", args=[HUGE]),
        reverse("placements:propose_need", args=[HUGE]),
        reverse("placements:revoke_respite", args=[HUGE]),
        reverse("placements:share_need", args=[HUGE]),
        reverse("placements:need_outcome", args=[HUGE]),
        reverse("placements:revoke_respite", args=[12345]),
    ]:
        assert client.post(url, {}).status_code == 404, url
    for token in ["x", "a" * 500, "%00", "../../etc/passwd"]:
        assert client.get(f"/children/respite/{token}/").status_code == 404, token


def test_post_only_addresses_answer_405_to_a_get_and_change_nothing(client, maya, caseworker, resource_parent):
    referral = services.propose_need(actor=caseworker, placement=maya, need="Winter coat", source="Closet", now=NOW)
    grant, _link = services.grant_respite(
        actor=caseworker, placement=maya, provider_name="Ms. Alvarez", entries=[_item(maya, "allergies").entry],
        starts_at=chicago(2027, 3, 2, 9), expires_at=chicago(2027, 3, 3, 9), now=NOW,
    )
    client.force_login(resource_parent)
    for url in [reverse("placements:acknowledge", args=[maya.pk]), reverse("placements:answer_need", args=[referral.pk])]:
        assert client.get(url).status_code == 405, url
    client.force_login(caseworker)
    for url in [
        reverse("placements:medication_sorted", args=[maya.pk]),
        reverse("placements:propose_need", args=[maya.pk]),
        reverse("placements:revoke_respite", args=[grant.pk]),
        reverse("placements:share_need", args=[referral.pk]),
        reverse("placements:need_outcome", args=[referral.pk]),
    ]:
        assert client.get(url).status_code == 405, url
    grant.refresh_from_db()
    referral.refresh_from_db()
    assert grant.revoked_at is None and referral.status == "asking" and not Acknowledgement.objects.exists()
