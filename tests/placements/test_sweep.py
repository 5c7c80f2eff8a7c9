"""The ledger's sweep chases what a caseworker still owes a family about a child placed with them.

The seeded standards: "disclosure-item" (2 business days), "medication-at-placement" (the same
business day; after closing, the next business day's close), "need-follow-up" (5 business days);
each reminds the owner two office hours before the deadline, tells owner and supervisor at the
deadline and the program manager one business day later. Chicago time, office 08:00–17:00.
Monday 1 March 2027 is an ordinary Monday; Thursday 26 November 2026 is Thanksgiving.
"""

from datetime import timedelta

import pytest
from django.core import mail

from placements import services
from placements.models import DisclosureItem, Placement
from portal.accounts.services import record_absence
from portal.followups.models import Commitment, Step
from portal.followups.services import sweep_commitments
from portal.notifications.models import Notification
from tests.conftest import chicago
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = chicago(2027, 3, 1, 10, 0)
MONDAY_REMIND, MONDAY_DUE, TUESDAY_ESCALATE = chicago(2027, 3, 1, 15), chicago(2027, 3, 1, 17), chicago(2027, 3, 2, 17)
WEDNESDAY_REMIND, WEDNESDAY_DUE, THURSDAY_ESCALATE = chicago(2027, 3, 3, 15), chicago(2027, 3, 3, 17), chicago(2027, 3, 4, 17)
FRIDAY_EVENING = chicago(2027, 3, 5, 19, 0)

CHASING = [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR, Notification.Kind.ESCALATED]
ITEM, MEDICATION, NEED = "disclosure-item", "medication-at-placement", "need-follow-up"


def chased(person, standard: str | None = None) -> list[str]:
    """The sweep's notifications to one person, oldest first (optionally about one standard's promises)."""
    notices = Notification.objects.filter(recipient=person, kind__in=CHASING)
    if standard:
        notices = notices.filter(commitment__standard__code=standard)
    return list(notices.order_by("created_at", "pk").values_list("kind", flat=True))


def sweep_twice(now) -> int:
    """A second sweep at the same moment (a retry, a second beat) must send nothing more."""
    first = sweep_commitments(now=now)
    assert sweep_commitments(now=now).notifications == 0, f"a second sweep at {now} sent again"
    return first.notifications


def place(caseworker, household, *, medication, now, first_name="Xiomara"):
    child = ChildFactory(first_name=first_name, last_name="Quintero-Vasquez", caseworker=caseworker)
    return services.place_children(
        actor=caseworker, household=household, children=[child], started_on=now.date(), medication={child.pk: medication}, now=now
    )[0]


def fill_all_but(placement, actor, keep: set[str], *, now):
    for item in DisclosureItem.objects.filter(disclosure__placement=placement).select_related("entry", "disclosure__placement"):
        if item.entry.code not in keep:
            services.update_item(actor=actor, item=item, status="not_applicable", revision=item.revision, now=now)


def promise(subject, standard) -> Commitment:
    return Commitment.objects.get(standard__code=standard, subject_id=subject.pk)


# --- Deadlines ------------------------------------------------------------------------------------


def test_a_placement_on_monday_morning_owes_the_medication_that_day_and_each_item_two_business_days_later(
    caseworker, household
):
    placement = place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    medication = promise(placement, MEDICATION)
    assert (medication.remind_at, medication.due_at, medication.escalate_at) == (MONDAY_REMIND, MONDAY_DUE, TUESDAY_ESCALATE)
    assert (medication.next_step, medication.next_step_at) == (Step.REMIND, MONDAY_REMIND)
    items = Commitment.objects.filter(standard__code=ITEM)
    assert items.count() == 11
    assert {(c.remind_at, c.due_at, c.escalate_at) for c in items} == {(WEDNESDAY_REMIND, WEDNESDAY_DUE, THURSDAY_ESCALATE)}
    assert {c.owner for c in items} == {caseworker}


