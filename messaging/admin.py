from django.contrib import admin

from .models import ContactRecord


@admin.register(ContactRecord)
class ContactRecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "household", "received_at", "recorded_by"]
    list_filter = ["kind"]
