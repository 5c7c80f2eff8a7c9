"""Satisfaction surveys: asked after a closed conversation, a paid claim, a first call and once a year, never more
than once a month to the same person, in their language; answers kept apart from the family's records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inquiries.models import ContactLog
from inquiries.services import log_contact, submit_inquiry
from messaging.models import Topic
from messaging.services import close_thread, post_message, start_thread
from portal.accounts.models import Household
from portal.satisfaction import services
from portal.satisfaction.models import Occasion, SurveyAnswer, SurveyRequest
from tests.factories import HouseholdFactory, ParentFactory


def _link(message) -> str:
    return re.search(r"(/survey/[^/\s]+/)", message.body)[1]


@pytest.fixture
def licensed(household):
    household.licence_status = Household.LicenceStatus.LICENSED
    household.save(update_fields=["licence_status"])
    return household


def test_a_closed_conversation_asks_the_family_once_and_a_second_occasion_that_month_asks_nothing(
    service_standards, resource_parent, resource_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(
            household=resource_parent.household, topic=Topic.OTHER, subject="Respite this weekend", body="Can we get respite?", author=resource_parent
        )
        post_message(thread=thread, author=thread.assigned_to, body="Yes, Saturday works.")
        close_thread(thread=thread, actor=thread.assigned_to)
    asked = [m for m in mail.outbox if m.to == [resource_parent.email] and "/survey/" in m.body]
    assert len(asked) == 1
    assert "Respite" not in asked[0].body  # a link, nothing about the case
    assert services.ask_family(occasion=Occasion.CLAIM_PAID, household=resource_parent.household) == []
    assert SurveyRequest.objects.filter(recipient=resource_parent).count() == 1
    # A month later, the next occasion asks again.
    later = timezone.now() + timedelta(days=31)
    assert len(services.ask_family(occasion=Occasion.CLAIM_PAID, household=resource_parent.household, now=later)) == 1


def test_the_first_personal_call_asks_the_inquirer_by_e_mail_in_their_language(
    service_standards, resource_worker, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = submit_inquiry(
            name="Ana Pérez", email="ana@example.org", phone="601.555.0142", contact_way="email", best_time="evenings",
            language="es", county=office.county, interest="foster", questions="¿Cómo empiezo?",
        ).inquiry
        log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker)
        assert not SurveyRequest.objects.exists()  # a voicemail is not a conversation
        log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, note="Spoke about the information session")
    request = SurveyRequest.objects.get()
    assert (request.occasion, request.email, request.language, request.office) == (Occasion.FIRST_CONTACT, "ana@example.org", "es", office)
    message = next(m for m in mail.outbox if m.to == ["ana@example.org"] and "/survey/" in m.body)
    assert "encuesta" in message.subject.lower() or "¿cómo" in message.subject.lower()


def test_the_yearly_survey_goes_to_each_licensed_parent_once_a_year(licensed, resource_parent, django_capture_on_commit_callbacks):
    partner = ParentFactory(household=licensed, title="Mr.", last_name="Garcia", email="mr.garcia@family.test")
    ParentFactory(household=HouseholdFactory(licence_status=Household.LicenceStatus.IN_STUDY), email="not.licensed@family.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.ask_yearly() == 2
        assert services.ask_yearly(now=timezone.now() + timedelta(days=40)) == 0  # already asked this year
    assert set(SurveyRequest.objects.values_list("recipient__email", flat=True)) == {resource_parent.email, partner.email}
    assert services.ask_yearly(now=timezone.now() + timedelta(days=366)) == 2


def test_an_answer_is_kept_without_the_family_and_the_link_takes_one_answer(licensed, resource_parent, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_yearly()
    link = _link(mail.outbox[-1])
    page = client.get(link)
    assert page.status_code == 200 and "How well did we keep our promises to you?" in page.content.decode()
    response = client.post(link, {"score": "2", "comment": "Payments were late twice."})
    assert "Thank you" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.score, answer.comment, answer.may_contact, answer.contact_name) == (2, "Payments were late twice.", False, "")
    assert not [f.name for f in SurveyAnswer._meta.get_fields() if f.name in ("household", "recipient", "request")]
    assert SurveyRequest.objects.get().answered is True
    again = client.post(link, {"score": "5"})
    assert "already have your answer" in again.content.decode() and SurveyAnswer.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose a number from 1 to 5."),
        ({"score": "9"}, "Select a valid choice"),
        ({"score": "4", "may_contact": "on"}, "To be contacted, give your name"),
        ({"score": "4", "comment": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_a_bad_answer_is_a_message_and_keeps_what_was_typed(licensed, resource_parent, client, data, message, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_yearly()
    response = client.post(_link(mail.outbox[-1]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SurveyAnswer.objects.exists() and not SurveyRequest.objects.get().answered


def test_a_tampered_or_expired_link_gets_a_clear_page(licensed, resource_parent, client, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_yearly()
    link = _link(mail.outbox[-1])
    tampered = client.get(link[:-3] + "xx/")
    assert tampered.status_code == 404 and "not complete or has been changed" in tampered.content.decode()
    time_machine.move_to(timezone.now() + timedelta(days=31))
    expired = client.post(link, {"score": "5"})
    assert "has expired" in expired.content.decode() and not SurveyAnswer.objects.exists()


def test_staff_and_families_are_not_asked(service_standards, caseworker):
    assert services.ask(occasion=Occasion.YEARLY, recipient=caseworker) is None


def test_results_by_office_and_quarter_show_names_only_of_those_who_asked_to_be_contacted(licensed, resource_parent, client, supervisor, office, caseworker):
    now = timezone.now()
    SurveyAnswer.objects.create(occasion=Occasion.YEARLY, office=office, score=5, comment="Ms. Miller always calls back", answered_at=now)
    SurveyAnswer.objects.create(occasion=Occasion.CLAIM_PAID, office=office, score=2, comment="Mileage took two months", answered_at=now)
    SurveyAnswer.objects.create(
        occasion=Occasion.CONVERSATION, office=office, score=1, comment="Nobody told us about court", answered_at=now,
        may_contact=True, contact_name="Rosa Garcia", contact_phone_or_email="601-555-0100",
    )
    client.force_login(supervisor)
    page = client.get(reverse("satisfaction:results"))
    html = page.content.decode()
    row = page.context["rows"][0]
    assert (row.answers, str(row.average), row.pleased_percent) == (3, "2.7", 33)
    assert "Nobody told us about court" in html and "Rosa Garcia, 601-555-0100" in html
    assert html.count("Asked to be contacted") == 1
    client.force_login(caseworker)
    assert client.get(reverse("satisfaction:results")).status_code == 404
    client.force_login(resource_parent)
    assert client.get(reverse("satisfaction:results")).status_code == 404


def test_the_yearly_report_states_how_many_families_answered(licensed, resource_parent, client, supervisor, office, django_capture_on_commit_callbacks):
    other = Household.objects.create(
        name="The Lee family", licence_number="L-2", county=office.county, licence_status=Household.LicenceStatus.LICENSED,
        resource_worker=licensed.resource_worker,
    )
    ParentFactory(household=other, email="lee@family.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_yearly()
    client.post(_link(next(m for m in mail.outbox if m.to == [resource_parent.email])), {"score": "4"})
    client.force_login(supervisor)
    turnout = client.get(reverse("satisfaction:results")).context["turnouts"][-1]
    assert (turnout.families_asked, turnout.families_answered, turnout.percent) == (2, 1, 50)

