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
            label=lambda child: child.called,
            role=lambda child: gettext("%(child)s’s caseworker") % {"child": child.called},
        )
        self._register_promises()

    def _register_promises(self):
        """Tell the ledger how to name and link what disclosure promises are about (shown in the portal, never e-mailed)."""
        from django.urls import reverse
        from django.utils.translation import gettext

        from portal.followups.registry import register_subject

        from .models import DisclosureItem, NeedReferral, Placement

        register_subject(
            DisclosureItem,
            family_title=lambda item: gettext("%(item)s for %(child)s") % {"item": item.entry.display_title, "child": item.disclosure.placement.child.called},
            staff_title=lambda item: gettext("Disclosure: %(item)s for %(child)s") % {"item": item.entry.display_title, "child": item.disclosure.placement.child},
            family_url=lambda item: reverse("placements:child", args=[item.disclosure.placement_id]),
            staff_url=lambda item: reverse("placements:edit_item", args=[item.pk]),
            queryset=lambda: DisclosureItem.objects.select_related("entry", "disclosure__placement__child"),
        )
        register_subject(
            Placement,
            family_title=lambda placement: gettext("Medication for %(child)s") % {"child": placement.child.called},
            staff_title=lambda placement: gettext("Medication that did not come with %(child)s") % {"child": placement.child},
            family_url=lambda placement: reverse("placements:child", args=[placement.pk]),
            staff_url=lambda placement: reverse("placements:staff_child", args=[placement.pk]),
            queryset=lambda: Placement.objects.select_related("child"),
        )
        register_subject(
            NeedReferral,
            family_title=lambda need: gettext("Checking that “%(need)s” reached you") % {"need": need.need},
            staff_title=lambda need: gettext("Check the need was met: “%(need)s” (%(source)s)") % {"need": need.need, "source": need.source},
            family_url=lambda need: reverse("placements:child", args=[need.placement_id]),
            staff_url=lambda need: reverse("placements:staff_child", args=[need.placement_id]),
            queryset=lambda: NeedReferral.objects.all(),
        )
