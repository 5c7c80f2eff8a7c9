"""Every events page renders for the person it is for, with the words that person needs to act."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.events import services
from placements.events.models import Event, Invitee, VisitRequest
from portal.followups.models import ServiceStandard
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2027, 3, 1, 9, 0)
HEARING_STARTS = chicago(2027, 3, 4, 10, 0)  # a Thursday: three business days ahead, so late
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def now(time_machine):
    """Move the clock; every page reads timezone.now()."""

    def move(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    move(MONDAY_9)
    return move


@pytest.fixture
def hearing(now, caseworker, child, resource_parent):
    return services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
        starts_at=HEARING_STARTS, ends_at=HEARING_STARTS + timedelta(hours=1), place="Hinds County Youth Court, Room 2",
        purpose="The judge reviews Maya's case plan.", now=MONDAY_9,
    )


@pytest.fixture
def visit(now, resource_worker, household, resource_parent):
    return services.ask_for_visit_times(
        actor=resource_worker, household=household, kind=Event.Kind.LICENSING_VISIT, purpose="Annual licence renewal walk-through",
        between_from=MONDAY_9.date() + timedelta(days=7), between_until=MONDAY_9.date() + timedelta(days=20), now=MONDAY_9,
    )


def _get(client, user, name, *args, status=200, query=""):
    client.force_login(user)
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == status, (name, response.status_code)
    return response.content.decode()


def _text(html: str) -> str:
    """The page's words, without tags, on one line (blocktranslate keeps the template's line breaks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def _invitation(event, user):
    return Invitee.objects.get(event=event, user=user)


# --- Navigation -------------------------------------------------------------------------------


def test_the_menu_links_families_and_staff_to_their_calendars(client, resource_parent, caseworker, fiscal_staff):
    assert reverse("events:family_calendar") in _get(client, resource_parent, "followups:family_home")
    assert reverse("events:staff_calendar") in _get(client, caseworker, "followups:my_day")
    assert reverse("events:staff_calendar") not in _get(client, fiscal_staff, "followups:my_day")


# --- The family -------------------------------------------------------------------------------


def test_the_family_calendar_lists_what_is_coming_with_who_organises_it_and_their_answer(client, hearing, visit, resource_parent):
    page = _text(_get(client, resource_parent, "events:family_calendar"))
    assert "Coming up" in page
    assert "Review hearing for Maya" in page
    assert "Thursday 4 March, 10:00 AM to 11:00 AM" in page
    assert "Hinds County Youth Court, Room 2" in page
    assert "Organised by Mr. Reed" in page
    assert "Your answer Not answered yet" in page
    assert "Visits to arrange" in page
    assert "Ms. Miller asks which times suit you between Mon 8 Mar and Sun 21 Mar. Evenings are welcome." in page
    assert "?view=month" in _get(client, resource_parent, "events:family_calendar")


def test_the_family_calendar_shows_past_outcomes_and_who_still_owes_one(client, hearing, caseworker, resource_parent, now):
    meeting = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=hearing.child, starts_at=chicago(2027, 3, 2, 14, 0),
        ends_at=chicago(2027, 3, 2, 15, 0), place="Jackson office", now=MONDAY_9,
    )
    now(chicago(2027, 3, 4, 12, 0))
    services.open_outcome_promises(now=chicago(2027, 3, 4, 12, 0))
    services.record_outcome(actor=caseworker, event=meeting, outcome="Visits with her aunt start on Saturdays.", now=chicago(2027, 3, 4, 12, 0))
    page = _text(_get(client, resource_parent, "events:family_calendar"))
    assert "Before: what happened" in page
    assert "What happened: Visits with her aunt start on Saturdays." in page
    assert "Mr. Reed will write what happened by Friday 5 March, 5:00 PM." in page
    assert "Nothing is planned." in page


