"""The demo's children, their placements and disclosures, written through placements.services.

Every step happened at a moment in the past (``now=``), so the ledger, the completeness chart
and the family's "new since your last visit" highlights look as they would in a real office.
A child whose placement already has its disclosure is left alone: loading twice changes nothing.

The story:
- Maya and Leo Lopez have lived with the Garcias for four months (Mr. Reed): nearly all known,
  one item "not known after asking", a note from Mrs. Garcia, a respite weekend, winter clothes
  the agency would like to ask a clothing closet for (waiting for the family's permission), and
  two changes since the family last read — their confirmation is for an older version.
- Sofía ("Sofi") and Mateo Ruiz arrived at the Garcias an hour ago (Ms. Shah): Sofi's medicine did
  not come, so the urgent same-day promise is open; a few items are filled, the rest pending.
- Noah Bennett lived with the Garcias for five weeks and went home last week: the family sees only
  the note they wrote.
- Jordan Ellis (Johnsons, four days), Kiara Wells (Johnsons, three weeks) and Zoe Park (Nguyens,
  two months) give the completeness chart bars for both caseworkers.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import formats, translation

from placements import services
from placements.models import ChecklistEntry, Child, DisclosureItem, Medication, Placement
from portal import business_days
from portal.accounts.models import Household, User
from portal.audit import context as audit_context
from portal.followups.models import Commitment

Status = DisclosureItem.Status
Supply = Medication.Supply
Med = Placement.Medication

REED, SHAH = "caseworker@demo.agency", "caseworker2@demo.agency"
GARCIA, JOHNSON, NGUYEN = "RF-2024-0117", "RF-2023-0452", "RF-2025-0031"


@dataclass
class Kid:
    first: str
    last: str
    born: date
    medication: str
    # (item code, business days after placement, status, content, who was asked / medication rows)
    fills: list[tuple] = field(default_factory=list)
    preferred: str = ""
    languages: str = ""


@dataclass
class Group:
    """Children placed together, by ``caseworker``, ``days_ago`` calendar days ago (None: an hour ago).

    ``read_after``: the family read and confirmed the disclosure that many business days after the
    placement; ``story``: the PlacementsDemo method that tells what happened next.
    """

    licence: str
    caseworker: str
    days_ago: int | None
    kids: list[Kid]
    read_after: int | None = None
    story: str = ""


def _maya_fills(refill_on: date) -> list[tuple]:
    return [
        ("health", 0, Status.KNOWN,
         "Healthy overall. Mild asthma as a toddler, no attacks in three years. Pediatrician: Dr. Amanda Webb, "
         "Jackson Children's Clinic, 601-555-0110."),
        ("medications", 0, Status.KNOWN, "Her allergy medicine came with her, with the pharmacy label.",
         [services.MedicationRow("Cetirizine (children's)", "5 mg (one teaspoon)", "Once a day, in the morning",
                                 "Dr. Amanda Webb", "Walgreens, 2910 N State St, Jackson", Supply.CAME, refill_on)]),
        ("allergies", 0, Status.KNOWN,
         "Penicillin: she came out in hives. No food allergies known. Tell any doctor or dentist before they prescribe."),
        ("insurance", 0, Status.KNOWN,
         "Medicaid; the card number ends in 4471. The card is in the placement folder. Ask Mr. Reed for a copy if it gets lost."),
        ("belongings", 0, Status.KNOWN,
         "Two bags of summer clothes, her school backpack and a photo album. No coat, boots or winter clothes: "
         "ask about the initial clothing allowance."),
        ("behaviours", 1, Status.KNOWN,
         "Maya is chatty and helpful and looks after Leo a lot; let her be a child too. When she is worried she goes "
         "quiet and stops eating. Sitting with her and talking through tomorrow's plan helps. Bedtime was hard in her "
         "last home during the first weeks."),
        ("triggers", 1, Status.KNOWN,
         "Raised voices, doors slamming and police cars. If she freezes, speak softly, give her some space and tell "
         "her she is safe."),
        ("school", 1, Status.KNOWN,
         "3rd grade at Pecan Park Elementary, Ms. Jones's class. She reads above her grade level. No individual "
         "education plan. The school bus stops at the end of your street at 7:10."),
        ("visitation", 2, Status.KNOWN,
         "With Leo: visits with their mother every Saturday, 10:00 to 12:00, in the family room at the Hinds County "
         "Office, supervised by our visitation aide, Ms. Lee. Our transport aide picks them up at 9:30 and brings them "
         "back. A phone call with their grandmother on Wednesdays at 6 pm."),
        ("contacts", 2, Status.KNOWN,
         "Grandmother Rosa Lopez (their mother's mother), 601-555-0133: phone calls are approved. Therapist: "
         "Dr. Keisha Banks, Jackson Family Counseling, Tuesdays at 4 pm."),
        ("court", 3, Status.KNOWN,
         "The agency has temporary custody. Permanency goal: return home to their mother. The next review hearing "
         "will be set by the Youth Court; you will be invited."),
    ]


def _leo_fills() -> list[tuple]:
    return [
        ("health", 0, Status.KNOWN,
         "Healthy; vaccinations up to date. Speech therapy once a week at school for a few sounds."),
        ("medications", 0, Status.NOT_APPLICABLE, ""),
        ("allergies", 0, Status.KNOWN, "No allergies known to his mother or his pediatrician, Dr. Amanda Webb."),
        ("insurance", 0, Status.KNOWN, "Medicaid; the card is in the placement folder with Maya's."),
        ("belongings", 0, Status.KNOWN,
         "One bag of summer clothes and his stuffed rabbit, Bun, who goes everywhere with him. No coat or winter shoes."),
        ("behaviours", 1, Status.KNOWN,
         "Shy with new adults at first and stays close to Maya. He may wet the bed when he is upset: please don't "
         "scold him; a night light and a waterproof sheet help. Loves dinosaurs and drawing."),
        ("school", 1, Status.KNOWN,
         "Kindergarten at Pecan Park Elementary, the same school as Maya, Mr. Hughes's class. Speech therapy on "
         "Tuesdays at school."),
        ("visitation", 2, Status.KNOWN, "With Maya: visits with their mother every Saturday; see Maya's page for the details."),
        ("contacts", 2, Status.KNOWN, "Grandmother Rosa Lopez, 601-555-0133. Therapist: Dr. Keisha Banks."),
        ("triggers", 3, Status.UNKNOWN, "",
         "His mother, his child-care teacher and the children's therapist, Dr. Banks: none of them knows of any"),
        ("court", 3, Status.KNOWN, "Same case and hearings as Maya. Permanency goal: return home to their mother."),
    ]


def _groups(today: date) -> list[Group]:
    return [
        Group(GARCIA, REED, 120, read_after=3, story="_after_maya", kids=[
            Kid("Maya", "Lopez", date(2017, 5, 12), Med.ALL_CAME, _maya_fills(today + timedelta(days=12)),
                languages="English, Spanish"),
            Kid("Leo", "Lopez", date(2020, 2, 3), Med.NONE_TAKEN, _leo_fills(), languages="English, Spanish"),
        ]),
        Group(NGUYEN, SHAH, 60, read_after=5, kids=[
            Kid("Zoe", "Park", date(2011, 11, 30), Med.NONE_TAKEN, [
                ("health", 0, Status.KNOWN, "Healthy. Needs glasses for the board at school; a new pair is ordered."),
                ("medications", 0, Status.NOT_APPLICABLE, ""),
                ("allergies", 0, Status.KNOWN, "Cats (sneezing, itchy eyes)."),
                ("insurance", 0, Status.KNOWN, "Medicaid; card in the placement folder."),
                ("belongings", 0, Status.KNOWN, "A suitcase of clothes, her phone and charger, her sketchbooks."),
                ("behaviours", 1, Status.KNOWN,
                 "Quiet and independent; she needs time alone after school. Arguments about phone time can escalate: "
                 "agree the rules with her in the first week."),
                ("school", 1, Status.KNOWN, "8th grade at Chastain Middle School. Art club on Wednesdays."),
                ("contacts", 1, Status.KNOWN, "Her older brother Daniel, 19, 601-555-0177: calls and visits are approved."),
                ("visitation", 1, Status.KNOWN, "Visits with her father every other Sunday, 1 to 3 pm, supervised at the office."),
                ("triggers", 4, Status.KNOWN, "Being touched without warning. Ask before a hug."),
                ("court", 4, Status.KNOWN, "Permanency goal: guardianship with a relative. Next hearing: you will be invited."),
            ], languages="English, Korean"),
        ]),
        Group(GARCIA, REED, 45, story="_after_noah", kids=[
            Kid("Noah", "Bennett", date(2019, 7, 8), Med.NONE_TAKEN, [
                ("health", 0, Status.KNOWN, "Healthy."),
                ("medications", 0, Status.NOT_APPLICABLE, ""),
                ("allergies", 0, Status.KNOWN, "None known."),
                ("insurance", 0, Status.KNOWN, "Medicaid; card in the placement folder."),
                ("belongings", 0, Status.KNOWN, "A backpack of clothes and a toy dinosaur."),
                ("behaviours", 1, Status.KNOWN, "Energetic; needs a calm half hour before bed."),
                ("triggers", 1, Status.KNOWN, "Loud arguments."),
                ("school", 1, Status.KNOWN, "Pre-K at Pecan Park Elementary, mornings only."),
                ("visitation", 2, Status.KNOWN, "Visits with his father on Thursdays, 4 to 5 pm, at the office."),
                ("contacts", 2, Status.KNOWN, "His aunt Kim Bennett, 601-555-0190."),
                ("court", 2, Status.KNOWN, "Permanency goal: return home to his father, expected within two months."),
            ]),
        ]),
        Group(JOHNSON, REED, 24, read_after=5, kids=[
            Kid("Kiara", "Wells", date(2016, 3, 14), Med.NONE_TAKEN, [
                ("medications", 0, Status.NOT_APPLICABLE, ""),
                ("belongings", 0, Status.KNOWN, "Two bags of clothes and her tablet."),
                ("insurance", 0, Status.KNOWN, "Medicaid; card in the placement folder."),
                ("health", 1, Status.KNOWN, "Eczema; use the fragrance-free cream in the folder after bathing."),
                ("allergies", 1, Status.KNOWN, "Eggs: hives. Read labels."),
                ("school", 3, Status.KNOWN, "4th grade at Walton Elementary; she has an individual education plan for reading."),
                ("behaviours", 3, Status.KNOWN, "Can be defiant when she is tired; a visual timetable of the day helps."),
                ("triggers", 3, Status.KNOWN, "Being left alone in a room at night: leave the door open."),
                ("visitation", 4, Status.KNOWN, "Visits with her mother on Mondays, 5 to 6 pm, at the office; transport by our aide."),
                ("contacts", 4, Status.KNOWN, "Her godmother Tasha Green, 601-555-0164."),
                ("court", 7, Status.KNOWN, "Permanency goal: return home to her mother."),
            ]),
        ]),
        Group(JOHNSON, REED, 4, read_after=1, kids=[
            Kid("Jordan", "Ellis", date(2014, 9, 21), Med.ALL_CAME, [
                ("medications", 0, Status.KNOWN,
                 "His inhaler came with him but is nearly empty. The pharmacy that has his prescription is not known yet.",
                 [services.MedicationRow("Albuterol inhaler (90 mcg)", "2 puffs", "Every 4 to 6 hours when he is wheezing",
                                         "Dr. Samuel Ortiz, Metro Pediatrics", "", Supply.SOME, None)]),
                ("health", 0, Status.KNOWN, "Asthma, worse with colds and cold air. Doctor: Dr. Samuel Ortiz, Metro Pediatrics."),
                ("allergies", 0, Status.KNOWN, "Dust and cats make his asthma worse."),
                ("belongings", 0, Status.KNOWN, "A duffel bag of clothes, his basketball and his inhaler."),
                ("insurance", 1, Status.KNOWN, "Medicaid; card in the placement folder."),
                ("school", 1, Status.KNOWN, "6th grade at Hardy Middle School; he plays on the basketball team."),
                ("behaviours", 1, Status.KNOWN, "Friendly and talkative. Gets frustrated with homework; short breaks help."),
                ("triggers", 1, Status.KNOWN, "Being accused of lying. Stay calm and give him time to explain."),
                ("visitation", 1, Status.KNOWN, "Visits with his grandmother on Sundays, 2 to 4 pm, at her home; she drives."),
                ("contacts", 1, Status.KNOWN, "Grandmother Loretta Ellis, 601-555-0128."),
                ("court", 1, Status.KNOWN, "Shelter hearing held; adjudication hearing in about a month. You will be invited."),
            ], preferred="", languages="English"),
        ]),
        Group(GARCIA, SHAH, None, story="_after_sofia", kids=[
            Kid("Sofía", "Ruiz", date(2015, 8, 19), Med.DID_NOT_COME, [
                ("medications", 0, Status.KNOWN,
                 "Her medicine is at her mother's apartment and did not come with her. I am asking Dr. Kim's office to "
                 "send a new prescription to the pharmacy nearest you.",
                 [services.MedicationRow("Montelukast (chewable)", "5 mg, one tablet", "Once a day, at bedtime",
                                         "Dr. Laura Kim, Jackson Pediatrics", "CVS, 1500 E County Line Rd, Ridgeland",
                                         Supply.NONE, None)]),
                ("health", 0, Status.KNOWN, "Asthma, mild. Doctor: Dr. Laura Kim, Jackson Pediatrics, 601-555-0149."),
                ("allergies", 0, Status.KNOWN, "Amoxicillin: a rash. No food allergies known."),
                ("belongings", 0, Status.KNOWN, "One suitcase of clothes and her school uniform. No winter coat."),
            ], preferred="Sofi", languages="Spanish, English"),
            Kid("Mateo", "Ruiz", date(2018, 1, 27), Med.NONE_TAKEN, [
                ("medications", 0, Status.NOT_APPLICABLE, ""),
                ("allergies", 0, Status.KNOWN, "None known."),
                ("belongings", 0, Status.KNOWN, "A backpack of clothes and his blanket; he sleeps with it."),
            ], languages="Spanish, English"),
        ]),
    ]


@contextmanager
def _dated(moment: datetime):
    """The services write the audit line at the real time; in the demo the step happened at ``moment``."""
    with audit_context.history_at(moment):
        yield


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=business_days.agency_zone())


def _business_days_after(day: date, count: int) -> date:
    while count:
        day = business_days.next_business_day(day)
        count -= 1
    return day


def _an_hour_ago(now: datetime) -> datetime:
    """When the new siblings arrived: about an hour ago, but not so long ago that the same-day
    medication promise is already past due when the demo starts (loaded just after closing time)."""
    for minutes in (75, 40, 10, 1):
        moment = now - timedelta(minutes=minutes)
        if business_days.deadline(moment, 0) > now + timedelta(minutes=10):
            return moment
    return now - timedelta(seconds=5)


def _business_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if business_days.is_business_day(day):
            count -= 1
    return day


def _local(moment: datetime) -> datetime:
    return moment.astimezone(business_days.agency_zone())


class PlacementsDemo:
    def __init__(self, *, now: datetime):
        self.now = now
        self.today = business_days.local_date(now)
        self.lines: list[str] = []

    def load(self) -> list[str]:
        """Place every demo child that has no disclosure yet; returns lines for the command to print."""
        for group in _groups(self.today):
            self._place(group)
        return self.lines

    # --- one group of children placed together -------------------------------------------------

    def _place(self, group: Group) -> None:
        worker = User.objects.get(email=group.caseworker)
        household = Household.objects.get(licence_number=group.licence)
        children = [self._child(kid, worker) for kid in group.kids]
        if any(Placement.objects.filter(child=child, disclosure__isnull=False).exists() for child in children):
            return
        # A demo database from before disclosures existed holds these placements without one: record them again.
        Placement.objects.filter(child__in=children, disclosure__isnull=True).delete()
        placed_at = self._placed_at(group)
        with _dated(placed_at):
            placements = services.place_children(
                actor=worker,
                household=household,
                children=children,
                started_on=business_days.local_date(placed_at),
                medication={child.pk: kid.medication for child, kid in zip(children, group.kids, strict=True)},
                now=placed_at,
            )
        steps = []
        for placement, kid in zip(placements, group.kids, strict=True):
            for fill in kid.fills:
                steps.append((fill[1], placement, fill))
        steps.sort(key=lambda step: step[0])
        times = self._step_times(placed_at, [step[0] for step in steps], recent=group.days_ago is None)
        for (_day, placement, fill), at in zip(steps, times, strict=True):
            self._fill(worker, placement, fill, at)
        if group.read_after is not None:
            self._family_reads(placements, _at(_business_days_after(business_days.local_date(placed_at), group.read_after), 20, 15))
        if group.story:
            getattr(self, group.story)(worker, {placement.child.first_name: placement for placement in placements}, placed_at)

    def _family_reads(self, placements: list[Placement], at: datetime) -> None:
        """A resource parent opened each child's page and confirmed they read everything known then."""
        parent = User.objects.filter(household_id=placements[0].household_id).order_by("pk").first()
        at = min(at, self.now - timedelta(minutes=30))
        for placement in placements:
            placement.disclosure.refresh_from_db()
            services.record_visit(user=parent, disclosure=placement.disclosure, now=at)
            services.acknowledge(user=parent, disclosure=placement.disclosure, version=placement.disclosure.version, now=at)

    def _child(self, kid: Kid, worker: User) -> Child:
        child = Child.objects.filter(first_name=kid.first, last_name=kid.last).first()
        if child is None:
            child = services.add_child(
                actor=worker, first_name=kid.first, last_name=kid.last, preferred_name=kid.preferred,
                date_of_birth=kid.born, languages=kid.languages, caseworker=worker,
            )
        return child

    def _placed_at(self, group: Group) -> datetime:
        if group.days_ago is None:
            return _an_hour_ago(self.now)
        return _at(self.today - timedelta(days=group.days_ago), 15, 30)

    def _step_times(self, placed_at: datetime, days: list[int], *, recent: bool) -> list[datetime]:
        """Same-day steps every quarter of an hour after the placement, later ones from 9:30 on their
        business day; never in the future (the newest placement fills in the minutes since it arrived)."""
        if recent:
            gap = (self.now - placed_at) / (len(days) + 1)
            return [placed_at + gap * (index + 1) for index in range(len(days))]
        times, counts = [], {}
        for day in days:
            index = counts[day] = counts.get(day, -1) + 1
            if day == 0:
                at = placed_at + timedelta(minutes=15 * (index + 1))
            else:
                at = _at(_business_days_after(business_days.local_date(placed_at), day), 9, 30) + timedelta(minutes=12 * index)
            times.append(at)
        latest = self.now - timedelta(minutes=len(times) + 1)
        return [min(at, latest + timedelta(minutes=index)) for index, at in enumerate(times)]

    def _fill(self, worker: User, placement: Placement, fill: tuple, at: datetime) -> None:
        code, _day, status, content, *extra = fill
        item = DisclosureItem.objects.select_related("entry", "disclosure__placement").get(
            disclosure__placement=placement, entry__code=code
        )
        medications = extra[0] if extra and isinstance(extra[0], list) else None
        asked_whom = extra[0] if extra and isinstance(extra[0], str) else ""
        with _dated(at):
            services.update_item(
                actor=worker, item=item, status=status, content=content, asked_whom=asked_whom,
                medications=medications, revision=item.revision, now=at,
            )

    # --- what happened afterwards, per group ---------------------------------------------------

    def _after_maya(self, reed: User, placements: dict[str, Placement], placed_at: datetime) -> None:
        elena = User.objects.get(email="garcia@demo.family")
        maya, leo = placements["Maya"], placements["Leo"]
        placed_day = business_days.local_date(placed_at)
        services.add_family_note(
            user=elena,
            item=DisclosureItem.objects.get(disclosure__placement=maya, entry__code="behaviours"),
            body="Maya duerme mejor con la luz del pasillo encendida. Le gusta ayudar a cocinar los domingos.",
            now=_at(_business_days_after(placed_day, 9), 21, 0),
        )
        # The Garcias last opened Maya's page a week ago; since then Mr. Reed changed two items,
        # so her page highlights them and asks the family to confirm the new version.
        last_visit = _at(_business_days_before(self.today, 5), 19, 45)
        services.record_visit(user=elena, disclosure=maya.disclosure, now=last_visit)
        services.record_visit(user=elena, disclosure=leo.disclosure, now=last_visit)
        hearing = _business_days_after(self.today, 15)
        for days_before, code, content in (
            (3, "school",
             "3rd grade at Pecan Park Elementary. Since this week she is in Ms. Okafor's class (Ms. Jones moved to "
             "another school). She joined the reading club on Thursdays until 4:15; the late bus brings her home at 4:45."),
            (2, "court",
             "The agency has temporary custody. Permanency goal: return home to their mother. Review hearing: "
             f"{hearing:%A} {hearing.day} {hearing:%B} at 9:00, Hinds County Youth Court, courtroom B. You are invited: "
             "the judge wants to hear how the children are doing, and you know that best."),
        ):
            at = _at(_business_days_before(self.today, days_before), 11, 20)
            item = DisclosureItem.objects.select_related("entry", "disclosure__placement").get(
                disclosure__placement=maya, entry__code=code
            )
            with _dated(at):
                services.update_item(actor=reed, item=item, status=Status.KNOWN, content=content, revision=item.revision, now=at)
        for days_before, placement in ((3, maya), (2, maya), (2, leo)):
            with _dated(_at(_business_days_before(self.today, days_before), 11, 5)):
                services.record_read(reader=reed, disclosure=placement.disclosure, household_id=placement.household_id, via="staff")
        # Respite evenings with a trusted provider this week: the link opens only the items she needs.
        granted_at = _at(_business_days_before(self.today, 2), 14, 0)
        entries = list(ChecklistEntry.objects.filter(code__in=["medications", "allergies", "behaviours", "contacts"]))
        with _dated(granted_at):
            grant, link = services.grant_respite(
                actor=reed, placement=maya, provider_name="Patrice Hill (respite provider)",
                provider_email="patrice.hill@example.org", entries=entries,
                starts_at=granted_at, expires_at=_at(self.today + timedelta(days=6), 18, 0), now=granted_at,
            )
        with translation.override("en"):
            until = formats.date_format(_local(grant.expires_at), "DATETIME_FORMAT")
        self.lines.append(
            f"  Respite access to four of Maya's items for {grant.provider_name} until {until} "
            f"(a private link, no account needed): {settings.PORTAL_BASE_URL}{link}"
        )
        # Winter clothes: ask the family before telling the clothing closet anything.
        services.propose_need(
            actor=reed, placement=maya,
            need="Winter coats and boots for Maya (size 10) and Leo (size 6)",
            source="Hinds County Clothing Closet",
            now=_at(_business_days_before(self.today, 1), 10, 40),
        )

    def _after_noah(self, reed: User, placements: dict[str, Placement], placed_at: datetime) -> None:
        elena = User.objects.get(email="garcia@demo.family")
        noah = placements["Noah"]
        placed_day = business_days.local_date(placed_at)
        services.record_visit(user=elena, disclosure=noah.disclosure, now=_at(_business_days_after(placed_day, 2), 20, 0))
        services.add_family_note(
            user=elena,
            item=DisclosureItem.objects.get(disclosure__placement=noah, entry__code="behaviours"),
            body="A Noah le ayuda un cuento de dinosaurios antes de dormir y un vaso de leche tibia.",
            now=_at(_business_days_after(placed_day, 6), 21, 30),
        )
        ended_on = self.today - timedelta(days=8)
        with _dated(_at(ended_on, 16, 0)):
            services.end_placement(
                actor=reed, placement=noah, ended_on=ended_on, end_reason=Placement.EndReason.REUNIFIED,
                now=_at(ended_on, 16, 0),
            )

    def _after_sofia(self, shah: User, placements: dict[str, Placement], placed_at: datetime) -> None:
        sofi = placements["Sofía"]
        promise = Commitment.objects.get(
            subject_type__model="placement", subject_id=sofi.pk, standard__code=services.MEDICATION_STANDARD
        )
        with translation.override("en"):
            due = formats.date_format(_local(promise.due_at), "DATETIME_FORMAT")
        self.lines.append(
            f"  Sofi and Mateo Ruiz were placed with the Garcias an hour ago; Sofi's medicine did not come: "
            f"{promise.owner} gets it to them by {due}. Most of their disclosure is still being found out."
        )

