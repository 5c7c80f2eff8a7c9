"""Who sees what: a family only its own household; staff nothing until MFA is set up."""

import pytest
from django.urls import reverse

from portal.accounts.models import Role
from portal.followups.policies import visible_commitments
from tests.conftest import chicago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_family_sees_its_own_promises_only(client, open_promise, resource_parent, other_family):
    promise = open_promise(chicago(2027, 3, 1, 9))
    assert list(visible_commitments(resource_parent)) == [promise]
    assert list(visible_commitments(other_family)) == []
    client.force_login(other_family)
    page = client.get(reverse("followups:family_home")).content.decode()
    assert "The Garcia family" not in page


def test_another_family_pressing_still_waiting_gets_404(client, open_promise, other_family):
    promise = open_promise(chicago(2027, 3, 1, 9))
    client.force_login(other_family)
    assert client.post(reverse("followups:still_waiting", args=[promise.pk])).status_code == 404


def test_a_family_cannot_open_the_staff_promise_page(client, open_promise, resource_parent):
    promise = open_promise(chicago(2027, 3, 1, 9))
    client.force_login(resource_parent)
    assert client.get(reverse("followups:commitment", args=[promise.pk])).status_code == 404
    assert client.post(reverse("followups:meet", args=[promise.pk])).status_code == 404


def test_staff_without_mfa_are_sent_to_set_it_up_and_see_no_family_data(client, open_promise, team):
    newcomer = UserFactory(role=Role.CASEWORKER, team=team, with_mfa=False)
    promise = open_promise(chicago(2027, 3, 1, 9), owner=newcomer)
    client.force_login(newcomer)
    response = client.get(reverse("followups:my_day"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert list(visible_commitments(newcomer)) == []
    assert client.get(reverse("followups:commitment", args=[promise.pk])).status_code == 302


def test_staff_with_mfa_see_their_day(client, open_promise, caseworker):
    open_promise(chicago(2027, 3, 1, 9))
    client.force_login(caseworker)
    response = client.get(reverse("followups:my_day"))
    assert response.status_code == 200
    assert "The Garcia family" in response.content.decode()


def test_a_caseworker_cannot_see_my_team(client, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("followups:my_team")).status_code == 404


def test_a_supervisor_cannot_drill_into_a_worker_outside_the_team(client, supervisor, office):
    outsider = UserFactory(role=Role.CASEWORKER)
    client.force_login(supervisor)
    assert client.get(reverse("followups:team_worker", args=[outsider.pk])).status_code == 404


def test_wrong_password_is_a_clear_message_not_an_error(client, resource_parent):
    response = client.post("/accounts/login/", {"login": resource_parent.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client, db):
    response = client.get(reverse("followups:family_home"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_home_sends_each_role_to_its_page(client, resource_parent, caseworker, supervisor):
    for person, target in [
        (resource_parent, reverse("followups:family_home")),
        (caseworker, reverse("followups:my_day")),
        (supervisor, reverse("followups:my_team")),
    ]:
        client.force_login(person)
        assert client.get(reverse("home")).url == target


def test_repeated_wrong_passwords_are_slowed_down(client, resource_parent):
    from django.core.cache import cache

    cache.clear()
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": resource_parent.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": resource_parent.email, "password": "a-long-test-password-2026"})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity(client, resource_parent, settings, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    client.force_login(resource_parent)
    time_machine.move_to(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False)
    assert client.get(reverse("followups:family_home")).status_code == 200  # activity renews the session
    time_machine.move_to(start + timedelta(seconds=2 * settings.SESSION_COOKIE_AGE - 120), tick=False)
    assert client.get(reverse("followups:family_home")).status_code == 200
    time_machine.move_to(start + timedelta(seconds=3 * settings.SESSION_COOKIE_AGE), tick=False)
    response = client.get(reverse("followups:family_home"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
