"""The tone guide as the agency's customer-service training gives it (Helpful Reminders), in English and Spanish."""

from django.db import migrations

PHRASES = {
    "en": [
        ("I don't know", "I'll find out"),
        ("No", "What I can do is…"),
        ("That's not my job", "Let me find the right person who can help you"),
        ("That's not my unit", "Let me find the right person who can help you"),
        ("You're right, that is bad", "I understand your frustration; let's see how we can solve this"),
        ("That's not my fault", "Let's see what we can do about this"),
        ("You want it by when?", "I'll try my best"),
        ("Calm down", "I'm sorry"),
        ("I'm busy right now", "I'll be with you in just a moment"),
        ("Call me back", "I will call you back. What is your telephone number?"),
        ("Take that up with my supervisor", "Let me find that out for you"),
    ],
    "es": [
        ("No sé", "Lo averiguaré"),
        ("No", "Lo que puedo hacer es…"),
        ("Ese no es mi trabajo", "Permítame encontrar a la persona que puede ayudarle"),
        ("Esa no es mi unidad", "Permítame encontrar a la persona que puede ayudarle"),
        ("Tiene razón, eso está mal", "Entiendo su frustración; veamos cómo resolverlo"),
        ("No es mi culpa", "Veamos qué podemos hacer al respecto"),
        ("¿Para cuándo lo quiere?", "Haré todo lo posible"),
        ("Cálmese", "Lo siento"),
        ("Estoy ocupado ahora", "Enseguida le atiendo"),
        ("Estoy ocupada ahora", "Enseguida le atiendo"),
        ("Llámeme más tarde", "Yo le devuelvo la llamada. ¿Cuál es su número de teléfono?"),
        ("Hable con mi supervisor", "Permítame averiguarlo por usted"),
    ],
}


def seed(apps, schema_editor):
    TonePhrase = apps.get_model("messaging", "TonePhrase")
    for language, rows in PHRASES.items():
        for phrase, alternative in rows:
            TonePhrase.objects.get_or_create(language=language, phrase=phrase, defaults={"alternative": alternative})


def unseed(apps, schema_editor):
    TonePhrase = apps.get_model("messaging", "TonePhrase")
    for language, rows in PHRASES.items():
        TonePhrase.objects.filter(language=language, phrase__in=[phrase for phrase, _ in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_add_threads_callbacks_tone_guide")]

    operations = [migrations.RunPython(seed, unseed)]
