"""The disclosure checklist through its services: placement, items, promises, conflicts, acknowledgement."""

import pytest
from django.core.exceptions import ValidationError

from placements import services
from placements.models import Disclosure, DisclosureItem, Placement
from portal.followups.models import Commitment
from tests.conftest import chicago
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = chicago(2027, 3, 1, 10, 0)


@pytest.fixture
def siblings(caseworker):
    return [
        ChildFactory(first_name="Ana", last_name="Ruiz", caseworker=caseworker),
        ChildFactory(first_name="Leo", last_name="Ruiz", caseworker=caseworker),
    ]


@pytest.fixture
def placed(caseworker, household, siblings):
    return services.place_children(
        actor=caseworker,
        household=household,
        children=siblings,
        started_on=MONDAY_10.date(),
        medication={siblings[0].pk: Placement.Medication.DID_NOT_COME, siblings[1].pk: Placement.Medication.NONE_TAKEN},
        now=MONDAY_10,
    )


def _item(placement, code):
    return DisclosureItem.objects.select_related("entry", "disclosure__placement").get(
        disclosure__placement=placement, entry__code=code
    )


def test_placing_siblings_together_gives_each_a_checklist_and_the_missing_medication_a_same_day_promise(placed, siblings):
    ana, leo = placed
    assert set(ana.child.siblings.all()) == {siblings[1]}
    assert ana.disclosure.items.count() == 11
    assert all(item.is_pending for item in ana.disclosure.items.all())
    medication = Commitment.objects.get(standard__code="medication-at-placement")
    assert medication.subject == ana
    assert medication.due_at == chicago(2027, 3, 1, 17, 0)
    assert not Commitment.objects.filter(standard__code="medication-at-placement", subject_id=leo.pk).exists()
    item_promises = Commitment.objects.filter(standard__code="disclosure-item", household=ana.household)
    assert item_promises.count() == 22
    assert {c.due_at for c in item_promises} == {chicago(2027, 3, 3, 17, 0)}  # two business days


def test_a_child_already_placed_elsewhere_cannot_be_placed_again(placed, caseworker, other_family, siblings):
    other_family.household.licence_status = "licensed"
    other_family.household.save()
    with pytest.raises(ValidationError) as error:
        services.place_children(
            actor=caseworker, household=other_family.household, children=[siblings[0]], started_on=MONDAY_10.date(),
            medication={siblings[0].pk: "all_came"}, now=MONDAY_10,
        )
    assert "already placed with The Garcia family" in " ".join(error.value.messages)


def test_filling_an_item_meets_its_promise_and_a_stale_edit_is_a_conflict_not_an_overwrite(placed, caseworker, colleague):
    allergies = _item(placed[0], "allergies")
    later = chicago(2027, 3, 2, 9, 0)
    services.update_item(actor=caseworker, item=allergies, status="known", content="Peanuts: carries an EpiPen.", revision=0, now=later)
    promise = Commitment.objects.get(standard__code="disclosure-item", subject_id=allergies.pk)
    assert promise.status == Commitment.Status.MET and not promise.late
    assert Disclosure.objects.get(pk=allergies.disclosure_id).version == 2
    with pytest.raises(services.EditConflict) as clash:
        services.update_item(actor=caseworker, item=allergies, status="known", content="None known", revision=0, now=later)
    assert clash.value.item.content == "Peanuts: carries an EpiPen."
    assert _item(placed[0], "allergies").content == "Peanuts: carries an EpiPen."


def test_an_acknowledgement_of_an_old_version_asks_to_read_again(placed, caseworker, resource_parent):
    disclosure = placed[0].disclosure
    services.acknowledge(user=resource_parent, disclosure=disclosure, version=1)
    services.update_item(actor=caseworker, item=_item(placed[0], "school"), status="known", content="Grade 3 at Oak Elementary", revision=0)
    with pytest.raises(services.StaleAcknowledgement):
        services.acknowledge(user=resource_parent, disclosure=disclosure, version=1)
    assert services.acknowledge(user=resource_parent, disclosure=disclosure, version=2).version == 2


def test_a_question_on_an_item_goes_to_the_caseworker_under_the_reply_promise(placed, caseworker, resource_parent):
    thread = services.ask_about_item(user=resource_parent, item=_item(placed[0], "medications"), body="Which pharmacy?")
    assert thread.assigned_to == caseworker
    assert thread.subject == "Question about Ana: Current medications"
    assert Commitment.objects.filter(standard__code="message-reply", subject_id=thread.pk, status="open").exists()
