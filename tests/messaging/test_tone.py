"""The tone guide flags the phrases the agency's training says anger families, and offers the polite alternative.

It never blocks a message. The list is the seeded one (migration 0003), English and Spanish.
"""

import re
import uuid

import pytest
from django.urls import reverse

from messaging import services, tone
from messaging.models import Message, Topic, TonePhrase
from tests.conftest import chicago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def flagged(text, language="en"):
    return [(flag.phrase, flag.alternative) for flag in tone.flag_phrases(text, language=language)]


def test_calm_down_is_flagged_with_im_sorry():
    assert flagged("Please calm down, Mrs. Garcia.") == [("Calm down", "I'm sorry")]


def test_calm_down_in_capitals_or_over_a_line_break_is_flagged():
    assert flagged("CALM\nDOWN") == [("Calm down", "I'm sorry")]


def test_no_inside_a_sentence_is_not_flagged():
    assert flagged("There is no record of the payment yet, and I will look into it today.") == []
    assert flagged("I know the answer. Nobody else does.") == []


@pytest.mark.parametrize("text", ["No, we can't.", "No.", "Thank you for asking. No, that is not possible.", "no"])
def test_no_said_on_its_own_is_flagged(text):
    assert ("No", "What I can do is…") in flagged(text)


@pytest.mark.parametrize("text", ["I don’t know when it comes.", "I don't know when it comes.", "i DON‘T know"])
def test_i_dont_know_is_flagged_with_any_apostrophe(text):
    assert flagged(text) == [("I don't know", "I'll find out")]


def test_a_phrase_inside_a_longer_word_is_not_flagged():
    assert flagged("That's not my jobsite problem") == []  # "job" inside "jobsite"


def test_polite_text_is_not_flagged():
    assert flagged("Dear Mrs. Garcia, I'm sorry for the wait. I'll find out today and call you back.") == []


def test_spanish_calmese_is_flagged_for_a_spanish_household():
    assert flagged("Por favor, cálmese.", "es") == [("Cálmese", "Lo siento")]
    assert flagged("CÁLMESE", "es") == [("Cálmese", "Lo siento")]
    # The English list does not know it.
    assert flagged("Por favor, cálmese.", "en") == []


def test_an_administrator_deactivating_a_phrase_stops_it_being_flagged(client, office):
    administrator = UserFactory(role="administrator", is_staff=True, is_superuser=True, email="admin@agency.test")
    phrase = TonePhrase.objects.get(language="en", phrase="Calm down")
    assert flagged("Calm down.") == [("Calm down", "I'm sorry")]
    client.force_login(administrator)
    response = client.post(
        reverse("admin:messaging_tonephrase_change", args=[phrase.pk]),
        {"language": "en", "phrase": "Calm down", "alternative": "I'm sorry"},  # "active" unticked
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    phrase.refresh_from_db()
    assert phrase.active is False
    assert flagged("Calm down.") == []


def test_a_new_phrase_an_administrator_adds_is_flagged():
    TonePhrase.objects.create(language="en", phrase="Per my last message", alternative="As I mentioned")
    assert flagged("Per my last message, the form is due.") == [("Per my last message", "As I mentioned")]


def test_the_browser_pattern_matches_what_the_server_flags():
    """The browser gets pattern_source(for_browser=True) with flags "iu"; spelled for Python it must agree."""
    for phrase in TonePhrase.objects.filter(active=True):
        browser = tone.pattern_source(phrase.phrase, for_browser=True).replace(r"[\p{L}\p{N}_']", r"[\w']")
        assert browser == tone.pattern_source(phrase.phrase), phrase.phrase
        assert re.search(browser, tone.normalise(phrase.phrase), re.MULTILINE)


# --- On the staff page -----------------------------------------------------------------------


@pytest.fixture
def conversation(resource_parent, child):
    return services.start_thread(
        household=resource_parent.household, topic=Topic.CHILD, about=child, subject="Maya's inhaler",
        body="Where is the prescription?", author=resource_parent, now=chicago(2026, 11, 16, 9, 0),
    )


def test_the_staff_thread_page_carries_the_tone_patterns_for_the_browser(client, caseworker, conversation):
    client.force_login(caseworker)
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    match = re.search(r'<script id="([^"]+)" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no json_script on the staff thread page"
    import json

    patterns = json.loads(match.group(2))
    by_phrase = {row["phrase"]: row for row in patterns}
    assert by_phrase["Calm down"]["alternative"] == "I'm sorry"
    assert by_phrase["Calm down"]["pattern"] == tone.pattern_source("Calm down", for_browser=True)


def test_the_family_thread_page_has_no_tone_guide(client, resource_parent, conversation):
    client.force_login(resource_parent)
    page = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert "I'm sorry" not in page and "What I can do is" not in page


def test_check_my_wording_shows_the_alternative_and_sends_nothing(client, caseworker, conversation):
    client.force_login(caseworker)
    form = client.get(reverse("messaging:thread", args=[conversation.pk])).content.decode()
    assert re.search(r'<button type="submit" name="check"[^>]*>\s*Check my wording', form)
    response = client.post(
        reverse("messaging:thread", args=[conversation.pk]),
        {"body": "Calm down, I don't know yet.", "submission_key": uuid.uuid4(), "check": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "I&#x27;m sorry" in page or "I'm sorry" in page
    assert "I&#x27;ll find out" in page or "I'll find out" in page
    assert "Calm down, I don&#x27;t know yet." in page  # the draft is kept in the textarea
    assert Message.objects.filter(from_family=False).count() == 0


def test_a_flagged_reply_is_still_sent_with_a_hint_for_next_time(client, caseworker, conversation):
    client.force_login(caseworker)
    response = client.post(
        reverse("messaging:thread", args=[conversation.pk]),
        {"body": "Calm down, it is on its way.", "submission_key": uuid.uuid4()},
        follow=True,
    )
    assert Message.objects.filter(from_family=False, body="Calm down, it is on its way.").count() == 1
    assert "I&#x27;m sorry" in response.content.decode() or "I'm sorry" in response.content.decode()


def test_in_a_spanish_speaking_household_calmese_is_flagged_on_the_page(client, caseworker, conversation):
    household = conversation.household
    household.preferred_language = "es"
    household.save()
    client.force_login(caseworker)
    response = client.post(
        reverse("messaging:thread", args=[conversation.pk]),
        {"body": "Señora García, cálmese por favor.", "submission_key": uuid.uuid4(), "check": "1"},
    )
    page = response.content.decode()
    assert "Lo siento" in page
    assert "I&#x27;m sorry" not in page and "I'm sorry" not in page  # the English list is not used for this family
    assert not Message.objects.filter(from_family=False).exists()
