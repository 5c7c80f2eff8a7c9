"""Claims through the services: what a family may claim, the fiscal steps, the promises and the audit.

Monday 8 November 2027, 10:00 in Chicago. Maya lives with the Garcia family (the `child` fixture); Ms. Baker is their fiscal clerk.
"""

import re
import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from portal.audit.models import AuditEntry
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import render_email
from reimbursements import services
from reimbursements.models import Claim, ClaimEvent
from reimbursements.services import ItemInput
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 11, 8, 10, 0)


class Receipt:
    """What messaging.attachments.check_attachment hands the service: a checked file."""

    def __init__(self, name="receipt.jpg"):
        from django.core.files.base import ContentFile

        self.file = ContentFile(b"\xff\xd8\xff\xe0 a photo", name=name)
        self.name, self.content_type, self.size = name, "image/jpeg", 12


@pytest.fixture(autouse=True)
def clerk(household, fiscal_staff):
    household.fiscal_contact = fiscal_staff
    household.save()
    return fiscal_staff


def _trip(on=date(2027, 11, 3), miles="12.4", **extra):
    return ItemInput(on=on, description="Court hearing", miles=Decimal(miles), from_place="Home", to_place="Hinds County Courthouse", **extra)


def _mileage(parent, child, **extra):
    return services.submit_claim(user=parent, kind=Claim.Kind.MILEAGE, child=child, items=[_trip()], now=NOW, **extra)


def _promises(claim, code):
    return Commitment.objects.filter(subject_id=claim.pk, standard__code=code, subject_type__model="claim")


def test_mileage_is_miles_times_the_rate_rounded_half_up_to_the_cent(resource_parent, child):
    claim = services.submit_claim(
        user=resource_parent, kind=Claim.Kind.MILEAGE, child=child, items=[_trip(miles="12.4"), _trip(on=date(2027, 11, 4), miles="0.5")], now=NOW
    )
    assert [item.amount for item in claim.items.order_by("on")] == [Decimal("8.68"), Decimal("0.35")]
    assert claim.amount == Decimal("9.03") and claim.status == Claim.Status.SUBMITTED


@pytest.mark.parametrize(
    "item, words",
    [
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("-5")), "more than $0"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("0")), "more than $0"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("25000")), "more than one expense can be"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("NaN")), "more than $0"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("Infinity")), "more than $0"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=Decimal("12.505")), "dollars and cents"),
        (ItemInput(on=date(2027, 11, 3), description="Day care", amount=12.5), "more than $0"),  # a float is refused
        (ItemInput(on=date(2027, 11, 9), description="Day care", amount=Decimal("20")), "in the future"),
        (ItemInput(on=date(2027, 10, 9), description="Day care", amount=Decimal("20")), "before the child was placed"),
        (ItemInput(on=date(2027, 8, 1), description="Day care", amount=Decimal("20")), "days after"),
        (ItemInput(on=date(2027, 11, 3), description="  ", amount=Decimal("20")), "say what it was for"),
    ],
)
def test_bad_expense_lines_are_refused_with_a_message_and_nothing_is_made(resource_parent, child, item, words):
    child.placements.update(started_on=date(2027, 10, 10))
    with pytest.raises(ValidationError, match=re.escape(words)):
        services.submit_claim(user=resource_parent, kind=Claim.Kind.CHILD_CARE, child=child, items=[item], receipts=[Receipt()], now=NOW)
    assert not Claim.objects.exclude(kind=Claim.Kind.CLOTHING).exists()


@pytest.mark.parametrize("miles, words", [("0", "more than 0"), ("-3", "more than 0"), ("4000", "more than one trip can be")])
def test_absurd_mileage_is_refused(resource_parent, child, miles, words):
    with pytest.raises(ValidationError, match=re.escape(words)):
        services.submit_claim(user=resource_parent, kind=Claim.Kind.MILEAGE, child=child, items=[_trip(miles=miles)], now=NOW)


