from django.contrib import admin

from .models import ClosureDay, Commitment, CommitmentEvent, ServiceStandard


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    list_display = [
        "name", "code", "business_days", "remind_office_hours_before", "escalate_after_business_days", "target_percent", "exceeded_percent"
    ]
    list_editable = ["target_percent", "exceeded_percent"]
    search_fields = ["name", "code"]


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["day", "reason"]
    date_hierarchy = "day"


class CommitmentEventInline(admin.TabularInline):
    model = CommitmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "from_owner", "to_owner", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["standard", "household", "owed_to_name", "owner", "due_at", "status", "late"]
    list_filter = ["status", "standard", "late"]
    search_fields = ["household__name", "owed_to_name", "owner__email"]
    readonly_fields = [f.name for f in Commitment._meta.fields]
    inlines = [CommitmentEventInline]

    def has_add_permission(self, request):
        return False  # promises are opened by the work that makes them, with a deadline from the calendar
