"""Starting reference data (need thesaurus, reasons), shipped as data and synchronised after migrations.

Only what is missing is created: coordinators' edits are never overwritten.
"""

import json
from pathlib import Path

from django.db import transaction

from routing.qualify import load_thesaurus

REASONS_FILE = Path(__file__).resolve().parent / "data" / "reasons.json"


def sync_reference_data(*, using: str = "default") -> None:
    from demandes.models import NeedCategory, Reason
    from directory.models import Term, Vocabulary

    with transaction.atomic(using=using):
        reasons = json.loads(REASONS_FILE.read_text(encoding="utf-8"))
        existing = set(Reason.objects.using(using).values_list("kind", "code"))
        Reason.objects.using(using).bulk_create(
            [
                Reason(kind=kind, code=entry["code"], label=entry["label"], position=position)
                for kind in ("decline", "closure")
                for position, entry in enumerate(reasons[kind])
                if (kind, entry["code"]) not in existing
            ]
        )
        known = set(NeedCategory.objects.using(using).values_list("code", flat=True))
        terms = {
            (vocabulary, code): pk
            for pk, vocabulary, code in Term.objects.using(using)
            .filter(vocabulary__in=[Vocabulary.SERVICE, Vocabulary.EQUIPMENT])
            .values_list("pk", "vocabulary", "code")
        }
        for position, category in enumerate(load_thesaurus()):
            if category.code in known:
                continue
            need = NeedCategory.objects.using(using).create(
                code=category.code,
                label=category.label,
                synonyms="\n".join(category.synonyms),
                stems="\n".join(category.stems),
                production_run=category.production_run,
                position=position,
            )
            need.services.set(
                [terms[(Vocabulary.SERVICE, code)] for code in category.services if (Vocabulary.SERVICE, code) in terms]
            )
            need.equipment.set(
                [
                    terms[(Vocabulary.EQUIPMENT, code)]
                    for code in category.equipment
                    if (Vocabulary.EQUIPMENT, code) in terms
                ]
            )
