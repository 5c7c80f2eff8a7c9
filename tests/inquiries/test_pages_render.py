"""Every inquiry page renders for the right person and says who, what and by when, in words a person reads.

Monday 16 November 2026, 8 pm in Chicago: an inquiry sent then is due Tuesday 17 November at 5:00 PM.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from inquiries import services
from inquiries.models import ContactLog, Inquiry, Stage
from portal.accounts.models import Role
from tests.conftest import chicago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY_EVENING = chicago(2026, 11, 16, 20, 0)
DUE = "Tuesday 17 November, 5:00 PM"


def _submit(office, **overrides):
    data = dict(
        name="Ana Pérez", email="ana@example.org", phone="601.555.0142", contact_way="phone", best_time="weekday evenings",
        language="en", county=office.county, interest="foster", questions="How much is the board payment?\n<script>alert('hi')</script>",
        now=MONDAY_EVENING,
    )
    return services.submit_inquiry(**(data | overrides)).inquiry


def _get(client, url, user=None, status=200):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _form_data(office, **overrides):
    import uuid

    return {
        "name": "Ana Pérez", "email": "ana@example.org", "phone": "(601) 555-0142", "contact_way": "phone", "best_time": "",
        "language": "en", "county": office.county.pk, "interest": "foster", "questions": "", "website": "",
        "submission_key": str(uuid.uuid4()),
    } | overrides


def _ids(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


# --- The public pages ------------------------------------------------------------------------


def test_the_form_is_warm_names_the_promise_and_hides_the_trap_from_people(client, office, team, resource_worker):
    page = _get(client, reverse("inquiries:inquire"))
    assert "Thinking about fostering or adopting?" in page
    assert "will contact you personally within one business day" in page
    assert "Many people first ask about money" in page
    # Radios are grouped with a legend a screen reader announces.
    assert "<legend>What are you interested in?</legend>" in page
    # The trap field is inside a container nobody sees or tabs to.
    trap = re.search(r'<div class="honeypot" hidden aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap and 'name="website"' in trap.group(1) and 'tabindex="-1"' in trap.group(1)
    assert re.search(r'<input type="hidden" name="submission_key" value="[0-9a-f-]{36}"', page)
    assert ">Send</button>" in page
    assert "Leer esta página en español" in page


def test_the_anonymous_menu_offers_the_inquiry_form(client, db):
    page = _get(client, reverse("account_login"))
    assert f'href="{reverse("inquiries:inquire")}">Thinking about fostering?</a>' in page


def test_a_spanish_speaker_switches_the_form_to_spanish(client, office, team):
    response = client.post(reverse("accounts:set_language"), {"language": "es", "next": reverse("inquiries:inquire")})
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:inquire")
    page = _get(client, reverse("inquiries:inquire"))
    assert '<html lang="es">' in page
    assert "Read this page in English" in page
    # The language the agency should use defaults to the one they read the form in.
    assert re.search(r'name="language" value="es"[^>]*checked', page)


def test_after_sending_the_inquirer_sees_who_will_call_and_by_when(client, office, team, resource_worker, time_machine):
    time_machine.move_to(MONDAY_EVENING, tick=False)
    response = client.post(reverse("inquiries:inquire"), _form_data(office))
    assert response.status_code == 302 and response["Location"].endswith("?new=1")
    page = _get(client, response["Location"])
    assert "Thank you, Ana Pérez." in page
    assert f"Ms. Miller from our Hinds County team will contact you personally by {DUE}." in page
    assert "Keep this link: it is your private page." in page
    assert "We also sent it to your e-mail, ana@example.org." in page
    assert 'aria-current="step"' in page and "Inquiry received" in page
    assert "A personal call about your interest in fostering or adopting" in page
    assert "Ms. Carter" in page and "supervisor@agency.test" in page


def test_sending_the_form_again_shows_nothing_of_the_earlier_inquiry(client, office, team, resource_worker, time_machine):
    """Whoever types a known phone number may not be the person who inquired."""
    time_machine.move_to(MONDAY_EVENING, tick=False)
    _submit(office, questions="My private question about my own family")
    response = client.post(reverse("inquiries:inquire"), _form_data(office, name="Somebody Else", email="", questions="Hello?"))
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:received")
    page = _get(client, response["Location"])
    assert "We have your earlier inquiry; we added your new questions." in page
    assert "Ana" not in page and "My private question" not in page and "Miller" not in page
    assert Inquiry.objects.count() == 1


def test_software_filling_the_trap_gets_a_plain_thank_you_and_nothing_is_kept(client, office, team, resource_worker):
    response = client.post(reverse("inquiries:inquire"), _form_data(office, website="http://spam.example"))
    assert response.status_code == 200
    assert "We have received your message." in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_late_first_call_is_apologised_for_and_the_inquirer_can_tell_the_supervisor_once(
    client, office, team, resource_worker, time_machine
):
    inquiry = _submit(office)
    url = services.status_path(inquiry)
    time_machine.move_to(chicago(2026, 11, 18, 10), tick=False)
    page = _get(client, url)
    assert f"this was due by {DUE}. We are sorry." in page
    assert "the supervisor, Ms. Carter, is told straight away" in page
    assert "I haven't heard from anyone" in page
    response = client.post(url)
    assert response.status_code == 302
    page = _get(client, url)
    assert "The supervisor has been told" in page
    assert "You told us on Wednesday 18 November, 10:00 AM that nobody had contacted you." in page
    assert "I haven't heard from anyone</button>" not in page


def test_no_button_before_the_promised_date(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    time_machine.move_to(chicago(2026, 11, 17, 9), tick=False)
    page = _get(client, services.status_path(inquiry))
    assert f"By {DUE}" in page
    assert "heard from anyone" not in page


def test_a_promised_step_shows_with_its_date_and_the_path_marks_what_is_done(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 10))
    services.promise_next_step(
        inquiry=inquiry, description="Send you the application form", actor=resource_worker, now=chicago(2026, 11, 17, 10, 30)
    )
    time_machine.move_to(chicago(2026, 11, 17, 11), tick=False)
    page = _get(client, services.status_path(inquiry))
    assert "Send you the application form" in page
    assert "By Thursday 19 November, 5:00 PM" in page
    assert re.search(r'stage-step--done">\s*<span class="stage-step__mark" aria-hidden="true">✓</span>\s*<span>Inquiry received', page)
    assert re.search(r'stage-step--current" aria-current="step">.*?First contact made', page, re.S)
    assert "First personal contact: Tuesday 17 November, 10:00 AM." in page


def test_a_closed_inquiry_is_worded_kindly_and_invites_them_back(client, office, team, resource_worker):
    inquiry = _submit(office)
    services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason="not_ready", actor=resource_worker, now=chicago(2026, 11, 17, 9))
    page = _get(client, services.status_path(inquiry))
    assert "Your inquiry is closed" in page
    assert "We understand that now is not the right time." in page
    assert "send us the form again" in page
    assert "What we have promised you" not in page and "stage-steps" not in page


def test_a_tampered_link_is_friendly_and_shows_no_data(client, office, team, resource_worker):
    inquiry = _submit(office)
    page = _get(client, services.status_path(inquiry)[:-3] + "xx/")
    assert "This link no longer opens your page" in page
    assert "The link is not complete" in page
    assert "Ana" not in page and "board payment" not in page
    assert f'action="{reverse("inquiries:resend")}"' in page


def test_an_expired_link_says_so_and_offers_a_new_one(client, office, team, resource_worker, time_machine, settings):
    time_machine.move_to(MONDAY_EVENING, tick=False)
    inquiry = _submit(office)
    url = services.status_path(inquiry)
    time_machine.move_to(MONDAY_EVENING + timedelta(days=settings.PORTAL_INQUIRY_LINK_DAYS + 1), tick=False)
    page = _get(client, url)
    assert "The link has expired" in page and "Send me a new link" in page
    assert "Ana" not in page


def test_the_resend_page_asks_for_the_e_mail_and_answers_the_same_whatever_it_is(client, db):
    page = _get(client, reverse("inquiries:resend"))
    assert "Get a new link to your private page" in page and "The e-mail address you gave us" in page
    response = client.post(reverse("inquiries:resend"), {"email": "nobody@example.org"}, follow=True)
    assert "If we have an inquiry with that e-mail address, a new private link is on its way." in response.content.decode()


# --- The worker's queue and call sheet ---------------------------------------------------------


def test_the_queue_shows_the_deadline_the_time_left_and_the_last_attempt(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    time_machine.move_to(chicago(2026, 11, 17, 10), tick=False)
    page = _get(client, reverse("inquiries:queue"), resource_worker)
    assert "Ana Pérez" in page and reverse("inquiries:detail", args=[inquiry.pk]) in page
    assert "Tue 17 Nov, 5:00 PM" in page and "7 h 00 min of office time left" in page
    assert "1 attempt" in page and "Voicemail left Tue 17 Nov" in page
    assert "Inquiry received" in page
    assert 'aria-current="page">Only mine' in page
    time_machine.move_to(chicago(2026, 11, 18, 10), tick=False)
    page = _get(client, reverse("inquiries:queue"), resource_worker)
    assert 'class="tag tag--late">Overdue</strong>' in page


def test_an_empty_queue_says_so_and_offers_the_whole_team(client, office, team, resource_worker):
    page = _get(client, reverse("inquiries:queue"), resource_worker)
    assert "You have no open inquiries." in page and "?all=1" in page
    page = _get(client, reverse("inquiries:queue") + "?all=1")
    assert "Nobody in the team has an open inquiry." in page
    assert 'aria-current="page">Whole team' in page


def test_the_queue_pages_keep_the_whole_team_toggle(client, office, team, resource_worker):
    for n in range(51):
        _submit(office, name=f"Person {n}", email=f"p{n}@example.org", phone="", contact_way="email", now=MONDAY_EVENING + timedelta(minutes=n))
    page = _get(client, reverse("inquiries:queue") + "?all=1", resource_worker)
    assert "Page 1 of 2" in page and "?page=2&amp;all=1" in page


def test_the_call_sheet_puts_their_questions_contact_and_last_on_top(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    time_machine.move_to(chicago(2026, 11, 17, 10), tick=False)
    page = _get(client, reverse("inquiries:detail", args=[inquiry.pk]), resource_worker)
    questions = page.index("Their questions")
    assert questions < page.index("When you call: L.A.S.T.") < page.index("Log a contact")
    # Their words are shown as typed, never run.
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'href="tel:(601) 555-0142"' in page and 'href="mailto:ana@example.org"' in page
    assert "weekday evenings" in page
    for word in ("Listen", "Apologize", "Solve", "Thank"):
        assert f"<strong>{word}</strong>" in page
    assert f"Ms. Miller contacts them personally by {DUE} (7 h 00 min of office time left)." in page
    assert "a voicemail or packet is logged but does not" in page
    ids = _ids(page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'id="contact-note"' in page and 'id="stage-note"' in page


def test_the_call_sheet_shows_the_log_the_form_sent_again_and_personal_contact(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, note="Left my direct line", now=chicago(2026, 11, 17, 9))
    _submit(office, email="", questions="Can a single parent foster?", now=chicago(2026, 11, 17, 9, 30))
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 11))
    page = _get(client, reverse("inquiries:detail", args=[inquiry.pk]), resource_worker)
    assert "Called: left a voicemail" in page and "Left my direct line" in page
    assert "They sent the form again" in page and "Their new questions:" in page and "Can a single parent foster?" in page
    assert "Personal contact made on Tuesday 17 November, 11:00 AM." in page and "On time." in page
    assert "sent the form 2 times" in page


def test_a_step_promised_shows_its_date_and_a_done_button(client, office, team, resource_worker, time_machine):
    inquiry = _submit(office)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 10))
    step = services.promise_next_step(inquiry=inquiry, description="Send the application", actor=resource_worker, now=chicago(2026, 11, 17, 10))
    time_machine.move_to(chicago(2026, 11, 17, 11), tick=False)
    page = _get(client, reverse("inquiries:detail", args=[inquiry.pk]), resource_worker)
    assert "Send the application" in page and "Ms. Miller, by Thursday 19 November, 5:00 PM" in page
    assert f'action="{reverse("inquiries:step_done", args=[step.pk])}"' in page


def test_closing_without_a_reason_keeps_the_page_and_says_why(client, office, team, resource_worker):
    inquiry = _submit(office)
    client.force_login(resource_worker)
    response = client.post(reverse("inquiries:move", args=[inquiry.pk]), {"stage": "closed", "closed_reason": "", "note": "typed note"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why the inquiry is closed" in page
    assert 'href="#stage-closed_reason"' in page and 'id="stage-closed_reason"' in page
    assert 'value="typed note"' in page
    assert "Nothing was saved yet: please check" in page


def test_reassigning_is_offered_to_the_supervisor_with_the_new_link(client, office, team, supervisor, resource_worker):
    inquiry = _submit(office)
    page = _get(client, reverse("inquiries:detail", args=[inquiry.pk]), supervisor)
    assert "Hand to a colleague" in page and f'action="{reverse("inquiries:reassign", args=[inquiry.pk])}"' in page
    assert "Send a new private link" in page and f'action="{reverse("inquiries:new_link", args=[inquiry.pk])}"' in page


def test_a_caseworker_gets_no_inquiry_pages_and_no_menu_entry(client, office, team, caseworker, resource_worker):
    inquiry = _submit(office)
    _get(client, reverse("inquiries:detail", args=[inquiry.pk]), caseworker, status=404)
    _get(client, reverse("inquiries:funnel"), status=404)
    page = _get(client, reverse("inquiries:queue") + "?all=1")
    assert "Ana Pérez" not in page
    assert f'href="{reverse("inquiries:queue")}">Inquiries</a>' not in page and "Inquiry funnel" not in page


def test_the_menu_shows_inquiries_to_resource_workers_and_the_funnel_to_supervisors(client, office, team, resource_worker, supervisor):
    page = _get(client, reverse("inquiries:queue"), resource_worker)
    assert f'href="{reverse("inquiries:queue")}">Inquiries</a>' in page and "Inquiry funnel" not in page
    page = _get(client, reverse("inquiries:queue"), supervisor)
    assert f'href="{reverse("inquiries:funnel")}">Inquiry funnel</a>' in page


# --- The director's view -------------------------------------------------------------------------


def test_the_funnel_draws_a_chart_per_county_with_its_figures_and_a_csv_link(client, office, team, resource_worker, supervisor, time_machine):
    time_machine.move_to(chicago(2026, 11, 20, 10), tick=False)
    contacted = _submit(office)
    services.log_contact(inquiry=contacted, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 10))
    closed = _submit(office, name="Bo", email="bo@example.org", phone="", contact_way="email")
    services.move_stage(inquiry=closed, stage=Stage.CLOSED, closed_reason="other_agency", actor=resource_worker, now=chicago(2026, 11, 18, 9))
    url = reverse("inquiries:funnel") + "?since=2026-11-01&until=2026-12-01"
    page = _get(client, url, supervisor)
    assert "Hinds County" in page
    assert re.search(r'<svg class="chart__svg funnel" role="img" aria-labelledby="funnel-title-1"', page)
    assert re.search(r'<title id="funnel-title-1">Hinds: Of 2 inquiries: how many', page)
    # Of two inquiries, one was contacted on time: 1 · 50%.
    assert "1 · 50%" in page and "2 · 100%" in page
    assert "November 2026" in page
    assert "Chose another agency: 1" in page
    assert f'href="{reverse("inquiries:funnel_csv")}?since=2026-11-01&amp;until=2026-12-01"' in page


def test_the_funnel_says_so_when_there_is_nothing_to_count(client, office, team, supervisor):
    page = _get(client, reverse("inquiries:funnel"), supervisor)
    assert "No inquiries were received in these months in your region." in page
    assert "No inquiry received in these months has been closed." in page


def test_the_administrator_sees_the_funnel_and_a_resource_worker_does_not(client, office, team, resource_worker):
    _get(client, reverse("inquiries:funnel"), office.program_manager)
    _get(client, reverse("inquiries:funnel"), resource_worker, status=404)
    other = UserFactory(role=Role.FISCAL, team=team)
    _get(client, reverse("inquiries:funnel"), other, status=404)
