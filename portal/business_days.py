"""The agency's business calendar: the only place that knows what a business day is.

A business day is a weekday that is neither an official holiday of the agency's
state (the ``holidays`` package, observed dates included) nor a closure day an
administrator entered, counted in the agency's time zone. Work received on a day
is due at the close of business on the Nth business day after that calendar day
(DOMAIN.md: "end of next business day at the latest").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from django.conf import settings
from django.utils import timezone


def agency_zone() -> ZoneInfo:
    return ZoneInfo(settings.AGENCY_TIME_ZONE)


@lru_cache(maxsize=16)
def _official_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    calendar = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year, observed=True)
    return frozenset(calendar.keys())


def official_holiday_name(day: date) -> str | None:
    calendar = holiday_calendars.country_holidays(
        settings.AGENCY_HOLIDAY_COUNTRY, subdiv=settings.AGENCY_HOLIDAY_SUBDIVISION or None, years=day.year
    )
    return calendar.get(day)


def _closure_days(first: date, last: date) -> frozenset[date]:
    from portal.followups.models import ClosureDay

    return frozenset(ClosureDay.objects.filter(day__range=(first, last)).values_list("day", flat=True))


class _Calendar:
    """Closure days for a window, loaded once, so a deadline costs one query."""

    def __init__(self, first: date, last: date):
        self.closures = _closure_days(first, last)

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        official = _official_holidays(settings.AGENCY_HOLIDAY_COUNTRY, settings.AGENCY_HOLIDAY_SUBDIVISION, day.year)
        return day not in official and day not in self.closures


def _window(day: date, business_days: int) -> _Calendar:
    # Generous enough for weekends, a holiday season and a run of closures.
    return _Calendar(day - timedelta(days=7), day + timedelta(days=business_days * 2 + 60))


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}.")
    if timezone.is_naive(moment):
        raise ValueError(f"{name} must be an aware datetime; a naive one has no agency time zone.")


def local_date(moment: datetime) -> date:
    _require_aware(moment, "moment")
    return moment.astimezone(agency_zone()).date()


def close_of_business(day: date) -> datetime:
    return datetime.combine(day, settings.AGENCY_OFFICE_CLOSES, tzinfo=agency_zone())


def start_of_day(day: date) -> datetime:
    """The first moment of a day in the agency's zone: where a report's month begins."""
    return datetime.combine(day, time.min, tzinfo=agency_zone())


def opening_of_business(day: date) -> datetime:
    return datetime.combine(day, settings.AGENCY_OFFICE_OPENS, tzinfo=agency_zone())


def office_hours() -> tuple[time, time]:
    return settings.AGENCY_OFFICE_OPENS, settings.AGENCY_OFFICE_CLOSES


def is_business_day(day: date) -> bool:
    return _Calendar(day, day).is_business_day(day)


def is_office_open(moment: datetime) -> bool:
    """Whether someone answers the office phone now: a business day, within office hours."""
    day = local_date(moment)
    return is_business_day(day) and opening_of_business(day) <= moment < close_of_business(day)


def next_opening(moment: datetime) -> datetime:
    """When the office next opens (``moment`` itself if it is open now)."""
    if is_office_open(moment):
        return moment
    day = local_date(moment)
    if is_business_day(day) and moment < opening_of_business(day):
        return opening_of_business(day)
    return opening_of_business(next_business_day(day))


def next_business_day(day: date) -> date:
    calendar = _window(day, 1)
    day += timedelta(days=1)
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return day


def deadline(received_at: datetime, business_days: int) -> datetime:
    """Close of business on the ``business_days``-th business day after the day of receipt.

    With zero business days ("the same business day") the work is due at close of business
    today, or at close of the next business day when it arrived after closing or on a day
    the office is closed: nobody can act on it before the office opens again.
    """
    _require_aware(received_at, "received_at")
    if isinstance(business_days, bool) or not isinstance(business_days, int) or business_days < 0:
        raise ValueError("business_days must be a whole number of days, zero or more.")
    day = local_date(received_at)
    calendar = _window(day, business_days)
    if business_days == 0:
        if received_at >= close_of_business(day):
            day += timedelta(days=1)
        while not calendar.is_business_day(day):
            day += timedelta(days=1)
        return close_of_business(day)
    counted = 0
    while counted < business_days:
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            counted += 1
    return close_of_business(day)


def subtract_office_hours(moment: datetime, hours: float) -> datetime:
    """The moment that lies ``hours`` office hours before ``moment``.

    Used for "remind the owner two office hours before the deadline": a deadline
    at 09:00 on Monday is reminded at 16:00 on Friday, not at 07:00 on Monday.
    """
    _require_aware(moment, "moment")
    remaining = timedelta(hours=hours)
    local = moment.astimezone(agency_zone())
    day = local.date()
    calendar = _window(day - timedelta(days=30), 30)
    cursor = min(local, close_of_business(day))
    while True:
        if calendar.is_business_day(day):
            opens = opening_of_business(day)
            available = max(cursor - opens, timedelta(0))
            if available >= remaining:
                return cursor - remaining
            remaining -= available
        day -= timedelta(days=1)
        cursor = close_of_business(day)


def office_hours_between(start: datetime, end: datetime) -> timedelta:
    """Office time between two moments: what a worker really has left before a deadline."""
    return office_hours_until(start, [end])[0]


def office_hours_until(start: datetime, ends: list[datetime]) -> list[timedelta]:
    """Office time from ``start`` to each of ``ends``, with one look at the closure days."""
    _require_aware(start, "start")
    for end in ends:
        _require_aware(end, "end")
    later = [end for end in ends if end > start]
    if not later:
        return [timedelta(0) for _ in ends]
    first, last = local_date(start), local_date(max(later))
    calendar = _Calendar(first, last)
    open_days = [
        first + timedelta(days=offset)
        for offset in range((last - first).days + 1)
        if calendar.is_business_day(first + timedelta(days=offset))
    ]

    def between(end: datetime) -> timedelta:
        total = timedelta(0)
        for day in open_days:
            window_start = max(start, opening_of_business(day))
            window_end = min(end, close_of_business(day))
            if window_end > window_start:
                total += window_end - window_start
        return total

    return [between(end) if end > start else timedelta(0) for end in ends]


def office_hours_between_each(spans: list[tuple[datetime, datetime]]) -> list[timedelta]:
    """``office_hours_between`` for many (start, end) pairs at once, with one look at the closure days.

    How long each promise took to keep, in office time, when an accounting file meets thousands.
    """
    for start, end in spans:
        _require_aware(start, "start")
        _require_aware(end, "end")
    later = [(start, end) for start, end in spans if end > start]
    if not later:
        return [timedelta(0) for _ in spans]
    first, last = min(local_date(start) for start, _ in later), max(local_date(end) for _, end in later)
    calendar = _Calendar(first, last)
    # Office time from the start of the window to each day's opening, so each span is two lookups.
    opened_before: dict[date, timedelta] = {}
    running, day = timedelta(0), first
    while day <= last:
        opened_before[day] = running
        if calendar.is_business_day(day):
            running += close_of_business(day) - opening_of_business(day)
        day += timedelta(days=1)

    def elapsed_to(moment: datetime) -> timedelta:
        day = local_date(moment)
        total = opened_before[day]
        if calendar.is_business_day(day):
            total += min(max(moment, opening_of_business(day)), close_of_business(day)) - opening_of_business(day)
        return total

    return [elapsed_to(end) - elapsed_to(start) if end > start else timedelta(0) for start, end in spans]


def start_of_week(moment: datetime) -> date:
    day = local_date(moment)
    return day - timedelta(days=day.weekday())


def local_time(moment: datetime) -> time:
    return moment.astimezone(agency_zone()).time()


def business_days_of_notice(given_at: datetime, event_at: datetime) -> int:
    """Whole business days between the day notice is given and the day of the event, neither counted.

    "At least five business days' notice of a hearing": notice on a Monday for the next Monday
    is four (Tuesday to Friday).
    """
    _require_aware(given_at, "given_at")
    _require_aware(event_at, "event_at")
    first, last = local_date(given_at) + timedelta(days=1), local_date(event_at)
    if last <= first:
        return 0
    calendar = _Calendar(first, last)
    return sum(1 for offset in range((last - first).days) if calendar.is_business_day(first + timedelta(days=offset)))


def notice_deadline(event_at: datetime, business_days: int) -> datetime:
    """The last moment notice can be given and still count ``business_days`` whole business days before the event.

    The counterpart of ``business_days_of_notice``: the start of the earliest of those business days (notice given
    at any time the day before, even on a weekend, still counts them all).
    """
    _require_aware(event_at, "event_at")
    day = local_date(event_at)
    calendar = _Calendar(day - timedelta(days=business_days * 2 + 60), day)
    counted = 0
    while counted < business_days:
        day -= timedelta(days=1)
        counted += calendar.is_business_day(day)
    return start_of_day(day)


def business_days_elapsed(since: datetime, now: datetime) -> int:
    """Business days that have ended since ``since``: the age of a claim in the fiscal queue.

    Received on a Monday, it is 0 on Monday, 1 on Tuesday, 5 the next Monday (weekends,
    holidays and closures not counted).
    """
    _require_aware(since, "since")
    _require_aware(now, "now")
    first, last = local_date(since), local_date(now)
    if last <= first:
        return 0
    calendar = _Calendar(first, last)
    return sum(1 for offset in range(1, (last - first).days + 1) if calendar.is_business_day(first + timedelta(days=offset)))


def business_days_elapsed_each(sinces: list[datetime], now: datetime) -> list[int]:
    """``business_days_elapsed`` for many moments at once (a page of claims): one query for closures."""
    _require_aware(now, "now")
    if not sinces:
        return []
    for since in sinces:
        _require_aware(since, "since")
    last = local_date(now)
    first = min(local_date(since) for since in sinces)
    if last <= first:
        return [0 for _ in sinces]
    calendar = _Calendar(first, last)
    # Business days up to and including each day of the window, so each age is one subtraction.
    counted, running, day = {}, 0, first
    while day <= last:
        running += calendar.is_business_day(day)
        counted[day] = running
        day += timedelta(days=1)
    return [max(0, counted[last] - counted[local_date(since)]) if local_date(since) < last else 0 for since in sinces]


def nth_business_day_of_month(year: int, month: int, n: int) -> date:
    """The ``n``-th business day of a month: board for a month is paid on a business day of the next one."""
    if n < 1:
        raise ValueError("n counts from 1.")
    day = date(year, month, 1)
    calendar = _window(day, n)
    counted = 0
    while True:
        if calendar.is_business_day(day):
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)


def same_time_days_before(moment: datetime, days: int) -> datetime:
    """The same wall-clock time ``days`` calendar days earlier in the agency's zone.

    A reminder "7 days before" a 10:00 hearing goes at 10:00, also across a change of the clocks
    (subtracting 7 × 24 hours would send it at 09:00 or 11:00).
    """
    _require_aware(moment, "moment")
    local = moment.astimezone(agency_zone())
    return datetime.combine(local.date() - timedelta(days=days), local.time().replace(tzinfo=None), tzinfo=agency_zone())


def local_datetime(day: date, at: time) -> datetime:
    """A local date and time in the agency's zone, refusing a time the clocks skip or repeat.

    When clocks go back, 01:30 happens twice; when they go forward, 02:30 never happens. An event
    typed at such a time is ambiguous, so the caller asks the person to choose another time.
    """
    zone = agency_zone()
    naive = datetime.combine(day, at)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise AmbiguousLocalTime(naive)
    # A skipped time does not survive the round trip through UTC.
    if first.astimezone(dt_timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
        raise AmbiguousLocalTime(naive)
    return first


class AmbiguousLocalTime(ValueError):
    def __init__(self, naive: datetime):
        super().__init__(f"{naive:%Y-%m-%d %H:%M} is skipped or repeated when the clocks change in the agency's time zone.")
        self.naive = naive
