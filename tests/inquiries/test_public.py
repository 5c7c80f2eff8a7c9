"""The inquirer's pages, with no account: the form, the confirmation, the private status page, bad links.

Bad input gets a clear message, keeps what was typed and never a 500; a private link never shows
another inquirer's data. Time is fixed with time_machine: Monday 16 November 2026, 20:00 in Chicago,
so first contact is due on Tuesday 17 November at 17:00.
"""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from inquiries import services
from inquiries.models import ContactLog, Inquiry
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from tests.conftest import chicago
from tests.inquiries.links import opens

pytestmark = pytest.mark.django_db

MONDAY_EVENING = chicago(2026, 11, 16, 20, 0)
DUE_EN = "Tuesday 17 November, 5:00 PM"


@pytest.fixture
def clock(time_machine):
    def move(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    move(MONDAY_EVENING)
    return move


@pytest.fixture
def ready(clock, office, team, supervisor, resource_worker):
    """Ms. Carter's team in Hinds, with Ms. Miller its resource worker."""
    return office.county


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def form_data(place, **overrides) -> dict:
    data = {
        "name": "Ana Pérez", "email": "ana@example.org", "phone": "601.555.0142", "contact_way": "phone", "best_time": "evenings",
        "language": "en", "county": place.pk, "interest": "foster", "questions": "How much is the board payment?", "website": "",
        "submission_key": str(uuid.uuid4()),
    }
    return data | overrides


def _send(client, place, **overrides):
    return client.post(reverse("inquiries:inquire"), form_data(place, **overrides))


# --- The form and the confirmation --------------------------------------------------------------


def test_the_form_says_a_first_question_about_money_is_welcome(client, ready):
    page = text_of(page_of(client.get(reverse("inquiries:inquire"))))
    assert "Many people first ask about money" in page
    assert "within one business day" in page
    assert 'name="website"' in page_of(client.get(reverse("inquiries:inquire")))  # the honeypot is there, hidden


def test_sending_the_form_shows_the_named_worker_and_the_local_deadline(client, ready):
    response = _send(client, ready)
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response.url.endswith("/?new=1") and opens(response.url, inquiry)
    page = text_of(page_of(client.get(response.url)))
    assert "Thank you, Ana Pérez." in page
    assert f"Ms. Miller from our Hinds County team will contact you personally by {DUE_EN}." in page
    assert "Keep this link" in page and opens(page, inquiry)


def test_a_spanish_inquirer_sees_the_deadline_in_spanish(client, ready):
    response = _send(client, ready, language="es")
    page = text_of(page_of(client.get(response.url)))
    assert "martes 17 de noviembre, 17:00" in page
    assert DUE_EN not in page


@pytest.mark.parametrize(
    "overrides, field_error",
    [
        ({"name": "  "}, "Your name: Tell us your name, so that we know who to ask for."),
        ({"email": "", "phone": "", "contact_way": "email"}, "Give us an e-mail address or a phone number"),
        ({"email": "ana@example", "phone": "", "contact_way": "email"}, "E-mail address: Enter a valid email address"),
        ({"phone": "555-01"}, "(601) 555-0142"),
        ({"county": "999999"}, "Your county: Select a valid choice"),
        ({"interest": "everything"}, "What are you interested in?: Select a valid choice"),
    ],
)
def test_bad_contact_details_get_a_clear_message_and_keep_what_was_typed(client, ready, overrides, field_error):
    typed = {"best_time": "After 6, not Tuesdays", "questions": "Do you place siblings together?"}
    html = page_of(_send(client, ready, **(typed | overrides)))
    assert "Please check what you typed" in html
    assert field_error.lower() in text_of(html).lower()
    assert "After 6, not Tuesdays" in html and "Do you place siblings together?" in html
    assert not Inquiry.objects.exists()


def test_a_ten_thousand_character_question_is_refused_kindly_and_kept(client, ready):
    question = ("I have wondered about this for a long time. " * 300)[:10000]
    assert len(question) == 10000
    html = page_of(_send(client, ready, questions=question))
    assert "We will talk about the rest when we call." in text_of(html)
    assert question.strip() in unescape(html)
    assert not Inquiry.objects.exists()


def test_html_and_script_are_shown_escaped_on_the_status_page(client, ready):
    response = _send(client, ready, name='<script>alert("name")</script>', questions="<img src=x onerror=alert(1)> Is it paid?")
    inquiry = Inquiry.objects.get()
    assert inquiry.name == '<script>alert("name")</script>'
    html = page_of(client.get(response.url))
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; Is it paid?" in html


@pytest.mark.parametrize("name", ["李小龍", "Zoë 🌻 Núñez"])
def test_emoji_and_non_latin_names_are_shown_as_typed(client, ready, name):
    response = _send(client, ready, name=name)
    assert f"Thank you, {name}." in text_of(page_of(client.get(response.url)))


def test_a_double_submit_makes_one_inquiry_and_shows_the_same_page(client, ready):
    data = form_data(ready)
    first = client.post(reverse("inquiries:inquire"), data)
    second = client.post(reverse("inquiries:inquire"), data)
    assert Inquiry.objects.count() == 1 and Commitment.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url.split("?")[0] == second.url.split("?")[0]


def test_sending_the_form_again_joins_the_inquiry_and_shows_nothing_of_it(client, ready, clock, django_capture_on_commit_callbacks):
    _send(client, ready, questions="First-Question-Alder")
    clock(chicago(2026, 11, 17, 9, 0))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, ready, name="Someone typing Ana's e-mail", phone="", contact_way="email", questions="Second-Question-Birch")
    assert response.status_code == 302 and response.url == reverse("inquiries:received")
    html = page_of(client.get(response.url))
    assert "we added your new questions" in text_of(html)
    for private in ("Ana Pérez", "First-Question-Alder", "Ms. Miller", "555-0142"):
        assert private not in html
    inquiry = Inquiry.objects.get()
    assert inquiry.times_received == 2 and inquiry.contacts.get().note == "Second-Question-Birch"
    # The private link goes to the address the inquiry already had, never to the page.
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


