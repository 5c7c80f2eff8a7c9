"""Every placements URL × every kind of person: who gets the page, who gets a 404, and 0 leaks.

The expected table is written out below, row by row, from the issue's access rules and policies.py:
a resource family sees a child's information only while the child lives with them (after the
placement ends, only what they wrote themselves); staff see the children on their caseload, on the
caseload of a colleague they cover today, and a supervisor their team's; an administrator all.
Resource workers and fiscal staff work with families, not children's cases. Staff who have not
set up two-factor authentication are sent to set it up; a visitor who is not signed in to sign in.
A respite provider reads through a private link only while it is open. Everyone else: 404.

The matrix: 53 URL rows (all 23 URL names, several with more than one object: the family's own child,
a child whose placement with them ended, another family's child, another child's item, and six respite
links: open, expired, ended early, not open yet, unknown, for an ended placement) × 13 people = 689
requests. Each page is searched for the private words of each child (names, what is known, the
families' notes, a shared need): one on the page of someone not allowed to see it is a leak, and a
refused answer (404, a redirect to sign in) shows no private word at all. A refused POST must change
nothing. Every successful read of a disclosure page writes exactly one "disclosure.read" audit entry
naming the reader and the way in; a refused one writes none. Each cell runs inside a rolled-back savepoint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, reverse

from messaging.models import Thread
from placements import services
from placements.models import (
    Acknowledgement,
    ChecklistEntry,
    Child,
    DisclosureItem,
    FamilyNote,
    NeedReferral,
    Placement,
    RespiteGrant,
)
from placements.urls import urlpatterns
from portal.accounts.models import Role
from portal.accounts.services import record_absence
from portal.audit.models import AuditEntry
from portal.followups.models import Commitment
from tests.conftest import chicago
from tests.factories import ChildFactory, HouseholdFactory, OfficeFactory, ParentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2027, 3, 1, 10, 0)  # a Monday morning

# The private words, and who may see them.
MAYA = ["Ximena", "Lopez-Quade"]  # placed with the Garcias now
PRIVATE = "Private-Walrus-829"  # her behaviours item: not shared with the respite provider
GRANTED = "Granted-Kestrel-417"  # her allergies item: shared with the respite provider
GARCIA_NOTE = "GarciaNote-Heron-233"  # what the Garcias wrote on her behaviours item
NEED = "Need-Puffin-318"  # the Garcias' needs
QUILLA = "Quillamae"  # lived with the Browns until last week
QUILLA_CONTENT = "Ended-Otter-551"
BROWN_NOTE = "BrownNote-Badger-902"  # what the Browns wrote while she lived with them
ZOLTAN = "Zoltanek"  # placed with the Johnsons, another team's case
ZOLTAN_CONTENT = "Johnson-Lynx-208"
UNPLACED = "Unplacedo"  # on Mr. Reed's caseload, waiting for a family

ROLES = [
    "anonymous",
    "parent",  # Mrs. Garcia: Ximena lives with her family
    "other_family",  # Mrs. Johnson: another household, with a child of her own
    "ended_family",  # Mrs. Brown: Quillamae's placement with her family ended
    "caseworker",  # Mr. Reed, the children's caseworker (away today)
    "colleague",  # Ms. Shah, same team, not covering
    "cover",  # Mr. Nguyen, same team, covering Mr. Reed today
    "supervisor",  # Ms. Carter, the team's supervisor
    "other_supervisor",  # Mr. Ortiz, supervises the team that holds Zoltanek
    "resource_worker",  # Ms. Miller, the Garcias' resource worker
    "fiscal",  # Ms. Baker, fiscal staff
    "administrator",  # Dr. Manager
    "no_mfa",  # an administrator who has not set up two-factor authentication
]
FAMILIES = {"parent", "other_family", "ended_family"}
CASE_STAFF = {"caseworker", "colleague", "cover", "supervisor", "other_supervisor", "administrator"}
MAYA_STAFF = {"caseworker", "cover", "supervisor", "administrator"}
SEES_MAYA = MAYA_STAFF | {"parent"}
SEES_ZOLTAN = {"other_family", "other_supervisor", "administrator"}
LINK_HOLDERS = set(ROLES) - {"no_mfa"}  # the respite link works for whoever holds it

MAY_SEE = {
    **{word: SEES_MAYA for word in [*MAYA, PRIVATE, GRANTED, GARCIA_NOTE, NEED]},
    QUILLA: MAYA_STAFF | {"ended_family"},
    QUILLA_CONTENT: MAYA_STAFF,
    BROWN_NOTE: MAYA_STAFF | {"ended_family"},
    ZOLTAN: SEES_ZOLTAN,
    ZOLTAN_CONTENT: SEES_ZOLTAN,
    UNPLACED: MAYA_STAFF,
}
CONTENT = [PRIVATE, GRANTED, GARCIA_NOTE, NEED, QUILLA_CONTENT, BROWN_NOTE, ZOLTAN_CONTENT]

# Each disclosure page and the way in its audit entry names.
READ_VIA = {"child": "family", "item": "family-item", "summary": "summary", "staff_child": "staff", "edit_item": "staff-item", "respite": "respite"}

OK, NOT_FOUND, LOGIN, MFA = "ok", "404", "login", "mfa"


@dataclass
class Row:
    name: str
    method: str
    allowed: set[str]
    args: str | None = None  # which object(s) the URL takes
    data: str | None = None  # which POST data
    public: bool = False  # the respite link: no sign-in needed
    shows: dict[str, list[str]] = field(default_factory=dict)  # role → words the page must show (the check can fail)
    open_words: tuple[str, ...] = ()  # words anyone who gets the page may see (the respite link's shared items)
    never: tuple[str, ...] = ()  # words this page must never show, to anyone
    reads: str | None = None  # which disclosure a successful read is about

    def expected(self, role: str) -> str:
        if role == "no_mfa":
            return MFA
        if role == "anonymous" and not self.public:
            return LOGIN
        return OK if role in self.allowed else NOT_FOUND


def _all(roles, words):
    return {role: list(words) for role in roles}


MATRIX = [
    # The family.
    Row("children", "GET", FAMILIES, shows={"parent": [MAYA[0]], "ended_family": [QUILLA], "other_family": [ZOLTAN]}),
    Row("child", "GET", {"parent"}, args="current", reads="current", shows={"parent": [PRIVATE, GRANTED, GARCIA_NOTE, NEED]}),
    Row("child", "GET", set(), args="ended", reads="ended"),
    Row("child", "GET", {"other_family"}, args="others", reads="others", shows={"other_family": [ZOLTAN_CONTENT]}),
    Row("acknowledge", "POST", {"parent"}, args="current", data="acknowledge"),
    Row("acknowledge", "POST", set(), args="ended", data="acknowledge"),
    Row("item", "GET", {"parent"}, args="current_item", reads="current", shows={"parent": [PRIVATE, GARCIA_NOTE]}),
    Row("item", "POST", {"parent"}, args="current_item", data="note"),
    Row("item", "POST", {"parent"}, args="current_item", data="question"),
    Row("item", "GET", set(), args="ended_item", reads="ended"),
    Row("item", "POST", set(), args="ended_item", data="note"),
    Row("item", "GET", set(), args="mismatched_item"),  # the Garcias' child's page, the Johnsons' child's item
    Row("summary", "GET", {"parent"}, args="current", reads="current", shows={"parent": [GRANTED]}),  # for the doctor: no behaviours
    Row("summary", "GET", set(), args="ended", reads="ended"),
    Row("activity", "GET", {"parent"}, args="current"),
    Row("activity", "GET", set(), args="ended"),
    Row("past_child", "GET", {"ended_family"}, args="ended", shows={"ended_family": [QUILLA, BROWN_NOTE]}, never=(QUILLA_CONTENT,)),
    Row("past_child", "GET", set(), args="current"),
    Row("answer_need", "POST", {"parent"}, args="asking_need", data="consent"),
    # A respite provider, through the private link.
    Row("respite", "GET", LINK_HOLDERS, args="open_link", public=True, reads="current", open_words=(*MAYA, GRANTED),
        never=(PRIVATE, GARCIA_NOTE, NEED), shows=_all(LINK_HOLDERS, [GRANTED])),
    Row("respite", "GET", set(), args="expired_link", public=True),
    Row("respite", "GET", set(), args="revoked_link", public=True),
    Row("respite", "GET", set(), args="future_link", public=True),
    Row("respite", "GET", set(), args="unknown_link", public=True),
    Row("respite", "GET", set(), args="ended_placement_link", public=True),
    # Staff.
    Row("disclosures", "GET", CASE_STAFF, shows={**_all(MAYA_STAFF, [MAYA[0]]), "other_supervisor": [ZOLTAN]}),
    Row("completeness", "GET", CASE_STAFF),
    Row("add_child", "GET", CASE_STAFF),
    Row("add_child", "POST", CASE_STAFF, data="add_child"),
    Row("place", "GET", CASE_STAFF, shows=_all(MAYA_STAFF, [UNPLACED])),
    Row("place", "POST", CASE_STAFF, data="place"),
    Row("staff_child", "GET", MAYA_STAFF, args="current", reads="current", shows=_all(MAYA_STAFF, [PRIVATE, GRANTED])),
    Row("staff_child", "GET", MAYA_STAFF, args="ended", reads="ended", shows=_all(MAYA_STAFF, [QUILLA_CONTENT])),
    Row("staff_child", "GET", {"other_supervisor", "administrator"}, args="others", reads="others", shows=_all({"other_supervisor"}, [ZOLTAN_CONTENT])),
    Row("medication_sorted", "POST", MAYA_STAFF, args="current", data="medication"),
    Row("end", "GET", MAYA_STAFF, args="current"),
    Row("end", "POST", MAYA_STAFF, args="current", data="end"),
    Row("correct_dates", "GET", MAYA_STAFF, args="current"),
    Row("correct_dates", "POST", MAYA_STAFF, args="current", data="dates"),
    Row("respite_access", "GET", MAYA_STAFF, args="current"),
    Row("respite_access", "POST", MAYA_STAFF, args="current", data="respite"),
    Row("propose_need", "POST", MAYA_STAFF, args="current", data="need"),
    Row("edit_item", "GET", MAYA_STAFF, args="current_item_id", reads="current", shows=_all(MAYA_STAFF, [PRIVATE])),
    Row("edit_item", "POST", MAYA_STAFF, args="current_item_id", data="edit"),
    Row("edit_item", "GET", MAYA_STAFF, args="ended_item_id", reads="ended", shows=_all(MAYA_STAFF, [QUILLA_CONTENT])),
    Row("edit_item", "POST", MAYA_STAFF, args="ended_item_id", data="edit_ended"),
    Row("edit_item", "GET", {"other_supervisor", "administrator"}, args="others_item_id", reads="others"),
    Row("revoke_respite", "POST", MAYA_STAFF, args="open_grant"),
    Row("share_need", "POST", MAYA_STAFF, args="consented_need"),
    Row("need_outcome", "POST", MAYA_STAFF, args="shared_need", data="outcome"),
    # Their supervisor sees the Johnsons' need, still waiting for permission: nothing to check yet (a message, nothing changes).
    Row("need_outcome", "POST", {"other_supervisor", "administrator"}, args="others_need", data="outcome"),
    Row("share_need", "POST", {"other_supervisor", "administrator"}, args="others_need"),
    Row("answer_need", "POST", {"other_family"}, args="others_need", data="consent"),
]


def _item(placement, code) -> DisclosureItem:
    return DisclosureItem.objects.select_related("entry", "disclosure__placement").get(disclosure__placement=placement, entry__code=code)


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def world(office, team, supervisor, caseworker, colleague, resource_worker, fiscal_staff, household, resource_parent, other_family, time_machine):
    """Three families, three children (one placement ended), an unplaced child, respite links in every state, needs."""
    time_machine.move_to(NOW, tick=False)
    cover = UserFactory(role=Role.CASEWORKER, title="Mr.", last_name="Nguyen", email="cover@agency.test", team=team)
    record_absence(worker=caseworker, cover=cover, starts_on=NOW.date(), ends_on=NOW.date() + timedelta(days=4), actor=caseworker,
                   now=NOW - timedelta(days=3))
    elsewhere = OfficeFactory(name="Far office")
    other_supervisor = UserFactory(role=Role.SUPERVISOR, title="Mr.", last_name="Ortiz", email="ortiz@agency.test")
    other_team = TeamFactory(office=elsewhere, supervisor=other_supervisor)
    other_supervisor.team = other_team
    other_supervisor.save(update_fields=["team"])
    outsider = UserFactory(role=Role.CASEWORKER, last_name="Stone", email="stone@agency.test", team=other_team)
    browns = HouseholdFactory(name="The Brown family", county=office.county)
    ended_family = ParentFactory(household=browns, title="Mrs.", last_name="Brown", email="brown@family.test")
    no_mfa = UserFactory(role=Role.ADMINISTRATOR, last_name="Newcomer", email="newcomer@agency.test", with_mfa=False)

    maya = ChildFactory(first_name=MAYA[0], last_name=MAYA[1], caseworker=caseworker)
    quilla = ChildFactory(first_name=QUILLA, last_name="Brookfield", caseworker=caseworker)
    zoltan = ChildFactory(first_name=ZOLTAN, last_name="Varga", caseworker=outsider)
    unplaced = ChildFactory(first_name=UNPLACED, last_name="Ready", caseworker=caseworker)
    allergies_entry = ChecklistEntry.objects.get(code="allergies")

    # Quillamae lived with the Browns in February; their note stays theirs.
    feb = chicago(2027, 2, 1, 10)
    (ended,) = services.place_children(actor=caseworker, household=browns, children=[quilla], started_on=feb.date(),
                                       medication={quilla.pk: "all_came"}, now=feb)
    services.update_item(actor=caseworker, item=_item(ended, "behaviours"), status="known", content=QUILLA_CONTENT, revision=0, now=feb)
    services.add_family_note(user=ended_family, item=_item(ended, "behaviours"), body=BROWN_NOTE, now=feb + timedelta(days=1))
    ended_grant, ended_link = services.grant_respite(
        actor=caseworker, placement=ended, provider_name="Ms. Alvarez", entries=[allergies_entry],
        starts_at=chicago(2027, 2, 25, 9), expires_at=chicago(2027, 3, 5, 18), now=chicago(2027, 2, 25, 8),
    )
    services.end_placement(actor=caseworker, placement=ended, ended_on=chicago(2027, 2, 26).date(), end_reason="relative",
                           now=chicago(2027, 2, 26, 12))
    # Ending the placement ended the link too; undo only that, to prove the placement's end alone closes it.
    RespiteGrant.objects.filter(pk=ended_grant.pk).update(revoked_at=None)

    # Ximena lives with the Garcias.
    mid_feb = chicago(2027, 2, 15, 10)
    (current,) = services.place_children(actor=caseworker, household=household, children=[maya], started_on=mid_feb.date(),
                                         medication={maya.pk: "did_not_come"}, now=mid_feb)
    services.update_item(actor=caseworker, item=_item(current, "behaviours"), status="known", content=PRIVATE, revision=0, now=mid_feb)
    services.update_item(actor=caseworker, item=_item(current, "allergies"), status="known", content=GRANTED, revision=0, now=mid_feb)
    services.add_family_note(user=resource_parent, item=_item(current, "behaviours"), body=GARCIA_NOTE, now=mid_feb + timedelta(days=1))

    def grant(starts, ends, at):
        return services.grant_respite(actor=caseworker, placement=current, provider_name="Ms. Alvarez", entries=[allergies_entry],
                                      starts_at=starts, expires_at=ends, now=at)

    _expired, expired_link = grant(chicago(2027, 2, 16, 10), chicago(2027, 2, 18, 10), chicago(2027, 2, 16, 9))
    revoked, revoked_link = grant(chicago(2027, 2, 28, 9), chicago(2027, 3, 5, 18), chicago(2027, 2, 27, 9))
    services.revoke_respite(actor=caseworker, grant=revoked, now=chicago(2027, 2, 28, 12))
    _future, future_link = grant(chicago(2027, 3, 10, 9), chicago(2027, 3, 12, 18), NOW - timedelta(hours=1))
    open_grant, open_link = grant(chicago(2027, 2, 28, 9), chicago(2027, 3, 5, 18), chicago(2027, 2, 27, 9))

    def need(words, *, consent=False, share=False, placement=current, actor=caseworker, parent=resource_parent):
        referral = services.propose_need(actor=actor, placement=placement, need=words, source="Hinds clothing closet", now=mid_feb)
        if consent:
            services.answer_need(user=parent, referral=referral, consent=True, now=mid_feb)
        if share:
            services.share_need(actor=actor, referral=referral, now=mid_feb)
        return referral

    asking = need(f"{NEED} coat")
    consented = need(f"{NEED} crib", consent=True)
    shared = need(f"{NEED} shoes", consent=True, share=True)

    # Zoltanek lives with the Johnsons; another team's case.
    (others,) = services.place_children(actor=outsider, household=other_family.household, children=[zoltan], started_on=mid_feb.date(),
                                        medication={zoltan.pk: "all_came"}, now=mid_feb)
    services.update_item(actor=outsider, item=_item(others, "behaviours"), status="known", content=ZOLTAN_CONTENT, revision=0, now=mid_feb)
    others_need = services.propose_need(actor=outsider, placement=others, need="Johnson bunk bed", source="Closet", now=mid_feb)

    people = {
        "parent": resource_parent, "other_family": other_family, "ended_family": ended_family, "caseworker": caseworker,
        "colleague": colleague, "cover": cover, "supervisor": supervisor, "other_supervisor": other_supervisor,
        "resource_worker": resource_worker, "fiscal": fiscal_staff, "administrator": office.program_manager, "no_mfa": no_mfa,
    }
    current_item, ended_item = _item(current, "behaviours"), _item(ended, "behaviours")
    args = {
        "current": [current.pk],
        "ended": [ended.pk],
        "others": [others.pk],
        "current_item": [current.pk, current_item.pk],
        "ended_item": [ended.pk, ended_item.pk],
        "mismatched_item": [current.pk, _item(others, "behaviours").pk],
        "current_item_id": [current_item.pk],
        "ended_item_id": [ended_item.pk],
        "others_item_id": [_item(others, "behaviours").pk],
        "asking_need": [asking.pk],
        "consented_need": [consented.pk],
        "shared_need": [shared.pk],
        "others_need": [others_need.pk],
        "open_grant": [open_grant.pk],
        "open_link": [_token(open_link)],
        "expired_link": [_token(expired_link)],
        "revoked_link": [_token(revoked_link)],
        "future_link": [_token(future_link)],
        "unknown_link": ["not-a-link-anyone-was-given-0123456789"],
        "ended_placement_link": [_token(ended_link)],
    }
    return {
        "people": people,
        "args": args,
        "disclosures": {"current": current.disclosure.pk, "ended": ended.disclosure.pk, "others": others.disclosure.pk},
        "current": current,
        "current_item": current_item,
        "ended_item": ended_item,
        "open_grant": open_grant,
        "household": household,
        "unplaced": unplaced,
        "allergies_entry": allergies_entry,
    }


def _url(row: Row, world) -> str:
    return reverse(f"placements:{row.name}", args=world["args"][row.args] if row.args else [])


def _post_data(row: Row, world) -> dict:
    unplaced = world["unplaced"]
    return {
        None: {},
        "acknowledge": {"version": world["current"].disclosure.version},
        "note": {"action": "note", "body": "We tried the night light."},
        "question": {"action": "question", "body": "Does she see a therapist?", "submission_key": uuid.uuid4()},
        "consent": {"consent": "yes"},
        "add_child": {"first_name": "Newchild", "last_name": "Added"},
        "place": {
            "household": world["household"].pk, "children": [unplaced.pk], f"medication_{unplaced.pk}": "all_came",
            "started_on": NOW.date().isoformat(), "submission_key": uuid.uuid4(),
        },
        "medication": {"note": "Prescription sent to Walgreens on State St."},
        "end": {"ended_on": NOW.date().isoformat(), "end_reason": "reunified"},
        "dates": {"started_on": (world["current"].started_on - timedelta(days=1)).isoformat(), "why": "Recorded a day late"},
        "respite": {
            "provider_name": "Mr. Okafor", "entries": [world["allergies_entry"].pk],
            "starts_at": "2027-03-02T09:00", "expires_at": "2027-03-03T09:00",
        },
        "need": {"need": "A crib", "source": "Church pantry"},
        "edit": {"status": "known", "content": "Changed by the matrix", "asked_whom": "", "revision": world["current_item"].revision},
        "edit_ended": {"status": "known", "content": "Changed by the matrix", "asked_whom": "", "revision": world["ended_item"].revision},
        "outcome": {"met": "yes", "note": "Picked up"},
    }[row.data]


def _state() -> tuple:
    """Everything a refused POST could have changed."""
    return (
        Child.objects.count(),
        sorted(Placement.objects.values_list("pk", "ended_on", "medication_sorted_at")),
        sorted(DisclosureItem.objects.values_list("pk", "status", "content", "revision")),
        Acknowledgement.objects.count(),
        FamilyNote.objects.count(),
        Thread.objects.count(),
        sorted(NeedReferral.objects.values_list("pk", "status", "consent_at", "shared_at")),
        RespiteGrant.objects.count(),
        sorted(RespiteGrant.objects.values_list("pk", "revoked_at")),
        sorted(Commitment.objects.values_list("pk", "status")),
    )


def _outcome(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        if response.url.startswith(reverse("mfa_activate_totp")):
            return MFA
        return f"redirect:{response.url}"
    return str(response.status_code)


def _matches(expected: str, outcome: str, method: str) -> bool:
    if expected == OK:
        return outcome == "200" or (method == "POST" and outcome.startswith("redirect:"))
    return outcome == expected


def _reads(since_pk: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since_pk, action="disclosure.read").select_related("actor"))


def _run_cell(client, row: Row, role: str, world, blind: list[str]) -> tuple[str, list[str], int]:
    """One request in a rolled-back savepoint: what happened, the leaks it found, and the reads it audited."""
    leaks = []
    expected = row.expected(role)
    with transaction.atomic():
        client.logout()
        user = world["people"].get(role)
        if user is not None:
            client.force_login(user)
        before = _state()
        last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        url = _url(row, world)
        response = client.get(url) if row.method == "GET" else client.post(url, _post_data(row, world))
        outcome = _outcome(response)
        page = response.content.decode("utf-8", "replace")
        allowed_here = _matches(expected, outcome, row.method) and expected == OK
        if response.status_code == 200 and expected != OK:
            leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: answered 200 where the table says {expected}")
        for word, roles in MAY_SEE.items():
            if word in page and role not in roles and word not in row.open_words:
                leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: shows {word!r}")
        for word in row.never:
            if word in page:
                leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: shows {word!r}, which this page never may")
        if not allowed_here:
            for word in CONTENT:
                if word in page:
                    leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: a refused answer shows {word!r}")
            if _state() != before:
                leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: a refused request changed data")
        for word in row.shows.get(role, []):
            if word not in page:
                blind.append(f"{row.method} {row.name}[{row.args}] as {role}: should show {word!r} (is the check blind?)")
        reads = _reads(last_audit)
        audited = 0
        if row.method == "GET" and row.reads and response.status_code == 200:
            expected_actor = None if row.name == "respite" else user
            good = [
                entry for entry in reads
                if entry.actor == expected_actor and entry.detail.get("via") == READ_VIA[row.name]
                and entry.object_id == str(world["disclosures"][row.reads])
            ]
            if len(reads) != 1 or len(good) != 1:
                leaks.append(f"GET {row.name}[{row.args}] as {role}: {len(reads)} read entries, {len(good)} naming the reader and the way in")
            audited = len(good)
        elif reads and not allowed_here:
            leaks.append(f"{row.method} {row.name}[{row.args}] as {role}: a refused request wrote {len(reads)} read entries")
        transaction.set_rollback(True)
    return outcome, leaks, audited


def test_every_placements_url_answers_each_person_as_the_table_says_with_no_leaks_and_every_read_audited(client, world, capsys):
    table, mismatches, leaks, audited = [], [], [], 0
    for row in MATRIX:
        for role in ROLES:
            outcome, cell_leaks, cell_audited = _run_cell(client, row, role, world, mismatches)
            table.append((row, role, outcome))
            leaks += cell_leaks
            audited += cell_audited
            if not _matches(row.expected(role), outcome, row.method):
                mismatches.append(f"{row.method} {row.name}[{row.args}] as {role}: expected {row.expected(role)}, got {outcome}")
    reads_allowed = sum(1 for row in MATRIX for role in ROLES if row.method == "GET" and row.reads and row.expected(role) == OK)
    with capsys.disabled():
        print(f"\naccess matrix: {len(MATRIX)} URL rows × {len(ROLES)} people = {len(table)} requests, "
              f"{len(leaks)} leaks, {audited} disclosure reads each audited once")
    assert not mismatches and not leaks, "\n".join(mismatches + leaks)
    assert len(table) == 689  # the figure in the docstring
    assert audited == reads_allowed > 30


def test_every_placements_url_name_has_a_row_in_the_matrix():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    covered = {row.name for row in MATRIX}
    assert names - covered == set(), "a placements URL has no row in the access matrix"
    assert covered - names == set()
    assert len(names) == 23


def test_the_table_refuses_more_than_it_allows_and_lets_each_person_in_somewhere():
    """A guard on the table itself: an expected table that allows everyone proves nothing."""
    cells = [(row, role) for row in MATRIX for role in ROLES]
    refused = sum(1 for row, role in cells if row.expected(role) != OK)
    assert refused > 2 * len(cells) / 3
    for role in set(ROLES) - {"no_mfa"}:
        assert any(row.expected(role) == OK for row in MATRIX), role


def test_an_expired_link_is_a_404_with_a_page_that_says_so_and_names_no_child(client, world):
    expectations = {
        "expired_link": "This link has ended",
        "revoked_link": "This link has ended",
        "ended_placement_link": "This link has ended",
        "future_link": "This link is not open yet",
        "unknown_link": "We cannot find this link",
    }
    for link, words in expectations.items():
        response = client.get(reverse("placements:respite", args=world["args"][link]))
        page = response.content.decode()
        assert response.status_code == 404 and words in page, link
        assert not [word for word in [*MAYA, QUILLA, *CONTENT] if word in page], link


def test_the_respite_provider_reads_only_the_shared_items_and_the_family_sees_that_they_did(client, world):
    response = client.get(reverse("placements:respite", args=world["args"]["open_link"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert GRANTED in page and PRIVATE not in page
    client.force_login(world["people"]["parent"])
    activity = client.get(reverse("placements:activity", args=world["args"]["current"]))
    assert "Ms. Alvarez (respite provider)" in activity.content.decode()


def test_the_familys_activity_page_lists_staff_reads_and_changes_but_not_the_familys_own(client, world):
    people, current = world["people"], world["current"]
    client.force_login(people["parent"])
    client.get(reverse("placements:child", args=[current.pk]))
    client.get(reverse("placements:summary", args=[current.pk]))
    client.force_login(people["supervisor"])
    client.get(reverse("placements:staff_child", args=[current.pk]))
    client.force_login(people["parent"])
    response = client.get(reverse("placements:activity", args=[current.pk]))
    assert response.status_code == 200
    entries = response.context["entries"]
    actors = {entry.actor for entry in entries}
    assert people["parent"] not in actors and people["supervisor"] in actors and people["caseworker"] in actors
    assert {e.action for e in entries if e.actor == people["caseworker"]} >= {"disclosure.changed"}
    assert any(e.action == "disclosure.read" and e.actor == people["supervisor"] for e in entries)
    listing = response.content.decode().split('class="activity"', 1)[1]
    assert "Ms. Carter" in listing and "Mr. Reed" in listing
    assert "Mrs. Garcia" not in listing
    # Both Garcia reads were written to the audit log all the same.
    assert AuditEntry.objects.filter(action="disclosure.read", actor=people["parent"]).count() == 2
