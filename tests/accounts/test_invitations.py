"""Families join by invitation only: staff invite, the link creates the account."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Invitation, Role, User
from portal.accounts.services import invite_family_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(household, resource_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite_family_member(
            household=household, email="New.Parent@Example.org", actor=resource_worker, first_name="Ana", last_name="Garcia", title="Ms."
        )
    return invitation, token


def test_invitation_email_carries_the_link_and_nothing_else(invitation):
    invitation, token = invitation
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.parent@example.org"]
    assert reverse("accounts:accept_invitation", args=[token]) in message.body
    assert invitation.token_hash != token  # only a hash is stored


def test_accepting_creates_a_resource_parent_in_the_household(client, invitation, household):
    _, token = invitation
    url = reverse("accounts:accept_invitation", args=[token])
    response = client.post(
        url,
        {"first_name": "Ana", "last_name": "Garcia", "title": "Ms.", "password1": "a quiet evening at home", "password2": "a quiet evening at home"},
    )
    assert response.status_code == 302
    parent = User.objects.get(email="new.parent@example.org")
    assert (parent.role, parent.household) == (Role.RESOURCE_PARENT, household)
    assert client.get(reverse("followups:family_home")).status_code == 200
    again = client.get(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_mismatched_passwords_keep_what_was_typed(client, invitation):
    _, token = invitation
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"first_name": "Anabel", "last_name": "Garcia", "password1": "a quiet evening at home", "password2": "something else"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The two passwords are not the same." in page
    assert 'value="Anabel"' in page
    assert not User.objects.filter(email="new.parent@example.org").exists()


def test_weak_password_is_refused_with_a_message(client, invitation):
    _, token = invitation
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"first_name": "Ana", "last_name": "Garcia", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="new.parent@example.org").exists()


def test_expired_invitation_says_so(client, invitation):
    invitation, token = invitation
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_made_up_token_is_not_a_server_error(client, db):
    response = client.get(reverse("accounts:accept_invitation", args=["not-a-real-token"]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_open_signup_is_closed(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.exists()


def test_a_caseworker_cannot_invite(client, caseworker, household):
    client.force_login(caseworker)
    response = client.post(
        reverse("accounts:invite", args=[household.pk]), {"first_name": "A", "last_name": "B", "email": "x@example.org"}
    )
    assert response.status_code == 404  # not theirs to invite to: as if it did not exist
    assert not Invitation.objects.exists()


def test_inviting_an_existing_address_is_a_form_error(client, resource_worker, household, resource_parent):
    client.force_login(resource_worker)
    response = client.post(
        reverse("accounts:invite", args=[household.pk]),
        {"first_name": "A", "last_name": "B", "email": resource_parent.email.upper()},
    )
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
