"""Every write messaging makes: conversations, replies, transfers, ratings and call-backs.

The promises: answer a family's message within one business day, return a call within
one business day (agency pledge; the standards are rows, see portal.followups).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Household, Role, User
from portal.accounts.policies import visible_households
from portal.followups.services import (
    meet_commitments_for,
    open_commitment,
    open_commitments_for,
    reassign_commitment,
    withdraw_commitments_for,
)
from portal.notifications.models import Notification
from portal.notifications.services import NotificationSpec, queue_notifications
from portal.satisfaction import services as surveys
from portal.satisfaction.models import Occasion

from . import policies, routing
from .attachments import CheckedFile
from .models import (
    MAX_MESSAGE_LENGTH,
    Attachment,
    CallAttempt,
    CallbackRequest,
    ContactRecord,
    Message,
    Participant,
    ReadState,
    SavedReply,
    Thread,
    ThreadRating,
    Topic,
)

REPLY_STANDARD = "message-reply"
CALLBACK_STANDARD = "return-call"


def _clean_body(body: str, *, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Write a message before sending.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {
                field: _(
                    "Messages can be up to %(limit)s characters; this one has %(count)s. Split it in two, or attach a document."
                )
                % {"limit": MAX_MESSAGE_LENGTH, "count": len(body)}
            }
        )
    return body


def _family_members(household_id: int) -> list[User]:
    return list(User.objects.filter(household_id=household_id, role=Role.RESOURCE_PARENT, is_active=True))


def _thread_link(thread: Thread) -> str:
    return reverse("messaging:thread", args=[thread.pk])


def _context(thread_or_callback, *, due_at: datetime | None = None, **extra) -> dict:
    # Names of the family and the worker and a date: never the message text or a child's name.
    context = {"owed_to": str(thread_or_callback.household), "owner": str(thread_or_callback.assigned_to)}
    if due_at is not None:
        context["due_at"] = due_at.isoformat()
    return context | extra


# --- Conversations -------------------------------------------------------------------


@transaction.atomic
def start_thread(
    *,
    household: Household,
    topic: str,
    subject: str,
    body: str,
    author: User,
    about=None,
    attachments: list[CheckedFile] = (),
    submission_key: uuid.UUID | None = None,
    assign_to: User | None = None,
    now: datetime | None = None,
) -> Thread:
    """Start a conversation. A family's goes to the person responsible (routing.py) and opens the reply promise.

    Other capabilities (a question about a disclosure item, a claim that needs information)
    call this too, with ``about`` set to their object.
    """
    now = now or timezone.now()
    if submission_key is not None:
        earlier = Message.objects.filter(submission_key=submission_key).select_related("thread").first()
        if earlier is not None:
            return earlier.thread
    if author.role == Role.RESOURCE_PARENT:
        if author.household_id != household.pk:
            raise PermissionDenied(_("You can only write about your own family."))
    elif not author.is_agency_staff or not visible_households(author).filter(pk=household.pk).exists():
        raise PermissionDenied(_("You cannot write to this family."))
    if topic not in Topic.values:
        raise ValidationError({"about": _("Choose what your message is about.")})
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Give your message a short subject.")})
    if len(subject) > 120:
        raise ValidationError({"subject": _("Keep the subject to 120 characters; put the rest in the message.")})
    body = _clean_body(body)
    if assign_to is None:
        assign_to = routing.route(household, topic, about) if author.role == Role.RESOURCE_PARENT else author
    thread = Thread.objects.create(
        household=household,
        topic=topic,
        subject=subject,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        assigned_to=assign_to,
        started_by=author,
        started_at=now,
        last_message_at=now,
    )
    _add_message(thread, author=author, body=body, attachments=attachments, submission_key=submission_key, now=now)
    return thread


@transaction.atomic
def post_message(
    *,
    thread: Thread,
    author: User,
    body: str,
    attachments: list[CheckedFile] = (),
    submission_key: uuid.UUID | None = None,
    note_for_staff: bool = False,
    now: datetime | None = None,
) -> Message:
    """Add a message. From the family it opens (or joins) the reply promise; from staff it meets it.

    The thread row is locked first: two colleagues replying at once are both kept, in
    order, and the promise is met once, by the first.
    """
    now = now or timezone.now()
    if not policies.can_write(author, thread):
        raise PermissionDenied(_("You cannot write in this conversation."))
    if note_for_staff and not author.is_agency_staff:
        raise PermissionDenied(_("Only staff can add notes for staff."))
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if submission_key is not None:
        earlier = Message.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    body = _clean_body(body)
    return _add_message(
        thread, author=author, body=body, attachments=attachments, submission_key=submission_key, now=now, note=note_for_staff
    )


def _add_message(
    thread: Thread,
    *,
    author: User,
    body: str,
    attachments,
    submission_key,
    now: datetime,
    note: bool = False,
) -> Message:
    from_family = author.role == Role.RESOURCE_PARENT
    if len(attachments) > 5:
        raise ValidationError({"attachments": _("Attach up to 5 files to one message.")})
    if from_family and thread.closed_at is not None:
        _reopen(thread, actor=author, now=now)
    message = Message.objects.create(
        thread=thread,
        kind=Message.Kind.NOTE if note else Message.Kind.MESSAGE,
        author=author,
        from_family=from_family,
        body=body,
        sent_at=now,
        submission_key=submission_key,
    )
    for checked in attachments:
        attachment = Attachment(message=message, name=checked.name, content_type=checked.content_type, size=checked.size)
        attachment.file.save(checked.name, checked.file, save=False)
        attachment.save()
    fields = []
    if not note:
        # A note for staff is not news for the family: it does not make the thread unread.
        thread.last_message_at = now
        fields.append("last_message_at")
    if from_family:
        fields += _family_wrote(thread, now=now)
    elif not note:
        fields += _staff_replied(thread, author=author, now=now)
    if fields:
        thread.save(update_fields=fields)
    mark_read(thread=thread, user=author, now=now)
    if not note:
        # Bring the conversation back into everyone's inbox who archived it.
        ReadState.objects.filter(thread=thread, archived_at__isnull=False).exclude(user=author).update(archived_at=None)
    return message


def _family_wrote(thread: Thread, *, now: datetime) -> list[str]:
    """The first family message of a run opens the reply promise; the rest of the run shares it."""
    fields = []
    if thread.first_family_message_at is None:
        thread.first_family_message_at = now
        fields.append("first_family_message_at")
    if thread.awaiting_reply_since is None:
        thread.awaiting_reply_since = now
        fields.append("awaiting_reply_since")
    if not open_commitments_for(thread).exists():
        commitment = open_commitment(
            standard=REPLY_STANDARD,
            subject=thread,
            owner=thread.assigned_to,
            household=thread.household,
            received_at=now,
            now=now,
        )
        queue_notifications(
            [
                NotificationSpec(
                    recipient=commitment.owner,
                    kind=Notification.Kind.MESSAGE_FOR_STAFF,
                    commitment=commitment,
                    context=_context(thread, due_at=commitment.due_at),
                    link=_thread_link(thread),
                )
            ],
            now=now,
        )
    return fields


def _staff_replied(thread: Thread, *, author: User, now: datetime) -> list[str]:
    fields = []
    if thread.awaiting_reply_since is not None:
        thread.awaiting_reply_since = None
        fields.append("awaiting_reply_since")
    if thread.first_family_message_at is not None and thread.first_reply_at is None:
        thread.first_reply_at, thread.first_reply_by = now, author
        span = business_days.office_hours_between(thread.first_family_message_at, now)
        thread.first_reply_office_hours = Decimal(span.total_seconds() / 3600).quantize(Decimal("0.01"))
        fields += ["first_reply_at", "first_reply_by", "first_reply_office_hours"]
    meet_commitments_for(subject=thread, actor=author, now=now)
    queue_notifications(
        [
            NotificationSpec(
                recipient=member,
                kind=Notification.Kind.MESSAGE_FOR_FAMILY,
                context=_context(thread) | {"owner": str(author)},
                link=_thread_link(thread),
            )
            for member in _family_members(thread.household_id)
        ],
        now=now,
    )
    return fields


def _event(thread: Thread, *, kind: str, actor: User, now: datetime, to_user: User | None = None, note: str = "") -> Message:
    return Message.objects.create(
        thread=thread,
        kind=kind,
        author=actor,
        from_family=actor.role == Role.RESOURCE_PARENT,
        to_user=to_user,
        body=note,
        sent_at=now,
    )


def _reopen(thread: Thread, *, actor: User, now: datetime) -> None:
    thread.closed_at, thread.closed_by = None, None
    thread.save(update_fields=["closed_at", "closed_by"])
    _event(thread, kind=Message.Kind.REOPENED, actor=actor, now=now)


def mark_read(*, thread: Thread, user: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    updated = ReadState.objects.filter(thread=thread, user=user).update(last_read_at=now)
    if not updated:
        ReadState.objects.get_or_create(thread=thread, user=user, defaults={"last_read_at": now})


@transaction.atomic
def set_archived(*, thread: Thread, user: User, archived: bool, now: datetime | None = None) -> None:
    """Archive a conversation for oneself only; a new message brings it back."""
    now = now or timezone.now()
    if not policies.can_write(user, thread):
        raise PermissionDenied(_("You cannot see this conversation."))
    state, _created = ReadState.objects.get_or_create(thread=thread, user=user, defaults={"last_read_at": now})
    state.archived_at = now if archived else None
    state.save(update_fields=["archived_at"])


@transaction.atomic
def transfer_thread(*, thread: Thread, to_user: User, actor: User, note: str = "", now: datetime | None = None) -> Thread:
    """Pass a conversation to the right colleague. The family sees who has it now; the deadline does not move."""
    now = now or timezone.now()
    if not policies.can_transfer(actor, thread, now=now):
        raise PermissionDenied(_("Only the person who holds this conversation, their cover or their supervisor can pass it on."))
    if not to_user.is_agency_staff or not to_user.is_active:
        raise ValidationError({"to_user": _("Choose an active member of staff.")})
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.assigned_to_id == to_user.pk:
        raise ValidationError({"to_user": _("%(name)s already has this conversation.") % {"name": to_user}})
    note = (note or "").strip()[:500]
    thread.assigned_to = to_user
    thread.save(update_fields=["assigned_to"])
    for commitment in open_commitments_for(thread):
        reassign_commitment(commitment=commitment, to_owner=to_user, actor=actor, note=note, now=now)
    _tell_colleague(thread, kind=Message.Kind.TRANSFERRED, actor=actor, colleague=to_user, note=note, now=now)
    return thread


@transaction.atomic
def bring_in_colleague(
    *, thread: Thread, colleague: User, actor: User, note: str = "", now: datetime | None = None
) -> Participant:
    """Ask a colleague to help: they see and answer the conversation; it stays with its holder."""
    now = now or timezone.now()
    if not actor.is_agency_staff or not policies.can_write(actor, thread):
        raise PermissionDenied(_("You cannot bring colleagues into this conversation."))
    if not colleague.is_agency_staff or not colleague.is_active:
        raise ValidationError({"colleague": _("Choose an active member of staff.")})
    if colleague.pk == thread.assigned_to_id or Participant.objects.filter(thread=thread, user=colleague).exists():
        raise ValidationError({"colleague": _("%(name)s is already in this conversation.") % {"name": colleague}})
    participant = Participant.objects.create(thread=thread, user=colleague, added_by=actor, added_at=now)
    _tell_colleague(thread, kind=Message.Kind.COLLEAGUE_ADDED, actor=actor, colleague=colleague, note=note, now=now)
    return participant


def _tell_colleague(thread: Thread, *, kind: str, actor: User, colleague: User, note: str, now: datetime) -> None:
    """The event in the conversation (the family sees who has it; only staff see the note) and the colleague's notification."""
    _event(thread, kind=kind, actor=actor, to_user=colleague, note=(note or "").strip()[:500], now=now)
    queue_notifications(
        [
            NotificationSpec(
                recipient=colleague,
                kind=Notification.Kind.CONVERSATION_HANDED,
                context=_context(thread, **{"from": str(actor)}),
                link=_thread_link(thread),
            )
        ],
        now=now,
    )


