from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReimbursementsConfig(AppConfig):
    name = "reimbursements"
    verbose_name = _("Board payments and reimbursements")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext

        from placements.signals import placement_dates_changed, placement_started
        from portal.followups.registry import register_subject

        from . import services
        from .models import Claim

        placement_started.connect(services.on_placement_started, dispatch_uid="reimbursements.clothing_allowance")
        placement_dates_changed.connect(services.on_placement_dates_changed, dispatch_uid="reimbursements.board_dates")
        register_subject(
            Claim,
            family_title=lambda claim: gettext("Your %(kind)s claim %(ref)s") % {"kind": claim.get_kind_display().lower(), "ref": claim.reference},
            staff_title=lambda claim: gettext("%(kind)s claim %(ref)s, %(family)s")
            % {"kind": claim.get_kind_display(), "ref": claim.reference, "family": claim.household},
            family_url=lambda claim: reverse("reimbursements:claim", args=[claim.pk]),
            staff_url=lambda claim: reverse("reimbursements:staff_claim", args=[claim.pk]),
            queryset=lambda: Claim.objects.select_related("household"),
        )
