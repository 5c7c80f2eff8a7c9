"""A family's message reaches the right person and is answered within one business day."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messaging import routing, services
from messaging.models import Message, Topic
from portal.accounts.services import record_absence
from portal.followups.models import Commitment
from tests.conftest import chicago


def _ask(parent, child, *, now, body="Maya has no inhaler. How do we get her prescription?", key=None):
    return services.start_thread(
        household=parent.household, topic=Topic.CHILD, about=child, subject="Maya's inhaler", body=body,
        author=parent, submission_key=key, now=now,
    )


def test_a_question_about_a_child_goes_to_her_caseworker_with_a_one_day_promise(resource_parent, child, caseworker):
    monday = chicago(2026, 11, 16, 19, 30)
    thread = _ask(resource_parent, child, now=monday)
    assert thread.assigned_to == caseworker
    promise = Commitment.objects.get(status=Commitment.Status.OPEN)
    assert promise.owner == caseworker
    assert promise.due_at == chicago(2026, 11, 17, 17, 0)


def test_several_family_messages_in_a_row_share_one_promise_and_a_reply_meets_it(resource_parent, child, caseworker):
    monday = chicago(2026, 11, 16, 9, 0)
    thread = _ask(resource_parent, child, now=monday)
    services.post_message(thread=thread, author=resource_parent, body="Also her shoes.", now=chicago(2026, 11, 16, 9, 5))
    assert Commitment.objects.filter(status=Commitment.Status.OPEN).count() == 1
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, I will call the pharmacy.", now=chicago(2026, 11, 16, 10, 0))
    assert Commitment.objects.get().status == Commitment.Status.MET
    services.post_message(thread=thread, author=resource_parent, body="Thank you!", now=chicago(2026, 11, 16, 11, 0))
    assert Commitment.objects.filter(status=Commitment.Status.OPEN).count() == 1


def test_a_double_tap_sends_the_message_once(resource_parent, child):
    key = uuid.uuid4()
    first = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0), key=key)
    second = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0), key=key)
    assert first == second
    assert Message.objects.count() == 1


def test_an_away_caseworkers_messages_go_to_the_cover(resource_parent, child, caseworker, colleague, supervisor):
    record_absence(worker=caseworker, cover=colleague, starts_on=chicago(2026, 11, 16).date(), ends_on=chicago(2026, 11, 20).date(), actor=supervisor, now=chicago(2026, 11, 13, 9))
    thread = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0))
    promise = Commitment.objects.get()
    assert (thread.assigned_to, promise.owner, promise.covering_for) == (caseworker, colleague, caseworker)


def test_nobody_assigned_goes_to_the_supervisors_queue(resource_parent, supervisor):
    thread = services.start_thread(
        household=resource_parent.household, topic=Topic.PAYMENT, subject="Board payment", body="It did not arrive.", author=resource_parent,
        now=chicago(2026, 11, 16, 9, 0),
    )
    assert thread.assigned_to == supervisor


def test_a_transfer_keeps_the_deadline(resource_parent, child, caseworker, fiscal_staff):
    thread = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0))
    due = Commitment.objects.get().due_at
    services.transfer_thread(thread=thread, to_user=fiscal_staff, actor=caseworker, note="About the clothing allowance", now=chicago(2026, 11, 16, 15, 0))
    promise = Commitment.objects.get()
    assert (promise.owner, promise.due_at) == (fiscal_staff, due)


def test_another_family_cannot_write_in_the_thread(resource_parent, other_family, child):
    thread = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0))
    with pytest.raises(PermissionDenied):
        services.post_message(thread=thread, author=other_family, body="hello", now=chicago(2026, 11, 16, 9, 5))


def test_an_empty_message_is_refused_with_a_message(resource_parent, child):
    thread = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0))
    with pytest.raises(ValidationError) as error:
        services.post_message(thread=thread, author=resource_parent, body="   ", now=chicago(2026, 11, 16, 9, 5))
    assert "Write a message" in str(error.value)


def test_only_children_placed_with_the_family_can_be_chosen(resource_parent, other_family, child):
    values = [option.value for _group, options in routing.options_for(resource_parent.household) for option in options]
    assert f"child:placements.child:{child.pk}" in values
    assert routing.resolve(other_family.household, f"child:placements.child:{child.pk}") is None
