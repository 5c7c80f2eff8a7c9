"""The simulated agency: a region of counties, its staff and families, built through the real services.

Used by ``simulate_month``. Everything here is seeded: the same seed builds the same agency.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from placements import services as placements
from placements.models import Child, Placement
from portal.accounts.models import County, Household, Office, Role, Team, User
from portal.accounts.services import record_absence
from portal.followups.models import Commitment
from portal.followups.services import add_closure_day, meet_commitment

COUNTIES = ["Hinds", "Rankin", "Madison", "Copiah", "Simpson", "Yazoo"]
SURNAMES = [
    "Garcia", "Johnson", "Nguyen", "Williams", "Brown", "Jones", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Green",
]
FIRST_NAMES = ["Maya", "Jayden", "Sofia", "Elijah", "Ava", "Mateo", "Zoe", "Isaiah", "Lily", "Josiah", "Aaliyah", "Noah", "Camila", "Caleb"]


@dataclass
class Staff:
    administrator: User
    program_managers: list[User] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    caseworkers: list[User] = field(default_factory=list)
    resource_workers: list[User] = field(default_factory=list)
    fiscal: list[User] = field(default_factory=list)

    @property
    def everyone(self) -> list[User]:
        return [self.administrator, *self.program_managers, *self.supervisors, *self.caseworkers, *self.resource_workers, *self.fiscal]


@dataclass
class World:
    counties: list[County]
    staff: Staff
    households: list[Household]
    parents: dict[int, User]  # household id → the parent who writes
    children: list[Child]
    placements: list[Placement]
    slow_clerk: User
    absences: list[tuple[User, User, date, date]]  # (away, cover, first day, last day)
    closures: list[tuple[date, str]]

    def placed_households(self) -> list[Household]:
        current = {p.household_id for p in self.placements if p.ended_on is None}
        return [h for h in self.households if h.pk in current]


class Builder:
    """Builds the agency at ``now`` (the evening before the simulated month) through the services."""

    def __init__(self, rng: random.Random, *, households: int, placements: int, offices: int):
        self.rng = rng
        self.household_count = households
        self.placement_count = placements
        self.office_count = offices
        self.serial = 0

    def person(self, role: str, *, team: Team | None = None, household: Household | None = None, title: str = "Ms.") -> User:
        self.serial += 1
        surname = f"{self.rng.choice(SURNAMES)}{self.serial}"
        person = User.objects.create_user(
            f"{role}.{self.serial}@sim.agency", None, role=role, title=title, first_name=self.rng.choice(FIRST_NAMES),
            last_name=surname, team=team, household=household,
        )
        if person.is_agency_staff:
            TOTP.activate(person, generate_totp_secret())
        return person

    def build(self, *, start: date, now: datetime) -> World:
        closures = []
        for day in (start + timedelta(days=offset) for offset in range(35)):
            # Announced long before the month: the agency closes the Friday after Thanksgiving, though the state does not.
            if day.month == 11 and day.weekday() == 4 and 23 <= day.day <= 29:
                add_closure_day(day=day, reason="Day after Thanksgiving")
                closures.append((day, "Day after Thanksgiving"))
        counties = [County.objects.create(name=name) for name in COUNTIES[: self.office_count * 2]]
        staff = Staff(administrator=self.person(Role.ADMINISTRATOR, title="Dr."))
        teams: list[Team] = []
        office_of: dict[int, Office] = {}  # county id → the regional office that serves it
        for n in range(self.office_count):
            manager = self.person(Role.ADMINISTRATOR)
            staff.program_managers.append(manager)
            office = Office.objects.create(name=f"{counties[2 * n].name} regional office", county=counties[2 * n], program_manager=manager)
            office_of[counties[2 * n].pk] = office_of[counties[2 * n + 1].pk] = office
            for team_n in range(2):
                supervisor = self.person(Role.SUPERVISOR)
                team = Team.objects.create(name=f"{office.name}, team {team_n + 1}", office=office, supervisor=supervisor)
                supervisor.team = team
                supervisor.save(update_fields=["team"])
                staff.supervisors.append(supervisor)
                teams.append(team)
                staff.caseworkers += [self.person(Role.CASEWORKER, team=team, title="Mr.") for _ in range(3)]
                staff.resource_workers += [self.person(Role.RESOURCE_WORKER, team=team) for _ in range(1 + team_n)]
            staff.fiscal.append(self.person(Role.FISCAL, team=teams[-2]))
        clerk_of = {office.pk: clerk for office, clerk in zip(dict.fromkeys(office_of.values()), staff.fiscal)}
        slow_clerk = staff.fiscal[-1]

        households, parents = [], {}
        for n in range(self.household_count):
            county = counties[n % len(counties)]
            office = office_of[county.pk]
            workers = [w for w in staff.resource_workers if w.team.office_id == office.pk]
            household = Household.objects.create(
                name=f"The {self.rng.choice(SURNAMES)} family", licence_number=f"RF-SIM-{n:05d}", county=county,
                licence_status=Household.LicenceStatus.LICENSED, licensed_on=start - timedelta(days=self.rng.randint(60, 2000)),
                resource_worker=workers[n % len(workers)], fiscal_contact=clerk_of[office.pk],
            )
            households.append(household)
            parents[household.pk] = self.person(Role.RESOURCE_PARENT, household=household, title=self.rng.choice(["Mrs.", "Mr.", "Ms."]))

        children, placed = [], []
        for n in range(self.placement_count):
            household = households[n]
            worker = case_worker_for(self.rng, staff, household)
            child = Child.objects.create(
                first_name=self.rng.choice(FIRST_NAMES), last_name=household.name.split()[1],
                date_of_birth=start - timedelta(days=self.rng.randint(365, 17 * 365)), caseworker=worker,
            )
            children.append(child)
            started = start - timedelta(days=self.rng.randint(20, 400))
            (placement,) = placements.place_children(
                actor=worker, household=household, children=[child], started_on=started, medication={child.pk: Placement.Medication.ALL_CAME},
                now=now,
            )
            placed.append(placement)
        # The placements began long before the month: their checklists were filled then.
        for commitment in Commitment.objects.filter(status=Commitment.Status.OPEN).select_related("owner"):
            meet_commitment(commitment=commitment, actor=commitment.owner, now=now)

        # Two workers on leave during the month, each with a named cover; an office closure beside the state's holidays.
        absences = []
        for away, cover, first, days in [
            (staff.caseworkers[0], staff.caseworkers[1], start + timedelta(days=7), 5),
            (staff.resource_workers[0], staff.resource_workers[1], start + timedelta(days=14), 5),
        ]:
            record_absence(worker=away, cover=cover, starts_on=first, ends_on=first + timedelta(days=days - 1), actor=away.team.supervisor, now=now)
            absences.append((away, cover, first, first + timedelta(days=days - 1)))
        return World(counties, staff, households, parents, children, placed, slow_clerk, absences, closures)


def case_worker_for(rng: random.Random, staff: Staff, household: Household) -> User:
    """A caseworker of the office that serves the family."""
    office_id = household.resource_worker.team.office_id
    return rng.choice([w for w in staff.caseworkers if w.team.office_id == office_id])
