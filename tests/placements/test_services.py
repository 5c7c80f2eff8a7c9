"""Bad input and the rules, through placements.services: each refusal is a clear message and changes nothing.

Monday 1 March 2027, 10:00 in Chicago: Mr. Reed places the Quintero siblings with the Garcia family.
Xiomara ("Zuzu-Quinn" to her friends)'s medication did not come with her; Teodoro takes none. Their names and the words written
in their items are distinctive so that a test can prove they never leave the portal by e-mail.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from placements import services
from placements.models import (
    Acknowledgement,
    ChecklistEntry,
    Disclosure,
    DisclosureItem,
    ItemChange,
    NeedReferral,
    Placement,
    RespiteGrant,
)
from portal.accounts.models import Household
from portal.followups.models import Commitment
from portal.notifications.models import Notification
from portal.notifications.services import mark_read
from tests.conftest import chicago
from tests.factories import ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = chicago(2027, 3, 1, 10, 0)
TUESDAY_9 = chicago(2027, 3, 2, 9, 0)

CHILD_WORDS = ["Xiomara", "Zuzu-Quinn", "Teodoro", "Quintero-Vasquez"]
ITEM_WORDS = ["Peanut-Zebra-771", "Amoxiquill-Heron", "Nightlight-Otter-552"]
NEED_WORDS = ["Wintercoat-Lynx-208"]


@pytest.fixture
def siblings(caseworker):
    return [
        ChildFactory(first_name="Xiomara", preferred_name="Zuzu-Quinn", last_name="Quintero-Vasquez", caseworker=caseworker),
        ChildFactory(first_name="Teodoro", last_name="Quintero-Vasquez", caseworker=caseworker),
    ]


@pytest.fixture
def placed(caseworker, household, resource_parent, siblings):
    return services.place_children(
        actor=caseworker,
        household=household,
        children=siblings,
        started_on=MONDAY_10.date(),
        medication={siblings[0].pk: Placement.Medication.DID_NOT_COME, siblings[1].pk: Placement.Medication.NONE_TAKEN},
        now=MONDAY_10,
    )


@pytest.fixture
def xio(placed):
    return placed[0]


def _item(placement, code) -> DisclosureItem:
    return DisclosureItem.objects.select_related("entry", "disclosure__placement").get(disclosure__placement=placement, entry__code=code)


def _open(**filters):
    return Commitment.objects.filter(status=Commitment.Status.OPEN, **filters)


def _messages(error) -> str:
    return " ".join(error.value.messages)


def _snapshot():
    """Everything a refused placement could have created."""
    return (
        Placement.objects.count(),
        Disclosure.objects.count(),
        Commitment.objects.count(),
        Notification.objects.count(),
        sorted(Placement.objects.values_list("pk", "ended_on", "end_reason")),
    )


# --- Placements -------------------------------------------------------------------------------


def test_a_placement_cannot_end_before_it_started_and_stays_current(xio, caseworker):
    with pytest.raises(ValidationError) as error:
        services.end_placement(
            actor=caseworker, placement=xio, ended_on=date(2027, 2, 27), end_reason="reunified", now=TUESDAY_9
        )
    assert "cannot be before the placement started" in _messages(error)
    xio.refresh_from_db()
    assert xio.ended_on is None and xio.is_current
    assert _open(standard__code="disclosure-item", household=xio.household).count() == 22


def test_a_placement_cannot_be_ended_on_a_day_still_ahead(xio, caseworker):
    with pytest.raises(ValidationError) as error:
        services.end_placement(actor=caseworker, placement=xio, ended_on=date(2027, 3, 3), end_reason="reunified", now=TUESDAY_9)
    assert "planned end" in _messages(error)
    xio.refresh_from_db()
    assert xio.ended_on is None


def test_a_placement_ended_today_is_accepted_and_cannot_be_ended_twice(xio, caseworker):
    services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="reunified", now=TUESDAY_9)
    with pytest.raises(ValidationError) as error:
        services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="moved", now=TUESDAY_9)
    assert "already ended" in _messages(error)
    xio.refresh_from_db()
    assert (xio.ended_on, xio.end_reason) == (TUESDAY_9.date(), "reunified")


def test_a_placement_needs_a_reason_to_end(xio, caseworker):
    with pytest.raises(ValidationError):
        services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="bored", now=TUESDAY_9)
    xio.refresh_from_db()
    assert xio.ended_on is None


def test_a_child_already_placed_elsewhere_is_refused_and_brothers_and_sisters_are_not_half_placed(
    xio, caseworker, other_family
):
    newcomer = ChildFactory(first_name="Ines", last_name="Quintero-Vasquez", caseworker=caseworker)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.place_children(
            actor=caseworker, household=other_family.household, children=[newcomer, xio.child], started_on=TUESDAY_9.date(),
            medication={newcomer.pk: "all_came", xio.child.pk: "all_came"}, now=TUESDAY_9,
        )
    assert "Xiomara Quintero-Vasquez is already placed with The Garcia family" in _messages(error)
    assert _snapshot() == before
    assert not Placement.objects.filter(child=newcomer).exists()


def test_placing_with_a_family_whose_licence_is_not_current_is_refused(caseworker, household, resource_parent, siblings):
    household.licence_status = Household.LicenceStatus.ON_HOLD
    household.save(update_fields=["licence_status"])
    before = _snapshot()
    with pytest.raises(PermissionDenied, match="licensed"):
        services.place_children(
            actor=caseworker, household=household, children=siblings[:1], started_on=MONDAY_10.date(),
            medication={siblings[0].pk: "all_came"}, now=MONDAY_10,
        )
    assert _snapshot() == before


def test_a_placement_needs_the_medication_answer_for_each_child_and_a_planned_end_after_the_start(caseworker, household, siblings):
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.place_children(
            actor=caseworker, household=household, children=siblings, started_on=MONDAY_10.date(),
            medication={siblings[0].pk: "all_came"}, now=MONDAY_10,
        )
    assert "Answer whether Teodoro's medication came with them" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.place_children(
            actor=caseworker, household=household, children=siblings[:1], started_on=MONDAY_10.date(),
            planned_end_on=MONDAY_10.date() - timedelta(days=1), medication={siblings[0].pk: "all_came"}, now=MONDAY_10,
        )
    assert "planned end cannot be before" in _messages(error)
    assert _snapshot() == before


def test_only_a_caseworker_who_holds_the_child_may_place_them(colleague, resource_worker, household, siblings):
    before = _snapshot()
    for stranger in (colleague, resource_worker):
        with pytest.raises(PermissionDenied):
            services.place_children(
                actor=stranger, household=household, children=siblings[:1], started_on=MONDAY_10.date(),
                medication={siblings[0].pk: "all_came"}, now=MONDAY_10,
            )
    assert _snapshot() == before


# --- Items ------------------------------------------------------------------------------------


def test_an_item_longer_than_the_limit_is_refused_with_its_length_and_nothing_changes(xio, caseworker):
    behaviours = _item(xio, "behaviours")
    too_long = "x" * 4001
    with pytest.raises(ValidationError) as error:
        services.update_item(actor=caseworker, item=behaviours, status="known", content=too_long, revision=0, now=TUESDAY_9)
    assert "4000" in _messages(error) and "4001" in _messages(error)
    behaviours.refresh_from_db()
    assert (behaviours.status, behaviours.content, behaviours.revision) == ("pending", "", 0)
    assert Disclosure.objects.get(pk=behaviours.disclosure_id).version == 1
    # Exactly at the limit is fine.
    saved = services.update_item(actor=caseworker, item=behaviours, status="known", content="y" * 4000, revision=0, now=TUESDAY_9)
    assert len(saved.content) == 4000


def test_known_needs_what_is_known_and_unknown_needs_who_was_asked(xio, caseworker):
    triggers = _item(xio, "triggers")
    with pytest.raises(ValidationError) as error:
        services.update_item(actor=caseworker, item=triggers, status="known", content="   ", revision=0, now=TUESDAY_9)
    assert "Write what is known" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.update_item(actor=caseworker, item=triggers, status="unknown", content="", asked_whom="", revision=0, now=TUESDAY_9)
    assert "who was asked" in _messages(error)
    triggers.refresh_from_db()
    assert (triggers.status, triggers.revision) == ("pending", 0)
    assert _open(standard__code="disclosure-item", subject_id=triggers.pk).exists()

    saved = services.update_item(
        actor=caseworker, item=triggers, status="unknown", asked_whom="Birth mother and the school counsellor", revision=0, now=TUESDAY_9
    )
    assert saved.asked_whom == "Birth mother and the school counsellor"
    assert not _open(standard__code="disclosure-item", subject_id=triggers.pk).exists()


def test_an_unknown_status_is_refused(xio, caseworker):
    with pytest.raises(ValidationError):
        services.update_item(actor=caseworker, item=_item(xio, "school"), status="maybe", content="x", revision=0, now=TUESDAY_9)


def test_a_conflicting_save_keeps_both_versions_and_overwrites_nothing(xio, caseworker, supervisor):
    """Mr. Reed opened the item at revision 0; Ms. Carter saved it meanwhile."""
    allergies = _item(xio, "allergies")
    services.update_item(actor=supervisor, item=allergies, status="known", content=f"{ITEM_WORDS[0]}: EpiPen in the bag", revision=0, now=TUESDAY_9)
    mine = "No known allergies"
    with pytest.raises(services.EditConflict) as clash:
        services.update_item(actor=caseworker, item=allergies, status="known", content=mine, revision=0, now=TUESDAY_9 + timedelta(minutes=5))
    theirs = clash.value.item
    assert theirs.content == f"{ITEM_WORDS[0]}: EpiPen in the bag" and theirs.changed_by == supervisor and theirs.revision == 1
    stored = _item(xio, "allergies")
    assert (stored.content, stored.revision, stored.changed_by) == (theirs.content, 1, supervisor)
    assert list(ItemChange.objects.filter(item=allergies).values_list("content", flat=True)) == [theirs.content]
    assert Disclosure.objects.get(pk=allergies.disclosure_id).version == 2
    # Having compared, he saves over it knowingly, naming the revision he saw.
    services.update_item(actor=caseworker, item=allergies, status="known", content=mine, revision=theirs.revision, now=TUESDAY_9 + timedelta(minutes=6))
    assert _item(xio, "allergies").content == mine
    assert ItemChange.objects.filter(item=allergies).count() == 2  # both versions are in the history


def test_saving_the_same_answer_again_changes_no_version_and_tells_nobody(xio, caseworker, resource_parent):
    school = _item(xio, "school")
    services.update_item(actor=caseworker, item=school, status="known", content="Grade 4, Oak Elementary", revision=0, now=TUESDAY_9)
    mark_read(user=resource_parent)
    version = Disclosure.objects.get(pk=school.disclosure_id).version
    services.update_item(actor=caseworker, item=school, status="known", content="Grade 4, Oak Elementary  ", revision=1, now=TUESDAY_9)
    assert Disclosure.objects.get(pk=school.disclosure_id).version == version
    assert not Notification.objects.filter(recipient=resource_parent, read_at__isnull=True).exists()


def test_an_item_set_back_to_pending_opens_a_new_promise_from_that_moment(xio, caseworker):
    court = _item(xio, "court")
    services.update_item(actor=caseworker, item=court, status="known", content="Hearing 14 April", revision=0, now=TUESDAY_9)
    services.update_item(actor=caseworker, item=court, status="pending", content="Date being moved", revision=1, now=chicago(2027, 3, 4, 11, 0))
    promises = Commitment.objects.filter(standard__code="disclosure-item", subject_id=court.pk).order_by("opened_at")
    assert [p.status for p in promises] == ["met", "open"]
    assert promises[1].due_at == chicago(2027, 3, 8, 17, 0)  # Thursday + 2 business days = Monday
    assert _item(xio, "court").settled_at == TUESDAY_9  # completeness counts the first time it was settled


def test_a_colleague_who_is_not_covering_and_the_family_cannot_change_items(xio, colleague, resource_parent, resource_worker):
    health = _item(xio, "health")
    for stranger in (colleague, resource_parent, resource_worker):
        with pytest.raises(PermissionDenied):
            services.update_item(actor=stranger, item=health, status="known", content="Asthma", revision=0, now=TUESDAY_9)
    health.refresh_from_db()
    assert (health.status, health.revision) == ("pending", 0)


def test_an_item_of_an_ended_placement_cannot_be_changed(xio, caseworker):
    services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="reunified", now=TUESDAY_9)
    health = _item(xio, "health")
    with pytest.raises(PermissionDenied):
        services.update_item(actor=caseworker, item=health, status="known", content="Asthma", revision=0, now=TUESDAY_9)
    health.refresh_from_db()
    assert (health.status, health.content) == ("pending", "")


def test_a_medication_list_saves_each_medicine_and_replaces_the_old_list(xio, caseworker):
    medications = _item(xio, "medications")
    first = [services.MedicationRow("Albuterol", "2 puffs", "As needed", pharmacy="Walgreens, State St.", supply="none")]
    services.update_item(actor=caseworker, item=medications, status="known", revision=0, medications=first, now=TUESDAY_9)
    second = [services.MedicationRow("Albuterol", "2 puffs", "As needed"), services.MedicationRow("Cetirizine", "5 mg", "Morning")]
    services.update_item(actor=caseworker, item=medications, status="known", revision=1, medications=second, now=TUESDAY_9)
    assert list(_item(xio, "medications").medications.values_list("name", flat=True)) == ["Albuterol", "Cetirizine"]
    assert "Cetirizine, 5 mg, Morning" in ItemChange.objects.filter(item=medications).first().content


# --- Medication first ---------------------------------------------------------------------------


def test_medication_sorted_meets_the_same_day_promise_and_tells_the_family(xio, caseworker, resource_parent):
    promise = Commitment.objects.get(standard__code="medication-at-placement", subject_id=xio.pk)
    assert promise.status == "open"
    mark_read(user=resource_parent)
    with pytest.raises(ValidationError) as error:
        services.record_medication_sorted(actor=caseworker, placement=xio, note="  ", now=chicago(2027, 3, 1, 14, 0))
    assert "Say how the medication was arranged" in _messages(error)
    services.record_medication_sorted(
        actor=caseworker, placement=xio, note="Prescription sent to Walgreens on State St.", now=chicago(2027, 3, 1, 14, 0)
    )
    promise.refresh_from_db()
    assert (promise.status, promise.late, promise.met_by) == ("met", False, caseworker)
    assert Notification.objects.filter(recipient=resource_parent, kind=Notification.Kind.DISCLOSURE_UPDATED).count() == 1
    assert Disclosure.objects.get(placement=xio).version == 2  # the family is asked to read again


def test_there_is_no_medication_to_arrange_for_a_child_whose_medication_came(placed, caseworker):
    teo = placed[1]
    assert not Commitment.objects.filter(standard__code="medication-at-placement", subject_id=teo.pk).exists()
    with pytest.raises(ValidationError):
        services.record_medication_sorted(actor=caseworker, placement=teo, note="Nothing to do", now=TUESDAY_9)


# --- Acknowledgement --------------------------------------------------------------------------


def test_a_stale_acknowledgement_is_refused_and_recorded_nowhere(xio, caseworker, resource_parent):
    services.update_item(actor=caseworker, item=_item(xio, "school"), status="known", content="Grade 4", revision=0, now=TUESDAY_9)
    with pytest.raises(services.StaleAcknowledgement):
        services.acknowledge(user=resource_parent, disclosure=xio.disclosure, version=1, now=TUESDAY_9)
    assert not Acknowledgement.objects.exists()
    services.acknowledge(user=resource_parent, disclosure=xio.disclosure, version=2, now=TUESDAY_9)
    services.acknowledge(user=resource_parent, disclosure=xio.disclosure, version=2, now=TUESDAY_9 + timedelta(hours=1))
    assert list(Acknowledgement.objects.values_list("version", "at")) == [(2, TUESDAY_9)]


def test_only_the_family_the_child_lives_with_can_acknowledge(xio, caseworker, other_family):
    for stranger in (other_family, caseworker):
        with pytest.raises(PermissionDenied):
            services.acknowledge(user=stranger, disclosure=xio.disclosure, version=1, now=TUESDAY_9)
    assert not Acknowledgement.objects.exists()


def test_after_the_placement_ends_the_family_can_neither_acknowledge_nor_ask_nor_write(xio, caseworker, resource_parent):
    services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="reunified", now=TUESDAY_9)
    health = _item(xio, "health")
    with pytest.raises(PermissionDenied):
        services.acknowledge(user=resource_parent, disclosure=xio.disclosure, version=1, now=TUESDAY_9)
    with pytest.raises(PermissionDenied):
        services.ask_about_item(user=resource_parent, item=health, body="Any news?", now=TUESDAY_9)
    with pytest.raises(PermissionDenied):
        services.add_family_note(user=resource_parent, item=health, body="She likes soup", now=TUESDAY_9)


def test_a_family_note_must_have_words_and_fit(xio, resource_parent):
    health = _item(xio, "health")
    with pytest.raises(ValidationError):
        services.add_family_note(user=resource_parent, item=health, body="   ", now=TUESDAY_9)
    with pytest.raises(ValidationError) as error:
        services.add_family_note(user=resource_parent, item=health, body="z" * 2001, now=TUESDAY_9)
    assert "2001" in _messages(error)
    assert not health.family_notes.exists()


# --- Respite ----------------------------------------------------------------------------------


@pytest.fixture
def entries():
    return list(ChecklistEntry.objects.filter(code__in=["allergies", "medications"]))


@pytest.mark.parametrize(
    ("starts", "ends", "words"),
    [
        (chicago(2027, 4, 3, 9), chicago(2027, 4, 2, 9), "must end after it starts"),
        (chicago(2027, 4, 3, 9), chicago(2027, 4, 3, 9), "must end after it starts"),
        (chicago(2027, 4, 3, 9), chicago(2027, 5, 3, 9, 1), "at most 30 days"),
        (chicago(2027, 2, 20, 9), chicago(2027, 2, 27, 9), "already past"),
    ],
    ids=["ends-before-start", "ends-at-start", "over-30-days", "in-the-past"],
)
def test_respite_access_with_impossible_times_is_refused(xio, caseworker, entries, starts, ends, words):
    with pytest.raises(ValidationError) as error:
        services.grant_respite(
            actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=entries, starts_at=starts, expires_at=ends, now=TUESDAY_9
        )
    assert words in _messages(error)
    assert not RespiteGrant.objects.exists()


def test_respite_access_of_exactly_30_days_is_allowed(xio, caseworker, entries):
    grant, link = services.grant_respite(
        actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=entries,
        starts_at=chicago(2027, 4, 3, 9), expires_at=chicago(2027, 5, 3, 9), now=TUESDAY_9,
    )
    assert link.startswith("/children/respite/") and grant.token_hash not in link
    assert services.usable_respite_grant(link.rstrip("/").rsplit("/", 1)[1], now=chicago(2027, 5, 3, 8, 59)) == grant


def test_respite_access_needs_a_provider_and_an_item_and_a_current_placement(xio, caseworker, entries):
    times = {"starts_at": chicago(2027, 3, 6, 9), "expires_at": chicago(2027, 3, 7, 18), "now": TUESDAY_9}
    with pytest.raises(ValidationError):
        services.grant_respite(actor=caseworker, placement=xio, provider_name=" ", entries=entries, **times)
    with pytest.raises(ValidationError):
        services.grant_respite(actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=[], **times)
    services.end_placement(actor=caseworker, placement=xio, ended_on=TUESDAY_9.date(), end_reason="reunified", now=TUESDAY_9)
    with pytest.raises(PermissionDenied):
        services.grant_respite(actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=entries, **times)
    assert not RespiteGrant.objects.exists()


def test_a_respite_link_works_only_between_its_start_and_end_and_until_revoked(xio, caseworker, entries):
    grant, link = services.grant_respite(
        actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=entries,
        starts_at=chicago(2027, 3, 6, 9), expires_at=chicago(2027, 3, 7, 18), now=TUESDAY_9,
    )
    token = link.rstrip("/").rsplit("/", 1)[1]
    reasons = {}
    for label, moment in [("before", chicago(2027, 3, 6, 8, 59)), ("after", chicago(2027, 3, 7, 18))]:
        with pytest.raises(services.RespiteUnavailable) as problem:
            services.usable_respite_grant(token, now=moment)
        reasons[label] = problem.value.reason
    with pytest.raises(services.RespiteUnavailable) as problem:
        services.usable_respite_grant(token + "x", now=chicago(2027, 3, 6, 12))
    reasons["wrong token"] = problem.value.reason
    assert reasons == {"before": "not_yet", "after": "expired", "wrong token": "unknown"}
    assert services.usable_respite_grant(token, now=chicago(2027, 3, 6, 12)) == grant
    services.revoke_respite(actor=caseworker, grant=grant, now=chicago(2027, 3, 6, 13))
    with pytest.raises(services.RespiteUnavailable) as problem:
        services.usable_respite_grant(token, now=chicago(2027, 3, 6, 14))
    assert problem.value.reason == "expired"


# --- Shared needs -----------------------------------------------------------------------------


def test_a_need_cannot_be_shared_before_the_family_says_yes(xio, caseworker):
    referral = services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Hinds clothing closet", now=TUESDAY_9)
    with pytest.raises(ValidationError) as error:
        services.share_need(actor=caseworker, referral=referral, now=TUESDAY_9)
    assert "not given permission" in _messages(error)
    referral.refresh_from_db()
    assert (referral.status, referral.shared_at) == ("asking", None)
    assert not Commitment.objects.filter(standard__code="need-follow-up").exists()


def test_a_declined_need_is_never_shared_and_cannot_be_answered_twice(xio, caseworker, resource_parent):
    referral = services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Hinds clothing closet", now=TUESDAY_9)
    services.answer_need(user=resource_parent, referral=referral, consent=False, now=TUESDAY_9)
    with pytest.raises(ValidationError):
        services.share_need(actor=caseworker, referral=referral, now=TUESDAY_9)
    with pytest.raises(ValidationError) as error:
        services.answer_need(user=resource_parent, referral=referral, consent=True, now=TUESDAY_9)
    assert "already answered" in _messages(error)
    referral.refresh_from_db()
    assert (referral.status, referral.consent_at, referral.shared_at) == ("declined", None, None)
    assert not Commitment.objects.filter(standard__code="need-follow-up").exists()


def test_a_need_shared_with_consent_opens_the_check_back_promise_which_the_outcome_meets(xio, caseworker, resource_parent):
    referral = services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Hinds clothing closet", now=TUESDAY_9)
    services.answer_need(user=resource_parent, referral=referral, consent=True, now=TUESDAY_9)
    services.share_need(actor=caseworker, referral=referral, now=TUESDAY_9)
    services.share_need(actor=caseworker, referral=referral, now=TUESDAY_9)  # twice: one promise
    promise = Commitment.objects.get(standard__code="need-follow-up")
    assert promise.due_at == chicago(2027, 3, 9, 17, 0)  # Tuesday + 5 business days
    with pytest.raises(ValidationError):
        services.record_need_outcome(actor=caseworker, referral=referral, met=True, note="n" * 501, now=TUESDAY_9)
    services.record_need_outcome(actor=caseworker, referral=referral, met=True, note="Coat picked up", now=chicago(2027, 3, 4, 10))
    promise.refresh_from_db()
    assert promise.status == "met"
    with pytest.raises(ValidationError):
        services.record_need_outcome(actor=caseworker, referral=referral, met=False, now=chicago(2027, 3, 4, 11))


def test_only_the_family_may_consent_and_only_their_own_need(xio, caseworker, other_family):
    referral = services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Hinds clothing closet", now=TUESDAY_9)
    for stranger in (other_family, caseworker):
        with pytest.raises(PermissionDenied):
            services.answer_need(user=stranger, referral=referral, consent=True, now=TUESDAY_9)
    referral.refresh_from_db()
    assert referral.consent_at is None


def test_a_need_must_be_described_and_fit(xio, caseworker):
    for need, source in [("", "Closet"), ("Coat", " "), ("c" * 301, "Closet")]:
        with pytest.raises(ValidationError):
            services.propose_need(actor=caseworker, placement=xio, need=need, source=source, now=TUESDAY_9)
    assert not NeedReferral.objects.exists()


# --- Ending a placement -------------------------------------------------------------------------


def test_ending_a_placement_withdraws_every_promise_still_open_for_it_and_ends_respite_links(
    xio, placed, caseworker, resource_parent, entries
):
    services.update_item(actor=caseworker, item=_item(xio, "allergies"), status="known", content="None", revision=0, now=TUESDAY_9)
    referral = services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Closet", now=TUESDAY_9)
    services.answer_need(user=resource_parent, referral=referral, consent=True, now=TUESDAY_9)
    services.share_need(actor=caseworker, referral=referral, now=TUESDAY_9)
    grant, link = services.grant_respite(
        actor=caseworker, placement=xio, provider_name="Ms. Alvarez", entries=entries,
        starts_at=chicago(2027, 3, 2, 8), expires_at=chicago(2027, 3, 9, 18), now=TUESDAY_9,
    )
    later = chicago(2027, 3, 2, 11, 0)
    services.end_placement(actor=caseworker, placement=xio, ended_on=later.date(), end_reason="relative", now=later)

    xio_items = DisclosureItem.objects.filter(disclosure__placement=xio).values("pk")
    items = Commitment.objects.filter(standard__code="disclosure-item", subject_id__in=xio_items)
    assert sorted(items.values_list("status", flat=True)) == ["cancelled"] * 10 + ["met"]  # kept before the end stays kept
    assert Commitment.objects.get(standard__code="medication-at-placement", subject_id=xio.pk).status == "cancelled"
    assert Commitment.objects.get(standard__code="need-follow-up", subject_id=referral.pk).status == "cancelled"
    assert set(Commitment.objects.filter(status="cancelled").values_list("cancelled_reason", flat=True)) == {"The placement ended."}
    # The brother still lives with the family: his promises stay open. Both clothing allowances are
    # still owed (the clothes were bought when the children came), so fiscal staff are still chased.
    teo_items = DisclosureItem.objects.filter(disclosure__placement=placed[1]).values("pk")
    assert _open(standard__code="disclosure-item", subject_id__in=teo_items).count() == 11
    assert _open().count() == 11 + _open(standard__code="clothing-allowance").count() == 13
    grant.refresh_from_db()
    assert grant.revoked_at == later
    with pytest.raises(services.RespiteUnavailable):
        services.usable_respite_grant(link.rstrip("/").rsplit("/", 1)[1], now=later + timedelta(minutes=1))


# --- What the family hears ----------------------------------------------------------------------


@pytest.fixture
def second_parent(household):
    return ParentFactory(household=household, title="Mr.", last_name="Garcia", email="garcia.2@family.test")


def _notices(person, kind):
    return Notification.objects.filter(recipient=person, kind=kind)


def test_the_family_hears_once_per_unread_notice_not_once_per_item(caseworker, household, resource_parent, second_parent, siblings):
    xio, teo = services.place_children(
        actor=caseworker, household=household, children=siblings, started_on=MONDAY_10.date(),
        medication={siblings[0].pk: "did_not_come", siblings[1].pk: "none_taken"}, now=MONDAY_10,
    )
    for parent in (resource_parent, second_parent):
        assert _notices(parent, Notification.Kind.CHILD_PLACED).count() == 2  # one per child

    for code in ("health", "allergies", "behaviours", "school", "court"):
        services.update_item(actor=caseworker, item=_item(xio, code), status="known", content=f"About {code}", revision=0, now=TUESDAY_9)
    for parent in (resource_parent, second_parent):
        assert list(_notices(parent, Notification.Kind.DISCLOSURE_UPDATED).values_list("link", flat=True)) == [f"/children/{xio.pk}/"]

    # Mrs. Garcia opens her notices; Mr. Garcia does not. The next change tells her again, not him.
    mark_read(user=resource_parent)
    services.update_item(actor=caseworker, item=_item(xio, "visitation"), status="known", content="Saturdays", revision=0, now=TUESDAY_9)
    assert _notices(resource_parent, Notification.Kind.DISCLOSURE_UPDATED).count() == 2
    assert _notices(second_parent, Notification.Kind.DISCLOSURE_UPDATED).count() == 1
    # A change to the brother's checklist is a notice of its own (its link is his page).
    services.update_item(actor=caseworker, item=_item(teo, "school"), status="known", content="Kindergarten", revision=0, now=TUESDAY_9)
    assert _notices(second_parent, Notification.Kind.DISCLOSURE_UPDATED).filter(link=f"/children/{teo.pk}/").count() == 1


def test_no_notice_or_e_mail_carries_the_childs_name_or_what_is_known(
    caseworker, household, resource_parent, siblings, entries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        xio, _teo = services.place_children(
            actor=caseworker, household=household, children=siblings, started_on=MONDAY_10.date(),
            medication={siblings[0].pk: "did_not_come", siblings[1].pk: "none_taken"}, now=MONDAY_10,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_item(
            actor=caseworker, item=_item(xio, "allergies"), status="known", content=f"{ITEM_WORDS[0]}, carries an EpiPen", revision=0,
            now=TUESDAY_9,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_item(
            actor=caseworker, item=_item(xio, "medications"), status="known", revision=0, now=TUESDAY_9,
            medications=[services.MedicationRow(ITEM_WORDS[1], "250 mg", "Twice a day", pharmacy="Walgreens")],
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.record_medication_sorted(actor=caseworker, placement=xio, note=ITEM_WORDS[2], now=TUESDAY_9)
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_need(actor=caseworker, placement=xio, need=NEED_WORDS[0], source="Hinds clothing closet", now=TUESDAY_9)
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_respite(
            actor=caseworker, placement=xio, provider_name="Ms. Alvarez", provider_email="alvarez@respite.test", entries=entries,
            starts_at=chicago(2027, 3, 6, 9), expires_at=chicago(2027, 3, 7, 18), now=TUESDAY_9,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_about_item(user=resource_parent, item=_item(xio, "behaviours"), body=f"Does {ITEM_WORDS[2]} help?", now=TUESDAY_9)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"child_placed", "disclosure_updated", "need_permission", "respite_access", "message_for_staff"} <= kinds
    assert len(mail.outbox) == Notification.objects.filter(send_email=True).count() >= 6
    recipients = {address for message in mail.outbox for address in message.to}
    assert {resource_parent.email, caseworker.email, "alvarez@respite.test"} <= recipients
    secret = CHILD_WORDS + ITEM_WORDS + NEED_WORDS
    for message in mail.outbox:
        texts = [message.subject, message.body] + [content for content, _type in message.alternatives]
        for text in texts:
            assert not [word for word in secret if word in text], (message.to, message.subject)
        assert "/children/" in message.body or "/messages/" in message.body  # a link, behind a login (or the private link)
    for notification in Notification.objects.all():
        stored = f"{notification.context} {notification.link}"
        assert not [word for word in secret if word in stored], notification.kind
