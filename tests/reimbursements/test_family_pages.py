"""The family's money pages: what a resource family sees and does, and what it must never see."""

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from messaging.attachments import check_attachment
from placements.events import services as event_services
from placements.events.models import Event, Invitee
from portal.followups.services import open_commitments_for
from reimbursements import services
from reimbursements.models import BoardPayment, Claim
from tests.conftest import chicago
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TUESDAY_9 = chicago(2026, 11, 10, 9, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(TUESDAY_9, tick=False)
    return TUESDAY_9


@pytest.fixture
def clerk(fiscal_staff, household):
    household.fiscal_contact = fiscal_staff
    household.save(update_fields=["fiscal_contact"])
    return fiscal_staff


@pytest.fixture
def child(child):
    """Maya, 8 years old: the board rate for her age band applies."""
    child.date_of_birth = date(2018, 4, 1)
    child.save(update_fields=["date_of_birth"])
    return child


def _text(html) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return _text(response.content) if status == 200 else response


def _claim(parent, child, *, amount="42.50", on=date(2026, 11, 2), kind=Claim.Kind.CHILD_CARE, receipt=PNG):
    checked = check_attachment(SimpleUploadedFile("receipt.png", receipt, content_type="image/png"))
    return services.submit_claim(
        user=parent, kind=kind, child=child, items=[services.ItemInput(on=on, description="After-school care", amount=Decimal(amount))],
        receipts=[checked], confirm_duplicate=True,
    )


def _expense_post(for_child, **overrides):
    data = {
        "kind": "child_care", "child": str(for_child.pk), "note": "Care while I was at the hearing", "submission_key": str(uuid.uuid4()),
        "expenses-TOTAL_FORMS": "2", "expenses-INITIAL_FORMS": "0", "expenses-MIN_NUM_FORMS": "0", "expenses-MAX_NUM_FORMS": "40",
        "expenses-0-on": "2026-11-02", "expenses-0-description": "After-school care", "expenses-0-amount": "42.50",
    }
    data.update(overrides)
    return data


# --- The money page ---------------------------------------------------------------------------


def test_a_waiting_claim_says_who_has_it_and_by_when(client, clerk, resource_parent, child):
    claim = _claim(resource_parent, child)
    page = _page(client, resource_parent, reverse("reimbursements:family_money"))
    assert claim.reference in page
    assert "$42.50" in page
    # The ledger's due date (ten business days), not one computed by the page.
    promise = open_commitments_for(claim).get()
    assert promise.owner == clerk
    due = date_format(timezone.localtime(promise.due_at), "DATETIME_FORMAT")
    assert f"Ms. Baker has it and will decide on it by {due}." in page


def test_board_payments_show_days_amount_and_when_they_arrive_or_why_they_are_held(client, resource_parent, child, fiscal_staff):
    services.generate_board_payments(month=date(2026, 10, 1), now=TUESDAY_9)
    payment = BoardPayment.objects.get(month=date(2026, 10, 1))
    services.move_board_payments(actor=fiscal_staff, payments=[payment], to="held", reason="We are waiting for the signed placement agreement.")
    page = _page(client, resource_parent, reverse("reimbursements:family_money"))
    assert "October 2026" in page and "Maya" in page
    assert "31" in page and f"${payment.amount}" in page
    assert "On hold: We are waiting for the signed placement agreement." in page


def test_an_empty_money_page_says_what_will_appear(client, resource_parent):
    page = _page(client, resource_parent, reverse("reimbursements:family_money"))
    assert "No board payments yet" in page
    assert "No claims yet" in page
    assert "Start a claim" in page


def test_staff_and_strangers_do_not_get_the_family_money_page(client, caseworker, fiscal_staff):
    for user in (caseworker, fiscal_staff):
        _page(client, user, reverse("reimbursements:family_money"), status=404)
    client.logout()
    assert client.get(reverse("reimbursements:family_money")).status_code == 302


# --- Sending a claim --------------------------------------------------------------------------


def test_a_family_sends_a_child_care_claim_with_a_phone_photo(client, clerk, resource_parent, child):
    client.force_login(resource_parent)
    receipt = SimpleUploadedFile("IMG_0042.HEIC", HEIC, content_type="image/heic")
    response = client.post(reverse("reimbursements:new_claim"), {**_expense_post(child), "receipts": [receipt]})
    claim = Claim.objects.get(household=resource_parent.household, kind=Claim.Kind.CHILD_CARE)
    assert response.status_code == 302 and response.url == reverse("reimbursements:claim", args=[claim.pk])
    assert claim.amount == Decimal("42.50") and claim.receipts.get().content_type == "image/heic"
    page = _text(client.get(response.url).content)
    assert f"Your claim {claim.reference} is received" in page
    assert "Ms. Baker has it and will decide on it by" in page


def test_the_upload_field_lets_a_phone_take_a_photo(client, resource_parent, child):
    client.force_login(resource_parent)
    html = client.get(reverse("reimbursements:new_claim") + "?kind=school_fees").content.decode()
    assert 'accept="image/*,application/pdf"' in html and 'name="submission_key"' in html


def test_a_mileage_claim_is_prefilled_from_a_hearing_and_shows_the_rate_and_amount(client, clerk, caseworker, resource_parent, child):
    starts = chicago(2026, 11, 3, 10, 0)
    hearing = event_services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child, starts_at=starts,
        ends_at=starts + timedelta(hours=1), place="Hinds County Youth Court", purpose="Review", now=chicago(2026, 10, 20, 9, 0),
    )
    Invitee.objects.filter(event=hearing).update(response=Invitee.Response.IN_PERSON, attended=True)
    client.force_login(resource_parent)
    url = reverse("reimbursements:new_claim")
    page = _text(client.get(url + "?kind=mileage").content)
    assert "Hinds County Youth Court" in page and "$0.700 for each mile" in page
    # Without JavaScript: tick the hearing and ask the page to fill it in; the trip line comes back filled.
    base = {
        "kind": "mileage", "submission_key": str(uuid.uuid4()), "use_trip": [str(hearing.pk)], "action": "use_trips",
        "trips-TOTAL_FORMS": "2", "trips-INITIAL_FORMS": "0", "trips-MIN_NUM_FORMS": "0", "trips-MAX_NUM_FORMS": "40",
    }
    filled = client.post(url, base).content.decode()
    assert 'value="2026-11-03"' in filled and 'value="Hinds County Youth Court"' in filled and f'value="{hearing.pk}"' in filled
    data = {
        **base, "action": "", "trips-0-on": "2026-11-03", "trips-0-from_place": "Home", "trips-0-to_place": "Hinds County Youth Court",
        "trips-0-description": hearing.title, "trips-0-miles": "23.5", "trips-0-event_id": str(hearing.pk),
    }
    response = client.post(url, data)
    claim = Claim.objects.get(kind=Claim.Kind.MILEAGE)
    assert response.status_code == 302
    assert claim.items.get().event_id == hearing.pk and claim.amount == Decimal("16.45")
    page = _text(client.get(response.url).content)
    assert "23.5 miles × $0.700 a mile = $16.45" in page


