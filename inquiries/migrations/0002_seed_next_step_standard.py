"""The standard for steps a worker promises an inquirer ("we will send the application"): two business days by default."""

from django.db import migrations

CODE = "inquiry-next-step"


def seed(apps, schema_editor):
    apps.get_model("followups", "ServiceStandard").objects.get_or_create(
        code=CODE,
        defaults={
            "name": "A step promised to an inquirer",
            "name_es": "Un paso prometido a una persona interesada",
            "family_wording": "The next step we promised you",
            "family_wording_es": "El siguiente paso que le prometimos",
            "business_days": 2,
            "source": "Workshop: follow up with interested families; say what happens next and when",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("followups", "ServiceStandard").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0001_add_inquiries_contact_log_pipeline"),
        ("followups", "0002_seed_service_standards"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
