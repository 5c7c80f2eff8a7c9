from django.contrib import admin

from .models import ContactLog, Inquiry, NextStep, StageChange


class ContactLogInline(admin.TabularInline):
    model = ContactLog
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "note", "at", "by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """Read-only: changes go through the worker's pages, which keep the ledger right."""

    list_display = ["name", "county", "interest", "stage", "worker", "received_at", "first_contact_at"]
    list_filter = ["stage", "interest", "county", "language"]
    search_fields = ["name", "email", "phone"]
    inlines = [ContactLogInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(NextStep)
class NextStepAdmin(admin.ModelAdmin):
    list_display = ["description", "inquiry", "promised_at", "done_at"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(StageChange)
