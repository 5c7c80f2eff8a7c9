"""The acceptance journey of court hearings (issue 7, "Must show" 1).

Mr. Reed schedules Maya's review hearing three business days ahead: less notice than the
standard, so the page warns him, the event is flagged and Ms. Carter, his supervisor, is told
and sees it in her list of late invitations. Mrs. Garcia's e-mail carries a calendar file,
parsed back here. On her phone she finds the hearing on her calendar (list and month), answers
that she needs transport (a promise opens) and sends her observations for the court. Mr. Reed
confirms receiving them and moves the hearing, saying why: her calendar shows the new time and
a second calendar file replaces the entry (same UID, higher SEQUENCE). When the hearing is over
he posts what happened and who attended; she reads it on the event and on Maya's page. axe finds
nothing on any page either of them sees.
"""

import re
import struct
import zlib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import formats, timezone, translation
from icalendar import Calendar
from playwright.sync_api import Page, expect

from placements.events import services
from placements.events.models import Event, Invitee, Observation, VisitRequest
from placements.models import Placement
from portal import business_days
from portal.accounts.models import User
from portal.followups.models import Commitment
from portal.followups.services import open_commitments_for
from portal.notifications.models import Notification

from .conftest import check_page, force_sign_in, sign_in

pytestmark = pytest.mark.browser

PLACE = "Hinds County Youth Court, courtroom B"
PURPOSE = "Maya's review hearing: the judge checks how she is doing and how the case plan is going."
OBSERVATIONS = "Maya sleeps through the night now and joined the reading club. She asks to phone her grandmother more often."
REASON = "The judge is ill; the court moved all of that morning's hearings."
OUTCOME = "Maya stays with you. Visits with her mother become unsupervised on Saturdays. The next review is in three months."


def _when(moment) -> str:
    """A date and time as the pages print it (the English DATETIME_FORMAT, in the agency's zone)."""
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _span(event: Event) -> str:
    """What events/_when.html prints: the start with its day, and the end time."""
    with translation.override("en"):
        return f"{_when(event.starts_at)} to {formats.time_format(timezone.localtime(event.ends_at), 'TIME_FORMAT')}"


def _date(day: date, format_name: str) -> str:
    with translation.override("en"):
        return formats.date_format(day, format_name)


def _business_days_after(day: date, count: int) -> date:
    for _ in range(count):
        day = business_days.next_business_day(day)
    return day


def _promise(subject, code: str) -> Commitment:
    return open_commitments_for(subject).select_related("owner").get(standard__code=code)


