"""Messaging in the admin: look things up; the tone guide and saved replies are edited here.

Conversations, call-backs and ratings are read-only: every change to them opens or meets
a promise in the ledger, so it goes through messaging.services from the portal's pages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import CallAttempt, CallbackRequest, ContactRecord, Message, SavedReply, Thread, ThreadRating, TonePhrase


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["sent_at", "kind", "author", "from_family", "to_user", "body"]
    readonly_fields = fields


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["subject", "household", "topic", "assigned_to", "last_message_at", "closed_at"]
    list_filter = ["topic", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "household__name"]
    list_select_related = ["household", "assigned_to"]
    date_hierarchy = "last_message_at"
    fields = [
        "subject",
        "household",
        "topic",
        "assigned_to",
        "started_by",
        "started_at",
        "last_message_at",
        "awaiting_reply_since",
        "first_family_message_at",
        "first_reply_at",
        "first_reply_by",
        "closed_at",
        "closed_by",
    ]
    readonly_fields = fields
    inlines = [MessageInline]


class CallAttemptInline(ReadOnlyInline):
    model = CallAttempt
    fields = ["called_at", "outcome", "called_by", "note"]
    readonly_fields = fields


@admin.register(CallbackRequest)
class CallbackRequestAdmin(ReadOnlyAdmin):
    list_display = ["household", "assigned_to", "status", "requested_at", "reached_at"]
    list_filter = ["status"]
    search_fields = ["household__name", "reason"]
    list_select_related = ["household", "assigned_to"]
    fields = ["household", "requested_by", "assigned_to", "phone", "good_times", "reason", "requested_at", "status", "reached_at"]
    readonly_fields = fields
    inlines = [CallAttemptInline]


@admin.register(TonePhrase)
class TonePhraseAdmin(admin.ModelAdmin):
    """The tone guide staff see as they write: the agency changes it here, in each language."""

    list_display = ["phrase", "alternative", "language", "active"]
    list_display_links = ["phrase"]
    list_editable = ["alternative", "active"]
    list_filter = ["language", "active"]
    search_fields = ["phrase", "alternative"]


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "language", "updated_by", "updated_at"]
    list_filter = ["team", "language"]
    search_fields = ["title", "body"]
    list_select_related = ["team", "updated_by"]
    fields = ["team", "language", "title", "body"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ThreadRating)
class ThreadRatingAdmin(ReadOnlyAdmin):
    list_display = ["thread", "score", "rated_by", "rated_at", "has_comment"]
    list_filter = ["score"]
    search_fields = ["thread__subject", "thread__household__name", "comment"]
    list_select_related = ["thread", "rated_by"]
    fields = ["thread", "score", "comment", "rated_by", "rated_at"]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("comment"))
    def has_comment(self, rating):
        return bool(rating.comment)


@admin.register(ContactRecord)
class ContactRecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "household", "received_at", "recorded_by"]
    list_filter = ["kind"]