def test_a_double_tap_with_the_same_submission_key_makes_one_claim(client, clerk, resource_parent, child):
    client.force_login(resource_parent)
    data = _expense_post(child)
    first = client.post(reverse("reimbursements:new_claim"), {**data, "receipts": [SimpleUploadedFile("r.png", PNG)]})
    second = client.post(reverse("reimbursements:new_claim"), {**data, "receipts": [SimpleUploadedFile("r.png", PNG)]})
    assert Claim.objects.filter(household=resource_parent.household).count() == 1
    assert first.url == second.url


def test_a_possible_duplicate_is_pointed_out_and_what_was_typed_is_kept(client, clerk, resource_parent, child):
    earlier = _claim(resource_parent, child)
    client.force_login(resource_parent)
    data = _expense_post(child, note="My own words here")
    response = client.post(reverse("reimbursements:new_claim"), {**data, "receipts": [SimpleUploadedFile("r.png", PNG)]})
    assert response.status_code == 200
    html = response.content.decode()
    page = _text(html)
    assert "This looks like a claim you already sent" in page and earlier.reference in page
    assert 'value="After-school care"' in html and 'value="42.50"' in html and "My own words here" in html
    assert f'value="{data["submission_key"]}"' in html
    assert "attach the receipt again" in page
    assert Claim.objects.count() == 1
    confirmed = client.post(
        reverse("reimbursements:new_claim"), {**data, "confirm_duplicate": "on", "receipts": [SimpleUploadedFile("r.png", PNG)]}
    )
    assert confirmed.status_code == 302 and Claim.objects.count() == 2


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("receipt.pdf", PNG, "does not contain what its name says"),
        ("receipt.pdf", b"MZ\x90\x00" + b"\x00" * 64, "is not a PDF, JPEG, PNG or HEIC file"),
        ("receipt.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), "files can be up to 10"),
    ],
    ids=["png-named-pdf", "exe", "11-mb"],
)
def test_a_receipt_that_is_not_what_it_says_or_too_big_is_refused_with_a_message(client, clerk, resource_parent, child, name, content, words):
    client.force_login(resource_parent)
    response = client.post(reverse("reimbursements:new_claim"), {**_expense_post(child), "receipts": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 200
    page = _text(response.content)
    assert words in page and "Please check what you typed" in page
    assert 'value="After-school care"' in response.content.decode()
    assert not Claim.objects.exists()


def test_service_rules_are_shown_on_the_form(client, clerk, resource_parent, child):
    client.force_login(resource_parent)
    future = (TUESDAY_9.date() + timedelta(days=3)).isoformat()
    response = client.post(reverse("reimbursements:new_claim"), _expense_post(child, **{"expenses-0-on": future}))
    page = _text(response.content)
    assert response.status_code == 200 and "the date cannot be in the future" in page
    response = client.post(reverse("reimbursements:new_claim"), _expense_post(child))
    assert "Add a photo or PDF of the receipt" in _text(response.content)


@pytest.mark.parametrize(
    "junk",
    [
        {"kind": "clothing"},
        {"kind": "nonsense"},
        {"expenses-TOTAL_FORMS": "abc"},
        {"expenses-TOTAL_FORMS": "100000"},
        {"expenses-0-amount": "1e999"},
        {"expenses-0-amount": "-5"},
        {"expenses-0-amount": "NaN"},
        {"expenses-0-on": "2026-02-30"},
        {"child": "999999"},
        {"child": "abc"},
        {"submission_key": "not-a-uuid"},
        {"action": "add_line", "expenses-TOTAL_FORMS": "-3"},
        {"action": "use_trips", "use_trip": "abc"},
    ],
)
def test_junk_input_never_gives_a_500(client, clerk, resource_parent, child, junk):
    client.force_login(resource_parent)
    response = client.post(reverse("reimbursements:new_claim"), _expense_post(child, **junk))
    assert response.status_code in (200, 302)


def test_a_child_of_another_family_cannot_be_chosen(client, clerk, resource_parent, child, other_family):
    theirs = ChildFactory(first_name="Leo")
    PlacementFactory(child=theirs, household=other_family.household)
    client.force_login(resource_parent)
    page = client.get(reverse("reimbursements:new_claim") + "?kind=child_care").content.decode()
    assert "Maya" in page and "Leo" not in page
    response = client.post(reverse("reimbursements:new_claim"), {**_expense_post(theirs), "receipts": [SimpleUploadedFile("r.png", PNG)]})
    assert response.status_code == 200 and not Claim.objects.exists()


# --- One claim --------------------------------------------------------------------------------


def test_the_family_answers_a_request_for_more_information_and_sees_each_step(client, clerk, resource_parent, child):
    claim = _claim(resource_parent, child)
    services.take_claim(actor=clerk, claim=claim)
    services.ask_for_information(actor=clerk, claim=claim, reason=Claim.InfoReason.RECEIPT_UNREADABLE, note="The photo is blurred; please take it again.")
    page = _page(client, resource_parent, reverse("reimbursements:claim", args=[claim.pk]))
    assert "What we need from you" in page and "A receipt cannot be read" in page and "The photo is blurred" in page
    assert "Being reviewed" in page and "Ms. Baker" in page
    response = client.post(
        reverse("reimbursements:claim", args=[claim.pk]),
        {
            "note": "Here is a clearer photo.", "receipts": [SimpleUploadedFile("clear.jpg", b"\xff\xd8\xff" + b"\x00" * 64)],
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "40",
            "lines-0-on": "2026-11-02", "lines-0-description": "After-school care", "lines-0-amount": "42.50",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED and claim.receipts.count() == 2 and claim.amount == Decimal("42.50")
    page = _text(client.get(response.url).content)
    assert "Here is a clearer photo." in page and "has it and will decide on it by" in page


def test_a_denied_claim_gives_the_reason_and_how_to_ask_for_a_review(client, clerk, resource_parent, child):
    claim = _claim(resource_parent, child)
    services.deny_claim(actor=clerk, claim=claim, reason=Claim.DenialReason.NOT_COVERED, note="Child care during work hours is paid by the board.")
    page = _page(client, resource_parent, reverse("reimbursements:claim", args=[claim.pk]))
    assert "This expense is not one the agency pays" in page and "paid by the board" in page
    assert "ask for a review within 30 days" in page


def test_another_familys_claim_and_receipt_are_404(client, clerk, resource_parent, child, other_family):
    claim = _claim(resource_parent, child)
    receipt = claim.receipts.get()
    for url in (reverse("reimbursements:claim", args=[claim.pk]), reverse("reimbursements:receipt", args=[claim.pk, receipt.pk])):
        _page(client, other_family, url, status=404)
    _page(client, resource_parent, reverse("reimbursements:claim", args=[999999]), status=404)
    client.force_login(other_family)
    assert client.post(reverse("reimbursements:claim", args=[claim.pk]), {"note": "x"}).status_code == 404


def test_a_receipt_is_served_inline_to_the_family_and_fiscal_staff_only(client, clerk, resource_parent, caseworker, child):
    claim = _claim(resource_parent, child)
    receipt = claim.receipts.get()
    url = reverse("reimbursements:receipt", args=[claim.pk, receipt.pk])
    for user in (resource_parent, clerk):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline") and "receipt.png" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG
    _page(client, caseworker, url, status=404)
    _page(client, resource_parent, reverse("reimbursements:receipt", args=[claim.pk + 1, receipt.pk]), status=404)


# --- Monthly statement ------------------------------------------------------------------------


def test_the_statement_adds_up_board_and_claims_for_the_month(client, clerk, resource_parent, child):
    services.generate_board_payments(month=date(2026, 10, 1), now=TUESDAY_9)
    board = BoardPayment.objects.get(month=date(2026, 10, 1))
    paid = _claim(resource_parent, child, amount="10.25", on=date(2026, 10, 5))
    services.approve_claim(actor=clerk, claim=paid)
    services.mark_claim_paid(actor=clerk, claim=paid, paid_on=date(2026, 10, 20), payment_number="EFT-7")
    waiting = _claim(resource_parent, child, amount="30.00", on=date(2026, 10, 6))
    services.approve_claim(actor=clerk, claim=waiting, now=chicago(2026, 10, 21, 9, 0))
    page = _page(client, resource_parent, reverse("reimbursements:statement", args=[2026, 10]))
    assert f"Board total ${board.amount}" in page
    assert "Claims paid total $10.25" in page and "EFT-7" in page
    assert "Still to be paid $30.00" in page
    assert f"${board.amount + Decimal('10.25')}" in page
    assert "September 2026" in page and "November 2026" in page


@pytest.mark.parametrize("year, month", [(2026, 13), (2026, 0), (1, 1), (9999, 12), (2031, 1)])
def test_a_month_that_does_not_exist_or_is_far_off_is_404(client, resource_parent, year, month):
    _page(client, resource_parent, reverse("reimbursements:statement", args=[year, month]), status=404)


def test_a_statement_is_the_familys_own(client, clerk, resource_parent, other_family, child):
    _claim(resource_parent, child)
    services.generate_board_payments(month=date(2026, 10, 1), now=TUESDAY_9)
    page = _page(client, other_family, reverse("reimbursements:statement", args=[2026, 10]))
    assert "Maya" not in page and "No board payment for this month" in page


@pytest.mark.parametrize(
    "junk",
    [
        {"lines-TOTAL_FORMS": "abc"},
        {"lines-TOTAL_FORMS": "5000", "lines-INITIAL_FORMS": "9"},
        {"lines-0-amount": "-1"},
        {"lines-0-on": "not a date", "note": "fixed"},
        {"lines-0-amount": "99999999"},
    ],
)
def test_junk_in_the_answer_form_never_gives_a_500_and_changes_nothing(client, clerk, resource_parent, child, junk):
    claim = _claim(resource_parent, child)
    services.ask_for_information(actor=clerk, claim=claim, reason=Claim.InfoReason.OTHER, note="Which school?")
    client.force_login(resource_parent)
    data = {
        "note": "", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "40",
        "lines-0-on": "2026-11-02", "lines-0-description": "After-school care", "lines-0-amount": "42.50", **junk,
    }
    response = client.post(reverse("reimbursements:claim", args=[claim.pk]), data)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == Claim.Status.MORE_INFO and claim.amount == Decimal("42.50")


def test_a_claim_not_waiting_for_the_family_cannot_be_changed(client, clerk, resource_parent, child):
    claim = _claim(resource_parent, child)
    client.force_login(resource_parent)
    response = client.post(reverse("reimbursements:claim", args=[claim.pk]), {"note": "change it"}, follow=True)
    assert "not waiting for anything from you" in _text(response.content)
    assert claim.history.count() == 1


def test_heic_is_accepted_only_where_asked_for():
    from django.core.exceptions import ValidationError

    photo = SimpleUploadedFile("IMG_0001.HEIC", HEIC)
    assert check_attachment(photo, allow_heic=True).content_type == "image/heic"
    with pytest.raises(ValidationError, match="not a PDF, JPEG or PNG"):
        check_attachment(photo)
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        check_attachment(SimpleUploadedFile("IMG_0001.pdf", HEIC), allow_heic=True)


def test_a_forged_event_on_a_trip_is_not_kept(client, clerk, resource_parent, child):
    client.force_login(resource_parent)
    data = {
        "kind": "mileage", "submission_key": str(uuid.uuid4()),
        "trips-TOTAL_FORMS": "1", "trips-INITIAL_FORMS": "0", "trips-MIN_NUM_FORMS": "0", "trips-MAX_NUM_FORMS": "40",
        "trips-0-on": "2026-11-03", "trips-0-from_place": "Home", "trips-0-to_place": "School", "trips-0-description": "Meeting",
        "trips-0-miles": "4", "trips-0-event_id": "424242",
    }
    assert client.post(reverse("reimbursements:new_claim"), data).status_code == 302
    assert Claim.objects.get().items.get().event_id is None
