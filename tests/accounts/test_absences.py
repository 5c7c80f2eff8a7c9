"""Out of office: the cover gets the work, deadlines stay, and the work comes back."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.accounts.services import apply_absences, record_absence
from portal.followups.models import CommitmentEvent
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def test_open_promises_go_to_the_cover_without_moving_deadlines(open_promise, caseworker, colleague):
    promise = open_promise(chicago(2027, 3, 1, 9))
    due = promise.due_at
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 3), actor=caseworker)
    apply_absences(now=chicago(2027, 3, 1, 10))
    promise.refresh_from_db()
    assert (promise.owner, promise.covering_for, promise.due_at) == (colleague, caseworker, due)


def test_new_promises_during_an_absence_go_straight_to_the_cover(open_promise, caseworker, colleague):
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 3), actor=caseworker)
    promise = open_promise(chicago(2027, 3, 2, 9))
    assert (promise.owner, promise.covering_for) == (colleague, caseworker)


def test_work_goes_back_when_the_worker_returns(open_promise, caseworker, colleague):
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 3), actor=caseworker)
    promise = open_promise(chicago(2027, 3, 2, 9))
    apply_absences(now=chicago(2027, 3, 4, 8))
    promise.refresh_from_db()
    assert (promise.owner, promise.covering_for) == (caseworker, None)
    assert promise.events.filter(kind=CommitmentEvent.Kind.REASSIGNED).count() == 1


def test_a_cover_who_is_also_away_is_refused(caseworker, colleague, resource_worker):
    record_absence(worker=colleague, cover=resource_worker, starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 2), actor=colleague)
    with pytest.raises(ValidationError) as problem:
        record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 3), actor=caseworker)
    assert "also away" in str(problem.value)


def test_dates_the_wrong_way_round_are_refused(caseworker, colleague):
    with pytest.raises(ValidationError):
        record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 1), actor=caseworker)


def test_the_family_page_names_the_cover_and_the_supervisor(client, open_promise, caseworker, colleague, resource_parent, time_machine):
    time_machine.move_to(chicago(2027, 3, 2, 9), tick=False)
    record_absence(worker=caseworker, cover=colleague, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 5), actor=caseworker)
    open_promise(chicago(2027, 3, 2, 8))
    client.force_login(resource_parent)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "Ms. Shah is handling this while Mr. Reed is away." in page
    assert "Their supervisor is Ms. Carter." in page


def test_absence_form_keeps_input_and_explains_the_problem(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("accounts:absences"),
        {"worker": caseworker.pk, "starts_on": "2027-03-03", "ends_on": "2027-03-01", "cover": caseworker.pk, "note": "Training"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a colleague other than the person who is away." in page
    assert 'value="Training"' in page
