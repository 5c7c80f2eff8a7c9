"""The agency the load test and the throughput bench run against, built through the real services.

300 households, 150 children placed 40 days ago with their disclosure checklists, 100 court hearings ahead, last
month's board payments, and for the first ``active`` families a conversation and (when a child is placed) a mileage
claim; 20 staff with two-factor authentication set up. Call ``build()`` after ``django.setup()`` on an EMPTY database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal


@dataclass
class Agency:
    households: list = field(default_factory=list)
    parents: list = field(default_factory=list)
    supervisors: list = field(default_factory=list)
    caseworkers: list = field(default_factory=list)
    resource_workers: list = field(default_factory=list)
    fiscal: list = field(default_factory=list)
    placements: dict = field(default_factory=dict)  # household index → placement
    threads: dict = field(default_factory=dict)  # household index → its conversation
    claims: dict = field(default_factory=dict)  # household index → its claim


def build(*, active: int, siblings_for_first: bool = False) -> Agency:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from messaging import services as messaging
    from messaging.models import Topic
    from placements import services as placements
    from placements.events import services as events
    from placements.events.models import Event
    from placements.models import Child
    from portal.accounts.models import County, Household, Office, Role, Team, User
    from reimbursements import services as money
    from reimbursements.models import Claim
    from reimbursements.services import ItemInput

    now = timezone.now()
    if User.objects.exists():
        raise SystemExit("The database is not empty: give the bench a throwaway database.")
    agency = Agency()
    county = County.objects.create(name="Hinds")
    manager = User.objects.create_user("manager@load.test", None, role=Role.ADMINISTRATOR, last_name="Manager")
    office = Office.objects.create(name="Hinds office", county=county, program_manager=manager)

    def staff(n: int, role: str, team: Team | None) -> User:
        person = User.objects.create_user(f"{role}{n}@load.test", None, role=role, title="Ms.", last_name=f"{role.title()}{n}", team=team)
        TOTP.activate(person, generate_totp_secret())  # two-factor set up: the portal lets staff in
        return person

    agency.supervisors = [User.objects.create_user(f"supervisor{n}@load.test", None, role=Role.SUPERVISOR, last_name=f"Boss{n}") for n in range(2)]
    teams = [Team.objects.create(name=f"Team {n}", office=office, supervisor=boss) for n, boss in enumerate(agency.supervisors)]
    for boss, team in zip(agency.supervisors, teams):
        boss.team = team
        boss.save(update_fields=["team"])
        TOTP.activate(boss, generate_totp_secret())
    agency.caseworkers = [staff(n, Role.CASEWORKER, teams[n % 2]) for n in range(12)]
    agency.resource_workers = [staff(n, Role.RESOURCE_WORKER, teams[n % 2]) for n in range(4)]
    agency.fiscal = [staff(n, Role.FISCAL, teams[0]) for n in range(2)]

    for n in range(300):
        household = Household.objects.create(
            name=f"The Family{n} family", licence_number=f"RF-LOAD-{n:05d}", licence_status=Household.LicenceStatus.LICENSED, county=county,
            resource_worker=agency.resource_workers[n % 4], fiscal_contact=agency.fiscal[n % 2], licensed_on=date(2024, 1, 1),
        )
        agency.households.append(household)
        agency.parents.append(User.objects.create_user(f"parent{n}@load.test", None, role=Role.RESOURCE_PARENT, household=household,
                                                       title="Mrs.", last_name=f"Family{n}"))

    started = (now - timedelta(days=40)).date()
    for n in range(150):
        worker = agency.caseworkers[n % 12]
        children = [Child.objects.create(first_name=f"Child{n}", last_name="Load", date_of_birth=date(2015, 1, 1) + timedelta(days=n * 20),
                                         caseworker=worker)]
        if n == 0 and siblings_for_first:  # brother and sister placed together
            children.append(Child.objects.create(first_name="Sister0", last_name="Load", date_of_birth=date(2017, 6, 1), caseworker=worker))
        agency.placements[n] = placements.place_children(actor=worker, household=agency.households[n], children=children, started_on=started,
                                                         medication={child.pk: "all_came" for child in children}, now=now - timedelta(days=40))[0]
        if n < 100:
            starts = now + timedelta(days=3 + n % 10, hours=2)
            events.schedule_event(actor=worker, kind=Event.Kind.COURT_HEARING, hearing_type=Event.HearingType.REVIEW, child=children[0],
                                  starts_at=starts, ends_at=starts + timedelta(hours=1), place="Hinds County Youth Court", now=now)
    money.generate_board_payments(month=(now.replace(day=1) - timedelta(days=1)).replace(day=1).date(), now=now)

    for n, parent in enumerate(agency.parents[:active]):
        agency.threads[n] = messaging.start_thread(household=agency.households[n], topic=Topic.OTHER, subject="A question",
                                                   body="When is the next visit?", author=parent, now=now - timedelta(days=2))
        if n in agency.placements:
            agency.claims[n] = money.submit_claim(
                user=parent, kind=Claim.Kind.MILEAGE, child=agency.placements[n].child, now=now - timedelta(days=1),
                items=[ItemInput(on=(now - timedelta(days=3)).date(), description="To the doctor", miles=Decimal("12.5"), from_place="Home",
                                 to_place="Clinic")],
            )
    return agency


def session_for(user) -> str:
    """A signed-in session for ``user``, as the sign-in form would leave it (staff have two-factor set up)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def production_environment(*, database_url: str, redis_url: str, work) -> dict[str, str]:
    """What docker-compose gives the web, worker and beat containers, on loopback, with e-mail thrown away."""
    import os
    import secrets

    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PORTAL_MEDIA_ROOT": str(work / "media"),
        "PORTAL_LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
