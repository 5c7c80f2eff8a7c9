"""The administrator edits the disclosure checklist here.

What is known about a child (disclosure items, medications, notes) is deliberately not in the
admin: every read of it must go through the portal's pages, which write it to the audit log.
"""

from django.contrib import admin

from .models import ChecklistEntry, Child, Event, NeedReferral, Placement, RespiteGrant


@admin.register(ChecklistEntry)
class ChecklistEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "title_es", "kind", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active", "kind"]
    search_fields = ["code", "title", "title_es"]

    def get_readonly_fields(self, request, obj=None):
        # Code keys the seeded defaults; once items use an entry, its kind decides how they are stored.
        return ["code", "kind"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Items of past placements point at their entry: retire an entry ("in use" off) instead.
        return False


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    fields = ["household", "started_on", "planned_end_on", "ended_on", "end_reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # placements are made in the portal, which opens the disclosure and its promises


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["__str__", "preferred_name", "date_of_birth", "caseworker"]
    search_fields = ["first_name", "last_name", "preferred_name"]
    list_filter = ["caseworker"]
    fields = ["first_name", "preferred_name", "last_name", "date_of_birth", "languages", "caseworker", "siblings"]
    autocomplete_fields = ["siblings"]
    inlines = [PlacementInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["child", "household", "started_on", "ended_on", "medication"]
    list_filter = ["ended_on", "medication"]
    search_fields = ["child__first_name", "child__last_name", "household__name"]
    readonly_fields = ["child", "household", "started_on", "ended_on", "end_reason", "placed_at", "placed_by", "medication",
                       "medication_sorted_at", "medication_sorted_note"]
    fields = readonly_fields + ["planned_end_on"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RespiteGrant)
class RespiteGrantAdmin(admin.ModelAdmin):
    list_display = ["provider_name", "placement", "starts_at", "expires_at", "revoked_at", "granted_by"]
    list_filter = ["revoked_at"]
    exclude = ["token_hash"]
    readonly_fields = ["placement", "provider_name", "provider_email", "entries", "starts_at", "expires_at", "granted_by", "granted_at", "revoked_at"]

    def has_add_permission(self, request):
        return False


@admin.register(NeedReferral)
class NeedReferralAdmin(admin.ModelAdmin):
    list_display = ["need", "source", "status", "proposed_at", "consent_at", "shared_at"]
    list_filter = ["status"]
    readonly_fields = ["placement", "need", "source", "status", "proposed_by", "proposed_at", "consent_by", "consent_at",
                       "shared_at", "outcome_at", "outcome_note"]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """For lookup: events are scheduled, moved and cancelled in the portal, which tells every invitee."""

    list_display = ["kind", "starts_at", "household", "organiser", "status", "late_notice"]
    list_filter = ["kind", "status", "late_notice"]
    search_fields = ["household__name", "place"]
    date_hierarchy = "starts_at"
    exclude = ["purpose", "outcome"]  # what is said about the child stays on the audited pages
    readonly_fields = [f.name for f in Event._meta.fields if f.name not in ("purpose", "outcome", "id")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
