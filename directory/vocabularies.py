"""The starting vocabularies, shipped as data and synchronised after each migration."""

import json
from pathlib import Path

from django.db import transaction

VOCABULARIES_FILE = Path(__file__).resolve().parent / "data" / "vocabularies.json"


def sync_vocabularies(*, using: str = "default") -> int:
    """Create the shipped terms that are missing; never overwrite what coordinators edited.

    Returns the number of terms created.
    """
    from directory.models import Term
    from directory.search import forget_terms

    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))["vocabularies"]
    existing = set(Term.objects.using(using).values_list("vocabulary", "code"))
    missing = []
    for vocabulary, entries in data.items():
        for position, entry in enumerate(entries):
            if (vocabulary, entry["code"]) in existing:
                continue
            missing.append(
                Term(
                    vocabulary=vocabulary,
                    code=entry["code"],
                    label=entry["label"],
                    national_value=entry["national_value"],
                    national_field=entry["national_field"],
                    synonyms="\n".join(entry["synonyms"]),
                    position=position,
                )
            )
    with transaction.atomic(using=using):
        Term.objects.using(using).bulk_create(missing)
        forget_terms()
    return len(missing)
