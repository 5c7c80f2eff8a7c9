"""What a resource worker and a supervisor see on the inquiry pages, and what bad input does there (never a 500).

Time is fixed with time_machine: Monday 16 November 2026 in Chicago; each step moves the clock on.
Who may open which page is in test_access_matrix.py; the figures of the funnel in test_funnel.py.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inquiries import services
from inquiries.models import ContactLog, Inquiry, NextStep, Stage
from portal.accounts.models import Role
from portal.followups.models import Commitment
from tests.conftest import chicago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2026, 11, 16, 9, 0)


@pytest.fixture
def clock(time_machine):
    def move(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    move(MONDAY_9)
    return move


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


_people = iter(range(10_000))


def inquire(county, *, now=None, **overrides):
    n = next(_people)
    data = dict(name=f"Inquirer {n}", email=f"inquirer{n}@example.org", phone="", contact_way="email", best_time="", language="en",
                county=county, interest="foster", questions="How do board payments work?")
    if now is not None:
        data["now"] = now
    return services.submit_inquiry(**(data | overrides)).inquiry


@pytest.fixture
def inquiry(clock, office, team, supervisor, resource_worker):
    return inquire(office.county, name="Ana Pérez", phone="601 555 0142", contact_way="phone",
                   questions="Is there help with the cost of a bigger car?", now=chicago(2026, 11, 16, 8, 30))


def _promise(inquiry) -> Commitment:
    return Commitment.objects.get(subject_id=inquiry.pk, standard__code=services.FIRST_CONTACT)


# --- The queue ---------------------------------------------------------------------------------------


def test_the_queue_lists_the_workers_inquiries_soonest_promise_first(client, clock, office, team, resource_worker):
    inquire(office.county, name="Late-Person", now=chicago(2026, 11, 12, 10))  # due Friday: overdue
    fresh = inquire(office.county, name="Fresh-Person", now=chicago(2026, 11, 16, 8, 45))  # due Tuesday
    services.log_contact(inquiry=fresh, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 16, 8, 50))
    done = inquire(office.county, name="Reached-Person", now=chicago(2026, 11, 13, 10))
    services.log_contact(inquiry=done, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 13, 11))
    client.force_login(resource_worker)
    html = page_of(client.get(reverse("inquiries:queue")))
    assert html.index("Late-Person") < html.index("Fresh-Person") < html.index("Reached-Person")
    page = text_of(html)
    assert "Overdue" in page and "Nothing promised" in page
    assert "Voicemail left" in page and "1 attempt" in page


def test_the_whole_team_view_shows_whose_inquiry_it_is(client, clock, office, team, supervisor, resource_worker):
    colleague = UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Ortiz")
    inquire(office.county, name="For-Miller")
    inquire(office.county, name="For-Ortiz", now=MONDAY_9 + timedelta(minutes=1))
    assert Inquiry.objects.get(name="For-Ortiz").worker == colleague
    client.force_login(resource_worker)
    mine = page_of(client.get(reverse("inquiries:queue")))
    assert "For-Miller" in mine and "For-Ortiz" not in mine
    everyone = text_of(page_of(client.get(reverse("inquiries:queue"), {"all": "1"})))
    assert "For-Ortiz" in everyone and "With Ms. Ortiz" in everyone


def test_the_queue_query_count_does_not_grow_with_inquiries(client, clock, office, team, resource_worker, django_assert_num_queries):
    def add(count):
        for i in range(count):
            inquiry = inquire(office.county, now=MONDAY_9 - timedelta(minutes=count - i))
            if i % 3 == 0:
                services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=MONDAY_9)
            if i % 3 == 1:
                services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=MONDAY_9)
                services.promise_next_step(inquiry=inquiry, description="Send the dates", actor=resource_worker, now=MONDAY_9)

    add(5)
    client.force_login(resource_worker)
    url = reverse("inquiries:queue")
    client.get(url)  # warm caches filled once per process (content types, holidays)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add(35)
    with django_assert_num_queries(len(five)):
        html = page_of(client.get(url))
    assert html.count('href="/inquiries/') >= 40  # every row was drawn


# --- One inquiry ---------------------------------------------------------------------------------------


def test_the_inquiry_page_puts_their_questions_and_l_a_s_t_at_the_top(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    page = text_of(page_of(client.get(reverse("inquiries:detail", args=[inquiry.pk]))))
    assert page.index("Is there help with the cost of a bigger car?") < page.index("Log a contact")
    for word in ("Listen", "Apologize", "Solve", "Thank"):
        assert word in page
    assert "(601) 555-0142" in page
    assert "Ms. Miller contacts them personally by Tuesday 17 November, 5:00 PM" in page


def test_html_typed_by_an_inquirer_is_escaped_on_the_staff_pages(client, clock, office, team, resource_worker):
    hostile = inquire(office.county, name='<script>alert("n")</script>', questions="<b onmouseover=alert(1)>hi</b>")
    client.force_login(resource_worker)
    for url in (reverse("inquiries:detail", args=[hostile.pk]), reverse("inquiries:queue")):
        html = page_of(client.get(url))
        assert "<script>alert(" not in html and "<b onmouseover" not in html
        assert "&lt;script&gt;alert(&quot;n&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", ["李小龍", "Zoë 🌻 Núñez"])
def test_emoji_and_non_latin_names_are_shown_to_staff(client, clock, office, team, resource_worker, name):
    person = inquire(office.county, name=name)
    client.force_login(resource_worker)
    assert name in page_of(client.get(reverse("inquiries:detail", args=[person.pk])))
    assert name in page_of(client.get(reverse("inquiries:queue")))


def test_a_voicemail_is_logged_but_the_promise_stays_open_then_a_call_meets_it(client, clock, inquiry, resource_worker):
    client.force_login(resource_worker)
    url = reverse("inquiries:detail", args=[inquiry.pk])
    page = text_of(page_of(client.post(url, {"kind": ContactLog.Kind.VOICEMAIL, "note": "Left a message at 9"}, follow=True)))
    assert "the first-contact promise stays open" in page and "Left a message at 9" in page
    assert _promise(inquiry).status == Commitment.Status.OPEN
    clock(chicago(2026, 11, 16, 11, 0))
    page = text_of(page_of(client.post(url, {"kind": ContactLog.Kind.SPOKE, "note": ""}, follow=True)))
    assert "the first-contact promise is kept" in page
    assert "Personal contact made on Monday 16 November, 11:00 AM. On time." in page
    assert _promise(inquiry).status == Commitment.Status.MET


def test_a_contact_form_without_a_kind_is_refused_and_keeps_the_note(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    html = page_of(client.post(reverse("inquiries:detail", args=[inquiry.pk]), {"kind": "inquired_again", "note": "Note-Kept-Here"}))
    assert "Please check what you typed" in html and "Note-Kept-Here" in html
    assert not ContactLog.objects.exists()


def test_moving_along_before_first_contact_is_refused_with_the_reason(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    html = page_of(client.post(reverse("inquiries:move", args=[inquiry.pk]), {"stage": Stage.APPLICATION, "closed_reason": "", "note": ""}))
    assert "Make personal contact first" in text_of(html)
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.NEW


def test_closing_without_a_reason_is_refused_and_with_one_withdraws_the_promise(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    url = reverse("inquiries:move", args=[inquiry.pk])
    html = page_of(client.post(url, {"stage": Stage.CLOSED, "closed_reason": "", "note": "They moved away"}))
    assert "Say why the inquiry is closed" in text_of(html) and "They moved away" in html
    assert _promise(inquiry).status == Commitment.Status.OPEN
    response = client.post(url, {"stage": Stage.CLOSED, "closed_reason": "not_ready", "note": ""})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.CLOSED and _promise(inquiry).status == Commitment.Status.CANCELLED
    assert "Ana Pérez" not in page_of(client.get(reverse("inquiries:queue")))


def test_a_nonsense_stage_gets_a_message_not_a_500(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    html = page_of(client.post(reverse("inquiries:move", args=[inquiry.pk]), {"stage": "astronaut"}))
    assert "Please check what you typed" in html


def test_a_promised_step_shows_with_its_date_and_done_meets_it(client, clock, inquiry, resource_worker):
    client.force_login(resource_worker)
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker)
    page = text_of(page_of(client.post(reverse("inquiries:promise", args=[inquiry.pk]), {"description": "Mail the application"}, follow=True)))
    assert "Mail the application" in page and "Ms. Miller, by Wednesday 18 November, 5:00 PM" in page
    step = NextStep.objects.get()
    client.post(reverse("inquiries:step_done", args=[step.pk]))
    step.refresh_from_db()
    assert step.done_at is not None
    assert Commitment.objects.get(standard__code=services.NEXT_STEP).status == Commitment.Status.MET


def test_an_empty_promise_is_refused_with_a_message(client, inquiry, resource_worker):
    client.force_login(resource_worker)
    html = page_of(client.post(reverse("inquiries:promise", args=[inquiry.pk]), {"description": "   "}))
    assert "Please check what you typed" in html and not NextStep.objects.exists()


def test_the_supervisor_hands_an_inquiry_over_and_the_deadline_stays(client, inquiry, team, supervisor):
    colleague = UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Ortiz")
    client.force_login(supervisor)
    page = text_of(page_of(client.post(reverse("inquiries:reassign", args=[inquiry.pk]), {"to_worker": colleague.pk}, follow=True)))
    assert "Handed over. The deadlines stay the same." in page
    promise = _promise(inquiry)
    assert promise.owner == colleague and promise.due_at == chicago(2026, 11, 17, 17, 0)


def test_a_teammate_cannot_hand_over_someone_elses_inquiry(client, inquiry, team, resource_worker):
    teammate = UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Ortiz")
    client.force_login(teammate)
    page = text_of(page_of(client.post(reverse("inquiries:reassign", args=[inquiry.pk]), {"to_worker": teammate.pk}, follow=True)))
    assert "cannot" in page.lower()
    assert _promise(inquiry).owner == resource_worker


def test_handing_to_nobody_gets_a_message(client, inquiry, supervisor):
    client.force_login(supervisor)
    page = text_of(page_of(client.post(reverse("inquiries:reassign", args=[inquiry.pk]), {"to_worker": "999999"}, follow=True)))
    assert "Choose who should have this inquiry." in page


def test_a_new_link_stops_the_old_one(client, inquiry, resource_worker):
    old = services.status_path(inquiry)
    client.force_login(resource_worker)
    page = text_of(page_of(client.post(reverse("inquiries:new_link", args=[inquiry.pk]), follow=True)))
    assert "Earlier links no longer work" in page
    client.logout()
    assert "This link no longer opens your page" in page_of(client.get(old))


# --- The director's view -----------------------------------------------------------------------------


def test_the_funnel_page_shows_the_supervisors_counties_with_charts_and_a_table(client, clock, office, team, supervisor, resource_worker):
    reached = inquire(office.county, now=chicago(2026, 11, 9, 10))
    services.log_contact(inquiry=reached, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 9, 11))
    inquire(office.county, now=chicago(2026, 11, 10, 10))
    client.force_login(supervisor)
    html = page_of(client.get(reverse("inquiries:funnel")))
    page = text_of(html)
    assert "Hinds County" in page and "<svg" in html and "50%" in page
    assert "Download CSV" in page


@pytest.mark.parametrize("query", [{"since": "not-a-date"}, {"since": "2026-13-45", "until": "yesterday"}, {"until": "1900-01-01"}])
def test_the_funnel_with_nonsense_dates_never_fails(client, clock, office, team, supervisor, query):
    client.force_login(supervisor)
    assert client.get(reverse("inquiries:funnel"), query).status_code == 200
    assert client.get(reverse("inquiries:funnel_csv"), query).status_code == 200
