"""The starting themes and audiences, shipped as data and synchronised after each migration."""

import json
from pathlib import Path

from django.db import transaction

VOCABULARIES_FILE = Path(__file__).resolve().parent / "data" / "vocabularies.json"


def sync_vocabularies(*, using: str = "default") -> int:
    """Create the shipped themes and audiences that are missing; never overwrite what coordinators edited.

    Returns the number of entries created.
    """
    from library.models import Audience, Theme

    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))
    known_themes = set(Theme.objects.using(using).values_list("code", flat=True))
    known_audiences = set(Audience.objects.using(using).values_list("code", flat=True))
    themes = [
        Theme(
            code=entry["code"],
            label=entry["label"],
            description=entry["description"],
            synonyms="\n".join(entry["synonyms"]),
            disability_kit=entry["disability_kit"],
            position=position,
        )
        for position, entry in enumerate(data["themes"])
        if entry["code"] not in known_themes
    ]
    audiences = [
        Audience(code=entry["code"], label=entry["label"], position=position)
        for position, entry in enumerate(data["audiences"])
        if entry["code"] not in known_audiences
    ]
    with transaction.atomic(using=using):
        Theme.objects.using(using).bulk_create(themes)
        Audience.objects.using(using).bulk_create(audiences)
    return len(themes) + len(audiences)