def test_the_month_view_is_a_monday_first_grid_with_links_to_each_day_and_the_full_list(client, hearing, resource_parent):
    html = _get(client, resource_parent, "events:family_calendar", query="?month=2027-03")
    page = _text(html)
    assert "March 2027" in page
    assert re.search(r"<th scope=\"col\"><abbr title=\"Monday\">Mon</abbr></th>", html)
    assert "?month=2027-02" in html and "?month=2027-04" in html
    assert 'href="#day-2027-03-04"' in html and 'id="day-2027-03-04"' in html
    assert "Thursday 4 March: Review hearing, 10:00 AM" in page
    assert "Everything in March 2027" in page
    assert reverse("events:family_event", args=[hearing.pk]) in html
    empty = _text(_get(client, resource_parent, "events:family_calendar", query="?month=2027-05"))
    assert "Nothing is planned in May 2027." in empty
    # A month that does not exist falls back to the list, never a 500.
    assert "Coming up" in _text(_get(client, resource_parent, "events:family_calendar", query="?month=2027-13"))


def test_the_family_event_page_gives_the_details_the_answer_form_and_the_observations_form(client, hearing, resource_parent):
    html = _get(client, resource_parent, "events:family_event", hearing.pk)
    page = _text(html)
    assert "Court hearing: Review hearing" in page
    assert "Thursday 4 March, 10:00 AM to 11:00 AM" in page
    assert "The judge reviews Maya's case plan." in page
    assert "Who invited you Mr. Reed" in page
    assert "Will you come?" in page
    for choice in ("I will attend in person", "I will attend by video", "I want to attend but need transport", "I cannot attend"):
        assert choice in page
    assert 'name="sequence"' in html
    assert "Tell the court how Maya is doing" in page
    assert 'enctype="multipart/form-data"' in html
    assert "confirms receiving it within one business day" in page
    assert "Write to Mr. Reed" in page


def test_needing_transport_shows_who_arranges_it_by_when_and_then_what_was_arranged(client, hearing, caseworker, resource_parent):
    client.force_login(resource_parent)
    response = client.post(reverse("events:respond", args=[hearing.pk]), {"response": "transport", "note": "We have one car", "sequence": 0})
    assert response.status_code == 302
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "Your answer: “I want to attend but need transport”" in page
    assert "Mr. Reed is arranging transport, and will tell you here how by Tuesday 2 March, 5:00 PM." in page
    staff = _text(_get(client, caseworker, "events:staff_event", hearing.pk))
    assert "Mr. Reed arranges transport by Tuesday 2 March, 5:00 PM." in staff
    assert "“We have one car”" in staff
    client.force_login(caseworker)
    invitee = _invitation(hearing, resource_parent)
    client.post(reverse("events:help_arranged", args=[invitee.pk]), {"note": "A driver collects you at 9:15."})
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "Your transport is arranged: A driver collects you at 9:15." in page


def test_an_answer_sent_after_the_time_moved_shows_the_new_details_and_keeps_the_choice(client, hearing, caseworker, resource_parent):
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 5, 14, 0), ends_at=chicago(2027, 3, 5, 15, 0),
        reason="The judge moved the docket.", now=MONDAY_9,
    )
    client.force_login(resource_parent)
    response = client.post(reverse("events:respond", args=[hearing.pk]), {"response": "video", "sequence": 0})
    assert response.status_code == 200
    html = response.content.decode()
    page = _text(html)
    assert "The time or place changed while you were answering" in page
    assert "Your choice is kept" in page
    assert "Friday 5 March, 2:00 PM to 3:00 PM" in page
    assert "The judge moved the docket." in page
    assert re.search(r'value="video"[^>]*checked', html)
    assert 'name="sequence" value="1"' in html
    assert not _invitation(hearing, resource_parent).response


