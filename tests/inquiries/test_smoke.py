"""An inquiry reaches a named resource worker with a one-business-day promise; only personal contact keeps it."""

import pytest

from inquiries import services
from inquiries.models import ContactLog, Stage
from portal.accounts.models import Role
from portal.followups.models import Commitment
from tests.conftest import chicago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _submit(office, **overrides):
    data = dict(
        name="Ana Pérez", email="ana@example.org", phone="601.555.0142", contact_way="phone", best_time="evenings",
        language="es", county=office.county, interest="foster", questions="¿Cuánto es el pago?", now=chicago(2026, 11, 16, 20, 0),
    )
    return services.submit_inquiry(**(data | overrides))


def test_a_voicemail_keeps_the_promise_open_and_a_call_meets_it(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    assert inquiry.worker == resource_worker and inquiry.phone == "(601) 555-0142"
    promise = Commitment.objects.get()
    assert promise.due_at == chicago(2026, 11, 17, 17, 0) == inquiry.first_contact_due_at
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.VOICEMAIL, actor=resource_worker, now=chicago(2026, 11, 17, 9))
    assert Commitment.objects.get().status == Commitment.Status.OPEN
    services.log_contact(inquiry=inquiry, kind=ContactLog.Kind.SPOKE, actor=resource_worker, now=chicago(2026, 11, 17, 11))
    inquiry.refresh_from_db()
    assert Commitment.objects.get().status == Commitment.Status.MET
    assert inquiry.stage == Stage.CONTACTED and float(inquiry.first_contact_office_hours) == 3.0


def test_the_same_person_again_joins_the_first_inquiry(office, team, resource_worker):
    first = _submit(office).inquiry
    again = _submit(office, email="ANA@example.org", phone="", contact_way="email", now=chicago(2026, 11, 17, 8)).inquiry
    assert again.pk == first.pk and again.times_received == 2
    assert Commitment.objects.count() == 1


def test_round_robin_takes_turns(office, team, resource_worker):
    second = UserFactory(role=Role.RESOURCE_WORKER, team=team, last_name="Ortiz")
    a = _submit(office, email="a@example.org", phone="", contact_way="email").inquiry
    b = _submit(office, email="b@example.org", phone="", contact_way="email", now=chicago(2026, 11, 16, 20, 5)).inquiry
    assert {a.worker, b.worker} == {resource_worker, second}


def test_the_status_link_opens_only_its_inquiry(office, team, resource_worker):
    inquiry = _submit(office).inquiry
    token = services.status_token(inquiry)
    assert services.inquiry_from_token(token) == inquiry
    with pytest.raises(services.LinkProblem):
        services.inquiry_from_token(token[:-2] + "xx")
