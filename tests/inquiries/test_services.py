"""Inquiry services: bad input refused clearly, one person one record, round robin, and every promise kept once.

Service level only: the pages are in test_public.py (the inquirer's) and test_views.py (staff).
Time is fixed with ``now=``. Monday 16 November 2026 is an ordinary business week in Chicago
(Thanksgiving is the next one); an inquiry sent on Monday evening is due Tuesday at 17:00.
"""

import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from inquiries import services
from inquiries.models import ClosedReason, ContactLog, Inquiry, NextStep, Stage
from portal.accounts.models import County, Role
from portal.accounts.services import record_absence
from portal.followups.models import Commitment, CommitmentEvent
from portal.notifications.models import Notification
from tests.conftest import chicago
from tests.inquiries.links import opens
from tests.factories import OfficeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY_EVENING = chicago(2026, 11, 16, 20, 0)
TUESDAY_CLOSE = chicago(2026, 11, 17, 17, 0)


def _submit(office, **overrides):
    data = dict(
        name="Ana Pérez", email="ana@example.org", phone="601.555.0142", contact_way="phone", best_time="evenings",
        language="en", county=office.county, interest="foster", questions="How much is the board payment?", now=MONDAY_EVENING,
    )
    return services.submit_inquiry(**(data | overrides))


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def _first_contact(inquiry):
    return Commitment.objects.get(subject_id=inquiry.pk, standard__code=services.FIRST_CONTACT)


@pytest.fixture
def workers(team, resource_worker):
    """Three resource workers of Ms. Carter's team, in the order round robin starts with (pk order)."""
    return [
        resource_worker,
        UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Ortiz", email="ortiz@agency.test"),
        UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Lee", email="lee@agency.test"),
    ]


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused_with_a_kind_message(office, team, resource_worker, name):
    with pytest.raises(ValidationError) as excinfo:
        _submit(office, name=name)
    assert "Tell us your name" in _errors(excinfo)["name"][0]
    assert not Inquiry.objects.exists() and not Commitment.objects.exists()


def test_neither_email_nor_phone_is_refused_with_a_message(office, team, resource_worker):
    with pytest.raises(ValidationError) as excinfo:
        _submit(office, email="", phone="  ", contact_way="email")
    assert "e-mail address or a phone number" in _errors(excinfo)["email"][0]
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("email", ["ana@", "ana.example.org", "ana @example.org", "<ana@example.org>"])
def test_a_malformed_email_is_refused_with_a_message(office, team, resource_worker, email):
    with pytest.raises(ValidationError) as excinfo:
        _submit(office, email=email)
    assert "email" in _errors(excinfo)
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("phone", ["555-01", "12345", "call me"])
def test_a_phone_number_without_an_area_code_is_refused_with_an_example(office, team, resource_worker, phone):
    with pytest.raises(ValidationError) as excinfo:
        _submit(office, phone=phone)
    assert "(601) 555-0142" in _errors(excinfo)["phone"][0]
    assert not Inquiry.objects.exists()


def test_a_phone_number_in_any_common_format_is_one_person_and_one_inquiry(office, team, resource_worker):
    formats = ["(601) 555-0142", "601.555.0142", "+1 601 555 0142", "6015550142"]
    assert {services.phone_key(raw) for raw in formats} == {"6015550142"}
    inquiries = [
        _submit(office, name="Ana", email="", phone=raw, contact_way="phone", now=MONDAY_EVENING + timedelta(minutes=i)).inquiry
        for i, raw in enumerate(formats)
    ]
    assert {inquiry.pk for inquiry in inquiries} == {inquiries[0].pk}
    inquiry = Inquiry.objects.get()
    assert inquiry.phone == "(601) 555-0142" and inquiry.phone_key == "6015550142"
    assert inquiry.times_received == 4
    assert Commitment.objects.count() == 1


