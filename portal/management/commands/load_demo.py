"""Load a small demo agency. Running it again changes nothing that is already there."""

from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from messaging.models import ContactRecord
from messaging.services import record_contact
from portal.accounts.models import County, Household, Office, Role, Team, User

DEMO_PASSWORD = "portal-demo-2026"
# Demo only: every staff account shares this authenticator secret so the printed
# command can show the current code. Real staff enrol their own device.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

STAFF = [
    ("admin@demo.agency", "Dr.", "Rosa", "Alvarez", Role.ADMINISTRATOR),
    ("supervisor@demo.agency", "Ms.", "Denise", "Carter", Role.SUPERVISOR),
    ("caseworker@demo.agency", "Mr.", "Marcus", "Reed", Role.CASEWORKER),
    ("caseworker2@demo.agency", "Ms.", "Priya", "Shah", Role.CASEWORKER),
    ("resource.worker@demo.agency", "Ms.", "Joan", "Miller", Role.RESOURCE_WORKER),
    ("fiscal@demo.agency", "Mr.", "Tom", "Baker", Role.FISCAL),
]
FAMILIES = [
    ("The Garcia family", "RF-2024-0117", "garcia@demo.family", "Mrs.", "Elena", "Garcia", "es"),
    ("The Johnson family", "RF-2023-0452", "johnson@demo.family", "Mr.", "David", "Johnson", "en"),
    ("The Nguyen family", "RF-2025-0031", "nguyen@demo.family", "Ms.", "Linh", "Nguyen", "en"),
]


class Command(BaseCommand):
    help = "Load the demo agency: counties, an office, one person of every role, three resource families."

    @transaction.atomic
    def handle(self, *args, **options):
        hinds, _ = County.objects.get_or_create(name="Hinds")
        for name in ("Madison", "Rankin"):
            County.objects.get_or_create(name=name)
        people = {}
        for email, title, first, last, role in STAFF:
            people.setdefault(role, self._person(email, title, first, last, role))
        admin = people[Role.ADMINISTRATOR]
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        office, _ = Office.objects.get_or_create(
            name="Hinds County Office", defaults={"county": hinds, "phone": "601-555-0100", "program_manager": admin}
        )
        team, _ = Team.objects.get_or_create(office=office, name="Resource family team", defaults={"supervisor": people[Role.SUPERVISOR]})
        for person in User.objects.filter(role__in=[Role.SUPERVISOR, Role.CASEWORKER, Role.RESOURCE_WORKER, Role.FISCAL]):
            if person.team_id is None:
                person.team = team
                person.save(update_fields=["team"])
            self._mfa(person)
        self._mfa(admin)
        people = {role: User.objects.get(pk=person.pk) for role, person in people.items()}

        households = []
        for name, licence, email, title, first, last, language in FAMILIES:
            household, _ = Household.objects.get_or_create(
                licence_number=licence,
                defaults={
                    "name": name,
                    "county": hinds,
                    "licence_status": Household.LicenceStatus.LICENSED,
                    "city": "Jackson",
                    "preferred_language": language,
                    "resource_worker": people[Role.RESOURCE_WORKER],
                },
            )
            households.append(household)
            if not User.objects.filter(email=email).exists():
                parent = User.objects.create_user(
                    email, DEMO_PASSWORD, title=title, first_name=first, last_name=last,
                    role=Role.RESOURCE_PARENT, household=household, language=language,
                )
                parent.save()

        self._promises(households, people)
        self.stdout.write(self.style.SUCCESS("Demo agency ready."))
        self.stdout.write(f"  Password for every demo login: {DEMO_PASSWORD}")
        for email, *_rest in STAFF:
            self.stdout.write(f"  staff   {email}")
        for family in FAMILIES:
            self.stdout.write(f"  family  {family[2]}")
        self.stdout.write("  Staff sign in with a code: run `make demo-code` (or `python manage.py demo_code`) for the current one.")

    def _person(self, email, title, first, last, role):
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email, DEMO_PASSWORD, title=title, first_name=first, last_name=last, role=role)
        return person

    def _mfa(self, person):
        if not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(person, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(person)

    def _promises(self, households, people):
        if ContactRecord.objects.exists():
            return
        now = timezone.now()
        caseworker, resource_worker = people[Role.CASEWORKER], people[Role.RESOURCE_WORKER]
        garcia, johnson, nguyen = households
        # Overdue by several business days: the sweep reminds, tells the supervisor and the program manager.
        record_contact(
            household=garcia, kind=ContactRecord.Kind.VOICEMAIL, received_at=now - timedelta(days=6),
            summary="Asked how to get a prescription refilled; please call back after 5 pm.",
            callback_number="601-555-0142", actor=caseworker, now=now,
        )
        # Overdue, but not yet by a whole business day on most days of the week.
        record_contact(
            household=johnson, kind=ContactRecord.Kind.CALL, received_at=now - timedelta(days=4),
            summary="Question about the date of the next family team meeting.", actor=resource_worker, now=now,
        )
        # Received now: due at the close of the next business day.
        record_contact(
            household=garcia, kind=ContactRecord.Kind.LETTER, received_at=now,
            summary="Letter asking for a copy of the licence renewal paperwork.", actor=resource_worker, now=now,
        )
        record_contact(
            household=nguyen, kind=ContactRecord.Kind.CALL, received_at=now,
            summary="Wants to talk about respite care next month.", actor=caseworker, now=now,
        )
