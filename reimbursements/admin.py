"""The administrator keeps the rates here: daily board, the clothing allowance, mileage, and each placement's level of care.

Payments and claims are shown read-only: every change to money goes through the portal's pages
and services, which record it in the payment's history and the audit log.
"""

from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import BoardPayment, BoardPaymentEvent, BoardRate, Claim, ClaimEvent, ClothingAllowanceRate, MileageRate, PlacementCare


@admin.register(BoardRate)
class BoardRateAdmin(admin.ModelAdmin):
    list_display = ["level_of_care", "min_age", "max_age", "daily_rate", "effective_from"]
    list_filter = ["level_of_care", "effective_from"]
    ordering = ["level_of_care", "min_age", "-effective_from"]


@admin.register(ClothingAllowanceRate)
class ClothingAllowanceRateAdmin(admin.ModelAdmin):
    list_display = ["min_age", "max_age", "amount", "effective_from"]
    list_filter = ["effective_from"]


@admin.register(MileageRate)
class MileageRateAdmin(admin.ModelAdmin):
    list_display = ["per_mile", "effective_from"]


@admin.register(PlacementCare)
class PlacementCareAdmin(admin.ModelAdmin):
    list_display = ["placement", "level_of_care"]
    list_filter = ["level_of_care"]
    search_fields = ["placement__household__name", "placement__child__first_name", "placement__child__last_name"]
    list_select_related = ["placement__child", "placement__household"]
    raw_id_fields = ["placement"]


class BoardPaymentEventInline(ReadOnlyInline):
    model = BoardPaymentEvent
    fields = ["at", "actor", "status", "note"]
    readonly_fields = fields


@admin.register(BoardPayment)
class BoardPaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "household", "month", "nights", "amount", "status", "expected_on", "paid_on"]
    list_filter = ["status", "month"]
    search_fields = ["household__name", "payment_number"]
    list_select_related = ["household"]
    exclude = ["placement"]  # the child is not fiscal staff's business; the family and month are
    inlines = [BoardPaymentEventInline]


class ClaimEventInline(ReadOnlyInline):
    model = ClaimEvent
    fields = ["at", "actor", "status", "reason", "note"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["reference", "household", "kind", "status", "amount", "submitted_at", "clerk", "paid_on"]
    list_filter = ["status", "kind"]
    search_fields = ["household__name", "payment_number"]
    list_select_related = ["household", "clerk"]
    fields = ["household", "kind", "status", "amount", "submitted_at", "clerk", "info_reason", "denial_reason", "decided_at", "paid_on", "payment_number"]
    inlines = [ClaimEventInline]
