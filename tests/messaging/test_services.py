"""Messaging's services refuse bad input clearly, keep every promise once, and never mix families up.

Service level only: the pages over these are in test_views.py. Time is fixed with ``now=``.
Monday 16 November 2026 is an ordinary business week in Chicago (Thanksgiving is the next one).
"""

import threading
import uuid
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from messaging import selectors, services
from messaging.models import (
    MAX_MESSAGE_LENGTH,
    CallAttempt,
    CallbackRequest,
    Message,
    Thread,
    ThreadRating,
    Topic,
)
from portal.followups.models import Commitment, CommitmentEvent
from portal.notifications.models import Notification
from portal.notifications.services import deliver_notification, pending_notification_ids
from tests.conftest import chicago

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2026, 11, 16, 9, 0)


def _ask(parent, child, *, now=MONDAY_9, body="Maya has no inhaler. How do we get her prescription?", key=None):
    return services.start_thread(
        household=parent.household,
        topic=Topic.CHILD,
        about=child,
        subject="Maya's inhaler",
        body=body,
        author=parent,
        submission_key=key,
        now=now,
    )


def _reply_promises(thread):
    return Commitment.objects.filter(subject_id=thread.pk, standard__code="message-reply")


@pytest.fixture
def thread(resource_parent, child):
    return _ask(resource_parent, child)


# --- Bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\t \n"])
def test_an_empty_or_blank_first_message_is_refused_and_nothing_is_stored(resource_parent, child, body):
    with pytest.raises(ValidationError) as error:
        _ask(resource_parent, child, body=body)
    assert "Write a message before sending." in error.value.messages
    assert not Thread.objects.exists() and not Message.objects.exists() and not Commitment.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "\n\t \n"])
def test_an_empty_or_blank_reply_is_refused_and_nothing_is_stored(thread, caseworker, body):
    with pytest.raises(ValidationError) as error:
        services.post_message(thread=thread, author=caseworker, body=body, now=MONDAY_9 + timedelta(hours=1))
    assert "Write a message before sending." in error.value.messages
    assert Message.objects.count() == 1
    assert _reply_promises(thread).get().status == Commitment.Status.OPEN


def test_a_message_over_5000_characters_is_refused_with_its_length(thread, resource_parent):
    too_long = "a" * (MAX_MESSAGE_LENGTH + 1)
    with pytest.raises(ValidationError) as error:
        services.post_message(thread=thread, author=resource_parent, body=too_long, now=MONDAY_9 + timedelta(hours=1))
    [text] = error.value.messages
    assert "up to 5000 characters" in text and "5001" in text
    assert Message.objects.count() == 1


def test_a_first_message_over_5000_characters_starts_no_conversation(resource_parent, child):
    with pytest.raises(ValidationError):
        _ask(resource_parent, child, body="a" * (MAX_MESSAGE_LENGTH + 1))
    assert not Thread.objects.exists() and not Commitment.objects.exists()


def test_exactly_5000_characters_is_accepted(thread, resource_parent):
    services.post_message(thread=thread, author=resource_parent, body="b" * MAX_MESSAGE_LENGTH, now=MONDAY_9 + timedelta(hours=1))
    assert Message.objects.count() == 2


def test_html_and_script_are_stored_exactly_as_typed(thread, resource_parent):
    typed = '<script>alert("hi")</script> <b>bold</b> & more'
    message = services.post_message(thread=thread, author=resource_parent, body=typed, now=MONDAY_9 + timedelta(hours=1))
    message.refresh_from_db()
    assert message.body == typed


def test_another_family_cannot_write_in_the_thread_and_nothing_is_stored(thread, other_family):
    with pytest.raises(PermissionDenied):
        services.post_message(thread=thread, author=other_family, body="Hello?", now=MONDAY_9 + timedelta(hours=1))
    assert list(Message.objects.values_list("author", flat=True)) == [thread.started_by_id]


