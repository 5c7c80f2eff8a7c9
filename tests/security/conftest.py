"""One agency with something of every kind for the Garcias (household A), and the people who may or may not see it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from inquiries import services as inquiry_services
from messaging import services as messaging_services
from messaging.attachments import CheckedFile, check_attachment
from messaging.models import Attachment, ContactRecord, Topic
from placements import recognition
from placements import services as placement_services
from placements.events import services as event_services
from placements.events.models import Event, Invitee
from placements.models import ChecklistEntry, DisclosureItem, Recognition
from portal.accounts.models import Role
from portal.accounts.services import invite_family_member
from portal.followups.models import Heartbeat
from portal.followups.services import open_commitment
from portal.management.commands._demo_reimbursements import RECEIPT_JPEG
from portal.notifications.models import Notification
from portal.satisfaction import services as survey_services
from reimbursements import services as money_services
from reimbursements.models import BoardPayment, Claim
from reimbursements.services import ItemInput
from tests.conftest import chicago
from tests.factories import ChildFactory, CountyFactory, HouseholdFactory, OfficeFactory, ParentFactory, PlacementFactory, TeamFactory, UserFactory

NOW = chicago(2027, 3, 1, 10, 0)  # a Monday morning
PDF = b"%PDF-1.4\n%%EOF\n"


def _item(placement, code) -> DisclosureItem:
    return DisclosureItem.objects.get(disclosure__placement=placement, entry__code=code)


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def agency(
    office, team, supervisor, caseworker, colleague, resource_worker, fiscal_staff, household, resource_parent, other_family,
    time_machine, settings, tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)
    administrator = office.program_manager
    administrator.is_staff = administrator.is_superuser = True
    administrator.save(update_fields=["is_staff", "is_superuser"])
    elsewhere = OfficeFactory(name="Far office", county=CountyFactory(name="Rankin"))
    other_supervisor = UserFactory(role=Role.SUPERVISOR, title="Mr.", last_name="Ortiz", email="ortiz@agency.test")
    other_team = TeamFactory(office=elsewhere, supervisor=other_supervisor)
    other_supervisor.team = other_team
    other_supervisor.save(update_fields=["team"])
    browns = HouseholdFactory(name="The Brown family", county=office.county, resource_worker=resource_worker)
    ended_family = ParentFactory(household=browns, title="Mrs.", last_name="Brown", email="brown@family.test")
    no_mfa = UserFactory(role=Role.ADMINISTRATOR, last_name="Newcomer", email="newcomer@agency.test", with_mfa=False)

    # Maya lived with the Browns in January, and lives with the Garcias since 15 February.
    maya = ChildFactory(first_name="Ximena", last_name="Lopez-Quade", caseworker=caseworker, date_of_birth=date(2018, 1, 1))
    january = chicago(2027, 1, 11, 10)
    (ended,) = placement_services.place_children(actor=caseworker, household=browns, children=[maya], started_on=january.date(),
                                                 medication={maya.pk: "all_came"}, now=january)
    placement_services.end_placement(actor=caseworker, placement=ended, ended_on=date(2027, 2, 12), end_reason="relative",
                                     now=chicago(2027, 2, 12, 12))
    mid_feb = chicago(2027, 2, 15, 10)
    (current,) = placement_services.place_children(actor=caseworker, household=household, children=[maya], started_on=mid_feb.date(),
                                                   medication={maya.pk: "did_not_come"}, now=mid_feb)
    behaviours = _item(current, "behaviours")
    placement_services.update_item(actor=caseworker, item=behaviours, status="known", content="Night light helps", revision=0, now=mid_feb)
    allergies = ChecklistEntry.objects.get(code="allergies")
    lapsed_grant, lapsed_link = placement_services.grant_respite(
        actor=caseworker, placement=current, provider_name="Ms. Alvarez", entries=[allergies],
        starts_at=chicago(2027, 2, 16, 9), expires_at=chicago(2027, 2, 18, 18), now=chicago(2027, 2, 16, 8),
    )
    open_grant, open_link = placement_services.grant_respite(
        actor=caseworker, placement=current, provider_name="Mr. Okafor", entries=[allergies],
        starts_at=chicago(2027, 2, 28, 9), expires_at=chicago(2027, 3, 5, 18), now=chicago(2027, 2, 27, 9),
    )
    asking = placement_services.propose_need(actor=caseworker, placement=current, need="A coat", source="Closet", now=mid_feb)
    consented = placement_services.propose_need(actor=caseworker, placement=current, need="A crib", source="Closet", now=mid_feb)
    placement_services.answer_need(user=resource_parent, referral=consented, consent=True, now=mid_feb)
    shared = placement_services.propose_need(actor=caseworker, placement=current, need="Shoes", source="Closet", now=mid_feb)
    placement_services.answer_need(user=resource_parent, referral=shared, consent=True, now=mid_feb)
    placement_services.share_need(actor=caseworker, referral=shared, now=mid_feb)
    # The Johnsons have a child of their own, so that their pages are not empty by accident.
    PlacementFactory(child=ChildFactory(first_name="Kiara", caseworker=caseworker), household=other_family.household, started_on=date(2027, 1, 4))

    # A conversation with a photo, a call-back, a saved reply, and a promise to call back.
    week_ago = NOW - timedelta(days=7)
    photo = SimpleUploadedFile("pharmacy.jpg", RECEIPT_JPEG, content_type="image/jpeg")
    thread = messaging_services.start_thread(
        household=household, topic=Topic.CHILD, about=maya, subject="The inhaler", body="A photo of the receipt",
        attachments=[check_attachment(photo)], author=resource_parent, now=week_ago,
    )
    closed = messaging_services.start_thread(
        household=household, topic=Topic.CHILD, about=maya, subject="School shoes", body="All sorted, thank you.", author=resource_parent, now=week_ago,
    )
    messaging_services.close_thread(thread=closed, actor=resource_parent, now=week_ago)
    callback = messaging_services.request_callback(
        household=household, requested_by=resource_parent, phone="601-555-0142", reason="About the visit", to_user=caseworker, now=week_ago,
    )
    saved = messaging_services.save_reply(actor=caseworker, title="Pharmacy", body="Dear …", language="en")
    record = ContactRecord.objects.create(household=household, kind=ContactRecord.Kind.CALL, received_at=week_ago, summary="Please call",
                                          recorded_by=caseworker)
    promise = open_commitment(standard="return-call", subject=record, owner=caseworker, household=household, received_at=week_ago, now=week_ago)

    # An inquiry from someone thinking of fostering in the Garcias' county.
    inquiry = inquiry_services.submit_inquiry(
        name="Ana Inquirer", email="ana@example.org", phone="601 555 0101", contact_way="phone", best_time="", language="en",
        county=office.county, interest="foster", questions="How long does it take?", now=week_ago,
    ).inquiry
    step = inquiry_services.promise_next_step(inquiry=inquiry, description="Send the orientation dates", actor=inquiry.worker, now=week_ago)

    # A hearing (answered: they need transport; observations with a letter), a meeting that took place, a visit request.
    hearing = event_services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=maya,
        starts_at=chicago(2027, 3, 9, 10), ends_at=chicago(2027, 3, 9, 11), place="Hinds County Youth Court", purpose="Review", now=week_ago,
    )
    invitee = event_services.respond(user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, now=week_ago)
    letter = SimpleUploadedFile("school-letter.pdf", PDF, content_type="application/pdf")
    observation = event_services.submit_observations(user=resource_parent, event=hearing, body="She is settling in",
                                                     files=[check_attachment(letter)], now=week_ago)
    meeting = event_services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=maya, starts_at=chicago(2027, 2, 28, 10),
        ends_at=chicago(2027, 2, 28, 11), place="Office room 2", now=week_ago,
    )
    visit = event_services.ask_for_visit_times(
        actor=resource_worker, household=household, kind=Event.Kind.LICENSING_VISIT, purpose="Yearly licensing visit",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 12), now=week_ago,
    )

    # Money: a claim with a receipt, the board payments for February, an accounting file.
    receipt = CheckedFile(file=ContentFile(RECEIPT_JPEG, name="daycare.jpg"), name="daycare.jpg", content_type="image/jpeg", size=len(RECEIPT_JPEG))
    claim = money_services.submit_claim(
        user=resource_parent, kind=Claim.Kind.CHILD_CARE, child=maya, receipts=[receipt], now=NOW - timedelta(days=3),
        items=[ItemInput(on=date(2027, 2, 22), description="Day care", amount=Decimal("40.00"))],
    )
    money_services.generate_board_payments(month=date(2027, 2, 1), now=NOW)
    approved = money_services.submit_claim(
        user=resource_parent, kind=Claim.Kind.MILEAGE, child=maya, now=NOW - timedelta(days=5),
        items=[ItemInput(on=date(2027, 2, 22), description="Court", miles=Decimal("10"), from_place="Home", to_place="Court")],
    )
    money_services.approve_claim(actor=fiscal_staff, claim=approved, now=NOW - timedelta(days=4))
    batch, _ = money_services.upload_import(
        actor=fiscal_staff, name="payments.csv", now=NOW,
        raw=f"reference,paid_date,amount,payment_number\n{approved.reference},2027-02-26,{approved.amount},EFT-1\n".encode(),
    )

    # Two years since the Garcias were licensed: a thank-you to send. A survey link. An invitation for a second parent.
    household.licensed_on = date(2025, 3, 1)
    household.save(update_fields=["licensed_on"])
    recognition.find_recognitions(now=NOW)
    survey_services.ask(occasion="thread_closed", recipient=resource_parent, now=week_ago)
    survey_link = Notification.objects.filter(kind=Notification.Kind.SURVEY).latest("pk").link
    _, invitation_token = invite_family_member(household=household, email="second.parent@example.org", actor=resource_worker)

    Heartbeat.beat("sweep", at=NOW)  # the health check: the sweep has just finished
    people = {
        "parent": resource_parent, "other_family": other_family, "ended_family": ended_family,
        "caseworker": caseworker, "off_case": colleague, "resource_worker": resource_worker, "supervisor": supervisor,
        "other_supervisor": other_supervisor, "fiscal": fiscal_staff, "administrator": administrator, "no_mfa": no_mfa,
    }
    args = {
        "placement": [current.pk], "ended_placement": [ended.pk], "item": [current.pk, behaviours.pk], "item_id": [behaviours.pk],
        "asking_need": [asking.pk], "consented_need": [consented.pk], "shared_need": [shared.pk], "grant": [open_grant.pk],
        "respite_current": [_token(open_link)], "respite_lapsed": [_token(lapsed_link)],
        "thread": [thread.pk], "closed_thread": [closed.pk], "attachment": [Attachment.objects.get(message__thread=thread).pk],
        "callback": [callback.pk], "saved": [saved.pk],
        "promise": [promise.pk], "worker": [caseworker.pk], "household": [household.pk], "invitation": [invitation_token],
        "inquiry": [inquiry.pk], "step": [step.pk], "inquiry_token": [inquiry_services.status_token(inquiry)],
        "hearing": [hearing.pk], "meeting": [meeting.pk], "invitee": [invitee.pk], "observation": [observation.pk],
        "observation_file": [observation.files.get().pk], "visit": [visit.pk],
        "claim": [claim.pk], "receipt": [claim.pk, claim.receipts.get().pk], "month": [2027, 2],
        "board": [BoardPayment.objects.get(placement=current).pk], "batch": [batch.pk],
        "recognition": [Recognition.objects.get(household=household).pk], "survey": [_token(survey_link)],
    }
    return {"people": people, "args": args, "household": household}