def test_a_ten_thousand_character_question_is_refused_with_a_kind_message(office, team, resource_worker):
    with pytest.raises(ValidationError) as excinfo:
        _submit(office, questions="Why? " * 1999 + "Why??")
    message = _errors(excinfo)["questions"][0]
    assert "4000" in message and "10000" in message and "We will talk about the rest when we call" in message
    assert not Inquiry.objects.exists()


def test_html_and_script_are_stored_exactly_as_typed(office, team, resource_worker):
    name = '<script>alert("x")</script> Ana'
    questions = "<b>Is it paid?</b> <img src=x onerror=alert(1)> & more"
    inquiry = _submit(office, name=name, questions=questions).inquiry
    inquiry.refresh_from_db()
    assert inquiry.name == name and inquiry.questions == questions


@pytest.mark.parametrize("name", ["李小龍", "Zoë 🌻 Núñez"])
def test_emoji_and_non_latin_names_are_stored_exactly(office, team, resource_worker, name):
    inquiry = _submit(office, name=name, questions="¿Cuánto? 🙂").inquiry
    inquiry.refresh_from_db()
    assert inquiry.name == name and inquiry.questions == "¿Cuánto? 🙂"
    assert _first_contact(inquiry).owed_to_name == name


def test_a_double_submit_makes_one_inquiry_one_promise_and_one_confirmation(office, team, resource_worker):
    key = uuid.uuid4()
    first = _submit(office, submission_key=key)
    second = _submit(office, submission_key=key, now=MONDAY_EVENING + timedelta(seconds=2))
    assert second.inquiry.pk == first.inquiry.pk
    assert Inquiry.objects.get().times_received == 1
    assert Commitment.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.INQUIRY_RECEIVED).count() == 1
    assert not ContactLog.objects.exists()


# --- The same person again ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "again",
    [
        {"email": "ANA@Example.ORG", "phone": "", "contact_way": "email"},  # the same e-mail, in another case
        {"email": "", "phone": "+1 (601) 555-0142", "contact_way": "phone"},  # the same phone, written otherwise
    ],
)
def test_the_same_person_again_joins_the_open_inquiry_and_its_deadline_stays(office, team, workers, again):
    first = _submit(office).inquiry
    later = chicago(2026, 11, 18, 10, 0)  # Wednesday, after the first deadline
    submitted = _submit(office, name="Ana P.", questions="Do you also place teenagers?", now=later, **again)
    assert submitted.joined_existing and submitted.inquiry.pk == first.pk
    inquiry = Inquiry.objects.get()
    assert inquiry.times_received == 2 and inquiry.last_received_at == later
    assert inquiry.first_contact_due_at == TUESDAY_CLOSE and inquiry.worker == first.worker
    assert inquiry.questions == "How much is the board payment?"  # the first questions stay; the new ones are in the log
    [entry] = ContactLog.objects.all()
    assert (entry.kind, entry.note, entry.at) == (ContactLog.Kind.INQUIRED_AGAIN, "Do you also place teenagers?", later)
    [promise] = Commitment.objects.all()
    assert promise.due_at == TUESDAY_CLOSE and promise.status == Commitment.Status.OPEN
    # One confirmation: the second form does not restart the promise or send a second "new inquiry".
    assert Notification.objects.filter(kind=Notification.Kind.NEW_INQUIRY).count() == 1


def test_a_re_inquiry_fills_in_the_contact_detail_that_was_missing(office, team, resource_worker):
    first = _submit(office, phone="", contact_way="email").inquiry
    _submit(office, phone="601 555 0142", now=MONDAY_EVENING + timedelta(hours=1))
    first.refresh_from_db()
    assert first.phone == "(601) 555-0142" and first.email == "ana@example.org" and first.times_received == 2


def test_a_closed_inquirers_new_inquiry_is_a_new_inquiry(office, team, resource_worker):
    first = _submit(office).inquiry
    services.move_stage(inquiry=first, stage=Stage.CLOSED, closed_reason=ClosedReason.NOT_READY, actor=resource_worker,
                        now=chicago(2026, 11, 17, 10))
    months_later = chicago(2027, 3, 2, 9, 0)
    second = _submit(office, email="ana@example.org", now=months_later)
    assert not second.joined_existing and second.inquiry.pk != first.pk
    assert second.inquiry.stage == Stage.NEW and second.inquiry.times_received == 1
    assert _first_contact(second.inquiry).status == Commitment.Status.OPEN
    assert Inquiry.objects.count() == 2