def test_an_expense_needs_its_receipt_and_a_trip_cannot_name_another_familys_hearing(resource_parent, child, other_family, caseworker):
    with pytest.raises(ValidationError, match="receipt"):
        services.submit_claim(
            user=resource_parent, kind=Claim.Kind.SCHOOL_FEES, child=child, items=[ItemInput(on=date(2027, 11, 3), description="Field trip", amount=Decimal("15"))], now=NOW
        )
    from placements.events.models import Event

    theirs = Event.objects.create(
        household=other_family.household, kind=Event.Kind.FAMILY_TEAM_MEETING, organiser=caseworker, place="Jackson office",
        starts_at=NOW - timedelta(days=5), ends_at=NOW - timedelta(days=5) + timedelta(hours=1),
        created_at=NOW - timedelta(days=20), invited_at=NOW - timedelta(days=20), notice_business_days=10,
    )
    with pytest.raises(ValidationError, match="not yours"):
        services.submit_claim(user=resource_parent, kind=Claim.Kind.MILEAGE, child=child, items=[_trip(event_id=theirs.pk)], now=NOW)


def test_a_possible_duplicate_is_pointed_out_then_sent_when_the_family_confirms(resource_parent, child):
    first = _mileage(resource_parent, child)
    with pytest.raises(services.PossibleDuplicate) as duplicate:
        _mileage(resource_parent, child)
    assert duplicate.value.claims == [first]

    second = _mileage(resource_parent, child, confirm_duplicate=True)
    assert second.pk != first.pk


def test_the_same_form_sent_twice_makes_one_claim(resource_parent, child):
    key = uuid.uuid4()
    assert _mileage(resource_parent, child, submission_key=key) == _mileage(resource_parent, child, submission_key=key, confirm_duplicate=True)
    assert Claim.objects.filter(kind=Claim.Kind.MILEAGE).count() == 1


def test_only_a_resource_family_claims(caseworker, fiscal_staff, child):
    for person in (caseworker, fiscal_staff):
        with pytest.raises(PermissionDenied):
            services.submit_claim(user=person, kind=Claim.Kind.MILEAGE, child=child, items=[_trip()], now=NOW)


def test_the_whole_way_from_received_to_paid_with_its_history_promises_and_audit(resource_parent, child, fiscal_staff):
    claim = _mileage(resource_parent, child)
    decision = _promises(claim, "reimbursement-decision").get()
    assert (decision.owner, decision.due_at) == (fiscal_staff, chicago(2027, 11, 23, 17, 0))  # 10 business days; Veterans Day (the 11th) not counted

    services.take_claim(actor=fiscal_staff, claim=claim, now=NOW + timedelta(hours=1))
    services.ask_for_information(actor=fiscal_staff, claim=claim, reason="trip_details", note="Which courthouse, please?", now=NOW + timedelta(hours=2))
    decision.refresh_from_db()
    assert decision.status == Commitment.Status.CANCELLED  # the agency waits for the family: nothing owed meanwhile

    services.resubmit_claim(user=resource_parent, claim=claim, note="Hinds County, Jackson.", now=chicago(2027, 11, 9, 19, 0))
    again = _promises(claim, "reimbursement-decision").get(status=Commitment.Status.OPEN)
    assert again.due_at == chicago(2027, 11, 24, 17, 0)  # counted from the resubmission (evening of the 9th)

    services.take_claim(actor=fiscal_staff, claim=claim, now=chicago(2027, 11, 10, 9, 0))
    services.approve_claim(actor=fiscal_staff, claim=claim, now=chicago(2027, 11, 10, 9, 30))
    again.refresh_from_db()
    payment = _promises(claim, "payment-after-approval").get()
    assert again.status == Commitment.Status.MET and not again.late
    assert payment.due_at == chicago(2027, 11, 18, 17, 0)  # 5 business days

    services.mark_claim_paid(actor=fiscal_staff, claim=claim, paid_on=date(2027, 11, 12), payment_number="EFT-5521", now=chicago(2027, 11, 12, 15, 0))
    payment.refresh_from_db()
    claim.refresh_from_db()
    assert payment.status == Commitment.Status.MET and claim.status == Claim.Status.PAID
    assert list(claim.history.values_list("status", flat=True)) == ["submitted", "in_review", "more_info", "submitted", "in_review", "approved", "paid"]
    assert list(AuditEntry.objects.filter(object_id=str(claim.pk), action__startswith="claim.").values_list("action", flat=True).order_by("pk")) == [
        "claim.submitted", "claim.taken", "claim.more_info", "claim.resubmitted", "claim.taken", "claim.approved", "claim.paid",
    ]


