"""The family's child page, the caseworker's view of it and the staff list cost the same number of
queries whatever they show (issue 6, "Must show" 4; bench/child_page_queries.py prints the figures).

The administrator's checklist has 20 items here (the 11 defaults and 9 more), so "20 items changed"
means every item: one child's page shows 1 change since the family's last visit, her brother's 20,
with a list of medicines, notes the family wrote, answers of every kind and promises still open.
"""

from __future__ import annotations

import difflib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements import services
from placements.models import ChecklistEntry, DisclosureItem, Placement
from tests.conftest import chicago
from tests.factories import ChildFactory, HouseholdFactory, ParentFactory

pytestmark = pytest.mark.django_db

MONDAY_9, MONDAY_11, MONDAY_12 = chicago(2027, 3, 1, 9), chicago(2027, 3, 1, 11), chicago(2027, 3, 1, 12)


def _shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _render(client, url) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in queries.captured_queries]


def _same_count(small: list[str], big: list[str], label: str) -> None:
    diff = "\n".join(difflib.unified_diff([_shape(q) for q in small], [_shape(q) for q in big], lineterm="", n=0))
    assert len(small) == len(big), f"{label}: {len(small)} queries for the small page, {len(big)} for the big one\n{diff}"


@pytest.fixture
def twenty_item_checklist(db):
    have = ChecklistEntry.objects.filter(active=True).count()
    ChecklistEntry.objects.bulk_create(
        ChecklistEntry(code=f"extra-{n}", title=f"Extra item {n}", guidance="Ask the previous family.", position=500 + n)
        for n in range(20 - have)
    )
    assert ChecklistEntry.objects.filter(active=True).count() == 20


@pytest.fixture
def two_pages(twenty_item_checklist, caseworker, household, resource_parent, client, time_machine):
    """Ana's page with 1 change since the family's last visit, Leo's with 20."""
    ana = ChildFactory(first_name="Ana", last_name="Ruiz", caseworker=caseworker)
    leo = ChildFactory(first_name="Leo", last_name="Ruiz", caseworker=caseworker)
    ana_placement, leo_placement = services.place_children(
        actor=caseworker, household=household, children=[ana, leo], started_on=MONDAY_9.date(),
        medication={ana.pk: Placement.Medication.DID_NOT_COME, leo.pk: Placement.Medication.DID_NOT_COME}, now=MONDAY_9,
    )
    time_machine.move_to(MONDAY_9, tick=False)  # before signing in: a session started today would have expired by 2027
    client.force_login(resource_parent)
    for placement in (ana_placement, leo_placement):  # the first visit: everything after it is "new"
        assert client.get(reverse("placements:child", args=[placement.pk])).status_code == 200

    def items(placement):
        return list(DisclosureItem.objects.filter(disclosure__placement=placement).select_related("entry", "disclosure__placement"))

    first = items(ana_placement)[0]
    services.update_item(actor=caseworker, item=first, status="known", content="Asthma, mild", revision=0, now=MONDAY_11)
    statuses = ["known", "not_applicable", "unknown", "pending"]
    for n, item in enumerate(items(leo_placement)):
        status = statuses[n % 4]
        medications = None
        if item.entry.code == "medications":
            status = "known"
            medications = [
                services.MedicationRow(f"Medicine {m}", "5 mg", "Morning", prescriber="Dr. Lee", pharmacy="Walgreens", supply="some")
                for m in range(4)
            ]
        # A pending item keeps its promise; saving it with new words is still a change the family sees.
        services.update_item(
            actor=caseworker, item=item, status=status, content=f"What we know, part {n}", asked_whom="The school nurse",
            revision=0, medications=medications, now=MONDAY_11,
        )
        if n % 3 == 0:
            services.add_family_note(user=resource_parent, item=item, body=f"Our note {n}", now=MONDAY_11)
    services.record_medication_sorted(actor=caseworker, placement=leo_placement, note="At Walgreens", now=MONDAY_11)
    services.record_medication_sorted(actor=caseworker, placement=ana_placement, note="At Walgreens", now=MONDAY_11)
    services.propose_need(actor=caseworker, placement=leo_placement, need="Winter coat", source="Closet", now=MONDAY_11)
    services.propose_need(actor=caseworker, placement=ana_placement, need="Winter coat", source="Closet", now=MONDAY_11)
    time_machine.move_to(MONDAY_12, tick=False)
    return ana_placement, leo_placement


