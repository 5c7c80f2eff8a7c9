"""A family answers the yearly survey on a phone, in Spanish, from the e-mail's link; the supervisor reads the
results by office and quarter, with the chart, and the comment without the family's name."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.accounts.models import Household
from portal.satisfaction import services

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser


def test_a_family_answers_on_a_phone_and_the_supervisor_reads_it_without_their_name(
    open_as, live_server, household, resource_parent, supervisor, django_capture_on_commit_callbacks
):
    household.licence_status = Household.LicenceStatus.LICENSED
    household.save(update_fields=["licence_status"])
    resource_parent.language = "es"
    resource_parent.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_yearly()
    link = re.search(r"(/survey/[^/\s]+/)", mail.outbox[-1].body)[1]
    assert mail.outbox[-1].subject.endswith("¿Cómo lo hicimos? Una pregunta de la agencia")

    phone = open_as()
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("¿Cómo lo hicimos?")
    check_page(phone, "survey")
    phone.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.get_by_role("alert")).to_contain_text("Elija un número del 1 al 5.")
    phone.get_by_label("Algo que quiera contarnos (opcional)").fill("Las visitas llegan tarde.")
    phone.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.get_by_label("Algo que quiera contarnos (opcional)")).to_have_value("Las visitas llegan tarde.")  # kept
    check_page(phone, "survey-error")
    phone.get_by_label("3 — Ni bien ni mal").check()
    phone.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gracias")
    check_page(phone, "survey-thanks")
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Usted ya respondió")

    desk = open_as()
    sign_in(desk, supervisor)
    desk.get_by_role("link", name="What families tell us").click()
    expect(desk.get_by_role("img", name=re.compile("share of answers of 4 or 5"))).to_be_visible()
    expect(desk.get_by_text("Las visitas llegan tarde.")).to_be_visible()
    expect(desk.get_by_text("Garcia")).to_have_count(0)
    expect(desk.get_by_text(re.compile(r"1 of the 1 licensed family asked answered"))).to_be_visible()
    check_page(desk, "satisfaction-results")