def test_observations_sent_wait_for_a_receipt_then_say_who_received_them(client, hearing, caseworker, resource_parent):
    client.force_login(resource_parent)
    upload = SimpleUploadedFile("school-report.png", PNG, content_type="image/png")
    response = client.post(
        reverse("events:observations", args=[hearing.pk]),
        {"body": "Maya sleeps through the night now.", "files": [upload], "submission_key": "0b0e6c1e-7c6b-4a51-9d43-5c1b2b7f3a10"},
    )
    assert response.status_code == 302
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "What you sent" in page
    assert "Maya sleeps through the night now." in page
    assert "school-report.png" in page
    assert "Waiting for Mr. Reed to confirm receiving it — by Tuesday 2 March, 9:00 AM." in page or "Waiting for Mr. Reed to confirm receiving it — by" in page
    staff_html = _get(client, caseworker, "events:staff_event", hearing.pk)
    assert "I received these" in _text(staff_html)
    observation = hearing.observations.get()
    assert reverse("events:acknowledge_observations", args=[observation.pk]) in staff_html
    assert reverse("events:observation_file", args=[observation.files.get().pk]) in staff_html
    client.force_login(caseworker)
    client.post(reverse("events:acknowledge_observations", args=[observation.pk]))
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "Received by Mr. Reed on Monday 1 March, 9:00 AM." in page


def test_an_observation_file_that_is_not_what_its_name_says_is_refused_on_the_form(client, hearing, resource_parent):
    client.force_login(resource_parent)
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("events:observations", args=[hearing.pk]), {"body": "See attached.", "files": [fake], "submission_key": "1b0e6c1e-7c6b-4a51-9d43-5c1b2b7f3a10"})
    assert response.status_code == 200
    page = _text(response.content.decode())
    assert "Please check what you typed" in page and "Nothing you typed has been lost." in page
    assert "See attached." in page


def test_after_the_hearing_the_family_reads_who_writes_the_outcome_by_when_and_then_the_outcome(client, hearing, caseworker, resource_parent, now):
    now(chicago(2027, 3, 4, 11, 30))
    services.open_outcome_promises(now=chicago(2027, 3, 4, 11, 30))
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "Mr. Reed will write here what happened, in plain words, by Friday 5 March, 5:00 PM." in page
    assert "Will you come?" not in page
    services.record_outcome(
        actor=caseworker, event=hearing, outcome="Maya stays with you. Visits with her mother continue.",
        next_hearing_on=chicago(2027, 6, 10).date(), now=chicago(2027, 3, 4, 15, 0),
    )
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "What happened Maya stays with you. Visits with her mother continue." in page
    assert "Next hearing: Thursday 10 June 2027" in page


def test_a_moved_or_cancelled_event_says_why(client, hearing, caseworker, resource_parent):
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 11, 10, 0), ends_at=chicago(2027, 3, 11, 11, 0),
        reason="The judge is ill.", now=MONDAY_9,
    )
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "The time or place changed" in page and "The judge is ill." in page
    assert "Time or place changed" in _text(_get(client, resource_parent, "events:family_calendar"))
    hearing.refresh_from_db()
    services.cancel_event(actor=caseworker, event=hearing, reason="The case was closed.", now=MONDAY_9)
    page = _text(_get(client, resource_parent, "events:family_event", hearing.pk))
    assert "Cancelled" in page and "The case was closed." in page
    assert "Will you come?" not in page and "Send to Mr. Reed" not in page


def test_the_family_offers_times_for_a_visit_and_accepts_a_time_the_worker_proposed(client, visit, resource_parent, resource_worker):
    html = _get(client, resource_parent, "events:family_visit", visit.pk)
    page = _text(html)
    assert "Licensing visit with Ms. Miller" in page
    assert "Annual licence renewal walk-through" in page
    assert "Which times suit you?" in page and "Evenings and early mornings are welcome" in page
    assert 'name="slots-TOTAL_FORMS"' in html and "First time" in page and "Third time (optional)" in page
    client.force_login(resource_parent)
    response = client.post(reverse("events:family_visit", args=[visit.pk]), {
        "slots-TOTAL_FORMS": 3, "slots-INITIAL_FORMS": 0, "slots-MIN_NUM_FORMS": 0, "slots-MAX_NUM_FORMS": 3,
        "slots-0-day": "2027-03-09", "slots-0-starts": "18:00", "slots-0-ends": "19:00",
    })
    assert response.status_code == 302
    page = _text(_get(client, resource_parent, "events:family_visit", visit.pk))
    assert "The times you offered" in page and "Tuesday 9 March, 6:00 PM to 7:00 PM" in page
    assert "Ms. Miller will book one of them for a visit by Sunday 21 March." in page
    staff_html = _get(client, resource_worker, "events:staff_visit", visit.pk)
    assert 'name="book"' in staff_html and "Times the family offered" in _text(staff_html)
    services.propose_visit_time(actor=resource_worker, request=visit, starts_at=chicago(2027, 3, 10, 17, 30), ends_at=chicago(2027, 3, 10, 18, 30), now=MONDAY_9)
    html = _get(client, resource_parent, "events:family_visit", visit.pk)
    assert "Ms. Miller proposes a time" in _text(html)
    slot = visit.slots.get(offered_by=resource_worker)
    assert f'name="accept" value="{slot.pk}"' in html
    client.force_login(resource_parent)
    client.post(reverse("events:family_visit", args=[visit.pk]), {"accept": slot.pk})
    visit.refresh_from_db()
    assert visit.status == VisitRequest.Status.BOOKED
    html = _get(client, resource_parent, "events:family_visit", visit.pk)
    assert "Booked" in _text(html) and reverse("events:family_event", args=[visit.event_id]) in html


