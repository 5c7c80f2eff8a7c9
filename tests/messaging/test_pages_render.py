"""Every messaging page renders for the right person, and says who, what and by when."""

import uuid

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import CallAttempt, Message, SavedReply, Topic
from portal.accounts.services import record_absence
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2026, 11, 16, 9, 0)


def _ask(parent, child, *, now=MONDAY_9, body="Maya has no inhaler. How do we get her prescription?"):
    return services.start_thread(
        household=parent.household, topic=Topic.CHILD, about=child, subject="Maya's inhaler", body=body, author=parent, now=now
    )


def _away(caseworker, colleague, supervisor):
    record_absence(
        worker=caseworker,
        cover=colleague,
        starts_on=chicago(2026, 11, 16).date(),
        ends_on=chicago(2026, 11, 20).date(),
        actor=supervisor,
        now=chicago(2026, 11, 13, 9),
    )


def _page(client, user, name, *args, query=""):
    client.force_login(user)
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_the_family_sees_its_conversation_and_by_when_we_answer(client, resource_parent, child, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    _ask(resource_parent, child)
    page = _page(client, resource_parent, "messaging:family_home")
    assert "Maya&#x27;s inhaler" in page
    assert "With Mr. Reed" in page
    assert "We will answer by Tuesday 17 November, 5:00 PM." in page
    assert "Write a message" in page and "Ask for a call" in page and "Your team" in page


def test_the_thread_names_the_cover_the_supervisor_and_the_deadline(
    client, resource_parent, child, caseworker, colleague, supervisor, time_machine
):
    _away(caseworker, colleague, supervisor)
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    page = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Mr. Reed is away until 20 November 2026; Ms. Shah is covering." in page
    assert "Their supervisor is Ms. Carter." in page
    assert "Ms. Shah will answer by Tuesday 17 November, 5:00 PM." in page
    assert "Maya has no inhaler." in page


def test_a_late_answer_is_called_late_and_apologised_for(client, resource_parent, child, time_machine):
    thread = _ask(resource_parent, child)
    time_machine.move_to(chicago(2026, 11, 18, 10), tick=False)
    page = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Mr. Reed should have answered by Tuesday 17 November, 5:00 PM. We are sorry." in page
    home = _page(client, resource_parent, "messaging:family_home")
    assert "we should have answered by Tuesday 17 November, 5:00 PM. We are sorry." in home


def test_the_cover_sees_the_thread_first_in_the_inbox_with_a_greeting_and_the_tone_guide(
    client, resource_parent, child, caseworker, colleague, supervisor, time_machine
):
    _away(caseworker, colleague, supervisor)
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    inbox = _page(client, colleague, "messaging:inbox")
    assert "Maya&#x27;s inhaler" in inbox
    assert "You are covering for Mr. Reed" in inbox
    assert "of office time left" in inbox
    page = _page(client, colleague, "messaging:thread", thread.pk)
    assert "Dear Mrs. Garcia," in page
    assert 'id="tone-guide"' in page
    assert "js/tone.js" in page
    assert 'aria-live="polite"' in page


def test_check_my_wording_shows_the_alternative_without_sending(client, resource_parent, child, caseworker, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    client.force_login(caseworker)
    response = client.post(
        reverse("messaging:thread", args=[thread.pk]),
        {"body": "Dear Mrs. Garcia, calm down.", "submission_key": uuid.uuid4(), "check": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Instead of “Calm down”, try “I&#x27;m sorry”." in page
    assert Message.objects.filter(author=caseworker).count() == 0


def test_staff_see_read_receipts_and_the_family_reads_escaped_text(client, resource_parent, child, caseworker, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child, body="<script>alert(1)</script>")
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, I will call the pharmacy.", now=chicago(2026, 11, 16, 10))
    page = _page(client, caseworker, "messaging:thread", thread.pk)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Not read yet" in page
    time_machine.move_to(chicago(2026, 11, 16, 11), tick=False)
    _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Read by Mrs. Garcia" in _page(client, caseworker, "messaging:thread", thread.pk)


def test_a_transfer_note_is_for_staff_only(client, resource_parent, child, caseworker, colleague, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    services.transfer_thread(thread=thread, to_user=colleague, actor=caseworker, note="She knows the pharmacy", now=chicago(2026, 11, 16, 10))
    services.post_message(thread=thread, author=colleague, body="Checking the file", note_for_staff=True, now=chicago(2026, 11, 16, 10, 5))
    family = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Mr. Reed passed this conversation to Ms. Shah." in family
    assert "She knows the pharmacy" not in family
    assert "Checking the file" not in family
    staff = _page(client, colleague, "messaging:thread", thread.pk)
    assert "She knows the pharmacy" in staff
    assert "Checking the file" in staff
    assert "Note for staff" in staff


def test_a_closed_thread_offers_the_family_a_rating(client, resource_parent, child, caseworker, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    page = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Close conversation" in page
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, here it is.", now=chicago(2026, 11, 16, 10))
    services.close_thread(thread=thread, actor=caseworker, now=chicago(2026, 11, 16, 10))
    page = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "Mr. Reed closed this conversation." in page
    assert "How well did we help you?" in page
    assert page.count('type="radio" name="score"') == 5
    client.post(reverse("messaging:rate", args=[thread.pk]), {"score": "4", "comment": "Quick, thanks"})
    page = _page(client, resource_parent, "messaging:thread", thread.pk)
    assert "You gave this conversation 4 out of 5." in page
    invalid = client.post(reverse("messaging:rate", args=[thread.pk]), {"score": "9"})
    assert invalid.status_code == 200
    assert "Please check what you typed" in invalid.content.decode()


def test_your_team_after_hours_offers_the_on_call_line_and_a_call_back(
    client, resource_parent, child, caseworker, colleague, supervisor, settings, time_machine
):
    _away(caseworker, colleague, supervisor)
    time_machine.move_to(chicago(2026, 11, 16, 19, 30), tick=False)
    page = _page(client, resource_parent, "messaging:your_team")
    assert "The office is closed now" in page
    assert "It opens again on Tuesday 17 November, 8:00 AM." in page
    assert f'href="tel:{settings.AGENCY_ON_CALL_PHONE}"' in page
    assert "Maya’s caseworker" in page
    assert "Mr. Reed is away until 20 November 2026." in page
    assert "Today Ms. Shah covers" in page
    assert "Write to Mr. Reed" in page
    assert f"?to={caseworker.pk}" in page


def test_your_team_with_nobody_assigned_says_so(client, other_family):
    page = _page(client, other_family, "messaging:your_team")
    assert "No one is assigned to your family yet." in page


def test_the_new_message_and_call_back_forms_render(client, resource_parent, child, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 19, 30), tick=False)
    page = _page(client, resource_parent, "messaging:new")
    assert "We answer within one business day." in page
    assert 'enctype="multipart/form-data"' in page
    assert "<optgroup" in page
    assert "The office is closed now" in page
    page = _page(client, resource_parent, "messaging:request_callback")
    assert "We call back within one business day." in page
    assert 'type="tel"' in page
    response = client.post(reverse("messaging:request_callback"), {"phone": "", "submission_key": uuid.uuid4()})
    assert response.status_code == 200
    assert "Please check what you typed" in response.content.decode()


def test_call_backs_show_their_attempts_to_the_family_and_the_worker(client, resource_parent, household, caseworker, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    callback = services.request_callback(
        household=household, requested_by=resource_parent, phone="601-555-0142", good_times="after 3 pm", to_user=caseworker,
        now=chicago(2026, 11, 16, 10),
    )
    services.log_call(callback=callback, actor=caseworker, outcome=CallAttempt.Outcome.VOICEMAIL, note="", now=chicago(2026, 11, 16, 15, 10))
    home = _page(client, resource_parent, "messaging:family_home")
    assert "We called on Mon 16 Nov, 3:10 PM and left a voicemail." in home
    assert 'Mr. Reed will call you on <span class="nowrap">601-555-0142</span> by Tuesday 17 November, 5:00 PM.' in home
    inbox = _page(client, caseworker, "messaging:inbox")
    assert 'href="tel:601-555-0142"' in inbox
    page = _page(client, caseworker, "messaging:callback", callback.pk)
    assert "Only reaching the family keeps the promise; a voicemail does not." in page
    assert "Left a voicemail" in page


def test_the_supervisor_sees_who_is_behind_and_the_reply_time_chart(
    client, resource_parent, child, caseworker, supervisor, time_machine
):
    thread = _ask(resource_parent, child)
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, done.", now=chicago(2026, 11, 16, 11))
    _ask(resource_parent, child, now=chicago(2026, 11, 16, 12))
    time_machine.move_to(chicago(2026, 11, 18, 10), tick=False)
    page = _page(client, supervisor, "messaging:team")
    assert "Who is behind" in page
    assert "1 overdue" in page
    assert "<svg" in page and 'role="img"' in page
    assert "Time to first reply, in office hours" in page


def test_the_team_inbox_without_replies_has_an_empty_state(client, supervisor, team):
    page = _page(client, supervisor, "messaging:team")
    assert "nothing to chart" in page


def test_saved_replies_list_and_edit(client, caseworker, team):
    reply = SavedReply.objects.create(team=team, title="Prescriptions", body="The pharmacy needs…", updated_by=caseworker)
    assert "Prescriptions" in _page(client, caseworker, "messaging:saved_replies")
    page = _page(client, caseworker, "messaging:saved_reply", reply.pk)
    assert 'name="delete"' in page


def test_the_nav_shows_messages_to_families_and_the_inbox_to_staff(client, resource_parent, child, supervisor, time_machine):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    thread = _ask(resource_parent, child)
    services.post_message(thread=thread, author=child.caseworker, body="Dear Mrs. Garcia, yes.", now=chicago(2026, 11, 16, 10))
    family = _page(client, resource_parent, "followups:family_home")
    assert "Need us?" in family
    assert reverse("messaging:your_team") in family
    assert '1<span class="visually-hidden"> unread</span>' in family
    staff = _page(client, supervisor, "messaging:inbox")
    assert reverse("messaging:team") in staff
    assert reverse("messaging:saved_replies") in staff


def test_lists_name_the_colleague_who_answers_while_the_holder_is_away(
    client, resource_parent, child, caseworker, colleague, supervisor, time_machine
):
    time_machine.move_to(chicago(2026, 11, 16, 10), tick=False)
    _away(caseworker, colleague, supervisor)
    _ask(resource_parent, child)
    family = _page(client, resource_parent, "messaging:family_home")
    assert "Ms. Shah is covering for Mr. Reed and will answer by Tuesday 17 November, 5:00 PM." in family
    team = _page(client, supervisor, "messaging:team")
    assert "Ms. Shah is covering" in team
