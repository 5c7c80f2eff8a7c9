"""The one place that says who may see and do what in messaging.

A family sees its household's conversations. Staff see the conversations they hold, the
ones they were brought into, the ones of a colleague they cover today, and a supervisor
those of their team. Anyone else gets a 404, never a 403 (HOUSE_STYLE §3).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from portal.accounts.models import Role
from portal.accounts.policies import may_see_family_data, staff_scope

from .models import CallbackRequest, Participant, SavedReply, Thread


def visible_threads(user, *, now: datetime | None = None) -> QuerySet[Thread]:
    if not may_see_family_data(user):
        return Thread.objects.none()
    if user.role == Role.RESOURCE_PARENT:
        return Thread.objects.filter(household_id=user.household_id)
    if user.role == Role.ADMINISTRATOR:
        return Thread.objects.all()
    if not user.is_agency_staff:
        return Thread.objects.none()
    brought_in = Participant.objects.filter(user=user).values("thread")
    return Thread.objects.filter(staff_scope(user, now, field="assigned_to") | Q(pk__in=brought_in))


def visible_callbacks(user, *, now: datetime | None = None) -> QuerySet[CallbackRequest]:
    if not may_see_family_data(user):
        return CallbackRequest.objects.none()
    if user.role == Role.RESOURCE_PARENT:
        return CallbackRequest.objects.filter(household_id=user.household_id)
    if user.role == Role.ADMINISTRATOR:
        return CallbackRequest.objects.all()
    if not user.is_agency_staff:
        return CallbackRequest.objects.none()
    return CallbackRequest.objects.filter(staff_scope(user, now, field="assigned_to"))


def visible_saved_replies(user) -> QuerySet[SavedReply]:
    if not may_see_family_data(user) or not user.is_agency_staff or not user.team_id:
        return SavedReply.objects.none()
    return SavedReply.objects.filter(team_id=user.team_id)


def is_family_member(user, thread: Thread) -> bool:
    return user.role == Role.RESOURCE_PARENT and user.household_id == thread.household_id


def can_write(user, thread: Thread) -> bool:
    """Everyone who can see a conversation can write in it (staff notes are for staff only)."""
    return visible_threads(user).filter(pk=thread.pk).exists()


def can_transfer(user, thread: Thread, *, now: datetime | None = None) -> bool:
    """Whoever holds the conversation (or covers for them, or supervises them) can pass it on."""
    if not user.is_agency_staff or not may_see_family_data(user):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return Thread.objects.filter(staff_scope(user, now, field="assigned_to"), pk=thread.pk).exists()


def can_close(user, thread: Thread) -> bool:
    return thread.closed_at is None and can_write(user, thread)


def can_rate(user, thread: Thread) -> bool:
    return is_family_member(user, thread) and thread.closed_at is not None


def can_log_call(user, callback: CallbackRequest) -> bool:
    return user.is_agency_staff and visible_callbacks(user).filter(pk=callback.pk).exists()


def can_edit_saved_replies(user) -> bool:
    return user.is_agency_staff and may_see_family_data(user) and user.team_id is not None
