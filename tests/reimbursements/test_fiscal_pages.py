"""What fiscal staff notice on their pages: the queue by deadline, bulk work reported per claim,
the accounting import's preview and its idempotent apply, the CSV export; and that nobody else
sees any of it (a 404, never a 403).

October 2026 in Chicago. The Garcias (Mrs. Garcia) send mileage claims; Ms. Baker is the fiscal clerk.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.followups.models import Commitment
from reimbursements import fiscal_selectors, services
from reimbursements.models import BoardPayment, Claim, PaymentImport
from tests.conftest import chicago
from tests.factories import ChildFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2026, 10, 21, 10, 0)


def _claim(parent, at, *, miles="10") -> Claim:
    return services.submit_claim(
        user=parent,
        kind=Claim.Kind.MILEAGE,
        items=[services.ItemInput(on=at.date() - timedelta(days=1), description="Court hearing", miles=Decimal(miles), from_place="Home", to_place="Courthouse")],
        now=at,
    )


def _promise(claim) -> Commitment:
    return fiscal_selectors.claim_commitment(claim)


def _page(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def claims(resource_parent, fiscal_staff, time_machine):
    """A: sent 5 Oct, approved 14 Oct (payment promised). B: sent 6 Oct, not decided. C: sent 20 Oct."""
    a = _claim(resource_parent, chicago(2026, 10, 5, 10, 0), miles="10")
    b = _claim(resource_parent, chicago(2026, 10, 6, 10, 0), miles="20")
    c = _claim(resource_parent, chicago(2026, 10, 20, 10, 0), miles="30")
    services.approve_claim(actor=fiscal_staff, claim=a, now=chicago(2026, 10, 14, 10, 0))
    time_machine.move_to(NOW, tick=False)
    return a, b, c


# --- The queue --------------------------------------------------------------------------------


def test_queue_lists_the_soonest_ledger_deadline_first_and_flags_the_overdue(client, fiscal_staff, claims):
    a, b, c = claims
    assert _promise(b).due_at < _promise(a).due_at < _promise(c).due_at  # the order differs from the order received (a, b, c)
    assert _promise(b).due_at < NOW < _promise(a).due_at
    client.force_login(fiscal_staff)
    page = _page(client.get(reverse("reimbursements:fiscal_queue")))
    positions = [page.index(claim.reference) for claim in (b, a, c)]
    assert positions == sorted(positions)
    row_b = page[page.rindex("<tr", 0, positions[0]) : positions[0]]
    assert "row--late" in row_b
    assert page.count("tag--late") == 1
    assert "business days" in page
    assert "Ms. Baker" in page or str(fiscal_staff) in page  # who owes it


def test_queue_filters_by_status_and_by_mine(client, fiscal_staff, team, claims):
    a, b, c = claims
    colleague = UserFactory(role=Role.FISCAL, last_name="Ortiz", team=team)
    services.take_claim(actor=colleague, claim=c, now=NOW)
    client.force_login(fiscal_staff)
    approved = _page(client.get(reverse("reimbursements:fiscal_queue"), {"status": "approved"}))
    assert a.reference in approved and b.reference not in approved and c.reference not in approved
    mine = _page(client.get(reverse("reimbursements:fiscal_queue"), {"mine": "on"}))
    assert c.reference not in mine and b.reference in mine


def test_queue_reads_the_ledger_in_one_query_however_many_claims(client, fiscal_staff, resource_parent, claims):
    client.force_login(fiscal_staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reimbursements:fiscal_queue"))
    for day in (7, 8, 9, 13, 15):
        _claim(resource_parent, chicago(2026, 10, day, 11, 0), miles=str(day))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reimbursements:fiscal_queue"))

    def ledger_reads(captured):
        return sum(1 for q in captured.captured_queries if "followups_commitment" in q["sql"])

    assert ledger_reads(few) == ledger_reads(many) == 2  # the sort (a subquery) and the owners of the listed claims


def test_bulk_approve_reports_each_refused_claim_by_reference(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    response = client.post(reverse("reimbursements:fiscal_queue"), {"action": "approve", "claims": [a.pk, b.pk, c.pk]}, follow=True)
    said = _messages(response)
    assert any(f"Approved 2 claims: {b.reference}, {c.reference}." in m for m in said)
    refused = [m for m in said if m.startswith(a.reference)]
    assert len(refused) == 1 and "cannot be approved" in refused[0]
    b.refresh_from_db(), c.refresh_from_db()
    assert b.status == c.status == Claim.Status.APPROVED
    assert AuditEntry.objects.filter(action="claim.approved").count() == 3  # a earlier, b and c now


# --- One claim --------------------------------------------------------------------------------


def test_claim_page_shows_the_promise_the_lines_and_the_history(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    page = _page(client.get(reverse("reimbursements:staff_claim", args=[b.pk])))
    assert "Overdue" in page and "owes" in page
    assert "Courthouse" in page and "$" in page
    assert "Received" in page and "Ask the family for more information" in page


def test_asking_for_information_without_a_note_keeps_what_was_typed(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:staff_claim", args=[b.pk])
    response = client.post(url, {"action": "info", "info-reason": "receipt_missing", "info-note": "   "})
    assert response.status_code == 200
    assert "Say in plain words what the family should send or change." in _page(response)
    assert 'value="receipt_missing" selected' in _page(response)
    response = client.post(url, {"action": "info", "info-reason": "receipt_missing", "info-note": "Please add the parking receipt."}, follow=True)
    b.refresh_from_db()
    assert b.status == Claim.Status.MORE_INFO
    assert "Please add the parking receipt." in _page(response)


def test_a_second_approval_of_the_same_claim_gets_a_clear_message_not_an_error(client, fiscal_staff, team, claims):
    a, b, c = claims
    colleague = UserFactory(role=Role.FISCAL, last_name="Ortiz", team=team)
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:staff_claim", args=[b.pk])
    client.get(url)  # both clerks have the page open
    services.approve_claim(actor=colleague, claim=b, now=NOW)
    response = client.post(url, {"action": "approve", "approve-amount": "5.00", "approve-note": "Parking not covered"})
    assert response.status_code == 200
    page = _page(response)
    assert "This claim cannot be approved: it is “Approved”" in page and "Ms. Ortiz" in page
    assert 'value="5.00"' in page  # what was typed is kept
    b.refresh_from_db()
    assert b.amount == Decimal("14.00")  # 20 miles at $0.70, untouched


def test_marking_paid_in_the_future_is_a_field_error(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:staff_claim", args=[a.pk])
    response = client.post(url, {"action": "paid", "paid-paid_on": "2026-12-01", "paid-payment_number": "EFT-1"})
    assert "The paid date cannot be in the future." in _page(response)
    response = client.post(url, {"action": "paid", "paid-paid_on": "2026-10-20", "paid-payment_number": "EFT-1"}, follow=True)
    a.refresh_from_db()
    assert (a.status, a.paid_on, a.payment_number) == (Claim.Status.PAID, date(2026, 10, 20), "EFT-1")


def test_reassigning_hands_the_promise_to_the_colleague(client, fiscal_staff, team, claims):
    a, b, c = claims
    colleague = UserFactory(role=Role.FISCAL, last_name="Ortiz", team=team)
    client.force_login(fiscal_staff)
    client.post(reverse("reimbursements:staff_claim", args=[b.pk]), {"action": "reassign", "reassign-to": colleague.pk, "reassign-note": "Court trips are yours"})
    b.refresh_from_db()
    assert b.clerk == colleague and _promise(b).owner == colleague


# --- Board payments ---------------------------------------------------------------------------


@pytest.fixture
def october_board(household, time_machine):
    time_machine.move_to(NOW, tick=False)
    placement = PlacementFactory(child=ChildFactory(first_name="Leo", date_of_birth=date(2018, 3, 1)), household=household, started_on=date(2026, 10, 11))
    services.generate_board_payments(month=date(2026, 10, 1), now=NOW)
    return BoardPayment.objects.get(placement=placement)


def test_holding_board_payments_needs_a_reason_and_keeps_the_choice(client, fiscal_staff, october_board):
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:board_payments")
    listed = _page(client.get(url, {"month": "2026-10"}))
    assert october_board.reference in listed and "$" in listed and "21" in listed  # 11–31 October: 21 nights
    response = client.post(url, {"to": "held", "reason": "", "payments": [october_board.pk]})
    assert "Say in plain words why" in _page(response)
    assert f'value="{october_board.pk}" id="payment-{october_board.pk}" checked' in _page(response)
    client.post(url, {"to": "held", "reason": "The licence renewal is pending.", "payments": [october_board.pk]})
    october_board.refresh_from_db()
    assert october_board.status == BoardPayment.Status.HELD
    detail = _page(client.get(reverse("reimbursements:staff_board", args=[october_board.pk])))
    assert "The licence renewal is pending." in detail and "2026-10-11" in detail


def test_a_bad_month_filter_is_a_message_not_an_error(client, fiscal_staff, october_board):
    client.force_login(fiscal_staff)
    response = client.get(reverse("reimbursements:board_payments"), {"month": "October"})
    assert response.status_code == 200 and "Enter a month like 2026-11." in _page(response)


# --- Accounting import ------------------------------------------------------------------------


def _csv(rows) -> bytes:
    return ("reference,paid_date,amount,payment_number\n" + "".join(f"{r}\n" for r in rows)).encode()


def _upload(client, raw: bytes, name="payments.csv"):
    return client.post(reverse("reimbursements:import_upload"), {"file": SimpleUploadedFile(name, raw, content_type="text/csv")})


def test_import_preview_lists_exactly_the_bad_rows_and_applying_is_refused(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    raw = _csv([f"{a.reference},2026-10-20,7.00,EFT-7", f"{b.reference},2026-10-20,14.00,EFT-8", "C-999999,2026-10-20,1.00,EFT-9", f"{a.reference},2026-10-20,7.00,EFT-7"])
    response = _upload(client, raw)
    batch = PaymentImport.objects.get()
    assert response.url == reverse("reimbursements:import_preview", args=[batch.pk])
    preview = client.get(response.url)
    bad = [(row.line, row.reference) for row in preview.context["bad"]]
    assert bad == [(3, b.reference), (4, "C-999999"), (5, a.reference)]
    page = _page(preview)
    assert "not approved, so it cannot be paid" in page and "also on line 2" in page
    refused = client.post(response.url, follow=True)
    assert any("3 rows cannot be applied" in m for m in _messages(refused))
    a.refresh_from_db()
    assert a.status == Claim.Status.APPROVED


def test_the_same_file_applied_twice_changes_nothing_the_second_time(client, fiscal_staff, claims):
    a, b, c = claims
    client.force_login(fiscal_staff)
    raw = _csv([f"{a.reference},2026-10-20,7.00,EFT-7"])
    first = _upload(client, raw).url
    assert client.get(first).context["to_pay_count"] == 1
    applied = client.post(first, follow=True)
    assert "Applied: 1 payment marked paid." in _messages(applied)
    assert "by Ms. Baker" in _page(applied) or str(fiscal_staff) in _page(applied)
    a.refresh_from_db()
    assert (a.status, a.payment_number) == (Claim.Status.PAID, "EFT-7")
    audit = AuditEntry.objects.count()

    second = _upload(client, raw, name="payments-again.csv").url
    preview = client.get(second)
    assert (preview.context["already_count"], preview.context["to_pay_count"], preview.context["bad_count"]) == (1, 0, 0)
    again = client.post(second, follow=True)
    assert "Applied: every row was already recorded, so nothing changed." in _messages(again)
    assert AuditEntry.objects.count() == audit
    assert PaymentImport.objects.get(name="payments-again.csv").changed == 0
    # And the first file cannot be applied again.
    assert any("already applied" in m for m in _messages(client.post(first, follow=True)))


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"ref,date,amt,number\nC-000001,2026-10-20,1.00,X\n", "The columns must be exactly"),
        ("reference,paid_date,amount,payment_number\nC-000001,2026-10-20,1.00,Müller\n".encode("latin-1"), "not in UTF-8"),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_wrong_file_gets_the_reason_on_the_form(client, fiscal_staff, raw, message):
    client.force_login(fiscal_staff)
    response = _upload(client, raw)
    assert response.status_code == 200 and message in _page(response)
    assert not PaymentImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, fiscal_staff, settings):
    client.force_login(fiscal_staff)
    raw = _csv(["C-000001,2026-10-20,1.00,X"] * 1) + b"#" * services.MAX_IMPORT_BYTES
    response = _upload(client, raw)
    assert "larger than 5 MB" in _page(response)


# --- Export ---------------------------------------------------------------------------------


def test_export_gives_the_claims_of_the_period_as_csv_with_formulas_defused(client, fiscal_staff, household, claims):
    a, b, c = claims
    household.name = "=HYPERLINK(\"http://evil.test\")"
    household.save(update_fields=["name"])
    client.force_login(fiscal_staff)
    response = client.get(reverse("reimbursements:export"), {"since": "2026-10-01", "until": "2026-10-19", "what": "claims"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["reference", "family", "kind", "month", "status", "amount"]
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {a.reference, b.reference}  # C came on 20 October
    assert by_ref[a.reference][1].startswith("'=HYPERLINK")
    assert by_ref[a.reference][4:8] == ["approved", "7.00", "2026-10-05", "2026-10-14"]


def test_export_refuses_dates_out_of_order_or_too_long(client, fiscal_staff):
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:export")
    backwards = client.get(url, {"since": "2026-10-10", "until": "2026-10-01", "what": "claims"})
    assert "The end date is before the start date." in _page(backwards)
    too_long = client.get(url, {"since": "2024-01-01", "until": "2026-10-01", "what": "board"})
    assert "at most one year" in _page(too_long)


# --- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resource_parent", "other_family", "caseworker", "resource_worker"])
def test_families_and_case_staff_get_404_on_every_fiscal_page(client, request, persona, claims, october_board, fiscal_staff):
    a, b, c = claims
    batch, _preview = services.upload_import(actor=fiscal_staff, name="p.csv", raw=_csv([f"{a.reference},2026-10-20,7.00,EFT-7"]), now=NOW)
    client.force_login(request.getfixturevalue(persona))
    urls = [
        reverse("reimbursements:fiscal_queue"),
        reverse("reimbursements:staff_claim", args=[b.pk]),
        reverse("reimbursements:board_payments"),
        reverse("reimbursements:staff_board", args=[october_board.pk]),
        reverse("reimbursements:import_upload"),
        reverse("reimbursements:import_preview", args=[batch.pk]),
        reverse("reimbursements:export") + "?since=2026-10-01&until=2026-10-31&what=claims",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "approve", "claims": [b.pk], "to": "held", "reason": "x", "payments": [october_board.pk]}).status_code == 404, url
    b.refresh_from_db(), october_board.refresh_from_db()
    assert b.status == Claim.Status.SUBMITTED and october_board.status == BoardPayment.Status.SCHEDULED
    assert PaymentImport.objects.get().applied_at is None


def test_the_fiscal_supervisor_and_the_administrator_see_the_queue(client, supervisor, office, fiscal_staff, claims):
    for person in (supervisor, office.program_manager):
        client.force_login(person)
        assert client.get(reverse("reimbursements:fiscal_queue")).status_code == 200


# --- The administrator's rates ----------------------------------------------------------------


def test_the_administrator_keeps_the_rates_and_sees_payments_read_only(client, claims, october_board):
    a, b, c = claims
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    for name in ("boardrate", "clothingallowancerate", "mileagerate", "placementcare", "boardpayment", "claim"):
        assert client.get(reverse(f"admin:reimbursements_{name}_changelist")).status_code == 200, name
    added = client.post(reverse("admin:reimbursements_mileagerate_add"), {"per_mile": "0.725", "effective_from": "2027-01-01"})
    assert added.status_code == 302
    page = client.get(reverse("admin:reimbursements_claim_change", args=[a.pk]))
    assert page.status_code == 200
    refused = client.post(reverse("admin:reimbursements_claim_change", args=[a.pk]), {"status": "paid"})
    assert refused.status_code == 403
    a.refresh_from_db()
    assert a.status == Claim.Status.APPROVED


def test_nonsense_from_the_browser_is_a_message_never_an_error(client, fiscal_staff, claims, october_board):
    a, b, c = claims
    client.force_login(fiscal_staff)
    queue = reverse("reimbursements:fiscal_queue")
    claim = reverse("reimbursements:staff_claim", args=[b.pk])
    board = reverse("reimbursements:board_payments")
    answers = [
        client.post(queue, {"action": "delete", "claims": [b.pk]}, follow=True),
        client.post(queue, {"action": "approve", "claims": ["x", "99999999999999999999"]}, follow=True),
        client.get(queue, {"status": "paid", "clerk": "abc", "page": "-3"}),
        client.post(claim, {"action": "explode"}, follow=True),
        client.post(claim, {"action": "approve", "approve-amount": "-5", "approve-note": ""}),
        client.post(claim, {"action": "approve", "approve-amount": "1e400"}),
        client.post(claim, {"action": "reassign", "reassign-to": "999999"}),
        client.post(claim, {"action": "paid", "paid-paid_on": "31/31/2026", "paid-payment_number": ""}),
        client.post(board, {"to": "sent", "payments": [october_board.pk]}),  # scheduled cannot be sent
        client.post(board, {"to": "teleport", "payments": [october_board.pk]}),
        client.get(board, {"month": "2026-13"}),
        client.get(reverse("reimbursements:export"), {"since": "yesterday", "until": "2026-10-01", "what": "everything"}),
        client.post(reverse("reimbursements:import_upload"), {}),
    ]
    assert [r.status_code for r in answers] == [200] * len(answers)
    assert "cannot be marked “Sent”" in _page(answers[8])
    b.refresh_from_db(), october_board.refresh_from_db()
    assert b.status == Claim.Status.SUBMITTED and october_board.status == BoardPayment.Status.SCHEDULED


def test_the_clothing_allowance_waits_in_the_queue_with_its_own_promise(client, fiscal_staff, caseworker, household, time_machine):
    time_machine.move_to(NOW, tick=False)
    placement = PlacementFactory(child=ChildFactory(first_name="Leo", date_of_birth=date(2018, 3, 1)), household=household, started_on=date(2026, 10, 19))
    allowance = services.on_placement_started(placement=placement, actor=caseworker, now=chicago(2026, 10, 19, 9, 0))
    client.force_login(fiscal_staff)
    queue = _page(client.get(reverse("reimbursements:fiscal_queue"), {"kind": "clothing"}))
    assert allowance.reference in queue and "Initial clothing allowance" in queue
    page = _page(client.get(reverse("reimbursements:staff_claim", args=[allowance.pk])))
    assert "No lines: this amount is owed because a child was placed with the family." in page
    assert "Mark paid" in page and "owes" in page


def test_a_clothing_allowance_with_no_known_age_gets_its_amount_from_fiscal_staff_and_the_family_sees_why(
    client, fiscal_staff, caseworker, household, resource_parent, time_machine
):
    time_machine.move_to(NOW, tick=False)
    placement = PlacementFactory(child=ChildFactory(first_name="Leo", date_of_birth=None), household=household, started_on=date(2026, 10, 19))
    allowance = services.on_placement_started(placement=placement, actor=caseworker, now=chicago(2026, 10, 19, 9, 0))
    assert allowance.amount == Decimal("0.00")
    client.force_login(fiscal_staff)
    url = reverse("reimbursements:staff_claim", args=[allowance.pk])

    refused = client.post(url, {"action": "amount", "amount-amount": "300.00", "amount-note": ""})
    assert refused.status_code == 200 and "300.00" in _page(refused)  # kept what was typed
    client.post(url, {"action": "amount", "amount-amount": "300.00", "amount-note": "Leo is 8, by his school record."})

    allowance.refresh_from_db()
    assert allowance.amount == Decimal("300.00") and allowance.status == Claim.Status.APPROVED
    assert AuditEntry.objects.filter(action="claim.amount_set", object_id=str(allowance.pk), actor=fiscal_staff).count() == 1
    assert "Leo is 8, by his school record." in allowance.history.last().note
