"""Events through their services and forms: every bad input of issue 7 gets a clear refusal and leaves nothing
half-made, and every promise (notice, help to attend, receipt, outcome) is opened and met as a family would notice.

Monday 1 March 2027, 09:00 in the agency's zone is "now" unless a test says otherwise; no holiday that month.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from placements.events import policies, services
from placements.events.forms import EventForm, ObservationsForm, SlotForm
from placements.events.models import Event, EventReminder, Invitee, Observation, ObservationFile, VisitRequest, VisitSlot
from placements.models import Placement
from portal.accounts.models import Household
from portal.accounts.services import record_absence
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import deliver_notification, render_email
from tests.conftest import chicago
from tests.factories import ChildFactory, HouseholdFactory, ParentFactory, PlacementFactory

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2027, 3, 1, 9, 0)
NEXT_TUESDAY_10 = chicago(2027, 3, 9, 10, 0)  # 5 business days after Monday the 1st (2, 3, 4, 5 and 8 March)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _hearing(caseworker, child, *, starts_at=NEXT_TUESDAY_10, now=MONDAY_9, **extra) -> Event:
    fields = {"place": "Hinds County Youth Court, Room 2", "hearing_type": Event.HearingType.REVIEW, **extra}
    return services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, child=child, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
        now=now, **fields,
    )


@pytest.fixture
def hearing(caseworker, child, resource_parent):
    return _hearing(caseworker, child, purpose="Review of Maya Lopez's case plan")


def _promise(standard: str, subject) -> Commitment:
    return Commitment.objects.get(standard__code=standard, subject_id=subject.pk)


def _calendar_of(notification: Notification) -> tuple[Calendar, object]:
    """Deliver one stored notification and read back the calendar file its e-mail carries."""
    mail.outbox.clear()
    assert deliver_notification(notification_id=notification.pk, now=notification.created_at)
    (message,) = mail.outbox
    files = [attachment for attachment in message.attachments if attachment[0].endswith(".ics")]
    assert len(files) == 1, [attachment[0] for attachment in message.attachments]
    assert files[0][2].startswith("text/calendar")
    return Calendar.from_ical(files[0][1]), message


def _everything_counted():
    return (Event.objects.count(), Invitee.objects.count(), Notification.objects.count(), Commitment.objects.count())


# --- Scheduling: refusals leave nothing behind ------------------------------------------------


@pytest.mark.parametrize(
    "starts_at, ends_at, field, words",
    [
        (chicago(2027, 3, 1, 8, 0), chicago(2027, 3, 1, 9, 30), "starts_at", "already passed"),  # started an hour ago
        (MONDAY_9, chicago(2027, 3, 1, 10, 0), "starts_at", "already passed"),  # exactly now
        (chicago(2027, 2, 26, 10, 0), chicago(2027, 2, 26, 11, 0), "starts_at", "already passed"),  # last Friday
        (NEXT_TUESDAY_10, NEXT_TUESDAY_10 - timedelta(minutes=30), "ends_at", "end must be after the start"),
        (NEXT_TUESDAY_10, NEXT_TUESDAY_10, "ends_at", "end must be after the start"),
        (NEXT_TUESDAY_10, NEXT_TUESDAY_10 + timedelta(hours=12, minutes=1), "ends_at", "at most 12 hours"),
    ],
    ids=["in-the-past", "starting-now", "last-week", "end-before-start", "no-length", "over-12-hours"],
)
def test_an_event_at_an_impossible_time_is_refused_with_words_and_nothing_is_sent(
    caseworker, child, resource_parent, starts_at, ends_at, field, words
):
    before = _everything_counted()
    with pytest.raises(ValidationError) as refused:
        services.schedule_event(
            actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=starts_at, ends_at=ends_at,
            place="Jackson office", now=MONDAY_9,
        )
    assert words in " ".join(refused.value.message_dict[field])
    assert _everything_counted() == before


def test_twelve_hours_exactly_is_allowed(caseworker, child, resource_parent):
    event = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=NEXT_TUESDAY_10,
        ends_at=NEXT_TUESDAY_10 + timedelta(hours=12), place="Jackson office", now=MONDAY_9,
    )
    assert event.ends_at - event.starts_at == timedelta(hours=12)


def test_an_event_with_neither_a_place_nor_a_video_link_is_refused(caseworker, child, resource_parent):
    before = _everything_counted()
    with pytest.raises(ValidationError) as refused:
        _hearing(caseworker, child, place="   ", video_link="")
    assert "Say where it happens" in refused.value.message_dict["place"][0]
    assert _everything_counted() == before
    video_only = _hearing(caseworker, child, place="", video_link="https://court.example.org/room/2")
    assert video_only.video_link and not video_only.place


def test_a_hearing_without_its_type_is_refused_and_other_events_drop_a_stray_type(caseworker, child, resource_parent):
    with pytest.raises(ValidationError) as refused:
        _hearing(caseworker, child, hearing_type="")
    assert refused.value.message_dict["hearing_type"] == ["Choose the type of hearing."]
    with pytest.raises(ValidationError):
        _hearing(caseworker, child, hearing_type="trial-by-combat")
    assert not Event.objects.exists()
    meeting = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, hearing_type=Event.HearingType.REVIEW, child=child,
        starts_at=NEXT_TUESDAY_10, ends_at=NEXT_TUESDAY_10 + timedelta(hours=1), place="Jackson office", now=MONDAY_9,
    )
    assert meeting.hearing_type == "" and meeting.title == "Family team meeting"


def test_an_unknown_kind_of_event_is_refused(caseworker, child, resource_parent):
    with pytest.raises(ValidationError) as refused:
        services.schedule_event(
            actor=caseworker, kind="party", child=child, starts_at=NEXT_TUESDAY_10, ends_at=NEXT_TUESDAY_10 + timedelta(hours=1),
            place="Park", now=MONDAY_9,
        )
    assert "kind" in refused.value.message_dict


def test_a_child_who_is_not_placed_now_cannot_have_an_event(caseworker, child, resource_parent):
    waiting = ChildFactory(first_name="Noor", last_name="Waits", caseworker=caseworker)  # on the caseload, no family yet
    with pytest.raises(ValidationError) as refused:
        _hearing(caseworker, waiting)
    assert refused.value.message_dict["child"] == ["Noor is not placed with a resource family now."]
    Placement.objects.filter(child=child).update(ended_on=date(2027, 2, 20))  # Maya's placement ended
    with pytest.raises(ValidationError):
        _hearing(caseworker, child)
    assert not Event.objects.exists()


def test_a_child_not_on_the_caseworkers_caseload_is_refused(caseworker, colleague, supervisor, child, resource_parent):
    before = _everything_counted()
    with pytest.raises(PermissionDenied) as refused:
        _hearing(colleague, child)
    assert "children on your caseload" in str(refused.value)
    assert _everything_counted() == before
    # The same colleague covering Mr. Reed today may, and so may his supervisor.
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 5), actor=caseworker, now=MONDAY_9)
    assert _hearing(colleague, child).organiser == colleague
    assert _hearing(supervisor, child).organiser == supervisor


def test_a_licensing_visit_needs_the_familys_resource_worker(resource_worker, caseworker, household, resource_parent, other_family):
    with pytest.raises(ValidationError) as refused:
        services.schedule_event(
            actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, starts_at=NEXT_TUESDAY_10, ends_at=NEXT_TUESDAY_10 + timedelta(hours=1),
            place="At home", now=MONDAY_9,
        )
    assert "household" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.schedule_event(
            actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=other_family.household, starts_at=NEXT_TUESDAY_10,
            ends_at=NEXT_TUESDAY_10 + timedelta(hours=1), place="At home", now=MONDAY_9,
        )
    visit = services.schedule_event(
        actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=household, starts_at=NEXT_TUESDAY_10,
        ends_at=NEXT_TUESDAY_10 + timedelta(hours=1), place="At home", now=MONDAY_9,
    )
    assert list(visit.invitees.values_list("user", flat=True)) == [resource_parent.pk]


def _event_form(data, caseworker):
    from placements import policies as placement_policies

    return EventForm(data, children=placement_policies.staff_children(caseworker, now=MONDAY_9), households=Household.objects.none())


@pytest.mark.parametrize(
    "day, starts, ends",
    [("2027-11-07", "01:30", "02:30"), ("2027-03-14", "02:30", "03:30"), ("2027-11-07", "00:30", "01:15"), ("2027-03-14", "01:00", "02:15")],
    ids=["repeated-start", "skipped-start", "repeated-end", "skipped-end"],
)
def test_a_time_the_clocks_repeat_or_skip_is_refused_by_the_form_with_a_clear_message(caseworker, child, resource_parent, day, starts, ends):
    form = _event_form(
        {"kind": "court_hearing", "hearing_type": "review", "child": child.pk, "day": day, "starts": starts, "ends": ends, "place": "Court"},
        caseworker,
    )
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "The clocks change at that time on this day, so it happens twice or not at all. Choose a time at least an hour away."
    ]
    assert not Event.objects.exists() and not Notification.objects.exists()


def test_the_same_times_an_hour_away_from_the_change_are_accepted_in_the_right_offset(caseworker, child, resource_parent):
    autumn = _event_form(
        {"kind": "court_hearing", "hearing_type": "review", "child": child.pk, "day": "2027-11-07", "starts": "03:00", "ends": "04:00", "place": "Court"},
        caseworker,
    )
    assert autumn.is_valid(), autumn.errors
    assert autumn.cleaned_data["starts_at"] == chicago(2027, 11, 7, 3, 0) and autumn.cleaned_data["starts_at"].utcoffset() == timedelta(hours=-6)
    spring = SlotForm({"day": "2027-03-14", "starts": "03:30", "ends": "04:30"})
    assert spring.is_valid(), spring.errors
    assert spring.cleaned_data["starts_at"].utcoffset() == timedelta(hours=-5)
    assert not SlotForm({"day": "2027-03-14", "starts": "02:00", "ends": "04:30"}).is_valid()


def test_the_form_reads_guests_one_per_line_and_names_the_line_it_cannot_read(caseworker, child, resource_parent):
    base = {"kind": "family_team_meeting", "child": child.pk, "day": "2027-03-09", "starts": "10:00", "ends": "11:00", "place": "Office"}
    good = _event_form({**base, "guests": "Ana Ruiz, ana.ruiz@example.org\n\n  gal@example.org  "}, caseworker)
    assert good.is_valid(), good.errors
    assert [(g.name, g.email) for g in good.cleaned_data["guests"]] == [("Ana Ruiz", "ana.ruiz@example.org"), ("gal@example.org", "gal@example.org")]
    bad = _event_form({**base, "guests": "Ana Ruiz, ana.ruiz@example.org\nDr. Who at the clinic"}, caseworker)
    assert not bad.is_valid()
    assert bad.errors["guests"] == ["“Dr. Who at the clinic” needs a name, a comma and an e-mail address."]


def test_more_than_ten_guests_are_refused(caseworker, child, resource_parent):
    guests = [services.Guest(name=f"Guest {n}", email=f"guest{n}@example.org") for n in range(11)]
    with pytest.raises(ValidationError) as refused:
        _hearing(caseworker, child, guests=guests)
    assert "at most 10" in refused.value.message_dict["guests"][0]
    assert not Event.objects.exists()


# --- Notice -----------------------------------------------------------------------------------


def test_an_invitation_three_business_days_ahead_is_late_and_the_supervisor_is_told(caseworker, supervisor, child, resource_parent):
    late = _hearing(caseworker, child, starts_at=chicago(2027, 3, 4, 10, 0))  # Thursday: 2 business days between
    assert late.late_notice and late.notice_business_days == 2
    told = Notification.objects.get(kind=Notification.Kind.LATE_INVITATION)
    assert told.recipient == supervisor and told.context["notice"] == 2
    assert told.link == f"/calendar/staff/{late.pk}/"
    assert Notification.objects.get(kind=Notification.Kind.EVENT_INVITED).recipient == resource_parent  # it still went out


def test_monday_for_the_tuesday_of_the_following_week_is_five_business_days_and_not_late(caseworker, supervisor, child, resource_parent):
    event = _hearing(caseworker, child)
    assert event.notice_business_days == 5 and not event.late_notice
    assert not Notification.objects.filter(kind=Notification.Kind.LATE_INVITATION).exists()
    # Monday for the Monday after: only 4 (Tuesday to Friday), late.
    assert _hearing(caseworker, child, starts_at=chicago(2027, 3, 8, 10, 0)).late_notice


def test_a_holiday_in_between_makes_the_same_calendar_gap_late(caseworker, supervisor, child, resource_parent):
    # Monday 31 May 2027 is Memorial Day: invited Monday 24 May for Tuesday 1 June is only 4 business days.
    event = _hearing(caseworker, child, starts_at=chicago(2027, 6, 1, 10, 0), now=chicago(2027, 5, 24, 9, 0))
    assert event.notice_business_days == 4 and event.late_notice
    assert Notification.objects.filter(kind=Notification.Kind.LATE_INVITATION, recipient=supervisor).count() == 1


def test_visits_carry_no_notice_standard(resource_worker, supervisor, household, resource_parent):
    tomorrow = services.schedule_event(
        actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=household, starts_at=chicago(2027, 3, 2, 18, 0),
        ends_at=chicago(2027, 3, 2, 19, 0), place="At home", now=MONDAY_9,
    )
    assert tomorrow.notice_business_days == 0 and not tomorrow.late_notice
    assert not Notification.objects.filter(kind=Notification.Kind.LATE_INVITATION).exists()


# --- Answers, and the race with a reschedule --------------------------------------------------


def test_an_answer_for_a_time_that_moved_meanwhile_is_refused_then_accepted_with_the_new_sequence(hearing, caseworker, resource_parent):
    services.respond(user=resource_parent, event=hearing, response=Invitee.Response.IN_PERSON, sequence=0, now=MONDAY_9)
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 10, 14, 0), ends_at=chicago(2027, 3, 10, 15, 0),
        reason="The judge moved the docket.", now=MONDAY_9 + timedelta(minutes=5),
    )
    with pytest.raises(services.EventChanged) as raced:
        services.respond(user=resource_parent, event=hearing, response=Invitee.Response.CANNOT, sequence=0, now=MONDAY_9 + timedelta(minutes=6))
    assert raced.value.event.sequence == 1 and raced.value.event.starts_at == chicago(2027, 3, 10, 14, 0)
    invitee = Invitee.objects.get(event=hearing, user=resource_parent)
    assert invitee.response == Invitee.Response.IN_PERSON  # nothing was overwritten by the stale answer
    answered = services.respond(
        user=resource_parent, event=hearing, response=Invitee.Response.CANNOT, sequence=1, note="Work shift", now=MONDAY_9 + timedelta(minutes=7)
    )
    assert (answered.response, answered.note, answered.responded_at) == ("cannot", "Work shift", MONDAY_9 + timedelta(minutes=7))


def test_an_answer_to_a_cancelled_or_past_event_is_refused(hearing, caseworker, resource_parent, child):
    services.cancel_event(actor=caseworker, event=hearing, reason="The case was dismissed.", now=MONDAY_9)
    with pytest.raises(ValidationError) as refused:
        services.respond(user=resource_parent, event=hearing, response=Invitee.Response.IN_PERSON, sequence=1, now=MONDAY_9)
    assert "over or cancelled" in refused.value.message_dict["response"][0]
    meeting = _hearing(caseworker, child)
    with pytest.raises(ValidationError):
        services.respond(user=resource_parent, event=meeting, response=Invitee.Response.IN_PERSON, sequence=0, now=NEXT_TUESDAY_10 + timedelta(minutes=1))
    assert not Invitee.objects.filter(responded_at__isnull=False).exists()


def test_an_answer_that_is_not_a_choice_or_a_note_too_long_is_refused(hearing, resource_parent):
    with pytest.raises(ValidationError):
        services.respond(user=resource_parent, event=hearing, response="maybe", sequence=0, now=MONDAY_9)
    with pytest.raises(ValidationError) as refused:
        services.respond(user=resource_parent, event=hearing, response="video", note="x" * 301, sequence=0, now=MONDAY_9)
    assert "300 characters" in refused.value.message_dict["note"][0]
    assert Invitee.objects.get(user=resource_parent).response == ""


def test_another_family_and_staff_cannot_answer(hearing, other_family, caseworker):
    for person in (other_family, caseworker):
        with pytest.raises(PermissionDenied):
            services.respond(user=person, event=hearing, response=Invitee.Response.IN_PERSON, sequence=0, now=MONDAY_9)


def test_needing_transport_opens_a_promise_then_attending_in_person_withdraws_it(hearing, caseworker, resource_parent):
    invitee = services.respond(user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, now=MONDAY_9)
    promise = _promise("event-help", invitee)
    assert promise.status == "open" and promise.owner == caseworker and promise.due_at == chicago(2027, 3, 2, 17, 0)
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_HELP_NEEDED, recipient=caseworker).count() == 1
    # Child care instead of transport: still help, the same promise, no second one and no second alert.
    services.respond(user=resource_parent, event=hearing, response=Invitee.Response.CHILD_CARE, sequence=0, now=MONDAY_9 + timedelta(minutes=1))
    assert Commitment.objects.filter(standard__code="event-help").count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_HELP_NEEDED).count() == 1
    services.respond(user=resource_parent, event=hearing, response=Invitee.Response.IN_PERSON, sequence=0, now=MONDAY_9 + timedelta(hours=1))
    promise.refresh_from_db()
    assert promise.status == "cancelled" and "no longer needs help" in promise.cancelled_reason
    assert promise.next_step_at is None  # the sweep will not chase the caseworker for it


def test_arranging_the_help_meets_the_promise_and_the_family_reads_how(hearing, caseworker, colleague, resource_parent):
    invitee = services.respond(
        user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, note="We have one car on Tuesdays.", now=MONDAY_9
    )
    with pytest.raises(ValidationError):
        services.arrange_help(actor=caseworker, invitee=invitee, note="  ", now=MONDAY_9)
    with pytest.raises(PermissionDenied):
        services.arrange_help(actor=colleague, invitee=invitee, note="Ms. Shah drives", now=MONDAY_9)
    assert _promise("event-help", invitee).status == "open"
    services.arrange_help(actor=caseworker, invitee=invitee, note="Mr. Diaz picks you up at 9:15.", now=MONDAY_9 + timedelta(hours=2))
    promise = _promise("event-help", invitee)
    assert promise.status == "met" and promise.met_by == caseworker and not promise.late
    invitee.refresh_from_db()
    assert invitee.arranged == "Mr. Diaz picks you up at 9:15." and invitee.response == "transport"
    assert invitee.note == "We have one car on Tuesdays."  # the family's own words are kept


def test_cancelling_withdraws_the_open_help_promise(hearing, caseworker, resource_parent):
    invitee = services.respond(user=resource_parent, event=hearing, response=Invitee.Response.CHILD_CARE, sequence=0, now=MONDAY_9)
    services.cancel_event(actor=caseworker, event=hearing, reason="The hearing was vacated.", now=MONDAY_9 + timedelta(hours=1))
    assert _promise("event-help", invitee).status == "cancelled"


# --- Observations -----------------------------------------------------------------------------


def _observations_form(files, body="", key=None):
    return ObservationsForm({"body": body, "submission_key": str(key or uuid.uuid4())}, {"files": files})


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("report.pdf", PNG, "does not contain what its name says"),  # a photo renamed .pdf
        ("report.pdf", b"Just some text pretending to be a PDF", "is not a PDF, JPEG or PNG"),
        ("photo.png", PDF, "does not contain what its name says"),
        ("script.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "is not a PDF, JPEG or PNG"),  # a program
        ("empty.pdf", b"", "is empty"),
    ],
    ids=["png-named-pdf", "text-named-pdf", "pdf-named-png", "program-named-pdf", "empty"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_sent(hearing, resource_parent, name, content, words):
    form = _observations_form([SimpleUploadedFile(name, content, content_type="application/pdf")], body="See the school letter.")
    assert not form.is_valid()
    assert words in " ".join(form.errors["files"])
    assert name in " ".join(form.errors["files"])
    assert not Observation.objects.exists() and not ObservationFile.objects.exists()


def test_a_file_over_the_size_limit_is_refused(hearing, resource_parent, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 1000
    form = _observations_form([SimpleUploadedFile("scan.pdf", PDF + b"0" * 1000, content_type="application/pdf")])
    assert not form.is_valid()
    assert "files can be up to" in form.errors["files"][0]


def test_a_real_pdf_and_png_are_accepted_and_kept_with_their_checked_type(hearing, caseworker, resource_parent):
    form = _observations_form(
        [SimpleUploadedFile("school-letter.pdf", PDF, content_type="text/plain"), SimpleUploadedFile("drawing.PNG", PNG, content_type="application/octet-stream")],
        body="Maya made the honour roll.",
    )
    assert form.is_valid(), form.errors
    observation = services.submit_observations(
        user=resource_parent, event=hearing, body=form.cleaned_data["body"], files=form.cleaned_data["files"],
        submission_key=form.cleaned_data["submission_key"], now=MONDAY_9,
    )
    files = {f.name: (f.content_type, f.size, f.file.read()) for f in observation.files.all()}
    assert files == {"school-letter.pdf": ("application/pdf", len(PDF), PDF), "drawing.PNG": ("image/png", len(PNG), PNG)}


def test_more_than_five_files_are_refused(hearing, resource_parent):
    form = _observations_form([SimpleUploadedFile(f"page{n}.pdf", PDF) for n in range(6)])
    assert not form.is_valid() and "up to 5 files" in form.errors["files"][0]
    with pytest.raises(ValidationError):
        services.submit_observations(user=resource_parent, event=hearing, body="x", files=[object()] * 6, now=MONDAY_9)
    assert not Observation.objects.exists()


def test_observations_too_long_or_empty_or_after_the_start_are_refused(hearing, resource_parent, caseworker):
    with pytest.raises(ValidationError) as too_long:
        services.submit_observations(user=resource_parent, event=hearing, body="x" * 8001, now=MONDAY_9)
    assert "8000 characters" in too_long.value.message_dict["body"][0]
    assert not ObservationsForm({"body": "x" * 8001, "submission_key": str(uuid.uuid4())}).is_valid()
    with pytest.raises(ValidationError) as empty:
        services.submit_observations(user=resource_parent, event=hearing, body="   \n ", files=[], now=MONDAY_9)
    assert empty.value.message_dict["body"] == ["Write your observations, or attach them."]
    with pytest.raises(ValidationError) as late:
        services.submit_observations(user=resource_parent, event=hearing, body="She is doing well.", now=NEXT_TUESDAY_10)
    assert "write to your caseworker instead" in late.value.message_dict["body"][0]
    assert services.submit_observations(user=resource_parent, event=hearing, body="x" * 8000, now=MONDAY_9).body == "x" * 8000
    assert Observation.objects.count() == 1
    assert Commitment.objects.filter(standard__code="observation-receipt").count() == 1


def test_observations_are_for_hearings_meetings_and_reviews_and_only_from_the_family(hearing, resource_worker, household, resource_parent, other_family, caseworker):
    visit = services.schedule_event(
        actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=household, starts_at=NEXT_TUESDAY_10,
        ends_at=NEXT_TUESDAY_10 + timedelta(hours=1), place="At home", now=MONDAY_9,
    )
    with pytest.raises(ValidationError):
        services.submit_observations(user=resource_parent, event=visit, body="Come in the evening.", now=MONDAY_9)
    for person in (other_family, caseworker):
        with pytest.raises(PermissionDenied):
            services.submit_observations(user=person, event=hearing, body="Hello", now=MONDAY_9)
    assert not Observation.objects.exists()


def test_the_same_submission_sent_twice_is_kept_once_with_one_promise_and_one_alert(hearing, caseworker, resource_parent):
    key = uuid.uuid4()
    first = services.submit_observations(user=resource_parent, event=hearing, body="Maya sleeps well.", submission_key=key, now=MONDAY_9)
    again = services.submit_observations(user=resource_parent, event=hearing, body="Maya sleeps well.", submission_key=key, now=MONDAY_9 + timedelta(seconds=2))
    assert again.pk == first.pk
    assert Observation.objects.count() == 1
    assert Commitment.objects.filter(standard__code="observation-receipt").count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.OBSERVATIONS_SENT, recipient=caseworker).count() == 1


def test_the_receipt_promise_is_met_when_the_caseworker_confirms_and_only_once(hearing, caseworker, colleague, resource_parent):
    observation = services.submit_observations(user=resource_parent, event=hearing, body="Maya sleeps well.", now=MONDAY_9)
    promise = _promise("observation-receipt", observation)
    assert promise.status == "open" and promise.owner == caseworker and promise.due_at == chicago(2027, 3, 2, 17, 0)
    with pytest.raises(PermissionDenied):
        services.acknowledge_observations(actor=colleague, observation=observation, now=MONDAY_9)
    services.acknowledge_observations(actor=caseworker, observation=observation, now=chicago(2027, 3, 1, 15, 0))
    services.acknowledge_observations(actor=caseworker, observation=observation, now=chicago(2027, 3, 3, 9, 0))
    observation.refresh_from_db()
    promise.refresh_from_db()
    assert observation.acknowledged_at == chicago(2027, 3, 1, 15, 0) and observation.acknowledged_by == caseworker
    assert promise.status == "met" and promise.met_at == chicago(2027, 3, 1, 15, 0) and not promise.late


# --- Afterwards -------------------------------------------------------------------------------


def test_an_outcome_before_the_start_or_empty_or_with_an_earlier_next_hearing_is_refused(hearing, caseworker, resource_parent):
    with pytest.raises(ValidationError) as early:
        services.record_outcome(actor=caseworker, event=hearing, outcome="Maya stays.", now=NEXT_TUESDAY_10 - timedelta(minutes=1))
    assert "has not started yet" in early.value.message_dict["outcome"][0]
    after = NEXT_TUESDAY_10 + timedelta(hours=2)
    with pytest.raises(ValidationError) as empty:
        services.record_outcome(actor=caseworker, event=hearing, outcome=" \n ", now=after)
    assert "plain words" in empty.value.message_dict["outcome"][0]
    for earlier in (date(2027, 3, 9), date(2027, 2, 1)):
        with pytest.raises(ValidationError) as backwards:
            services.record_outcome(actor=caseworker, event=hearing, outcome="Maya stays.", next_hearing_on=earlier, now=after)
        assert backwards.value.message_dict["next_hearing_on"] == ["The next hearing must be after this one."]
    with pytest.raises(ValidationError):
        services.record_outcome(actor=caseworker, event=hearing, outcome="x" * 4001, now=after)
    hearing.refresh_from_db()
    assert hearing.outcome == "" and hearing.outcome_at is None
    assert not Notification.objects.filter(kind=Notification.Kind.OUTCOME_POSTED).exists()


def test_the_outcome_is_posted_with_attendance_and_the_family_is_told(hearing, caseworker, colleague, resource_parent, household):
    second_parent = ParentFactory(household=household, title="Mr.", last_name="Garcia", email="mr.garcia@family.test")
    meeting = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=hearing.child, starts_at=NEXT_TUESDAY_10 + timedelta(days=1),
        ends_at=NEXT_TUESDAY_10 + timedelta(days=1, hours=1), place="Jackson office", now=MONDAY_9,
    )
    mine, his = meeting.invitees.get(user=resource_parent), meeting.invitees.get(user=second_parent)
    after = NEXT_TUESDAY_10 + timedelta(days=1, hours=3)
    with pytest.raises(PermissionDenied):
        services.record_outcome(actor=colleague, event=meeting, outcome="x", now=after)
    services.record_outcome(
        actor=caseworker, event=meeting, outcome="Visits with her mother go to twice a week.", next_hearing_on=date(2027, 6, 14),
        attended={mine.pk: True, his.pk: False, 999999: True}, now=after,
    )
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.next_hearing_on, meeting.outcome_at, meeting.outcome_by) == (
        "Visits with her mother go to twice a week.", date(2027, 6, 14), after, caseworker,
    )
    assert dict(meeting.invitees.values_list("user", "attended")) == {resource_parent.pk: True, second_parent.pk: False}
    assert set(Notification.objects.filter(kind=Notification.Kind.OUTCOME_POSTED).values_list("recipient", flat=True)) == {resource_parent.pk, second_parent.pk}


def test_an_outcome_for_a_cancelled_event_is_refused(hearing, caseworker):
    services.cancel_event(actor=caseworker, event=hearing, reason="Vacated.", now=MONDAY_9)
    with pytest.raises(ValidationError):
        services.record_outcome(actor=caseworker, event=hearing, outcome="Nothing", now=NEXT_TUESDAY_10 + timedelta(hours=2))


def test_a_past_or_cancelled_event_cannot_be_moved_or_cancelled_and_a_move_needs_a_reason(hearing, caseworker):
    new = {"starts_at": chicago(2027, 3, 10, 10, 0), "ends_at": chicago(2027, 3, 10, 11, 0)}
    with pytest.raises(ValidationError) as no_reason:
        services.reschedule_event(actor=caseworker, event=hearing, reason="  ", now=MONDAY_9, **new)
    assert "the family reads it" in no_reason.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):
        services.reschedule_event(actor=caseworker, event=hearing, reason="Moved", now=MONDAY_9, starts_at=chicago(2027, 2, 1, 10), ends_at=chicago(2027, 2, 1, 11))
    with pytest.raises(ValidationError) as over:
        services.reschedule_event(actor=caseworker, event=hearing, reason="Moved", now=NEXT_TUESDAY_10 + timedelta(hours=2), **new)
    assert "record what happened instead" in over.value.message_dict["reason"][0]
    services.cancel_event(actor=caseworker, event=hearing, reason="Vacated.", now=MONDAY_9)
    with pytest.raises(ValidationError):
        services.cancel_event(actor=caseworker, event=hearing, reason="Again", now=MONDAY_9)
    with pytest.raises(ValidationError):
        services.reschedule_event(actor=caseworker, event=hearing, reason="Back on", now=MONDAY_9, **new)
    hearing.refresh_from_db()
    assert hearing.sequence == 1 and hearing.starts_at == NEXT_TUESDAY_10
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_CANCELLED).count() == 1
    assert not Notification.objects.filter(kind=Notification.Kind.EVENT_CHANGED).exists()


# --- E-mails and calendar files ---------------------------------------------------------------


def test_cancelling_sends_a_calendar_file_that_removes_the_entry(hearing, caseworker, resource_parent):
    invitation, _ = _calendar_of(Notification.objects.get(kind=Notification.Kind.EVENT_INVITED, recipient=resource_parent))
    services.cancel_event(actor=caseworker, event=hearing, reason="The case was dismissed.", now=MONDAY_9 + timedelta(hours=1))
    cancelled = Notification.objects.get(kind=Notification.Kind.EVENT_CANCELLED, recipient=resource_parent)
    assert cancelled.context["reason"] == "The case was dismissed."
    cancellation, message = _calendar_of(cancelled)
    before, after = invitation.walk("VEVENT")[0], cancellation.walk("VEVENT")[0]
    assert str(invitation["method"]) == "PUBLISH" and str(cancellation["method"]) == "CANCEL"
    assert str(after["uid"]) == str(before["uid"]) and str(after["uid"]).startswith(str(hearing.uid))
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(after["status"]) == "CANCELLED"
    assert after.decoded("dtstart") == NEXT_TUESDAY_10
    assert "The case was dismissed." in message.body and message.subject.startswith("Cancelled:")


def test_an_outside_guest_gets_the_email_and_calendar_file_but_no_portal_link(caseworker, child, resource_parent):
    event = _hearing(caseworker, child, guests=[services.Guest(name="Ana Ruiz (GAL)", email="ana.ruiz@example.org")])
    guest = event.invitees.get(user__isnull=True)
    assert (guest.name, guest.email) == ("Ana Ruiz (GAL)", "ana.ruiz@example.org")
    invitation = Notification.objects.get(kind=Notification.Kind.EVENT_INVITED, email_to="ana.ruiz@example.org")
    assert invitation.recipient is None and invitation.link == ""
    calendar, message = _calendar_of(invitation)
    entry = calendar.walk("VEVENT")[0]
    assert message.to == ["ana.ruiz@example.org"]
    assert "url" not in entry and "description" not in entry
    assert str(entry["location"]) == "Hinds County Youth Court, Room 2"
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "/calendar/" not in text and "/accounts/" not in text
        assert "Open the portal" not in text  # nothing to open without an account
    assert "Review hearing" in message.subject
    # The family, who have an account, get the link.
    _family_calendar, family_message = _calendar_of(Notification.objects.get(kind=Notification.Kind.EVENT_INVITED, recipient=resource_parent))
    assert f"/calendar/{event.pk}/" in family_message.body


def test_no_email_or_notification_ever_names_the_child(caseworker, supervisor, resource_worker, child, household, resource_parent):
    """The whole life of a late hearing, a meeting and a visit; every stored notification and every e-mail is read."""
    hearing = _hearing(
        caseworker, child, starts_at=chicago(2027, 3, 4, 10, 0), purpose="Maya Lopez: permanency", place="Court, Room 2",
        guests=[services.Guest(name="Ana Ruiz", email="ana@example.org")],
    )
    services.respond(user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, note="Maya's car seat", sequence=0, now=MONDAY_9)
    observation = services.submit_observations(user=resource_parent, event=hearing, body="Maya Lopez is thriving.", now=MONDAY_9)
    services.acknowledge_observations(actor=caseworker, observation=observation, now=MONDAY_9)
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 5, 10, 0), ends_at=chicago(2027, 3, 5, 11, 0),
        reason="Courtroom change.", now=MONDAY_9,
    )
    services.send_event_reminders(now=chicago(2027, 3, 4, 10, 0))
    services.open_outcome_promises(now=chicago(2027, 3, 5, 12, 0))
    services.record_outcome(actor=caseworker, event=hearing, outcome="Maya stays.", now=chicago(2027, 3, 5, 12, 0))
    meeting = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=chicago(2027, 3, 18, 10, 0),
        ends_at=chicago(2027, 3, 18, 11, 0), place="Office", now=MONDAY_9,
    )
    services.cancel_event(actor=caseworker, event=meeting, reason="Rescheduling with the family.", now=MONDAY_9)
    request = services.ask_for_visit_times(
        actor=caseworker, household=household, child=child, kind=Event.Kind.CASEWORKER_VISIT, purpose="Monthly visit with Maya",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 19), now=MONDAY_9,
    )
    services.offer_visit_times(user=resource_parent, request=request, times=[(chicago(2027, 3, 9, 18, 0), chicago(2027, 3, 9, 19, 0))], now=MONDAY_9)
    services.book_visit(actor=caseworker, slot=request.slots.get(), now=MONDAY_9)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds >= {
        "event_invited", "late_invitation", "event_help_needed", "observations_sent", "event_changed", "event_reminder",
        "outcome_posted", "event_cancelled", "visit_times_asked", "visit_times_offered",
    }
    for notification in Notification.objects.all():
        assert "Maya" not in json.dumps(notification.context) and "Lopez" not in json.dumps(notification.context), notification
        message = render_email(notification)
        texts = [message.subject, message.body, message.alternatives[0][0]] + [
            a[1].decode() if isinstance(a[1], bytes) else a[1] for a in message.attachments
        ]
        for text in texts:
            assert "Maya" not in text and "Lopez" not in text, (notification.kind, text)


def test_a_reschedule_tells_every_invitee_at_once_with_the_reason(caseworker, child, resource_parent, household):
    second_parent = ParentFactory(household=household, last_name="Garcia", email="mr.garcia@family.test")
    event = _hearing(caseworker, child, guests=[services.Guest(name="Ana Ruiz", email="ana@example.org")])
    services.reschedule_event(
        actor=caseworker, event=event, starts_at=chicago(2027, 3, 11, 14, 0), ends_at=chicago(2027, 3, 11, 15, 0),
        reason="The judge is ill.", place="Court, Room 5", now=MONDAY_9 + timedelta(hours=1),
    )
    changed = Notification.objects.filter(kind=Notification.Kind.EVENT_CHANGED)
    assert {(n.recipient_id, n.email_to) for n in changed} == {(resource_parent.pk, ""), (second_parent.pk, ""), (None, "ana@example.org")}
    assert {n.context["reason"] for n in changed} == {"The judge is ill."}
    calendar, message = _calendar_of(changed.get(recipient=resource_parent))
    entry = calendar.walk("VEVENT")[0]
    assert int(entry["sequence"]) == 1 and str(entry["location"]) == "Court, Room 5"
    assert "The judge is ill." in message.body


def test_an_inactive_parent_is_not_invited(caseworker, child, resource_parent, household):
    ParentFactory(household=household, last_name="Gone", email="gone@family.test", is_active=False)
    event = _hearing(caseworker, child)
    assert list(event.invitees.values_list("user", flat=True)) == [resource_parent.pk]


# --- Mileage ----------------------------------------------------------------------------------


def test_attended_trips_are_the_households_in_person_attended_events_only(caseworker, resource_worker, child, household, resource_parent, other_family):
    def held(starts_at, *, attended=True, response=Invitee.Response.IN_PERSON, place="Court, Room 2", video="", for_household=None):
        if for_household is None:
            event = _hearing(caseworker, child, starts_at=starts_at, place=place, video_link=video)
        else:
            event = services.schedule_event(
                actor=resource_worker, kind=Event.Kind.LICENSING_VISIT, household=for_household, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1), place=place, video_link=video, now=MONDAY_9,
            )
        Invitee.objects.filter(event=event).update(response=response, attended=attended)
        return event

    court = held(chicago(2027, 3, 9, 10, 0))
    evening = held(chicago(2027, 3, 10, 19, 30), place="Jackson office")  # 01:30 UTC the next day: still the 10th
    held(chicago(2027, 3, 11, 10, 0), attended=False)  # invited, did not go
    held(chicago(2027, 3, 12, 10, 0), response=Invitee.Response.VIDEO)  # joined by video: no trip
    held(chicago(2027, 3, 15, 10, 0), place="", video="https://court.example.org/2")  # online only
    cancelled = held(chicago(2027, 3, 16, 10, 0))
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    other = Household.objects.get(pk=other_family.household_id)
    other.resource_worker = resource_worker
    other.save(update_fields=["resource_worker"])
    held(chicago(2027, 3, 17, 10, 0), for_household=other)  # another family's trip
    held(chicago(2027, 4, 1, 10, 0))  # after the claim's period

    trips = services.attended_trips(household=household, since=date(2027, 3, 1), until=date(2027, 3, 31))
    assert [(t.event_id, t.day, t.what, t.place) for t in trips] == [
        (court.pk, date(2027, 3, 9), "Review hearing", "Court, Room 2"),
        (evening.pk, date(2027, 3, 10), "Review hearing", "Jackson office"),
    ]
    assert services.attended_trips(household=household, since=date(2027, 3, 10), until=date(2027, 3, 10))[0].event_id == evening.pk
    assert [t.place for t in services.attended_trips(household=other, since=date(2027, 3, 1), until=date(2027, 3, 31))] == ["Court, Room 2"]


# --- Home visits at times that suit the family ------------------------------------------------


@pytest.fixture
def visit_request(resource_worker, household, resource_parent):
    household.street_address, household.city = "12 Magnolia Street", "Jackson"
    household.save(update_fields=["street_address", "city"])
    return services.ask_for_visit_times(
        actor=resource_worker, household=household, kind=Event.Kind.LICENSING_VISIT, purpose="Annual licence renewal walk-through",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 12), now=MONDAY_9,
    )


def test_asking_for_times_tells_the_family_and_bad_windows_are_refused(visit_request, resource_worker, household, resource_parent, other_family):
    assert visit_request.status == VisitRequest.Status.ASKING
    asked = Notification.objects.get(kind=Notification.Kind.VISIT_TIMES_ASKED)
    assert asked.recipient == resource_parent and asked.link == f"/calendar/visits/{visit_request.pk}/"
    common = {"actor": resource_worker, "household": household, "kind": Event.Kind.LICENSING_VISIT, "now": MONDAY_9}
    for between_from, between_until, field in [
        (date(2027, 2, 26), date(2027, 3, 5), "between_from"),
        (date(2027, 3, 10), date(2027, 3, 9), "between_until"),
        (date(2027, 3, 2), date(2027, 5, 10), "between_until"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.ask_for_visit_times(purpose="Visit", between_from=between_from, between_until=between_until, **common)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.ask_for_visit_times(purpose=" ", between_from=date(2027, 3, 2), between_until=date(2027, 3, 5), **common)
    with pytest.raises(PermissionDenied):
        services.ask_for_visit_times(**{**common, "household": other_family.household}, purpose="Visit", between_from=date(2027, 3, 2), between_until=date(2027, 3, 5))
    assert VisitRequest.objects.count() == 1


def test_the_family_offers_one_to_three_times_inside_the_window(visit_request, resource_parent, resource_worker):
    evenings = [(chicago(2027, 3, d, 18, 30), chicago(2027, 3, d, 19, 30)) for d in (8, 9, 10, 11)]
    for times in ([], evenings):
        with pytest.raises(ValidationError) as refused:
            services.offer_visit_times(user=resource_parent, request=visit_request, times=times, now=MONDAY_9)
        assert refused.value.message_dict["slots"] == ["Offer one, two or three times."]
    with pytest.raises(ValidationError) as outside:
        services.offer_visit_times(
            user=resource_parent, request=visit_request, times=[evenings[0], (chicago(2027, 3, 13, 10, 0), chicago(2027, 3, 13, 11, 0))], now=MONDAY_9
        )
    assert "Choose times between" in outside.value.message_dict["slots"][0]
    with pytest.raises(ValidationError):  # ends before it starts
        services.offer_visit_times(user=resource_parent, request=visit_request, times=[(evenings[0][1], evenings[0][0])], now=MONDAY_9)
    assert not VisitSlot.objects.exists()
    visit_request.refresh_from_db()
    assert visit_request.status == VisitRequest.Status.ASKING

    services.offer_visit_times(user=resource_parent, request=visit_request, times=evenings[:3], now=MONDAY_9)
    visit_request.refresh_from_db()
    assert visit_request.status == VisitRequest.Status.OFFERED
    assert [s.starts_at for s in visit_request.slots.all()] == [e[0] for e in evenings[:3]]
    told = Notification.objects.get(kind=Notification.Kind.VISIT_TIMES_OFFERED)
    assert told.recipient == resource_worker and told.link == f"/calendar/staff/visits/{visit_request.pk}/"
    # Offering again replaces the earlier times.
    services.offer_visit_times(user=resource_parent, request=visit_request, times=[evenings[3]], now=MONDAY_9 + timedelta(hours=1))
    assert [s.starts_at for s in visit_request.slots.all()] == [evenings[3][0]]


def test_a_family_cannot_offer_times_for_another_households_request(visit_request, other_family):
    with pytest.raises(PermissionDenied):
        services.offer_visit_times(
            user=other_family, request=visit_request, times=[(chicago(2027, 3, 8, 18, 0), chicago(2027, 3, 8, 19, 0))], now=MONDAY_9
        )
    assert not VisitSlot.objects.exists()
    assert not policies.family_visit_requests(other_family).exists()


def test_booking_an_offered_time_puts_the_visit_on_both_calendars_at_the_familys_address(visit_request, resource_parent, resource_worker):
    services.offer_visit_times(
        user=resource_parent, request=visit_request, times=[(chicago(2027, 3, 9, 18, 0), chicago(2027, 3, 9, 19, 0)), (chicago(2027, 3, 10, 7, 0), chicago(2027, 3, 10, 8, 0))],
        now=MONDAY_9,
    )
    slot = visit_request.slots.order_by("starts_at").first()
    event = services.book_visit(actor=resource_worker, slot=slot, now=MONDAY_9 + timedelta(hours=2))
    assert (event.kind, event.place, event.purpose, event.starts_at) == (
        Event.Kind.LICENSING_VISIT, "12 Magnolia Street, Jackson", "Annual licence renewal walk-through", chicago(2027, 3, 9, 18, 0),
    )
    assert not event.late_notice
    assert policies.family_events(resource_parent).filter(pk=event.pk).exists()
    assert policies.staff_events(resource_worker, now=MONDAY_9).filter(pk=event.pk).exists()
    visit_request.refresh_from_db()
    assert visit_request.status == VisitRequest.Status.BOOKED and visit_request.event == event
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_INVITED, recipient=resource_parent, context__event=event.pk).exists()
    with pytest.raises(ValidationError):
        services.book_visit(actor=resource_worker, slot=visit_request.slots.last(), now=MONDAY_9 + timedelta(hours=3))
    with pytest.raises(ValidationError):
        services.offer_visit_times(user=resource_parent, request=visit_request, times=[(chicago(2027, 3, 11, 18, 0), chicago(2027, 3, 11, 19, 0))], now=MONDAY_9)
    assert Event.objects.count() == 1


def test_the_worker_proposes_another_time_and_the_family_accepts_it(visit_request, resource_parent, resource_worker, caseworker):
    services.offer_visit_times(user=resource_parent, request=visit_request, times=[(chicago(2027, 3, 8, 20, 0), chicago(2027, 3, 8, 21, 0))], now=MONDAY_9)
    with pytest.raises(PermissionDenied):
        services.propose_visit_time(actor=caseworker, request=visit_request, starts_at=chicago(2027, 3, 11, 17, 0), ends_at=chicago(2027, 3, 11, 18, 0), now=MONDAY_9)
    with pytest.raises(ValidationError):
        services.propose_visit_time(actor=resource_worker, request=visit_request, starts_at=chicago(2027, 3, 15, 17, 0), ends_at=chicago(2027, 3, 15, 18, 0), now=MONDAY_9)
    proposed = services.propose_visit_time(
        actor=resource_worker, request=visit_request, starts_at=chicago(2027, 3, 11, 17, 0), ends_at=chicago(2027, 3, 11, 18, 0), now=MONDAY_9
    )
    assert Notification.objects.filter(kind=Notification.Kind.VISIT_TIMES_ASKED, recipient=resource_parent).count() == 2
    family_slot = visit_request.slots.get(offered_by=resource_parent)
    with pytest.raises(ValidationError) as own:
        services.accept_visit_time(user=resource_parent, slot=family_slot, now=MONDAY_9)
    assert "your worker books it" in own.value.message_dict["slots"][0]
    event = services.accept_visit_time(user=resource_parent, slot=proposed, now=MONDAY_9 + timedelta(hours=1))
    assert event.starts_at == chicago(2027, 3, 11, 17, 0) and event.organiser == resource_worker
    assert event.place == "12 Magnolia Street, Jackson"
    visit_request.refresh_from_db()
    assert visit_request.status == VisitRequest.Status.BOOKED and visit_request.event == event


def test_another_family_cannot_accept_the_proposed_time(visit_request, resource_worker, other_family):
    proposed = services.propose_visit_time(
        actor=resource_worker, request=visit_request, starts_at=chicago(2027, 3, 11, 17, 0), ends_at=chicago(2027, 3, 11, 18, 0), now=MONDAY_9
    )
    with pytest.raises(PermissionDenied):
        services.accept_visit_time(user=other_family, slot=proposed, now=MONDAY_9)
    assert not Event.objects.exists()


def test_a_caseworker_visit_for_a_child_books_for_her_family(caseworker, child, household, resource_parent):
    request = services.ask_for_visit_times(
        actor=caseworker, household=household, child=child, kind=Event.Kind.CASEWORKER_VISIT, purpose="Monthly visit",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 19), now=MONDAY_9,
    )
    services.offer_visit_times(user=resource_parent, request=request, times=[(chicago(2027, 3, 9, 18, 0), chicago(2027, 3, 9, 19, 0))], now=MONDAY_9)
    event = services.book_visit(actor=caseworker, slot=request.slots.get(), now=MONDAY_9)
    assert (event.child, event.household, event.place) == (child, household, "At the family's home")


def test_a_second_household_placement_does_not_redirect_events(caseworker, child, household, resource_parent):
    """A child's event goes to the family she lives with now, not one she left."""
    earlier = HouseholdFactory(name="The Brown family")
    ParentFactory(household=earlier, last_name="Brown", email="brown@family.test")
    PlacementFactory(child=child, household=earlier, ended_on=date(2026, 12, 1), started_on=date(2026, 6, 1))
    event = _hearing(caseworker, child)
    assert event.household == household
    assert list(event.invitees.values_list("user__email", flat=True)) == ["garcia@family.test"]