# --- Routing --------------------------------------------------------------------------------------


def _one_each(office, count, *, start=MONDAY_EVENING):
    """``count`` different people inquire ten minutes apart; who gets each one."""
    return [
        _submit(office, name=f"Person {i}", email=f"p{i}.{start:%d%H%M}@example.org", phone="", contact_way="email",
                now=start + timedelta(minutes=10 * i)).inquiry.worker
        for i in range(count)
    ]


def test_round_robin_gives_three_workers_a_turn_each(office, team, workers):
    assert _one_each(office, 6) == workers + workers


def test_round_robin_skips_a_worker_who_is_away(office, team, supervisor, workers):
    first, away, third = workers
    record_absence(worker=away, cover=first, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 18), actor=supervisor,
                   now=chicago(2026, 11, 13, 12))
    assert _one_each(office, 4) == [first, third, first, third]
    # Back on Thursday: their turn comes first, having had none.
    assert _one_each(office, 1, start=chicago(2026, 11, 19, 9)) == [away]


def test_with_everyone_away_the_team_supervisor_gets_the_inquiry(office, team, supervisor, resource_worker, caseworker):
    record_absence(worker=resource_worker, cover=caseworker, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 20),
                   actor=supervisor, now=chicago(2026, 11, 13, 12))
    inquiry = _submit(office).inquiry
    assert inquiry.worker == supervisor and inquiry.team == team
    promise = _first_contact(inquiry)
    assert promise.owner == supervisor and promise.due_at == TUESDAY_CLOSE


def test_inquiries_go_to_the_team_of_the_inquirers_county(office, team, resource_worker):
    elsewhere = OfficeFactory(name="Rankin office", county=County.objects.create(name="Rankin"))
    rankin_team = TeamFactory(office=elsewhere, supervisor=UserFactory(role=Role.SUPERVISOR, last_name="Ward"))
    rankin_worker = UserFactory(role=Role.RESOURCE_WORKER, team=rankin_team, last_name="Diaz")
    assert _submit(office, county=elsewhere.county).inquiry.worker == rankin_worker
    assert _submit(office, email="b@example.org", phone="", contact_way="email").inquiry.worker == resource_worker


def test_reassigning_keeps_every_deadline(office, team, supervisor, workers):
    inquiry = _submit(office).inquiry
    step = services.promise_next_step(inquiry=inquiry, description="Send the information session dates", actor=inquiry.worker,
                                      now=chicago(2026, 11, 17, 9))
    before = dict(Commitment.objects.values_list("pk", "due_at"))
    services.reassign_inquiry(inquiry=inquiry, to_worker=workers[2], actor=supervisor, now=chicago(2026, 11, 17, 12))
    inquiry.refresh_from_db()
    assert inquiry.worker == workers[2] and inquiry.first_contact_due_at == TUESDAY_CLOSE
    assert dict(Commitment.objects.values_list("pk", "due_at")) == before
    assert set(Commitment.objects.values_list("owner", flat=True)) == {workers[2].pk}
    assert step.pk in Commitment.objects.filter(standard__code=services.NEXT_STEP).values_list("subject_id", flat=True)


def test_a_worker_of_another_team_cannot_take_or_hand_over_an_inquiry(office, team, resource_worker, caseworker):
    inquiry = _submit(office).inquiry
    other_team = TeamFactory(office=OfficeFactory(name="Far office", county=County.objects.create(name="Rankin")))
    stranger = UserFactory(role=Role.RESOURCE_WORKER, team=other_team, last_name="Far")
    with pytest.raises(PermissionDenied):
        services.reassign_inquiry(inquiry=inquiry, to_worker=stranger, actor=stranger)
    with pytest.raises(PermissionDenied):
        services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=caseworker)
    assert _first_contact(inquiry).status == Commitment.Status.OPEN and not ContactLog.objects.exists()