def _png() -> bytes:
    """A real one-pixel PNG: the upload is checked by its content, not its name."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def _calendar_files(email: str) -> list[tuple[str, Calendar, str]]:
    """The calendar files e-mailed to one person, oldest first: (file name, parsed calendar, e-mail body)."""
    files = []
    for message in mail.outbox:
        if message.to != [email]:
            continue
        for name, content, mimetype in message.attachments:
            if name.endswith(".ics"):
                assert mimetype == "text/calendar"
                files.append((name, Calendar.from_ical(content), message.body))
    return files


def _fill_when(page: Page, day: date, starts: str, ends: str, *, day_label: str) -> None:
    page.get_by_label(f"{day_label}:", exact=True).fill(day.isoformat())
    page.get_by_label("Starts:", exact=True).fill(starts)
    page.get_by_label("Ends:", exact=True).fill(ends)


def test_a_late_hearing_reaches_the_familys_calendar_follows_a_move_and_ends_with_its_outcome(
    open_as, service_standards, client, live_server, resource_parent, caseworker, supervisor, child
):
    mail.outbox.clear()
    today = business_days.local_date(timezone.now())
    hearing_day = _business_days_after(today, 3)

    # --- Mr. Reed schedules the hearing three business days ahead, through the "Schedule" page.
    worker = open_as()
    sign_in(worker, caseworker)
    worker.get_by_role("navigation").get_by_role("link", name="Calendar").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Hearings, meetings and visits")
    check_page(worker, "event-journey-staff-calendar-empty")
    worker.get_by_role("link", name="Schedule a hearing or meeting").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Schedule a hearing or meeting")
    expect(worker.locator("#notice-standard")).to_contain_text("need at least 5 business days’ notice")
    worker.get_by_label("What:", exact=True).select_option(label="Court hearing")
    worker.get_by_label("Type of hearing").select_option(label="Review hearing")
    worker.get_by_label("Child:", exact=True).select_option(label="Maya Lopez")
    _fill_when(worker, hearing_day, "10:00", "11:00", day_label="Date")
    worker.get_by_label("Where:", exact=True).fill(PLACE)
    worker.get_by_label("What it is for").fill(PURPOSE)
    check_page(worker, "event-journey-staff-schedule")
    with worker.expect_navigation():
        worker.get_by_role("button", name="Send the invitation").click()

    hearing = Event.objects.get()
    assert (hearing.kind, hearing.hearing_type, hearing.child, hearing.household) == (
        Event.Kind.COURT_HEARING, Event.HearingType.REVIEW, child, resource_parent.household
    )
    assert business_days.local_date(hearing.starts_at) == hearing_day and timezone.localtime(hearing.starts_at).hour == 10
    assert (hearing.notice_business_days, hearing.late_notice) == (2, True)
    # The page warns him, and the event stays flagged.
    expect(worker).to_have_url(re.compile(rf"/calendar/staff/{hearing.pk}/$"))
    expect(worker.get_by_role("status")).to_contain_text(
        "Invited, with 2 business days' notice: less than the standard. Your supervisor is told; please also call the family."
    )
    late = worker.locator("section.event-state--late")
    expect(late.get_by_role("heading", level=2)).to_have_text("Invited late")
    expect(late).to_contain_text(f"The family was invited on {_when(hearing.invited_at)}, with 2 business days' notice; the standard is 5.")
    expect(worker.get_by_role("main")).to_contain_text(_span(hearing))
    check_page(worker, "event-journey-staff-event-late")

    # --- Ms. Carter is told, and finds it in her list of late invitations.
    told = Notification.objects.get(recipient=supervisor, kind=Notification.Kind.LATE_INVITATION)
    assert told.link == f"/calendar/staff/{hearing.pk}/"
    boss = open_as()
    force_sign_in(boss, client, live_server, supervisor)
    boss.goto("/calendar/staff/")
    late_list = boss.locator("section", has=boss.get_by_role("heading", name="Late invitations, last three months"))
    expect(late_list.get_by_role("listitem")).to_have_count(1)
    expect(late_list.get_by_role("listitem")).to_contain_text("Maya Lopez, The Garcia family.")
    expect(late_list.get_by_role("listitem")).to_contain_text("by Mr. Reed: 2 business days' notice.")
    check_page(boss, "event-journey-supervisor-late-list")
    late_list.get_by_role("link", name="Review hearing", exact=True).click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text("Review hearing")

    # --- The family's invitation e-mail carries a calendar file with the time, a stable UID and no child's name.
    invitation = Notification.objects.get(recipient=resource_parent, kind=Notification.Kind.EVENT_INVITED)
    assert invitation.emailed_at is not None
    [(name, calendar, body)] = _calendar_files(resource_parent.email)
    assert name == f"court-hearing-{hearing_day:%Y-%m-%d}.ics"
    assert str(calendar["method"]) == "PUBLISH"
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == hearing.starts_at and entry.decoded("dtend") == hearing.ends_at
    assert str(entry["summary"]) == "Review hearing" and str(entry["location"]) == PLACE
    uid = str(entry["uid"])
    assert uid.startswith(f"{hearing.uid}@") and int(entry["sequence"]) == 0
    assert "Maya" not in body and b"Maya" not in calendar.to_ical()

    # --- Mrs. Garcia, on her phone: the hearing on her calendar, as a list and on the month.
    parent = open_as()
    sign_in(parent, resource_parent)
    parent.get_by_role("navigation").get_by_role("link", name="Calendar").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Calendar")
    card = parent.locator(".event-card").filter(has=parent.get_by_role("link", name="Review hearing", exact=True))
    expect(card).to_contain_text("for Maya")
    expect(card).to_contain_text(_span(hearing))
    expect(card).to_contain_text(PLACE)
    expect(card).to_contain_text("Not answered yet")
    check_page(parent, "event-journey-family-calendar")

    parent.get_by_role("navigation", name="How to show the calendar").get_by_role("link", name="Month").click()
    if hearing_day.month != today.month:
        parent.locator("a[rel=next]").click()
    expect(parent.get_by_role("heading", level=2, name=_date(hearing_day, "YEAR_MONTH_FORMAT"), exact=True)).to_be_visible()
    day = parent.get_by_role("table").get_by_role("link", name=re.compile(rf"{_date(hearing_day, 'l j F')}: Review hearing"))
    expect(day).to_have_count(1)
    check_page(parent, "event-journey-family-month")
    day.click()
    expect(parent.locator(f"#day-{hearing_day:%Y-%m-%d}")).to_have_text(_date(hearing_day, "l j F"))
    parent.locator(".event-list").get_by_role("link", name="Review hearing", exact=True).click()

    # She needs transport to attend: the promise to arrange it opens, with who and by when.
    expect(parent.get_by_role("heading", level=1)).to_have_text("Review hearing for Maya")
    expect(parent.locator(".event-details__when")).to_have_text(_span(hearing))
    check_page(parent, "event-journey-family-event")
    parent.get_by_role("group", name=re.compile(r"^Will you attend\?")).get_by_label("I want to attend but need transport").check()
    parent.get_by_label("Anything we should know (optional)").fill("Our car is in the repair shop.")
    with parent.expect_navigation():
        parent.get_by_role("button", name="Send my answer").click()
    expect(parent.get_by_role("status")).to_contain_text("Thank you. Your answer is saved and your caseworker can see it.")
    answer = Invitee.objects.get(event=hearing, user=resource_parent)
    assert (answer.response, answer.note) == (Invitee.Response.TRANSPORT, "Our car is in the repair shop.")
    transport = _promise(answer, "event-help")
    assert transport.owner == caseworker and transport.due_at == business_days.deadline(answer.responded_at, 1)
    expect(parent.locator(".event-answer")).to_have_text(
        f"Your answer: “I want to attend but need transport” (sent {_when(answer.responded_at)})."
    )
    expect(parent.locator(".promise")).to_contain_text(
        f"Mr. Reed is arranging transport, and will tell you here how by {_when(transport.due_at)}."
    )
    check_page(parent, "event-journey-family-answered")

    # Her observations for the court report, with a photo of a note from school.
    parent.get_by_label("Your observations").fill(OBSERVATIONS)
    parent.get_by_label("Documents or photos (optional)").set_input_files(
        [{"name": "note-from-school.png", "mimeType": "image/png", "buffer": _png()}]
    )
    with parent.expect_navigation():
        parent.get_by_role("button", name="Send to Mr. Reed").click()
    expect(parent.get_by_role("status")).to_contain_text("Sent. Your caseworker will confirm receiving them within one business day.")
    observation = Observation.objects.get()
    assert observation.body == OBSERVATIONS and [f.name for f in observation.files.all()] == ["note-from-school.png"]
    receipt = _promise(observation, "observation-receipt")
    sent = parent.locator(".observation")
    expect(sent).to_contain_text(OBSERVATIONS)
    expect(sent.get_by_role("link", name="note-from-school.png")).to_be_visible()
    expect(sent).to_contain_text(f"Waiting for Mr. Reed to confirm receiving it — by {_when(receipt.due_at)}.")
    check_page(parent, "event-journey-family-observations-sent")

    # --- Mr. Reed sees her answer and her observations, confirms receiving them, and moves the hearing.
    worker.reload()
    invitee = worker.locator(".invitee").filter(has_text="Mrs. Garcia")
    expect(invitee).to_contain_text("I want to attend but need transport")
    expect(invitee).to_contain_text(f"Mr. Reed arranges transport by {_when(transport.due_at)}.")
    expect(worker.locator(".observation")).to_contain_text(f"Mr. Reed confirms receiving them by {_when(receipt.due_at)}.")
    check_page(worker, "event-journey-staff-event-answered")
    with worker.expect_navigation():
        worker.get_by_role("button", name=re.compile(r"^I received these")).click()
    expect(worker.get_by_role("status")).to_contain_text("The family sees that you received their observations.")
    observation.refresh_from_db()
    assert observation.acknowledged_by == caseworker
    assert Commitment.objects.get(pk=receipt.pk).status == Commitment.Status.MET

    new_day = _business_days_after(hearing_day, 2)
    worker.get_by_text("Move to another time or place").click()
    _fill_when(worker, new_day, "14:00", "15:00", day_label="New date")
    worker.get_by_label("Why it moves (the family reads this)").fill(REASON)
    check_page(worker, "event-journey-staff-move")
    with worker.expect_navigation():
        worker.get_by_role("button", name="Move it and tell everyone").click()
    expect(worker.get_by_role("status")).to_contain_text(
        "Moved. Every invitee has the new time and a calendar file that replaces the old entry."
    )
    hearing.refresh_from_db()
    assert business_days.local_date(hearing.starts_at) == new_day and timezone.localtime(hearing.starts_at).hour == 14
    assert (hearing.sequence, hearing.change_reason) == (1, REASON)
    expect(worker.locator(".event-state--changed")).to_contain_text(REASON)

    # --- Her calendar follows, and the new calendar file replaces the entry: same UID, a higher SEQUENCE.
    parent.get_by_role("link", name="← Calendar").click()
    card = parent.locator(".event-card").filter(has=parent.get_by_role("link", name="Review hearing", exact=True))
    expect(card).to_contain_text(_span(hearing))
    expect(card).to_contain_text("Time or place changed")
    expect(card).to_contain_text("I want to attend but need transport")
    check_page(parent, "event-journey-family-calendar-moved")
    card.get_by_role("link", name="Review hearing", exact=True).click()
    changed = parent.locator("section.event-state--changed")
    expect(changed.get_by_role("heading", level=2)).to_have_text("The time or place changed")
    expect(changed).to_contain_text(f"Mr. Reed changed it on {_when(hearing.changed_at)}. Why: {REASON}")
    expect(parent.locator(".event-details__when")).to_have_text(_span(hearing))
    expect(parent.locator(".observation")).to_contain_text(f"Received by Mr. Reed on {_when(observation.acknowledged_at)}.")
    check_page(parent, "event-journey-family-event-moved")

    assert Notification.objects.filter(recipient=resource_parent, kind=Notification.Kind.EVENT_CHANGED, emailed_at__isnull=False).count() == 1
    first, second = _calendar_files(resource_parent.email)
    [moved] = second[1].walk("VEVENT")
    assert second[0] == f"court-hearing-{new_day:%Y-%m-%d}.ics"
    assert str(moved["uid"]) == uid and int(moved["sequence"]) == 1 > int(first[1].walk("VEVENT")[0]["sequence"])
    assert moved.decoded("dtstart") == hearing.starts_at and str(moved["summary"]) == "Review hearing"
    assert "Maya" not in second[2]

    # --- The day comes. The live server's clock cannot travel, so the hearing is put in the past it
    # would have by then; the beat promises the outcome within a business day of its end.
    ended = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    Event.objects.filter(pk=hearing.pk).update(starts_at=ended - timedelta(hours=1), ends_at=ended)
    assert services.open_outcome_promises() == 1
    hearing.refresh_from_db()
    owed = _promise(hearing, "hearing-outcome")
    assert owed.due_at == business_days.deadline(ended, 1)

    worker.reload()
    expect(worker.get_by_role("heading", name="Record what happened")).to_be_visible()
    expect(worker.get_by_role("main")).to_contain_text(f"Mr. Reed posts the outcome for the family by {_when(owed.due_at)}.")
    check_page(worker, "event-journey-staff-outcome-owed")
    next_review = today + timedelta(days=91)
    worker.get_by_label("What happened, in plain words").fill(OUTCOME)
    worker.get_by_label("Next hearing (if set)").fill(next_review.isoformat())
    worker.get_by_role("group", name="Mrs. Garcia").get_by_label("Attended").check()
    with worker.expect_navigation():
        worker.get_by_role("button", name="Post the outcome to the family").click()
    expect(worker.get_by_role("status")).to_contain_text("Posted. The family reads it on their calendar and the child")
    hearing.refresh_from_db()
    assert (hearing.outcome, hearing.next_hearing_on, hearing.outcome_by) == (OUTCOME, next_review, caseworker)
    assert Invitee.objects.get(pk=answer.pk).attended is True
    assert Commitment.objects.get(pk=owed.pk).status == Commitment.Status.MET
    assert Notification.objects.filter(recipient=resource_parent, kind=Notification.Kind.OUTCOME_POSTED).exists()
    expect(worker.locator(".invitee").filter(has_text="Mrs. Garcia")).to_contain_text("Attended")
    check_page(worker, "event-journey-staff-outcome-posted")

    # --- Mrs. Garcia reads what happened: on the hearing, on her calendar and on Maya's page.
    parent.reload()
    outcome = parent.locator("section.event-outcome")
    expect(outcome.get_by_role("heading", level=2)).to_have_text("What happened")
    expect(outcome).to_contain_text(OUTCOME)
    expect(outcome).to_contain_text(f"Next hearing: {next_review:%A} {next_review.day} {next_review:%B %Y}")
    expect(outcome).to_contain_text(f"Written by Mr. Reed on {_when(hearing.outcome_at)}.")
    expect(parent.get_by_role("button", name="Send my answer")).to_have_count(0)
    check_page(parent, "event-journey-family-outcome")
    parent.get_by_role("link", name="← Calendar").click()
    before = parent.locator("section", has=parent.get_by_role("heading", name="Before: what happened"))
    expect(before.locator(".event-card")).to_have_count(1)
    expect(before).to_contain_text(OUTCOME)
    check_page(parent, "event-journey-family-calendar-after")
    placement = Placement.objects.get(child=child)
    parent.goto(f"/children/{placement.pk}/")
    coming_up = parent.locator("section.coming-up")
    expect(coming_up).to_contain_text(f"What happened: Review hearing, {timezone.localtime(hearing.starts_at):%-d %B}")
    expect(coming_up).to_contain_text(OUTCOME)
    check_page(parent, "event-journey-family-child")



def test_the_demo_calendar_reads_well_on_a_phone(open_as, service_standards, client, live_server):
    """Every state of the demo's events, as Mrs. Garcia, Ms. Carter and Ms. Miller see them."""
    call_command("load_demo", stdout=StringIO())
    elena = User.objects.get(email="garcia@demo.family")
    # Mrs. Garcia reads the portal in Spanish (the demo's choice); this walk-through reads the English words.
    elena.language = "en"
    elena.save(update_fields=["language"])
    garcia = {"household__name": "The Garcia family"}
    review = Event.objects.get(hearing_type=Event.HearingType.REVIEW, **garcia)
    cancelled = Event.objects.get(status=Event.Status.CANCELLED, **garcia)
    moved = Event.objects.get(kind=Event.Kind.BIRTH_FAMILY_VISIT, **garcia)
    owed = Event.objects.get(kind=Event.Kind.FAMILY_TEAM_MEETING, child__first_name="Leo")

    family = open_as()
    force_sign_in(family, client, live_server, elena)
    family.goto("/calendar/")
    visits = family.locator("section", has=family.get_by_role("heading", name="Visits to arrange"))
    expect(visits).to_contain_text("You offered times. Ms. Miller will book one")
    upcoming = family.locator("section", has=family.get_by_role("heading", name="Coming up"))
    expect(upcoming.locator(".event-card--cancelled")).to_contain_text(cancelled.change_reason)
    expect(upcoming.locator(".event-card").filter(has_text="Visit with the birth family")).to_contain_text("Time or place changed")
    before = family.locator("section", has=family.get_by_role("heading", name="Before: what happened"))
    promise = _promise(owed, "hearing-outcome")
    expect(before).to_contain_text(f"{promise.owner} will write what happened by {_when(promise.due_at)}.")
    expect(before).to_contain_text("What happened: Maya and Leo stay in the agency's care and live with you.")
    check_page(family, "event-demo-family-calendar")
    family.goto(f"/calendar/?month={timezone.localtime(review.starts_at):%Y-%m}")
    check_page(family, "event-demo-family-month")
    family.goto(f"/calendar/{review.pk}/")
    help_promise = _promise(Invitee.objects.get(event=review, user=elena), "event-help")
    expect(family.locator(".promise")).to_contain_text(
        f"{help_promise.owner} is arranging transport, and will tell you here how by {_when(help_promise.due_at)}."
    )
    expect(family.locator(".observation")).to_contain_text("Received by Mr. Reed on")
    check_page(family, "event-demo-family-review")
    family.goto(f"/calendar/{cancelled.pk}/")
    expect(family.locator("section.event-state--cancelled")).to_contain_text(cancelled.change_reason)
    check_page(family, "event-demo-family-cancelled")
    family.goto(f"/calendar/{moved.pk}/")
    expect(family.locator("section.event-state--changed")).to_contain_text(moved.change_reason)
    check_page(family, "event-demo-family-moved")
    family.goto(f"/calendar/{owed.pk}/")
    check_page(family, "event-demo-family-outcome-owed")
    licence = VisitRequest.objects.get(kind=Event.Kind.LICENSING_VISIT)
    family.goto(f"/calendar/visits/{licence.pk}/")
    check_page(family, "event-demo-family-visit-offered")

    # Ms. Carter: Sofi's shelter hearing among the late invitations.
    supervisor = open_as()
    force_sign_in(supervisor, client, live_server, User.objects.get(email="supervisor@demo.agency"))
    supervisor.goto("/calendar/staff/")
    late = supervisor.locator("section", has=supervisor.get_by_role("heading", name="Late invitations, last three months"))
    expect(late.get_by_role("listitem")).to_have_count(1)
    expect(late).to_contain_text("Sofía Ruiz, The Garcia family.")
    check_page(supervisor, "event-demo-supervisor-calendar")
    supervisor.goto(f"/calendar/staff/{owed.pk}/")
    check_page(supervisor, "event-demo-staff-outcome-owed")

    # Ms. Miller: the three times the Garcias offered, one to book.
    miller = open_as()
    force_sign_in(miller, client, live_server, User.objects.get(email="resource.worker@demo.agency"))
    miller.goto(f"/calendar/staff/visits/{licence.pk}/")
    expect(miller.get_by_role("main")).to_contain_text(_when(licence.slots.first().starts_at))
    check_page(miller, "event-demo-staff-visit-offered")
