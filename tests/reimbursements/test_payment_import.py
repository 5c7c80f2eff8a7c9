"""The accounting system's CSV of payments: a preview that names every bad row, then all rows or none.

10 000 approved claims are made in bulk (the import needs only the claim, its amount and status);
the file pays them. Some rows are wrong in the ways a real export goes wrong.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.audit.models import AuditEntry
from reimbursements import services
from reimbursements.models import BoardPayment, Claim, ClaimEvent
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 11, 8, 10, 0)
HEADER = "reference,paid_date,amount,payment_number\n"


def _approved_claims(household, n):
    claims = Claim.objects.bulk_create(
        [
            Claim(household=household, kind=Claim.Kind.MILEAGE, status=Claim.Status.APPROVED, amount=Decimal(10 + i % 90) + Decimal("0.25"), submitted_at=NOW, decided_at=NOW)
            for i in range(n)
        ],
        batch_size=1000,
    )
    return list(Claim.objects.filter(pk__in=[c.pk for c in claims]).order_by("pk"))


def _row(claim, *, amount=None, paid="2027-11-05", number=None):
    return f"{claim.reference},{paid},{amount if amount is not None else claim.amount},{number or f'EFT{claim.pk}'}\n"


def _upload(fiscal_staff, text, *, encoding="utf-8"):
    return services.upload_import(actor=fiscal_staff, name="payments.csv", raw=text.encode(encoding), now=NOW)


def test_ten_thousand_rows_the_bad_ones_named_exactly_then_all_paid_at_once_and_the_same_file_again_changes_nothing(household, fiscal_staff):
    claims = _approved_claims(household, 10_000)
    not_approved = Claim.objects.create(household=household, kind=Claim.Kind.OTHER, status=Claim.Status.SUBMITTED, amount=Decimal("5.00"), submitted_at=NOW)
    lines, bad = [HEADER], set()
    for i, claim in enumerate(claims):
        line = i + 2
        if i == 17:
            lines.append(_row(claim, amount=claim.amount + Decimal("0.01")))  # a cent out
        elif i == 500:
            lines.append(_row(claim, paid="05/11/2027"))  # not an ISO date
        elif i == 4000:
            lines.append(_row(claim, paid="2027-12-01"))  # in the future
        elif i == 7777:
            lines.append(_row(claims[7776]))  # the reference again
        else:
            lines.append(_row(claim))
            continue
        bad.add(line)
    for extra in ("C-999999,2027-11-05,1.00,EFT1\n", _row(not_approved), "B-000001,2027-11-05,1.00\n"):  # unknown, not approved, three values
        lines.append(extra)
        bad.add(len(lines))

    batch, preview = _upload(fiscal_staff, "".join(lines))

    assert {row.line for row in preview.bad} == bad
    assert (batch.rows, batch.bad_rows, len(preview.to_pay)) == (10_003, 7, 9_996)
    with pytest.raises(ValidationError, match="7 rows cannot be applied"):
        services.apply_import(actor=fiscal_staff, batch=batch, now=NOW)
    assert not Claim.objects.filter(status=Claim.Status.PAID).exists()

    # The accounting system's corrected file: every claim once, right to the cent.
    text = HEADER + "".join(_row(claim) for claim in claims)
    batch, _ = _upload(fiscal_staff, text)
    assert services.apply_import(actor=fiscal_staff, batch=batch, now=NOW) == 10_000
    assert Claim.objects.filter(status=Claim.Status.PAID, paid_on=date(2027, 11, 5)).count() == 10_000
    assert ClaimEvent.objects.filter(status=Claim.Status.PAID).count() == 10_000
    assert AuditEntry.objects.filter(action="claim.paid", actor=fiscal_staff).count() == 10_000

    again, preview = _upload(fiscal_staff, text)
    assert (len(preview.already), len(preview.bad), len(preview.to_pay)) == (10_000, 0, 0)
    assert services.apply_import(actor=fiscal_staff, batch=again, now=NOW) == 0
    with pytest.raises(ValidationError, match="already applied"):
        services.apply_import(actor=fiscal_staff, batch=batch, now=NOW)
    assert ClaimEvent.objects.filter(status=Claim.Status.PAID).count() == 10_000


def test_a_row_that_goes_bad_between_preview_and_apply_stops_the_whole_file(household, fiscal_staff):
    first, second = _approved_claims(household, 2)
    batch, preview = _upload(fiscal_staff, HEADER + _row(first) + _row(second))
    assert len(preview.to_pay) == 2
    services.mark_claim_paid(actor=fiscal_staff, claim=second, paid_on=date(2027, 11, 4), payment_number="CHQ-1", now=NOW)  # paid by hand meanwhile

    with pytest.raises(ValidationError, match="already recorded as paid"):
        services.apply_import(actor=fiscal_staff, batch=batch, now=NOW)
    first.refresh_from_db()
    assert first.status == Claim.Status.APPROVED


def test_a_board_payment_is_paid_by_its_reference_once_approved(household, fiscal_staff):
    from tests.factories import ChildFactory, PlacementFactory

    placement = PlacementFactory(child=ChildFactory(date_of_birth=date(2019, 6, 1)), household=household, started_on=date(2027, 10, 1))
    services.generate_board_payments(month=date(2027, 10, 1), now=NOW)
    board = BoardPayment.objects.get(placement=placement)

    _, preview = _upload(fiscal_staff, HEADER + f"{board.reference},2027-11-05,{board.amount},EFT9\n")
    assert "only approved or sent payments can be paid" in preview.bad[0].error

    services.move_board_payments(actor=fiscal_staff, payments=[board], to=BoardPayment.Status.APPROVED, now=NOW)
    batch, preview = _upload(fiscal_staff, HEADER + f"{board.reference},2027-11-05,${board.amount:,},EFT9\n")
    assert services.apply_import(actor=fiscal_staff, batch=batch, now=NOW) == 1
    board.refresh_from_db()
    assert (board.status, board.paid_on, board.payment_number) == ("paid", date(2027, 11, 5), "EFT9")


@pytest.mark.parametrize(
    "raw, words",
    [
        ("ref,date,amount\nC-000001,2027-11-05,1.00\n".encode(), "The columns must be exactly"),
        (HEADER.encode() + "C-000001,2027-11-05,1.00,Nº 5\n".encode("latin-1"), "not in UTF-8"),
        (b"%PDF-1.7\x00\x01\x02binary", "not a CSV text file"),
        (b"", "The file is empty"),
        (HEADER.encode() + b"x" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_a_file_that_is_not_the_accounting_csv_is_refused_with_what_to_do(fiscal_staff, raw, words):
    with pytest.raises(ValidationError, match=words):
        services.upload_import(actor=fiscal_staff, name="payments.csv", raw=raw, now=NOW)


def test_a_byte_order_mark_and_capitalised_headers_are_read(household, fiscal_staff):
    [claim] = _approved_claims(household, 1)
    _, preview = _upload(fiscal_staff, "\ufeffReference,Paid_Date,Amount,Payment_Number\n" + _row(claim))
    assert len(preview.to_pay) == 1 and not preview.bad


def test_only_fiscal_staff_import(resource_parent, caseworker):
    from django.core.exceptions import PermissionDenied

    for person in (resource_parent, caseworker):
        with pytest.raises(PermissionDenied):
            services.upload_import(actor=person, name="p.csv", raw=HEADER.encode(), now=timezone.now())
