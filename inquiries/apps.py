from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Inquiries")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext

        from portal.followups.registry import register_subject

        from .models import Inquiry, NextStep

        register_subject(
            Inquiry,
            family_title=lambda inquiry: gettext("Your inquiry"),
            staff_title=lambda inquiry: gettext("Inquiry from %(name)s") % {"name": inquiry.name},
            staff_url=lambda inquiry: reverse("inquiries:detail", args=[inquiry.pk]),
            queryset=lambda: Inquiry.objects.all(),
        )
        register_subject(
            NextStep,
            family_title=lambda step: step.description,
            staff_title=lambda step: gettext("%(step)s — %(name)s") % {"step": step.description, "name": step.inquiry.name},
            staff_url=lambda step: reverse("inquiries:detail", args=[step.inquiry_id]),
            queryset=lambda: NextStep.objects.select_related("inquiry"),
        )