def test_a_refusal_needs_a_reason_and_words_the_family_can_read(resource_parent, child, fiscal_staff):
    claim = _mileage(resource_parent, child)
    with pytest.raises(ValidationError):
        services.deny_claim(actor=fiscal_staff, claim=claim, reason="", note="No.", now=NOW)
    with pytest.raises(ValidationError):
        services.deny_claim(actor=fiscal_staff, claim=claim, reason="not_covered", note="  ", now=NOW)
    services.deny_claim(actor=fiscal_staff, claim=claim, reason="not_covered", note="Trips to church are not covered.", now=NOW)
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.DENIED
    assert _promises(claim, "reimbursement-decision").get().status == Commitment.Status.MET


def test_a_second_approval_gets_a_clear_message_and_changes_nothing(resource_parent, child, fiscal_staff):
    claim = _mileage(resource_parent, child)
    services.approve_claim(actor=fiscal_staff, claim=claim, now=NOW)
    with pytest.raises(ValidationError, match="cannot be approved: it is “Approved” since"):
        services.approve_claim(actor=fiscal_staff, claim=claim, now=NOW)
    assert ClaimEvent.objects.filter(claim=claim, status=Claim.Status.APPROVED).count() == 1
    assert _promises(claim, "payment-after-approval").count() == 1


def test_the_family_hears_of_each_step_by_a_link_without_amounts_or_the_childs_name(resource_parent, child, fiscal_staff):
    claim = _mileage(resource_parent, child)
    services.ask_for_information(actor=fiscal_staff, claim=claim, reason="receipt_missing", note="Please add the parking receipt.", now=NOW)
    notices = Notification.objects.filter(recipient=resource_parent, kind__in=[Notification.Kind.CLAIM_CHANGED, Notification.Kind.CLAIM_NEEDS_INFO])
    assert notices.count() == 2
    for notice in notices:
        email = render_email(notice)
        text = email.body + "".join(str(alternative[0]) for alternative in email.alternatives)
        assert f"/money/claims/{claim.pk}/" in text
        for private in (child.first_name, child.last_name, str(claim.amount), "parking receipt"):
            assert private not in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_approving_at_the_same_moment_approve_once(service_standards, resource_parent, child, fiscal_staff):
    from tests.factories import UserFactory

    colleague = UserFactory(role="fiscal", last_name="Ortiz", email="ortiz@agency.test", team=fiscal_staff.team)
    claim = _mileage(resource_parent, child)
    start, errors, done = threading.Barrier(2), [], []

    def approve(person):
        try:
            start.wait(timeout=10)
            done.append(services.approve_claim(actor=person, claim=claim, now=NOW))
        except ValidationError as refused:
            errors.append(" ".join(refused.messages))
        finally:
            connection.close()

    workers = [threading.Thread(target=approve, args=(person,)) for person in (fiscal_staff, colleague)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(done) == 1 and len(errors) == 1 and "cannot be approved" in errors[0]
    assert ClaimEvent.objects.filter(claim=claim, status=Claim.Status.APPROVED).count() == 1
    assert Commitment.objects.filter(subject_id=claim.pk, standard__code="payment-after-approval").count() == 1