def test_the_familys_child_page_makes_as_many_queries_for_20_changed_items_as_for_1(client, two_pages):
    ana, leo = two_pages
    one, one_sql = _render(client, reverse("placements:child", args=[ana.pk]))
    twenty, twenty_sql = _render(client, reverse("placements:child", args=[leo.pk]))
    assert (one.context["new_count"], twenty.context["new_count"]) == (1, 20)
    assert twenty.content.decode().count("disclosure-item--new") == 20  # the page really draws all twenty
    assert "Medicine 3" in twenty.content.decode() and "Our note 18" in twenty.content.decode()
    _same_count(one_sql, twenty_sql, "family child page")
    print(f"\nfamily child page: {len(one_sql)} queries with 1 changed item, {len(twenty_sql)} with 20")


def test_the_caseworkers_view_of_a_disclosure_makes_as_many_queries_for_20_answered_items_as_for_1(client, two_pages, caseworker):
    ana, leo = two_pages
    client.force_login(caseworker)
    client.get(reverse("placements:staff_child", args=[ana.pk]))  # warm-up
    _one, one_sql = _render(client, reverse("placements:staff_child", args=[ana.pk]))
    _twenty, twenty_sql = _render(client, reverse("placements:staff_child", args=[leo.pk]))
    _same_count(one_sql, twenty_sql, "staff child page")
    print(f"\nstaff child page: {len(one_sql)} queries with 1 answered item, {len(twenty_sql)} with 20")


def test_the_summary_for_the_doctor_makes_as_many_queries_for_20_answered_items_as_for_1(client, two_pages):
    ana, leo = two_pages
    _one, one_sql = _render(client, reverse("placements:summary", args=[ana.pk]))
    _twenty, twenty_sql = _render(client, reverse("placements:summary", args=[leo.pk]))
    _same_count(one_sql, twenty_sql, "summary")
    print(f"\nsummary: {len(one_sql)} queries with 1 answered item, {len(twenty_sql)} with 20")


def _place_more(caseworker, count: int, *, start: int) -> None:
    for n in range(start, start + count):
        child = ChildFactory(first_name=f"Child{n}", last_name="Bench", caseworker=caseworker)
        household = HouseholdFactory(name=f"The Family{n} family")
        ParentFactory(household=household)
        answer = [Placement.Medication.DID_NOT_COME, Placement.Medication.ALL_CAME, Placement.Medication.PARTLY][n % 3]
        placement = services.place_children(
            actor=caseworker, household=household, children=[child], started_on=MONDAY_9.date(), medication={child.pk: answer}, now=MONDAY_9
        )[0]
        item = DisclosureItem.objects.select_related("entry", "disclosure__placement").filter(disclosure__placement=placement).first()
        services.update_item(actor=caseworker, item=item, status="known", content="Known", revision=0, now=MONDAY_11)


def test_the_staff_list_makes_as_many_queries_for_20_placements_as_for_1(client, caseworker, supervisor, time_machine):
    time_machine.move_to(MONDAY_12, tick=False)
    _place_more(caseworker, 1, start=0)
    counts = {}
    for person in (caseworker, supervisor):
        client.force_login(person)
        client.get(reverse("placements:disclosures"))  # warm-up
        counts[person, 1] = _render(client, reverse("placements:disclosures"))
    _place_more(caseworker, 19, start=1)
    for person in (caseworker, supervisor):
        client.force_login(person)
        counts[person, 20] = _render(client, reverse("placements:disclosures"))
    for person in (caseworker, supervisor):
        (small, small_sql), (big, big_sql) = counts[person, 1], counts[person, 20]
        assert small.content.decode().count("/children/staff/") < big.content.decode().count("/children/staff/")
        assert big.content.decode().count("Child19 Bench") == 1
        _same_count(small_sql, big_sql, f"staff list for {person}")
        print(f"\nstaff list ({person.role}): {len(small_sql)} queries with 1 placement, {len(big_sql)} with 20")