def test_the_honeypot_keeps_nothing_and_thanks_the_sender(client, ready, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, ready, website="http://spam.example")
    assert "We have received your message." in text_of(page_of(response))
    assert not Inquiry.objects.exists() and not Notification.objects.exists() and mail.outbox == []


def test_the_rate_limit_asks_to_call_and_keeps_what_was_typed(client, ready, settings):
    settings.PORTAL_INQUIRY_RATE_LIMIT = 2
    for i in range(2):
        assert _send(client, ready, email=f"person{i}@example.org", phone=f"601 555 010{i}").status_code == 302
    html = page_of(_send(client, ready, name="Third Person", email="third@example.org", phone="601 555 0109",
                         questions="Third-Question-Cedar"))
    assert "We have received several inquiries from here in the last hour. Please call us" in text_of(html)
    assert "Third Person" in html and "Third-Question-Cedar" in html
    assert Inquiry.objects.count() == 2


# --- The private status page ------------------------------------------------------------------------


def _inquiry(county, **overrides):
    data = dict(name="Ana Pérez", email="ana@example.org", phone="", contact_way="email", best_time="", language="en",
                county=county, interest="foster", questions="Secret-Question-Maple", now=MONDAY_EVENING)
    return services.submit_inquiry(**(data | overrides)).inquiry


def test_the_status_page_shows_the_stage_the_worker_the_supervisor_and_the_next_promise(client, ready, resource_worker, clock):
    inquiry = _inquiry(ready)
    clock(chicago(2026, 11, 17, 10))
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker)
    services.promise_next_step(inquiry=inquiry, description="Send you the information session dates", actor=resource_worker)
    page = text_of(page_of(client.get(services.status_path(inquiry))))
    assert "First contact made You are here" in page
    assert "Send you the information session dates" in page and "By Thursday 19 November, 5:00 PM" in page
    assert "Ms. Miller" in page and "Ms. Carter" in page
    assert "Secret-Question-Maple" in page


def _link_problem(client, path) -> str:
    html = page_of(client.get(path))
    assert "This link no longer opens your page" in html and "Send me a new link" in html
    for private in ("Ana Pérez", "Secret-Question-Maple", "Ms. Miller", "ana@example.org"):
        assert private not in html
    return text_of(html)


def test_a_tampered_link_shows_a_friendly_page_with_no_inquirer_data(client, ready):
    token = services.status_token(_inquiry(ready))
    for bad in (token[:-4], token[:-1] + ("A" if token[-1] != "A" else "B"), "not-a-link"):
        assert "part of it may have been cut off" in _link_problem(client, reverse("inquiries:status", args=[bad]))


def test_an_expired_link_shows_a_friendly_page_with_no_inquirer_data(client, ready, clock, settings):
    path = services.status_path(_inquiry(ready))
    clock(MONDAY_EVENING + timedelta(days=settings.PORTAL_INQUIRY_LINK_DAYS, hours=1))
    assert "The link has expired" in _link_problem(client, path)


def test_a_revoked_link_shows_a_friendly_page_and_the_new_one_works(client, ready, resource_worker):
    inquiry = _inquiry(ready)
    old = services.status_path(inquiry)
    services.revoke_links(inquiry=inquiry, actor=resource_worker)
    assert "The link has expired" in _link_problem(client, old)
    inquiry.refresh_from_db()
    assert "Secret-Question-Maple" in page_of(client.get(services.status_path(inquiry)))


def test_haven_t_heard_is_refused_kindly_before_the_deadline(client, ready):
    inquiry = _inquiry(ready)
    path = services.status_path(inquiry)
    assert "I haven't heard from anyone" not in unescape(page_of(client.get(path)))
    page = text_of(page_of(client.post(path, follow=True)))
    assert "You can tell us once the date we promised has passed." in page
    assert not Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED).exists()


def test_haven_t_heard_after_the_deadline_tells_the_supervisor_once(client, ready, clock, supervisor):
    inquiry = _inquiry(ready)
    path = services.status_path(inquiry)
    clock(chicago(2026, 11, 17, 17, 30))
    assert "I haven't heard from anyone" in unescape(page_of(client.get(path)))
    first = text_of(page_of(client.post(path, follow=True)))
    assert "The supervisor has been told" in first
    assert Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED, recipient=supervisor).count() == 1
    clock(chicago(2026, 11, 18, 9))
    second = text_of(page_of(client.post(path, follow=True)))
    assert "You already told us" in second
    assert Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED, recipient=supervisor).count() == 1


def test_asking_for_a_new_link_says_the_same_whoever_asks(client, ready, django_capture_on_commit_callbacks):
    inquiry = _inquiry(ready)
    mail.outbox.clear()
    pages = []
    for address in ("nobody@example.org", "ANA@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            pages.append(text_of(page_of(client.post(reverse("inquiries:resend"), {"email": address}, follow=True))))
    assert pages[0] == pages[1] and "If we have an inquiry with that e-mail address" in pages[0]
    [email] = mail.outbox
    assert email.to == ["ana@example.org"] and opens(email.body, inquiry)


def test_a_malformed_address_on_the_new_link_page_gets_a_message(client, ready):
    html = page_of(client.post(reverse("inquiries:resend"), {"email": "ana@"}))
    assert "Please check what you typed" in html and 'value="ana@"' in html