def test_the_childs_page_shows_what_is_coming_up_for_her(client, hearing, resource_parent):
    from placements.models import Placement

    placement = Placement.objects.get(child=hearing.child)
    html = _get(client, resource_parent, "placements:child", placement.pk)
    page = _text(html)
    assert "Coming up for Maya" in page
    assert "Review hearing" in page and "Thursday 4 March, 10:00 AM" in page
    assert reverse("events:family_event", args=[hearing.pk]) in html


def test_another_family_gets_404_on_every_family_page(client, hearing, visit, other_family):
    _get(client, other_family, "events:family_event", hearing.pk, status=404)
    _get(client, other_family, "events:family_visit", visit.pk, status=404)
    page = _text(_get(client, other_family, "events:family_calendar"))
    assert "Review hearing" not in page and "Nothing is planned." in page


# --- Staff ------------------------------------------------------------------------------------


def test_the_staff_calendar_counts_answers_and_flags_help_late_notice_and_visits(client, hearing, visit, caseworker, resource_parent, resource_worker):
    services.respond(user=resource_parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, now=MONDAY_9)
    html = _get(client, caseworker, "events:staff_calendar")
    page = _text(html)
    assert "Schedule a hearing or meeting" in page and "Ask a family for visit times" in page
    assert "Review hearing" in page and "Maya Lopez" in page and "The Garcia family" in page
    assert "1 · I want to attend but need transport" in page
    assert "Arrange transport or child care by Tue 2 Mar, 5:00 PM" in page
    assert "Late notice" in page and "2 business days' notice" in page
    assert "Late invitations, last three months" in page
    visits = _text(_get(client, resource_worker, "events:staff_calendar"))
    assert "Visits being arranged" in visits and "Waiting for the family to offer times between Mon 8 Mar and Sun 21 Mar" in visits


def test_scheduling_shows_the_notice_standard_from_the_service_standard(client, caseworker, child):
    page = _text(_get(client, caseworker, "events:new_event"))
    assert "Hearings, family team meetings and reviews need at least 5 business days’ notice." in page
    assert "A later invitation still goes out, and your supervisor is told." in page
    ServiceStandard.objects.filter(code="event-notice").update(business_days=7)
    assert "at least 7 business days’ notice" in _text(_get(client, caseworker, "events:new_event"))
    assert "Type of hearing" in page and "Invite others too" in page


def test_scheduling_in_the_past_is_a_clear_message_not_a_500(client, now, caseworker, child):
    client.force_login(caseworker)
    response = client.post(reverse("events:new_event"), {
        "kind": "family_team_meeting", "child": child.pk, "day": "2027-02-26", "starts": "10:00", "ends": "11:00", "place": "Jackson office",
    })
    assert response.status_code == 200
    assert "This time has already passed. Choose a time ahead." in _text(response.content.decode())


