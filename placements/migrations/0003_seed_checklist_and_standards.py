"""The default disclosure checklist, and two of the promises disclosure makes.

The third, "disclosure-item" (a pending item), was seeded with the other standards in followups 0002.

Administrators edit both afterwards (the checklist in "Disclosure checklist", the deadlines
in "Service standards"); agencies differ.
"""

from django.db import migrations
from django.utils import timezone

ENTRIES = [
    ("health", "Health conditions and diagnoses", "Problemas de salud y diagnósticos",
     "Known conditions, diagnoses, doctors and upcoming appointments.",
     "Problemas de salud conocidos, diagnósticos, médicos y próximas citas.", "text"),
    ("medications", "Current medications", "Medicamentos actuales",
     "Each medicine: dose, when to give it, prescriber, pharmacy, whether a supply came, next refill.",
     "Cada medicamento: dosis, cuándo darlo, quién lo recetó, farmacia, si vino con una provisión, próximo resurtido.", "medications"),
    ("allergies", "Allergies", "Alergias",
     "Food, medicine and other allergies, and what to do in a reaction.",
     "Alergias a alimentos, medicamentos y otras, y qué hacer ante una reacción.", "text"),
    ("behaviours", "Behaviours and what helps", "Comportamientos y qué ayuda",
     "Behaviours the family should expect, honestly described, and what calms or helps the child.",
     "Comportamientos que la familia debe esperar, descritos con honestidad, y qué calma o ayuda al niño.", "text"),
    ("triggers", "Trauma triggers", "Lo que le recuerda experiencias traumáticas",
     "Situations, words or things that may frighten or upset the child, and what to do.",
     "Situaciones, palabras o cosas que pueden asustar o alterar al niño, y qué hacer.", "text"),
    ("school", "School and education needs", "Escuela y necesidades educativas",
     "School, grade, teacher, individual education plan, transport.",
     "Escuela, grado, maestro, plan educativo individual, transporte.", "text"),
    ("visitation", "Visits with the birth family", "Visitas con la familia biológica",
     "Schedule, who supervises, where, and who provides transport.",
     "Horario, quién supervisa, dónde y quién da el transporte.", "text"),
    ("contacts", "Important people and contacts", "Personas y contactos importantes",
     "People the child is close to and may contact: relatives, friends, mentors, therapists.",
     "Personas cercanas al niño con quienes puede tener contacto: familiares, amigos, mentores, terapeutas.", "text"),
    ("insurance", "Medicaid or insurance card", "Tarjeta de Medicaid o seguro",
     "Card number, where the card is, and how the family gets a copy.",
     "Número de tarjeta, dónde está y cómo obtiene la familia una copia.", "text"),
    ("belongings", "Clothing and belongings that came with the child", "Ropa y pertenencias que trajo el niño",
     "What came with the child, and what is still missing.",
     "Lo que trajo el niño y lo que todavía falta.", "text"),
    ("court", "Court status and permanency goal", "Situación en la corte y meta de permanencia",
     "Where the case stands in court, the next hearing, and the permanency goal.",
     "En qué punto está el caso en la corte, la próxima audiencia y la meta de permanencia.", "text"),
]

STANDARDS = [
    {
        "code": "medication-at-placement",
        "name": "Medication that did not come with a child",
        "name_es": "Medicamentos que no llegaron con el niño",
        "family_wording": "Getting the medication that did not come with the child",
        "family_wording_es": "Conseguir los medicamentos que no llegaron con el niño",
        "business_days": 0,
        "remind_office_hours_before": 2,
        "source": "Families: children placed without their medication and no word on how to get the prescription",
    },
    {
        "code": "need-follow-up",
        "name": "Check a shared need was met",
        "name_es": "Comprobar que se atendió una necesidad compartida",
        "family_wording": "Checking that what you needed reached you",
        "family_wording_es": "Comprobar que les llegó lo que necesitaban",
        "business_days": 5,
        "source": "Policy 002 §2: share a family's needs only with their permission; follow up to verify the need was met",
    },
]


def seed(apps, schema_editor):
    ChecklistEntry = apps.get_model("placements", "ChecklistEntry")
    for position, (code, title, title_es, guidance, guidance_es, kind) in enumerate(ENTRIES, start=1):
        ChecklistEntry.objects.get_or_create(
            code=code,
            defaults={"title": title, "title_es": title_es, "guidance": guidance, "guidance_es": guidance_es,
                      "kind": kind, "position": position * 10},
        )
    # Placements recorded before the checklist existed get their disclosure, every item still to fill.
    Disclosure = apps.get_model("placements", "Disclosure")
    DisclosureItem = apps.get_model("placements", "DisclosureItem")
    entries = list(ChecklistEntry.objects.filter(active=True))
    for placement in apps.get_model("placements", "Placement").objects.filter(disclosure__isnull=True):
        disclosure = Disclosure.objects.create(placement=placement, updated_at=timezone.now())
        DisclosureItem.objects.bulk_create([DisclosureItem(disclosure=disclosure, entry=entry) for entry in entries])
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    for standard in STANDARDS:
        ServiceStandard.objects.get_or_create(code=standard["code"], defaults={k: v for k, v in standard.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("followups", "ServiceStandard").objects.filter(code__in=[s["code"] for s in STANDARDS], commitments__isnull=True).delete()
    apps.get_model("placements", "Disclosure").objects.all().delete()
    apps.get_model("placements", "ChecklistEntry").objects.filter(code__in=[e[0] for e in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_disclosure_checklist_respite_needs"),
        ("followups", "0002_seed_service_standards"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
