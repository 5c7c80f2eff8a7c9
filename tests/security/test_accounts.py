"""Accounts hold up against the ordinary attacks: no way around the second factor, guessing is slowed down,
nothing tells a stranger whether an address has an account, and a changed password ends every other session."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from portal.accounts.models import Role
from portal.accounts.services import invite_family_member
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_admins_own_sign_in_form_cannot_skip_the_second_factor(client, office):
    administrator = office.program_manager
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    page = client.get(reverse("admin:login"))
    assert page.status_code == 302 and page.url.startswith(reverse("account_login"))
    answer = client.post(reverse("admin:login"), {"username": administrator.email, "password": PASSWORD})
    assert answer.status_code == 302 and answer.url.startswith(reverse("account_login"))
    assert not _signed_in(client)
    # Through the portal's sign-in, the password alone leads to the code, not in.
    client.post(reverse("account_login"), {"login": administrator.email, "password": PASSWORD})
    assert not _signed_in(client)
    final_url, _ = client.get(reverse("admin:index"), follow=True).redirect_chain[-1]
    assert final_url.startswith(reverse("mfa_authenticate"))


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up_before_the_admin(client):
    newcomer = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_mfa=False)
    client.force_login(newcomer)
    for url in (reverse("admin:index"), reverse("admin:audit_auditentry_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp")), url


def test_a_family_member_is_not_let_into_the_admin(client, resource_parent):
    client.force_login(resource_parent)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def _login_answer(client: Client, email: str) -> tuple[int, bytes]:
    response = client.post(reverse("account_login"), {"login": email, "password": "not the password at all"})
    return response.status_code, CSRF.sub(b"", response.content).replace(email.encode(), b"EMAIL")


def test_failed_sign_ins_are_slowed_down_and_read_the_same_for_an_unknown_address(client, resource_parent):
    known = [_login_answer(client, resource_parent.email) for _ in range(5)]
    assert {status for status, _ in known} == {200}
    assert b"The email address and/or password you specified are not correct." in known[0][1]
    sixth_status, sixth_page = _login_answer(client, resource_parent.email)
    assert sixth_status == 200 and b"Too many failed login attempts. Try again later." in sixth_page
    # From another address, the same first answer: nothing says whether an account exists.
    stranger = Client(REMOTE_ADDR="10.9.8.7")
    assert _login_answer(stranger, "nobody-here@example.org") == known[0]
    # Even the right password waits out the limit.
    response = client.post(reverse("account_login"), {"login": resource_parent.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content and not _signed_in(client)


def test_a_password_reset_reads_the_same_whether_or_not_the_address_has_an_account(client, resource_parent, mailoutbox):
    def ask(email):
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        return response.status_code, CSRF.sub(b"", response.content).replace(email.encode(), b"EMAIL")

    assert ask(resource_parent.email) == ask("nobody-here@example.org")
    assert [message.to for message in mailoutbox][:1] == [[resource_parent.email]]
    # The second message, to the unknown address, says there is no account, without a link into one.
    assert len(mailoutbox) == 2 and "/accounts/password/reset/key/" not in mailoutbox[1].body


def test_accepting_an_invitation_is_slowed_down_after_many_tries(client, household, resource_worker):
    _, token = invite_family_member(household=household, email="new.parent@example.org", actor=resource_worker)
    url = reverse("accounts:accept_invitation", args=[token])
    mismatched = {"first_name": "Ana", "last_name": "Garcia", "password1": "a quiet evening at home", "password2": "something else"}
    answers = [client.post(url, mismatched).status_code for _ in range(21)]
    assert answers[:20] == [200] * 20
    assert answers[20] == 429


def test_changing_the_password_ends_every_other_session_but_keeps_this_one(resource_parent):
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        client.post(reverse("account_login"), {"login": resource_parent.email, "password": PASSWORD})
        assert _signed_in(client)
    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a brand new evening password", "password2": "a brand new evening password"},
    )
    assert response.status_code == 302
    assert phone.get(reverse("followups:family_home")).status_code == 200
    elsewhere = laptop.get(reverse("followups:family_home"))
    assert elsewhere.status_code == 302 and elsewhere.url.startswith(reverse("account_login"))