@pytest.mark.parametrize(
    ("placed_at", "remind_at", "due_at", "escalate_at"),
    [
        # After closing on Friday: nobody can act before Monday; due at Monday's close.
        (FRIDAY_EVENING, chicago(2027, 3, 8, 15), chicago(2027, 3, 8, 17), chicago(2027, 3, 9, 17)),
        # Saturday is no business day either.
        (chicago(2027, 3, 6, 11), chicago(2027, 3, 8, 15), chicago(2027, 3, 8, 17), chicago(2027, 3, 9, 17)),
        # Half an hour before closing: still due today; the reminder time has passed, so there is none.
        (chicago(2027, 3, 5, 16, 30), None, chicago(2027, 3, 5, 17), chicago(2027, 3, 8, 17)),
        # The eve of Thanksgiving, after closing: due at the close of Friday, escalated on Monday.
        (chicago(2026, 11, 25, 18), chicago(2026, 11, 27, 15), chicago(2026, 11, 27, 17), chicago(2026, 11, 30, 17)),
    ],
    ids=["friday-evening", "saturday", "friday-16:30", "thanksgiving-eve"],
)
def test_the_medication_promise_follows_the_business_calendar(caseworker, household, placed_at, remind_at, due_at, escalate_at):
    placement = place(caseworker, household, medication=Placement.Medication.PARTLY, now=placed_at)
    medication = promise(placement, MEDICATION)
    assert (medication.remind_at, medication.due_at, medication.escalate_at) == (remind_at, due_at, escalate_at)


def test_no_medication_promise_when_all_of_it_came_or_none_is_taken(caseworker, household):
    for answer in (Placement.Medication.ALL_CAME, Placement.Medication.NONE_TAKEN):
        placement = place(caseworker, household, medication=answer, now=MONDAY_10, first_name=f"Child {answer}")
        assert not Commitment.objects.filter(standard__code=MEDICATION, subject_id=placement.pk).exists()


# --- The chase, step by step ------------------------------------------------------------------------


def test_missing_medication_is_chased_the_same_business_day_each_step_once(caseworker, household, supervisor, office):
    place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    manager = office.program_manager

    for quiet in (MONDAY_10, chicago(2027, 3, 1, 13), MONDAY_REMIND - timedelta(minutes=1)):
        assert sweep_twice(quiet) == 0
    assert sweep_twice(MONDAY_REMIND) == 1
    assert [chased(p, MEDICATION) for p in (caseworker, supervisor, manager)] == [[Notification.Kind.DUE_SOON], [], []]

    assert sweep_twice(MONDAY_DUE - timedelta(minutes=1)) == 0
    assert sweep_twice(MONDAY_DUE) == 2
    assert [chased(p, MEDICATION) for p in (caseworker, supervisor, manager)] == [
        [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER],
        [Notification.Kind.OVERDUE_SUPERVISOR],
        [],
    ]

    assert sweep_twice(TUESDAY_ESCALATE - timedelta(minutes=1)) == 0
    assert sweep_twice(TUESDAY_ESCALATE) == 1
    assert chased(manager, MEDICATION) == [Notification.Kind.ESCALATED]
    # Nothing more, ever, while it stays open (the items' own chase comes on Wednesday).
    assert chased(caseworker, MEDICATION) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    sweep_twice(chicago(2027, 3, 12, 12))
    assert len(Notification.objects.filter(kind__in=CHASING, commitment__standard__code=MEDICATION)) == 4


def test_medication_placed_on_friday_evening_is_first_chased_on_monday(caseworker, household, supervisor):
    place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=FRIDAY_EVENING)
    for quiet in (chicago(2027, 3, 5, 20), chicago(2027, 3, 6, 12), chicago(2027, 3, 7, 23), chicago(2027, 3, 8, 14, 59)):
        assert sweep_twice(quiet) == 0
    sweep_twice(chicago(2027, 3, 8, 15))
    assert chased(caseworker, MEDICATION) == [Notification.Kind.DUE_SOON]
    sweep_twice(chicago(2027, 3, 8, 17))
    assert chased(supervisor, MEDICATION) == [Notification.Kind.OVERDUE_SUPERVISOR]


