"""The demo agency (`make run`): shows every messaging state, and loading it twice changes nothing."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from messaging.models import CallbackRequest, SavedReply, Thread, ThreadRating
from placements.models import Child, Placement
from portal import business_days
from portal.accounts.models import Absence, Household, User
from portal.followups.models import Commitment

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