# --- The contact log and first contact --------------------------------------------------------------


@pytest.mark.parametrize("kind", [ContactLog.Kind.VOICEMAIL, ContactLog.Kind.NO_ANSWER, ContactLog.Kind.PACKET])
def test_a_voicemail_no_answer_or_packet_is_logged_but_keeps_the_promise_open(office, team, resource_worker, kind):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=kind, note="Tried at 9", actor=resource_worker, now=chicago(2026, 11, 17, 9))
    inquiry.refresh_from_db()
    assert [(c.kind, c.note) for c in ContactLog.objects.all()] == [(kind, "Tried at 9")]
    assert _first_contact(inquiry).status == Commitment.Status.OPEN
    assert inquiry.first_contact_at is None and inquiry.stage == Stage.NEW


@pytest.mark.parametrize("kind", [ContactLog.Kind.SPOKE, ContactLog.Kind.PERSONAL_EMAIL, ContactLog.Kind.PERSONAL_TEXT])
def test_a_personal_contact_meets_the_promise_once(office, team, resource_worker, kind):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    services.log_contact(inquiry=inquiry, kind=kind, actor=resource_worker, now=chicago(2026, 11, 17, 10, 30))
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 18, 10))
    inquiry.refresh_from_db()
    promise = _first_contact(inquiry)
    assert promise.status == Commitment.Status.MET and promise.met_at == chicago(2026, 11, 17, 10, 30) and not promise.late
    assert CommitmentEvent.objects.filter(commitment=promise, kind=CommitmentEvent.Kind.MET).count() == 1
    assert inquiry.first_contact_at == chicago(2026, 11, 17, 10, 30)
    assert float(inquiry.first_contact_office_hours) == 2.5  # Tuesday 8:00 to 10:30; Monday evening is after hours
    assert inquiry.stage == Stage.CONTACTED and ContactLog.objects.count() == 3


def test_a_first_call_after_the_deadline_meets_the_promise_late(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 18, 9))
    promise = _first_contact(inquiry)
    assert promise.status == Commitment.Status.MET and promise.late


def test_logging_what_the_inquirer_did_is_refused(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    with pytest.raises(ValidationError):
        services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.INQUIRED_AGAIN, actor=resource_worker)
    with pytest.raises(ValidationError):
        services.log_contact(inquiry=inquiry, kind="telepathy", actor=resource_worker)
    assert not ContactLog.objects.exists()


# --- The path to a licence --------------------------------------------------------------------------


