"""Starting rates an administrator reviews and changes in the admin, and the clothing allowance's promise.

Daily board by level of care and age band, the initial clothing allowance by age, and the
mileage rate. The figures are typical of a state schedule, effective from 1 July 2025.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

EFFECTIVE = date(2025, 7, 1)
BANDS = [(0, 5), (6, 12), (13, 21)]
DAILY = {
    "basic": ["25.50", "27.75", "30.25"],
    "moderate": ["35.50", "37.75", "40.25"],
    "specialized": ["50.00", "52.50", "55.00"],
    "intensive": ["75.00", "78.00", "81.00"],
}
CLOTHING = ["250.00", "300.00", "350.00"]
PER_MILE = "0.700"

STANDARD = {
    "code": "clothing-allowance",
    "name": "Pay the initial clothing allowance",
    "name_es": "Pagar la asignación inicial para ropa",
    "family_wording": "The clothing allowance for a child placed with you",
    "family_wording_es": "La asignación para ropa del niño o la niña que vive con usted",
    "business_days": 10,
    "source": "Families leave over delays in the initial clothing allowance",
}


def seed(apps, schema_editor):
    BoardRate = apps.get_model("reimbursements", "BoardRate")
    ClothingAllowanceRate = apps.get_model("reimbursements", "ClothingAllowanceRate")
    MileageRate = apps.get_model("reimbursements", "MileageRate")
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    for level, amounts in DAILY.items():
        for (low, high), amount in zip(BANDS, amounts):
            BoardRate.objects.get_or_create(
                level_of_care=level, min_age=low, effective_from=EFFECTIVE, defaults={"max_age": high, "daily_rate": Decimal(amount)}
            )
    for (low, high), amount in zip(BANDS, CLOTHING):
        ClothingAllowanceRate.objects.get_or_create(min_age=low, effective_from=EFFECTIVE, defaults={"max_age": high, "amount": Decimal(amount)})
    MileageRate.objects.get_or_create(effective_from=EFFECTIVE, defaults={"per_mile": Decimal(PER_MILE)})
    ServiceStandard.objects.get_or_create(code=STANDARD["code"], defaults={k: v for k, v in STANDARD.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("reimbursements", "BoardRate").objects.filter(effective_from=EFFECTIVE).delete()
    apps.get_model("reimbursements", "ClothingAllowanceRate").objects.filter(effective_from=EFFECTIVE).delete()
    apps.get_model("reimbursements", "MileageRate").objects.filter(effective_from=EFFECTIVE).delete()
    apps.get_model("followups", "ServiceStandard").objects.filter(code=STANDARD["code"], commitments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reimbursements", "0001_add_money"),
        ("followups", "0002_seed_service_standards"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
