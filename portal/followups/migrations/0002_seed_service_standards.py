"""Seed the agency's service standards from DOMAIN.md; administrators edit them afterwards."""

from django.db import migrations

STANDARDS = [
    # code, name, name_es, family wording, family wording (es), business days, source
    ("inquiry-first-contact", "First personal contact with an inquirer", "Primer contacto personal con una persona interesada",
     "A personal call about your interest in fostering or adopting", "Una llamada personal sobre su interés en acoger o adoptar", 1,
     "Workshop: follow up with interested families as soon as possible, personally"),
    ("message-reply", "Reply to a family's portal message", "Respuesta al mensaje de una familia",
     "A reply to your message", "Una respuesta a su mensaje", 1, "Workshop pledge: answer e-mail within one business day"),
    ("return-call", "Return a call or callback request", "Devolver una llamada",
     "A call back", "Una llamada de vuelta", 1, "Policy 002 §1: return calls within one business day"),
    ("letter-reply", "Answer a letter or fax", "Responder una carta o fax",
     "An answer to your letter", "Una respuesta a su carta", 5, "Policy 002 §1: answer mail within 5 working days"),
    ("disclosure-item", "Close a pending disclosure item", "Completar un dato pendiente sobre el niño",
     "Information about a child placed with you", "Información sobre un niño que vive con usted", 2,
     "Workshop (Reliable): give resource parents all known information in a timely manner"),
    ("hearing-outcome", "Post a hearing outcome to the family", "Informar a la familia del resultado de una audiencia",
     "What happened at the court hearing", "Lo que pasó en la audiencia judicial", 1,
     "Workshop: keep families informed about court and the case plan"),
    ("reimbursement-decision", "Decide a reimbursement claim", "Decidir una solicitud de reembolso",
     "A decision on your reimbursement claim", "Una decisión sobre su solicitud de reembolso", 10,
     "Workshop (fiscal): process paperwork without delay"),
    ("payment-after-approval", "Pay an approved claim", "Pagar una solicitud aprobada",
     "Payment of your approved claim", "El pago de su solicitud aprobada", 5,
     "Workshop (fiscal): reimbursements on time"),
]


def seed(apps, schema_editor):
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    for code, name, name_es, wording, wording_es, days, source in STANDARDS:
        ServiceStandard.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_es": name_es,
                "family_wording": wording,
                "family_wording_es": wording_es,
                "business_days": days,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    ServiceStandard = apps.get_model("followups", "ServiceStandard")
    ServiceStandard.objects.filter(code__in=[row[0] for row in STANDARDS], commitments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
