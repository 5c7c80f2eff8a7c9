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
        self._register_events()

    def _register_promises(self):
        """Tell the ledger how to name and link what disclosure promises are about (shown in the portal, never e-mailed)."""
        from django.urls import reverse
        from django.utils.translation import gettext

        from portal.followups.registry import register_subject

        from .models import DisclosureItem, NeedReferral, Placement, Recognition

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
            Recognition,
            family_title=lambda item: gettext("A personal note from your resource worker"),
            staff_title=lambda item: gettext("Thank %(family)s: %(what)s") % {"family": item.household, "what": item.get_kind_display().lower()},
            family_url=lambda item: reverse("messaging:family_home"),
            staff_url=lambda item: reverse("families:thanks"),
            queryset=lambda: Recognition.objects.select_related("household"),
        )
        register_subject(
            NeedReferral,
            family_title=lambda need: gettext("Checking that “%(need)s” reached you") % {"need": need.need},
            staff_title=lambda need: gettext("Check the need was met: “%(need)s” (%(source)s)") % {"need": need.need, "source": need.source},
            family_url=lambda need: reverse("placements:child", args=[need.placement_id]),
            staff_url=lambda need: reverse("placements:staff_child", args=[need.placement_id]),
            queryset=lambda: NeedReferral.objects.all(),
        )

    def _register_events(self):
        """Events' promises for the ledger, and the calendar file each invitation e-mail carries."""
        from django.urls import reverse
        from django.utils.formats import date_format
        from django.utils.translation import gettext

        from portal import business_days
        from portal.followups.registry import register_subject
        from portal.notifications.models import Notification
        from portal.notifications.services import register_attachments

        from .events import ics
        from .events.models import Event, Invitee, Observation

        register_subject(
            Event,
            family_title=lambda event: gettext("What happened at the %(what)s on %(day)s")
            % {"what": event.title, "day": date_format(business_days.local_date(event.starts_at))},
            family_url=lambda event: reverse("events:family_event", args=[event.pk]),
            staff_url=lambda event: reverse("events:staff_event", args=[event.pk]),
            queryset=lambda: Event.objects.all(),
        )
        register_subject(
            Invitee,
            family_title=lambda invitee: gettext("Help to attend the %(what)s") % {"what": invitee.event.title},
            family_url=lambda invitee: reverse("events:family_event", args=[invitee.event_id]),
            staff_url=lambda invitee: reverse("events:staff_event", args=[invitee.event_id]),
            queryset=lambda: Invitee.objects.select_related("event"),
        )
        register_subject(
            Observation,
            family_title=lambda observation: gettext("Your observations for the %(what)s") % {"what": observation.event.title},
            family_url=lambda observation: reverse("events:family_event", args=[observation.event_id]),
            staff_url=lambda observation: reverse("events:staff_event", args=[observation.event_id]),
            queryset=lambda: Observation.objects.select_related("event"),
        )

        def calendar_attachment(notification):
            event = Event.objects.filter(pk=notification.context.get("event")).first()
            if event is None:
                return []
            return [(ics.filename(event), ics.calendar_file(event, link=notification.link), "text/calendar")]

        for kind in (Notification.Kind.EVENT_INVITED, Notification.Kind.EVENT_CHANGED, Notification.Kind.EVENT_CANCELLED):
            register_attachments(kind, calendar_attachment)
