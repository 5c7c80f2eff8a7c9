from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin

from .models import WeeklyDigest


@admin.register(WeeklyDigest)
class WeeklyDigestAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "week_of", "overdue", "due_this_week", "sent_at"]
    list_filter = ["week_of"]
    search_fields = ["recipient__email", "recipient__last_name"]
