"""Recognition (one of the agency's five R's): thanking a family personally is a promise, reminded like any other."""

from django.db import migrations

STANDARD = {
    "code": "recognition-thanks",
    "name": "Thank a family personally (an anniversary or an adoption)",
    "name_es": "Agradecer personalmente a una familia (un aniversario o una adopción)",
    "family_wording": "A personal note from your resource worker",
    "family_wording_es": "Una nota personal de su trabajador(a) de recursos",
    "business_days": 5,
    "source": "The five R's: recognition. Families are partners, not employees",
}


def seed(apps, schema_editor):
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    ServiceStandard.objects.get_or_create(code=STANDARD["code"], defaults={k: v for k, v in STANDARD.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("followups", "ServiceStandard").objects.filter(code=STANDARD["code"], commitments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0006_recognition"),
        ("followups", "0003_report_fields"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
