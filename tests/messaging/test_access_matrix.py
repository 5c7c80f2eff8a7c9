"""Every messaging URL × every kind of person: who gets the page, who gets a 404, and 0 leaks.

The expected table is written out below, row by row, from policies.py's rules:
a family sees its household; staff see what they hold, were brought into or supervise;
an administrator sees everything; anyone else gets a 404 (never a hint that it exists).

Besides the status code, every page that answers 200 is searched for the private words
of each object (the conversation's subject and text, the closed conversation, the call-back
reason, the team's saved reply, the child's name, the attachment's bytes): one of them
on the page of someone not allowed to see it is a leak. A refused POST must change nothing.
Each cell runs inside a savepoint that is rolled back, so a POST in one cell (a transfer, a
close) never changes what the next cell sees.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, reverse

from messaging import services
from messaging.attachments import check_attachment
from messaging.models import (
    Attachment,
    CallAttempt,
    CallbackRequest,
    Message,
    Participant,
    ReadState,
    SavedReply,
    Thread,
    ThreadRating,
    Topic,
)
from messaging.urls import urlpatterns
from portal.accounts.models import Role
from tests.conftest import chicago
from tests.factories import HouseholdFactory, OfficeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)

# The private words of each object, and who may see them.
THREAD_WORDS = ["Subject-Kestrel-417", "Body-Walrus-829"]
CLOSED_WORDS = ["Subject-Heron-233"]
CALLBACK_WORDS = ["Reason-Otter-551"]
SAVED_WORDS = ["Saved-Badger-902"]
CHILD_WORDS = ["Ximena"]  # the child placed with the Garcias (first names are what families choose from)

ROLES = [
    "anonymous",
    "parent",  # Mrs. Garcia, resource parent of the household
    "other_family",  # Mrs. Johnson, another household
    "holder",  # Mr. Reed, the child's caseworker, who holds the conversation
    "participant",  # Ms. Shah, same team, brought into the conversation
    "teammate",  # same team, not brought in (non-participant)
    "outsider",  # a caseworker of another office and team
    "supervisor",  # Ms. Carter, the holder's supervisor
    "other_supervisor",  # supervises the outsider's team
    "fiscal",  # fiscal staff of the same team, not involved
    "administrator",  # the office's program manager
]
STAFF = {"holder", "participant", "teammate", "outsider", "supervisor", "other_supervisor", "fiscal", "administrator"}
FAMILIES = {"parent", "other_family"}
SEES_THREAD = {"parent", "holder", "participant", "supervisor", "administrator"}
SEES_CLOSED = {"parent", "holder", "supervisor", "administrator"}  # the colleague was brought into the open one only
SEES_CALLBACK = {"parent", "holder", "supervisor", "administrator"}
HOLDERS_TEAM = {"holder", "participant", "teammate", "supervisor", "fiscal"}
MAY_SEE = {
    **{word: SEES_THREAD for word in THREAD_WORDS},
    **{word: SEES_CLOSED for word in CLOSED_WORDS},
    **{word: SEES_CALLBACK for word in CALLBACK_WORDS},
    **{word: HOLDERS_TEAM for word in SAVED_WORDS},
    **{word: SEES_THREAD for word in CHILD_WORDS},
}

OK, NOT_FOUND, LOGIN, REFUSED = "ok", "404", "login", "refused"


def redirect_to(name: str) -> str:
    return f"redirect:{reverse(name)}"


@dataclass
class Row:
    name: str
    method: str
    allowed: set[str]  # who gets OK; everyone else signed in gets 404 unless listed in ``other``
    other: dict[str, str] = field(default_factory=dict)  # role → outcome, for the exceptions
    shows: dict[str, list[str]] = field(default_factory=dict)  # role → words the page must show (the check can fail)
    args: str | None = None  # which object the URL takes
    data: str | None = None  # which POST data

    def expected(self, role: str) -> str:
        if role == "anonymous":
            return LOGIN
        if role in self.other:
            return self.other[role]
        return OK if role in self.allowed else NOT_FOUND


STAFF_TO_INBOX = {role: redirect_to("messaging:inbox") for role in STAFF}

# The expected table. Refused POSTs by someone who can see the conversation but may not do
# that with it (a participant passing it on) are "refused": sent back to the conversation with the
# reason (or a 403/404), and nothing changed.
MATRIX = [
    Row("family_home", "GET", FAMILIES, other=STAFF_TO_INBOX, shows={"parent": [THREAD_WORDS[0], CLOSED_WORDS[0]]}),
    Row("inbox", "GET", STAFF, shows={"holder": [THREAD_WORDS[0]], "participant": [THREAD_WORDS[0]]}),
    Row("team", "GET", {"supervisor", "other_supervisor", "administrator"}, shows={"supervisor": [THREAD_WORDS[0]]}),
    Row("new", "GET", FAMILIES, shows={"parent": CHILD_WORDS}),
    Row("new", "POST", FAMILIES, data="new"),
    Row("thread", "GET", SEES_THREAD, args="thread", shows={role: THREAD_WORDS for role in SEES_THREAD}),
    Row("thread", "POST", SEES_THREAD, args="thread", data="reply"),
    Row("thread", "GET", SEES_CLOSED, args="closed", shows={role: CLOSED_WORDS for role in SEES_CLOSED}),
    Row("transfer", "POST", {"holder", "supervisor", "administrator"}, other={"participant": REFUSED}, args="thread", data="transfer"),
    Row("bring_in", "POST", {"holder", "participant", "supervisor", "administrator"}, args="thread", data="bring_in"),
    Row("close", "POST", SEES_THREAD, args="thread"),
    Row("rate", "POST", {"parent"}, args="closed", data="rate"),
    Row("archive", "POST", SEES_THREAD, args="thread", data="archive"),
    Row("attachment", "GET", SEES_THREAD, args="attachment"),
    Row("your_team", "GET", FAMILIES, shows={"parent": CHILD_WORDS}),
    Row("request_callback", "GET", FAMILIES),
    Row("request_callback", "POST", FAMILIES, data="callback"),
    Row("withdraw_callback", "POST", {"parent"}, args="callback"),
    Row("callback", "GET", {"holder", "supervisor", "administrator"}, args="callback", shows={"holder": CALLBACK_WORDS}),
    Row("callback", "POST", {"holder", "supervisor", "administrator"}, args="callback", data="log_call"),
    Row("saved_replies", "GET", STAFF - {"administrator"}, shows={"holder": SAVED_WORDS, "fiscal": SAVED_WORDS}),
    Row("saved_reply", "GET", HOLDERS_TEAM, args="saved", shows={"teammate": SAVED_WORDS}),
    Row("saved_reply", "POST", HOLDERS_TEAM, args="saved", data="saved"),
    Row("record_contact", "GET", STAFF),
]

PNG_UPLOAD_NAME = "receipt.png"


@pytest.fixture
def world(office, team, supervisor, caseworker, colleague, fiscal_staff, resource_parent, other_family, child, time_machine):
    """The people and the objects: an open conversation with an attachment, a closed one, a call-back, a saved reply."""
    time_machine.move_to(chicago(2026, 11, 16, 10, 0), tick=False)  # a Monday morning, office open
    child.first_name = CHILD_WORDS[0]
    child.save(update_fields=["first_name"])
    elsewhere = OfficeFactory(name="Far office")
    other_supervisor = UserFactory(role=Role.SUPERVISOR, last_name="Ortiz", email="other.supervisor@agency.test")
    other_team = TeamFactory(office=elsewhere, supervisor=other_supervisor)
    other_supervisor.team = other_team
    other_supervisor.save(update_fields=["team"])
    people = {
        "parent": resource_parent,
        "other_family": other_family,
        "holder": caseworker,
        "participant": colleague,
        "teammate": UserFactory(role=Role.CASEWORKER, last_name="Nguyen", email="teammate@agency.test", team=team),
        "outsider": UserFactory(role=Role.CASEWORKER, last_name="Stone", email="outsider@agency.test", team=other_team),
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "fiscal": fiscal_staff,
        "administrator": office.program_manager,
    }
    now = chicago(2026, 11, 16, 9, 0)
    upload = SimpleUploadedFile(PNG_UPLOAD_NAME, PNG, content_type="image/png")
    thread = services.start_thread(
        household=resource_parent.household, topic=Topic.CHILD, about=child, subject=THREAD_WORDS[0],
        body=f"{THREAD_WORDS[1]}: a photo of the pharmacy receipt", attachments=[check_attachment(upload)],
        author=resource_parent, now=now,
    )
    services.bring_in_colleague(thread=thread, colleague=colleague, actor=caseworker, now=now)
    closed = services.start_thread(
        household=resource_parent.household, topic=Topic.CHILD, about=child, subject=CLOSED_WORDS[0],
        body="Thank you, all sorted.", author=resource_parent, now=now,
    )
    services.close_thread(thread=closed, actor=resource_parent, now=now)
    callback = services.request_callback(
        household=resource_parent.household, requested_by=resource_parent, phone="601-555-0142",
        reason=CALLBACK_WORDS[0], to_user=caseworker, now=now,
    )
    saved = services.save_reply(actor=caseworker, title="Pharmacy", body=f"{SAVED_WORDS[0]} Dear …", language="en")
    # Something of the outsider's own, so that their pages are not empty by accident.
    HouseholdFactory(name="The Ortiz-Stone family", county=elsewhere.county)
    return {
        "people": people,
        "thread": thread,
        "closed": closed,
        "callback": callback,
        "saved": saved,
        "attachment": Attachment.objects.get(message__thread=thread),
    }


def _url(row: Row, world) -> str:
    if row.args is None:
        return reverse(f"messaging:{row.name}")
    return reverse(f"messaging:{row.name}", args=[world[row.args].pk])


def _post_data(row: Row, world) -> dict:
    people = world["people"]
    return {
        None: {},
        "new": {"about": "other", "subject": "Hello", "body": "A question", "submission_key": uuid.uuid4()},
        "reply": {"body": "Answer or question", "submission_key": uuid.uuid4()},
        "transfer": {"to_user": people["teammate"].pk, "note": "Yours now"},
        "bring_in": {"colleague": people["teammate"].pk, "note": "Please help"},
        "rate": {"score": 5, "comment": "Thank you"},
        "archive": {"archived": "1"},
        "callback": {"phone": "601-555-0100", "submission_key": uuid.uuid4()},
        "log_call": {"outcome": "reached", "note": "Spoke with Mrs. Garcia"},
        "saved": {"title": "Pharmacy", "language": "en", "body": "Changed"},
    }[row.data]


def _state(world) -> tuple:
    """Everything a refused POST could have changed."""
    thread = Thread.objects.get(pk=world["thread"].pk)
    closed = Thread.objects.get(pk=world["closed"].pk)
    return (
        Message.objects.count(),
        Thread.objects.count(),
        thread.assigned_to_id,
        thread.closed_at,
        closed.closed_at,
        Participant.objects.count(),
        ThreadRating.objects.count(),
        ReadState.objects.filter(archived_at__isnull=False).count(),
        CallbackRequest.objects.count(),
        CallbackRequest.objects.get(pk=world["callback"].pk).status,
        CallAttempt.objects.count(),
        list(SavedReply.objects.values_list("title", "body")),
    )


def _body(response) -> bytes:
    if response.streaming:
        # Reading to the end closes the file (the test client's wrapper calls response.close()).
        return b"".join(response.streaming_content)
    return response.content


def _outcome(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        return f"redirect:{response.url}"
    return str(response.status_code)


def _matches(expected: str, outcome: str, method: str) -> bool:
    if expected == OK:
        # A page, or a form handled and redirected (a POST that did its work or explained why not).
        return outcome == "200" or (method == "POST" and outcome.startswith("redirect:"))
    if expected == REFUSED:
        return outcome in ("403", "404") or outcome.startswith("redirect:")
    return outcome == expected


def _run_cell(client, row: Row, role: str, world, blind: list[str]) -> tuple[str, list[str]]:
    """One request in a rolled-back savepoint: what happened, and the leaks it found.

    A leak is a page or file served to someone the table refuses, a private word on the page
    of someone not allowed to see it, or a refused POST that changed data.
    """
    leaks = []
    expected = row.expected(role)
    with transaction.atomic():
        client.logout()
        if role != "anonymous":
            client.force_login(world["people"][role])
        before = _state(world)
        url = _url(row, world)
        response = client.get(url) if row.method == "GET" else client.post(url, _post_data(row, world))
        body = _body(response)
        outcome = _outcome(response)
        if response.status_code == 200:
            if expected != OK:
                leaks.append(f"{row.method} {row.name} as {role}: answered 200 where the table says {expected}")
            page = body.decode("utf-8", "replace")
            for word, allowed in MAY_SEE.items():
                if word in page and role not in allowed:
                    leaks.append(f"{row.method} {row.name} as {role}: shows {word!r}")
            if PNG in body and role not in SEES_THREAD:
                leaks.append(f"{row.method} {row.name} as {role}: served the attachment")
            if row.name == "attachment" and expected == OK and body != PNG:
                blind.append(f"{row.method} {row.name} as {role}: did not serve the file's bytes")
            for word in row.shows.get(role, []):
                if word not in page:
                    blind.append(f"{row.method} {row.name} as {role}: should show {word!r} (is the check blind?)")
        if expected != OK and _state(world) != before:
            leaks.append(f"{row.method} {row.name} as {role}: a refused request changed data")
        transaction.set_rollback(True)
    return outcome, leaks


def test_every_messaging_url_answers_each_person_as_the_table_says_with_no_leaks(client, world, capsys):
    table, mismatches, leaks = [], [], []
    for row in MATRIX:
        for role in ROLES:
            outcome, cell_leaks = _run_cell(client, row, role, world, mismatches)
            table.append((row.method, row.name, role, row.expected(role), outcome))
            leaks += cell_leaks
            if not _matches(row.expected(role), outcome, row.method):
                mismatches.append(f"{row.method} {row.name} as {role}: expected {row.expected(role)}, got {outcome}")
    with capsys.disabled():
        print(f"\naccess matrix: {len(MATRIX)} URL rows × {len(ROLES)} people = {len(table)} requests, {len(leaks)} leaks")
    assert not mismatches and not leaks, "\n".join(mismatches + leaks)
    assert len(leaks) == 0


def test_every_messaging_url_name_has_a_row_in_the_matrix():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    covered = {row.name for row in MATRIX}
    assert names - covered == set(), "a messaging URL has no row in the access matrix"
    assert covered - names == set()


def test_the_table_refuses_more_than_it_allows_and_lets_each_person_in_somewhere():
    """A guard on the table itself: an expected table that allows everyone proves nothing."""
    cells = [(row, role) for row in MATRIX for role in ROLES]
    refused = sum(1 for row, role in cells if row.expected(role) in (NOT_FOUND, REFUSED))
    assert refused > len(cells) / 3
    for role in set(ROLES) - {"anonymous"}:
        assert any(row.expected(role) == OK for row in MATRIX), role


def test_a_guessed_attachment_id_is_a_404(client, world):
    attachment = world["attachment"]
    client.force_login(world["people"]["parent"])
    assert client.get(reverse("messaging:attachment", args=[attachment.pk])).status_code == 200
    for guess in (attachment.pk + 1, attachment.pk + 1000, 0):
        assert client.get(reverse("messaging:attachment", args=[guess])).status_code == 404
    client.force_login(world["people"]["other_family"])
    for guess in (attachment.pk, attachment.pk + 1):
        assert client.get(reverse("messaging:attachment", args=[guess])).status_code == 404


def test_a_file_on_a_staff_note_is_never_served_to_the_family(client, world):
    note = services.post_message(
        thread=world["thread"], author=world["people"]["holder"], body="For staff: the court order",
        attachments=[check_attachment(SimpleUploadedFile("order.png", PNG, content_type="image/png"))], note_for_staff=True,
    )
    attachment = note.attachments.get()
    client.force_login(world["people"]["parent"])
    assert client.get(reverse("messaging:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(world["people"]["holder"])
    response = client.get(reverse("messaging:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and _body(response) == PNG
