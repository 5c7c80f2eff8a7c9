"""The promises events make: notice of hearings and meetings, help to attend, receipt of the family's observations.

("hearing-outcome", posting what happened, was seeded with the other standards in followups 0002.)
"""

from django.db import migrations

STANDARDS = [
    {
        "code": "event-notice",
        "name": "Invite a family to a hearing, meeting or review in good time",
        "name_es": "Invitar a la familia a una audiencia, reunión o revisión con tiempo",
        "family_wording": "Your invitation, in good time",
        "family_wording_es": "Su invitación, con tiempo",
        "business_days": 5,
        "source": "Pledge: keep families informed about court; invite them to hearings, family team meetings and reviews",
    },
    {
        "code": "event-help",
        "name": "Arrange transport or child care so a family can attend",
        "name_es": "Organizar transporte o cuidado de niños para que la familia pueda asistir",
        "family_wording": "Help to attend (transport or child care)",
        "family_wording_es": "Ayuda para asistir (transporte o cuidado de niños)",
        "business_days": 1,
        "source": "Families invited to court or meetings but not engaged",
    },
    {
        "code": "observation-receipt",
        "name": "Confirm receiving a family's observations",
        "name_es": "Confirmar que se recibieron las observaciones de la familia",
        "family_wording": "Confirming we received your observations",
        "family_wording_es": "Confirmar que recibimos sus observaciones",
        "business_days": 1,
        "source": "Resource parents' right to be heard; answer within one business day",
    },
]


def seed(apps, schema_editor):
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    for standard in STANDARDS:
        ServiceStandard.objects.get_or_create(code=standard["code"], defaults={k: v for k, v in standard.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("followups", "ServiceStandard").objects.filter(
        code__in=[s["code"] for s in STANDARDS], commitments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_add_events_invitations_visits"),
        ("followups", "0002_seed_service_standards"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