def test_a_family_cannot_start_a_conversation_for_another_household(resource_parent, other_family):
    with pytest.raises(PermissionDenied):
        services.start_thread(
            household=resource_parent.household, topic=Topic.OTHER, subject="Hi", body="Hello", author=other_family, now=MONDAY_9
        )
    assert not Thread.objects.exists()


def test_a_double_tap_on_the_first_message_stores_one_thread_and_one_message(resource_parent, child):
    key = uuid.uuid4()
    first = _ask(resource_parent, child, key=key)
    second = _ask(resource_parent, child, key=key, now=MONDAY_9 + timedelta(seconds=1))
    assert first.pk == second.pk
    assert Thread.objects.count() == 1 and Message.objects.count() == 1
    assert Commitment.objects.count() == 1


def test_a_double_tap_on_a_reply_stores_one_message_and_notifies_once(thread, caseworker):
    key = uuid.uuid4()
    first = services.post_message(thread=thread, author=caseworker, body="I will call the pharmacy.", submission_key=key, now=MONDAY_9 + timedelta(hours=1))
    second = services.post_message(thread=thread, author=caseworker, body="I will call the pharmacy.", submission_key=key, now=MONDAY_9 + timedelta(hours=1, seconds=1))
    assert first.pk == second.pk
    assert Message.objects.filter(from_family=False).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.MESSAGE_FOR_FAMILY).count() == 1


# --- Two staff answering --------------------------------------------------------------------


def test_replies_from_two_staff_are_both_kept_and_the_promise_is_met_once_by_the_first(thread, caseworker, colleague):
    services.bring_in_colleague(thread=thread, colleague=colleague, actor=caseworker, now=MONDAY_9 + timedelta(minutes=30))
    first_at, second_at = MONDAY_9 + timedelta(hours=1), MONDAY_9 + timedelta(hours=1, seconds=2)
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, I am on it.", now=first_at)
    services.post_message(thread=thread, author=colleague, body="Dear Mrs. Garcia, I called the pharmacy.", now=second_at)

    staff_replies = Message.objects.filter(kind=Message.Kind.MESSAGE, from_family=False).order_by("sent_at")
    assert [m.author for m in staff_replies] == [caseworker, colleague]
    promise = _reply_promises(thread).get()
    assert (promise.status, promise.met_by, promise.met_at, promise.late) == (Commitment.Status.MET, caseworker, first_at, False)
    assert CommitmentEvent.objects.filter(commitment=promise, kind=CommitmentEvent.Kind.MET).count() == 1
    thread.refresh_from_db()
    assert (thread.first_reply_by, thread.first_reply_at, thread.awaiting_reply_since) == (caseworker, first_at, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_replying_at_the_same_moment_are_both_kept_and_meet_the_promise_once(
    service_standards, resource_parent, child, caseworker, colleague
):
    """Two real connections: the thread's row lock (SELECT … FOR UPDATE) orders them; PostgreSQL only."""
    conversation = _ask(resource_parent, child, now=chicago(2026, 11, 16, 9, 0))
    services.bring_in_colleague(thread=conversation, colleague=colleague, actor=caseworker, now=chicago(2026, 11, 16, 9, 30))
    start = threading.Barrier(2)
    errors = []

    def reply(person):
        try:
            start.wait(timeout=10)
            services.post_message(thread=conversation, author=person, body=f"Answer from {person}", now=chicago(2026, 11, 16, 10, 0))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=reply, args=(person,)) for person in (caseworker, colleague)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    assert Message.objects.filter(thread=conversation, from_family=False, kind=Message.Kind.MESSAGE).count() == 2
    promise = _reply_promises(conversation).get()
    assert promise.status == Commitment.Status.MET and promise.met_by in (caseworker, colleague)
    assert CommitmentEvent.objects.filter(commitment=promise, kind=CommitmentEvent.Kind.MET).count() == 1
    # The family heard about each reply; the promise was met once.
    assert Notification.objects.filter(kind=Notification.Kind.MESSAGE_FOR_FAMILY).count() == 2


# --- Transfer and colleagues ------------------------------------------------------------------


