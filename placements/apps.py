from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from django.utils.translation import gettext

        from messaging.models import Topic
        from messaging.routing import register_about

        from .models import Child

        # A family writes about a child placed with them, or that child's court date or
        # meeting; the child's caseworker answers.
        register_about(
            Child,
            topics=(Topic.CHILD, Topic.COURT),
            for_household=lambda household: Child.objects.filter(
                placements__household=household, placements__ended_on__isnull=True
            ).select_related("caseworker__team__supervisor"),
            responsible=lambda child: child.caseworker,
            label=lambda child: child.first_name,
            role=lambda child: gettext("%(child)s’s caseworker") % {"child": child.first_name},
        )
