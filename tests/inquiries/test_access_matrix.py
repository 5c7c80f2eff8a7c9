"""Every inquiries URL × every kind of person: who gets the page, who gets a 404, and 0 leaks.

The expected table is written out below, row by row, from policies.py's rules: an inquiry is
seen by the resource workers of the team it was routed to, the team's supervisor (and the
supervisors of the county's region) and administrators; caseworkers, fiscal staff, another
team and another region get a 404, never a hint that it exists. Only the assigned worker,
supervisors and administrators hand an inquiry over. The funnel is for supervisors (their
region) and administrators. The public pages need no account: a private link opens its own
inquiry, and a link of another inquiry must never show this one's words.

Besides the status code, every page that answers 200 is searched for the private words of each
inquiry (the inquirer's name, their questions, the worker's note, a promised step): one of them on
the page of someone not allowed to see it is a leak, and so is the worker's note on the inquirer's page. A refused POST must change nothing, and a POST
through one inquiry's private link must not change the other inquiry. Each cell runs inside a
savepoint that is rolled back, so a POST in one cell never changes what the next cell sees.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, reverse

from inquiries import services
from inquiries.models import ContactLog, Inquiry
from inquiries.urls import urlpatterns
from portal.accounts.models import County, Role
from portal.followups.models import Commitment, CommitmentEvent
from portal.notifications.models import Notification
from tests.conftest import chicago
from tests.factories import OfficeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# The private words of each inquiry. A is in Hinds (Ms. Carter's team), B in Rankin (another region).
A_WORDS = ["Name-Kestrel-417", "Question-Walrus-829", "Note-Badger-902", "Step-Lynx-311"]
B_WORDS = ["Name-Heron-233", "Question-Otter-551"]
# What the inquirer sees on their own private page: not the worker's note in the contact log.
A_PUBLIC = [word for word in A_WORDS if not word.startswith("Note-")]

ROLES = [
    "anonymous",
    "assigned",  # Ms. Miller, the resource worker inquiry A was routed to
    "teammate",  # another resource worker of the same team
    "other_worker",  # a resource worker of another team, in another county's office (holds inquiry B)
    "supervisor",  # Ms. Carter, the team's supervisor
    "other_supervisor",  # supervises the other team, in the other region
    "caseworker",  # Mr. Reed: same team, but a child's caseworker
    "fiscal",  # fiscal staff of the same team
    "administrator",  # the program manager
]
STAFF = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
SEES_A = {"assigned", "teammate", "supervisor", "administrator"}
SEES_B = {"other_worker", "other_supervisor", "administrator"}
MAY_SEE = {**{word: SEES_A for word in A_WORDS}, **{word: SEES_B for word in B_WORDS}}
FUNNEL = {"supervisor", "other_supervisor", "administrator"}
# County names on the director's pages: a supervisor never sees another region's county there.
FUNNEL_MAY_SEE = {"Hinds": {"supervisor", "administrator"}, "Rankin": {"other_supervisor", "administrator"}}

OK, NOT_FOUND, LOGIN, REFUSED = "ok", "404", "login", "refused"


@dataclass
class Row:
    name: str
    method: str
    allowed: set[str]  # who gets OK; everyone else signed in gets 404 unless listed in ``other``
    other: dict[str, str] = field(default_factory=dict)  # role → outcome, for the exceptions
    shows: dict[str, list[str]] = field(default_factory=dict)  # role → words the page must show (the check can fail)
    args: str | None = None  # which object the URL takes
    query: dict = field(default_factory=dict)
    data: str | None = None  # which POST data
    public_of: str | None = None  # a private-link page: whose words it may show to anyone who has the link
    public: bool = False  # no account needed

    def expected(self, role: str) -> str:
        if role == "anonymous" and not self.public:
            return LOGIN
        if role in self.other:
            return self.other[role]
        return OK if role in self.allowed else NOT_FOUND

    @property
    def label(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else ""
        suffix = f"[{self.args}]" if self.args else ""
        return f"{self.method} {self.name}{suffix}{query}"


MATRIX = [
    # Public: no account; a link opens its own inquiry only.
    Row("inquire", "GET", EVERYONE, public=True),
    Row("inquire", "POST", EVERYONE, public=True, data="inquire"),
    Row("status", "GET", EVERYONE, public=True, args="token_a", public_of="a", shows={role: A_PUBLIC for role in EVERYONE}),
    Row("status", "GET", EVERYONE, public=True, args="token_b", public_of="b", shows={role: B_WORDS for role in EVERYONE}),
    Row("status", "POST", EVERYONE, public=True, args="token_a", public_of="a"),
    Row("status", "POST", EVERYONE, public=True, args="token_b", public_of="b"),
    Row("status", "GET", EVERYONE, public=True, args="token_tampered", public_of="none"),
    Row("resend", "GET", EVERYONE, public=True),
    Row("received", "GET", EVERYONE, public=True, public_of="none"),
    Row("resend", "POST", EVERYONE, public=True, data="resend"),
    # Staff. The queue page is every staff member's (empty when they hold nothing).
    Row("queue", "GET", STAFF, shows={"assigned": A_WORDS[:1], "other_worker": B_WORDS[:1]}),
    Row("queue", "GET", STAFF, query={"all": "1"},
        shows={"teammate": A_WORDS[:1], "supervisor": A_WORDS[:1], "other_supervisor": B_WORDS[:1], "administrator": A_WORDS[:1] + B_WORDS[:1]}),
    Row("detail", "GET", SEES_A, args="a", shows={role: A_WORDS for role in SEES_A}),
    Row("detail", "GET", SEES_B, args="b", shows={role: B_WORDS for role in SEES_B}),
    Row("detail", "POST", SEES_A, args="a", data="log"),
    Row("move", "POST", SEES_A, args="a", data="move"),
    Row("promise", "POST", SEES_A, args="a", data="promise"),
    Row("reassign", "POST", {"assigned", "supervisor", "administrator"}, other={"teammate": REFUSED}, args="a", data="reassign"),
    Row("new_link", "POST", SEES_A, args="a"),
    Row("step_done", "POST", SEES_A, args="step"),
    Row("funnel", "GET", FUNNEL, shows={"supervisor": ["Hinds"], "other_supervisor": ["Rankin"], "administrator": ["Hinds", "Rankin"]}),
    Row("funnel_csv", "GET", FUNNEL, shows={"supervisor": ["Hinds"], "other_supervisor": ["Rankin"], "administrator": ["Hinds", "Rankin"]}),
]


@pytest.fixture
def world(office, team, supervisor, resource_worker, caseworker, fiscal_staff, time_machine):
    """Inquiry A in Hinds (a voicemail logged, a step promised, overdue) and inquiry B in Rankin."""
    time_machine.move_to(chicago(2026, 11, 17, 10, 0), tick=False)  # Tuesday: A's Monday deadline has passed
    rankin = OfficeFactory(name="Rankin office", county=County.objects.create(name="Rankin"))
    other_supervisor = UserFactory(role=Role.SUPERVISOR, last_name="Ortiz", email="other.supervisor@agency.test")
    other_team = TeamFactory(office=rankin, supervisor=other_supervisor)
    other_supervisor.team = other_team
    other_supervisor.save(update_fields=["team"])
    other_worker = UserFactory(role=Role.RESOURCE_WORKER, last_name="Stone", email="stone@agency.test", team=other_team)
    teammate = UserFactory(role=Role.RESOURCE_WORKER, last_name="Nguyen", email="nguyen@agency.test", team=team)
    a = services.submit_inquiry(
        name=A_WORDS[0], email="a@example.org", phone="601 555 0101", contact_way="phone", best_time="", language="en",
        county=office.county, interest="foster", questions=A_WORDS[1], now=chicago(2026, 11, 13, 9, 0),
    ).inquiry
    b = services.submit_inquiry(
        name=B_WORDS[0], email="b@example.org", phone="", contact_way="email", best_time="", language="en",
        county=rankin.county, interest="adopt", questions=B_WORDS[1], now=chicago(2026, 11, 16, 9, 0),
    ).inquiry
    assert a.worker == resource_worker and b.worker == other_worker
    services.log_contact(inquiry=a, kind=ContactLog.Kind.VOICEMAIL, note=A_WORDS[2], actor=resource_worker, now=chicago(2026, 11, 16, 9))
    step = services.promise_next_step(inquiry=a, description=A_WORDS[3], actor=resource_worker, now=chicago(2026, 11, 16, 9, 5))
    people = {
        "assigned": resource_worker,
        "teammate": teammate,
        "other_worker": other_worker,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "caseworker": caseworker,
        "fiscal": fiscal_staff,
        "administrator": office.program_manager,
    }
    return {
        "people": people,
        "a": a,
        "b": b,
        "step": step,
        "token_a": services.status_token(a),
        "token_b": services.status_token(b),
        "token_tampered": services.status_token(a)[:-3] + "xyz",
        "county": office.county,
    }


def _url(row: Row, world) -> str:
    if row.args is None:
        url = reverse(f"inquiries:{row.name}")
    elif row.args.startswith("token"):
        url = reverse(f"inquiries:{row.name}", args=[world[row.args]])
    else:
        url = reverse(f"inquiries:{row.name}", args=[world[row.args].pk])
    return url


def _post_data(row: Row, world) -> dict:
    people = world["people"]
    return {
        None: {},
        "inquire": {
            "name": "Someone new", "email": "new@example.org", "phone": "", "contact_way": "email", "best_time": "",
            "language": "en", "county": world["county"].pk, "interest": "unsure", "questions": "", "website": "",
            "submission_key": uuid.uuid4(),
        },
        "resend": {"email": "a@example.org"},
        "log": {"kind": ContactLog.Kind.SPOKE, "note": "Spoke at length"},
        "move": {"stage": "closed", "closed_reason": "not_ready", "note": ""},
        "promise": {"description": "Send the application"},
        "reassign": {"to_worker": people["teammate"].pk},
    }[row.data]


def _state_of(inquiry: Inquiry) -> tuple:
    """Everything a POST could change about one inquiry."""
    row = Inquiry.objects.get(pk=inquiry.pk)
    commitments = Commitment.objects.filter(owed_to_name=row.name).order_by("pk")
    return (
        row.worker_id, row.team_id, row.stage, row.closed_reason, row.first_contact_at, row.link_version, row.times_received,
        row.contacts.count(), row.stage_changes.count(), list(row.next_steps.values_list("description", "done_at")),
        list(commitments.values_list("status", "owner_id", "due_at")),
        CommitmentEvent.objects.filter(commitment__in=commitments).count(),
        Notification.objects.filter(commitment__in=commitments).count(),
    )


def _state(world) -> dict:
    return {"a": _state_of(world["a"]), "b": _state_of(world["b"]), "inquiries": Inquiry.objects.count(),
            "notifications": Notification.objects.count()}


def _outcome(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        return f"redirect:{response.url}"
    return str(response.status_code)


def _matches(expected: str, outcome: str, method: str) -> bool:
    if expected == OK:
        return outcome == "200" or (method == "POST" and outcome.startswith("redirect:"))
    if expected == REFUSED:
        return outcome in ("403", "404") or outcome.startswith("redirect:")
    return outcome == expected


def _run_cell(client, row: Row, role: str, world, blind: list[str]) -> tuple[str, list[str]]:
    """One request in a rolled-back savepoint: what happened, and the leaks it found."""
    leaks = []
    expected = row.expected(role)
    with transaction.atomic():
        cache.clear()  # the public form's rate limit counts every cell's POST from 127.0.0.1
        client.logout()
        if role != "anonymous":
            client.force_login(world["people"][role])
        before = _state(world)
        url = _url(row, world)
        response = client.get(url, row.query) if row.method == "GET" else client.post(url, _post_data(row, world))
        outcome = _outcome(response)
        where = f"{row.label} as {role}"
        if response.status_code == 200:
            if expected != OK:
                leaks.append(f"{where}: answered 200 where the table says {expected}")
            page = response.content.decode("utf-8", "replace")
            for word, allowed in MAY_SEE.items():
                if row.public_of is not None:
                    own = A_PUBLIC if row.public_of == "a" else B_WORDS if row.public_of == "b" else []
                    if word in page and word not in own:
                        leaks.append(f"{where}: a public page shows {word!r}, which is another inquiry's or for staff only")
                elif word in page and role not in allowed:
                    leaks.append(f"{where}: shows {word!r}")
            if row.name.startswith("funnel"):
                for county, allowed in FUNNEL_MAY_SEE.items():
                    if county in page and role not in allowed:
                        leaks.append(f"{where}: the director's view shows another region's county {county!r}")
            for word in row.shows.get(role, []):
                if word not in page:
                    blind.append(f"{where}: should show {word!r} (is the check blind?)")
        after = _state(world)
        if expected != OK and after != before:
            leaks.append(f"{where}: a refused request changed data")
        if row.public_of in ("a", "b", "none"):
            for other in {"a", "b"} - {row.public_of}:
                if after[other] != before[other]:
                    leaks.append(f"{where}: a private link changed inquiry {other.upper()}")
        transaction.set_rollback(True)
    return outcome, leaks


def test_every_inquiries_url_answers_each_person_as_the_table_says_with_no_leaks(client, world, capsys):
    table, mismatches, leaks = [], [], []
    for row in MATRIX:
        for role in ROLES:
            outcome, cell_leaks = _run_cell(client, row, role, world, mismatches)
            table.append((row.label, role, row.expected(role), outcome))
            leaks += cell_leaks
            if not _matches(row.expected(role), outcome, row.method):
                mismatches.append(f"{row.label} as {role}: expected {row.expected(role)}, got {outcome}")
    with capsys.disabled():
        print(f"\ninquiries access matrix: {len(MATRIX)} URL rows × {len(ROLES)} people = {len(table)} requests, {len(leaks)} leaks")
    assert not mismatches and not leaks, "\n".join(mismatches + leaks)
    assert len(leaks) == 0


def test_every_inquiries_url_name_has_a_row_in_the_matrix():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    covered = {row.name for row in MATRIX}
    assert names - covered == set(), "an inquiries URL has no row in the access matrix"
    assert covered - names == set()


def test_the_table_refuses_more_than_a_third_of_the_staff_cells_and_lets_each_person_in_somewhere():
    """A guard on the table itself: an expected table that allows everyone proves nothing."""
    cells = [(row, role) for row in MATRIX if not row.public for role in ROLES]
    refused = sum(1 for row, role in cells if row.expected(role) in (NOT_FOUND, REFUSED, LOGIN))
    assert refused > len(cells) / 3
    for role in set(ROLES) - {"anonymous"}:
        assert any(row.expected(role) == OK and not row.public for row in MATRIX), role


def test_a_guessed_inquiry_or_step_id_is_a_404(client, world):
    client.force_login(world["people"]["assigned"])
    a = world["a"]
    assert client.get(reverse("inquiries:detail", args=[a.pk])).status_code == 200
    for guess in (world["b"].pk, a.pk + 1000, 0):
        assert client.get(reverse("inquiries:detail", args=[guess])).status_code == 404
    assert client.post(reverse("inquiries:step_done", args=[world["step"].pk + 1000])).status_code == 404


def test_a_token_signed_for_another_purpose_opens_nothing(client, world):
    from django.core import signing

    forged = signing.dumps({"i": world["a"].pk, "v": 1}, compress=True)  # the right payload without the link's salt
    response = client.get(reverse("inquiries:status", args=[forged]))
    assert response.status_code == 200
    page = response.content.decode()
    assert not any(word in page for word in A_WORDS + B_WORDS)
