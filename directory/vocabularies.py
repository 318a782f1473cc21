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


LIKELY_SERVICES_FILE = Path(__file__).resolve().parent / "data" / "likely_services.json"


def sync_likely_services(*, using: str = "default") -> int:
    """Create the shipped likely-service rules that are missing (by type or label); never touch edited ones.

    The places the new rules apply to get their search index refreshed (signals, gathered into one refresh).
    Returns the number of rules created.
    """
    from directory import index
    from directory.models import LikelyService, Term

    rules = json.loads(LIKELY_SERVICES_FILE.read_text(encoding="utf-8"))["rules"]
    terms = {(term.vocabulary, term.code): term for term in Term.objects.using(using)}
    existing = set(LikelyService.objects.using(using).values_list("term_id", flat=True))
    created = 0
    with transaction.atomic(using=using), index.deferred():
        for rule in rules:
            term = terms.get((rule["vocabulary"], rule["code"]))
            if term is None or term.pk in existing:
                continue
            services = [terms[("service", code)] for code in rule["services"] if ("service", code) in terms]
            likely = LikelyService.objects.using(using).create(term=term, reason=rule["reason"])
            likely.services.set(services)
            existing.add(term.pk)
            created += 1
    return created