def test_a_late_invitation_lands_on_the_event_with_the_late_banner(client, now, caseworker, child):
    client.force_login(caseworker)
    response = client.post(reverse("events:new_event"), {
        "kind": "court_hearing", "hearing_type": "review", "child": child.pk, "day": "2027-03-04", "starts": "10:00", "ends": "11:00",
        "place": "Hinds County Youth Court",
    }, follow=True)
    page = _text(response.content.decode())
    assert "Invited late" in page
    assert "with 2 business days' notice; the standard is 5" in page
    assert "Please also call the family" in page


def test_the_staff_event_page_lists_answers_and_lets_the_worker_move_or_cancel_it(client, hearing, caseworker, resource_parent):
    html = _get(client, caseworker, "events:staff_event", hearing.pk)
    page = _text(html)
    assert "Who is invited and their answers" in page and "Mrs. Garcia" in page and "Not answered yet" in page
    assert "Move to another time or place" in page and "Cancel it" in page
    assert reverse("events:reschedule", args=[hearing.pk]) in html and reverse("events:cancel", args=[hearing.pk]) in html
    assert "Record what happened" not in page
    client.force_login(caseworker)
    response = client.post(reverse("events:reschedule", args=[hearing.pk]), {"day": "2027-02-20", "starts": "10:00", "ends": "11:00", "place": "Court", "reason": "Moved"})
    assert response.status_code == 200 and "This time has already passed. Choose a time ahead." in _text(response.content.decode())
    response = client.post(reverse("events:cancel", args=[hearing.pk]), {"reason": ""})
    assert response.status_code == 200 and 'id="cancel-reason"' in response.content.decode()


def test_after_it_starts_the_worker_records_the_outcome_and_attendance(client, hearing, caseworker, resource_parent, now):
    now(chicago(2027, 3, 4, 11, 30))
    services.open_outcome_promises(now=chicago(2027, 3, 4, 11, 30))
    invitee = _invitation(hearing, resource_parent)
    html = _get(client, caseworker, "events:staff_event", hearing.pk)
    page = _text(html)
    assert "Record what happened" in page and "Mr. Reed posts the outcome for the family by Friday 5 March, 5:00 PM." in page
    assert f'name="attended_{invitee.pk}"' in html
    assert "Move to another time or place" not in page
    client.force_login(caseworker)
    client.post(reverse("events:outcome", args=[hearing.pk]), {"outcome": "Maya stays.", f"attended_{invitee.pk}": "yes"})
    page = _text(_get(client, caseworker, "events:staff_event", hearing.pk))
    assert "The outcome" in page and "Maya stays." in page and "Attended" in page


def test_asking_for_visit_times_and_booking_one(client, visit, resource_worker, household):
    page = _text(_get(client, resource_worker, "events:new_visit"))
    assert "Ask a family for visit times" in page and "Any day between" in page
    html = _get(client, resource_worker, "events:staff_visit", visit.pk)
    page = _text(html)
    assert "Waiting for the family to offer times between 8 March and 21 March." in page
    assert "Propose another time" in page and 'name="slots-0-day"' in html


def test_staff_outside_the_case_get_404_and_families_cannot_open_staff_pages(client, hearing, visit, colleague, resource_parent):
    _get(client, colleague, "events:staff_event", hearing.pk, status=404)
    _get(client, resource_parent, "events:staff_event", hearing.pk, status=404)
    _get(client, resource_parent, "events:staff_calendar", status=404)


def test_every_page_renders_in_spanish_with_spanish_dates(client, hearing, visit, caseworker, resource_parent, resource_worker):
    resource_parent.language = "es"
    resource_parent.save(update_fields=["language"])
    month = _text(_get(client, resource_parent, "events:family_calendar", query="?month=2027-03"))
    assert "marzo" in month
    assert "jueves 4 de marzo" in _text(_get(client, resource_parent, "events:family_calendar"))
    _get(client, resource_parent, "events:family_event", hearing.pk)
    _get(client, resource_parent, "events:family_visit", visit.pk)
    caseworker.language = "es"
    caseworker.save(update_fields=["language"])
    for name, args in (("events:staff_calendar", ()), ("events:new_event", ()), ("events:staff_event", (hearing.pk,)), ("events:new_visit", ())):
        _get(client, caseworker, name, *args)
    _get(client, resource_worker, "events:staff_visit", visit.pk)
