"""Load a small demo agency. Running it again changes nothing that is already there."""

from datetime import date, datetime, time, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from messaging import services as messaging
from messaging.models import CallbackRequest, ContactRecord, SavedReply, Thread, Topic
from messaging.services import record_contact
from placements.models import Child, Placement
from portal import business_days
from portal.accounts.models import Absence, County, Household, Office, Role, Team, User
from portal.accounts.services import record_absence

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
# (licence of the family they live with, first name, last name, date of birth, caseworker's e-mail, days since placed)
CHILDREN = [
    ("RF-2024-0117", "Maya", "Lopez", date(2017, 5, 12), "caseworker@demo.agency", 120),
    ("RF-2024-0117", "Leo", "Lopez", date(2020, 2, 3), "caseworker@demo.agency", 120),
    ("RF-2023-0452", "Jordan", "Ellis", date(2014, 9, 21), "caseworker@demo.agency", 4),
    ("RF-2025-0031", "Zoe", "Park", date(2011, 11, 30), "caseworker2@demo.agency", 60),
]
# Each team's saved replies: (language, title, text).
SAVED_REPLIES = [
    (
        "en",
        "A child's prescription",
        "Thank you for telling us. I'll find out today which doctor and pharmacy have the prescription on file, "
        "and I will call you with what to do next. If the medicine runs out before then, call the on-call line "
        "and we will sort it out with you.",
    ),
    (
        "en",
        "Initial clothing allowance",
        "Thank you for asking. Each child placed with you can receive an initial clothing allowance. Keep the "
        "receipts and send a photo of them in this conversation; we process it without delay, and I will tell "
        "you the date the payment is issued.",
    ),
    (
        "es",
        "Ayuda inicial para ropa",
        "Gracias por preguntar. Cada niño que llega a su hogar puede recibir una ayuda inicial para ropa. Guarde "
        "los recibos y envíe una foto de ellos en esta conversación; la tramitamos sin demora y le diré la fecha "
        "en que se emite el pago.",
    ),
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
        for household in households:
            if household.fiscal_contact_id is None:
                household.fiscal_contact = people[Role.FISCAL]
                household.save(update_fields=["fiscal_contact"])
        self._children()
        absence = self._cover(people)
        self._conversations(households, people)
        self._saved_replies(team)
        self.stdout.write(self.style.SUCCESS("Demo agency ready."))
        self.stdout.write(f"  Password for every demo login: {DEMO_PASSWORD}")
        for email, *_rest in STAFF:
            self.stdout.write(f"  staff   {email}")
        for family in FAMILIES:
            self.stdout.write(f"  family  {family[2]}")
        self.stdout.write("  Staff sign in with a code: run `make demo-code` (or `python manage.py demo_code`) for the current one.")
        if absence is not None:
            self.stdout.write(
                f"  {absence.worker} is away until {absence.ends_on:%A} {absence.ends_on.day} {absence.ends_on:%B}; "
                f"{absence.cover} covers "
                f"(sign in as {absence.cover.email} to see the messages waiting for {absence.worker})."
            )

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

    def _children(self):
        today = business_days.local_date(timezone.now())
        for licence, first, last, born, caseworker_email, days_placed in CHILDREN:
            child, _ = Child.objects.get_or_create(
                first_name=first,
                last_name=last,
                defaults={"date_of_birth": born, "caseworker": User.objects.get(email=caseworker_email)},
            )
            if not Placement.objects.filter(child=child, ended_on__isnull=True).exists():
                Placement.objects.create(
                    child=child,
                    household=Household.objects.get(licence_number=licence),
                    started_on=today - timedelta(days=days_placed),
                )

    def _cover(self, people):
        """Mr. Reed is away this week and Ms. Shah covers: families see who answers, and she sees his messages."""
        reed, shah = people[Role.CASEWORKER], User.objects.get(email="caseworker2@demo.agency")
        today = business_days.local_date(timezone.now())
        current = Absence.objects.filter(worker=reed, cancelled_at__isnull=True, ends_on__gte=today).first()
        if current is not None:
            return current
        return record_absence(
            worker=reed,
            cover=shah,
            starts_on=today,
            ends_on=today + timedelta(days=4),
            actor=people[Role.SUPERVISOR],
            note="Training course",
        )

    def _conversations(self, households, people):
        """One conversation in each state, written through messaging's services so the ledger matches."""
        garcia, johnson, nguyen = households
        if not Thread.objects.filter(household__in=households).exists():
            self._write_conversations(garcia, johnson, nguyen, people)
        if not CallbackRequest.objects.filter(household=garcia).exists():
            now = timezone.now()
            messaging.request_callback(
                household=garcia,
                requested_by=User.objects.get(email="garcia@demo.family"),
                phone="601-555-0142",
                good_times="Entre semana, después de las 5 de la tarde",
                reason="Queremos hablar de la próxima reunión del equipo familiar de Maya y Leo.",
                now=now - timedelta(hours=2),
            )

    def _write_conversations(self, garcia, johnson, nguyen, people):
        now = timezone.now()
        today = business_days.local_date(now)
        shah = User.objects.get(email="caseworker2@demo.agency")
        elena, david, linh = (User.objects.get(email=email) for email in ("garcia@demo.family", "johnson@demo.family", "nguyen@demo.family"))

        # Waiting for a reply: Jordan's caseworker is away, so the promise is Ms. Shah's.
        messaging.start_thread(
            household=johnson,
            topic=Topic.CHILD,
            about=Child.objects.get(first_name="Jordan", last_name="Ellis"),
            subject="Jordan's inhaler prescription",
            body=(
                "Hello Mr. Reed,\n\nJordan came to us without his inhaler and has only a few puffs left. The pharmacy "
                "says they need a new prescription. Who should we call, and do we need his medical card?\n\n"
                "Thank you,\nDavid Johnson"
            ),
            author=david,
            now=now - timedelta(minutes=40),
        )

        # Answered on time, and the family has read the answer.
        asked = _at(_business_days_before(today, 3), 19, 10)
        answered = _at(_business_days_before(today, 2), 10, 5)
        thread = messaging.start_thread(
            household=garcia,
            topic=Topic.PAYMENT,
            subject="Ayuda para ropa de Maya y Leo",
            body=(
                "Buenas tardes. Maya y Leo llegaron con muy poca ropa de invierno. ¿Cómo pedimos la ayuda inicial "
                "para ropa y qué recibos necesitan? Gracias."
            ),
            author=elena,
            now=asked,
        )
        messaging.post_message(
            thread=thread,
            author=people[Role.FISCAL],
            body="Estimada Sra. Garcia:\n\n" + SAVED_REPLIES[2][2] + "\n\nTom Baker, oficina de pagos",
            now=answered,
        )
        messaging.mark_read(thread=thread, user=elena, now=answered + timedelta(hours=8))

        # Overdue: nobody has answered the Nguyen family's question about training hours.
        messaging.start_thread(
            household=nguyen,
            topic=Topic.LICENSING,
            subject="Training hours before our renewal",
            body=(
                "Good morning Ms. Miller,\n\nOur licence renewal is coming up. How many training hours do we still "
                "need, and are there any evening classes? We both work during the day.\n\nThank you,\nLinh Nguyen"
            ),
            author=linh,
            now=_at(_business_days_before(today, 4), 9, 20),
        )

        # Answered the same day, closed by the family and rated.
        asked_day = _business_days_before(today, 8)
        thread = messaging.start_thread(
            household=nguyen,
            topic=Topic.COURT,
            about=Child.objects.get(first_name="Zoe", last_name="Park"),
            subject="Zoe's court hearing",
            body="Hi Ms. Shah,\n\nZoe told us she has a court hearing next month. May we come, and should we bring anything?",
            author=linh,
            now=_at(asked_day, 12, 0),
        )
        messaging.post_message(
            thread=thread,
            author=shah,
            body=(
                "Dear Ms. Nguyen,\n\nThank you for asking. Yes, please come: the judge wants to hear how Zoe is doing, "
                "and you know that best. I will send you the date and the room as soon as the court confirms them, "
                "and I will meet you at the entrance. You don't need to bring anything; a few lines about how Zoe "
                "is settling in would help.\n\nMs. Shah"
            ),
            now=_at(asked_day, 15, 30),
        )
        closed_at = _at(_business_days_before(today, 7), 8, 15)
        thread = messaging.close_thread(thread=thread, actor=linh, now=closed_at)
        messaging.rate_thread(
            thread=thread, actor=linh, score=5, comment="Quick, kind answer. Thank you for inviting us.", now=closed_at
        )

    def _saved_replies(self, team):
        author = User.objects.filter(team=team, role=Role.CASEWORKER, is_active=True).order_by("pk").first()
        for language, title, body in SAVED_REPLIES:
            if not SavedReply.objects.filter(team=team, language=language, title=title).exists():
                messaging.save_reply(actor=author, title=title, body=body, language=language)


def _business_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if business_days.is_business_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=business_days.agency_zone())
