"""Calendar files (.ics) for invitations, changes and cancellations.

One UID per event for life and a SEQUENCE that rises with each change, so a calendar replaces
the entry instead of adding a second one. The file is e-mailed: it names the kind of event,
the time and the place, and links to the portal; never the child.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from portal import business_days
from portal.notifications.services import absolute_url

from .models import Event


def calendar_file(event: Event, *, link: str = "", now: datetime | None = None) -> bytes:
    cancelled = event.is_cancelled
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.AGENCY_NAME}//Resource family portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"{event.uid}@{urlparse(settings.PORTAL_BASE_URL).hostname or 'portal'}")
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now or timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", str(event.title))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = ", ".join(filter(None, [event.place, event.video_link]))
    if location:
        entry.add("location", location)
    if link:
        entry.add("url", absolute_url(link))
        entry.add("description", absolute_url(link))
    calendar.add_component(entry)
    return calendar.to_ical()


def filename(event: Event) -> str:
    return f"{event.get_kind_display().lower().replace(' ', '-')}-{business_days.local_date(event.starts_at):%Y-%m-%d}.ics"
