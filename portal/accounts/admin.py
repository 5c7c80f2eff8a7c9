from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Absence, County, Household, Invitation, Office, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "title", "first_name", "last_name", "role", "team", "household", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("title", "first_name", "last_name", "phone", "language")}),
        (_("Role"), {"fields": ("role", "team", "household")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "licence_number", "licence_status", "county", "resource_worker", "fiscal_contact"]
    list_filter = ["licence_status", "county"]
    search_fields = ["name", "licence_number"]
    list_select_related = ["county", "resource_worker", "fiscal_contact"]
    autocomplete_fields = ["resource_worker", "fiscal_contact"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "supervisor"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "program_manager", "phone"]


admin.site.register(County)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["worker", "starts_on", "ends_on", "cover", "cancelled_at"]
    list_filter = ["starts_on"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "household", "invited_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_user"]
