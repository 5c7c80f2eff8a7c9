from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from portal.followups.registry import register_subject

        from django.urls import reverse

        from .models import CallbackRequest, ContactRecord, Thread

        thread_url = lambda thread: reverse("messaging:thread", args=[thread.pk])  # noqa: E731
        register_subject(
            Thread,
            family_title=lambda thread: _("Our reply to “%(subject)s”") % {"subject": thread.subject},
            staff_title=lambda thread: _("Reply to %(household)s: “%(subject)s”") % {"household": thread.household, "subject": thread.subject},
            family_url=thread_url,
            staff_url=thread_url,
            queryset=lambda: Thread.objects.select_related("household"),
        )
        register_subject(
            CallbackRequest,
            family_title=lambda callback: callback.family_title,
            staff_title=lambda callback: callback.staff_title,
            family_url=lambda callback: reverse("messaging:family_home"),
            staff_url=lambda callback: reverse("messaging:callback", args=[callback.pk]),
            queryset=lambda: CallbackRequest.objects.select_related("household"),
        )
        register_subject(
            ContactRecord,
            family_title=lambda record: record.family_title,
            staff_title=lambda record: record.staff_title,
            queryset=lambda: ContactRecord.objects.select_related("household"),
        )