def test_a_pending_item_is_reminded_then_overdue_then_escalated_and_filled_items_are_never_chased(
    caseworker, household, supervisor, office
):
    placement = place(caseworker, household, medication=Placement.Medication.ALL_CAME, now=MONDAY_10)
    fill_all_but(placement, caseworker, {"court"}, now=chicago(2027, 3, 2, 9))
    court = DisclosureItem.objects.get(disclosure__placement=placement, entry__code="court")
    manager = office.program_manager

    assert sweep_twice(WEDNESDAY_REMIND - timedelta(minutes=1)) == 0
    assert sweep_twice(WEDNESDAY_REMIND) == 1
    assert chased(caseworker, ITEM) == [Notification.Kind.DUE_SOON]
    assert Notification.objects.get(kind=Notification.Kind.DUE_SOON).commitment.subject == court

    assert sweep_twice(WEDNESDAY_DUE) == 2
    assert chased(caseworker, ITEM) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, ITEM) == [Notification.Kind.OVERDUE_SUPERVISOR]

    assert sweep_twice(THURSDAY_ESCALATE - timedelta(minutes=1)) == 0
    assert sweep_twice(THURSDAY_ESCALATE) == 1
    assert chased(manager, ITEM) == [Notification.Kind.ESCALATED]
    # Ten items were settled on Tuesday: not one notice about them.
    filled = Commitment.objects.filter(standard__code=ITEM, status=Commitment.Status.MET)
    assert filled.count() == 10
    assert not Notification.objects.filter(commitment__in=filled).exists()


def test_an_item_filled_after_its_deadline_is_met_late_and_no_longer_chased(caseworker, household, supervisor, office):
    placement = place(caseworker, household, medication=Placement.Medication.ALL_CAME, now=MONDAY_10)
    fill_all_but(placement, caseworker, {"visitation"}, now=chicago(2027, 3, 2, 9))
    sweep_twice(WEDNESDAY_DUE)
    visitation = DisclosureItem.objects.select_related("entry", "disclosure__placement").get(
        disclosure__placement=placement, entry__code="visitation"
    )
    services.update_item(
        actor=caseworker, item=visitation, status="known", content="Saturdays 10–12 at the county office", revision=0,
        now=chicago(2027, 3, 4, 9),
    )
    kept = promise(visitation, ITEM)
    assert (kept.status, kept.late) == (Commitment.Status.MET, True)
    assert sweep_twice(THURSDAY_ESCALATE) == 0
    assert chased(office.program_manager) == []


def test_medication_arranged_before_the_reminder_is_never_chased(caseworker, household, supervisor, office):
    placement = place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    services.record_medication_sorted(actor=caseworker, placement=placement, note="Walgreens has the refill", now=chicago(2027, 3, 1, 14))
    for moment in (MONDAY_REMIND, MONDAY_DUE, TUESDAY_ESCALATE, chicago(2027, 3, 9, 12)):
        sweep_twice(moment)
    assert [chased(p, MEDICATION) for p in (caseworker, supervisor, office.program_manager)] == [[], [], []]
    assert promise(placement, MEDICATION).late is False


def test_a_sweep_that_runs_late_tells_owner_supervisor_and_next_level_but_sends_no_reminder(caseworker, household, supervisor, office):
    place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    assert sweep_twice(chicago(2027, 3, 2, 17, 30)) == 3
    assert chased(caseworker, MEDICATION) == [Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, MEDICATION) == [Notification.Kind.OVERDUE_SUPERVISOR]
    assert chased(office.program_manager, MEDICATION) == [Notification.Kind.ESCALATED]


def test_an_ended_placement_is_not_chased(caseworker, household, supervisor, office):
    placement = place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    services.end_placement(actor=caseworker, placement=placement, ended_on=MONDAY_10.date(), end_reason="relative", now=chicago(2027, 3, 1, 11))
    for moment in (MONDAY_REMIND, MONDAY_DUE, TUESDAY_ESCALATE, WEDNESDAY_REMIND, WEDNESDAY_DUE, THURSDAY_ESCALATE):
        assert sweep_twice(moment) == 0
    assert Notification.objects.filter(kind__in=CHASING).count() == 0