@transaction.atomic
def close_thread(*, thread: Thread, actor: User, now: datetime | None = None) -> Thread:
    """Close a conversation. Staff cannot close one with a family message still unanswered."""
    now = now or timezone.now()
    if not policies.can_close(actor, thread):
        raise PermissionDenied(_("You cannot close this conversation."))
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.closed_at is not None:
        return thread
    if actor.is_agency_staff and thread.awaiting_reply_since is not None:
        raise ValidationError(_("The family is waiting for an answer. Reply before closing the conversation."))
    if not actor.is_agency_staff:
        withdraw_commitments_for(subject=thread, actor=actor, reason=_("The family closed the conversation."), now=now)
        thread.awaiting_reply_since = None
    thread.closed_at, thread.closed_by = now, actor
    thread.save(update_fields=["closed_at", "closed_by", "awaiting_reply_since"])
    _event(thread, kind=Message.Kind.CLOSED, actor=actor, now=now)
    surveys.ask_family(occasion=Occasion.CONVERSATION, household=thread.household, now=now)
    return thread


@transaction.atomic
def rate_thread(*, thread: Thread, actor: User, score: int, comment: str = "", now: datetime | None = None) -> ThreadRating:
    """The family's rating of a closed conversation (1 to 5). Rating again changes the first rating."""
    now = now or timezone.now()
    if not policies.can_rate(actor, thread):
        raise PermissionDenied(_("You can rate a conversation of your family once it is closed."))
    if score not in range(1, 6):
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    rating, _created = ThreadRating.objects.update_or_create(
        thread=thread, defaults={"rated_by": actor, "score": score, "comment": (comment or "").strip()[:1000], "rated_at": now}
    )
    return rating


