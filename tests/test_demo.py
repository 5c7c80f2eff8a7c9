"""The demo agency (`make run`): shows every messaging and inquiry state, and loading it twice changes nothing."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import ClosedReason, ContactLog, Inquiry, Interest, Stage
from messaging.models import CallbackRequest, SavedReply, Thread, ThreadRating
from placements import selectors as placement_selectors
from placements import services as placement_services
from placements.events import selectors as event_selectors
from placements.events import services as event_services
from placements.events.models import Event, EventReminder, Invitee, Observation, VisitRequest
from placements.models import Child, DisclosureItem, FamilyNote, NeedReferral, Placement, RespiteGrant
from portal import business_days
from portal.accounts.models import Absence, Household, User
from portal.followups.models import Commitment
from portal.followups.services import open_commitments_for
from portal.notifications.models import Notification
from tests.conftest import chicago

DEMO_MODELS = [
    "accounts.User",
    "accounts.Household",
    "accounts.Absence",
    "placements.Child",
    "placements.Placement",
    "placements.Disclosure",
    "placements.DisclosureItem",
    "placements.Medication",
    "placements.ItemChange",
    "placements.FamilyNote",
    "placements.Acknowledgement",
    "placements.LastVisit",
    "placements.RespiteGrant",
    "placements.NeedReferral",
    "placements.Event",
    "placements.Invitee",
    "placements.EventReminder",
    "placements.Observation",
    "placements.VisitRequest",
    "placements.VisitSlot",
    "audit.AuditEntry",
    "messaging.Thread",
    "messaging.Message",
    "messaging.ThreadRating",
    "messaging.CallbackRequest",
    "messaging.SavedReply",
    "messaging.ContactRecord",
    "followups.Commitment",
    "notifications.Notification",
    "inquiries.Inquiry",
    "inquiries.ContactLog",
    "inquiries.StageChange",
    "inquiries.NextStep",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in DEMO_MODELS}


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_the_demo_twice_changes_nothing(db):
    _load()
    first = _counts()
    _load()
    assert _counts() == first
    assert first["messaging.Thread"] == 4
    assert first["inquiries.Inquiry"] == 9
    assert (first["placements.Placement"], first["placements.DisclosureItem"]) == (8, 88)
    assert (first["placements.Event"], first["placements.Invitee"], first["placements.VisitRequest"]) == (8, 9, 2)


def test_the_demo_shows_each_kind_of_conversation_and_who_covers(db):
    output = _load()
    now = timezone.now()
    reed, shah = User.objects.get(email="caseworker@demo.agency"), User.objects.get(email="caseworker2@demo.agency")

    absence = Absence.objects.get(worker=reed)
    assert absence.cover == shah
    assert absence.starts_on <= business_days.local_date(now) <= absence.ends_on
    assert "Mr. Reed is away until" in output and "Ms. Shah covers" in output

    assert all(household.fiscal_contact.email == "fiscal@demo.agency" for household in Household.objects.all())
    assert Placement.objects.filter(ended_on__isnull=True).count() == Child.objects.count() - 1 == 7

    waiting = Thread.objects.get(subject="Jordan's inhaler prescription")
    promise = Commitment.objects.get(subject_id=waiting.pk, subject_type__model="thread")
    assert (waiting.assigned_to, promise.owner, promise.covering_for, promise.status) == (reed, shah, reed, Commitment.Status.OPEN)
    assert promise.due_at > now

    answered = Thread.objects.get(subject="Ayuda para ropa de Maya y Leo")
    assert answered.first_reply_by.email == "fiscal@demo.agency"
    assert answered.read_states.filter(user__email="garcia@demo.family", last_read_at__gte=answered.last_message_at).exists()
    met = Commitment.objects.get(subject_id=answered.pk, subject_type__model="thread")
    assert met.status == Commitment.Status.MET and not met.late

    overdue = Thread.objects.get(subject="Training hours before our renewal")
    late = Commitment.objects.get(subject_id=overdue.pk, subject_type__model="thread")
    assert late.status == Commitment.Status.OPEN and late.due_at < now

    rated = ThreadRating.objects.get()
    assert rated.thread.closed_at is not None and rated.score == 5

    assert CallbackRequest.objects.filter(status=CallbackRequest.Status.OPEN).count() == 1
    assert sorted(SavedReply.objects.values_list("language", flat=True)) == ["en", "en", "es"]


def _first_contact(inquiry: Inquiry) -> Commitment:
    return Commitment.objects.get(subject_type__model="inquiry", subject_id=inquiry.pk)


def test_the_demo_inquiries_take_turns_and_fill_the_funnel(db):
    output = _load()
    now = timezone.now()
    inquiries = list(Inquiry.objects.order_by("received_at"))
    miller, ortiz = User.objects.get(email="resource.worker@demo.agency"), User.objects.get(email="resource.worker2@demo.agency")

    # Round robin: the two resource workers take turns, oldest inquiry first.
    assert [inquiry.worker for inquiry in inquiries] == [miller, ortiz] * 4 + [miller]
    assert inquiries[0].received_at < now - timedelta(days=80)
    assert {inquiry.language for inquiry in inquiries} == {"en", "es"}
    assert Inquiry.objects.filter(interest=Interest.KINSHIP).count() == 1
    assert "money" in Inquiry.objects.get(email="darnell.brooks@example.org").questions

    promises = {inquiry.email or inquiry.phone: _first_contact(inquiry) for inquiry in inquiries}
    late = [key for key, promise in promises.items() if promise.late]
    waiting = [key for key, promise in promises.items() if promise.status == Commitment.Status.OPEN]
    assert late == ["kevin.oneal@example.org"] and waiting == ["aisha.coleman@example.org"]
    assert promises[waiting[0]].due_at > now
    assert sum(promise.status == Commitment.Status.MET and not promise.late for promise in promises.values()) == 7

    # The voicemail was logged but did not count; he sent the form again and joined his own inquiry.
    kevin = Inquiry.objects.get(email="kevin.oneal@example.org")
    assert list(kevin.contacts.values_list("kind", flat=True)) == [ContactLog.Kind.VOICEMAIL, ContactLog.Kind.INQUIRED_AGAIN, ContactLog.Kind.SPOKE]
    assert kevin.times_received == 2 and kevin.first_contact_at > kevin.first_contact_due_at

    assert Inquiry.objects.get(stage=Stage.CLOSED).closed_reason == ClosedReason.NOT_READY
    licensed = Inquiry.objects.get(stage=Stage.LICENSED)
    assert licensed.interest == Interest.KINSHIP and not licensed.next_steps.filter(done_at__isnull=True).exists()
    applying = Inquiry.objects.get(stage=Stage.APPLICATION)
    step = applying.next_steps.get(done_at__isnull=True)
    step_promise = Commitment.objects.get(subject_type__model="nextstep", subject_id=step.pk)
    assert applying.language == "es" and step_promise.status == Commitment.Status.OPEN and step_promise.due_at > now

    # Nothing overdue is left open: the sweep has nothing to chase when the demo starts.
    assert not Commitment.objects.filter(status=Commitment.Status.OPEN, due_at__lt=now, owed_to_name__gt="").exists()

    # The printed private link opens the waiting inquirer's status page.
    link = re.search(r"http://\S+/inquire/status/(\S+)/", output)
    assert link and inquiry_services.inquiry_from_token(link.group(1)).email == "aisha.coleman@example.org"
    assert "Aisha Coleman sent an inquiry and is waiting for a first call from Ms. Miller by" in output


@pytest.mark.parametrize(
    "moment",
    [
        chicago(2026, 11, 16, 0, 30),  # a Monday just after midnight
        chicago(2026, 11, 20, 17, 30),  # a Friday after the office closes
        chicago(2026, 11, 25, 16, 0),  # the eve of Thanksgiving
        chicago(2027, 1, 2, 11, 0),  # a Saturday just after New Year
    ],
)
def test_the_demo_inquiries_happen_in_the_past_whatever_day_it_is_loaded(db, time_machine, moment):
    time_machine.move_to(moment, tick=False)
    _load()
    assert not ContactLog.objects.filter(at__gt=moment).exists()
    assert Inquiry.objects.filter(stage=Stage.NEW).count() == 1
    assert Commitment.objects.filter(status=Commitment.Status.OPEN, owed_to_name__gt="", due_at__lt=moment).count() == 0
    assert Commitment.objects.filter(late=True, owed_to_name__gt="").count() == 1
    # Every invitation went out before the load; only Sofi's shelter hearing was invited late.
    assert not Event.objects.filter(invited_at__gt=moment).exists()
    assert list(Event.objects.filter(late_notice=True).values_list("hearing_type", flat=True)) == [Event.HearingType.SHELTER]
    leo_meeting = Event.objects.get(kind=Event.Kind.FAMILY_TEAM_MEETING, child__first_name="Leo")
    assert leo_meeting.ends_at <= moment and leo_meeting.outcome_promised_at is not None
    # The disclosure promises are all ahead: the urgent medication one too, even just after closing time.
    placement_promises = Commitment.objects.filter(subject_type__app_label="placements", status=Commitment.Status.OPEN)
    assert placement_promises.filter(standard__code="medication-at-placement").count() == 1
    assert not placement_promises.filter(due_at__lte=moment).exists()
    assert not Placement.objects.filter(placed_at__gt=moment).exists()


def _placement(first_name: str) -> Placement:
    return Placement.objects.select_related("disclosure", "child", "household").get(child__first_name=first_name)


def test_the_demo_children_have_disclosures_in_every_state(db):
    output = _load()
    now = timezone.now()
    shah = User.objects.get(email="caseworker2@demo.agency")
    assert all(hasattr(placement, "disclosure") for placement in Placement.objects.all())
    assert all(placement.disclosure.items.count() == 11 for placement in Placement.objects.all())

    # Two brothers and sisters arrived at the Garcias an hour ago; Sofi's medicine did not come.
    sofi, mateo = _placement("Sofía"), _placement("Mateo")
    assert (sofi.child.called, sofi.household.name, sofi.medication) == ("Sofi", "The Garcia family", Placement.Medication.DID_NOT_COME)
    assert list(sofi.child.siblings.all()) == [mateo.child]
    urgent = placement_selectors.medication_promise(sofi)
    assert urgent.owner == shah and now < urgent.due_at <= business_days.deadline(now, 1)
    assert "Sofi's medicine did not come: Ms. Shah gets it to them by" in output
    rows = placement_selectors.item_rows(sofi.disclosure, since=None)
    medicines = next(row.item for row in rows if row.item.entry.code == "medications")
    assert medicines.status == DisclosureItem.Status.KNOWN and medicines.medications.get().name == "Montelukast (chewable)"
    pending = [row for row in rows if row.item.is_pending]
    assert len(pending) == 7 and all(row.promise.owner == shah and row.promise.due_at > now for row in pending)
    assert mateo.disclosure.items.filter(status=DisclosureItem.Status.PENDING).count() == 8

    # Maya and Leo: everything known, one item not known after asking, and two changes the family has not seen.
    maya, leo = _placement("Maya"), _placement("Leo")
    unknown = leo.disclosure.items.get(status=DisclosureItem.Status.UNKNOWN)
    assert unknown.entry.code == "triggers" and "Dr. Banks" in unknown.asked_whom
    assert not DisclosureItem.objects.filter(disclosure__placement__in=[maya, leo], status=DisclosureItem.Status.PENDING).exists()
    elena = User.objects.get(email="garcia@demo.family")
    acknowledged = placement_selectors.last_acknowledgement(elena, maya.disclosure)
    assert acknowledged.version < maya.disclosure.version
    assert placement_selectors.last_acknowledgement(elena, leo.disclosure).version == leo.disclosure.version
    assert FamilyNote.objects.get(item__disclosure=maya.disclosure).written_by == elena
    grant = RespiteGrant.objects.get()
    assert grant.placement == maya and grant.starts_at <= now < grant.expires_at
    assert sorted(grant.entries.values_list("code", flat=True)) == ["allergies", "behaviours", "contacts", "medications"]
    token = re.search(r"/children/respite/(\S+)/", output).group(1)
    assert placement_services.usable_respite_grant(token, now=now) == grant
    need = NeedReferral.objects.get()
    assert (need.placement, need.status) == (maya, NeedReferral.Status.ASKING)

    # Noah went home last week: the Garcias keep only the note they wrote.
    noah = _placement("Noah")
    assert noah.ended_on < business_days.local_date(now) and noah.end_reason == Placement.EndReason.REUNIFIED
    assert [note.body[:7] for note in placement_selectors.own_notes(elena, noah)] == ["A Noah "]
    assert not Commitment.objects.filter(subject_type__model="disclosureitem", subject_id__in=noah.disclosure.items.values("pk"), status=Commitment.Status.OPEN).exists()

    # Both caseworkers have bars on the completeness chart, and they differ.
    by_worker, by_office = placement_selectors.completeness(User.objects.get(email="supervisor@demo.agency"), now=now)
    bars = {row.label: row for row in by_worker}
    assert set(bars) == {"Mr. Reed", "Ms. Shah"}
    assert all(row.placements >= 3 and row.day_one > 0 for row in bars.values())
    assert bars["Mr. Reed"].day_one != bars["Ms. Shah"].day_one and bars["Mr. Reed"].day_five < 100
    assert [row.label for row in by_office] == ["Hinds County Office"]


def test_the_demo_family_sees_their_children_and_what_changed(db, client):
    _load()
    elena = User.objects.get(email="garcia@demo.family")
    client.force_login(elena)
    listing = client.get("/children/")
    assert listing.status_code == 200
    assert sorted(placement.child.called for placement in listing.context["placements"]) == ["Leo", "Mateo", "Maya", "Sofi"]
    assert [placement.child.first_name for placement in listing.context["past"]] == ["Noah"]

    sofi = _placement("Sofía")
    page = client.get(f"/children/{sofi.pk}/")
    assert page.status_code == 200
    assert page.context["medication_promise"].owner.email == "caseworker2@demo.agency"
    assert "Sofi" in page.text and "Montelukast (chewable)" in page.text

    maya = _placement("Maya")
    page = client.get(f"/children/{maya.pk}/")
    assert page.status_code == 200
    assert sorted(row.item.entry.code for row in page.context["rows"] if row.is_new) == ["court", "school"]
    assert not page.context["read_current"]
    assert "Ms. Okafor" in page.text and "Maya duerme mejor" in page.text

    noah = _placement("Noah")
    assert client.get(f"/children/{noah.pk}/").status_code == 404
    assert client.get(f"/children/past/{noah.pk}/").status_code == 200


def test_a_demo_database_from_before_disclosures_gets_them(db):
    """`make run` on an older demo database, whose children were placed without a checklist: they get one."""
    _load()
    old = list(Placement.objects.filter(child__last_name="Lopez").values("child_id", "household_id", "started_on"))
    # Such a database had no money either (board payments and claims came after disclosures).
    from reimbursements.models import BoardPayment, Claim

    BoardPayment.objects.filter(placement__child__last_name="Lopez").delete()
    Claim.objects.filter(placement__child__last_name="Lopez").delete()
    Placement.objects.filter(child__last_name="Lopez").delete()
    Placement.objects.bulk_create([Placement(**row) for row in old])
    _load()
    assert Child.objects.filter(first_name="Maya").count() == 1
    for placement in Placement.objects.filter(child__last_name="Lopez"):
        assert placement.disclosure.items.count() == 11 and placement.placed_at is not None


def _event(**filters) -> Event:
    return Event.objects.select_related("organiser").get(household__name="The Garcia family", **filters)


def test_the_demo_calendar_shows_every_state_of_an_event(db):
    output = _load()
    now = timezone.now()
    today = business_days.local_date(now)
    reed, shah = User.objects.get(email="caseworker@demo.agency"), User.objects.get(email="caseworker2@demo.agency")
    carter, elena = User.objects.get(email="supervisor@demo.agency"), User.objects.get(email="garcia@demo.family")

    # Maya's review hearing: invited in good time, observations confirmed, transport owed by whoever covers Mr. Reed.
    review = _event(hearing_type=Event.HearingType.REVIEW)
    assert (review.organiser, review.late_notice) == (reed, False) and review.notice_business_days >= 5
    answer = review.invitees.get(user=elena)
    assert answer.response == Invitee.Response.TRANSPORT and answer.responded_at < now
    help_promise = open_commitments_for(answer).get()
    assert (help_promise.standard.code, help_promise.owner, help_promise.covering_for) == ("event-help", shah, reed)
    assert help_promise.due_at > now
    observation = Observation.objects.get(event=review)
    assert observation.acknowledged_by == reed
    receipt = Commitment.objects.get(standard__code="observation-receipt", subject_id=observation.pk)
    assert receipt.status == Commitment.Status.MET and not receipt.late
    assert "Mrs. Garcia needs transport: Ms. Shah arranges it by" in output

    # Next week: Maya's family team meeting, her grandmother invited by e-mail; not answered yet.
    meeting = _event(kind=Event.Kind.FAMILY_TEAM_MEETING, child__first_name="Maya")
    assert 7 <= (business_days.local_date(meeting.starts_at) - today).days <= 11 and not meeting.late_notice
    assert [(i.name, i.email, i.response) for i in meeting.invitees.filter(user__isnull=True)] == [("Rosa Lopez", "rosa.lopez@example.org", "")]

    # Sofi's shelter hearing: invited today with less than the standard's notice; the supervisor was told and lists it.
    shelter = _event(hearing_type=Event.HearingType.SHELTER)
    assert (shelter.organiser, shelter.late_notice) == (shah, True) and shelter.notice_business_days < 5
    assert Notification.objects.filter(recipient=carter, kind=Notification.Kind.LATE_INVITATION, link__contains=f"/{shelter.pk}/").exists()
    assert list(event_selectors.late_invitations(carter, now=now)) == [shelter]
    assert "Sofi's shelter hearing" in output and "late invitations" in output

    # A month ago: the disposition hearing, with its outcome posted on time and Mrs. Garcia's attendance.
    disposition = _event(hearing_type=Event.HearingType.DISPOSITION)
    assert disposition.ends_at < now - timedelta(days=20) and disposition.outcome_by == reed
    assert disposition.next_hearing_on == business_days.local_date(review.starts_at)
    assert disposition.invitees.get(user=elena).attended is True
    posted = Commitment.objects.get(standard__code="hearing-outcome", subject_id=disposition.pk)
    assert posted.status == Commitment.Status.MET and not posted.late
    assert [trip.event_id for trip in event_services.attended_trips(household=elena.household, since=today - timedelta(days=60), until=today)] == [disposition.pk]

    # Leo's family team meeting is over and its outcome is owed (the promise the beat opens), not yet overdue.
    owed = _event(kind=Event.Kind.FAMILY_TEAM_MEETING, child__first_name="Leo")
    assert owed.ends_at <= now and not owed.outcome
    outcome_promise = open_commitments_for(owed).get()
    assert outcome_promise.standard.code == "hearing-outcome" and outcome_promise.due_at > now
    assert "The outcome of Leo's family team meeting is owed" in output

    # Moved with a reason (same entry, a higher sequence), and cancelled with a reason.
    moved = _event(kind=Event.Kind.BIRTH_FAMILY_VISIT)
    assert (moved.status, moved.sequence) == (Event.Status.SCHEDULED, 1) and "repainted" in moved.change_reason
    assert moved.starts_at > now and business_days.local_date(moved.starts_at).weekday() == 6
    cancelled = _event(kind=Event.Kind.CASE_PLAN_REVIEW)
    assert cancelled.is_cancelled and "family team meeting" in cancelled.change_reason

    # Visits at times that suit the family: the licence visit waits for Ms. Miller; Mr. Reed's is booked.
    licence = VisitRequest.objects.get(kind=Event.Kind.LICENSING_VISIT)
    assert (licence.status, licence.worker.email, licence.event) == (VisitRequest.Status.OFFERED, "resource.worker@demo.agency", None)
    assert [slot.offered_by for slot in licence.slots.all()] == [elena] * 3 and all(slot.starts_at > now for slot in licence.slots.all())
    booked = VisitRequest.objects.get(kind=Event.Kind.CASEWORKER_VISIT)
    assert booked.status == VisitRequest.Status.BOOKED and booked.event.starts_at > now
    assert booked.event in event_selectors.staff_calendar(reed, now=now) and booked.event in event_selectors.family_calendar(elena, now=now)

    # Nothing is overdue, and no reminder went out twice.
    assert not Commitment.objects.filter(subject_type__app_label="placements", status=Commitment.Status.OPEN, due_at__lte=now).exists()
    assert EventReminder.objects.count() == EventReminder.objects.values("invitee", "days_before", "starts_at").distinct().count()


def test_the_demo_family_sees_their_calendar(db, client):
    _load()
    elena = User.objects.get(email="garcia@demo.family")
    client.force_login(elena)
    page = client.get("/calendar/")
    assert page.status_code == 200
    upcoming, past = page.context["upcoming"], page.context["past"]
    assert {e.hearing_type or e.kind for e in upcoming} >= {
        Event.HearingType.REVIEW, Event.HearingType.SHELTER, Event.Kind.FAMILY_TEAM_MEETING, Event.Kind.CASEWORKER_VISIT
    }
    assert [e.hearing_type or e.kind for e in past] == [Event.Kind.FAMILY_TEAM_MEETING, Event.HearingType.DISPOSITION]
    assert [visit.kind for visit in page.context["visits"]] == [Event.Kind.LICENSING_VISIT]

    review = _event(hearing_type=Event.HearingType.REVIEW)
    month = client.get(f"/calendar/?month={review.starts_at.astimezone(business_days.agency_zone()):%Y-%m}")
    assert month.status_code == 200
    days = [day for week in month.context["weeks"] for day in week if day.in_month]
    assert review in [event for day in days for event in day.events]
    assert client.get("/calendar/?view=month").status_code == 200

    disposition = _event(hearing_type=Event.HearingType.DISPOSITION)
    page = client.get(f"/calendar/{disposition.pk}/")
    assert page.status_code == 200 and "The judge read your report and thanked you for coming." in page.text
    page = client.get(f"/calendar/{review.pk}/")
    assert page.status_code == 200 and "Our car is in the repair shop until the end of the month." in page.text
    assert page.context["help_promise"].owner.email == "caseworker2@demo.agency"
    licence = VisitRequest.objects.get(kind=Event.Kind.LICENSING_VISIT)
    assert client.get(f"/calendar/visits/{licence.pk}/").status_code == 200

    # Another family sees none of it.
    client.force_login(User.objects.get(email="johnson@demo.family"))
    assert client.get(f"/calendar/{review.pk}/").status_code == 404
    assert not client.get("/calendar/").context["upcoming"]


def test_the_demo_money_shows_every_step_a_family_and_fiscal_staff_meet(db, client):
    """Board paid, sent and held; the clothing allowance; claims waiting on the family, on fiscal staff, paid and refused."""
    from reimbursements.models import BoardPayment, Claim

    _load()
    statuses = set(BoardPayment.objects.values_list("status", flat=True))
    assert {BoardPayment.Status.PAID, BoardPayment.Status.SCHEDULED, BoardPayment.Status.HELD} <= statuses
    garcia = Claim.objects.filter(household__name="The Garcia family").exclude(kind=Claim.Kind.CLOTHING)
    assert set(garcia.values_list("status", flat=True)) == {Claim.Status.MORE_INFO, Claim.Status.APPROVED, Claim.Status.PAID, Claim.Status.DENIED}
    mileage = garcia.get(kind=Claim.Kind.MILEAGE)
    assert mileage.items.get().event_id is not None  # prefilled from the hearing Mrs. Garcia attended
    assert Claim.objects.filter(kind=Claim.Kind.CLOTHING, status=Claim.Status.PAID).exists()
    assert Claim.objects.filter(status=Claim.Status.SUBMITTED).count() == 2  # the Nguyens' (overdue) and the Johnsons' (new)

    elena = User.objects.get(email="garcia@demo.family")
    client.force_login(elena)
    page = client.get(reverse("reimbursements:family_money")).content.decode()
    assert mileage.reference in page
