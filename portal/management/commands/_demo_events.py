"""The demo's court hearings, meetings and visits for the Garcias, written through placements.events.services.

Every step happened at a moment relative to when the demo is loaded (``now=``), so the ledger,
the family's calendar and the supervisor's list of late invitations look as they would in a real
office, whatever day it is. Each event (or visit request) is recognised by its purpose: one that
is already there is left alone, so loading twice changes nothing.

The story (Mr. Reed is away from today, Ms. Shah covers his promises):
- A month ago: Maya's disposition hearing. Mrs. Garcia came; Mr. Reed posted the outcome that afternoon.
- Earlier today or on the last business day: Leo's family team meeting. Its outcome is still owed,
  within one business day of the end (the promise the beat opens when a meeting ends).
- In three weeks: Maya's review hearing, invited in good time. Mrs. Garcia sent her observations
  (Mr. Reed confirmed receiving them) and answered an hour ago that she needs transport: an open promise.
- Next week: Maya's family team meeting, her grandmother invited by e-mail.
- In two business days: Sofi's shelter hearing, invited today by Ms. Shah with less notice than the
  standard: flagged, and Ms. Carter sees it in her list of late invitations.
- This weekend's visit of Maya and Leo with their mother moved from Saturday to Sunday (the reason is shown);
  Maya's case plan review is cancelled (it is covered at the family team meeting).
- Ms. Miller's licence renewal visit: the Garcias offered three times, evenings included; she has to book one.
- Mr. Reed's monthly visit: booked at one of the times the Garcias offered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import formats, translation

from placements.events import services
from placements.events.models import Event, Invitee, VisitRequest
from placements.models import Child
from portal import business_days
from portal.accounts.models import Household, User
from portal.followups.services import open_commitments_for

from ._demo_placements import GARCIA, REED, SHAH, _at, _business_days_after, _business_days_before, _local

MILLER, ELENA, CARTER = "resource.worker@demo.agency", "garcia@demo.family", "supervisor@demo.agency"
COURT = "Hinds County Youth Court, 407 E Pascagoula St, Jackson"
OFFICE = "Hinds County Office, 750 N State St, Jackson"

DISPOSITION = "Maya's disposition hearing: the judge decides the case plan and where the children live for now."
LEO_MEETING = "Leo's family team meeting: how he is settling in, his speech therapy and the plan for visits with his mother."
REVIEW = (
    "Maya's and Leo's review hearing: the judge checks how the children are doing and how the case plan is going. "
    "The judge wants to hear from you; send your observations before the hearing."
)
MAYA_MEETING = (
    "Maya's family team meeting: school, visits with her mother, her case plan, and what help you need. "
    "Her grandmother, Rosa Lopez, is invited too."
)
SHELTER = (
    "Sofi's and Mateo's shelter hearing: the judge decides whether they stay in care for now. "
    "You are welcome to come; you do not need to speak."
)
MOTHER_VISIT = "Maya and Leo's visit with their mother, supervised by Ms. Lee. Our transport aide brings the children there and back."
CASE_PLAN = "Maya's case plan review: the goals of her case plan and what has changed since the disposition hearing."
LICENCE_VISIT = "Your yearly licence renewal visit: a walk through the home, the fire safety check and your training hours."
MONTHLY_VISIT = "Monthly visit: time with Maya and Leo at home, and how you are doing."


def _business_day_from(day: date) -> date:
    """``day`` itself if it is a business day, or the next one."""
    return day if business_days.is_business_day(day) else business_days.next_business_day(day)


def _weekday_after(day: date, weekday: int) -> date:
    """The first given weekday (0 = Monday) strictly after ``day``."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def _span(day: date, start: tuple[int, int], end: tuple[int, int]) -> tuple[datetime, datetime]:
    return _at(day, *start), _at(day, *end)


def _when(moment: datetime) -> str:
    with translation.override("en"):
        return formats.date_format(_local(moment), "DATETIME_FORMAT")