# --- Call-backs --------------------------------------------------------------------


@transaction.atomic
def request_callback(
    *,
    household: Household,
    requested_by: User,
    phone: str,
    good_times: str = "",
    reason: str = "",
    to_user: User | None = None,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> CallbackRequest:
    """A family asks for a call instead of leaving a voicemail: returned within one business day."""
    now = now or timezone.now()
    if requested_by.role != Role.RESOURCE_PARENT or requested_by.household_id != household.pk:
        raise PermissionDenied(_("You can ask for a call for your own family only."))
    if submission_key is not None:
        earlier = CallbackRequest.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    phone = (phone or "").strip()
    if sum(ch.isdigit() for ch in phone) < 7:
        raise ValidationError({"phone": _("Enter a phone number we can call, with its area code.")})
    if to_user is None or not to_user.is_agency_staff or not to_user.is_active:
        to_user = routing.route(household, Topic.OTHER, None)
    callback = CallbackRequest.objects.create(
        household=household,
        requested_by=requested_by,
        assigned_to=to_user,
        phone=phone[:30],
        good_times=(good_times or "").strip()[:200],
        reason=(reason or "").strip()[:500],
        requested_at=now,
        submission_key=submission_key,
    )
    commitment = open_commitment(
        standard=CALLBACK_STANDARD,
        subject=callback,
        owner=to_user,
        household=household,
        received_at=now,
        actor=requested_by,
        now=now,
    )
    queue_notifications(
        [
            NotificationSpec(
                recipient=commitment.owner,
                kind=Notification.Kind.CALLBACK_REQUESTED,
                commitment=commitment,
                context=_context(callback, due_at=commitment.due_at),
                link=reverse("messaging:callback", args=[callback.pk]),
            )
        ],
        now=now,
    )
    return callback


@transaction.atomic
def log_call(*, callback: CallbackRequest, outcome: str, actor: User, note: str = "", now: datetime | None = None) -> CallAttempt:
    """Record a call to a family. Only reaching them keeps the promise; a voicemail does not."""
    now = now or timezone.now()
    if not policies.can_log_call(actor, callback):
        raise PermissionDenied(_("You cannot log calls for this request."))
    if outcome not in CallAttempt.Outcome.values:
        raise ValidationError({"outcome": _("Say how the call went.")})
    callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
    attempt = CallAttempt.objects.create(
        callback=callback, outcome=outcome, note=(note or "").strip()[:500], called_by=actor, called_at=now
    )
    if outcome == CallAttempt.Outcome.REACHED and callback.status == CallbackRequest.Status.OPEN:
        callback.status, callback.reached_at = CallbackRequest.Status.REACHED, now
        callback.save(update_fields=["status", "reached_at"])
        meet_commitments_for(subject=callback, actor=actor, now=now)
    return attempt


@transaction.atomic
def withdraw_callback(*, callback: CallbackRequest, actor: User, now: datetime | None = None) -> CallbackRequest:
    """The family no longer needs the call."""
    now = now or timezone.now()
    if actor.role != Role.RESOURCE_PARENT or actor.household_id != callback.household_id:
        raise PermissionDenied(_("You cannot cancel this request."))
    callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
    if callback.status == CallbackRequest.Status.OPEN:
        callback.status = CallbackRequest.Status.WITHDRAWN
        callback.save(update_fields=["status"])
        withdraw_commitments_for(subject=callback, actor=actor, reason=_("The family no longer needs the call."), now=now)
    return callback


# --- Saved replies -------------------------------------------------------------------


@transaction.atomic
def save_reply(*, actor: User, title: str, body: str, language: str, reply: SavedReply | None = None) -> SavedReply:
    """Write or change one of the team's saved replies."""
    if not policies.can_edit_saved_replies(actor) or (reply is not None and reply.team_id != actor.team_id):
        raise PermissionDenied(_("Saved replies belong to a team; you can change your own team's."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the saved reply a title.")})
    body = _clean_body(body)
    duplicate = SavedReply.objects.filter(team_id=actor.team_id, language=language, title__iexact=title)
    if reply is not None:
        duplicate = duplicate.exclude(pk=reply.pk)
    if duplicate.exists():
        raise ValidationError({"title": _("Your team already has a saved reply with this title.")})
    reply = reply or SavedReply(team_id=actor.team_id)
    reply.title, reply.body, reply.language, reply.updated_by = title, body, language, actor
    reply.save()
    return reply


@transaction.atomic
def delete_saved_reply(*, actor: User, reply: SavedReply) -> None:
    if not policies.can_edit_saved_replies(actor) or reply.team_id != actor.team_id:
        raise PermissionDenied(_("You can delete your own team's saved replies only."))
    reply.delete()


# --- Calls and letters recorded by staff ---------------------------------------------------


@transaction.atomic
def record_contact(
    *, household, kind: str, received_at: datetime, summary: str, actor, callback_number: str = "", now: datetime | None = None
) -> ContactRecord:
    """Log a call, voicemail or letter so its answer is promised (one business day; five for mail)."""
    now = now or timezone.now()
    if not actor.is_agency_staff or not visible_households(actor).filter(pk=household.pk).exists():
        raise PermissionDenied(_("You cannot record contact for this household."))
    if received_at > now:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    record = ContactRecord.objects.create(
        household=household,
        kind=kind,
        received_at=received_at,
        summary=summary,
        callback_number=callback_number,
        recorded_by=actor,
    )
    open_commitment(
        standard=ContactRecord.STANDARD_FOR_KIND[kind],
        subject=record,
        owner=actor,
        household=household,
        received_at=received_at,
        actor=actor,
        now=now,
    )
    return record
