from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "household_id", "ip"]
    list_filter = ["action", "object_type", "actor__role"]
    # Search by a person's e-mail or name, an action, a record id, "=42" for household 42's lines, or an address.
    search_fields = ["action", "object_id", "actor__email", "actor__last_name", "=household_id", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