def test_a_shared_need_is_checked_back_within_five_business_days_or_the_supervisor_hears(
    caseworker, household, resource_parent, supervisor
):
    placement = place(caseworker, household, medication=Placement.Medication.ALL_CAME, now=MONDAY_10)
    fill_all_but(placement, caseworker, set(), now=MONDAY_10)
    referral = services.propose_need(actor=caseworker, placement=placement, need="Winter coat", source="Closet", now=MONDAY_10)
    services.answer_need(user=resource_parent, referral=referral, consent=True, now=MONDAY_10)
    services.share_need(actor=caseworker, referral=referral, now=chicago(2027, 3, 2, 9))
    check = promise(referral, NEED)
    assert check.due_at == chicago(2027, 3, 9, 17)
    assert sweep_twice(chicago(2027, 3, 9, 14, 59)) == 0
    assert sweep_twice(chicago(2027, 3, 9, 15)) == 1
    assert sweep_twice(chicago(2027, 3, 9, 17)) == 2
    assert chased(caseworker, NEED) == [Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE_OWNER]
    assert chased(supervisor, NEED) == [Notification.Kind.OVERDUE_SUPERVISOR]


# --- Who is chased --------------------------------------------------------------------------------


def test_while_the_caseworker_is_away_the_covering_colleague_owns_the_new_promises_and_is_chased(
    caseworker, colleague, household, supervisor
):
    record_absence(worker=caseworker, cover=colleague, starts_on=MONDAY_10.date(), ends_on=chicago(2027, 3, 5, 12).date(),
                   actor=caseworker, now=chicago(2027, 2, 26, 12))
    # Ms. Shah covers Mr. Reed's caseload today, so she may place his child.
    child = ChildFactory(first_name="Xiomara", last_name="Quintero-Vasquez", caseworker=caseworker)
    placement = services.place_children(
        actor=colleague, household=household, children=[child], started_on=MONDAY_10.date(),
        medication={child.pk: Placement.Medication.DID_NOT_COME}, now=MONDAY_10,
    )[0]
    # The clothing allowance placing a child opens is the fiscal office's promise, not the caseworker's.
    owed = Commitment.objects.filter(household=household).exclude(standard__code="clothing-allowance")
    assert owed.count() == 12
    assert {(c.owner, c.covering_for) for c in owed} == {(colleague, caseworker)}

    sweep_twice(MONDAY_DUE)
    assert chased(colleague, MEDICATION) == [Notification.Kind.OVERDUE_OWNER]  # a late sweep: no reminder
    assert chased(caseworker) == []
    assert chased(supervisor, MEDICATION) == [Notification.Kind.OVERDUE_SUPERVISOR]

    # She fills an item; it is met. Setting it back to pending opens a promise she owns too.
    health = DisclosureItem.objects.select_related("entry", "disclosure__placement").get(disclosure__placement=placement, entry__code="health")
    services.update_item(actor=colleague, item=health, status="known", content="Asthma", revision=0, now=chicago(2027, 3, 2, 9))
    services.update_item(actor=colleague, item=health, status="pending", content="", revision=1, now=chicago(2027, 3, 2, 10))
    reopened = Commitment.objects.get(standard__code=ITEM, subject_id=health.pk, status=Commitment.Status.OPEN)
    assert (reopened.owner, reopened.covering_for) == (colleague, caseworker)


def test_the_chasing_e_mails_name_the_family_and_never_the_child(
    caseworker, household, supervisor, office, django_capture_on_commit_callbacks
):
    place(caseworker, household, medication=Placement.Medication.DID_NOT_COME, now=MONDAY_10)
    mail.outbox.clear()
    for moment in (MONDAY_REMIND, MONDAY_DUE, TUESDAY_ESCALATE, WEDNESDAY_REMIND):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_twice(moment)
    # Monday: reminder, overdue ×2; Tuesday: escalation; Wednesday: the eleven items' reminders.
    assert len(mail.outbox) == 1 + 2 + 1 + 11
    assert {m.to[0] for m in mail.outbox} == {caseworker.email, supervisor.email, office.program_manager.email}
    for message in mail.outbox:
        text = " ".join([message.subject, message.body] + [html for html, _type in message.alternatives])
        assert "The Garcia family" in message.body
        assert "Xiomara" not in text and "Quintero" not in text
        assert "/promises/" in message.body