class EventsDemo:
    def __init__(self, *, now: datetime):
        self.now = now
        self.today = business_days.local_date(now)
        self.lines: list[str] = []

    def load(self) -> list[str]:
        """Create whatever part of the story is missing; returns lines for the command to print."""
        self.household = Household.objects.get(licence_number=GARCIA)
        self.reed, self.shah = User.objects.get(email=REED), User.objects.get(email=SHAH)
        self.miller, self.elena = User.objects.get(email=MILLER), User.objects.get(email=ELENA)
        self.maya = Child.objects.get(first_name="Maya", last_name="Lopez")
        self.leo = Child.objects.get(first_name="Leo", last_name="Lopez")
        self.sofia = Child.objects.get(first_name="Sofía", last_name="Ruiz")
        review_day = _business_days_after(self.today, 15)
        self._disposition(review_day)
        self._leo_meeting()
        self._review(review_day)
        self._maya_meeting()
        self._shelter()
        self._mother_visit()
        self._case_plan()
        self._licence_visit()
        self._monthly_visit()
        # What the beat does on its first run: the outcome of a meeting that has ended is promised,
        # and reminders whose moment has passed go out (each once).
        services.open_outcome_promises(now=self.now)
        services.send_event_reminders(now=self.now)
        self._describe()
        return self.lines

    def _next_week(self) -> date:
        """The day of Maya's family team meeting."""
        return _business_day_from(self.today + timedelta(days=7))

    def _exists(self, purpose: str) -> bool:
        return Event.objects.filter(household=self.household, purpose=purpose).exists()

    def _invitation(self, event: Event) -> Invitee:
        return Invitee.objects.get(event=event, user=self.elena)

    def _schedule(self, actor: User, at: datetime, **fields) -> Event:
        return services.schedule_event(actor=actor, now=at, **fields)

    # --- the story, oldest first ---------------------------------------------------------------

    def _disposition(self, review_day: date) -> None:
        if self._exists(DISPOSITION):
            return
        day = _business_days_before(self.today, 22)
        starts_at, ends_at = _span(day, (9, 0), (10, 30))
        hearing = self._schedule(
            self.reed, _at(_business_days_before(day, 15), 10, 0), kind=Event.Kind.COURT_HEARING,
            hearing_type=Event.HearingType.DISPOSITION, child=self.maya, starts_at=starts_at, ends_at=ends_at,
            place=f"{COURT}, courtroom B", purpose=DISPOSITION,
        )
        services.respond(
            user=self.elena, event=hearing, response=Invitee.Response.IN_PERSON, sequence=hearing.sequence,
            now=_at(_business_days_before(day, 14), 20, 10),
        )
        services.open_outcome_promises(now=ends_at + timedelta(minutes=5))
        services.record_outcome(
            actor=self.reed, event=hearing, attended={self._invitation(hearing).pk: True}, next_hearing_on=review_day,
            outcome=(
                "Maya and Leo stay in the agency's care and live with you. The goal of the case plan is still for them "
                "to go home to their mother; she must finish her parenting classes and keep a stable home. Visits stay "
                "on Saturdays, supervised at the office. The judge read your report and thanked you for coming. "
                "The next review hearing is set; it is on your calendar."
            ),
            now=_at(day, 15, 20),
        )

    def _leo_meeting(self) -> None:
        """Held on the latest business day whose meeting ended at least half an hour ago: its outcome
        (due at the close of the next business day) is owed, and never already overdue when the demo starts."""
        if self._exists(LEO_MEETING):
            return
        day = self.today
        while not (business_days.is_business_day(day) and _at(day, 11, 0) <= self.now - timedelta(minutes=30)):
            day -= timedelta(days=1)
        starts_at, ends_at = _span(day, (10, 0), (11, 0))
        invited_at = _at(_business_days_before(day, 8), 14, 0)
        meeting = self._schedule(
            self.reed, invited_at, kind=Event.Kind.FAMILY_TEAM_MEETING, child=self.leo, starts_at=starts_at,
            ends_at=ends_at, place=f"{OFFICE}, meeting room 2", video_link="https://meet.example.org/hinds-ftm-leo",
            purpose=LEO_MEETING,
        )
        services.respond(
            user=self.elena, event=meeting, response=Invitee.Response.IN_PERSON, sequence=meeting.sequence,
            now=invited_at.replace(hour=20, minute=30),
        )

    def _review(self, review_day: date) -> None:
        if self._exists(REVIEW):
            return
        # Invited the moment Mr. Reed wrote the date into Maya's disclosure (see _demo_placements).
        invited_at = _at(_business_days_before(self.today, 2), 11, 25)
        starts_at, ends_at = _span(review_day, (9, 0), (10, 0))
        hearing = self._schedule(
            self.reed, invited_at, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW,
            child=self.maya, starts_at=starts_at, ends_at=ends_at, place=f"{COURT}, courtroom B", purpose=REVIEW,
        )
        observation = services.submit_observations(
            user=self.elena, event=hearing, now=invited_at.replace(hour=20, minute=40),
            body=(
                "Maya is doing well with us. She sleeps through the night now with the hall light on, and she joined the "
                "reading club at school. She looks forward to the Saturday visits with her mother and is sad and quiet "
                "on Sunday evenings afterwards. She told me she would like to phone her grandmother more often. "
                "Leo follows her everywhere; his speech is clearer since he started therapy."
            ),
        )
        services.acknowledge_observations(
            actor=self.reed, observation=observation, now=_at(_business_days_before(self.today, 1), 9, 40)
        )
        # She answered less than an hour ago: the promise to arrange transport is open, owed by whoever covers Mr. Reed.
        services.respond(
            user=self.elena, event=hearing, response=Invitee.Response.TRANSPORT, sequence=hearing.sequence,
            note="Our car is in the repair shop until the end of the month.", now=self.now - timedelta(minutes=50),
        )

    def _maya_meeting(self) -> None:
        if self._exists(MAYA_MEETING):
            return
        starts_at, ends_at = _span(self._next_week(), (16, 0), (17, 30))
        self._schedule(
            self.reed, _at(_business_days_before(self.today, 3), 15, 0), kind=Event.Kind.FAMILY_TEAM_MEETING,
            child=self.maya, starts_at=starts_at, ends_at=ends_at, place=f"{OFFICE}, meeting room 2",
            video_link="https://meet.example.org/hinds-ftm-maya", purpose=MAYA_MEETING,
            guests=[services.Guest(name="Rosa Lopez", email="rosa.lopez@example.org")],
        )

    def _shelter(self) -> None:
        if self._exists(SHELTER):
            return
        starts_at, ends_at = _span(_business_days_after(self.today, 2), (13, 30), (14, 30))
        # Invited just now, after the placement an hour ago: fewer business days than the notice standard.
        self._schedule(
            self.shah, self.now - timedelta(seconds=30), kind=Event.Kind.COURT_HEARING,
            hearing_type=Event.HearingType.SHELTER, child=self.sofia, starts_at=starts_at, ends_at=ends_at,
            place=f"{COURT}, courtroom A", purpose=SHELTER,
        )

    def _mother_visit(self) -> None:
        if self._exists(MOTHER_VISIT):
            return
        saturday = _weekday_after(self.today, 5)
        starts_at, ends_at = _span(saturday, (10, 0), (12, 0))
        visit = self._schedule(
            self.reed, _at(_business_days_before(self.today, 4), 10, 0), kind=Event.Kind.BIRTH_FAMILY_VISIT,
            child=self.leo, starts_at=starts_at, ends_at=ends_at, place=f"{OFFICE}, family room", purpose=MOTHER_VISIT,
        )
        sunday = saturday + timedelta(days=1)
        starts_at, ends_at = _span(sunday, (14, 0), (16, 0))
        services.reschedule_event(
            actor=self.reed, event=visit, starts_at=starts_at, ends_at=ends_at,
            reason="The family room at the office is being repainted on Saturday. Same room on Sunday afternoon; "
            "the transport aide picks the children up at 1:30.",
            now=_at(_business_days_before(self.today, 1), 16, 10),
        )

    def _case_plan(self) -> None:
        if self._exists(CASE_PLAN):
            return
        starts_at, ends_at = _span(_business_days_after(self.today, 10), (14, 0), (15, 0))
        review = self._schedule(
            self.reed, _at(_business_days_before(self.today, 6), 9, 30), kind=Event.Kind.CASE_PLAN_REVIEW,
            child=self.maya, starts_at=starts_at, ends_at=ends_at, place=f"{OFFICE}, meeting room 1", purpose=CASE_PLAN,
        )
        services.cancel_event(
            actor=self.reed, event=review,
            reason="We will go through Maya's case plan at her family team meeting next week, so you only need to come once.",
            now=_at(_business_days_before(self.today, 1), 15, 0),
        )

    def _visit_request(self, purpose: str) -> bool:
        return VisitRequest.objects.filter(household=self.household, purpose=purpose).exists()

    def _licence_visit(self) -> None:
        if self._visit_request(LICENCE_VISIT):
            return
        request = services.ask_for_visit_times(
            actor=self.miller, household=self.household, kind=Event.Kind.LICENSING_VISIT, purpose=LICENCE_VISIT,
            between_from=self.today, between_until=self.today + timedelta(days=21),
            now=_at(_business_days_before(self.today, 3), 10, 15),
        )
        evening = _business_day_from(self.today + timedelta(days=3))
        saturday = _weekday_after(self.today + timedelta(days=4), 5)
        later = _business_day_from(self.today + timedelta(days=9))
        services.offer_visit_times(
            user=self.elena, request=request,
            times=[_span(evening, (18, 0), (19, 0)), _span(saturday, (10, 0), (11, 0)), _span(later, (17, 30), (18, 30))],
            now=_at(_business_days_before(self.today, 2), 21, 5),
        )

    def _monthly_visit(self) -> None:
        if self._visit_request(MONTHLY_VISIT):
            return
        request = services.ask_for_visit_times(
            actor=self.reed, household=self.household, child=self.maya, kind=Event.Kind.CASEWORKER_VISIT,
            purpose=MONTHLY_VISIT, between_from=self.today, between_until=self.today + timedelta(days=21),
            now=_at(_business_days_before(self.today, 5), 9, 0),
        )
        # After Mr. Reed is back (he is away for five days from today), and not on the day of Maya's meeting.
        first = business_days.next_business_day(self._next_week())
        second = business_days.next_business_day(first)
        services.offer_visit_times(
            user=self.elena, request=request, times=[_span(first, (17, 30), (18, 30)), _span(second, (16, 0), (17, 0))],
            now=_at(_business_days_before(self.today, 4), 20, 30),
        )
        request.refresh_from_db()
        services.book_visit(
            actor=self.reed, slot=request.slots.order_by("starts_at").first(), place="At the Garcia family's home",
            now=_at(_business_days_before(self.today, 3), 9, 10),
        )

    # --- what the command prints ---------------------------------------------------------------

    def _describe(self) -> None:
        review = Event.objects.get(household=self.household, purpose=REVIEW)
        invitation = self._invitation(review)
        transport = open_commitments_for(invitation).select_related("owner").first()
        if transport is not None:
            self.lines.append(
                f"  Maya's review hearing is on {_when(review.starts_at)}; Mrs. Garcia needs transport: "
                f"{transport.owner} arranges it by {_when(transport.due_at)}."
            )
        late = Event.objects.get(household=self.household, purpose=SHELTER)
        if late.late_notice:
            days = late.notice_business_days
            self.lines.append(
                f"  Sofi's shelter hearing ({_when(late.starts_at)}) was invited with only {days} business day{'' if days == 1 else 's'} "
                f"of notice: Ms. Carter ({CARTER}) sees it among the late invitations on /calendar/staff/."
            )
        meeting = Event.objects.get(household=self.household, purpose=LEO_MEETING)
        owed = open_commitments_for(meeting).select_related("owner").first()
        if owed is not None:
            self.lines.append(f"  The outcome of Leo's family team meeting is owed: {owed.owner} posts it by {_when(owed.due_at)}.")
        if VisitRequest.objects.filter(household=self.household, purpose=LICENCE_VISIT, status=VisitRequest.Status.OFFERED).exists():
            self.lines.append(f"  The Garcias offered times for their licence renewal visit: {self.miller} books one.")
