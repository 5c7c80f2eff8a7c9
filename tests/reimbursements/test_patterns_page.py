"""The fiscal patterns dashboard shows where claims wait, which are late and why, with charts, tables and CSV."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from reimbursements import services
from reimbursements.models import Claim
from reimbursements.services import ItemInput
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 11, 8, 10, 0)


def _claim(parent, child, at, *, on):
    return services.submit_claim(
        user=parent, kind=Claim.Kind.MILEAGE, child=child, confirm_duplicate=True, now=at,
        items=[ItemInput(on=on, description="Court", miles=Decimal("10"), from_place="Home", to_place="Court")],
    )


@pytest.fixture
def claims(resource_parent, child, fiscal_staff, household, time_machine):
    household.fiscal_contact = fiscal_staff
    household.save()
    child.placements.update(started_on=date(2027, 6, 1))
    fresh = _claim(resource_parent, child, chicago(2027, 11, 5, 9, 0), on=date(2027, 11, 4))  # 1 business day old
    waiting = _claim(resource_parent, child, chicago(2027, 10, 1, 9, 0), on=date(2027, 9, 30))  # overdue decision
    sent_back = _claim(resource_parent, child, chicago(2027, 10, 4, 9, 0), on=date(2027, 10, 1))
    services.ask_for_information(actor=fiscal_staff, claim=sent_back, reason="receipt_missing", note="The receipt, please.", now=chicago(2027, 10, 5, 9, 0))
    paid = _claim(resource_parent, child, chicago(2027, 9, 1, 9, 0), on=date(2027, 8, 30))
    services.approve_claim(actor=fiscal_staff, claim=paid, now=chicago(2027, 9, 2, 9, 0))
    services.mark_claim_paid(actor=fiscal_staff, claim=paid, paid_on=date(2027, 9, 11), payment_number="EFT-1", now=chicago(2027, 9, 13, 9, 0))
    time_machine.move_to(NOW, tick=False)
    return {"fresh": fresh, "waiting": waiting, "sent_back": sent_back, "paid": paid}


def _csv(client, table):
    response = client.get(reverse("reimbursements:patterns"), {"format": "csv", "table": table})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_figures_fiscal_staff_see_add_up(client, fiscal_staff, claims):
    client.force_login(fiscal_staff)
    page = client.get(reverse("reimbursements:patterns")).content.decode()

    assert "Payment patterns" in page and page.count("<svg") >= 5
    assert _csv(client, "ageing")[1:] == [["0–5 business days", "1"], ["6–10 business days", "0"], ["11–20 business days", "0"], ["More than 20 business days", "2"]]
    # Late: the decision still open past its deadline, and the payment made on the 13th, due on the 10th (Labor Day not counted).
    assert _csv(client, "late_kind")[1:] == [["Mileage", "2"]]
    assert _csv(client, "late_clerk")[1:] == [["Ms. Baker", "2"]]
    assert _csv(client, "info_reasons")[1:] == [["A receipt is missing", "1"]]
    assert _csv(client, "days_to_pay")[1:] == [["2027-09", "10.0", "1"]]


def test_a_cell_that_looks_like_a_formula_is_downloaded_as_text(client, fiscal_staff, claims, household):
    household.county.name = "=HYPERLINK(\"http://evil\")"
    household.county.save()
    client.force_login(fiscal_staff)
    assert _csv(client, "late_county")[1][0].startswith("'=")


def test_an_unknown_table_is_not_found_and_nobody_else_sees_the_page(client, fiscal_staff, resource_parent, caseworker, resource_worker, claims):
    client.force_login(fiscal_staff)
    assert client.get(reverse("reimbursements:patterns"), {"format": "csv", "table": "secrets"}).status_code == 404
    assert client.get(reverse("reimbursements:patterns"), {"months": "junk"}).status_code == 200
    for person in (resource_parent, caseworker, resource_worker):
        client.force_login(person)
        assert client.get(reverse("reimbursements:patterns")).status_code == 404


def test_the_page_costs_the_same_queries_for_5_or_50_claims(client, fiscal_staff, claims, resource_parent, child):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fiscal_staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reimbursements:patterns"))
    for n in range(46):
        _claim(resource_parent, child, NOW - timedelta(days=n % 20), on=date(2027, 10, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reimbursements:patterns"))
    assert len(many) == len(few)
