"""Everyday words for the need thesaurus of databases made before they were shipped.

Only adds the phrases a category lacks (coordinators' edits stay); a new database gets them from
routing/data/thesaurus.json when the reference data are loaded.
"""

from django.db import migrations

EVERYDAY_WORDS = {
    "digital_basics": [
        "portable",
        "mon portable",
        "ordinateur",
        "ordinateur portable",
        "internet",
        "photos",
        "envoyer des photos",
        "mes photos",
        "clé USB",
        "mon téléphone",
    ],
    "online_admin": ["banque en ligne", "ma banque", "Doctolib", "mutuelle", "mes papiers", "compte Ameli"],
}


def add_words(apps, schema_editor):
    NeedCategory = apps.get_model("demandes", "NeedCategory")
    for category in NeedCategory.objects.filter(code__in=EVERYDAY_WORDS):
        lines = [line.strip() for line in category.synonyms.splitlines() if line.strip()]
        missing = [word for word in EVERYDAY_WORDS[category.code] if word not in lines]
        if missing:
            category.synonyms = "\n".join([*lines, *missing])
            category.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("demandes", "0002_idempotent_submissions")]

    operations = [migrations.RunPython(add_words, migrations.RunPython.noop)]
