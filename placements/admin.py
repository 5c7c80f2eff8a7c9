from django.contrib import admin

from .models import Child, Placement


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    autocomplete_fields = ["household"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date_of_birth", "caseworker"]
    search_fields = ["first_name", "last_name"]
    list_filter = ["caseworker"]
    inlines = [PlacementInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["child", "household", "started_on", "ended_on"]
    list_filter = ["ended_on"]
    search_fields = ["child__first_name", "child__last_name", "household__name"]
    autocomplete_fields = ["child", "household"]
