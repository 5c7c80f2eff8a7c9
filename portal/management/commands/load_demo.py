"""Load a small demo agency. Running it again changes nothing that is already there."""

from datetime import date, datetime, time, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import formats, timezone, translation

from inquiries import services as inquiries
from inquiries.models import ClosedReason, ContactLog, Inquiry, Interest, Stage
from messaging import services as messaging
from messaging.models import CallbackRequest, ContactRecord, SavedReply, Thread, Topic
from messaging.services import record_contact
from placements import recognition
from placements.models import Child
from portal import business_days
from portal.accounts.models import Absence, County, Household, Office, Role, Team, User
from portal.accounts.services import record_absence

from ._demo_events import EventsDemo
from ._demo_placements import PlacementsDemo
from ._demo_reimbursements import MoneyDemo

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
    # A second resource worker, so that new inquiries visibly take turns between the two.
    ("resource.worker2@demo.agency", "Mr.", "Luis", "Ortiz", Role.RESOURCE_WORKER),
    ("fiscal@demo.agency", "Mr.", "Tom", "Baker", Role.FISCAL),
]
FAMILIES = [
    ("The Garcia family", "RF-2024-0117", "garcia@demo.family", "Mrs.", "Elena", "Garcia", "es"),
    ("The Johnson family", "RF-2023-0452", "johnson@demo.family", "Mr.", "David", "Johnson", "en"),
    ("The Nguyen family", "RF-2025-0031", "nguyen@demo.family", "Ms.", "Linh", "Nguyen", "en"),
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

# Inquiries from people thinking about becoming a resource family, oldest first (round robin
# hands them out in the order they arrive). "received" is (business days before today, hour,
# minute), or None for "a few hours ago"; "saturday" moves it to the Saturday before that day.
# Each step of the story is (business days after the day received, hour, minute, what happened, ...);
# a day of None means an hour ago. Every step goes through inquiries.services, so the ledger matches.
# The e-mail address (or the phone, for someone who gave only a phone) is the demo's marker: an
# inquiry already there is left alone.
INQUIRIES = [
    {
        "name": "Sharon Whitfield", "email": "sharon.whitfield@example.org", "phone": "601-555-0187",
        "contact_way": "phone", "best_time": "Any time after 3:30, when I'm home from work", "language": "en",
        "interest": Interest.KINSHIP,
        "questions": (
            "My niece's two little boys were taken into care last week. I want them with family, and I can take "
            "them both. What do I need to do, and how long does it take?"
        ),
        "received": (62, 19, 40),
        "story": [
            (1, 9, 5, "contact", ContactLog.Kind.SPOKE, "Talked for 40 minutes. The boys are 3 and 6. Explained kinship licensing and the home check."),
            (1, 9, 50, "promise", "Send the kinship application and the list of documents today"),
            (1, 14, 0, "done"),
            (3, 10, 0, "stage", Stage.ORIENTATION, "Kinship orientation, one to one at the office"),
            (6, 11, 30, "stage", Stage.APPLICATION, ""),
            (8, 9, 15, "promise", "Call to book the home study visit"),
            (9, 10, 0, "done"),
            (10, 10, 5, "stage", Stage.HOME_STUDY, ""),
            (40, 15, 0, "stage", Stage.LICENSED, "Licensed as a kinship home for both boys."),
        ],
    },
    {
        "name": "Darnell Brooks", "email": "darnell.brooks@example.org", "phone": "(601) 555-0123",
        "contact_way": "phone", "best_time": "Weekdays after 6 pm", "language": "en", "interest": Interest.FOSTER,
        "questions": (
            "I'll be honest, my first question is about money. How much is the monthly board payment, and does the "
            "agency help with clothes, school things and daycare? We want to do this right and need to know we can "
            "afford it."
        ),
        "received": (55, 21, 10),
        "story": [
            (1, 12, 20, "contact", ContactLog.Kind.NO_ANSWER, ""),
            (1, 16, 40, "contact", ContactLog.Kind.SPOKE, "Went through the board payment, the initial clothing allowance and travel reimbursement. A good first question."),
            (2, 9, 30, "promise", "Send the board payment rates and the information session dates"),
            (2, 11, 0, "done"),
            (2, 11, 5, "stage", Stage.SESSION_INVITED, ""),
            (12, 19, 0, "stage", Stage.SESSION_ATTENDED, "Came with his wife; they asked about respite first."),
        ],
    },
    {
        "name": "Rachel Tran", "email": "rachel.tran@example.org", "phone": "",
        "contact_way": "email", "best_time": "", "language": "en", "interest": Interest.RESPITE,
        "questions": (
            "My husband and I would like to help, maybe with respite weekends to start. We are moving to a bigger "
            "house this summer, though. Is it too early to ask?"
        ),
        "received": (48, 12, 35),
        "story": [
            (0, 15, 10, "contact", ContactLog.Kind.PERSONAL_EMAIL, "Wrote back: never too early. Explained respite care and asked for a phone number."),
            (5, 10, 0, "contact", ContactLog.Kind.SPOKE, "They would rather start after the move."),
            (5, 10, 10, "close", ClosedReason.NOT_READY, "Moving this summer; would like to hear from us in September."),
        ],
    },
    {
        "name": "María José Hernández", "email": "mariajose.hernandez@example.org", "phone": "601 555 0168",
        "contact_way": "text", "best_time": "Por las tardes, después de las 5", "language": "es", "interest": Interest.FOSTER,
        "questions": (
            "Somos una pareja con dos hijos adolescentes. ¿Podemos ser familia de acogida si los dos trabajamos? "
            "¿Hay sesiones informativas en español?"
        ),
        "received": (40, 18, 25),
        "story": [
            (1, 10, 30, "contact", ContactLog.Kind.PERSONAL_TEXT, "Texted in Spanish; they asked for a call on Thursday afternoon."),
            (3, 16, 15, "contact", ContactLog.Kind.SPOKE, "Both parents work: that is fine. Spanish information session on the 2nd Tuesday."),
            (4, 9, 0, "stage", Stage.SESSION_INVITED, ""),
            (9, 18, 30, "stage", Stage.SESSION_ATTENDED, ""),
            (13, 18, 0, "stage", Stage.ORIENTATION, ""),
            (20, 11, 0, "promise", "Enviarles la solicitud en español"),
            (20, 15, 30, "done"),
            (21, 10, 0, "stage", Stage.APPLICATION, ""),
            (None, 0, 0, "promise", "Llamarles para revisar juntos la solicitud y los documentos que faltan"),
        ],
    },
    {
        "name": "Kevin O'Neal", "email": "kevin.oneal@example.org", "phone": "601.555.0139",
        "contact_way": "phone", "best_time": "Lunchtime, 12 to 1", "language": "en", "interest": Interest.ADOPT,
        "questions": (
            "We've been thinking about adoption for a couple of years. Do you place younger children, and do we "
            "have to foster first?"
        ),
        "received": (25, 16, 50),
        "story": [
            (1, 16, 30, "contact", ContactLog.Kind.VOICEMAIL, "Left a voicemail with my direct line."),
            (2, 8, 5, "again", "Sorry I missed your call yesterday. The best time to reach me is at lunchtime."),
            (2, 12, 10, "contact", ContactLog.Kind.SPOKE, "One licence covers fostering and adopting. Talked about brothers and sisters waiting together."),
            (3, 9, 0, "stage", Stage.SESSION_INVITED, ""),
        ],
    },
    {
        "name": "Lucía Morales", "email": "lucia.morales@example.org", "phone": "",
        "contact_way": "email", "best_time": "", "language": "es", "interest": Interest.ADOPT,
        "questions": "Mi esposo y yo queremos adoptar. ¿Cuánto tiempo tarda el proceso y cuánto cuesta?",
        "received": (18, 7, 45),
        "story": [
            (0, 11, 20, "contact", ContactLog.Kind.PERSONAL_EMAIL, "Wrote in Spanish: adopting from care costs the family nothing; about 4 to 6 months to a licence."),
            (1, 9, 0, "stage", Stage.SESSION_INVITED, ""),
            (6, 18, 30, "stage", Stage.SESSION_ATTENDED, ""),
        ],
    },
    {
        "name": "Guadalupe Ramírez", "email": "guadalupe.ramirez@example.org", "phone": "+1 (601) 555-0191",
        "contact_way": "phone", "best_time": "Entre semana después de las 4", "language": "es", "interest": Interest.UNSURE,
        "questions": "Vivo sola y trabajo medio tiempo. ¿Una persona sola puede ser familia de recursos? ¿Necesito tener casa propia?",
        "received": (12, 10, 20),
        "saturday": True,
        "story": [
            (1, 9, 40, "contact", ContactLog.Kind.SPOKE, "Called in Spanish. Single people and renters are welcome."),
            (1, 9, 50, "promise", "Enviarle las fechas de la próxima sesión informativa en español"),
            (1, 13, 0, "done"),
            (1, 13, 5, "stage", Stage.SESSION_INVITED, ""),
        ],
    },
    {
        "name": "Terrence Hall", "email": "", "phone": "601-555-0175",
        "contact_way": "text", "best_time": "Any time", "language": "en", "interest": Interest.FOSTER,
        "questions": "Is there an age limit? I'm 61 and retired, with lots of time and a big yard.",
        "received": (6, 8, 15),
        "story": [
            (0, 11, 0, "contact", ContactLog.Kind.PERSONAL_TEXT, "Texted back: there is no upper age limit. Asked when to call."),
            (0, 14, 30, "contact", ContactLog.Kind.SPOKE, ""),
            (1, 9, 0, "stage", Stage.SESSION_INVITED, ""),
        ],
    },
    {
        "name": "Aisha Coleman", "email": "aisha.coleman@example.org", "phone": "6015550152",
        "contact_way": "phone", "best_time": "Weekday mornings before 11", "language": "en", "interest": Interest.FOSTER,
        "questions": "We have a spare room and would love to help a teenager. What are the first steps, and can we both keep working full time?",
        "received": None,
        "story": [],
    },
]
# The inquirer whose private status page the command prints: still waiting for a first call.
WAITING_INQUIRER = "aisha.coleman@example.org"


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
        # The children, their placements and disclosures (see _demo_placements for the story).
        placement_lines = PlacementsDemo(now=timezone.now()).load()
        absence = self._cover(people)
        # Hearings, meetings and visits for the Garcias (after the cover, so today's promises go to Ms. Shah).
        event_lines = EventsDemo(now=timezone.now()).load()
        # Board payments, the clothing allowance and claims (after the events: mileage is claimed for a hearing).
        money_lines = MoneyDemo(now=timezone.now()).load()
        self._conversations(households, people)
        self._saved_replies(team)
        waiting = self._inquiries(hinds)
        thanks = self._recognition(households)
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
        for line in placement_lines:
            self.stdout.write(line)
        for line in event_lines:
            self.stdout.write(line)
        for line in money_lines:
            self.stdout.write(line)
        if thanks:
            self.stdout.write(f"  {thanks} is three years licensed today: {people[Role.RESOURCE_WORKER]} has a promise to thank them (Families to thank).")
        if waiting is not None:
            with translation.override("en"):
                due = formats.date_format(timezone.localtime(waiting.first_contact_due_at), "DATETIME_FORMAT")
            self.stdout.write(
                f"  {waiting.name} sent an inquiry and is waiting for a first call from {waiting.worker} by {due}. "
                f"The inquirer's private status page (no account needed): {settings.PORTAL_BASE_URL}{inquiries.status_path(waiting)}"
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

    def _inquiries(self, county):
        """Nine inquiries at every point of the path, so the queue, the status page and the funnel have data."""
        now = timezone.now()
        today = business_days.local_date(now)
        for story in INQUIRIES:
            marker = {"email_key": story["email"].casefold()} if story["email"] else {"phone_key": inquiries.phone_key(story["phone"])}
            if Inquiry.objects.filter(**marker).exists():
                continue
            if story["received"] is None:
                received = now - timedelta(hours=3)
            else:
                days_ago, hour, minute = story["received"]
                day = _business_days_before(today, days_ago)
                while story.get("saturday") and day.weekday() != 5:
                    day -= timedelta(days=1)
                received = _at(day, hour, minute)
            form = {key: story[key] for key in ("name", "email", "phone", "contact_way", "best_time", "language", "interest", "questions")}
            inquiry = inquiries.submit_inquiry(**form, county=county, now=received).inquiry
            step = None
            for after, hour, minute, action, *args in story["story"]:
                at = now - timedelta(hours=1) if after is None else _at(_business_days_after(business_days.local_date(received), after), hour, minute)
                worker = inquiry.worker
                if action == "contact":
                    inquiries.log_contact(inquiry=inquiry, kind=args[0], note=args[1], actor=worker, now=at)
                elif action == "again":
                    inquiries.submit_inquiry(**(form | {"questions": args[0]}), county=county, now=at)
                elif action == "promise":
                    step = inquiries.promise_next_step(inquiry=inquiry, description=args[0], actor=worker, now=at)
                elif action == "done":
                    inquiries.complete_next_step(step=step, actor=worker, now=at)
                elif action == "stage":
                    inquiries.move_stage(inquiry=inquiry, stage=args[0], note=args[1], actor=worker, now=at)
                elif action == "close":
                    inquiries.move_stage(inquiry=inquiry, stage=Stage.CLOSED, closed_reason=args[0], note=args[1], actor=worker, now=at)
                inquiry.refresh_from_db()
        return Inquiry.objects.filter(email_key=WAITING_INQUIRER, stage=Stage.NEW).select_related("worker").first()

    def _recognition(self, households):
        """The first family was licensed three years ago today: a day to thank them (found as the daily task would)."""
        today = timezone.localdate()
        family = households[0]
        if family.licensed_on is None:
            day = today.replace(day=28) if (today.month, today.day) == (2, 29) else today
            family.licensed_on = day.replace(year=day.year - 3)
            family.save(update_fields=["licensed_on"])
        recognition.find_recognitions()
        return family.name if family.licensed_on.replace(year=today.year) == today else ""

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


def _business_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if business_days.is_business_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=business_days.agency_zone())