def test_moving_along_before_first_contact_is_refused_with_the_reason(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    with pytest.raises(ValidationError) as excinfo:
        services.move_stage(inquiry=inquiry, stage=Stage.SESSION_INVITED, actor=resource_worker, now=chicago(2026, 11, 17, 9, 5))
    assert "Make personal contact first" in _errors(excinfo)["stage"][0]
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.NEW and not inquiry.stage_changes.exists()


def test_moving_along_records_each_step_and_the_furthest_stage(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    for hour, stage in enumerate([Stage.SESSION_INVITED, Stage.SESSION_ATTENDED, Stage.APPLICATION], start=10):
        services.move_stage(inquiry=inquiry, stage=stage, actor=resource_worker, now=chicago(2026, 11, 17, hour))
    services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason=ClosedReason.OTHER_AGENCY, actor=resource_worker,
                        now=chicago(2026, 11, 20, 9))
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.CLOSED and inquiry.furthest_stage == Stage.APPLICATION
    assert inquiry.closed_reason == ClosedReason.OTHER_AGENCY
    assert list(inquiry.stage_changes.values_list("stage", flat=True)) == [
        Stage.CONTACTED, Stage.SESSION_INVITED, Stage.SESSION_ATTENDED, Stage.APPLICATION, Stage.CLOSED
    ]


def test_closing_needs_a_reason(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    with pytest.raises(ValidationError) as excinfo:
        services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    assert "Say why" in _errors(excinfo)["closed_reason"][0]
    inquiry.refresh_from_db()
    assert inquiry.stage == Stage.NEW and _first_contact(inquiry).status == Commitment.Status.OPEN


def test_closing_withdraws_every_open_promise(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    services.promise_next_step(inquiry=inquiry, description="Mail the application", actor=resource_worker, now=chicago(2026, 11, 17, 9))
    services.promise_next_step(inquiry=inquiry, description="Call back with session dates", actor=resource_worker,
                               now=chicago(2026, 11, 17, 9, 1))
    services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason=ClosedReason.NOT_READY, actor=resource_worker,
                        now=chicago(2026, 11, 17, 15))
    statuses = dict(Commitment.objects.values_list("standard__code", "status").order_by("standard__code", "pk"))
    assert statuses == {services.FIRST_CONTACT: Commitment.Status.MET, services.NEXT_STEP: Commitment.Status.CANCELLED}
    assert not Commitment.objects.filter(status=Commitment.Status.OPEN).exists()


def test_closing_before_first_contact_withdraws_the_first_contact_promise(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason=ClosedReason.NO_RESPONSE, actor=resource_worker,
                        now=chicago(2026, 11, 20, 9))
    assert _first_contact(inquiry).status == Commitment.Status.CANCELLED


def test_a_promised_step_is_due_in_two_business_days_and_met_when_done(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    step = services.promise_next_step(inquiry=inquiry, description="  Send the application  ", actor=resource_worker,
                                      now=chicago(2026, 11, 17, 9, 30))
    assert step.description == "Send the application"
    promise = Commitment.objects.get(standard__code=services.NEXT_STEP)
    assert promise.subject_id == step.pk and promise.owner == resource_worker and promise.owed_to_name == "Ana Pérez"
    assert promise.due_at == chicago(2026, 11, 19, 17, 0)  # Tuesday + two business days
    services.complete_next_step(step=step, actor=resource_worker, now=chicago(2026, 11, 18, 11))
    services.complete_next_step(step=step, actor=resource_worker, now=chicago(2026, 11, 18, 12))
    promise.refresh_from_db()
    step.refresh_from_db()
    assert promise.status == Commitment.Status.MET and promise.met_at == chicago(2026, 11, 18, 11)
    assert step.done_at == chicago(2026, 11, 18, 11)


def test_a_promise_without_words_is_refused(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    with pytest.raises(ValidationError) as excinfo:
        services.promise_next_step(inquiry=inquiry, description="   ", actor=resource_worker)
    assert "Say what you promised" in _errors(excinfo)["description"][0]
    assert not NextStep.objects.exists()


# --- The confirmation e-mail ------------------------------------------------------------------------


def _confirmation(office, django_capture_on_commit_callbacks, **overrides):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = _submit(office, **overrides).inquiry
    [email] = [message for message in mail.outbox if message.to == [inquiry.email]]
    return inquiry, email


def test_the_confirmation_names_the_worker_and_the_local_deadline_and_links_to_the_status_page(
    office, team, resource_worker, settings, django_capture_on_commit_callbacks
):
    inquiry, email = _confirmation(office, django_capture_on_commit_callbacks)
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "Ms. Miller" in text
        assert "Tuesday 17 November, 5:00 PM" in text  # 17:00 in Chicago, not 23:00 UTC
        assert settings.PORTAL_BASE_URL + "/inquire/status/" in text
    link = next(word for word in email.body.split() if "/inquire/status/" in word)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert services.inquiry_from_token(token) == inquiry
    # The worker hears too, with a link to the inquiry (behind a login).
    [note] = Notification.objects.filter(kind=Notification.Kind.NEW_INQUIRY)
    assert note.recipient == resource_worker and note.link == f"/inquiries/{inquiry.pk}/"
    assert [message.to for message in mail.outbox].count([resource_worker.email]) == 1


def test_the_confirmation_is_in_spanish_for_a_spanish_inquirer(office, team, resource_worker, django_capture_on_commit_callbacks):
    _inquiry, email = _confirmation(office, django_capture_on_commit_callbacks, language="es")
    assert "martes 17 de noviembre, 17:00" in email.body
    assert "Ms. Miller" in email.body
    assert "Thank you" not in email.subject and "Thank you" not in email.body  # the English words would be a miss


def test_no_confirmation_e_mail_without_an_e_mail_address(office, team, resource_worker, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(office, email="", contact_way="phone")
    assert [message.to for message in mail.outbox] == [[resource_worker.email]]


# --- The private status link -------------------------------------------------------------------------


def test_a_tampered_link_opens_nothing(office, team, resource_worker):
    token = services.status_token(_submit(office).inquiry)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "nonsense", ""):
        with pytest.raises(services.LinkProblem) as excinfo:
            services.inquiry_from_token(bad)
        assert not excinfo.value.expired


def test_a_link_expires_after_the_configured_days(office, team, resource_worker, settings, time_machine):
    time_machine.move_to(MONDAY_EVENING, tick=False)
    inquiry = _submit(office).inquiry
    token = services.status_token(inquiry)
    time_machine.move_to(MONDAY_EVENING + timedelta(days=settings.PORTAL_INQUIRY_LINK_DAYS - 1), tick=False)
    assert services.inquiry_from_token(token) == inquiry
    time_machine.move_to(MONDAY_EVENING + timedelta(days=settings.PORTAL_INQUIRY_LINK_DAYS, seconds=1), tick=False)
    with pytest.raises(services.LinkProblem) as excinfo:
        services.inquiry_from_token(token)
    assert excinfo.value.expired


def test_revoking_stops_every_earlier_link_and_sends_a_new_one(office, team, resource_worker, django_capture_on_commit_callbacks):
    inquiry = _submit(office).inquiry
    old = services.status_token(inquiry)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_links(inquiry=inquiry, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    with pytest.raises(services.LinkProblem):
        services.inquiry_from_token(old)
    inquiry.refresh_from_db()
    assert services.inquiry_from_token(services.status_token(inquiry)) == inquiry
    [email] = mail.outbox
    assert email.to == ["ana@example.org"] and opens(email.body, inquiry)


def test_resending_a_link_says_nothing_about_who_has_inquired(office, team, resource_worker, django_capture_on_commit_callbacks):
    _submit(office)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_link(email="nobody@example.org") is None
        assert services.resend_link(email=" ANA@example.org ") is None
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


# --- "I haven't heard from anyone" ----------------------------------------------------------------


def test_still_waiting_before_the_deadline_is_refused_kindly(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    with pytest.raises(PermissionDenied) as excinfo:
        services.still_waiting(inquiry=inquiry, now=TUESDAY_CLOSE - timedelta(minutes=1))
    assert "once the date we promised has passed" in str(excinfo.value)
    assert not Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED).exists()


def test_still_waiting_after_the_deadline_tells_the_supervisor_once(office, team, supervisor, resource_worker):
    inquiry = _submit(office).inquiry
    first = services.still_waiting(inquiry=inquiry, now=TUESDAY_CLOSE + timedelta(minutes=1))
    assert first.notified
    chased = Notification.objects.filter(kind=Notification.Kind.FAMILY_CHASED)
    assert set(chased.values_list("recipient", flat=True)) == {supervisor.pk, resource_worker.pk}
    second = services.still_waiting(inquiry=inquiry, now=TUESDAY_CLOSE + timedelta(hours=20))
    assert not second.notified and second.chased_at == TUESDAY_CLOSE + timedelta(minutes=1)
    assert chased.count() == 2


def test_still_waiting_after_first_contact_is_refused(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    with pytest.raises(PermissionDenied):
        services.still_waiting(inquiry=inquiry, now=chicago(2026, 11, 18, 9))
