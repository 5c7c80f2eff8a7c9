"""Families as partners: the ones to call before they leave, and the days to thank them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from messaging.models import Message, Thread, ThreadRating
from placements import recognition, retention
from placements.models import Placement, Recognition
from portal.accounts.models import Household, Role, User
from portal.followups.models import Commitment
from portal.followups.services import chase_commitment, sweep_commitments
from tests.conftest import chicago
from tests.factories import HouseholdFactory, PlacementFactory

NOW = chicago(2027, 3, 10, 9)


@pytest.fixture
def families(household, resource_worker, office, time_machine):
    """The Garcias (a child placed, nothing wrong) and the Lees, the Parks and the Ortegas, each with a reason to leave."""
    time_machine.move_to(NOW, tick=False)
    PlacementFactory(household=household, started_on=date(2026, 9, 1))
    lees = HouseholdFactory(name="The Lee family", county=office.county, resource_worker=resource_worker)  # nobody placed
    parks = HouseholdFactory(name="The Park family", county=office.county, resource_worker=resource_worker)
    PlacementFactory(household=parks, started_on=date(2026, 9, 1))
    ortegas = HouseholdFactory(name="The Ortega family", county=office.county, resource_worker=resource_worker)
    PlacementFactory(household=ortegas, started_on=date(2026, 9, 1))
    elsewhere = HouseholdFactory(name="The Stone family", county=office.county)  # another worker's: not on this list
    return household, lees, parks, ortegas, elsewhere


def test_families_to_call_are_those_with_a_reason_to_leave_the_most_reasons_first(
    families, service_standards, open_promise, resource_worker, caseworker
):
    garcias, lees, parks, ortegas, _elsewhere = families
    overdue = open_promise(chicago(2027, 3, 1, 9))
    overdue.household = parks
    overdue.save(update_fields=["household"])
    park_parent = User.objects.create(email="park@family.test", role=Role.RESOURCE_PARENT, household=parks, last_name="Park")
    chase_commitment(commitment=overdue, actor=park_parent, now=chicago(2027, 3, 3, 9))
    thread = Thread.objects.create(household=ortegas, topic="other", subject="Respite", assigned_to=caseworker, started_by=caseworker, started_at=NOW, last_message_at=NOW)
    ThreadRating.objects.create(thread=thread, rated_by=park_parent, score=1, rated_at=NOW - timedelta(days=20))
    rows = retention.families_to_call(resource_worker, now=NOW)
    assert [(row.household.name, row.reasons) for row in rows] == [
        ("The Lee family", ["no child placed with them now"]),
        ("The Ortega family", ["rated a conversation 1 or 2 out of 5 in the last six months"]),
        ("The Park family", ["1 promise to them overdue"]),
    ]


def test_the_list_page_is_for_resource_workers_and_their_supervisors(families, client, resource_worker, supervisor, caseworker, resource_parent):
    client.force_login(resource_worker)
    page = client.get(reverse("families:to_call"))
    assert page.status_code == 200 and "The Lee family" in page.content.decode() and "The Stone family" not in page.content.decode()
    client.force_login(supervisor)
    assert "The Lee family" in client.get(reverse("families:to_call")).content.decode()
    for person in (caseworker, resource_parent):
        client.force_login(person)
        assert client.get(reverse("families:to_call")).status_code == 404
        assert client.get(reverse("families:thanks")).status_code == 404


@pytest.mark.parametrize(
    "licensed_on, today, years",
    [
        (date(2024, 3, 10), date(2027, 3, 10), 3),
        (date(2024, 2, 29), date(2027, 2, 28), 3),  # a leap-day licence is thanked on 28 February
        (date(2024, 2, 29), date(2028, 2, 29), 4),
    ],
)
def test_a_licence_anniversary_is_a_promise_to_thank_the_family_found_once(
    household, resource_worker, service_standards, time_machine, licensed_on, today, years
):
    household.licensed_on = licensed_on
    household.save(update_fields=["licensed_on"])
    moment = chicago(today.year, today.month, today.day, 7)
    time_machine.move_to(moment, tick=False)
    assert recognition.find_recognitions(now=moment) == 1
    assert recognition.find_recognitions(now=moment) == 0  # the task ran twice today
    found = Recognition.objects.get()
    assert (found.kind, found.years) == (Recognition.Kind.LICENCE_YEARS, years)
    promise = Commitment.objects.get(standard__code="recognition-thanks")
    # The resource worker owes it; the family's "What we owe you" does not show it (a thank-you is not announced).
    assert (promise.owner, promise.household, promise.owed_to_name) == (resource_worker, None, household.name)
    assert recognition.find_recognitions(now=moment + timedelta(days=1)) == 0


def test_a_year_of_a_placement_and_an_adoption_are_found_and_a_past_anniversary_is_not(household, resource_worker, service_standards, time_machine):
    moment = chicago(2027, 9, 1, 7)
    time_machine.move_to(moment, tick=False)
    PlacementFactory(household=household, started_on=date(2026, 9, 1))  # one year today
    PlacementFactory(household=household, started_on=date(2026, 8, 31))  # yesterday: not today
    PlacementFactory(household=household, started_on=date(2025, 1, 1), ended_on=date(2027, 8, 30), end_reason=Placement.EndReason.ADOPTED)
    assert recognition.find_recognitions(now=moment) == 2
    assert sorted(Recognition.objects.values_list("kind", "years")) == [("adoption", 0), ("placement_years", 1)]


def test_the_note_goes_to_the_family_as_a_message_and_keeps_the_promise(
    household, resource_worker, resource_parent, service_standards, client, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    household.licensed_on = date(2025, 3, 10)
    household.save(update_fields=["licensed_on"])
    recognition.find_recognitions()
    found = Recognition.objects.get()
    client.force_login(resource_worker)
    page = client.get(reverse("families:thanks"))
    assert "2 years since they were licensed" in page.content.decode()
    short = client.post(reverse("families:send_thanks", args=[found.pk]), {f"r{found.pk}-note": "Thanks!"})
    assert short.status_code == 400 and "Thanks!" in short.content.decode()  # refused, and what was typed is kept
    note = "Two years of opening your home: thank you, from all of us at the agency."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("families:send_thanks", args=[found.pk]), {f"r{found.pk}-note": note})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.thanked_by == resource_worker and Message.objects.get(thread=found.thread).body == note
    assert Commitment.objects.get(standard__code="recognition-thanks").status == Commitment.Status.MET
    again = client.post(reverse("families:send_thanks", args=[found.pk]), {f"r{found.pk}-note": note})
    assert again.status_code == 400 and Message.objects.filter(thread__household=household).count() == 1


def test_an_unthanked_anniversary_is_reminded_like_any_promise(household, resource_worker, supervisor, service_standards, time_machine):
    household.licensed_on = date(2024, 3, 10)
    household.save(update_fields=["licensed_on"])
    recognition.find_recognitions(now=NOW)
    promise = Commitment.objects.get(standard__code="recognition-thanks")
    sweep_commitments(now=promise.due_at + timedelta(minutes=1))
    assert promise.notifications.filter(recipient=resource_worker).exists()
    assert Household.objects.get(pk=household.pk).recognitions.count() == 1