def test_reminder_rows_are_not_made_by_scheduling(hearing):
    assert not EventReminder.objects.exists()
    assert hearing.invited_at == MONDAY_9 and hearing.sequence == 0 and time(10, 0) == hearing.starts_at.astimezone(NEXT_TUESDAY_10.tzinfo).time()


def test_the_childs_caseworker_may_ask_her_family_for_visit_times_but_not_another_family(caseworker, colleague, child, household, resource_parent, other_family):
    """Found by the access matrix: the form offered the caseworker her children's families, and the service refused."""
    request = services.ask_for_visit_times(
        actor=caseworker, household=household, kind=Event.Kind.CASEWORKER_VISIT, purpose="Monthly visit",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 12), now=MONDAY_9,
    )
    assert request.worker == caseworker
    for actor, target, about in [(colleague, household, None), (caseworker, other_family.household, None), (caseworker, other_family.household, child)]:
        with pytest.raises(PermissionDenied) as refused:
            services.ask_for_visit_times(
                actor=actor, household=target, child=about, kind=Event.Kind.CASEWORKER_VISIT, purpose="Visit",
                between_from=date(2027, 3, 8), between_until=date(2027, 3, 12), now=MONDAY_9,
            )
        assert "families you work with" in str(refused.value)
    assert VisitRequest.objects.count() == 1


def test_the_ledger_names_an_evening_event_by_its_local_day(caseworker, child, resource_parent):
    """19:30 in Chicago is already the next day in UTC: the family's "what happened" promise names the right day."""
    from portal.followups.registry import describe

    event = _hearing(caseworker, child, starts_at=chicago(2027, 3, 9, 19, 30))
    event.refresh_from_db()  # as the ledger loads it: in UTC
    assert event.starts_at.utcoffset() == timedelta(0) and event.starts_at.day == 10
    title = describe(event).family_title(event)
    assert title.startswith("What happened at the Review hearing on") and "9" in title and "10" not in title
