"""The demo agency (`make run`): shows every messaging and inquiry state, and loading it twice changes nothing."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import ClosedReason, ContactLog, Inquiry, Interest, Stage
from messaging.models import CallbackRequest, SavedReply, Thread, ThreadRating
from placements.models import Child, Placement
from portal import business_days
from portal.accounts.models import Absence, Household, User
from portal.followups.models import Commitment
from tests.conftest import chicago

DEMO_MODELS = [
    "accounts.User",
    "accounts.Household",
    "accounts.Absence",
    "placements.Child",
    "placements.Placement",
    "messaging.Thread",
    "messaging.Message",
    "messaging.ThreadRating",
    "messaging.CallbackRequest",
    "messaging.SavedReply",
    "messaging.ContactRecord",
    "followups.Commitment",
    "notifications.Notification",
    "inquiries.Inquiry",
    "inquiries.ContactLog",
    "inquiries.StageChange",
    "inquiries.NextStep",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in DEMO_MODELS}


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_the_demo_twice_changes_nothing(db):
    _load()
    first = _counts()
    _load()
    assert _counts() == first
    assert first["messaging.Thread"] == 4
    assert first["inquiries.Inquiry"] == 9


def test_the_demo_shows_each_kind_of_conversation_and_who_covers(db):
    output = _load()
    now = timezone.now()
    reed, shah = User.objects.get(email="caseworker@demo.agency"), User.objects.get(email="caseworker2@demo.agency")

    absence = Absence.objects.get(worker=reed)
    assert absence.cover == shah
    assert absence.starts_on <= business_days.local_date(now) <= absence.ends_on
    assert "Mr. Reed is away until" in output and "Ms. Shah covers" in output

    assert all(household.fiscal_contact.email == "fiscal@demo.agency" for household in Household.objects.all())
    assert Placement.objects.filter(ended_on__isnull=True).count() == Child.objects.count() == 4

    waiting = Thread.objects.get(subject="Jordan's inhaler prescription")
    promise = Commitment.objects.get(subject_id=waiting.pk, subject_type__model="thread")
    assert (waiting.assigned_to, promise.owner, promise.covering_for, promise.status) == (reed, shah, reed, Commitment.Status.OPEN)
    assert promise.due_at > now

    answered = Thread.objects.get(subject="Ayuda para ropa de Maya y Leo")
    assert answered.first_reply_by.email == "fiscal@demo.agency"
    assert answered.read_states.filter(user__email="garcia@demo.family", last_read_at__gte=answered.last_message_at).exists()
    met = Commitment.objects.get(subject_id=answered.pk, subject_type__model="thread")
    assert met.status == Commitment.Status.MET and not met.late

    overdue = Thread.objects.get(subject="Training hours before our renewal")
    late = Commitment.objects.get(subject_id=overdue.pk, subject_type__model="thread")
    assert late.status == Commitment.Status.OPEN and late.due_at < now

    rated = ThreadRating.objects.get()
    assert rated.thread.closed_at is not None and rated.score == 5

    assert CallbackRequest.objects.filter(status=CallbackRequest.Status.OPEN).count() == 1
    assert sorted(SavedReply.objects.values_list("language", flat=True)) == ["en", "en", "es"]


def _first_contact(inquiry: Inquiry) -> Commitment:
    return Commitment.objects.get(subject_type__model="inquiry", subject_id=inquiry.pk)


def test_the_demo_inquiries_take_turns_and_fill_the_funnel(db):
    output = _load()
    now = timezone.now()
    inquiries = list(Inquiry.objects.order_by("received_at"))
    miller, ortiz = User.objects.get(email="resource.worker@demo.agency"), User.objects.get(email="resource.worker2@demo.agency")

    # Round robin: the two resource workers take turns, oldest inquiry first.
    assert [inquiry.worker for inquiry in inquiries] == [miller, ortiz] * 4 + [miller]
    assert inquiries[0].received_at < now - timedelta(days=80)
    assert {inquiry.language for inquiry in inquiries} == {"en", "es"}
    assert Inquiry.objects.filter(interest=Interest.KINSHIP).count() == 1
    assert "money" in Inquiry.objects.get(email="darnell.brooks@example.org").questions

    promises = {inquiry.email or inquiry.phone: _first_contact(inquiry) for inquiry in inquiries}
    late = [key for key, promise in promises.items() if promise.late]
    waiting = [key for key, promise in promises.items() if promise.status == Commitment.Status.OPEN]
    assert late == ["kevin.oneal@example.org"] and waiting == ["aisha.coleman@example.org"]
    assert promises[waiting[0]].due_at > now
    assert sum(promise.status == Commitment.Status.MET and not promise.late for promise in promises.values()) == 7

    # The voicemail was logged but did not count; he sent the form again and joined his own inquiry.
    kevin = Inquiry.objects.get(email="kevin.oneal@example.org")
    assert list(kevin.contacts.values_list("kind", flat=True)) == [ContactLog.Kind.VOICEMAIL, ContactLog.Kind.INQUIRED_AGAIN, ContactLog.Kind.SPOKE]
    assert kevin.times_received == 2 and kevin.first_contact_at > kevin.first_contact_due_at

    assert Inquiry.objects.get(stage=Stage.CLOSED).closed_reason == ClosedReason.NOT_READY
    licensed = Inquiry.objects.get(stage=Stage.LICENSED)
    assert licensed.interest == Interest.KINSHIP and not licensed.next_steps.filter(done_at__isnull=True).exists()
    applying = Inquiry.objects.get(stage=Stage.APPLICATION)
    step = applying.next_steps.get(done_at__isnull=True)
    step_promise = Commitment.objects.get(subject_type__model="nextstep", subject_id=step.pk)
    assert applying.language == "es" and step_promise.status == Commitment.Status.OPEN and step_promise.due_at > now

    # Nothing overdue is left open: the sweep has nothing to chase when the demo starts.
    assert not Commitment.objects.filter(status=Commitment.Status.OPEN, due_at__lt=now, owed_to_name__gt="").exists()

    # The printed private link opens the waiting inquirer's status page.
    link = re.search(r"http://\S+/inquire/status/(\S+)/", output)
    assert link and inquiry_services.inquiry_from_token(link.group(1)).email == "aisha.coleman@example.org"
    assert "Aisha Coleman sent an inquiry and is waiting for a first call from Ms. Miller by" in output


@pytest.mark.parametrize(
    "moment",
    [
        chicago(2026, 11, 16, 0, 30),  # a Monday just after midnight
        chicago(2026, 11, 20, 17, 30),  # a Friday after the office closes
        chicago(2026, 11, 25, 16, 0),  # the eve of Thanksgiving
        chicago(2027, 1, 2, 11, 0),  # a Saturday just after New Year
    ],
)
def test_the_demo_inquiries_happen_in_the_past_whatever_day_it_is_loaded(db, time_machine, moment):
    time_machine.move_to(moment, tick=False)
    _load()
    assert not ContactLog.objects.filter(at__gt=moment).exists()
    assert Inquiry.objects.filter(stage=Stage.NEW).count() == 1
    assert Commitment.objects.filter(status=Commitment.Status.OPEN, owed_to_name__gt="", due_at__lt=moment).count() == 0
    assert Commitment.objects.filter(late=True, owed_to_name__gt="").count() == 1
