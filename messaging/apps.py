from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from portal.followups.registry import register_subject

        from .models import ContactRecord

        register_subject(
            ContactRecord,
            family_title=lambda record: record.family_title,
            staff_title=lambda record: record.staff_title,
            queryset=lambda: ContactRecord.objects.select_related("household"),
        )
