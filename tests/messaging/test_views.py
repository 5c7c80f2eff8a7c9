"""What a family and a worker see on messaging's pages, and what bad input does there (never a 500).

Time is fixed with time_machine: Monday 16 November 2026, in Chicago; each step moves the clock on.
"""

import re
import uuid
from html import unescape
from datetime import timedelta

import pytest
from django.core import mail
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from messaging import services
from messaging.models import MAX_MESSAGE_LENGTH, CallbackRequest, Message, Thread, ThreadRating, Topic
from portal.accounts.models import Role
from portal.followups.models import Commitment
from tests.conftest import chicago
from tests.factories import HouseholdFactory, ParentFactory

pytestmark = pytest.mark.django_db

MONDAY_9 = chicago(2026, 11, 16, 9, 0)


@pytest.fixture
def clock(time_machine):
    """Move the clock to a moment (no ticking, so pages and assertions agree to the second)."""

    def move(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    move(MONDAY_9)
    return move


@pytest.fixture
def conversation(clock, resource_parent, child):
    return services.start_thread(
        household=resource_parent.household, topic=Topic.CHILD, about=child, subject="Maya's inhaler",
        body="Maya has no inhaler. How do we get her prescription?", author=resource_parent,
    )


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    """The page's words with tags removed and spaces collapsed, as a person reads them."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _post_reply(client, thread, body, **extra):
    return client.post(reverse("messaging:thread", args=[thread.pk]), {"body": body, "submission_key": uuid.uuid4(), **extra})


# --- Bad input on the pages ------------------------------------------------------------------------


def test_html_in_a_message_is_shown_as_typed_never_run(client, clock, conversation, resource_parent, caseworker):
    client.force_login(resource_parent)
    clock(MONDAY_9 + timedelta(minutes=5))
    _post_reply(client, conversation, '<script>alert("gotcha")</script><img src=x onerror=alert(1)>')
    assert Message.objects.filter(body__startswith="<script>").count() == 1
    for person in (resource_parent, caseworker):
        client.force_login(person)
        page = page_of(client.get(reverse("messaging:thread", args=[conversation.pk])))
        assert "&lt;script&gt;alert(&quot;gotcha&quot;)&lt;/script&gt;" in page
        assert '<script>alert("gotcha")' not in page and "<img src=x" not in page


def test_html_in_a_subject_is_escaped_in_the_lists(client, clock, resource_parent, resource_worker):
    services.start_thread(household=resource_parent.household, topic=Topic.OTHER, subject="<b>Help</b><script>x()</script>",
                          body="Hello", author=resource_parent)
    for person, name in ((resource_parent, "messaging:family_home"), (resource_worker, "messaging:inbox")):
        client.force_login(person)
        page = page_of(client.get(reverse(name)))
        assert "&lt;b&gt;Help&lt;/b&gt;&lt;script&gt;x()&lt;/script&gt;" in page
        assert "<script>x()" not in page


@pytest.mark.parametrize("body", ["", "    ", "\n \n"])
def test_an_empty_reply_is_a_clear_message_and_nothing_is_sent(client, conversation, resource_parent, body):
    client.force_login(resource_parent)
    response = _post_reply(client, conversation, body)
    page = page_of(response)
    assert "Please check what you typed" in page and "Write a message before sending." in page
    assert Message.objects.count() == 1


def test_an_over_long_reply_is_a_clear_message_and_the_text_is_kept(client, conversation, resource_parent):
    client.force_login(resource_parent)
    too_long = "Word " * 1000 + "end"  # 5003 characters
    assert len(too_long) > MAX_MESSAGE_LENGTH
    page = page_of(_post_reply(client, conversation, too_long))
    assert "Messages can be up to 5000 characters; this one has 5003. Split it in two, or attach a document." in page
    assert too_long.strip() in page  # nothing lost: still in the textarea
    assert Message.objects.count() == 1


def test_another_family_posting_to_the_thread_gets_404_and_nothing_is_stored(client, conversation, other_family):
    client.force_login(other_family)
    response = _post_reply(client, conversation, "Hello from the Johnsons")
    assert response.status_code == 404
    assert "Maya" not in response.content.decode()
    assert not Message.objects.filter(author=other_family).exists()
    assert client.get(reverse("messaging:thread", args=[conversation.pk])).status_code == 404


def test_a_double_tap_on_send_stores_one_message(client, clock, conversation, caseworker):
    client.force_login(caseworker)
    key = uuid.uuid4()
    clock(MONDAY_9 + timedelta(hours=1))
    data = {"body": "Dear Mrs. Garcia, it is at the pharmacy.", "submission_key": key}
    first = client.post(reverse("messaging:thread", args=[conversation.pk]), data)
    second = client.post(reverse("messaging:thread", args=[conversation.pk]), data)
    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(author=caseworker).count() == 1


def test_a_double_tap_on_a_new_conversation_starts_one(client, resource_parent, child, clock):
    client.force_login(resource_parent)
    data = {"about": f"child:placements.child:{child.pk}", "subject": "Shoes", "body": "Maya needs shoes.", "submission_key": uuid.uuid4()}
    first = client.post(reverse("messaging:new"), data)
    second = client.post(reverse("messaging:new"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Thread.objects.count() == 1 and Message.objects.count() == 1 and Commitment.objects.count() == 1


@pytest.mark.parametrize(
    "about",
    ["", "child:placements.child:999999", "payment:placements.child:1", "nonsense", "child"],
)
def test_a_made_up_topic_on_a_new_conversation_is_a_clear_message(client, resource_parent, child, about):
    client.force_login(resource_parent)
    response = client.post(reverse("messaging:new"), {"about": about, "subject": "Hi", "body": "Kept text", "submission_key": uuid.uuid4()})
    page = page_of(response)
    assert "Please check what you typed" in page and "Kept text" in page
    assert not Thread.objects.exists()


def test_another_familys_child_cannot_be_chosen(client, resource_parent, other_family, child):
    child.first_name = "Ximena"  # a name no help text uses
    child.save()
    client.force_login(other_family)
    response = client.post(
        reverse("messaging:new"),
        {"about": f"child:placements.child:{child.pk}", "subject": "Hi", "body": "Text", "submission_key": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "Ximena" not in response.content.decode()
    assert not Thread.objects.exists()


def test_a_bad_submission_key_is_a_form_error_not_a_500(client, conversation, resource_parent):
    client.force_login(resource_parent)
    response = client.post(reverse("messaging:thread", args=[conversation.pk]), {"body": "Hi", "submission_key": "not-a-uuid"})
    assert response.status_code == 200
    assert Message.objects.count() == 1


# --- Transfer, colleagues, cover -------------------------------------------------------------------


def test_after_a_transfer_the_family_page_names_the_new_holder_and_the_same_deadline(
    client, clock, conversation, resource_parent, caseworker, resource_worker
):
    due = Commitment.objects.get().due_at
    client.force_login(caseworker)
    clock(MONDAY_9 + timedelta(hours=1))
    response = client.post(reverse("messaging:transfer", args=[conversation.pk]), {"to_user": resource_worker.pk, "note": "Licensing"})
    assert response.status_code == 302
    assert Commitment.objects.get().due_at == due
    client.force_login(resource_parent)
    page = text_of(page_of(client.get(reverse("messaging:thread", args=[conversation.pk]))))
    assert "Who has it now Ms. Miller" in page
    assert "Ms. Miller will answer by Tuesday 17 November" in page or "Ms. Miller will answer by" in page
    assert "Mr. Reed passed this conversation to Ms. Miller." in page
    assert "Licensing" not in page  # the transfer note is for staff


def test_a_colleague_brought_in_sees_the_thread_in_their_inbox_and_answers_it(client, clock, conversation, caseworker, colleague):
    client.force_login(colleague)
    assert client.get(reverse("messaging:thread", args=[conversation.pk])).status_code == 404
    client.force_login(caseworker)
    client.post(reverse("messaging:bring_in", args=[conversation.pk]), {"colleague": colleague.pk, "note": "Pharmacy?"})
    client.force_login(colleague)
    inbox = text_of(page_of(client.get(reverse("messaging:inbox"))))
    assert "Maya's inhaler" in inbox and "You were brought in" in inbox
    clock(MONDAY_9 + timedelta(hours=2))
    assert _post_reply(client, conversation, "Dear Mrs. Garcia, it is ready.").status_code == 302
    promise = Commitment.objects.get()
    assert (promise.status, promise.met_by) == (Commitment.Status.MET, colleague)


def test_the_cover_sees_an_away_workers_thread_first_in_the_inbox_and_the_family_is_told(
    client, clock, resource_parent, child, caseworker, colleague, supervisor
):
    from portal.accounts.services import record_absence

    record_absence(worker=caseworker, cover=colleague, starts_on=MONDAY_9.date(), ends_on=chicago(2026, 11, 20).date(), actor=supervisor, now=MONDAY_9)
    thread = services.start_thread(household=resource_parent.household, topic=Topic.CHILD, about=child, subject="Medication",
                                   body="Where is it?", author=resource_parent)
    client.force_login(colleague)
    inbox = text_of(page_of(client.get(reverse("messaging:inbox"))))
    assert "Medication" in inbox and "You are covering for Mr. Reed" in inbox
    client.force_login(resource_parent)
    page = text_of(page_of(client.get(reverse("messaging:thread", args=[thread.pk]))))
    assert "Mr. Reed is away until" in page and "Ms. Shah is covering." in page and "Ms. Carter" in page


# --- Closing and rating -----------------------------------------------------------------------


def test_staff_closing_with_the_family_waiting_get_a_clear_error(client, conversation, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("messaging:close", args=[conversation.pk]), follow=True)
    assert "The family is waiting for an answer. Reply before closing the conversation." in page_of(response)
    conversation.refresh_from_db()
    assert conversation.closed_at is None


def test_the_family_closes_and_rates_in_one_tap_and_can_change_the_rating(client, clock, conversation, resource_parent):
    client.force_login(resource_parent)
    clock(MONDAY_9 + timedelta(hours=1))
    page = page_of(client.post(reverse("messaging:close", args=[conversation.pk]), follow=True))
    assert "How did we do?" in page
    promise = Commitment.objects.get()
    assert (promise.status, promise.late) == (Commitment.Status.CANCELLED, False)
    client.post(reverse("messaging:rate", args=[conversation.pk]), {"score": 5, "comment": ""})
    client.post(reverse("messaging:rate", args=[conversation.pk]), {"score": 3, "comment": "Took a while"})
    rating = ThreadRating.objects.get()
    assert (rating.score, rating.comment) == (3, "Took a while")
    assert "You gave this conversation 3 out of 5." in text_of(page_of(client.get(reverse("messaging:thread", args=[conversation.pk]))))


@pytest.mark.parametrize("score", ["0", "6", "", "five", "-1"])
def test_a_rating_outside_1_to_5_is_a_clear_message_not_a_500(client, clock, conversation, resource_parent, score):
    client.force_login(resource_parent)
    client.post(reverse("messaging:close", args=[conversation.pk]))
    response = client.post(reverse("messaging:rate", args=[conversation.pk]), {"score": score, "comment": "kept comment"})
    page = page_of(response)
    assert "Please check what you typed" in page or "errorlist" in page
    assert "kept comment" in page
    assert not ThreadRating.objects.exists()


def test_another_family_cannot_rate_the_thread(client, conversation, resource_parent, other_family):
    client.force_login(resource_parent)
    client.post(reverse("messaging:close", args=[conversation.pk]))
    client.force_login(other_family)
    assert client.post(reverse("messaging:rate", args=[conversation.pk]), {"score": 1}).status_code == 404
    assert not ThreadRating.objects.exists()


# --- Read receipts, unread, archive, search ------------------------------------------------------


def test_the_staff_page_says_read_by_mrs_garcia_after_she_opens_the_thread(client, clock, conversation, resource_parent, caseworker):
    client.force_login(caseworker)
    clock(MONDAY_9 + timedelta(hours=1))
    _post_reply(client, conversation, "Dear Mrs. Garcia, it is at the pharmacy.")
    clock(MONDAY_9 + timedelta(hours=2))
    assert "Read by Mrs. Garcia" not in page_of(client.get(reverse("messaging:thread", args=[conversation.pk])))
    assert "Not read yet" in page_of(client.get(reverse("messaging:thread", args=[conversation.pk])))
    client.force_login(resource_parent)
    clock(MONDAY_9 + timedelta(hours=3))
    client.get(reverse("messaging:thread", args=[conversation.pk]))
    client.force_login(caseworker)
    assert "Read by Mrs. Garcia" in page_of(client.get(reverse("messaging:thread", args=[conversation.pk])))


def _badge(page: str) -> str | None:
    """The unread count next to "Messages" (families) or "Inbox" (staff) in the menu."""
    match = re.search(r'(?:Messages|Inbox) <span class="badge">(\d+)<span class="visually-hidden"> unread', page)
    return match.group(1) if match else None


def test_the_family_sees_one_unread_after_a_staff_reply_and_none_after_opening(client, clock, conversation, resource_parent, caseworker):
    client.force_login(resource_parent)
    assert _badge(page_of(client.get(reverse("messaging:family_home")))) is None
    client.force_login(caseworker)
    clock(MONDAY_9 + timedelta(hours=1))
    _post_reply(client, conversation, "Answer")
    client.force_login(resource_parent)
    clock(MONDAY_9 + timedelta(hours=2))
    home = page_of(client.get(reverse("messaging:family_home")))
    assert _badge(home) == "1"
    assert "conversation--unread" in home
    client.get(reverse("messaging:thread", args=[conversation.pk]))
    home = page_of(client.get(reverse("messaging:family_home")))
    assert _badge(home) is None and "conversation--unread" not in home


def test_the_worker_sees_a_new_family_message_as_unread(client, clock, conversation, caseworker):
    client.force_login(caseworker)
    assert _badge(page_of(client.get(reverse("messaging:inbox")))) == "1"
    client.get(reverse("messaging:thread", args=[conversation.pk]))
    assert _badge(page_of(client.get(reverse("messaging:inbox")))) is None


def test_archive_hides_the_thread_and_a_new_message_brings_it_back(client, clock, conversation, resource_parent, caseworker):
    client.force_login(resource_parent)
    response = client.post(reverse("messaging:archive", args=[conversation.pk]), {"archived": "1"})
    assert response.status_code == 302
    assert "Maya&#x27;s inhaler" not in page_of(client.get(reverse("messaging:family_home")))
    assert "Maya&#x27;s inhaler" in page_of(client.get(reverse("messaging:family_home") + "?archived=1"))
    clock(MONDAY_9 + timedelta(hours=1))
    client.force_login(caseworker)
    _post_reply(client, conversation, "Answer")
    client.force_login(resource_parent)
    assert "Maya&#x27;s inhaler" in page_of(client.get(reverse("messaging:family_home")))


def test_search_finds_words_in_messages_and_never_another_familys(client, clock, conversation, resource_parent, other_family):
    services.start_thread(household=other_family.household, topic=Topic.OTHER, subject="Johnson respite",
                          body="About the inhaler too", author=other_family)
    client.force_login(resource_parent)
    page = page_of(client.get(reverse("messaging:family_home"), {"q": "prescription"}))
    assert "Maya&#x27;s inhaler" in page and "Johnson respite" not in page
    page = page_of(client.get(reverse("messaging:family_home"), {"q": "inhaler"}))
    assert "Johnson respite" not in page
    page = page_of(client.get(reverse("messaging:family_home"), {"q": "respite"}))
    assert "Johnson respite" not in page and "No conversation mentions “respite”." in page
    client.force_login(other_family)
    page = page_of(client.get(reverse("messaging:family_home"), {"q": "prescription"}))
    assert "Maya" not in page


def test_a_very_long_search_is_not_a_500(client, conversation, resource_parent):
    client.force_login(resource_parent)
    assert client.get(reverse("messaging:family_home"), {"q": "x" * 5000}).status_code == 200
    assert client.get(reverse("messaging:family_home"), {"page": "nonsense"}).status_code == 200


# --- The e-mail ---------------------------------------------------------------------------------


def test_a_staff_reply_emails_the_family_a_link_without_the_text(client, clock, conversation, resource_parent, caseworker, django_capture_on_commit_callbacks):
    client.force_login(caseworker)
    clock(MONDAY_9 + timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post_reply(client, conversation, "Dear Mrs. Garcia, Maya's inhaler is at Walgreens.")
    [email] = mail.outbox
    assert email.to == [resource_parent.email]
    assert f"/messages/{conversation.pk}/" in email.body
    assert "Walgreens" not in email.body and "Maya" not in email.body and "Maya" not in email.subject


# --- Call-backs ---------------------------------------------------------------------------------


def test_asking_for_a_call_shows_who_will_call_and_by_when(client, clock, resource_parent, caseworker, child):
    clock(chicago(2026, 11, 20, 16, 30))  # Friday afternoon
    client.force_login(resource_parent)
    response = client.post(
        reverse("messaging:request_callback"),
        {"to_user": caseworker.pk, "phone": "601-555-0142", "good_times": "After 3 pm", "reason": "School", "submission_key": uuid.uuid4()},
        follow=True,
    )
    page = text_of(page_of(response))
    assert "Mr. Reed will call by" in page
    assert "Mr. Reed will call you on 601-555-0142 by Monday" in page
    assert CallbackRequest.objects.get().assigned_to == caseworker


@pytest.mark.parametrize("phone", ["", "123", "555-12", "no phone"])
def test_a_short_phone_number_is_a_clear_message_and_nothing_is_asked(client, resource_parent, phone):
    client.force_login(resource_parent)
    response = client.post(
        reverse("messaging:request_callback"), {"phone": phone, "reason": "Kept reason", "submission_key": uuid.uuid4()}
    )
    page = page_of(response)
    assert "Please check what you typed" in page and "Kept reason" in page
    assert not CallbackRequest.objects.exists()


def test_a_voicemail_keeps_the_call_on_the_list_and_reaching_the_family_ends_it(client, clock, resource_parent, caseworker):
    callback = services.request_callback(household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142", to_user=caseworker)
    client.force_login(caseworker)
    clock(MONDAY_9 + timedelta(hours=1))
    page = page_of(client.post(reverse("messaging:callback", args=[callback.pk]), {"outcome": "voicemail"}, follow=True))
    assert "stays on your list" in page
    assert "The Garcia family" in page_of(client.get(reverse("messaging:inbox")))
    page = page_of(client.post(reverse("messaging:callback", args=[callback.pk]), {"outcome": "reached"}, follow=True))
    assert "The call-back is done." in page
    assert Commitment.objects.get().status == Commitment.Status.MET
    assert "No calls to return." in page_of(client.get(reverse("messaging:inbox")))


def test_a_made_up_call_outcome_is_a_form_error(client, resource_parent, caseworker):
    callback = services.request_callback(household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142", to_user=caseworker)
    client.force_login(caseworker)
    assert client.post(reverse("messaging:callback", args=[callback.pk]), {"outcome": "pigeon"}).status_code == 200
    assert not callback.attempts.exists()


# --- Constant queries -----------------------------------------------------------------------------


def _threads_for(caseworker, count, *, start):
    """``count`` conversations from as many families over the past weeks; every other one answered a day or two later."""
    for i in range(count):
        household = HouseholdFactory()
        parent = ParentFactory(household=household)
        asked = start - timedelta(days=i % 40, minutes=i)
        thread = services.start_thread(household=household, topic=Topic.OTHER, subject=f"Question {i}", body="Hello",
                                       author=parent, assign_to=caseworker, now=asked)
        if i % 2:
            services.post_message(thread=thread, author=caseworker, body="Answer", now=asked + timedelta(days=1 + i % 3, hours=1))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_inbox_query_count_does_not_grow_with_threads(client, clock, caseworker, django_assert_num_queries):
    _threads_for(caseworker, 5, start=MONDAY_9 - timedelta(hours=50))
    client.force_login(caseworker)
    url = reverse("messaging:inbox")
    client.get(url)  # warm caches that are filled once per process (content types, holidays)
    with_five = _queries(client, url)
    _threads_for(caseworker, 55, start=MONDAY_9 - timedelta(hours=80))
    with django_assert_num_queries(with_five):
        page = page_of(client.get(url))
    assert page.count('href="/messages/') >= 50  # a full page of rows was rendered


def test_family_list_query_count_does_not_grow_with_threads(client, clock, resource_parent, caseworker, django_assert_num_queries):
    def ask(count, start):
        for i in range(count):
            services.start_thread(household=resource_parent.household, topic=Topic.OTHER, subject=f"Question {i}", body="Hi",
                                  author=resource_parent, assign_to=caseworker, now=start + timedelta(minutes=i))

    ask(5, MONDAY_9 - timedelta(days=1))
    client.force_login(resource_parent)
    url = reverse("messaging:family_home")
    client.get(url)
    with_five = _queries(client, url)
    ask(55, MONDAY_9 - timedelta(hours=20))
    with django_assert_num_queries(with_five):
        client.get(url)


def test_team_inbox_query_count_does_not_grow_with_threads(client, clock, caseworker, colleague, supervisor, django_assert_num_queries):
    _threads_for(caseworker, 5, start=MONDAY_9 - timedelta(hours=50))
    client.force_login(supervisor)
    url = reverse("messaging:team")
    client.get(url)
    with_five = _queries(client, url)
    _threads_for(colleague, 55, start=MONDAY_9 - timedelta(hours=80))
    with django_assert_num_queries(with_five):
        client.get(url)


def test_staff_roles_without_a_team_page_get_404(client, caseworker):
    client.force_login(caseworker)
    assert caseworker.role == Role.CASEWORKER
    assert client.get(reverse("messaging:team")).status_code == 404


def test_the_team_page_charts_time_to_first_reply_in_office_hours(client, clock, resource_parent, child, caseworker, supervisor):
    """Friday 16:30 to Monday 8:30 is one office hour (half an hour on each side of the weekend), not 64 clock hours."""
    thread = services.start_thread(household=resource_parent.household, topic=Topic.CHILD, about=child, subject="Medication",
                                   body="Where is it?", author=resource_parent, now=chicago(2026, 11, 13, 16, 30))
    services.post_message(thread=thread, author=caseworker, body="Here.", now=chicago(2026, 11, 16, 8, 30))
    client.force_login(supervisor)
    page = text_of(page_of(client.get(reverse("messaging:team"))))
    assert "Mr. Reed" in page and "1 h" in page
