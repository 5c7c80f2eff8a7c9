"""The event pages with bad input (issue 7, "Bad input"): a clear message, what was typed kept, nothing lost, never a 500.

Monday 1 March 2027, 10:00 in the agency's zone, for every request.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.events import services
from placements.events.models import Event, Invitee, Observation, ObservationFile, VisitRequest, VisitSlot
from portal.accounts.services import record_absence
from portal.notifications.models import Notification
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 3, 1, 10, 0)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def hearing(caseworker, child, resource_parent):
    return services.schedule_event(
        actor=caseworker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
        starts_at=chicago(2027, 3, 9, 10, 0), ends_at=chicago(2027, 3, 9, 11, 0), place="Hinds County Youth Court, Room 2",
        now=NOW - timedelta(days=1),
    )


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# --- Scheduling -------------------------------------------------------------------------------


NEW_HEARING = {"kind": "court_hearing", "hearing_type": "review", "day": "2027-03-15", "starts": "10:00", "ends": "11:00", "place": "Court, Room 2"}


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"day": "2027-02-30"}, "day"),
        ({"day": "next Tuesday"}, "day"),
        ({"day": ""}, "day"),
        ({"starts": "25:00"}, "starts"),
        ({"starts": "ten"}, "starts"),
        ({"ends": "11:75"}, "ends"),
        ({"video_link": "not a link at all"}, "video_link"),
        ({"kind": "picnic"}, "kind"),
        ({"child": "999999"}, "child"),
        ({"child": "'; DROP TABLE"}, "child"),
    ],
)
def test_a_malformed_date_or_time_shows_the_error_on_the_form_and_keeps_what_was_typed(client, caseworker, child, resource_parent, bad, field):
    client.force_login(caseworker)
    data = {**NEW_HEARING, "child": child.pk, "purpose": "Typed purpose that must not be lost", **bad}
    response = client.post(reverse("events:new_event"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = _page(response)
    assert "Typed purpose that must not be lost" in page
    assert _value(page, "place") == "Court, Room 2"
    assert not Event.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "day, starts, ends",
    [("2027-11-07", "01:30", "02:30"), ("2027-03-14", "02:30", "03:30")],
    ids=["clocks-go-back", "clocks-go-forward"],
)
def test_a_time_the_clocks_repeat_or_skip_shows_the_message_with_the_typed_values_kept(client, caseworker, child, resource_parent, day, starts, ends):
    client.force_login(caseworker)
    response = client.post(reverse("events:new_event"), {**NEW_HEARING, "child": child.pk, "day": day, "starts": starts, "ends": ends})
    assert response.status_code == 200
    page = _page(response)
    assert "The clocks change at that time on this day, so it happens twice or not at all." in page
    assert (_value(page, "day"), _value(page, "starts"), _value(page, "ends")) == (day, starts, ends)
    assert _value(page, "place") == "Court, Room 2"
    assert not Event.objects.exists()


def test_an_event_in_the_past_shows_the_services_words_and_keeps_the_form(client, caseworker, child, resource_parent):
    client.force_login(caseworker)
    response = client.post(reverse("events:new_event"), {**NEW_HEARING, "child": child.pk, "day": "2027-02-26"})
    assert response.status_code == 200
    assert "This time has already passed. Choose a time ahead." in _page(response)
    assert _value(_page(response), "day") == "2027-02-26"
    response = client.post(reverse("events:new_event"), {**NEW_HEARING, "child": child.pk, "starts": "11:00", "ends": "10:00"})
    assert "The end must be after the start." in _page(response)
    response = client.post(reverse("events:new_event"), {**NEW_HEARING, "child": child.pk, "place": ""})
    assert "Say where it happens, or give the video link, or both." in _page(response)
    assert not Event.objects.exists()


def test_a_late_invitation_is_sent_and_the_caseworker_is_told_to_call_the_family(client, caseworker, child, resource_parent, supervisor):
    client.force_login(caseworker)
    response = client.post(reverse("events:new_event"), {**NEW_HEARING, "child": child.pk, "day": "2027-03-04"}, follow=True)
    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == reverse("events:staff_event", args=[event.pk])
    assert "with 2 business days' notice: less than the standard. Your supervisor is told; please also call the family." in _page(response)
    assert Notification.objects.filter(kind="late_invitation", recipient=supervisor).exists()


def test_a_reschedule_with_a_malformed_or_ambiguous_time_changes_nothing(client, caseworker, hearing, resource_parent):
    client.force_login(caseworker)
    url = reverse("events:reschedule", args=[hearing.pk])
    for data, words in [
        ({"day": "2027-13-01", "starts": "10:00", "ends": "11:00", "reason": "Judge ill"}, "Enter a valid date."),
        ({"day": "2027-11-07", "starts": "01:15", "ends": "02:30", "reason": "Judge ill"}, "The clocks change at that time"),
        ({"day": "2027-03-16", "starts": "10:00", "ends": "11:00", "reason": ""}, "This field is required."),
        ({"day": "2027-02-16", "starts": "10:00", "ends": "11:00", "reason": "Judge ill"}, "This time has already passed."),
    ]:
        response = client.post(url, {**data, "place": "Court, Room 2"})
        assert response.status_code == 200
        assert words in _page(response), data
    hearing.refresh_from_db()
    assert hearing.sequence == 0 and hearing.starts_at == chicago(2027, 3, 9, 10, 0)
    assert not Notification.objects.filter(kind="event_changed").exists()


# --- The family's answer, and the race with a reschedule -------------------------------------


def test_an_answer_for_a_time_that_moved_shows_the_new_time_and_keeps_the_choice(client, caseworker, hearing, resource_parent):
    client.force_login(resource_parent)
    opened = client.get(reverse("events:family_event", args=[hearing.pk]))
    assert _value(_page(opened), "sequence") == "0"
    # While the family reads, the caseworker moves the hearing.
    services.reschedule_event(
        actor=caseworker, event=hearing, starts_at=chicago(2027, 3, 10, 14, 0), ends_at=chicago(2027, 3, 10, 15, 0),
        reason="The judge moved the docket.", now=NOW,
    )
    response = client.post(reverse("events:respond", args=[hearing.pk]), {"response": "transport", "note": "No car that week", "sequence": "0"})
    assert response.status_code == 200
    page = _page(response)
    assert "The time or place changed while you were answering" in page
    assert "The judge moved the docket." in page
    assert "Wednesday 10 March" in page and "2:00" in page  # the new time, as the family reads it
    assert re.search(r'<input[^>]*value="transport"[^>]*checked', page) or re.search(r'<input[^>]*checked[^>]*value="transport"', page)
    assert "No car that week" in page
    assert _value(page, "sequence") == "1"
    invitee = Invitee.objects.get(event=hearing, user=resource_parent)
    assert invitee.response == "" and not invitee.responded_at  # nothing saved for the old time
    # Sending again (the new sequence is on the form) saves it.
    again = client.post(reverse("events:respond", args=[hearing.pk]), {"response": "transport", "note": "No car that week", "sequence": "1"}, follow=True)
    assert "Thank you. Your answer is saved" in _page(again)
    invitee.refresh_from_db()
    assert (invitee.response, invitee.note) == ("transport", "No car that week")


@pytest.mark.parametrize(
    "data",
    [
        {"response": "maybe", "sequence": "0"},
        {"response": "", "sequence": "0"},
        {"response": "video", "sequence": "abc"},
        {"response": "video", "sequence": "-1"},
        {"response": "video"},
        {"response": "video", "sequence": "0", "note": "x" * 301},
    ],
)
def test_a_malformed_answer_is_shown_back_and_nothing_is_saved(client, hearing, resource_parent, data):
    client.force_login(resource_parent)
    response = client.post(reverse("events:respond", args=[hearing.pk]), data)
    assert response.status_code == 200
    assert response.context["respond_form"].errors
    assert 'class="error-summary"' in _page(response) or "errorlist" in _page(response)
    assert Invitee.objects.get(user=resource_parent).response == ""


def test_answering_a_cancelled_event_says_so(client, caseworker, hearing, resource_parent):
    services.cancel_event(actor=caseworker, event=hearing, reason="Vacated", now=NOW)
    client.force_login(resource_parent)
    response = client.post(reverse("events:respond", args=[hearing.pk]), {"response": "video", "sequence": "1"})
    assert response.status_code == 200
    page = _page(response)
    assert "Mr. Reed cancelled this on" in page and "Vacated" in page
    assert "Send my answer" not in page  # no form to answer a cancelled event
    assert Invitee.objects.get(user=resource_parent).response == ""


# --- 404s and 405s ----------------------------------------------------------------------------


UNKNOWN = 987654


@pytest.mark.parametrize(
    "name, method, who",
    [
        ("family_event", "get", "parent"),
        ("respond", "post", "parent"),
        ("observations", "post", "parent"),
        ("observation_file", "get", "parent"),
        ("observation_file", "get", "caseworker"),
        ("family_visit", "get", "parent"),
        ("family_visit", "post", "parent"),
        ("staff_event", "get", "caseworker"),
        ("reschedule", "post", "caseworker"),
        ("cancel", "post", "caseworker"),
        ("outcome", "post", "caseworker"),
        ("acknowledge_observations", "post", "caseworker"),
        ("help_arranged", "post", "caseworker"),
        ("staff_visit", "get", "caseworker"),
        ("staff_visit", "post", "caseworker"),
    ],
)
def test_an_unknown_id_is_a_404(client, resource_parent, caseworker, name, method, who):
    client.force_login({"parent": resource_parent, "caseworker": caseworker}[who])
    url = reverse(f"events:{name}", args=[UNKNOWN])
    response = getattr(client, method)(url, {"reason": "x", "outcome": "x", "note": "x", "response": "video", "sequence": "0"} if method == "post" else None)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name, who, obj",
    [
        ("respond", "parent", "event"),
        ("observations", "parent", "event"),
        ("reschedule", "caseworker", "event"),
        ("cancel", "caseworker", "event"),
        ("outcome", "caseworker", "event"),
        ("acknowledge_observations", "caseworker", "observation"),
        ("help_arranged", "caseworker", "invitee"),
    ],
)
def test_get_on_an_endpoint_that_only_takes_post_is_a_405_and_changes_nothing(client, hearing, resource_parent, caseworker, name, who, obj):
    invitee = services.respond(user=resource_parent, event=hearing, response="transport", sequence=0, now=NOW)
    observation = services.submit_observations(user=resource_parent, event=hearing, body="Doing well", now=NOW)
    client.force_login({"parent": resource_parent, "caseworker": caseworker}[who])
    pk = {"event": hearing.pk, "observation": observation.pk, "invitee": invitee.pk}[obj]
    response = client.get(reverse(f"events:{name}", args=[pk]))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    hearing.refresh_from_db()
    observation.refresh_from_db()
    assert hearing.sequence == 0 and not hearing.is_cancelled and observation.acknowledged_at is None


@pytest.mark.parametrize("month", ["abc", "2027", "2027-13", "2027-00", "0-1", "-5-3", "9999-12", "1-1", "99999-1", "2027-1-1", "٢٠٢٧-٣"])
def test_a_malformed_or_extreme_month_never_breaks_the_calendar(client, hearing, resource_parent, month):
    client.force_login(resource_parent)
    response = client.get(reverse("events:family_calendar"), {"month": month})
    assert response.status_code == 200
    response = client.get(reverse("events:family_calendar"), {"view": "month", "month": month})
    assert response.status_code == 200


def test_the_month_view_puts_an_evening_event_on_its_local_day(client, caseworker, child, resource_parent):
    services.schedule_event(
        actor=caseworker, kind=Event.Kind.BIRTH_FAMILY_VISIT, child=child, starts_at=chicago(2027, 3, 31, 19, 30),
        ends_at=chicago(2027, 3, 31, 20, 30), place="Family center", now=NOW,
    )
    client.force_login(resource_parent)
    response = client.get(reverse("events:family_calendar"), {"month": "2027-03"})
    days = {day.day: day.events for week in response.context["weeks"] for day in week}
    assert [e.place for e in days[date(2027, 3, 31)]] == ["Family center"] and not days.get(date(2027, 4, 1))
    assert 'id="day-2027-03-31"' in _page(response)
    april = client.get(reverse("events:family_calendar"), {"month": "2027-04"})
    assert 'id="day-2027-03-31"' not in _page(april)  # shown greyed in April's first week, listed only in March


# --- Observations and their files -------------------------------------------------------------


def _observe(client, event, *, body="", files=(), key=None):
    return client.post(
        reverse("events:observations", args=[event.pk]),
        {"body": body, "submission_key": str(key or uuid.uuid4()), "files": list(files)},
    )


def test_a_file_that_is_not_what_its_name_says_is_refused_on_the_page_and_the_words_are_kept(client, hearing, resource_parent):
    client.force_login(resource_parent)
    response = _observe(client, hearing, body="She is sleeping through the night.", files=[SimpleUploadedFile("report.pdf", PNG)])
    assert response.status_code == 200
    page = _page(response)
    assert "“report.pdf” does not contain what its name says." in page
    assert "She is sleeping through the night." in page
    response = _observe(client, hearing, body="Again", files=[SimpleUploadedFile("notes.pdf", b"plain words, not a PDF")])
    assert "“notes.pdf” is not a PDF, JPEG or PNG file." in _page(response)
    assert not Observation.objects.exists() and not ObservationFile.objects.exists()


def test_empty_observations_are_refused_with_the_services_words(client, hearing, resource_parent):
    client.force_login(resource_parent)
    response = _observe(client, hearing, body="   ")
    assert response.status_code == 200
    assert "Write your observations, or attach them." in _page(response)
    assert not Observation.objects.exists()


def test_sending_the_same_observations_twice_keeps_one(client, hearing, resource_parent, caseworker):
    client.force_login(resource_parent)
    key = uuid.uuid4()
    for _attempt in range(2):
        response = _observe(client, hearing, body="Maya sleeps well.", key=key)
        assert response.status_code == 302
    assert Observation.objects.count() == 1
    assert Notification.objects.filter(kind="observations_sent", recipient=caseworker).count() == 1


@pytest.fixture
def files(client, hearing, resource_parent):
    """A PDF and a PNG the Garcias sent with their observations, through the page."""
    client.force_login(resource_parent)
    response = _observe(
        client, hearing, body="Report attached.",
        files=[SimpleUploadedFile("school-letter.pdf", PDF), SimpleUploadedFile("drawing.png", PNG)],
    )
    assert response.status_code == 302
    client.logout()
    return {f.name: f for f in ObservationFile.objects.all()}


def _download(client, person, upload):
    client.force_login(person)
    response = client.get(reverse("events:observation_file", args=[upload.pk]))
    # Reading a streamed file to the end closes it (the test client's wrapper). Closing it again here would send
    # request_finished outside the client, and Django would close the test's PostgreSQL connection.
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return response, body


def test_the_family_who_sent_the_files_and_the_staff_who_see_the_event_can_download_them(
    client, files, resource_parent, caseworker, supervisor, resource_worker, office, colleague
):
    record_absence(worker=caseworker, cover=colleague, starts_on=NOW.date(), ends_on=NOW.date(), actor=caseworker, now=NOW)
    for person in (resource_parent, caseworker, supervisor, resource_worker, office.program_manager, colleague):
        response, body = _download(client, person, files["school-letter.pdf"])
        assert response.status_code == 200, person
        assert body == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment") and "school-letter.pdf" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        image, image_body = _download(client, person, files["drawing.png"])
        assert image.status_code == 200 and image_body == PNG and image["Content-Type"] == "image/png"
        assert image["Content-Disposition"].startswith("inline")
        assert "sandbox" in image["Content-Security-Policy"]


def test_nobody_else_can_download_them(client, files, other_family, colleague, fiscal_staff, household):
    from tests.factories import ParentFactory

    other_team_admin_less = [other_family, colleague, fiscal_staff]
    for person in other_team_admin_less:
        response, body = _download(client, person, files["school-letter.pdf"])
        assert response.status_code == 404, person
        assert body != PDF
    client.logout()
    response = client.get(reverse("events:observation_file", args=[files["school-letter.pdf"].pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url
    # The other parent of the household sees what the family sent: it is the household's.
    partner = ParentFactory(household=household, last_name="Garcia", email="partner@family.test")
    response, body = _download(client, partner, files["school-letter.pdf"])
    assert response.status_code == 200 and body == PDF


def test_a_file_missing_from_storage_is_a_404_not_a_500(client, files, resource_parent):
    upload = files["school-letter.pdf"]
    upload.file.storage.delete(upload.file.name)
    response, _body = _download(client, resource_parent, upload)
    assert response.status_code == 404


# --- Staff forms ------------------------------------------------------------------------------


def test_an_outcome_with_bad_input_is_shown_back(client, caseworker, child, resource_parent):
    meeting = services.schedule_event(
        actor=caseworker, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=chicago(2027, 2, 26, 10, 0),
        ends_at=chicago(2027, 2, 26, 11, 0), place="Office", now=chicago(2027, 2, 19, 10, 0),
    )
    invitee = meeting.invitees.get()
    client.force_login(caseworker)
    url = reverse("events:outcome", args=[meeting.pk])
    for data, words in [
        ({"outcome": "", "next_hearing_on": ""}, "This field is required."),
        ({"outcome": "Agreed", "next_hearing_on": "2027-02-31"}, "Enter a valid date."),
        ({"outcome": "Agreed", "next_hearing_on": "2027-02-01"}, "The next hearing must be after this one."),
        ({"outcome": "x" * 4001, "next_hearing_on": ""}, "Ensure this value has at most 4000 characters"),
    ]:
        response = client.post(url, {**data, f"attended_{invitee.pk}": "yes", "attended_x": "yes", "attended_": "no"})
        assert response.status_code == 200 and words in _page(response), data
    meeting.refresh_from_db()
    assert meeting.outcome == ""
    response = client.post(url, {"outcome": "Agreed on tutoring.", "next_hearing_on": "", f"attended_{invitee.pk}": "yes", "attended_junk": "yes"})
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert invitee.attended is True


def test_help_arranged_with_no_words_says_so_and_keeps_the_promise_open(client, caseworker, hearing, resource_parent):
    invitee = services.respond(user=resource_parent, event=hearing, response="transport", sequence=0, now=NOW)
    client.force_login(caseworker)
    response = client.post(reverse("events:help_arranged", args=[invitee.pk]), {"note": ""}, follow=True)
    assert "Say what was arranged." in _page(response)
    from portal.followups.models import Commitment

    assert Commitment.objects.get(standard__code="event-help").status == "open"


# --- Visits -----------------------------------------------------------------------------------


@pytest.fixture
def visit(resource_worker, household, resource_parent):
    return services.ask_for_visit_times(
        actor=resource_worker, household=household, kind=Event.Kind.LICENSING_VISIT, purpose="Licence renewal",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 19), now=NOW,
    )


def _slots(*times) -> dict:
    data = {"slots-TOTAL_FORMS": "3", "slots-INITIAL_FORMS": "0", "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "3"}
    for n, (day, starts, ends) in enumerate(times):
        data.update({f"slots-{n}-day": day, f"slots-{n}-starts": starts, f"slots-{n}-ends": ends})
    return data


def test_the_family_offers_times_and_bad_ones_are_shown_back_with_what_was_typed(client, visit, resource_parent, resource_worker):
    client.force_login(resource_parent)
    url = reverse("events:family_visit", args=[visit.pk])
    for times, words in [
        ((("2027-03-14", "02:30", "03:30"),), "The clocks change at that time"),
        ((("2027-03-25", "18:00", "19:00"),), "Choose times between"),
        ((("2027-03-10", "19:00", "18:00"),), "The end must be after the start."),
        ((("2027-03-10", "7pm", "8pm"),), "Enter a valid time."),
        ((), "Offer one, two or three times."),
    ]:
        response = client.post(url, _slots(*times))
        assert response.status_code == 200, times
        page = _page(response)
        assert words in page, times
        if times:
            assert _value(page, "slots-0-day") == times[0][0] and _value(page, "slots-0-starts") == times[0][1]
    assert not VisitSlot.objects.exists()
    response = client.post(url, _slots(("2027-03-10", "18:30", "19:30"), ("2027-03-11", "07:00", "08:00")), follow=True)
    assert f"Thank you. {resource_worker} will book one of your times." in _page(response)
    assert VisitSlot.objects.count() == 2


def test_a_malformed_formset_is_not_a_500(client, visit, resource_parent):
    client.force_login(resource_parent)
    url = reverse("events:family_visit", args=[visit.pk])
    for data in ({}, {"slots-TOTAL_FORMS": "abc"}, {**_slots(("2027-03-10", "18:00", "19:00")), "slots-TOTAL_FORMS": "1000"}):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert not VisitSlot.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999", "", "1 OR 1=1", "-1"])
def test_accepting_or_booking_an_unknown_or_malformed_time_is_a_404(client, visit, resource_parent, resource_worker, value):
    services.offer_visit_times(user=resource_parent, request=visit, times=[(chicago(2027, 3, 10, 18, 0), chicago(2027, 3, 10, 19, 0))], now=NOW)
    client.force_login(resource_parent)
    response = client.post(reverse("events:family_visit", args=[visit.pk]), {"accept": value})
    assert response.status_code in (404, 200) if value == "" else response.status_code == 404
    client.force_login(resource_worker)
    response = client.post(reverse("events:staff_visit", args=[visit.pk]), {"book": value})
    assert response.status_code in (404, 200) if value == "" else response.status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitRequest.Status.OFFERED and not Event.objects.exists()


def test_a_time_of_another_visit_cannot_be_booked_through_this_one(client, visit, resource_parent, resource_worker, household):
    services.offer_visit_times(user=resource_parent, request=visit, times=[(chicago(2027, 3, 10, 18, 0), chicago(2027, 3, 10, 19, 0))], now=NOW)
    other = services.ask_for_visit_times(
        actor=resource_worker, household=household, kind=Event.Kind.LICENSING_VISIT, purpose="Fire safety check",
        between_from=date(2027, 3, 8), between_until=date(2027, 3, 19), now=NOW,
    )
    client.force_login(resource_worker)
    response = client.post(reverse("events:staff_visit", args=[other.pk]), {"book": visit.slots.get().pk})
    assert response.status_code == 404
    assert not Event.objects.exists()


def test_the_worker_books_an_offered_time_and_the_family_sees_it_booked(client, visit, resource_parent, resource_worker):
    services.offer_visit_times(user=resource_parent, request=visit, times=[(chicago(2027, 3, 10, 18, 0), chicago(2027, 3, 10, 19, 0))], now=NOW)
    client.force_login(resource_worker)
    response = client.post(reverse("events:staff_visit", args=[visit.pk]), {"book": visit.slots.get().pk})
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("events:staff_event", args=[event.pk])
    again = client.post(reverse("events:staff_visit", args=[visit.pk]), {"book": visit.slots.get().pk}, follow=True)
    assert "This visit is already booked." in _page(again)
    assert Event.objects.count() == 1
    client.force_login(resource_parent)
    page = _page(client.get(reverse("events:family_visit", args=[visit.pk])))
    assert "Booked" in page and reverse("events:family_event", args=[event.pk]) in page
    calendar = _page(client.get(reverse("events:family_calendar")))
    assert "Licensing visit" in calendar and "At the family's home" in calendar
