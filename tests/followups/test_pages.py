"""The pages of the ledger: the family's list, a worker's day, a supervisor's team."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.followups.models import Commitment
from portal.followups.services import meet_commitment
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def test_family_sees_what_who_and_by_when(client, open_promise, resource_parent, time_machine):
    time_machine.move_to(chicago(2027, 3, 1, 10), tick=False)
    open_promise(chicago(2027, 3, 1, 9))
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "What we owe you" in page
    assert "A call back" in page
    assert "Mr. Reed is handling this." in page
    assert "Their supervisor is Ms. Carter." in page
    assert "By Tuesday 2 March, 5:00 PM" in page
    assert "Still waiting?" not in page


def test_overdue_promise_offers_still_waiting_until_pressed(client, open_promise, resource_parent, time_machine):
    promise = open_promise(chicago(2027, 3, 1, 9))
    time_machine.move_to(chicago(2027, 3, 3, 19), tick=False)
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "this was due by Tuesday 2 March, 5:00 PM. We are sorry." in page
    assert "Still waiting?" in page
    response = client.post(reverse("followups:still_waiting", args=[promise.pk]), follow=True)
    page = response.content.decode()
    assert "We have let Ms. Carter know" in page
    assert "Still waiting?</button>" not in page
    again = client.post(reverse("followups:still_waiting", args=[promise.pk]), follow=True).content.decode()
    assert "You told us on" in again


def test_caseworker_marks_met_and_the_family_list_updates(client, open_promise, caseworker, resource_parent):
    promise = open_promise(timezone.now() - timedelta(hours=1))
    client.force_login(caseworker)
    response = client.post(reverse("followups:meet", args=[promise.pk]), follow=True)
    assert "Marked as met" in response.content.decode()
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.MET and promise.met_by == caseworker
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "Nothing is outstanding" in page
    assert "Recently done" in page


def test_my_day_lists_overdue_first_with_office_time_left(client, open_promise, caseworker, time_machine):
    time_machine.move_to(chicago(2027, 3, 3, 16, 0), tick=False)
    open_promise(chicago(2027, 3, 1, 9))  # overdue since Tuesday
    open_promise(chicago(2027, 3, 2, 9))  # due today 17:00
    client.force_login(caseworker)
    page = client.get(reverse("followups:my_day")).content.decode()
    assert page.index("Overdue") < page.index("1 h 00 min")
    assert "2 open promises" in page


def test_my_day_shows_fifty_at_a_time_soonest_first_and_counts_them_all(client, open_promise, caseworker, time_machine):
    time_machine.move_to(chicago(2027, 3, 1, 8), tick=False)
    for minute in range(55):
        open_promise(chicago(2027, 2, 26, 9, minute))  # one deadline for all: the order falls back to opening order
    latest = open_promise(chicago(2027, 3, 1, 7))
    client.force_login(caseworker)
    first = client.get(reverse("followups:my_day")).content.decode()
    assert "56 open promises, soonest first." in first
    assert first.count("<tr class=") == 50 and "Page 1 of 2" in first and "page=2" in first
    assert f"/promises/{latest.pk}/" not in first
    second = client.get(reverse("followups:my_day"), {"page": "2"}).content.decode()
    assert second.count("<tr class=") == 6 and f"/promises/{latest.pk}/" in second
    # A page that does not exist shows the last one, never an error.
    assert client.get(reverse("followups:my_day"), {"page": "x9"}).status_code == 200


def test_my_day_says_what_each_promise_is_about(client, open_promise, caseworker, household):
    open_promise(chicago(2027, 3, 1, 9))
    client.force_login(caseworker)
    page = client.get(reverse("followups:my_day")).content.decode()
    # In the subject app's words (the ledger's registry), so the worker knows which family and what without opening it.
    assert f"Phone call from {household}</span>" in page


def test_my_team_shows_who_is_behind_and_the_on_time_chart(client, open_promise, caseworker, colleague, supervisor, time_machine):
    time_machine.move_to(chicago(2027, 3, 10, 10), tick=False)
    late = open_promise(chicago(2027, 3, 1, 9))
    on_time = open_promise(chicago(2027, 3, 8, 9))
    open_promise(chicago(2027, 3, 2, 9))
    meet_commitment(commitment=late, actor=caseworker, now=chicago(2027, 3, 4, 9))
    meet_commitment(commitment=on_time, actor=caseworker, now=chicago(2027, 3, 8, 12))
    client.force_login(supervisor)
    page = client.get(reverse("followups:my_team")).content.decode()
    assert "Mr. Reed" in page and "Ms. Shah" in page
    assert '<strong class="tag tag--late">1</strong>' in page
    assert "<svg" in page and "0%" in page and "100%" in page


def test_my_day_query_count_does_not_grow_with_the_list(client, open_promise, caseworker, django_assert_max_num_queries):
    for day in range(1, 4):
        open_promise(chicago(2027, 3, day, 9))
    client.force_login(caseworker)
    client.get(reverse("followups:my_day"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("followups:my_day"))
    for day in range(4, 25):
        open_promise(chicago(2027, 3, day, 9))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("followups:my_day"))


def test_a_promise_page_shows_its_history(client, open_promise, caseworker, colleague):
    promise = open_promise(chicago(2027, 3, 1, 9))
    client.force_login(caseworker)
    client.post(reverse("followups:reassign", args=[promise.pk]), {"to_owner": colleague.pk, "note": "Court all day"})
    client.force_login(colleague)
    page = client.get(reverse("followups:commitment", args=[promise.pk])).content.decode()
    assert "Reassigned" in page and "Court all day" in page


def test_reassigning_to_nobody_is_a_message_not_an_error(client, open_promise, caseworker):
    promise = open_promise(chicago(2027, 3, 1, 9))
    client.force_login(caseworker)
    response = client.post(reverse("followups:reassign", args=[promise.pk]), {"to_owner": "999999"}, follow=True)
    assert response.status_code == 200
    assert "Choose the colleague" in response.content.decode()


def test_family_home_says_how_to_reach_the_agency_after_hours(client, resource_parent, settings, team):
    settings.AGENCY_ON_CALL_PHONE = "1-800-555-0123"
    team.office.phone = "601-555-0100"
    team.office.save()
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "Your resource worker is Ms. Miller." in page
    assert "their supervisor is Ms. Carter" in page
    assert "open on business days from 8:00 AM to 5:00 PM" in page
    assert "1-800-555-0123" in page
