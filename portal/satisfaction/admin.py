from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin

from .models import SurveyAnswer


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnlyAdmin):
    """Answers only: who was asked stays out of the admin, so an answer cannot be matched to a family there."""

    list_display = ["answered_at", "occasion", "office", "score", "may_contact"]
    list_filter = ["occasion", "office", "score"]
