"""The family home costs the same number of queries with 1 child placed and with 5 (bench/page_queries.py prints the figures at 100).

Both families are made through the services, as a caseworker and a family make them: each child placed with
the disclosure checklist (place_children, which also owes the clothing allowance), a court hearing, a mileage
claim and a conversation answered once and written to again (a promise kept and one open), then last month's
board payments. The two counts are measured, not written down: the test fails if the larger family's is higher.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging import services as messaging
from messaging.models import Topic
from placements import services as placements
from placements.events import services as events
from placements.events.models import Event
from reimbursements import services as money
from reimbursements.models import Claim
from reimbursements.services import ItemInput
from tests.factories import ChildFactory, HouseholdFactory, ParentFactory
from tests.placements.test_queries import _render, _same_count

pytestmark = pytest.mark.django_db


def _family_with(children: int, name: str, *, office, caseworker, resource_worker, now) -> object:
    household = HouseholdFactory(name=f"The {name} family", county=office.county, resource_worker=resource_worker)
    parent = ParentFactory(household=household, title="Mrs.", last_name=name, email=f"{name.lower()}@family.test")
    placed_at = now - timedelta(days=40)
    for n in range(children):
        child = ChildFactory(first_name=f"Child{n}", last_name=name, caseworker=caseworker, date_of_birth=date(2015, 1, 1) + timedelta(days=90 * n))
        placements.place_children(actor=caseworker, household=household, children=[child], started_on=placed_at.date(),
                                  medication={child.pk: "did_not_come" if n % 2 == 0 else "all_came"}, now=placed_at)
        starts = now + timedelta(days=3 + n, hours=2)
        events.schedule_event(actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
                              starts_at=starts, ends_at=starts + timedelta(hours=1), place="Hinds County Youth Court", now=now - timedelta(days=2))
        money.submit_claim(user=parent, kind=Claim.Kind.MILEAGE, child=child, now=now - timedelta(days=1), confirm_duplicate=True,
                           items=[ItemInput(on=(now - timedelta(days=3)).date(), description="To the doctor", miles=Decimal(12 + n),
                                            from_place="Home", to_place="Clinic")])
        thread = messaging.start_thread(household=household, topic=Topic.OTHER, subject=f"About {child.first_name}", body="When is the visit?",
                                        author=parent, now=now - timedelta(days=2))
        messaging.post_message(thread=thread, author=resource_worker, body="On Tuesday at 10.", now=now - timedelta(days=1))
        messaging.post_message(thread=thread, author=parent, body="Could it be 11?", now=now - timedelta(hours=20))
    money.generate_board_payments(month=(now.replace(day=1) - timedelta(days=1)).replace(day=1).date(), now=now)
    return parent


def test_family_home_query_count_does_not_grow_with_the_children_placed(client, office, caseworker, resource_worker):
    now = timezone.now()
    one = _family_with(1, "Shah", office=office, caseworker=caseworker, resource_worker=resource_worker, now=now)
    five = _family_with(5, "Reed", office=office, caseworker=caseworker, resource_worker=resource_worker, now=now)
    url = reverse("followups:family_home")
    client.force_login(one)
    client.get(url)  # warm-up: content types, the holiday calendar
    small_page, small = _render(client, url)
    client.force_login(five)
    client.get(url)
    big_page, big = _render(client, url)
    assert small_page.content.decode().count('<li class="child-card') == 1
    assert big_page.content.decode().count('<li class="child-card') == 5
    assert "Recently done" in big_page.content.decode() and "Recently done" in small_page.content.decode()
    _same_count(small, big, "family home, 1 child and 5")