def test_a_transfer_keeps_the_deadline_and_says_who_has_it_now(thread, caseworker, resource_worker):
    due = _reply_promises(thread).get().due_at
    services.transfer_thread(thread=thread, to_user=resource_worker, actor=caseworker, note="Licensing question", now=MONDAY_9 + timedelta(hours=2))
    thread.refresh_from_db()
    promise = _reply_promises(thread).get()
    assert (thread.assigned_to, promise.owner, promise.due_at) == (resource_worker, resource_worker, due)
    event = Message.objects.get(kind=Message.Kind.TRANSFERRED)
    assert (event.author, event.to_user, event.body) == (caseworker, resource_worker, "Licensing question")


def test_the_old_holder_cannot_transfer_again_once_the_thread_is_passed_on(thread, caseworker, resource_worker, colleague):
    services.transfer_thread(thread=thread, to_user=resource_worker, actor=caseworker, now=MONDAY_9 + timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        services.transfer_thread(thread=thread, to_user=colleague, actor=caseworker, now=MONDAY_9 + timedelta(hours=3))


def test_a_family_cannot_transfer_a_thread(thread, resource_parent, colleague):
    with pytest.raises(PermissionDenied):
        services.transfer_thread(thread=thread, to_user=colleague, actor=resource_parent, now=MONDAY_9 + timedelta(hours=1))


def test_transfer_to_the_current_holder_is_refused_clearly(thread, caseworker):
    with pytest.raises(ValidationError) as error:
        services.transfer_thread(thread=thread, to_user=caseworker, actor=caseworker, now=MONDAY_9 + timedelta(hours=1))
    assert "already has this conversation" in " ".join(error.value.messages)


def test_a_colleague_brought_in_can_see_and_reply_and_their_reply_meets_the_promise(thread, caseworker, colleague):
    assert not selectors.my_inbox(colleague, now=MONDAY_9).filter(pk=thread.pk).exists()
    with pytest.raises(PermissionDenied):
        services.post_message(thread=thread, author=colleague, body="Hi", now=MONDAY_9 + timedelta(minutes=10))

    services.bring_in_colleague(thread=thread, colleague=colleague, actor=caseworker, note="You know the pharmacy", now=MONDAY_9 + timedelta(minutes=20))
    assert selectors.my_inbox(colleague, now=MONDAY_9 + timedelta(minutes=20)).filter(pk=thread.pk).exists()
    services.post_message(thread=thread, author=colleague, body="Dear Mrs. Garcia, the prescription is ready.", now=MONDAY_9 + timedelta(hours=1))
    promise = _reply_promises(thread).get()
    assert (promise.status, promise.met_by) == (Commitment.Status.MET, colleague)
    thread.refresh_from_db()
    assert thread.assigned_to == caseworker  # it stays with its holder


def test_bringing_in_the_same_colleague_twice_is_refused_clearly(thread, caseworker, colleague):
    services.bring_in_colleague(thread=thread, colleague=colleague, actor=caseworker, now=MONDAY_9 + timedelta(minutes=20))
    with pytest.raises(ValidationError) as error:
        services.bring_in_colleague(thread=thread, colleague=colleague, actor=caseworker, now=MONDAY_9 + timedelta(minutes=30))
    assert "already in this conversation" in " ".join(error.value.messages)


def test_a_family_cannot_bring_in_anyone(thread, resource_parent, colleague):
    with pytest.raises(PermissionDenied):
        services.bring_in_colleague(thread=thread, colleague=colleague, actor=resource_parent, now=MONDAY_9 + timedelta(minutes=30))


# --- Closing and rating --------------------------------------------------------------------


def test_staff_cannot_close_a_thread_with_a_family_message_unanswered(thread, caseworker):
    with pytest.raises(ValidationError) as error:
        services.close_thread(thread=thread, actor=caseworker, now=MONDAY_9 + timedelta(hours=1))
    assert "The family is waiting for an answer. Reply before closing the conversation." in error.value.messages
    thread.refresh_from_db()
    assert thread.closed_at is None
    assert _reply_promises(thread).get().status == Commitment.Status.OPEN


def test_staff_can_close_once_they_have_answered(thread, caseworker):
    services.post_message(thread=thread, author=caseworker, body="Done.", now=MONDAY_9 + timedelta(hours=1))
    services.close_thread(thread=thread, actor=caseworker, now=MONDAY_9 + timedelta(hours=2))
    thread.refresh_from_db()
    assert (thread.closed_at, thread.closed_by) == (MONDAY_9 + timedelta(hours=2), caseworker)


def test_the_family_can_close_and_the_open_promise_is_withdrawn_not_late(thread, resource_parent):
    later = MONDAY_9 + timedelta(days=3)  # past the deadline: still not counted as late
    services.close_thread(thread=thread, actor=resource_parent, now=later)
    promise = _reply_promises(thread).get()
    assert (promise.status, promise.late, promise.met_at) == (Commitment.Status.CANCELLED, False, None)
    assert promise.next_step_at is None
    thread.refresh_from_db()
    assert thread.closed_at == later and thread.awaiting_reply_since is None


def test_another_family_cannot_close_the_thread(thread, other_family):
    with pytest.raises(PermissionDenied):
        services.close_thread(thread=thread, actor=other_family, now=MONDAY_9 + timedelta(hours=1))


def test_a_family_message_reopens_a_closed_thread_with_a_new_promise(thread, resource_parent, caseworker):
    services.post_message(thread=thread, author=caseworker, body="Done.", now=MONDAY_9 + timedelta(hours=1))
    services.close_thread(thread=thread, actor=caseworker, now=MONDAY_9 + timedelta(hours=2))
    services.post_message(thread=thread, author=resource_parent, body="One more thing.", now=MONDAY_9 + timedelta(hours=3))
    thread.refresh_from_db()
    assert thread.closed_at is None
    assert _reply_promises(thread).filter(status=Commitment.Status.OPEN).count() == 1
    assert Message.objects.filter(kind=Message.Kind.REOPENED).count() == 1


@pytest.fixture
def closed_thread(thread, resource_parent):
    services.close_thread(thread=thread, actor=resource_parent, now=MONDAY_9 + timedelta(hours=4))
    thread.refresh_from_db()
    return thread


def test_a_family_rates_a_closed_thread_once_and_rating_again_changes_it(closed_thread, resource_parent):
    services.rate_thread(thread=closed_thread, actor=resource_parent, score=4, comment="Quick answer", now=MONDAY_9 + timedelta(hours=5))
    services.rate_thread(thread=closed_thread, actor=resource_parent, score=2, comment="  On second thought  ", now=MONDAY_9 + timedelta(hours=6))
    rating = ThreadRating.objects.get()
    assert (rating.score, rating.comment, rating.rated_at) == (2, "On second thought", MONDAY_9 + timedelta(hours=6))


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused(closed_thread, resource_parent, score):
    with pytest.raises(ValidationError) as error:
        services.rate_thread(thread=closed_thread, actor=resource_parent, score=score, now=MONDAY_9 + timedelta(hours=5))
    assert "Choose from 1 to 5 stars." in error.value.messages
    assert not ThreadRating.objects.exists()


def test_another_family_or_staff_cannot_rate(closed_thread, other_family, caseworker):
    for person in (other_family, caseworker):
        with pytest.raises(PermissionDenied):
            services.rate_thread(thread=closed_thread, actor=person, score=5, now=MONDAY_9 + timedelta(hours=5))
    assert not ThreadRating.objects.exists()


def test_an_open_thread_cannot_be_rated(thread, resource_parent):
    with pytest.raises(PermissionDenied):
        services.rate_thread(thread=thread, actor=resource_parent, score=5, now=MONDAY_9 + timedelta(hours=5))


# --- Read receipts, unread counts, archive, search ------------------------------------------------


def test_staff_see_when_the_parent_read_the_thread(thread, resource_parent, caseworker):
    services.post_message(thread=thread, author=caseworker, body="Dear Mrs. Garcia, ...", now=MONDAY_9 + timedelta(hours=1))
    opened = MONDAY_9 + timedelta(hours=2)
    services.mark_read(thread=thread, user=resource_parent, now=opened)
    services.mark_read(thread=thread, user=caseworker, now=opened)  # staff reading is not a family receipt
    assert selectors.family_read_times(thread) == [(resource_parent, opened)]


def test_the_family_sees_one_unread_after_a_staff_reply_and_none_after_opening(thread, resource_parent, caseworker):
    assert selectors.unread_count(resource_parent, now=MONDAY_9) == 0  # their own message is read
    assert selectors.unread_count(caseworker, now=MONDAY_9) == 1
    services.post_message(thread=thread, author=caseworker, body="Answer", now=MONDAY_9 + timedelta(hours=1))
    assert selectors.unread_count(resource_parent, now=MONDAY_9 + timedelta(hours=1)) == 1
    assert selectors.unread_count(caseworker, now=MONDAY_9 + timedelta(hours=1)) == 0
    services.mark_read(thread=thread, user=resource_parent, now=MONDAY_9 + timedelta(hours=2))
    assert selectors.unread_count(resource_parent, now=MONDAY_9 + timedelta(hours=2)) == 0


def test_archive_hides_a_thread_from_the_list_and_a_new_message_brings_it_back(thread, resource_parent, caseworker):
    services.set_archived(thread=thread, user=resource_parent, archived=True, now=MONDAY_9 + timedelta(minutes=5))
    assert list(selectors.family_threads(resource_parent)) == []
    assert list(selectors.family_threads(resource_parent, archived=True)) == [thread]
    services.post_message(thread=thread, author=caseworker, body="Answer", now=MONDAY_9 + timedelta(hours=1))
    assert list(selectors.family_threads(resource_parent)) == [thread]


def test_archiving_is_personal_and_a_family_message_brings_it_back_for_staff(thread, resource_parent, caseworker):
    services.set_archived(thread=thread, user=caseworker, archived=True, now=MONDAY_9 + timedelta(minutes=5))
    assert list(selectors.my_inbox(caseworker, now=MONDAY_9)) == []
    assert list(selectors.family_threads(resource_parent)) == [thread]
    services.post_message(thread=thread, author=resource_parent, body="Any news?", now=MONDAY_9 + timedelta(hours=1))
    assert list(selectors.my_inbox(caseworker, now=MONDAY_9 + timedelta(hours=1))) == [thread]


def test_another_family_cannot_archive_the_thread(thread, other_family):
    with pytest.raises(PermissionDenied):
        services.set_archived(thread=thread, user=other_family, archived=True, now=MONDAY_9)


def test_search_finds_words_in_a_message_body_and_never_across_families(thread, resource_parent, other_family, caseworker):
    theirs = services.start_thread(
        household=other_family.household, topic=Topic.OTHER, subject="Respite", body="Our inhaler question too", author=other_family, now=MONDAY_9
    )
    services.post_message(thread=thread, author=caseworker, body="The pharmacy on Main Street has it.", now=MONDAY_9 + timedelta(hours=1))
    assert list(selectors.family_threads(resource_parent, query="pharmacy on main")) == [thread]
    assert list(selectors.family_threads(resource_parent, query="INHALER")) == [thread]
    assert list(selectors.family_threads(other_family, query="inhaler")) == [theirs]
    assert list(selectors.family_threads(other_family, query="pharmacy")) == []
    assert list(selectors.family_threads(resource_parent, query="nothing like this")) == []
    # The caseworker does not hold the Johnsons' thread, so their search does not find it either.
    assert list(selectors.my_inbox(caseworker, now=MONDAY_9, query="inhaler")) == [thread]


def test_a_staff_note_is_never_found_by_the_familys_search(thread, resource_parent, caseworker):
    services.post_message(thread=thread, author=caseworker, body="Internal: check the court order", note_for_staff=True, now=MONDAY_9 + timedelta(hours=1))
    assert list(selectors.family_threads(resource_parent, query="court order")) == []
    assert [m.kind for m in selectors.thread_messages(thread, resource_parent)] == [Message.Kind.MESSAGE]


def test_a_family_cannot_write_a_staff_note(thread, resource_parent):
    with pytest.raises(PermissionDenied):
        services.post_message(thread=thread, author=resource_parent, body="secret", note_for_staff=True, now=MONDAY_9 + timedelta(hours=1))


# --- The new-message e-mail ------------------------------------------------------------------


def test_the_new_message_email_has_a_link_and_no_message_text_or_child_name(
    thread, resource_parent, caseworker, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, author=caseworker, body="Maya's new inhaler is at Walgreens on Main.", now=MONDAY_9 + timedelta(hours=1))
    [email] = mail.outbox
    assert email.to == [resource_parent.email]
    assert f"/messages/{thread.pk}/" in email.body
    for text in (email.subject, email.body, email.alternatives[0][0]):
        assert "Walgreens" not in text and "inhaler" not in text
        assert "Maya" not in text and "Lopez" not in text


def test_the_staff_email_for_a_family_message_has_a_link_and_no_message_text_or_child_name(
    resource_parent, child, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = _ask(resource_parent, child, body="Maya has been coughing all night since Tuesday.")
    [email] = mail.outbox
    assert email.to == [caseworker.email]
    assert f"/messages/{thread.pk}/" in email.body and "The Garcia family" in email.body
    for text in (email.subject, email.body, email.alternatives[0][0]):
        assert "coughing" not in text and "Maya" not in text and "Lopez" not in text


def test_the_new_message_email_waits_until_the_familys_quiet_hours_end(
    thread, resource_parent, caseworker, django_capture_on_commit_callbacks
):
    household = resource_parent.household
    household.quiet_hours_start, household.quiet_hours_end = time(21, 0), time(7, 30)
    household.save()
    late_evening = chicago(2026, 11, 16, 22, 15)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, author=caseworker, body="Answer", now=late_evening)
    assert mail.outbox == []
    note = Notification.objects.get(kind=Notification.Kind.MESSAGE_FOR_FAMILY)
    assert note.deliver_after == chicago(2026, 11, 17, 7, 30)
    assert note.pk not in pending_notification_ids(now=chicago(2026, 11, 17, 7, 29))
    assert note.pk in pending_notification_ids(now=chicago(2026, 11, 17, 7, 30))
    deliver_notification(notification_id=note.pk, now=chicago(2026, 11, 17, 7, 30))
    assert [email.to for email in mail.outbox] == [[resource_parent.email]]


# --- Call-backs ------------------------------------------------------------------------------


def _call_me(parent, *, to_user=None, phone="601-555-0142", now=MONDAY_9, key=None):
    return services.request_callback(
        household=parent.household,
        requested_by=parent,
        phone=phone,
        good_times="After 3 pm",
        reason="Maya's school meeting",
        to_user=to_user,
        submission_key=key,
        now=now,
    )


def _call_promise(callback):
    return Commitment.objects.get(subject_id=callback.pk, standard__code="return-call")


def test_a_callback_request_opens_a_return_call_promise_for_the_chosen_person_due_next_business_day(resource_parent, caseworker):
    callback = _call_me(resource_parent, to_user=caseworker, now=chicago(2026, 11, 20, 16, 30))  # Friday afternoon
    promise = _call_promise(callback)
    assert (callback.assigned_to, promise.owner, promise.status) == (caseworker, caseworker, Commitment.Status.OPEN)
    assert promise.due_at == chicago(2026, 11, 23, 17, 0)  # Monday close of business


def test_a_callback_request_without_a_choice_goes_to_the_resource_worker(resource_parent, resource_worker):
    callback = _call_me(resource_parent)
    assert _call_promise(callback).owner == resource_worker


def test_a_voicemail_keeps_the_callback_open_and_reaching_them_meets_it(resource_parent, caseworker):
    callback = _call_me(resource_parent, to_user=caseworker)
    services.log_call(callback=callback, outcome=CallAttempt.Outcome.VOICEMAIL, actor=caseworker, now=MONDAY_9 + timedelta(hours=1))
    callback.refresh_from_db()
    assert callback.status == CallbackRequest.Status.OPEN
    assert _call_promise(callback).status == Commitment.Status.OPEN
    services.log_call(callback=callback, outcome=CallAttempt.Outcome.NO_ANSWER, actor=caseworker, now=MONDAY_9 + timedelta(hours=2))
    assert _call_promise(callback).status == Commitment.Status.OPEN
    reached_at = MONDAY_9 + timedelta(hours=3)
    services.log_call(callback=callback, outcome=CallAttempt.Outcome.REACHED, actor=caseworker, note="Talked about the meeting", now=reached_at)
    callback.refresh_from_db()
    promise = _call_promise(callback)
    assert (callback.status, callback.reached_at) == (CallbackRequest.Status.REACHED, reached_at)
    assert (promise.status, promise.met_by, promise.met_at) == (Commitment.Status.MET, caseworker, reached_at)
    assert callback.attempts.count() == 3


def test_a_made_up_call_outcome_is_refused(resource_parent, caseworker):
    callback = _call_me(resource_parent, to_user=caseworker)
    with pytest.raises(ValidationError):
        services.log_call(callback=callback, outcome="carrier-pigeon", actor=caseworker, now=MONDAY_9 + timedelta(hours=1))
    assert not CallAttempt.objects.exists()


def test_someone_who_cannot_see_the_callback_cannot_log_a_call(resource_parent, caseworker, colleague, other_family):
    callback = _call_me(resource_parent, to_user=caseworker)
    for person in (colleague, resource_parent, other_family):
        with pytest.raises(PermissionDenied):
            services.log_call(callback=callback, outcome=CallAttempt.Outcome.REACHED, actor=person, now=MONDAY_9 + timedelta(hours=1))
    assert _call_promise(callback).status == Commitment.Status.OPEN


def test_withdrawing_a_callback_cancels_its_promise(resource_parent, caseworker):
    callback = _call_me(resource_parent, to_user=caseworker)
    services.withdraw_callback(callback=callback, actor=resource_parent, now=MONDAY_9 + timedelta(hours=1))
    callback.refresh_from_db()
    promise = _call_promise(callback)
    assert callback.status == CallbackRequest.Status.WITHDRAWN
    assert (promise.status, promise.late) == (Commitment.Status.CANCELLED, False)


def test_another_family_cannot_withdraw_the_callback(resource_parent, caseworker, other_family):
    callback = _call_me(resource_parent, to_user=caseworker)
    with pytest.raises(PermissionDenied):
        services.withdraw_callback(callback=callback, actor=other_family, now=MONDAY_9 + timedelta(hours=1))
    assert _call_promise(callback).status == Commitment.Status.OPEN


@pytest.mark.parametrize("phone", ["", "555-12", "call me", "12 34 56"])
def test_a_phone_number_with_fewer_than_7_digits_is_refused(resource_parent, caseworker, phone):
    with pytest.raises(ValidationError) as error:
        _call_me(resource_parent, to_user=caseworker, phone=phone)
    assert "Enter a phone number we can call, with its area code." in error.value.messages
    assert not CallbackRequest.objects.exists() and not Commitment.objects.exists()


def test_a_double_tap_on_call_me_asks_once(resource_parent, caseworker):
    key = uuid.uuid4()
    first = _call_me(resource_parent, to_user=caseworker, key=key)
    second = _call_me(resource_parent, to_user=caseworker, key=key)
    assert first.pk == second.pk and CallbackRequest.objects.count() == 1 and Commitment.objects.count() == 1


def test_a_family_cannot_ask_for_a_call_for_another_household(resource_parent, other_family):
    with pytest.raises(PermissionDenied):
        services.request_callback(household=resource_parent.household, requested_by=other_family, phone="601-555-0100", now=MONDAY_9)
    assert not CallbackRequest.objects.exists()
