"""Every events URL × every kind of person × own / other household: who gets the page, who gets a 404, and 0 leaks
(issue 7, "Must show" 3).

The expected table is written out below, row by row, from the issue and events/policies.py: a resource family
sees and answers the events and visit requests of their own household; staff see the events they organise, those
of the children on their caseload (or of a colleague they cover today, or, for a supervisor, of their team) and
those of the families they are the resource worker for; an administrator all of them. Fiscal staff work with
payments, not events: staff pages open for them but list nothing. Staff who have not set up two-factor
authentication are sent to set it up; a visitor who is not signed in, to sign in. Everyone else: 404.

The Garcias (Ximena, Mr. Reed's case, Ms. Miller their resource worker, Ms. Carter's team) and the Johnsons
(Zoltanek, Ms. Stone's case in Mr. Ortiz's team, Ms. Diaz their resource worker) each have an upcoming hearing
(with an answer that needs help, observations and a file), a meeting that took place yesterday and a visit request.

The matrix: 41 URL rows (all 16 URL names, each with the Garcias' and the Johnsons' objects where it takes one,
and the list pages for every person) × 12 people = 492 requests. Each answer is searched for the private words
of each household's events (place, purpose, the child's name, the family's observations, the visit's purpose):
one on the page of someone not allowed to see it is a leak, and a refused answer (404, a redirect to sign in or
to set up two-factor authentication, a form sent back with an error) shows none of the other household's words.
A refused POST changes nothing; an allowed POST must change something (else the check is blind). Each cell runs
inside a rolled-back savepoint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, reverse

from placements.events import services
from placements.events.models import Event, Invitee, Observation, ObservationFile, VisitRequest, VisitSlot
from placements.events.urls import urlpatterns
from portal.accounts.models import Role
from portal.accounts.services import record_absence
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from tests.conftest import chicago
from tests.factories import ChildFactory, OfficeFactory, PlacementFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 3, 1, 10, 0)  # a Monday morning
PDF = b"%PDF-1.4\n%%EOF\n"

# The private words, and who may see them.
XIMENA = ["Ximena", "Lopez-Quade"]
GARCIA_PLACE, GARCIA_PURPOSE, GARCIA_OBSERVATION = "Courtroom-Walrus-829", "Purpose-Heron-233", "Observed-Kestrel-417"
GARCIA_PAST_PLACE = "Room-Puffin-318"
GARCIA_VISIT = "Visit-Badger-902"
ZOLTAN = ["Zoltanek", "Varga-Hollis"]
JOHNSON_PLACE, JOHNSON_PURPOSE, JOHNSON_OBSERVATION = "Courtroom-Lynx-208", "Purpose-Otter-551", "Observed-Marten-664"
JOHNSON_PAST_PLACE = "Room-Ibis-775"
JOHNSON_VISIT = "Visit-Wombat-390"

ROLES = [
    "anonymous",
    "parent",  # Mrs. Garcia
    "other_family",  # Mrs. Johnson: another household
    "caseworker",  # Mr. Reed, Ximena's caseworker (away today)
    "colleague",  # Ms. Shah, same team, not covering
    "cover",  # Mr. Nguyen, same team, covering Mr. Reed today
    "supervisor",  # Ms. Carter, supervises Mr. Reed and Ms. Miller
    "other_supervisor",  # Mr. Ortiz, supervises the team that holds the Johnsons' case
    "resource_worker",  # Ms. Miller, the Garcias' resource worker
    "fiscal",  # Ms. Baker, fiscal staff
    "administrator",  # Dr. Manager
    "no_mfa",  # an administrator who has not set up two-factor authentication
]
FAMILIES = {"parent", "other_family"}
STAFF = {"caseworker", "colleague", "cover", "supervisor", "other_supervisor", "resource_worker", "fiscal", "administrator"}
GARCIA_STAFF = {"caseworker", "cover", "supervisor", "resource_worker", "administrator"}  # who sees the Garcias' events
JOHNSON_STAFF = {"other_supervisor", "administrator"}
GARCIA_CASE = {"caseworker", "cover", "supervisor", "administrator"}  # who may schedule for Ximena
GARCIA_VISIT_STAFF = {"resource_worker", "supervisor", "administrator"}  # Ms. Miller's request

GARCIA_WORDS = [*XIMENA, GARCIA_PLACE, GARCIA_PURPOSE, GARCIA_OBSERVATION, GARCIA_PAST_PLACE]
JOHNSON_WORDS = [*ZOLTAN, JOHNSON_PLACE, JOHNSON_PURPOSE, JOHNSON_OBSERVATION, JOHNSON_PAST_PLACE]
MAY_SEE = {
    **{word: GARCIA_STAFF | {"parent"} for word in GARCIA_WORDS},
    GARCIA_VISIT: GARCIA_VISIT_STAFF | {"parent"},
    **{word: JOHNSON_STAFF | {"other_family"} for word in JOHNSON_WORDS},
    JOHNSON_VISIT: JOHNSON_STAFF | {"other_family"},
}
ALL_WORDS = list(MAY_SEE)

OK, NOT_FOUND, LOGIN, MFA = "ok", "404", "login", "mfa"


@dataclass
class Row:
    name: str
    method: str
    allowed: set[str]
    args: str | None = None  # which object the URL takes
    data: str | None = None  # which POST data
    query: str = ""
    refused_with_form: set[str] = field(default_factory=set)  # staff whose POST comes back as a form with an error (200)
    shows: dict[str, list[str]] = field(default_factory=dict)  # role → words the page must show (the check can fail)

    def expected(self, role: str) -> str:
        if role == "no_mfa":
            return MFA
        if role == "anonymous":
            return LOGIN
        return OK if role in self.allowed else NOT_FOUND

    @property
    def label(self) -> str:
        return f"{self.method} {self.name}[{self.args or self.data or self.query or ''}]"


def _all(roles, words):
    return {role: list(words) for role in roles}


MATRIX = [
    # The family.
    Row("family_calendar", "GET", FAMILIES, shows={"parent": [GARCIA_PLACE, XIMENA[0], GARCIA_VISIT], "other_family": [JOHNSON_PLACE, ZOLTAN[0], JOHNSON_VISIT]}),
    Row("family_calendar", "GET", FAMILIES, query="?month=2027-03", shows={"parent": [GARCIA_PLACE], "other_family": [JOHNSON_PLACE]}),
    Row("family_calendar", "GET", FAMILIES, query="?view=month&month=1999-13", shows={"parent": [GARCIA_PLACE]}),  # a nonsense month: this month
    Row("family_event", "GET", {"parent"}, args="garcia_hearing", shows={"parent": [GARCIA_PLACE, GARCIA_PURPOSE, XIMENA[0], GARCIA_OBSERVATION]}),
    Row("family_event", "GET", {"parent"}, args="garcia_past", shows={"parent": [GARCIA_PAST_PLACE]}),
    Row("family_event", "GET", {"other_family"}, args="johnson_hearing", shows={"other_family": [JOHNSON_PLACE, JOHNSON_PURPOSE]}),
    Row("respond", "POST", {"parent"}, args="garcia_hearing", data="respond"),
    Row("respond", "POST", {"other_family"}, args="johnson_hearing", data="respond"),
    Row("observations", "POST", {"parent"}, args="garcia_hearing", data="observations"),
    Row("observations", "POST", {"other_family"}, args="johnson_hearing", data="observations"),
    Row("observation_file", "GET", GARCIA_STAFF | {"parent"}, args="garcia_file"),
    Row("observation_file", "GET", JOHNSON_STAFF | {"other_family"}, args="johnson_file"),
    Row("family_visit", "GET", {"parent"}, args="garcia_visit", shows={"parent": [GARCIA_VISIT]}),
    Row("family_visit", "POST", {"parent"}, args="garcia_visit", data="offer"),
    Row("family_visit", "GET", {"other_family"}, args="johnson_visit", shows={"other_family": [JOHNSON_VISIT]}),
    Row("family_visit", "POST", {"other_family"}, args="johnson_visit", data="offer"),
    # Staff.
    Row("staff_calendar", "GET", STAFF, shows={**_all(GARCIA_STAFF, [XIMENA[0]]), **_all(GARCIA_VISIT_STAFF, [GARCIA_VISIT]), "other_supervisor": [ZOLTAN[0], JOHNSON_VISIT]}),
    Row("new_event", "GET", STAFF, shows=_all(GARCIA_CASE, [XIMENA[0]])),
    Row("new_event", "POST", GARCIA_CASE, data="garcia_hearing", refused_with_form=STAFF - GARCIA_CASE),
    Row("new_event", "POST", JOHNSON_STAFF, data="johnson_hearing", refused_with_form=STAFF - JOHNSON_STAFF),
    Row("new_event", "POST", {"resource_worker", "supervisor", "administrator"}, data="garcia_licensing",
        refused_with_form=STAFF - {"resource_worker", "supervisor", "administrator"}),
    Row("staff_event", "GET", GARCIA_STAFF, args="garcia_hearing", shows=_all(GARCIA_STAFF, [GARCIA_PLACE, GARCIA_PURPOSE, XIMENA[0], GARCIA_OBSERVATION])),
    Row("staff_event", "GET", GARCIA_STAFF, args="garcia_past", shows=_all(GARCIA_STAFF, [GARCIA_PAST_PLACE])),
    Row("staff_event", "GET", JOHNSON_STAFF, args="johnson_hearing", shows=_all(JOHNSON_STAFF, [JOHNSON_PLACE, JOHNSON_OBSERVATION])),
    Row("reschedule", "POST", GARCIA_STAFF, args="garcia_hearing", data="reschedule"),
    Row("reschedule", "POST", JOHNSON_STAFF, args="johnson_hearing", data="reschedule"),
    Row("cancel", "POST", GARCIA_STAFF, args="garcia_hearing", data="cancel"),
    Row("cancel", "POST", JOHNSON_STAFF, args="johnson_hearing", data="cancel"),
    Row("outcome", "POST", GARCIA_STAFF, args="garcia_past", data="outcome"),
    Row("outcome", "POST", JOHNSON_STAFF, args="johnson_past", data="outcome"),
    Row("acknowledge_observations", "POST", GARCIA_STAFF, args="garcia_observation"),
    Row("acknowledge_observations", "POST", JOHNSON_STAFF, args="johnson_observation"),
    Row("help_arranged", "POST", GARCIA_STAFF, args="garcia_invitee", data="help"),
    Row("help_arranged", "POST", JOHNSON_STAFF, args="johnson_invitee", data="help"),
    Row("new_visit", "GET", STAFF),
    Row("new_visit", "POST", GARCIA_CASE | {"resource_worker"}, data="garcia_visit", refused_with_form=STAFF - GARCIA_CASE - {"resource_worker"}),
    Row("new_visit", "POST", JOHNSON_STAFF, data="johnson_visit", refused_with_form=STAFF - JOHNSON_STAFF),
    Row("staff_visit", "GET", GARCIA_VISIT_STAFF, args="garcia_visit", shows=_all(GARCIA_VISIT_STAFF, [GARCIA_VISIT])),
    Row("staff_visit", "POST", GARCIA_VISIT_STAFF, args="garcia_visit", data="propose"),
    Row("staff_visit", "GET", JOHNSON_STAFF, args="johnson_visit", shows=_all(JOHNSON_STAFF, [JOHNSON_VISIT])),
    Row("staff_visit", "POST", JOHNSON_STAFF, args="johnson_visit", data="propose"),
]


@pytest.fixture
def world(office, team, supervisor, caseworker, colleague, resource_worker, fiscal_staff, household, resource_parent, other_family, time_machine):
    time_machine.move_to(NOW, tick=False)
    cover = UserFactory(role=Role.CASEWORKER, title="Mr.", last_name="Nguyen", email="cover@agency.test", team=team)
    record_absence(worker=caseworker, cover=cover, starts_on=NOW.date(), ends_on=NOW.date() + timedelta(days=4), actor=caseworker,
                   now=NOW - timedelta(days=3))
    elsewhere = OfficeFactory(name="Far office")
    other_supervisor = UserFactory(role=Role.SUPERVISOR, title="Mr.", last_name="Ortiz", email="ortiz@agency.test")
    other_team = TeamFactory(office=elsewhere, supervisor=other_supervisor)
    other_supervisor.team = other_team
    other_supervisor.save(update_fields=["team"])
    stone = UserFactory(role=Role.CASEWORKER, title="Ms.", last_name="Stone", email="stone@agency.test", team=other_team)
    diaz = UserFactory(role=Role.RESOURCE_WORKER, title="Ms.", last_name="Diaz", email="diaz@agency.test", team=other_team)
    johnsons = other_family.household
    johnsons.resource_worker = diaz
    johnsons.save(update_fields=["resource_worker"])
    no_mfa = UserFactory(role=Role.ADMINISTRATOR, last_name="Newcomer", email="newcomer@agency.test", with_mfa=False)

    ximena = ChildFactory(first_name=XIMENA[0], last_name=XIMENA[1], caseworker=caseworker)
    PlacementFactory(child=ximena, household=household)
    zoltan = ChildFactory(first_name=ZOLTAN[0], last_name=ZOLTAN[1], caseworker=stone)
    PlacementFactory(child=zoltan, household=johnsons)

    def household_events(organiser, child, parent, place, purpose, observation, past_place, visit_worker, visit_purpose):
        week_ago = NOW - timedelta(days=7)
        hearing = services.schedule_event(
            actor=organiser, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=child,
            starts_at=chicago(2027, 3, 9, 10, 0), ends_at=chicago(2027, 3, 9, 11, 0), place=place, purpose=purpose, now=week_ago,
        )
        invitee = services.respond(user=parent, event=hearing, response=Invitee.Response.TRANSPORT, sequence=0, now=week_ago)
        upload = SimpleUploadedFile("school-letter.pdf", PDF, content_type="application/pdf")
        from messaging.attachments import check_attachment

        note = services.submit_observations(user=parent, event=hearing, body=observation, files=[check_attachment(upload)], now=week_ago)
        past = services.schedule_event(
            actor=organiser, kind=Event.Kind.FAMILY_TEAM_MEETING, child=child, starts_at=chicago(2027, 2, 28, 10, 0),
            ends_at=chicago(2027, 2, 28, 11, 0), place=past_place, now=week_ago,
        )
        visit = services.ask_for_visit_times(
            actor=visit_worker, household=parent.household, kind=Event.Kind.LICENSING_VISIT, purpose=visit_purpose,
            between_from=chicago(2027, 3, 8).date(), between_until=chicago(2027, 3, 12).date(), now=week_ago,
        )
        return hearing, invitee, note, past, visit

    g_hearing, g_invitee, g_note, g_past, g_visit = household_events(
        caseworker, ximena, resource_parent, GARCIA_PLACE, GARCIA_PURPOSE, GARCIA_OBSERVATION, GARCIA_PAST_PLACE, resource_worker, GARCIA_VISIT
    )
    j_hearing, j_invitee, j_note, j_past, j_visit = household_events(
        stone, zoltan, other_family, JOHNSON_PLACE, JOHNSON_PURPOSE, JOHNSON_OBSERVATION, JOHNSON_PAST_PLACE, diaz, JOHNSON_VISIT
    )
    people = {
        "parent": resource_parent, "other_family": other_family, "caseworker": caseworker, "colleague": colleague, "cover": cover,
        "supervisor": supervisor, "other_supervisor": other_supervisor, "resource_worker": resource_worker, "fiscal": fiscal_staff,
        "administrator": office.program_manager, "no_mfa": no_mfa,
    }
    args = {
        "garcia_hearing": g_hearing.pk, "garcia_past": g_past.pk, "garcia_invitee": g_invitee.pk, "garcia_observation": g_note.pk,
        "garcia_file": g_note.files.get().pk, "garcia_visit": g_visit.pk,
        "johnson_hearing": j_hearing.pk, "johnson_past": j_past.pk, "johnson_invitee": j_invitee.pk, "johnson_observation": j_note.pk,
        "johnson_file": j_note.files.get().pk, "johnson_visit": j_visit.pk,
    }
    return {"people": people, "args": args, "ximena": ximena, "zoltan": zoltan, "garcias": household, "johnsons": johnsons}


def _slots(day: str) -> dict:
    return {
        "slots-TOTAL_FORMS": "3", "slots-INITIAL_FORMS": "0", "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "3",
        "slots-0-day": day, "slots-0-starts": "18:00", "slots-0-ends": "19:00",
    }


def _post_data(row: Row, world) -> dict:
    hearing = {"kind": "court_hearing", "hearing_type": "review", "day": "2027-03-15", "starts": "10:00", "ends": "11:00", "place": "Matrix court"}
    visit = {"kind": "licensing_visit", "purpose": "Matrix visit", "between_from": "2027-03-08", "between_until": "2027-03-12"}
    return {
        None: {},
        "respond": {"response": "video", "note": "", "sequence": "0"},
        "observations": {"body": "Matrix observations", "submission_key": str(uuid.uuid4())},
        "offer": _slots("2027-03-09"),
        "propose": _slots("2027-03-10"),
        "garcia_hearing": {**hearing, "child": world["ximena"].pk},
        "johnson_hearing": {**hearing, "child": world["zoltan"].pk},
        "garcia_licensing": {**hearing, "kind": "licensing_visit", "hearing_type": "", "household": world["garcias"].pk},
        "reschedule": {"day": "2027-03-16", "starts": "14:00", "ends": "15:00", "place": "Matrix room", "video_link": "", "reason": "Matrix move"},
        "cancel": {"reason": "Matrix cancel"},
        "outcome": {"outcome": "Matrix outcome", "next_hearing_on": ""},
        "help": {"note": "Matrix driver at 9:00"},
        "garcia_visit": {**visit, "household": world["garcias"].pk},
        "johnson_visit": {**visit, "household": world["johnsons"].pk},
    }[row.data]


def _url(row: Row, world) -> str:
    return reverse(f"events:{row.name}", args=[world["args"][row.args]] if row.args else []) + row.query


def _state() -> tuple:
    """Everything a POST could change."""
    return (
        sorted(Event.objects.values_list("pk", "status", "sequence", "starts_at", "place", "outcome", "outcome_at")),
        sorted(Invitee.objects.values_list("pk", "response", "note", "attended")),
        sorted(Observation.objects.values_list("pk", "acknowledged_at")),
        ObservationFile.objects.count(),
        sorted(VisitRequest.objects.values_list("pk", "status")),
        VisitSlot.objects.count(),
        sorted(Commitment.objects.values_list("pk", "status")),
        Notification.objects.count(),
    )


def _outcome(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        if response.url.startswith(reverse("mfa_activate_totp")):
            return MFA
        return f"redirect:{response.url}"
    return str(response.status_code)


def _content(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # the test client closes the file once it is read
    else:
        body = response.content
    return body.decode("utf-8", "replace")


def _check_cell(client, row: Row, role: str, world, problems: list[str]) -> str:
    """One request in a rolled-back savepoint; every problem found is added to ``problems``."""
    expected = row.expected(role)
    with transaction.atomic():
        client.logout()
        user = world["people"].get(role)
        if user is not None:
            client.force_login(user)
        before = _state()
        url = _url(row, world)
        response = client.get(url) if row.method == "GET" else client.post(url, _post_data(row, world))
        outcome = _outcome(response)
        page = _content(response)
        where = f"{row.label} as {role}"
        if expected == OK:
            if row.method == "GET" and outcome != "200":
                problems.append(f"{where}: expected 200, got {outcome}")
            if row.method == "POST":
                if not outcome.startswith("redirect:"):
                    errors = response.context["form"].errors if response.context and "form" in response.context else ""
                    problems.append(f"{where}: expected the change and a redirect, got {outcome} {errors}")
                elif _state() == before:
                    problems.append(f"{where}: allowed, but nothing changed (is the check blind?)")
        elif row.method == "POST" and role in row.refused_with_form:
            if outcome != "200":
                problems.append(f"{where}: expected the form back with an error, got {outcome}")
        elif outcome != expected:
            problems.append(f"{where}: expected {expected}, got {outcome}")
        allowed_here = expected == OK
        for word in ALL_WORDS:
            if word in page and role not in MAY_SEE[word]:
                problems.append(f"LEAK {where}: shows {word!r}")
        if not allowed_here:
            if row.method == "POST" and _state() != before:
                problems.append(f"{where}: a refused request changed data")
            if response.status_code != 200:
                shown = [word for word in ALL_WORDS if word in page]
                if shown:
                    problems.append(f"LEAK {where}: a refused answer shows {shown}")
        for word in row.shows.get(role, []):
            if word not in page:
                problems.append(f"{where}: should show {word!r} (is the check blind?)")
        transaction.set_rollback(True)
    return outcome


def test_every_events_url_answers_each_person_as_the_table_says_with_no_leaks(client, world, capsys):
    problems: list[str] = []
    cells = 0
    for row in MATRIX:
        for role in ROLES:
            _check_cell(client, row, role, world, problems)
            cells += 1
    leaks = [problem for problem in problems if problem.startswith("LEAK")]
    with capsys.disabled():
        print(f"\nevents access matrix: {len(MATRIX)} URL rows × {len(ROLES)} people = {cells} requests, {len(leaks)} leaks")
    assert not problems, "\n".join(problems)
    assert cells == 492  # the figure in the docstring


def test_every_events_url_name_has_a_row_for_each_household_it_takes():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    assert {row.name for row in MATRIX} == names and len(names) == 16
    keys = {(row.name, row.method, row.args, row.data) for row in MATRIX}
    for row in MATRIX:
        for mine, theirs in (("garcia", "johnson"), ("johnson", "garcia")):
            if (row.args or "").startswith(mine) and row.args != "garcia_past":
                twin = (row.name, row.method, row.args.replace(mine, theirs), (row.data or "").replace(mine, theirs) or None)
                assert twin in keys, f"{row.label} has no row for the other household"


def test_the_table_refuses_more_than_it_allows_and_lets_each_person_in_somewhere():
    """A guard on the table itself: an expected table that allows everyone proves nothing."""
    cells = [(row, role) for row in MATRIX for role in ROLES]
    refused = sum(1 for row, role in cells if row.expected(role) != OK)
    assert refused > len(cells) / 2
    for role in set(ROLES) - {"no_mfa", "anonymous"}:
        assert any(row.expected(role) == OK for row in MATRIX), role


def test_fiscal_staff_get_the_staff_pages_with_nothing_on_them(client, world):
    client.force_login(world["people"]["fiscal"])
    page = client.get(reverse("events:staff_calendar")).content.decode()
    assert "Nothing is scheduled" in page and "No visit is being arranged" in page
    assert not [word for word in ALL_WORDS if word in page]
